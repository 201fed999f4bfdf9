//! Masterminds/semver v3, the one implementation of it in capstan: chart
//! versions and version constraints as Helm reads them (chart loading,
//! `kubeVersion`, dependency resolution, repositories) and what Sprig's
//! `semver`/`semverCompare` template functions see (engine/funcs/semver.rs
//! wraps these types for templates). Loose versions (`v1.2`, `1`, leading
//! zeros coerced), prerelease ordering, and constraints (`>=1.2 <2`,
//! `^1 || ^2`, `1.2 - 1.4`, `~1.2`, `1.2.x`, `*`, a prerelease in a
//! constraint admitting prerelease versions). Cargo's semver grammar
//! differs, so this is a port of Masterminds/semver version.go and
//! constraints.go; its regular expressions are followed by hand
//! ([`grammar`]), and the tests compare the two.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

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

/// Masterminds' constraint patterns (constraints.go), which [`grammar`]
/// follows by hand; the tests compile them and compare.
#[cfg(test)]
mod patterns {
    const CV_REGEX: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
    const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
    /// Go regexp's `\s` is ASCII `[\t\n\f\r ]`; the crate's is Unicode
    /// white space, so the patterns spell Go's class out.
    const WS: &str = r"[\t\n\x0C\r ]";

    pub fn constraint() -> String {
        format!(r"^{WS}*({OPS}){WS}*({CV_REGEX}){WS}*$")
    }

    pub fn range() -> String {
        format!(r"{WS}*({CV_REGEX}){WS}+-{WS}+({CV_REGEX}){WS}*")
    }

    pub fn find() -> String {
        format!(r"({OPS}){WS}*({CV_REGEX})")
    }

    pub fn valid() -> String {
        format!(r"^({WS}*({OPS}){WS}*({CV_REGEX}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV_REGEX}){WS}*)*$")
    }
}

/// Masterminds' constraint patterns, matched by hand as Go's regexp
/// matches them. A version in a constraint is `v?`, a segment of
/// `[0-9|x|X|*]` (the `|` included), an optional `.segment` twice, then an
/// optional `-prerelease` and `+metadata` (dot-separated identifiers of
/// `[0-9A-Za-z-]`); operators are tried in the pattern's order, and white
/// space is Go's `\s`, ASCII `[\t\n\f\r ]`. What may follow each part
/// cannot continue it, so the greedy reading that Go's leftmost-first
/// matching prefers is the only one that can succeed, and no operator but
/// one can be followed by a version: nothing needs backtracking.
/// Compiling the patterns with `regex-lite` had been about 1% of the
/// corpus render's CPU, most of it before the first template ran.
mod grammar {
    use std::ops::Range;

    const OPS: [&str; 12] = ["=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"];

    fn is_space(b: u8) -> bool {
        matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
    }

    fn is_segment(b: u8) -> bool {
        b.is_ascii_digit() || matches!(b, b'|' | b'x' | b'X' | b'*')
    }

    fn is_identifier(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'-'
    }

    /// The end of the run of `class` characters from `i`.
    fn run(s: &[u8], mut i: usize, class: fn(u8) -> bool) -> usize {
        while s.get(i).is_some_and(|&b| class(b)) {
            i += 1;
        }
        i
    }

    fn skip_space(s: &[u8], i: usize) -> usize {
        run(s, i, is_space)
    }

    /// `mark` and one or more `class` characters at `i`: their end.
    fn marked(s: &[u8], i: usize, mark: u8, class: fn(u8) -> bool) -> Option<usize> {
        (s.get(i) == Some(&mark) && s.get(i + 1).is_some_and(|&b| class(b))).then(|| run(s, i + 1, class))
    }

    /// A version in a constraint, with the parts the pattern's groups
    /// capture (`.minor`, `.patch` and `-prerelease` with their mark).
    pub struct Cv {
        pub all: Range<usize>,
        pub major: Range<usize>,
        pub minor: Option<Range<usize>>,
        pub patch: Option<Range<usize>>,
        pub pre: Option<Range<usize>>,
    }

    /// The version that starts at `i`.
    pub fn cv_at(s: &[u8], i: usize) -> Option<Cv> {
        let start = if s.get(i) == Some(&b'v') { i + 1 } else { i };
        let end = run(s, start, is_segment);
        if end == start {
            return None;
        }
        let mut at = end;
        let mut dotted = || {
            let end = marked(s, at, b'.', is_segment)?;
            let part = at..end;
            at = end;
            Some(part)
        };
        let (minor, patch) = (dotted(), dotted());
        let mut tagged = |mark: u8| {
            let mut end = marked(s, at, mark, is_identifier)?;
            while let Some(next) = marked(s, end, b'.', is_identifier) {
                end = next;
            }
            let part = at..end;
            at = end;
            Some(part)
        };
        let pre = tagged(b'-');
        tagged(b'+');
        Some(Cv { all: i..at, major: start..end, minor, patch, pre })
    }

    /// `(OPS)WS*(CV)` at `i`: the operator and the version.
    fn op_cv_at(s: &[u8], i: usize) -> Option<(Range<usize>, Cv)> {
        OPS.iter().find_map(|op| {
            let end = i + op.len();
            if !s.get(i..)?.starts_with(op.as_bytes()) {
                return None;
            }
            Some((i..end, cv_at(s, skip_space(s, end))?))
        })
    }

    /// `^WS*(OPS)WS*(CV)WS*$`: the operator and the version.
    pub fn constraint(s: &[u8]) -> Option<(Range<usize>, Cv)> {
        let (op, cv) = op_cv_at(s, skip_space(s, 0))?;
        (skip_space(s, cv.all.end) == s.len()).then_some((op, cv))
    }

    /// The whole text is constraints separated by white space or by a
    /// comma with optional white space around it.
    pub fn valid(s: &[u8]) -> bool {
        let mut i = skip_space(s, 0);
        loop {
            let Some((_, cv)) = op_cv_at(s, i) else { return false };
            i = skip_space(s, cv.all.end);
            if i == s.len() {
                return true;
            }
            if s[i] == b',' {
                i = skip_space(s, i + 1);
            } else if i == cv.all.end {
                return false;
            }
        }
    }

    /// Go's FindAll for a pattern whose matches are never empty: the match
    /// `at` each position from the left (with where it ends), going on
    /// after each.
    fn find_each<T>(len: usize, at: impl Fn(usize) -> Option<(T, usize)>) -> Vec<T> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < len {
            match at(i) {
                Some((m, end)) => {
                    found.push(m);
                    i = end;
                }
                None => i += 1,
            }
        }
        found
    }

    /// Every match of `(OPS)WS*(CV)`, from left to right.
    pub fn find_all(s: &[u8]) -> Vec<Range<usize>> {
        find_each(s.len(), |i| op_cv_at(s, i).map(|(_, cv)| (i..cv.all.end, cv.all.end)))
    }

    /// Every match of `WS*(CV)WS+-WS+(CV)WS*`, from left to right: the
    /// whole match and the two versions.
    pub fn ranges(s: &[u8]) -> Vec<[Range<usize>; 3]> {
        find_each(s.len(), |i| {
            let lo = cv_at(s, skip_space(s, i))?.all;
            let dash = skip_space(s, lo.end);
            if dash == lo.end || s.get(dash) != Some(&b'-') {
                return None;
            }
            let from = skip_space(s, dash + 1);
            if from == dash + 1 {
                return None;
            }
            let hi = cv_at(s, from)?.all;
            let end = skip_space(s, hi.end);
            Some(([i..end, lo, hi], end))
        })
    }
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
        let (op, cv) = grammar::constraint(c.as_bytes()).ok_or_else(|| VersionError::ImproperConstraint(quote(c)))?;
        let get = |part: Option<Range<usize>>| part.map_or("", |r| &c[r]);
        let (m3, m4, m5, m6) = (get(Some(cv.major)), get(cv.minor), get(cv.patch), get(cv.pre));
        let mut ver = c[cv.all].to_string();
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
        Ok(Constraint { con, op: c[op].to_string(), minor_dirty, patch_dirty, dirty })
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
    for [whole, lo, hi] in grammar::ranges(i.as_bytes()) {
        out = out.replacen(&i[whole], &format!(">= {}, <= {} ", &i[lo], &i[hi]), 1);
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
            if !grammar::valid(or.as_bytes()) {
                return Err(VersionError::ImproperConstraint(quote(or)));
            }
            let mut found: Vec<&str> = grammar::find_all(or.as_bytes()).into_iter().map(|r| &or[r]).collect();
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

    /// Texts for the constraint grammar: real constraints, their edges, and
    /// every string of up to four characters over an alphabet of the
    /// characters the patterns treat differently, plus a pseudo-random
    /// sample of longer ones.
    fn constraint_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "", " ", ">=1.2.3", ">= 1.2.3 < 2", ">=1.2, <2", "^1 ", "~1.2.x", "1.2 - 1.4", " 1.2 - 1.4 ", "1.2 -1.4",
            "1.2- 1.4", "v1.2 - v2", "=>1", "=<1", "!=1.2.3-beta.1+b.2", "~>1.2", "1.2.3.4", ">1 |2", "1|2", "x",
            "*", "X.x.*", ">= 1.2.3-alpha. <2", "1.2.3-a..b", ">=v", "vv1", "1,,2", "1 , 2", ",1", "1,", ">=1.2\t<2",
            ">=1.2\u{a0}<2", "1.2 - 1.4 - 1.6", "1 - 2 , 3 - 4", "-1", ">=-1", "é1", "1.é", ">=1.23.4-rc.1+build",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let alphabet = [" ", ",", "|", "=", "!", ">", "<", "~", "^", "-", "+", ".", "v", "x", "*", "0", "1", "a", "\t", "é"];
        let mut short = vec![String::new()];
        for _ in 0..4 {
            short = short.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            texts.extend(short.iter().cloned());
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..5 + state % 12 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                t.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            texts.push(t);
        }
        texts
    }

    /// The hand-written grammar matches, finds and captures what
    /// Masterminds' patterns do (compiled by the regex crate, whose
    /// leftmost-first matching is Go's).
    #[test]
    fn constraint_grammar_matches_the_masterminds_patterns() {
        let constraint = regex::Regex::new(&patterns::constraint()).unwrap();
        let range = regex::Regex::new(&patterns::range()).unwrap();
        let find = regex::Regex::new(&patterns::find()).unwrap();
        let valid = regex::Regex::new(&patterns::valid()).unwrap();
        let (mut matched, mut valid_count) = (0, 0);
        for text in constraint_texts() {
            let t = text.as_str();
            let b = t.as_bytes();
            assert_eq!(grammar::valid(b), valid.is_match(t), "valid {t:?}");
            valid_count += usize::from(grammar::valid(b));
            let found: Vec<&str> = grammar::find_all(b).into_iter().map(|r| &t[r]).collect();
            let expected: Vec<&str> = find.find_iter(t).map(|m| m.as_str()).collect();
            assert_eq!(found, expected, "find {t:?}");
            let ranges: Vec<[&str; 3]> = grammar::ranges(b).into_iter().map(|m| m.map(|r| &t[r])).collect();
            let expected: Vec<[&str; 3]> = range
                .captures_iter(t)
                .map(|c| [0, 1, 11].map(|i| c.get(i).map_or("", |m| m.as_str())))
                .collect();
            assert_eq!(ranges, expected, "ranges {t:?}");
            let ours = grammar::constraint(b).map(|(op, cv)| {
                let get = |r: Option<std::ops::Range<usize>>| r.map_or("", |r| &t[r]);
                [&t[op], &t[cv.all.clone()], &t[cv.major.clone()], get(cv.minor), get(cv.patch), get(cv.pre)]
            });
            let theirs = constraint.captures(t).map(|c| [1, 2, 3, 4, 5, 6].map(|i| c.get(i).map_or("", |m| m.as_str())));
            assert_eq!(ours, theirs, "constraint {t:?}");
            matched += usize::from(ours.is_some());
        }
        // The sample must exercise both outcomes, not only failures.
        assert!(matched > 1000 && valid_count > 1000, "{matched} constraints, {valid_count} valid");
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
