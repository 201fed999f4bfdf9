//! `.helmignore` rules, as Helm evaluates them (pkg/ignore/rules.go): one
//! Go `filepath.Match` glob per line, `!` negates, a trailing `/` matches
//! directories only, a leading `/` anchors at the chart root, a pattern
//! without `/` matches the base name, `**` is an error. Not gitignore.

/// Helm's name for the ignore file.
pub const HELM_IGNORE: &str = ".helmignore";

/// `filepath.Match`'s only error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    #[error("syntax error in pattern")]
    BadPattern,
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
}

#[derive(Debug, Clone)]
enum MatchKind {
    /// Leading `/`: the pattern is matched against the whole path.
    Rooted,
    /// Contains `/`: matched against the whole path.
    Structural,
    /// No `/`: matched against the base name only.
    Basename,
}

#[derive(Debug, Clone)]
struct Pattern {
    glob: String,
    shape: Shape,
    kind: MatchKind,
    negate: bool,
    must_dir: bool,
}

/// What a glob is, found once when it is parsed: most `.helmignore` lines
/// are a name (`OWNERS`, `.git/`) or a suffix (`*.swp`), which need no
/// pattern matcher, and every file of a chart is checked against every line.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// No special character: the name itself.
    Literal,
    /// `*` then no special character: a name with this ending and no `/`
    /// before it (Go's `*` stops at separators).
    StarSuffix(String),
    /// Anything else: Go's filepath.Match.
    General,
}

impl Shape {
    fn of(glob: &str) -> Shape {
        let special = |c: char| matches!(c, '*' | '?' | '[' | '\\');
        match glob.strip_prefix('*') {
            _ if !glob.contains(special) => Shape::Literal,
            Some(rest) if !rest.contains(special) => Shape::StarSuffix(rest.to_string()),
            _ => Shape::General,
        }
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        let name = match self.kind {
            MatchKind::Rooted | MatchKind::Structural => path,
            MatchKind::Basename => super::archive::path_base(path),
        };
        match &self.shape {
            Shape::Literal => name == self.glob,
            Shape::StarSuffix(suffix) => {
                name.strip_suffix(suffix.as_str()).is_some_and(|head| !head.contains('/'))
            }
            // Helm logs and treats a compile error as "no match"; patterns
            // were checked when parsed, so this cannot fail here.
            Shape::General => go_match(&self.glob, name).unwrap_or(false),
        }
    }
}

/// An ordered set of ignore rules.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// No rules.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parse the text of a `.helmignore` (Helm's `ignore.Parse`): lines split
    /// like bufio.Scanner (a trailing `\r` dropped), BOM trimmed on line 1.
    pub fn parse(text: &str) -> Result<Rules, IgnoreError> {
        let mut rules = Rules::empty();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            rules.parse_rule(line)?;
        }
        Ok(rules)
    }

    /// Helm's default rule: ignore dotfiles directly under `templates/`.
    pub fn add_defaults(&mut self) {
        self.parse_rule("templates/.?*").expect("default rule is valid");
    }

    fn parse_rule(&mut self, rule: &str) -> Result<(), IgnoreError> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        // Go checks the raw rule (with its `!` and `/`) against "abc".
        go_match(rule, "abc")?;
        let mut rule = rule;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (glob, kind) = if let Some(after) = rule.strip_prefix('/') {
            (after, MatchKind::Rooted)
        } else if rule.contains('/') {
            (rule, MatchKind::Structural)
        } else {
            (rule, MatchKind::Basename)
        };
        self.patterns.push(Pattern { glob: glob.to_string(), shape: Shape::of(glob), kind, negate, must_dir });
        Ok(())
    }

    /// Whether `path` (slash-separated, relative to the chart root) is
    /// ignored. Rules are evaluated in order; the first decision wins.
    /// Note Helm's reading of negation: a `!` rule that does *not* match
    /// ignores the path, and a `!dir/` rule ignores every file.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path) {
                return true;
            }
        }
        false
    }
}

/// Go's `filepath.Match` as a yes/no: a malformed pattern matches nothing.
pub fn go_filepath_match(pattern: &str, name: &str) -> bool {
    go_match(pattern, name).unwrap_or(false)
}

/// Go's `path/filepath.Match` on Unix (Go: path/filepath/match.go).
pub fn go_match(pattern: &str, name: &str) -> Result<bool, IgnoreError> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing * matches the rest of the name unless it has a /.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if let Some(e) = err {
                    return Err(e);
                }
                i += 1;
            }
        }
        // The rest of the pattern must still be well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if let (_, _, Some(e)) = match_chunk(chunk, b"") {
                return Err(e);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while !pattern.is_empty() && pattern[0] == b'*' {
        pattern = &pattern[1..];
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' => {
                if i + 1 < pattern.len() {
                    i += 1;
                }
            }
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

fn decode_rune(s: &[u8]) -> (u32, usize) {
    let len = match s.first() {
        None => return (0xFFFD, 0),
        Some(b) if *b < 0x80 => 1,
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(b) if *b >= 0xC0 => 2,
        _ => return (0xFFFD, 1),
    };
    match s.get(..len).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(st) => (st.chars().next().map(|c| c as u32).unwrap_or(0xFFFD), len),
        None => (0xFFFD, 1),
    }
}

/// Match one star-free chunk at the start of `s`: the rest of `s`, whether
/// it matched, and a syntax error (the chunk is always parsed to the end).
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> (&'a [u8], bool, Option<IgnoreError>) {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0u32;
                if !failed {
                    let (rr, n) = decode_rune(s);
                    r = rr;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if !chunk.is_empty() && chunk[0] == b'^' {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if !chunk.is_empty() && chunk[0] == b']' && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_esc(chunk) {
                        Ok(x) => x,
                        Err(e) => return (b"", false, Some(e)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        match get_esc(&chunk[1..]) {
                            Ok((h, rest)) => {
                                hi = h;
                                chunk = rest;
                            }
                            Err(e) => return (b"", false, Some(e)),
                        }
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let mut c = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (b"", false, Some(IgnoreError::BadPattern));
                    }
                    c = chunk[0];
                }
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (b"", false, None)
    } else {
        (s, true, None)
    }
}

fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), IgnoreError> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(IgnoreError::BadPattern);
    }
    let mut chunk = chunk;
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(IgnoreError::BadPattern);
        }
    }
    let (r, n) = decode_rune(chunk);
    if r == 0xFFFD && n == 1 {
        return Err(IgnoreError::BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(IgnoreError::BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_cases() {
        // Cases from Go's path/filepath/match_test.go.
        let cases: &[(&str, &str, Result<bool, IgnoreError>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", Err(IgnoreError::BadPattern)),
            ("[-]", "-", Err(IgnoreError::BadPattern)),
            ("[x-]", "x", Err(IgnoreError::BadPattern)),
            ("[x-]", "-", Err(IgnoreError::BadPattern)),
            ("[x-]", "z", Err(IgnoreError::BadPattern)),
            ("[-x]", "x", Err(IgnoreError::BadPattern)),
            ("[-x]", "-", Err(IgnoreError::BadPattern)),
            ("[-x]", "a", Err(IgnoreError::BadPattern)),
            ("\\", "a", Err(IgnoreError::BadPattern)),
            ("[a-b-c]", "a", Err(IgnoreError::BadPattern)),
            ("[", "a", Err(IgnoreError::BadPattern)),
            ("[^", "a", Err(IgnoreError::BadPattern)),
            ("[^bc", "a", Err(IgnoreError::BadPattern)),
            ("a[", "a", Err(IgnoreError::BadPattern)),
            ("a[", "ab", Err(IgnoreError::BadPattern)),
            ("a[", "x", Err(IgnoreError::BadPattern)),
            ("a/b[", "x", Err(IgnoreError::BadPattern)),
            ("*x", "xxx", Ok(true)),
        ];
        for (p, n, want) in cases {
            assert_eq!(&go_match(p, n), want, "Match({p:?}, {n:?})");
        }
    }

    #[test]
    fn literal_and_suffix_shapes_match_as_go_does() {
        let globs = [
            "OWNERS", ".git", "*.swp", "*~", "*", "*.", "*.tar.gz", "x/y", "*/z", "a*b", "[ab]c", "?x", "a\\*",
            "kube-*.tgz", "templates/.?*",
        ];
        let names = [
            "OWNERS", "owners", ".git", "a.swp", ".swp", "a.swp.bak", "dir/a.swp", "notes~", "~", "x", "", "a.",
            "a.tar.gz", "x/y", "x/z", "q/x/z", "ab", "axb", "a/b", "bc", "cc", "xx", "a*", "kube-1.tgz", "templates/.a",
        ];
        for glob in globs {
            for kind in [MatchKind::Basename, MatchKind::Structural] {
                let pattern = Pattern { glob: glob.into(), shape: Shape::of(glob), kind, negate: false, must_dir: false };
                for name in names {
                    let base = match pattern.kind {
                        MatchKind::Basename => crate::chart::archive::path_base(name),
                        _ => name,
                    };
                    let want = go_match(glob, base).unwrap_or(false);
                    assert_eq!(pattern.matches(name), want, "{glob:?} ({:?}) against {name:?}", pattern.shape);
                }
            }
        }
        assert_eq!(Shape::of("OWNERS"), Shape::Literal);
        assert_eq!(Shape::of("*.swp"), Shape::StarSuffix(".swp".into()));
        assert_eq!(Shape::of("*.s?p"), Shape::General);
    }

    fn rules(text: &str) -> Rules {
        let mut r = Rules::parse(text).unwrap();
        r.add_defaults();
        r
    }

    #[test]
    fn helm_ignore_rules() {
        // Helm's pkg/ignore/rules_test.go TestIgnore, with whether each name
        // is a directory in its testdata tree.
        let cases: &[(&str, &str, bool, bool)] = &[
            ("helm.txt", "helm.txt", false, true),
            ("helm.*", "helm.txt", false, true),
            ("helm.*", "rudder.txt", false, false),
            ("*.txt", "tiller.txt", false, true),
            ("*.txt", "cargo/a.txt", false, true),
            ("cargo/*.txt", "cargo/a.txt", false, true),
            ("cargo/*.*", "cargo/a.txt", false, true),
            ("cargo/*.txt", "mast/a.txt", false, false),
            ("ru[c-e]?er.txt", "rudder.txt", false, true),
            ("templates/.?*", "templates/.dotfile", false, true),
            (".*", ".", true, false),
            (".*", "./", true, false),
            (".*", ".joonix", false, true),
            (".*", "helm.txt", false, false),
            (".*", "", true, false),
            ("cargo/", "cargo", true, true),
            ("cargo/", "cargo/", true, true),
            ("cargo/", "mast/", true, false),
            ("helm.txt/", "helm.txt", false, false),
            ("!helm.txt", "helm.txt", false, false),
            ("!helm.txt", "tiller.txt", false, true),
            ("!*.txt", "cargo", true, true),
            ("!cargo/", "mast/", true, true),
            ("/a.txt", "a.txt", false, true),
            ("/a.txt", "cargo/a.txt", false, false),
            ("/cargo/a.txt", "cargo/a.txt", false, true),
        ];
        for (pattern, path, is_dir, want) in cases {
            let r = Rules::parse(pattern).unwrap();
            assert_eq!(r.ignore(path, *is_dir), *want, "{pattern} vs {path}");
        }
        // The default rule only covers the chart's own templates/.
        let r = rules("");
        assert!(r.ignore("templates/.gitkeep", false));
        assert!(!r.ignore("charts/sub/templates/.gitkeep", false));
        assert!(!r.ignore("templates/_helpers.tpl", false));
        // The usual .helmignore lines.
        let r = rules("# Patterns\n.git/\n*.swp\n*~\n.idea/\nci/\n");
        assert!(r.ignore(".git", true));
        assert!(!r.ignore(".git", false));
        assert!(r.ignore("values.yaml~", false));
        assert!(r.ignore("ci", true));
        assert!(!r.ignore("values.yaml", false));
    }

    #[test]
    fn bad_rules_are_errors() {
        assert_eq!(Rules::parse("docs/**").unwrap_err(), IgnoreError::DoubleStar);
        assert_eq!(Rules::parse("a[").unwrap_err(), IgnoreError::BadPattern);
        assert_eq!(Rules::parse("\u{feff}# comment\r\n  \r\n").unwrap().patterns.len(), 0);
    }
}
