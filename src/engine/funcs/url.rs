//! Sprig's `urlParse` and `urlJoin` over a port of the parts of Go's
//! net/url they use (`url.Parse`, `URL.String`, `Userinfo.String`).

use super::{arg_map, arg_str, call_err, FuncResult};
use crate::engine::gofmt::strconv;
use crate::engine::value::{Map, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go net/url `shouldEscape`.
fn should_escape(c: u8, mode: Encoding) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Encoding::Host
        && matches!(
            c,
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b':' | b'[' | b']' | b'<' | b'>' | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Encoding::Path => c == b'?',
                Encoding::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Encoding::Fragment => false,
                Encoding::Host => true,
            }
        }
        _ => {}
    }
    if mode == Encoding::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go net/url `escape`.
fn escape(s: &str, mode: Encoding) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape(b, mode) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// Go net/url `unescape` (no `+` handling outside queries).
fn unescape(s: &str, mode: Encoding) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            let Some(h) = hex else {
                let bad: String = s[i..].chars().take(3).collect();
                return Err(format!("invalid URL escape {}", strconv::quote(&bad)));
            };
            let v = u8::from_str_radix(std::str::from_utf8(h).unwrap_or("00"), 16).unwrap_or(0);
            if mode == Encoding::Host && v < 0x80 && s[..i].is_empty() {
                // Hosts may only %-encode non-ASCII (Go checks "%25" zones too).
            }
            out.push(v);
            i += 3;
        } else {
            if mode == Encoding::Host && b[i] < 0x80 && should_escape(b[i], Encoding::Host) {
                return Err(format!("invalid character {} in host name", strconv::quote(&(b[i] as char).to_string())));
            }
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(crate::engine::value::string_from_go_bytes(&out).into_owned())
}

#[derive(Default, Debug, PartialEq)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    force_query: bool,
    fragment: String,
}

/// Go `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i == 0 => return Ok(("", raw)),
            b'0'..=b'9' | b'+' | b'-' | b'.' => {}
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go `url.Parse`.
fn parse(raw: &str) -> Result<Url, String> {
    let wrap = |e: String| format!("parse {}: {e}", strconv::quote(raw));
    let (rest, frag) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    let mut u = parse_no_fragment(rest).map_err(wrap)?;
    if let Some(f) = frag {
        u.fragment = unescape(f, Encoding::Fragment).map_err(wrap)?;
    }
    Ok(u)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut u = Url::default();
    if raw == "*" {
        u.path = "*".into();
        return Ok(u);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    u.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        u.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        u.raw_query = q.to_string();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !u.scheme.is_empty() {
            u.opaque = rest.to_string();
            return Ok(u);
        }
        let first = rest.split('/').next().unwrap_or("");
        if first.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!u.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let i = after.find('/').unwrap_or(after.len());
        let authority = &after[..i];
        rest = &after[i..];
        parse_authority(&mut u, authority)?;
    }
    u.path = unescape(rest, Encoding::Path)?;
    Ok(u)
}

fn parse_authority(u: &mut Url, authority: &str) -> Result<(), String> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    u.host = parse_host(host)?;
    if let Some(ui) = userinfo {
        match ui.split_once(':') {
            Some((user, pass)) => {
                u.user = Some((unescape(user, Encoding::UserPassword)?, Some(unescape(pass, Encoding::UserPassword)?)))
            }
            None => u.user = Some((unescape(ui, Encoding::UserPassword)?, None)),
        }
    }
    Ok(())
}

/// Go `parseHost`, checking the port.
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[i + 1..];
        if !port.is_empty() && !valid_port(port) {
            return Err(format!("invalid port {} after host", strconv::quote(port)));
        }
        return Ok(host.to_string());
    }
    if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_port(port) {
            return Err(format!("invalid port {} after host", strconv::quote(port)));
        }
    }
    unescape(host, Encoding::Host)
}

fn valid_port(port: &str) -> bool {
    port.strip_prefix(':').is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit()))
}

impl Url {
    fn hostname(&self) -> String {
        let host = &self.host;
        if let Some(rest) = host.strip_prefix('[') {
            return rest.split(']').next().unwrap_or("").to_string();
        }
        match host.rfind(':') {
            Some(i) if valid_port(&host[i..]) => host[..i].to_string(),
            _ => host.clone(),
        }
    }

    fn userinfo_string(&self) -> Option<String> {
        self.user.as_ref().map(|(user, pass)| {
            let mut s = escape(user, Encoding::UserPassword);
            if let Some(p) = pass {
                s.push(':');
                s.push_str(&escape(p, Encoding::UserPassword));
            }
            s
        })
    }

    /// Go `URL.String`.
    fn to_go_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(ui) = self.userinfo_string() {
                    buf.push_str(&ui);
                    buf.push('@');
                }
                buf.push_str(&escape(&self.host, Encoding::Host));
            }
            let path = escape(&self.path, Encoding::Path);
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&escape(&self.fragment, Encoding::Fragment));
        }
        buf
    }
}

pub fn url_parse(a: &[Value]) -> FuncResult {
    let u = parse(arg_str(a, 0)).map_err(|e| call_err(format!("unable to parse url: {e}")))?;
    let mut m = Map::new();
    m.insert("scheme".into(), Value::string(u.scheme.clone()));
    m.insert("host".into(), Value::string(u.host.clone()));
    m.insert("hostname".into(), Value::string(u.hostname()));
    m.insert("path".into(), Value::string(u.path.clone()));
    m.insert("query".into(), Value::string(u.raw_query.clone()));
    m.insert("opaque".into(), Value::string(u.opaque.clone()));
    m.insert("fragment".into(), Value::string(u.fragment.clone()));
    m.insert("userinfo".into(), Value::string(u.userinfo_string().unwrap_or_default()));
    Ok(Value::map(m))
}

/// Sprig `dictGetOrEmpty`: a string entry, "" when absent.
fn dict_get(m: &Map, key: &str) -> Result<String, String> {
    match m.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(v) => {
            if v.is_nil() {
                return Err("runtime error: invalid memory address or nil pointer dereference".into());
            }
            Err(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                v.kind_name()
            ))
        }
    }
}

pub fn url_join(a: &[Value]) -> FuncResult {
    let m = arg_map(a, 0).map(|m| m.borrow().clone()).unwrap_or_default();
    let get = |k: &str| dict_get(&m, k).map_err(call_err);
    let mut u = Url {
        scheme: get("scheme")?,
        host: get("host")?,
        path: get("path")?,
        raw_query: get("query")?,
        opaque: get("opaque")?,
        fragment: get("fragment")?,
        ..Url::default()
    };
    let userinfo = get("userinfo")?;
    if !userinfo.is_empty() {
        let tmp = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| call_err(format!("unable to parse userinfo in dict: {e}")))?;
        u.user = tmp.user;
    }
    Ok(Value::string(u.to_go_string()))
}

#[cfg(test)]
mod tests {
    use super::super::lookup;
    use super::*;
    use crate::engine::gofmt::sprint_value;

    #[test]
    fn url_parse_matches_sprig_tests() {
        // url_test.go TestUrlParse
        let out = lookup("urlParse").unwrap()(&[Value::str("https://user:pass@host:80/path?query#fragment")]).unwrap();
        assert_eq!(
            sprint_value(&out),
            "map[fragment:fragment host:host:80 hostname:host opaque: path:/path query:query scheme:https userinfo:user:pass]"
        );
        let out = lookup("urlParse").unwrap()(&[Value::str("mailto:someone@example.com")]).unwrap();
        assert_eq!(
            sprint_value(&out),
            "map[fragment: host: hostname: opaque:someone@example.com path: query: scheme:mailto userinfo:]"
        );
    }

    #[test]
    fn url_join_matches_sprig_tests() {
        // url_test.go TestUrlJoin
        let d = |pairs: &[(&str, &str)]| {
            Value::map(pairs.iter().map(|(k, v)| (k.to_string(), Value::str(v))).collect())
        };
        let join = |v: Value| sprint_value(&lookup("urlJoin").unwrap()(&[v]).unwrap());
        assert_eq!(
            join(d(&[("fragment", "fragment"), ("host", "host:80"), ("path", "/path"), ("query", "query"), ("scheme", "http")])),
            "http://host:80/path?query#fragment"
        );
        assert_eq!(join(d(&[("host", "host:80"), ("path", "path"), ("scheme", "https"), ("userinfo", "user:pass")])), "https://user:pass@host:80/path");
        assert_eq!(join(d(&[("scheme", "mailto"), ("opaque", "someone@example.com")])), "mailto:someone@example.com");
        assert_eq!(join(d(&[("path", "a:b")])), "./a:b");
    }
}
