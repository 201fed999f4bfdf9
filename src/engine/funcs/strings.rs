//! Sprig's string functions (strings.go and the goutils/xstrings helpers it
//! wraps), matched rune for rune and byte for byte against the Go sources.

use rand::seq::SliceRandom;
use rand::RngExt;

use super::conv::{self, is_space, strval};
use crate::engine::gofmt::strconv;
use super::{arg_int, arg_str, call_err, string_list, FuncResult};
use crate::engine::gofmt::sprint_value;
use crate::engine::value::{byte_slice, Map, Value};

/// Largest string a repeating function may build (guards hostile charts).
const MAX_REPEAT_BYTES: usize = 1 << 30;

pub fn hello(_: &[Value]) -> FuncResult {
    Ok(Value::str("Hello!"))
}

pub fn abbrev(a: &[Value]) -> FuncResult {
    let (width, s) = (arg_int(a, 0), arg_str(a, 1));
    if width < 4 {
        return Ok(Value::str(s));
    }
    Ok(Value::string(abbreviate_full(s, 0, width).unwrap_or_default()))
}

pub fn abbrevboth(a: &[Value]) -> FuncResult {
    let (left, right, s) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
    if right < 4 || left > 0 && right < 7 {
        return Ok(Value::str(s));
    }
    Ok(Value::string(abbreviate_full(s, left, right).unwrap_or_default()))
}

/// goutils `AbbreviateFull` (byte offsets, as in Go).
fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return Some(byte_slice(s, 0, (max_width - 3) as usize) + "...");
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        return Some(format!("...{}", abbreviate_full(&rest, 0, max_width - 3)?));
    }
    Some(format!("...{}", byte_slice(s, (len - (max_width - 3)) as usize, s.len())))
}

pub fn trunc(a: &[Value]) -> FuncResult {
    let (c, s) = (arg_int(a, 0), arg_str(a, 1));
    let len = s.len() as i64;
    let out = if c < 0 && len + c > 0 {
        byte_slice(s, (len + c) as usize, s.len())
    } else if c >= 0 && len > c {
        byte_slice(s, 0, c as usize)
    } else {
        s.to_string()
    };
    Ok(Value::string(out))
}

pub fn trim(a: &[Value]) -> FuncResult {
    Ok(Value::str(arg_str(a, 0).trim()))
}

pub fn upper(a: &[Value]) -> FuncResult {
    Ok(Value::string(arg_str(a, 0).chars().map(conv::to_upper).collect()))
}

pub fn lower(a: &[Value]) -> FuncResult {
    Ok(Value::string(arg_str(a, 0).chars().map(conv::to_lower).collect()))
}

/// Go's deprecated `strings.Title`: title-case the first letter of each word.
pub fn title(a: &[Value]) -> FuncResult {
    let mut prev = ' ';
    let out = arg_str(a, 0)
        .chars()
        .map(|c| {
            let sep = is_title_separator(prev);
            prev = c;
            if sep {
                conv::to_title(c)
            } else {
                c
            }
        })
        .collect();
    Ok(Value::string(out))
}

/// Go: strings.go `isSeparator`.
fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if conv::is_letter(c) || conv::is_digit(c) {
        return false;
    }
    is_space(c)
}

/// goutils `Uncapitalize`: lower-case the first rune of each
/// whitespace-separated word.
pub fn untitle(a: &[Value]) -> FuncResult {
    let mut next = true;
    let out = arg_str(a, 0)
        .chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                conv::to_lower(c)
            } else {
                c
            }
        })
        .collect();
    Ok(Value::string(out))
}

/// Go's runtime bounds check for `s[lo:hi]` on a string of length `len`,
/// with its panic text.
pub(crate) fn slice_bounds(len: usize, lo: Option<i64>, hi: Option<i64>) -> Result<(usize, usize), String> {
    let len = len as i64;
    let h = hi.unwrap_or(len);
    if hi.is_some() {
        if h < 0 {
            return Err(format!("runtime error: slice bounds out of range [:{h}]"));
        }
        if h > len {
            return Err(format!("runtime error: slice bounds out of range [:{h}] with length {len}"));
        }
    }
    let l = lo.unwrap_or(0);
    if l < 0 {
        return Err(format!("runtime error: slice bounds out of range [{l}:]"));
    }
    if l > h {
        return Err(format!("runtime error: slice bounds out of range [{l}:{h}]"));
    }
    Ok((l as usize, h as usize))
}

/// Sprig `substring`: `s[:end]` when start < 0, `s[start:]` when end < 0 or
/// past the end, else `s[start:end]` (Go panics on bad bounds).
pub fn substr(a: &[Value]) -> FuncResult {
    let (start, end, s) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
    let bounds = if start < 0 {
        slice_bounds(s.len(), None, Some(end))
    } else if end < 0 || end > s.len() as i64 {
        slice_bounds(s.len(), Some(start), None)
    } else {
        slice_bounds(s.len(), Some(start), Some(end))
    };
    let (lo, hi) = bounds.map_err(call_err)?;
    Ok(Value::string(byte_slice(s, lo, hi)))
}

/// Go's `strings.Repeat` with its panics.
fn go_repeat(s: &str, count: i64) -> Result<String, String> {
    if count < 0 {
        return Err("strings: negative Repeat count".into());
    }
    match (s.len() as u64).checked_mul(count as u64) {
        Some(n) if n as usize <= MAX_REPEAT_BYTES => Ok(s.repeat(count as usize)),
        _ => Err("strings: Repeat output length overflow".into()),
    }
}

pub fn repeat(a: &[Value]) -> FuncResult {
    Ok(Value::string(go_repeat(arg_str(a, 1), arg_int(a, 0)).map_err(call_err)?))
}

/// `trimAll "$" "$5.00$"`: Go's `strings.Trim(s, cutset)`.
pub fn trim_all(a: &[Value]) -> FuncResult {
    let cutset = arg_str(a, 0);
    Ok(Value::str(arg_str(a, 1).trim_matches(|c| cutset.contains(c))))
}

pub fn trim_suffix(a: &[Value]) -> FuncResult {
    let s = arg_str(a, 1);
    Ok(Value::str(s.strip_suffix(arg_str(a, 0)).unwrap_or(s)))
}

pub fn trim_prefix(a: &[Value]) -> FuncResult {
    let s = arg_str(a, 1);
    Ok(Value::str(s.strip_prefix(arg_str(a, 0)).unwrap_or(s)))
}

/// Bytes read as runes the way goutils does (`rune(str[i])`: each byte as a
/// Latin-1 code point).
fn latin1(b: u8) -> char {
    b as char
}

/// goutils `DeleteWhiteSpace`: works byte by byte, so multi-byte text is
/// re-encoded as Latin-1 when any whitespace is removed.
pub fn nospace(a: &[Value]) -> FuncResult {
    let s = arg_str(a, 0);
    let kept: Vec<char> = s.bytes().map(latin1).filter(|c| !is_space(*c)).collect();
    if kept.len() == s.len() {
        return Ok(Value::str(s));
    }
    Ok(Value::string(kept.into_iter().collect()))
}

/// goutils `Initials` (byte by byte, like nospace).
pub fn initials(a: &[Value]) -> FuncResult {
    let mut out = String::new();
    let mut gap = true;
    for c in arg_str(a, 0).bytes().map(latin1) {
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    Ok(Value::string(out))
}

/// goutils `CryptoRandom` restricted to the character classes Sprig uses.
fn random_string(count: i64, pick: impl Fn(u32) -> bool, start: u32, end: u32) -> String {
    if count <= 0 {
        return String::new();
    }
    let pool: Vec<char> = (start..end).filter(|c| pick(*c)).filter_map(char::from_u32).collect();
    let mut rng = rand::rng();
    (0..count).map(|_| pool[rng.random_range(0..pool.len())]).collect()
}

pub fn rand_alpha_num(a: &[Value]) -> FuncResult {
    let s = random_string(arg_int(a, 0), |c| (c as u8).is_ascii_alphanumeric(), ' ' as u32, 'z' as u32 + 1);
    Ok(Value::string(s))
}

pub fn rand_alpha(a: &[Value]) -> FuncResult {
    let s = random_string(arg_int(a, 0), |c| (c as u8).is_ascii_alphabetic(), ' ' as u32, 'z' as u32 + 1);
    Ok(Value::string(s))
}

pub fn rand_ascii(a: &[Value]) -> FuncResult {
    Ok(Value::string(random_string(arg_int(a, 0), |_| true, 32, 127)))
}

pub fn rand_numeric(a: &[Value]) -> FuncResult {
    let s = random_string(arg_int(a, 0), |c| (c as u8).is_ascii_digit(), ' ' as u32, 'z' as u32 + 1);
    Ok(Value::string(s))
}

/// goutils `SwapCase`: upper/title → lower; lower → title after whitespace
/// (or at the start), upper elsewhere.
pub fn swapcase(a: &[Value]) -> FuncResult {
    let mut whitespace = true;
    let out = arg_str(a, 0)
        .chars()
        .map(|c| {
            if conv::is_upper(c) || conv::is_title(c) {
                whitespace = false;
                conv::to_lower(c)
            } else if conv::is_lower(c) {
                if whitespace {
                    whitespace = false;
                    conv::to_title(c)
                } else {
                    conv::to_upper(c)
                }
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect();
    Ok(Value::string(out))
}

pub fn shuffle(a: &[Value]) -> FuncResult {
    let mut runes: Vec<char> = arg_str(a, 0).chars().collect();
    runes.shuffle(&mut rand::rng());
    Ok(Value::string(runes.into_iter().collect()))
}

pub fn snakecase(a: &[Value]) -> FuncResult {
    Ok(Value::string(camel_case_to_lower_case(arg_str(a, 0), '_')))
}

pub fn kebabcase(a: &[Value]) -> FuncResult {
    Ok(Value::string(camel_case_to_lower_case(arg_str(a, 0), '-')))
}

/// Sprig's camelcase is xstrings v1.5 `ToPascalCase`.
pub fn camelcase(a: &[Value]) -> FuncResult {
    Ok(Value::string(to_camel_case(arg_str(a, 0), true)))
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !conv::is_letter(c) {
        return false;
    }
    !matches!(c, '\u{4E00}'..='\u{9FCC}' | '\u{3400}'..='\u{4D85}' | '\u{20000}'..='\u{2B81D}')
}

/// xstrings v1.5.0 `toCamelCase`.
fn to_camel_case(s: &str, is_big: bool) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = '\0';
    // Leading connectors are kept.
    for c in chars.by_ref() {
        r0 = c;
        if !is_connector(c) {
            first_upper = conv::is_upper(c);
            r0 = if is_big { conv::to_upper(c) } else { conv::to_lower(c) };
            break;
        }
        out.push(c);
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        // Go writes the last rune read once more, even a connector.
        if !s.is_empty() {
            out.push(r0);
        }
        return out;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = conv::is_upper(r0);
            r0 = conv::to_upper(r0);
        } else {
            if first_upper {
                if conv::is_upper(r0) {
                    r0 = conv::to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    if first_upper && !is_big {
        r0 = conv::to_lower(r0);
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordType {
    Invalid,
    Number,
    UpperCase,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord`: the type of the next word, the word, and the rest.
fn next_word(s: &str) -> (WordType, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, first)) = it.next() else {
        return (WordType::Invalid, "", "");
    };
    // Go decodes U+FFFD as utf8.RuneError and treats it as invalid.
    if first == '\u{FFFD}' {
        let n = first.len_utf8();
        return (WordType::Invalid, &s[..n], &s[n..]);
    }
    let take_while = |it: &mut std::iter::Peekable<std::str::CharIndices>, f: &dyn Fn(char) -> bool| {
        while let Some(&(_, c)) = it.peek() {
            if !f(c) {
                break;
            }
            it.next();
        }
    };
    let wt;
    if is_connector(first) {
        wt = WordType::Connector;
        take_while(&mut it, &is_connector);
    } else if conv::is_punct(first) {
        wt = WordType::Punct;
        take_while(&mut it, &conv::is_punct);
    } else if conv::is_upper(first) {
        wt = WordType::UpperCase;
        if let Some(&(_, c)) = it.peek() {
            if conv::is_upper(c) {
                // "HTTPStatus" splits as "HTTP" + "Status".
                let mut last_start = 0;
                while let Some(&(i, c)) = it.peek() {
                    if !conv::is_upper(c) {
                        break;
                    }
                    last_start = i;
                    it.next();
                }
                if let Some(&(_, c)) = it.peek() {
                    if is_alphabet(c) {
                        return (wt, &s[..last_start], &s[last_start..]);
                    }
                }
            } else if is_alphabet(c) {
                take_while(&mut it, &|c| is_alphabet(c) && !conv::is_upper(c));
            }
        }
    } else if is_alphabet(first) {
        wt = WordType::Alphabet;
        take_while(&mut it, &|c| is_alphabet(c) && !conv::is_upper(c));
    } else if conv::is_number(first) {
        wt = WordType::Number;
        take_while(&mut it, &conv::is_number);
    } else {
        wt = WordType::Other;
        take_while(&mut it, &|c| {
            !(is_connector(c) || is_alphabet(c) || conv::is_number(c) || conv::is_punct(c))
        });
    }
    let end = it.peek().map(|&(i, _)| i).unwrap_or(s.len());
    (wt, &s[..end], &s[end..])
}

/// xstrings `toLower`: upper-case and connector words are lowered (connectors
/// become `connector`); other words are copied.
fn push_lower(out: &mut String, wt: WordType, word: &str, connector: char) {
    if wt != WordType::UpperCase && wt != WordType::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if conv::is_upper(c) {
            out.push(conv::to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings v1.5.0 `camelCaseToLowerCase` (snakecase, kebabcase).
fn camel_case_to_lower_case(s: &str, connector: char) -> String {
    use WordType::*;
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Number => {
                while wt == Alphabet || wt == Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Punct && wt != Connector {
                    out.push(connector);
                }
            }
            Connector => push_lower(&mut out, prev, last, connector),
            Punct => {}
            _ => {
                if wt != Number {
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                // "Bld4Floor" keeps the number with the previous word.
                if wt != Alphabet {
                    push_lower(&mut out, Number, last, connector);
                    if wt != Connector && wt != Punct {
                        out.push(connector);
                    }
                    continue;
                }
                // "HTTP2xx" → "http_2xx".
                out.push(connector);
                push_lower(&mut out, Number, last, connector);
                while wt == Alphabet || wt == Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Connector && wt != Punct {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

pub fn wrap(a: &[Value]) -> FuncResult {
    Ok(Value::string(wrap_custom(arg_str(a, 1), arg_int(a, 0), "", false)))
}

pub fn wrap_with(a: &[Value]) -> FuncResult {
    Ok(Value::string(wrap_custom(arg_str(a, 2), arg_int(a, 0), arg_str(a, 1), true)))
}

/// goutils `WrapCustom`, on byte offsets as in Go.
fn wrap_custom(s: &str, wrap_length: i64, new_line: &str, wrap_long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let new_line = if new_line.is_empty() { "\n" } else { new_line };
    let wrap_length = wrap_length.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + 8);
    while len - offset > wrap_length {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wrap_length + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(i) = space {
            let at = offset + i;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(new_line.as_bytes());
            offset = at + 1;
        } else if wrap_long_words {
            let end = wrap_length + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(new_line.as_bytes());
            offset += wrap_length;
        } else {
            let end = wrap_length + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(new_line.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn contains(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 1).contains(arg_str(a, 0))))
}

pub fn has_prefix(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 1).starts_with(arg_str(a, 0))))
}

pub fn has_suffix(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 1).ends_with(arg_str(a, 0))))
}

/// `quote`: each non-nil argument as `%q` of its strval, space-separated.
pub fn quote(a: &[Value]) -> FuncResult {
    let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(|v| strconv::quote(&strval(v))).collect();
    Ok(Value::string(parts.join(" ")))
}

/// `squote`: each non-nil argument as `'%v'`, space-separated.
pub fn squote(a: &[Value]) -> FuncResult {
    let parts: Vec<String> =
        a.iter().filter(|v| !v.is_nil()).map(|v| format!("'{}'", sprint_value(v))).collect();
    Ok(Value::string(parts.join(" ")))
}

/// `cat`: non-nil arguments printed with `%v`, space-separated.
pub fn cat(a: &[Value]) -> FuncResult {
    let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(sprint_value).collect();
    Ok(Value::string(parts.join(" ")))
}

fn indent_str(spaces: i64, s: &str) -> Result<String, String> {
    let pad = go_repeat(" ", spaces)?;
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

pub fn indent(a: &[Value]) -> FuncResult {
    Ok(Value::string(indent_str(arg_int(a, 0), arg_str(a, 1)).map_err(call_err)?))
}

pub fn nindent(a: &[Value]) -> FuncResult {
    let s = indent_str(arg_int(a, 0), arg_str(a, 1)).map_err(call_err)?;
    Ok(Value::string(format!("\n{s}")))
}

/// `replace OLD NEW SRC`: Go's `strings.Replace(src, old, new, -1)`; an empty
/// OLD inserts NEW around every rune.
pub fn replace(a: &[Value]) -> FuncResult {
    let (old, new, src) = (arg_str(a, 0), arg_str(a, 1), arg_str(a, 2));
    if old.is_empty() {
        let mut out = String::from(new);
        for c in src.chars() {
            out.push(c);
            out.push_str(new);
        }
        return Ok(Value::string(out));
    }
    Ok(Value::string(src.replace(old, new)))
}

pub fn plural(a: &[Value]) -> FuncResult {
    Ok(a[if arg_int(a, 2) == 1 { 0 } else { 1 }].clone())
}

pub fn to_string(a: &[Value]) -> FuncResult {
    Ok(Value::string(strval(&a[0])))
}

/// Go's `strings.SplitN` (n < 0: all parts).
fn go_split_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        // explode into runes; the last part keeps the rest
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let count = chars.len() as i64;
        let n = if n < 0 || n > count { count } else { n };
        let mut out = Vec::new();
        for (k, (i, c)) in chars.iter().enumerate() {
            if k as i64 == n - 1 {
                out.push(s[*i..].to_string());
                break;
            }
            out.push(c.to_string());
        }
        return out;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

fn numbered_parts(parts: Vec<String>) -> Value {
    let m: Map = parts.into_iter().enumerate().map(|(i, p)| (format!("_{i}"), Value::string(p))).collect();
    Value::map(m)
}

/// `split SEP S`: a dict `_0`, `_1`, ... of the parts.
pub fn split(a: &[Value]) -> FuncResult {
    Ok(numbered_parts(go_split_n(arg_str(a, 1), arg_str(a, 0), -1)))
}

pub fn splitn(a: &[Value]) -> FuncResult {
    Ok(numbered_parts(go_split_n(arg_str(a, 2), arg_str(a, 0), arg_int(a, 1))))
}

pub fn split_list(a: &[Value]) -> FuncResult {
    Ok(string_list(go_split_n(arg_str(a, 1), arg_str(a, 0), -1)))
}

/// Sprig `strslice`: a list's non-nil items as strings; a scalar as one item.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Missing | Value::Nil => Vec::new(),
        // A slice type with methods (`.Capabilities.APIVersions`).
        Value::Object(o) if o.kind() == "slice" => strslice(&v.as_collection()),
        other => vec![strval(other)],
    }
}

pub fn to_strings(a: &[Value]) -> FuncResult {
    Ok(string_list(strslice(&a[0])))
}

pub fn join(a: &[Value]) -> FuncResult {
    Ok(Value::string(strslice(&a[1]).join(arg_str(a, 0))))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, call_str, i, s};
    use super::*;

    #[test]
    fn substr_and_trunc() {
        // strings_test.go TestSubstr / TestTrunc
        assert_eq!(call_str("substr", &[i(0), i(3), s("fooo")]), "foo");
        assert_eq!(call_str("substr", &[i(1), i(-1), s("fooo")]), "ooo");
        assert_eq!(call_str("substr", &[i(-1), i(2), s("fooo")]), "fo");
        assert_eq!(call_str("substr", &[i(1), i(99), s("fooo")]), "ooo");
        assert_eq!(
            call("substr", &[i(-1), i(5), s("abc")]),
            Err(call_err("runtime error: slice bounds out of range [:5] with length 3"))
        );
        assert_eq!(
            call("substr", &[i(3), i(2), s("abcd")]),
            Err(call_err("runtime error: slice bounds out of range [3:2]"))
        );
        assert_eq!(call_str("trunc", &[i(5), s("Hello World")]), "Hello");
        assert_eq!(call_str("trunc", &[i(-5), s("Hello World")]), "World");
        assert_eq!(call_str("trunc", &[i(20), s("Hello World")]), "Hello World");
        assert_eq!(call_str("trunc", &[i(-20), s("Hello World")]), "Hello World");
    }

    #[test]
    fn case_functions() {
        assert_eq!(call_str("upper", &[s("foo")]), "FOO");
        assert_eq!(call_str("upper", &[s("straße")]), "STRAßE");
        assert_eq!(call_str("lower", &[s("FOO")]), "foo");
        assert_eq!(call_str("title", &[s("hello world-foo_bar")]), "Hello World-Foo_bar");
        assert_eq!(call_str("untitle", &[s("Hello World")]), "hello world");
        // docs/strings.md
        assert_eq!(call_str("swapcase", &[s("This Is A.Test")]), "tHIS iS a.tEST");
        assert_eq!(call_str("snakecase", &[s("FirstName")]), "first_name");
        assert_eq!(call_str("kebabcase", &[s("FirstName")]), "first-name");
        assert_eq!(call_str("camelcase", &[s("http_server")]), "HttpServer");
    }

    #[test]
    fn xstrings_case_samples() {
        // xstrings v1.5.0 convert.go doc samples.
        for (input, snake) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ] {
            assert_eq!(camel_case_to_lower_case(input, '_'), snake, "{input}");
        }
        for (input, pascal) in [
            ("some_words", "SomeWords"),
            ("http_server", "HttpServer"),
            ("no_https", "NoHttps"),
            ("_complex__case_", "_Complex_Case_"),
            ("some words", "SomeWords"),
            ("GOLANG_IS_GREAT", "GolangIsGreat"),
        ] {
            assert_eq!(to_camel_case(input, true), pascal, "{input}");
        }
        assert_eq!(to_camel_case("some_words", false), "someWords");
    }

    #[test]
    fn abbreviations_and_wrapping() {
        // strings_test.go TestAbbrev / TestAbbrevBoth / TestWrap
        assert_eq!(call_str("abbrev", &[i(5), s("hello world")]), "he...");
        assert_eq!(call_str("abbrev", &[i(3), s("hello world")]), "hello world");
        assert_eq!(call_str("abbrevboth", &[i(5), i(10), s("1234 5678 9123")]), "...5678...");
        assert_eq!(call_str("wrap", &[i(5), s("Hello World")]), "Hello\nWorld");
        assert_eq!(call_str("wrapWith", &[i(5), s("\t"), s("Hello World")]), "Hello\tWorld");
        assert_eq!(call_str("wrapWith", &[i(5), s("\n"), s("HelloWorld")]), "Hello\nWorld");
        assert_eq!(call_str("initials", &[s("first last")]), "fl");
        assert_eq!(call_str("nospace", &[s("h e l l o ")]), "hello");
    }

    #[test]
    fn quoting_and_joining() {
        // strings_test.go TestQuote / TestSquote / TestCat / TestJoin
        assert_eq!(call_str("quote", &[s("a"), s("b"), s("c")]), r#""a" "b" "c""#);
        assert_eq!(call_str("quote", &[s("\"a\"")]), r#""\"a\"""#);
        assert_eq!(call_str("quote", &[i(1), Value::Nil, Value::Float(2.5)]), r#""1" "2.5""#);
        assert_eq!(call_str("squote", &[s("a"), Value::Nil, i(1)]), "'a' '1'");
        assert_eq!(call_str("cat", &[s("a"), Value::Nil, s("b"), i(3)]), "a b 3");
        let l = Value::list(vec![i(1), s("a"), Value::Nil]);
        assert_eq!(call_str("join", &[s("-"), l]), "1-a");
        assert_eq!(call_str("join", &[s("-"), s("abc")]), "abc");
        assert_eq!(call_str("indent", &[i(2), s("a\nb")]), "  a\n  b");
        assert_eq!(call_str("nindent", &[i(2), s("a\nb")]), "\n  a\n  b");
        assert_eq!(
            call("indent", &[i(-1), s("a")]),
            Err(call_err("strings: negative Repeat count"))
        );
    }

    #[test]
    fn splitting() {
        let m = call("split", &[s("$"), s("a$b$c")]).unwrap();
        assert_eq!(sprint_value(&m), "map[_0:a _1:b _2:c]");
        let m = call("splitn", &[s("$"), i(2), s("a$b$c")]).unwrap();
        assert_eq!(sprint_value(&m), "map[_0:a _1:b$c]");
        let l = call("splitList", &[s(","), s("a,b,,c")]).unwrap();
        assert_eq!(sprint_value(&l), "[a b  c]");
        let l = call("splitList", &[s(""), s("abc")]).unwrap();
        assert_eq!(sprint_value(&l), "[a b c]");
        assert_eq!(call_str("replace", &[s("a"), s("b"), s("banana")]), "bbnbnb");
        assert_eq!(call_str("trimAll", &[s("$"), s("$5.00$")]), "5.00");
        assert_eq!(call_str("trimSuffix", &[s("-"), s("a-")]), "a");
        assert_eq!(call_str("repeat", &[i(3), s("ab")]), "ababab");
        assert_eq!(call_str("plural", &[s("one"), s("many"), i(1)]), "one");
        assert_eq!(call_str("plural", &[s("one"), s("many"), i(2)]), "many");
    }

    #[test]
    fn random_strings_have_the_right_shape() {
        let r = call_str("randAlphaNum", &[i(20)]);
        assert_eq!(r.len(), 20);
        assert!(r.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert!(call_str("randNumeric", &[i(8)]).bytes().all(|c| c.is_ascii_digit()));
        assert!(call_str("randAlpha", &[i(8)]).bytes().all(|c| c.is_ascii_alphabetic()));
        assert_eq!(call_str("randAscii", &[i(0)]), "");
        let sh = call_str("shuffle", &[s("hello")]);
        let mut a: Vec<char> = sh.chars().collect();
        a.sort();
        assert_eq!(a, vec!['e', 'h', 'l', 'l', 'o']);
    }
}
