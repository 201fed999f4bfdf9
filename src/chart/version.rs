//! Masterminds/semver v3, the one implementation of it in capstan: chart
//! versions and version constraints as Helm reads them (chart loading,
//! `kubeVersion`, dependency resolution, repositories) and what Sprig's
//! `semver`/`semverCompare` template functions see (engine/funcs/semver.rs
//! wraps these types for templates). Loose versions (`v1.2`, `1`, leading
//! zeros coerced), prerelease ordering, and constraints (`>=1.2 <2`,
//! `^1 || ^2`, `1.2 - 1.4`, `~1.2`, `1.2.x`, `*`, a prerelease in a
//! constraint admitting prerelease versions). Cargo's semver grammar
//! differs, so this is a port of Masterminds/semver version.go and
//! constraints.go, with its regular expressions.

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use regex_lite::Regex;

use crate::engine::gofmt::strconv::quote;

/// A parsed version (Masterminds `Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    /// The text it was parsed from (Masterminds `Original()`).
    pub original: String,
}

/// Why a version does not parse (Masterminds' error texts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("invalid semantic version")]
    InvalidSemVer,
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    #[error("invalid metadata string")]
    InvalidMetadata,
    #[error("error parsing version segment: {0}")]
    Segment(String),
    #[error("improper constraint: {0}")]
    ImproperConstraint(String),
    /// A constraint the constraint regexp accepted but whose version does
    /// not parse (Masterminds says this cannot happen).
    #[error("constraint parser error")]
    ConstraintParser,
}

/// The loose version grammar, which `loose_parts` follows by hand.
#[cfg(test)]
const LOOSE_SEMVER: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV_REGEX: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Go regexp's `\s` is ASCII `[\t\n\f\r ]`; the crate's is Unicode
/// white space, so the constraint patterns spell Go's class out.
const WS: &str = r"[\t\n\x0C\r ]";

/// Masterminds' constraint patterns, each compiled on first use with
/// `regex-lite` (compiling with the full `regex` crate cost about a
/// millisecond per process, more than the whole render of a small chart).
fn constraint_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"^{WS}*({OPS}){WS}*({CV_REGEX}){WS}*$")).unwrap())
}

fn range_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"{WS}*({CV_REGEX}){WS}+-{WS}+({CV_REGEX}){WS}*")).unwrap())
}

fn find_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"({OPS}){WS}*({CV_REGEX})")).unwrap())
}

fn valid_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"^({WS}*({OPS}){WS}*({CV_REGEX}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV_REGEX}){WS}*)*$"
        ))
        .unwrap()
    })
}

/// The parts of a version that matches `^LOOSE_SEMVER$`, found by hand
/// (every chart load parses versions): major digits, `.minor` and
/// `.patch` digits when present, prerelease and metadata (without their
/// `-` and `+`), or None when the text does not match.
struct LooseParts<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: &'a str,
    metadata: &'a str,
}

fn loose_parts(v: &str) -> Option<LooseParts<'_>> {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    // `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*`: non-empty identifiers between dots.
    fn identifiers(s: &str) -> bool {
        s.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
    }
    let s = v.strip_prefix('v').unwrap_or(v);
    let n = digits(s);
    if n == 0 {
        return None;
    }
    let (major, mut rest) = s.split_at(n);
    let mut dotted = [None, None];
    for slot in &mut dotted {
        let Some(after) = rest.strip_prefix('.') else { break };
        let n = digits(after);
        if n == 0 {
            break;
        }
        *slot = Some(&after[..n]);
        rest = &after[n..];
    }
    let (mut pre, mut metadata) = ("", "");
    if let Some(after) = rest.strip_prefix('-') {
        let end = after.find('+').unwrap_or(after.len());
        pre = &after[..end];
        if !identifiers(pre) {
            return None;
        }
        rest = &after[end..];
    }
    if let Some(after) = rest.strip_prefix('+') {
        metadata = after;
        if !identifiers(metadata) {
            return None;
        }
        rest = "";
    }
    rest.is_empty().then_some(LooseParts { major, minor: dotted[0], patch: dotted[1], pre, metadata })
}

fn contains_only(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    s.chars().all(allowed)
}

fn validate_prerelease(p: &str) -> Result<(), VersionError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(VersionError::InvalidPrerelease);
        } else if contains_only(part, |c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        } else if !contains_only(part, |c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(VersionError::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), VersionError> {
    for part in m.split('.') {
        if part.is_empty() || !contains_only(part, |c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(VersionError::InvalidMetadata);
        }
    }
    Ok(())
}

fn parse_segment(s: &str) -> Result<u64, VersionError> {
    s.parse::<u64>().map_err(|_| {
        VersionError::Segment(format!("strconv.ParseUint: parsing {}: value out of range", quote(s)))
    })
}

impl Version {
    /// Masterminds `NewVersion` with `CoerceNewVersion` on (its default):
    /// `1`, `1.2`, `v1.2.3`, `01.2.3` are all versions.
    pub fn parse(v: &str) -> Result<Version, VersionError> {
        let parts = loose_parts(v).ok_or(VersionError::InvalidSemVer)?;
        let major = parse_segment(parts.major)?;
        let minor = parts.minor.map_or(Ok(0), parse_segment)?;
        let patch = parts.patch.map_or(Ok(0), parse_segment)?;
        let pre = parts.pre.to_string();
        let metadata = parts.metadata.to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version { major, minor, patch, pre, metadata, original: v.to_string() })
    }

    /// Masterminds `Compare`: build metadata is ignored; a prerelease sorts
    /// before its release.
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

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    let sp: Vec<&str> = v.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let s = sp.get(i).copied().unwrap_or("");
        let o = op.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
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
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

impl Constraint {
    fn parse(c: &str) -> Result<Constraint, VersionError> {
        if c.is_empty() {
            // An empty constraint is `>=0.0.0`-like (Masterminds parseConstraint).
            return Ok(Constraint {
                con: Version {
                    major: 0,
                    minor: 0,
                    patch: 0,
                    pre: String::new(),
                    metadata: String::new(),
                    original: String::new(),
                },
                op: String::new(),
                minor_dirty: false,
                patch_dirty: false,
                dirty: true,
            });
        }
        let caps = constraint_regex()
            .captures(c)
            .ok_or_else(|| VersionError::ImproperConstraint(quote(c)))?;
        let get = |i: usize| caps.get(i).map(|m| m.as_str()).unwrap_or("");
        let (m3, m4, m5, m6) = (get(3), get(4), get(5), get(6));
        let mut ver = get(2).to_string();
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        if is_x(m3) || m3.is_empty() {
            ver = format!("0.0.0{m6}");
            dirty = true;
        } else if is_x(m4.trim_start_matches('.')) || m4.is_empty() {
            minor_dirty = true;
            dirty = true;
            ver = format!("{m3}.0.0{m6}");
        } else if is_x(m5.trim_start_matches('.')) || m5.is_empty() {
            dirty = true;
            patch_dirty = true;
            ver = format!("{m3}{m4}.0{m6}");
        }
        let con = Version::parse(&ver).map_err(|_| VersionError::ConstraintParser)?;
        Ok(Constraint { con, op: get(1).to_string(), minor_dirty, patch_dirty, dirty })
    }

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
            "!=" => self.not_equal(v),
            ">" => self.greater(v),
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            "^" => self.caret(v),
            _ => false,
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
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

    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) == Ordering::Greater;
        }
        if v.major > c.major {
            return true;
        } else if v.major < c.major || self.minor_dirty {
            return false;
        } else if self.patch_dirty {
            return v.minor > c.minor;
        }
        v.compare(c) == Ordering::Greater
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

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
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
}

/// A version constraint: OR groups of AND-ed constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
}

/// `1.2 - 1.4` becomes `>= 1.2, <= 1.4` (Masterminds rewriteRange).
fn rewrite_range(i: &str) -> String {
    let mut out = i.to_string();
    for caps in range_regex().captures_iter(i) {
        let whole = caps.get(0).map(|m| m.as_str()).unwrap_or("");
        let lo = caps.get(1).map(|m| m.as_str()).unwrap_or("");
        let hi = caps.get(11).map(|m| m.as_str()).unwrap_or("");
        out = out.replacen(whole, &format!(">= {lo}, <= {hi} "), 1);
    }
    out
}

impl Constraints {
    /// Masterminds `NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, VersionError> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for or in c.split("||") {
            if !valid_regex().is_match(or) {
                return Err(VersionError::ImproperConstraint(quote(or)));
            }
            let mut found: Vec<&str> = find_regex().find_iter(or).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(or);
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for s in found {
                let pc = Constraint::parse(s)?;
                has_pre |= !pc.con.pre.is_empty();
                group.push(pc);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints { groups, contains_pre })
    }

    /// Masterminds `Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .zip(&self.contains_pre)
            .any(|(group, pre)| group.iter().all(|c| c.check(v, *pre)))
    }
}

/// Helm's `IsCompatibleRange` (pkg/chart/v2/util/compatible.go): false when
/// either side does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    satisfies(constraint, version).unwrap_or(false)
}

/// Whether `version` meets `constraint` (Sprig's `semverCompare`: the
/// constraint's error first, then the version's). Answers are kept per
/// thread by (constraint, version): charts ask the same capability
/// question in many templates, and a constraint's parse runs regexes
/// (6% of kube-prometheus-stack's execution).
pub fn satisfies(constraint: &str, version: &str) -> Result<bool, VersionError> {
    type Answers = std::collections::HashMap<(Box<str>, Box<str>), Result<bool, VersionError>>;
    const MAX_ANSWERS: usize = 256;
    thread_local!(static ANSWERS: std::cell::RefCell<Answers> = Default::default());
    ANSWERS.with_borrow_mut(|answers| {
        let key = (Box::from(constraint), Box::from(version));
        if let Some(answer) = answers.get(&key) {
            return answer.clone();
        }
        let answer = Constraints::parse(constraint).and_then(|c| Ok(c.check(&Version::parse(version)?)));
        if answers.len() < MAX_ANSWERS {
            answers.insert(key, answer.clone());
        }
        answer
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c).unwrap().check(&Version::parse(v).unwrap())
    }

    #[test]
    fn loose_parts_match_the_masterminds_pattern() {
        let re = regex::Regex::new(&format!("^{LOOSE_SEMVER}$")).unwrap();
        let cases = [
            "1", "v1", "vv1", "v", "", "1.", "1.2", "1.2.3", "1.2.3.4", "01.02.03", "1.x", "1.2.x", "1-", "1-a",
            "1.2-a.b-c", "1.2.3-", "1.2.3-a..b", "1.2.3-.a", "1.2.3-a.", "1.2.3+", "1.2.3+b.5", "1.2.3+b..5",
            "1.2.3-a+b", "1.2.3-a+b+c", "1.2.3-a_b", "1.2.3 ", " 1.2.3", "1.2.3-é", "v1.25.3+k3s1", "1.2.3-0-0",
            "1.2.3--", "1+-", "1.2.3-α",
        ];
        for v in cases {
            let ours = loose_parts(v);
            let caps = re.captures(v);
            assert_eq!(ours.is_some(), caps.is_some(), "{v:?}");
            if let (Some(p), Some(c)) = (ours, caps) {
                let get = |i: usize| c.get(i).map(|m| m.as_str()).unwrap_or("");
                assert_eq!(p.major, get(1), "{v:?}");
                assert_eq!(p.minor.map(|m| format!(".{m}")).unwrap_or_default(), get(2), "{v:?}");
                assert_eq!(p.patch.map(|m| format!(".{m}")).unwrap_or_default(), get(3), "{v:?}");
                assert_eq!(p.pre, get(5), "{v:?}");
                assert_eq!(p.metadata, get(8), "{v:?}");
            }
        }
    }

    #[test]
    fn loose_versions_parse_like_masterminds() {
        assert!(Version::parse("1.2.3").is_ok());
        assert!(Version::parse("01.2.3").is_ok());
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(Version::parse("v1.2").unwrap().original, "v1.2");
        assert_eq!(Version::parse("1").unwrap().to_string(), "1.0.0");
        assert_eq!(Version::parse("v0.0.0").unwrap().to_string(), "0.0.0");
        assert_eq!(Version::parse("1.2.3-beta.1+build.5").unwrap().to_string(), "1.2.3-beta.1+build.5");
        assert_eq!(Version::parse("v1.25.3+k3s1").unwrap().metadata, "k3s1");
        assert_eq!(Version::parse("1.2.3.4"), Err(VersionError::InvalidSemVer));
        assert_eq!(Version::parse(""), Err(VersionError::InvalidSemVer));
        assert_eq!(Version::parse("1.2.3-"), Err(VersionError::InvalidSemVer));
        assert_eq!(Version::parse("1.2.3-01"), Err(VersionError::SegmentStartsZero));
        assert_eq!(Version::parse("1.2.3-01").unwrap_err().to_string(), "version segment starts with 0");
        assert_eq!(
            Version::parse("99999999999999999999").unwrap_err().to_string(),
            "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
        );
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
    fn constraints_check_like_masterminds() {
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
            // More cases from the chart loader's and Helm's own tests.
            ("0.0.x", "0.0.2", true),
            ("0.0.0 - 0.0.3", "0.0.2", true),
            ("0.x", "0.0.2", true),
            ("<2.x", "1.1.1", true),
            ("<=2.x", "3.1.0", false),
            (">1.1 || <3", "4.3.2", true),
            ("1.1 - 3", "4.3.2", false),
            ("1.1 - 3", "2.3.2", true),
            ("^0.2.3", "0.2.4", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.0", true),
            (">= 1.1.0-alpha", "1.1.0-beta", true),
            (">=1.1", "1.2.0-beta", false),
            ("16.x.x", "16.7.27", true),
            ("2.x.x", "2.31.4", true),
        ] {
            assert_eq!(check(c, v), want, "{c} against {v}");
            assert_eq!(is_compatible_range(c, v), want, "{c} against {v}");
        }
    }

    #[test]
    fn improper_constraints_are_errors() {
        // An empty constraint does not parse, so nothing is compatible with it.
        assert!(!is_compatible_range("", "1.0.0"));
        assert!(!is_compatible_range(">=1.0", "x"));
        assert_eq!(Constraints::parse("bogus").unwrap_err().to_string(), "improper constraint: \"bogus\"");
        // Go's `\s` is ASCII only: a no-break space does not separate constraints.
        assert!(Constraints::parse(">=1.0 <2").is_ok());
        assert!(Constraints::parse(">=1.0\u{a0}<2").is_err());
        assert!(Constraints::parse(">=1.0\t<2").is_ok());
    }
}
