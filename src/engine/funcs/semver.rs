//! Masterminds/semver v3 (what Sprig and Helm use): its lax version
//! parsing (`v1.2`, `1`), prerelease ordering and constraint language
//! (`>=1.2 <2`, `^1.2`, `~1.2.x`, `1.2 - 1.4`, `||`, and a prerelease in a
//! constraint admitting prerelease versions). The constraint grammar is
//! Masterminds' own regular expressions, run through our Go-regexp layer.
//!
//! Public so chart dependency resolution can share it.

use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::LazyLock;

use super::regex::compile;
use super::{arg_str, call_err, FuncResult};
use crate::engine::value::{Object, Value};

/// A parsed version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

const LOOSE_VERSION: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";

const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

fn contains_only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        } else if contains_only(part, "0123456789") {
            if part.len() > 1 && part.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        } else if !contains_only(part, ALLOWED) {
            return Err("invalid prerelease string".into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    for part in m.split('.') {
        if part.is_empty() || !contains_only(part, ALLOWED) {
            return Err("invalid metadata string".into());
        }
    }
    Ok(())
}

fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!("error parsing version segment: strconv.ParseUint: parsing {}: value out of range", super::go_quote(s))
    })
}

impl Version {
    /// Masterminds `NewVersion` (coercing: `1.2` is `1.2.0`).
    pub fn parse(v: &str) -> Result<Version, String> {
        let re = compile(LOOSE_VERSION).map_err(|e| e.to_string())?;
        let caps = re.captures(v).ok_or("invalid semantic version")?;
        let group = |i: usize| caps.get(i).map(|m| m.as_str()).unwrap_or("");
        let major = parse_segment(group(1))?;
        let minor = if group(2).is_empty() { 0 } else { parse_segment(&group(2)[1..])? };
        let patch = if group(3).is_empty() { 0 } else { parse_segment(&group(3)[1..])? };
        let pre = group(5).to_string();
        let metadata = group(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version { major, minor, patch, pre, metadata, original: v.to_string() })
    }

    /// Masterminds `Compare` (metadata is ignored).
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let s: Vec<&str> = v.split('.').collect();
    let t: Vec<&str> = o.split('.').collect();
    for i in 0..s.len().max(t.len()) {
        let d = compare_pre_part(s.get(i).copied().unwrap_or(""), t.get(i).copied().unwrap_or(""));
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (_, Err(_)) => Ordering::Less,
        (Err(_), _) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

static CONSTRAINT_RE: LazyLock<String> = LazyLock::new(|| format!(r"^\s*({OPS})\s*({CV})\s*$"));
static RANGE_RE: LazyLock<String> = LazyLock::new(|| format!(r"\s*({CV})\s+-\s+({CV})\s*"));
static FIND_RE: LazyLock<String> = LazyLock::new(|| format!(r"({OPS})\s*({CV})"));
static VALID_RE: LazyLock<String> =
    LazyLock::new(|| format!(r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$"));

#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint: OR of ANDs.
#[derive(Clone, Debug)]
pub struct Constraints {
    ors: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

/// Masterminds `rewriteRange`: "1 - 2" → ">= 1, <= 2 ".
fn rewrite_range(s: &str) -> Result<String, String> {
    let re = compile(&RANGE_RE)?;
    let mut out = s.to_string();
    let found: Vec<(String, String, String)> = re
        .captures_iter(s)
        .map(|c| {
            let g = |i: usize| c.get(i).map(|m| m.as_str().to_string()).unwrap_or_default();
            (g(0), g(1), g(11))
        })
        .collect();
    for (whole, lo, hi) in found {
        out = out.replacen(&whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    Ok(out)
}

fn parse_one(c: &str) -> Result<Constraint, String> {
    let re = compile(&CONSTRAINT_RE)?;
    let m = re.captures(c).ok_or_else(|| format!("improper constraint: {}", super::go_quote(c)))?;
    let g = |i: usize| m.get(i).map(|x| x.as_str()).unwrap_or("");
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint { con, op: g(1).to_string(), minor_dirty, patch_dirty, dirty })
}

impl Constraints {
    /// Masterminds `NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c)?;
        let valid = compile(&VALID_RE)?;
        let find = compile(&FIND_RE)?;
        let mut ors = Vec::new();
        let mut contains_pre = Vec::new();
        for part in c.split("||") {
            if !valid.is_match(part) {
                return Err(format!("improper constraint: {}", super::go_quote(part)));
            }
            let mut found: Vec<&str> = find.find_iter(part).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(part);
            }
            let mut ands = Vec::new();
            let mut has_pre = false;
            for s in found {
                let pc = parse_one(s)?;
                has_pre |= !pc.con.pre.is_empty();
                ands.push(pc);
            }
            ors.push(ands);
            contains_pre.push(has_pre);
        }
        Ok(Constraints { ors, contains_pre })
    }

    /// Masterminds `Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.ors
            .iter()
            .zip(&self.contains_pre)
            .any(|(ands, pre)| ands.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            "^" => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if c.major == 0 && v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if c.minor == 0 && v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// `*semver.Version` as a template value.
#[derive(Debug)]
pub struct VersionObject(pub Version);

impl Object for VersionObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.0;
        Some(match name {
            "Major" => Value::Int64(v.major as i64),
            "Minor" => Value::Int64(v.minor as i64),
            "Patch" => Value::Int64(v.patch as i64),
            "Prerelease" => Value::string(v.pre.clone()),
            "Metadata" => Value::string(v.metadata.clone()),
            "Original" => Value::string(v.original.clone()),
            "String" => Value::string(v.to_string()),
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal" | "Compare")
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !self.has_method(name) {
            return None;
        }
        let other = match args {
            [Value::Object(o)] => match o.as_any().and_then(|a| a.downcast_ref::<VersionObject>()) {
                Some(v) => v.0.clone(),
                None => {
                    return Some(Err(format!(
                        "wrong type for value; expected *semver.Version; got {}",
                        o.type_name()
                    )))
                }
            },
            [v] => return Some(Err(format!("wrong type for value; expected *semver.Version; got {}", v.type_name()))),
            _ => return Some(Err(format!("wrong number of args for {name}: want 1 got {}", args.len()))),
        };
        let ord = self.0.compare(&other);
        Some(Ok(match name {
            "LessThan" => Value::Bool(ord == Ordering::Less),
            "LessThanEqual" => Value::Bool(ord != Ordering::Greater),
            "GreaterThan" => Value::Bool(ord == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(ord != Ordering::Less),
            "Equal" => Value::Bool(ord == Ordering::Equal),
            _ => Value::Int(ord as i64),
        }))
    }

    fn to_data(&self) -> Value {
        Value::string(self.0.to_string())
    }

    fn go_string(&self) -> Option<String> {
        Some(self.0.to_string())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

pub fn semver_fn(a: &[Value]) -> FuncResult {
    let v = Version::parse(arg_str(a, 0)).map_err(call_err)?;
    Ok(Value::Object(Rc::new(VersionObject(v))))
}

pub fn semver_compare_fn(a: &[Value]) -> FuncResult {
    let c = Constraints::parse(arg_str(a, 0)).map_err(call_err)?;
    let v = Version::parse(arg_str(a, 1)).map_err(call_err)?;
    Ok(Value::Bool(c.check(&v)))
}

#[cfg(test)]
mod tests {
    use super::super::lookup;
    use super::*;
    use crate::engine::gofmt::sprint_value;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c).unwrap().check(&Version::parse(v).unwrap())
    }

    #[test]
    fn versions_parse_laxly() {
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(Version::parse("1").unwrap().to_string(), "1.0.0");
        assert_eq!(Version::parse("1.2.3-beta.1+build.5").unwrap().to_string(), "1.2.3-beta.1+build.5");
        assert_eq!(Version::parse("v1.25.3+k3s1").unwrap().metadata, "k3s1");
        assert_eq!(Version::parse("1.2.3.4"), Err("invalid semantic version".into()));
        assert_eq!(Version::parse("1.2.3-01"), Err("version segment starts with 0".into()));
        assert_eq!(Version::parse(""), Err("invalid semantic version".into()));
    }

    #[test]
    fn prerelease_ordering() {
        let ord = |a: &str, b: &str| Version::parse(a).unwrap().compare(&Version::parse(b).unwrap());
        assert_eq!(ord("1.0.0-alpha", "1.0.0"), Ordering::Less);
        assert_eq!(ord("1.0.0-alpha", "1.0.0-alpha.1"), Ordering::Less);
        assert_eq!(ord("1.0.0-alpha.1", "1.0.0-alpha.beta"), Ordering::Less);
        assert_eq!(ord("1.0.0-beta.2", "1.0.0-beta.11"), Ordering::Less);
        assert_eq!(ord("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(ord("1.0.0+a", "1.0.0+b"), Ordering::Equal);
    }

    #[test]
    fn constraints_follow_masterminds() {
        // Masterminds constraints_test.go TestConstraintsCheck, all cases,
        // then the Kubernetes version checks charts make.
        for (c, v, want) in [
            ("*", "1.2.3", true),
            ("~0.0.0", "1.2.3", true),
            ("0.x.x", "1.2.3", false),
            ("0.0.x", "1.2.3", false),
            ("0.0.0", "1.2.3", false),
            ("*", "1.2.3", true),
            ("^0.0.0", "1.2.3", false),
            ("= 2.0", "1.2.3", false),
            ("= 2.0", "2.0.0", true),
            ("4.1", "4.1.0", true),
            ("4.1.x", "4.1.3", true),
            ("1.x", "1.4", true),
            ("!=4.1", "4.1.0", false),
            ("!=4.1-alpha", "4.1.0-alpha", false),
            ("!=4.1-alpha", "4.1.1-alpha", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("!=4.1", "5.1.0", true),
            ("!=4.x", "5.1.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.1.x", "4.2.0", true),
            ("!=4.2.x", "4.2.3", false),
            (">1.1", "4.1.0", true),
            (">1.1", "1.1.0", false),
            ("<1.1", "0.1.0", true),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.1.1", false),
            ("<1.x", "1.1.1", false),
            ("<1.x", "0.1.1", true),
            ("<1.x", "2.0.0", false),
            ("<1.1.x", "1.2.1", false),
            ("<1.1.x", "1.1.500", false),
            ("<1.1.x", "1.0.500", true),
            ("<1.2.x", "1.1.1", true),
            (">=1.1", "4.1.0", true),
            (">=1.1", "4.1.0-beta", false),
            (">=1.1", "1.1.0", true),
            (">=1.1", "0.0.9", false),
            ("<=1.1", "0.1.0", true),
            ("<=1.1", "0.1.0-alpha", false),
            ("<=1.1-a", "0.1.0-alpha", true),
            ("<=1.1", "1.1.0", true),
            ("<=1.x", "1.1.0", true),
            ("<=2.x", "3.0.0", false),
            ("<=1.1", "1.1.1", true),
            ("<=1.1.x", "1.2.500", false),
            ("<=4.5", "3.4.0", true),
            ("<=4.5", "3.7.0", true),
            ("<=4.5", "4.6.3", false),
            (">1.1, <2", "1.1.1", false),
            (">1.1, <2", "1.2.1", true),
            (">1.1, <3", "4.3.2", false),
            (">=1.1, <2, !=1.2.3", "1.2.3", false),
            (">1.1 <2", "1.1.1", false),
            (">1.1 <2", "1.2.1", true),
            (">1.1    <3", "4.3.2", false),
            (">=1.1    <2    !=1.2.3", "1.2.3", false),
            (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">=1.1 <2 !=1.2.3", "1.2.3", false),
            (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
            ("> 1.1, <     2", "1.1.1", false),
            (">   1.1, <2", "1.2.1", true),
            (">1.1, <  3", "4.3.2", false),
            (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
            ("> 1.1 < 2", "1.1.1", false),
            (">1.1 < 2", "1.2.1", true),
            ("> 1.1    <3", "4.3.2", false),
            (">=1.1    < 2    != 1.2.3", "1.2.3", false),
            (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
            (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
            (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
            (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
            (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
            (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
            (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
            (">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false),
            (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
            ("1.1 - 2", "1.1.1", true),
            ("1.5.0 - 4.5", "3.7.0", true),
            ("1.1-3", "4.3.2", false),
            ("^1.1", "1.1.1", true),
            ("^1.1", "4.3.2", false),
            ("^1.x", "1.1.1", true),
            ("^2.x", "1.1.1", false),
            ("^1.x", "2.1.1", false),
            ("^1.x", "1.1.1-beta1", false),
            ("^1.1.2-alpha", "1.2.1-beta1", true),
            ("^1.2.x-alpha", "1.1.1-beta1", false),
            ("^0.0.1", "0.0.1", true),
            ("^0.0.1", "0.3.1", false),
            ("~*", "2.1.1", true),
            ("~1", "2.1.1", false),
            ("~1", "1.3.5", true),
            ("~1", "1.4", true),
            ("~1.x", "2.1.1", false),
            ("~1.x", "1.3.5", true),
            ("~1.x", "1.4", true),
            ("~1.1", "1.1.1", true),
            ("~1.1", "1.1.1-alpha", false),
            ("~1.1-alpha", "1.1.1-beta", true),
            ("~1.1.1-beta", "1.1.1-alpha", false),
            ("~1.1.1-beta", "1.1.1", true),
            ("~1.2.3", "1.2.5", true),
            ("~1.2.3", "1.2.2", false),
            ("~1.2.3", "1.3.2", false),
            ("~1.1", "1.2.3", false),
            ("~1.3", "2.4.5", false),
            ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
            (">=1.19-0", "v1.25.3+k3s1", true),
            (">=1.19-0", "1.18.9-gke.100", false),
            (">=1.19-0", "1.21.0-eks-1", true),
            (">= 1.21.0-0", "v1.20.15", false),
            ("<1.22-0", "1.21.14-gke.700", true),
        ] {
            assert_eq!(check(c, v), want, "{c} against {v}");
        }
    }

    #[test]
    fn template_functions() {
        let call = |name: &str, args: &[Value]| lookup(name).unwrap()(args);
        let s = Value::str;
        assert_eq!(call("semverCompare", &[s(">=1.19-0"), s("v1.30.0")]), Ok(Value::Bool(true)));
        assert_eq!(
            call("semverCompare", &[s("abc"), s("1.0.0")]),
            Err(call_err("improper constraint: \"abc\""))
        );
        assert_eq!(
            call("semverCompare", &[s(">1"), s("x")]),
            Err(call_err("invalid semantic version"))
        );
        let v = call("semver", &[s("v1.2.3-rc.1")]).unwrap();
        assert_eq!(sprint_value(&v), "1.2.3-rc.1");
        assert_eq!(v.type_name(), "*semver.Version");
        let Value::Object(o) = &v else { panic!() };
        assert_eq!(o.field("Minor"), Some(Value::Int64(2)));
        assert_eq!(o.field("Prerelease"), Some(s("rc.1")));
        let w = call("semver", &[s("1.3.0")]).unwrap();
        assert_eq!(o.call_method("LessThan", &[w]), Some(Ok(Value::Bool(true))));
    }
}
