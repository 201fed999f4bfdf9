//! Sprig's regular expression functions (regex.go) over Go's regexp
//! semantics: Go (RE2) syntax is translated to the `regex` crate's (ASCII
//! `\d \w \s \b`, literal `[` in classes, literal `{` where it is not a
//! repetition), and the match loops and `$1`/`${name}` expansion follow
//! Go's regexp.go rather than the crate's iterators.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

use super::{arg_int, arg_str, call_err, string_list, FuncError, FuncResult};
use crate::engine::gofmt::strconv;
use crate::engine::value::Value;

/// Rewrite Go regexp syntax into equivalent `regex` crate syntax.
fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false; // just after `[` or `[^`
    // In a class: whether the last item was a single character that a `-`
    // would make the start of a range, and whether a range awaits its end.
    // Go reads any other `-` as itself (`[\w-.]`, `[a-z-0]`).
    let mut range_can_follow = false;
    let mut in_range = false;
    // Whether the previous item can take a repetition (for literal `{`).
    let mut can_repeat = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            i += 2;
            if e == 'Q' {
                // \Q...\E: literal text.
                let mut lit = String::new();
                while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                    lit.push(chars[i]);
                    i += 1;
                }
                i = (i + 2).min(chars.len().max(i));
                if in_class {
                    for ch in lit.chars() {
                        out.push_str(&regex::escape(&ch.to_string()));
                    }
                } else {
                    out.push_str(&format!("(?:{})", regex::escape(&lit)));
                }
                can_repeat = true;
                class_start = false;
                continue;
            }
            let ascii = match e {
                'd' => Some(("0-9", false)),
                'D' => Some(("0-9", true)),
                'w' => Some(("0-9A-Za-z_", false)),
                'W' => Some(("0-9A-Za-z_", true)),
                's' => Some(("\\t\\n\\x0C\\r ", false)),
                'S' => Some(("\\t\\n\\x0C\\r ", true)),
                _ => None,
            };
            if in_class {
                range_can_follow = ascii.is_none() && !in_range;
                in_range = false;
            }
            match (ascii, in_class) {
                (Some((set, false)), true) => out.push_str(set),
                (Some((set, true)), true) => out.push_str(&format!("[^{set}]")),
                (Some((set, neg)), false) => {
                    out.push_str(&format!("[{}{set}]", if neg { "^" } else { "" }))
                }
                (None, _) if !in_class && (e == 'b' || e == 'B') => out.push_str(&format!("(?-u:\\{e})")),
                (None, _) => {
                    out.push('\\');
                    out.push(e);
                }
            }
            can_repeat = !matches!(e, 'b' | 'B' | 'A' | 'z');
            class_start = false;
            continue;
        }
        if in_class {
            match c {
                ']' if !class_start => {
                    in_class = false;
                    out.push(']');
                    can_repeat = true;
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    // A POSIX class [:name:] is copied whole.
                    let rest: String = chars[i..].iter().collect();
                    match rest.find(":]") {
                        Some(end) => {
                            out.push_str(&rest[..end + 2]);
                            i += rest[..end + 2].chars().count();
                            class_start = false;
                            range_can_follow = false;
                            in_range = false;
                            continue;
                        }
                        None => out.push_str("\\["),
                    }
                }
                '-' if range_can_follow && chars.get(i + 1).is_some_and(|&n| n != ']') => {
                    out.push('-');
                    range_can_follow = false;
                    in_range = true;
                }
                '-' => {
                    out.push_str("\\-");
                    range_can_follow = true;
                }
                // Literal in Go; nesting or set operators in the crate.
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                    range_can_follow = !in_range;
                    in_range = false;
                }
                _ => {
                    out.push(c);
                    range_can_follow = !in_range;
                    in_range = false;
                }
            }
            class_start = false;
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                range_can_follow = false;
                in_range = false;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_start = true;
                continue;
            }
            '{' => {
                let rest: String = chars[i..].iter().collect();
                if can_repeat && is_repeat(&rest) {
                    let end = rest.find('}').unwrap_or(0);
                    out.push_str(&rest[..=end]);
                    i += rest[..=end].chars().count();
                    continue;
                } else {
                    out.push_str("\\{");
                    can_repeat = true;
                }
            }
            '}' => out.push_str("\\}"),
            '(' | '|' | '^' | '$' => {
                out.push(c);
                can_repeat = false;
            }
            '*' | '+' | '?' => {
                out.push(c);
                can_repeat = true;
            }
            _ => {
                out.push(c);
                can_repeat = true;
            }
        }
        i += 1;
    }
    out
}

/// Whether `s` starts with a Go repetition `{n}`, `{n,}` or `{n,m}`.
fn is_repeat(s: &str) -> bool {
    let Some(body) = s.strip_prefix('{') else { return false };
    let Some(end) = body.find('}') else { return false };
    let body = &body[..end];
    let (lo, hi) = match body.split_once(',') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (body, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    digits(lo) && hi.is_none_or(|h| h.is_empty() || digits(h))
}

/// Go's error text for a regexp that does not compile.
fn go_compile_error(pattern: &str, err: &regex::Error) -> String {
    let text = err.to_string();
    let code = if text.contains("unclosed group") {
        "missing closing )"
    } else if text.contains("unopened group") {
        "unexpected )"
    } else if text.contains("unclosed character class") {
        "missing closing ]"
    } else if text.contains("repetition operator missing expression") {
        "missing argument to repetition operator"
    } else if text.contains("invalid character class range") || text.contains("invalid range") {
        "invalid character class range"
    } else if text.contains("unrecognized escape") || text.contains("incomplete escape") {
        "invalid escape sequence"
    } else if text.contains("invalid capture group") || text.contains("empty capture group name") {
        "invalid named capture"
    } else if text.contains("decimal") || text.contains("repetition") {
        "invalid repeat count"
    } else if text.contains("size limit") {
        "expression too large"
    } else {
        "invalid or unsupported Perl syntax"
    };
    let expr = match code {
        "missing closing )" | "unexpected )" => pattern.to_string(),
        _ => pattern.to_string(),
    };
    format!("error parsing regexp: {code}: `{expr}`")
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Result<Regex, String>>> = RefCell::new(HashMap::new());
}

/// Go `regexp.Compile`, cached per pattern.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    CACHE.with(|cache| {
        if let Some(r) = cache.borrow().get(pattern) {
            return r.clone();
        }
        let r = RegexBuilder::new(&translate(pattern))
            .octal(true)
            .build()
            .map_err(|e| go_compile_error(pattern, &e));
        let mut cache = cache.borrow_mut();
        if cache.len() > 512 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), r.clone());
        r
    })
}

/// `regexp.MustCompile`'s panic.
fn must_compile(pattern: &str) -> Result<Regex, FuncError> {
    compile(pattern).map_err(|e| call_err(format!("regexp: Compile({}): {e}", strconv::quote(pattern))))
}

/// Go `allMatches`: successive match spans, an empty match right after a
/// previous match skipped; at most `n` (n < 0: all).
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let n = if n < 0 { s.len() as i64 + 1 } else { n };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while (out.len() as i64) < n && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map(char::len_utf8).unwrap_or(1);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// Go `Regexp.Expand` of a `$1`/`${name}` template for one match.
fn expand(out: &mut String, template: &str, re: &Regex, caps: &regex::Captures, src: &str) {
    let _ = src;
    let mut t = template;
    while let Some(i) = t.find('$') {
        out.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            out.push('$');
            t = rest;
            continue;
        }
        match extract_name(t) {
            None => out.push('$'),
            Some((name, num, rest)) => {
                t = rest;
                match num {
                    Some(k) => {
                        if let Some(m) = caps.get(k) {
                            out.push_str(m.as_str());
                        }
                    }
                    None => {
                        for (k, n) in re.capture_names().enumerate() {
                            if n == Some(name) {
                                if let Some(m) = caps.get(k) {
                                    out.push_str(m.as_str());
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out.push_str(t);
}

/// Go regexp `extract`: a group name (letters, digits, `_`) or `{name}`;
/// the number when the name is all digits without a leading zero.
fn extract_name(s: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|(_, c)| !(super::conv::is_letter(*c) || super::conv::is_digit(*c) || *c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let mut rest = &body[end..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => num = Some(n * 10 + (b - b'0') as usize),
            _ => {
                num = None;
                break;
            }
        }
    }
    if name.len() > 1 && name.starts_with('0') {
        num = None;
    }
    Some((name, num, rest))
}

/// Go `replaceAll`: `repl` builds each replacement.
fn replace_all(re: &Regex, src: &str, mut repl: impl FnMut(&mut String, &regex::Captures)) -> String {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else { break };
        let m = caps.get(0).map(|m| (m.start(), m.end())).unwrap_or((search, search));
        out.push_str(&src[last_end..m.0]);
        if m.1 > last_end || m.0 == 0 {
            repl(&mut out, &caps);
        }
        last_end = m.1;
        let width = src[search..].chars().next().map(char::len_utf8).unwrap_or(1);
        if search + width > m.1 {
            search += width;
        } else if search + 1 > m.1 {
            search += 1;
        } else {
            search = m.1;
        }
    }
    out.push_str(&src[last_end.min(src.len())..]);
    out
}

/// Go `Regexp.Split`.
fn split(re: &Regex, s: &str, n: i64, pattern: &str) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !pattern.is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = all_matches(re, s, n);
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (a, b) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

pub fn regex_match(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(compile(arg_str(a, 0)).is_ok_and(|re| re.is_match(arg_str(a, 1)))))
}

pub fn must_regex_match(a: &[Value]) -> FuncResult {
    let re = compile(arg_str(a, 0)).map_err(call_err)?;
    Ok(Value::Bool(re.is_match(arg_str(a, 1))))
}

fn find_all(re: &Regex, s: &str, n: i64) -> Value {
    string_list(all_matches(re, s, n).into_iter().map(|(x, y)| s[x..y].to_string()))
}

pub fn regex_find_all(a: &[Value]) -> FuncResult {
    let re = must_compile(arg_str(a, 0))?;
    Ok(find_all(&re, arg_str(a, 1), arg_int(a, 2)))
}

pub fn must_regex_find_all(a: &[Value]) -> FuncResult {
    let re = compile(arg_str(a, 0)).map_err(call_err)?;
    Ok(find_all(&re, arg_str(a, 1), arg_int(a, 2)))
}

fn find(re: &Regex, s: &str) -> Value {
    Value::str(re.find(s).map(|m| m.as_str()).unwrap_or(""))
}

pub fn regex_find(a: &[Value]) -> FuncResult {
    Ok(find(&must_compile(arg_str(a, 0))?, arg_str(a, 1)))
}

pub fn must_regex_find(a: &[Value]) -> FuncResult {
    Ok(find(&compile(arg_str(a, 0)).map_err(call_err)?, arg_str(a, 1)))
}

fn replace_expand(re: &Regex, s: &str, repl: &str) -> Value {
    Value::string(replace_all(re, s, |out, caps| expand(out, repl, re, caps, s)))
}

fn replace_literal(re: &Regex, s: &str, repl: &str) -> Value {
    Value::string(replace_all(re, s, |out, _| out.push_str(repl)))
}

pub fn regex_replace_all(a: &[Value]) -> FuncResult {
    let re = must_compile(arg_str(a, 0))?;
    Ok(replace_expand(&re, arg_str(a, 1), arg_str(a, 2)))
}

pub fn must_regex_replace_all(a: &[Value]) -> FuncResult {
    let re = compile(arg_str(a, 0)).map_err(call_err)?;
    Ok(replace_expand(&re, arg_str(a, 1), arg_str(a, 2)))
}

pub fn regex_replace_all_literal(a: &[Value]) -> FuncResult {
    let re = must_compile(arg_str(a, 0))?;
    Ok(replace_literal(&re, arg_str(a, 1), arg_str(a, 2)))
}

pub fn must_regex_replace_all_literal(a: &[Value]) -> FuncResult {
    let re = compile(arg_str(a, 0)).map_err(call_err)?;
    Ok(replace_literal(&re, arg_str(a, 1), arg_str(a, 2)))
}

pub fn regex_split(a: &[Value]) -> FuncResult {
    let pattern = arg_str(a, 0);
    let re = must_compile(pattern)?;
    Ok(string_list(split(&re, arg_str(a, 1), arg_int(a, 2), pattern)))
}

pub fn must_regex_split(a: &[Value]) -> FuncResult {
    let pattern = arg_str(a, 0);
    let re = compile(pattern).map_err(call_err)?;
    Ok(string_list(split(&re, arg_str(a, 1), arg_int(a, 2), pattern)))
}

/// Go `regexp.QuoteMeta`: backslash before each of `\.+*?()|[]{}^$`.
pub fn regex_quote_meta(a: &[Value]) -> FuncResult {
    let mut out = String::new();
    for c in arg_str(a, 0).chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, i, printed, s};
    use super::*;

    #[test]
    fn sprig_regex_tests() {
        // regex_test.go
        assert_eq!(printed("regexMatch", &[s("[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[A-Za-z]{2,}"), s("test@acme.com")]), "true");
        assert_eq!(printed("regexMatch", &[s("^[0-9]+$"), s("1a")]), "false");
        assert_eq!(printed("regexFindAll", &[s("a{2}"), s("aaaaaa"), i(-1)]), "[aa aa aa]");
        assert_eq!(printed("regexFindAll", &[s("a{2}"), s("aaaaaa"), i(2)]), "[aa aa]");
        assert_eq!(printed("regexFindAll", &[s("a{2}"), s("none"), i(-1)]), "[]");
        assert_eq!(printed("regexFind", &[s("fo.?"), s("foorbar")]), "foo");
        assert_eq!(printed("regexReplaceAll", &[s("a(x*)b"), s("-ab-axxb-"), s("${1}W")]), "-W-xxW-");
        assert_eq!(printed("regexReplaceAll", &[s("a(x*)b"), s("-ab-axxb-"), s("$1W")]), "---");
        assert_eq!(printed("regexReplaceAll", &[s("a(?P<x>x*)b"), s("-axb-"), s("<$x>")]), "-<x>-");
        assert_eq!(printed("regexReplaceAll", &[s("a"), s("aa"), s("$$")]), "$$");
        assert_eq!(printed("regexReplaceAllLiteral", &[s("a(x*)b"), s("-ab-axxb-"), s("${1}")]), "-${1}-${1}-");
        assert_eq!(printed("regexSplit", &[s("z+"), s("pizza"), i(-1)]), "[pi a]");
        assert_eq!(printed("regexSplit", &[s("z+"), s("pizza"), i(1)]), "[pizza]");
        assert_eq!(printed("regexSplit", &[s("a*"), s("abaabaccadaaae"), i(5)]), "[ b b c cadaaae]");
        assert_eq!(printed("regexSplit", &[s(""), s("abc"), i(-1)]), "[a b c]");
        assert_eq!(printed("regexQuoteMeta", &[s("1.2.3")]), "1\\.2\\.3");
        assert_eq!(printed("regexQuoteMeta", &[s("pretzel")]), "pretzel");
    }

    #[test]
    fn go_syntax_is_translated() {
        // Go's \d, \w, \s and \b are ASCII-only.
        assert_eq!(printed("regexFindAll", &[s("\\d+"), s("a1٣2"), i(-1)]), "[1 2]");
        assert_eq!(printed("regexMatch", &[s("^\\w+$"), s("héllo")]), "false");
        assert_eq!(printed("regexFindAll", &[s("[\\d.]+"), s("v1.2 x"), i(-1)]), "[1.2]");
        // `{` that is not a repetition is literal in Go.
        assert_eq!(printed("regexFind", &[s("{{ *(\\w+) *}}"), s("x {{ name }} y")]), "{{ name }}");
        assert_eq!(printed("regexReplaceAll", &[s("[[]"), s("a[b"), s("-")]), "a-b");
        assert_eq!(printed("regexMatch", &[s("[[:alpha:]]+"), s("abc")]), "true");
        assert_eq!(printed("regexReplaceAll", &[s("\\bx\\b"), s("x xx x"), s("y")]), "y xx y");
        // In a class, a `-` that cannot end a range is itself (Go's
        // parseClass): after a class escape, a POSIX class or a range.
        // redis-ha's masterGroupName check is `^[\w-\.]+$`.
        assert_eq!(printed("regexMatch", &[s("^[\\w-\\.]+$"), s("my-master.1")]), "true");
        assert_eq!(printed("regexFind", &[s("[\\d-z]+"), s("a-3z")]), "-3z");
        assert_eq!(printed("regexFind", &[s("[[:digit:]-]+"), s("x1-2")]), "1-2");
        assert_eq!(printed("regexFind", &[s("[a-c-e]+"), s("xb-ed")]), "b-e");
        assert_eq!(printed("regexFind", &[s("[--/]+"), s("a-./b")]), "-./");
        assert_eq!(printed("regexFind", &[s("[a-]+"), s("x-a-")]), "-a-");
    }

    #[test]
    fn empty_matches_follow_go() {
        // Go: ReplaceAllString("a*", "baaac", "X") == "XbXcX".
        assert_eq!(printed("regexReplaceAll", &[s("a*"), s("baaac"), s("X")]), "XbXcX");
        assert_eq!(printed("regexFindAll", &[s("a*"), s("baaac"), i(-1)]), "[ aaa ]");
        assert_eq!(printed("regexReplaceAll", &[s(""), s("abc"), s("-")]), "-a-b-c-");
    }

    #[test]
    fn compile_errors_follow_go() {
        assert_eq!(printed("regexMatch", &[s("("), s("x")]), "false");
        assert_eq!(
            call("mustRegexMatch", &[s("(abc"), s("x")]),
            Err(call_err("error parsing regexp: missing closing ): `(abc`"))
        );
        assert_eq!(
            call("regexFind", &[s("(abc"), s("x")]),
            Err(call_err("regexp: Compile(\"(abc\"): error parsing regexp: missing closing ): `(abc`"))
        );
    }
}
