//! The `--set` family's `name=value` grammar, ported from Helm's
//! pkg/strvals (parser.go, literal_parser.go): dotted keys, `a[0]` list
//! indexes, `{a,b}` lists, `\` escapes, typed values (`true`, `null`, int64
//! only for plain decimal integers not starting with 0), `--set-string`
//! (strings only), `--set-file` (values read by a callback), `--set-json`
//! (JSON values, numbers float64) and `--set-literal` (the whole rest is one
//! string). Errors carry Helm's texts.

use serde_json::{Map, Number, Value};

use crate::engine::gofmt::strconv::quote;

/// Helm's `MaxIndex`: the largest list index `--set` accepts.
pub const MAX_INDEX: usize = 65536;
/// Helm's `MaxNestedNameLevel`: the deepest dotted name `--set` accepts.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Parser errors: `Eof` and `NotList` steer the parser; `Msg` is Helm's text.
#[derive(Debug, Clone, PartialEq)]
enum PErr {
    Eof,
    NotList,
    Msg(String),
}

impl PErr {
    fn text(&self) -> String {
        match self {
            PErr::Eof => "EOF".into(),
            PErr::NotList => "not a list".into(),
            PErr::Msg(m) => m.clone(),
        }
    }
}

type PResult<T> = Result<T, PErr>;

fn msg(s: impl Into<String>) -> PErr {
    PErr::Msg(s.into())
}

/// Reads a value's runes into a value (typed conversion, file read, ...).
pub type ValueReader<'a> = dyn FnMut(&str) -> Result<Value, String> + 'a;

enum Mode<'a> {
    /// `--set` (typed) or `--set-string` (strings only).
    Typed { strings: bool },
    /// `--set-file`: the value is handed to a reader.
    File(&'a mut ValueReader<'a>),
    /// `--set-json`.
    Json,
}

struct Parser<'s, 'a> {
    src: &'s str,
    pos: usize,
    mode: Mode<'a>,
}

/// Go's `strconv.Atoi` error texts.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

/// Helm's `typedVal`.
pub fn typed_val(v: &str, strings: bool) -> Value {
    if strings {
        return Value::String(v.to_string());
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if v == "0" {
        return Value::from(0i64);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = v.parse::<i64>() {
                return Value::from(i);
            }
        }
    }
    Value::String(v.to_string())
}

/// Go's panic text for a failed `x.(T)` on decoded data.
fn conversion_panic(v: &Value, want: &str) -> PErr {
    let got = match v {
        Value::Null => "nil",
        other => crate::chart::gostr::type_name(other),
    };
    msg(format!("unable to parse key: interface conversion: interface {{}} is {got}, not {want}"))
}

/// Every JSON number as Go's float64, as encoding/json decodes into `any`.
fn json_numbers_to_f64(v: Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => {
            Number::from_f64(n.as_f64().unwrap_or(0.0)).map(Value::Number).unwrap_or(Value::Null)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(json_numbers_to_f64).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, json_numbers_to_f64(v))).collect()),
        other => other,
    }
}

fn set(data: &mut Map<String, Value>, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), val);
    }
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> (Vec<Value>, PResult<()>) {
    if index < 0 {
        return (list, Err(msg(format!("negative {index} index not allowed"))));
    }
    if index as usize > MAX_INDEX {
        return (
            list,
            Err(msg(format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"))),
        );
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = val;
    (list, Ok(()))
}

impl<'s, 'a> Parser<'s, 'a> {
    fn read(&mut self) -> Option<char> {
        let c = self.src[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn unread(&mut self, c: char) {
        self.pos -= c.len_utf8();
    }

    /// Go's `runesUntil`: runes up to a stop rune, `\` escaping the next.
    fn runes_until(&mut self, stop: &[char], escapes: bool) -> (String, Option<char>, PResult<()>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None, Err(PErr::Eof)),
                Some(r) if stop.contains(&r) => return (v, Some(r), Ok(())),
                Some('\\') if escapes => match self.read() {
                    None => return (v, None, Err(PErr::Eof)),
                    Some(next) => v.push(next),
                },
                Some(r) => v.push(r),
            }
        }
    }

    fn parse(&mut self, data: &mut Map<String, Value>) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(PErr::Eof) => return Ok(()),
                Err(e) => return Err(e.text()),
            }
        }
    }

    fn read_value(&mut self, rs: &str) -> Result<Value, PErr> {
        match &mut self.mode {
            Mode::Typed { strings } => Ok(typed_val(rs, *strings)),
            Mode::File(reader) => reader(rs).map_err(PErr::Msg),
            Mode::Json => Ok(Value::String(rs.to_string())),
        }
    }

    /// Decode one JSON value at the current position (Go's json.Decoder
    /// over the rest of the input), then skip blanks and a comma.
    fn json_value(&mut self) -> PResult<Value> {
        let rest = &self.src[self.pos..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let v = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(msg(e.to_string())),
            None => return Err(PErr::Eof),
        };
        self.pos += stream.byte_offset();
        Ok(json_numbers_to_f64(v))
    }

    /// Go's `emptyVal`: consume spaces up to a comma or the end (empty) or
    /// stop before anything else (not empty).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(r) if r.is_whitespace() => continue,
                Some(r) => {
                    self.unread(r);
                    return false;
                }
            }
        }
    }

    fn key(&mut self, data: &mut Map<String, Value>, mut nested: usize) -> PResult<()> {
        let (k, last, err) = self.runes_until(&['=', '[', ',', '.'], true);
        if let Err(e) = err {
            if k.is_empty() {
                return Err(e);
            }
            return Err(msg(format!("key {} has no value", quote(&k))));
        }
        match last {
            Some('[') => {
                let i = self.key_index().map_err(|e| msg(format!("error parsing index: {}", e.text())))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::Array(l)) => l.clone(),
                    Some(other) => return Err(conversion_panic(other, "[]interface {}")),
                };
                let (list, r) = self.list_item(list, i, nested);
                set(data, &k, Value::Array(list));
                r
            }
            Some('=') => {
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        set(data, &k, Value::Null);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::Array(vl));
                        Ok(())
                    }
                    Err(PErr::Eof) => {
                        set(data, &k, Value::String(String::new()));
                        Err(PErr::Eof)
                    }
                    Err(PErr::NotList) => {
                        let (rs, e) = self.val();
                        if let Err(e) = e {
                            if e != PErr::Eof {
                                return Err(e);
                            }
                        }
                        let v = self.read_value(&rs);
                        match v {
                            Ok(v) => {
                                set(data, &k, v);
                                Ok(())
                            }
                            Err(e) => {
                                set(data, &k, Value::Null);
                                Err(e)
                            }
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            Some(',') => {
                set(data, &k, Value::String(String::new()));
                Err(msg(format!("key {} has no value (cannot end with ,)", quote(&k))))
            }
            Some('.') => {
                nested += 1;
                nested_map_key(data, &k, nested, |inner| self.key(inner, nested))
            }
            _ => Err(PErr::Eof),
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, _, err) = self.runes_until(&[']'], true);
        err?;
        atoi(&v).map_err(PErr::Msg)
    }

    fn list_item(&mut self, mut list: Vec<Value>, i: i64, nested: usize) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (list, Err(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last, err) = self.runes_until(&['[', '.', '='], true);
        if !k.is_empty() {
            return (list, Err(msg(format!("unexpected data at end of array index: {}", quote(&k)))));
        }
        if let Err(e) = err {
            return (list, Err(e));
        }
        match last {
            Some('=') => {
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        return set_index(list, i, Value::Null);
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    let (list, r) = set_index(list, i, v);
                    if r.is_err() {
                        return (list, r);
                    }
                    self.empty_val();
                    return (list, Ok(()));
                }
                match self.val_list() {
                    Ok(vl) => set_index(list, i, Value::Array(vl)),
                    Err(PErr::Eof) => set_index(list, i, Value::String(String::new())),
                    Err(PErr::NotList) => {
                        let (rs, e) = self.val();
                        if let Err(e) = e {
                            if e != PErr::Eof {
                                return (list, Err(e));
                            }
                        }
                        match self.read_value(&rs) {
                            Ok(v) => set_index(list, i, v),
                            Err(e) => (list, Err(e)),
                        }
                    }
                    Err(e) => (list, Err(e)),
                }
            }
            Some('[') => {
                let next_i = self.key_index();
                nested_list_item(list, i, next_i, |crt, next_i| self.list_item(crt, next_i, nested))
            }
            Some('.') => {
                let mut inner = Map::new();
                if (i as usize) < list.len() {
                    match &mut list[i as usize] {
                        Value::Object(m) => inner = std::mem::take(m),
                        // Indices out of order: start a fresh map there.
                        slot => *slot = Value::Object(Map::new()),
                    }
                }
                let e = self.key(&mut inner, nested);
                if let Err(e) = e {
                    if (i as usize) < list.len() {
                        list[i as usize] = Value::Object(inner);
                    }
                    return (list, Err(e));
                }
                set_index(list, i, Value::Object(inner))
            }
            other => (Vec::new(), Err(msg(format!("parse error: unexpected token {}", other.map(|c| c as u32).unwrap_or(0))))),
        }
    }

    fn val(&mut self) -> (String, PResult<()>) {
        let (v, _, e) = self.runes_until(&[','], true);
        (v, e)
    }

    fn val_list(&mut self) -> PResult<Vec<Value>> {
        let Some(r) = self.read() else { return Err(PErr::Eof) };
        if r != '{' {
            self.unread(r);
            return Err(PErr::NotList);
        }
        let mut list = Vec::new();
        loop {
            let (rs, last, err) = self.runes_until(&[',', '}'], true);
            if let Err(e) = err {
                return Err(if e == PErr::Eof { msg("list must terminate with '}'") } else { e });
            }
            match last {
                Some('}') => {
                    if let Some(r) = self.read() {
                        if r != ',' {
                            self.unread(r);
                        }
                    }
                    let v = self.read_value(&rs)?;
                    list.push(v);
                    return Ok(list);
                }
                _ => {
                    let v = self.read_value(&rs)?;
                    list.push(v);
                }
            }
        }
    }
}

/// Helm's `strvals.ParseInto` (`--set`): typed values merged into `dest`.
pub fn parse_into(s: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    Parser { src: s, pos: 0, mode: Mode::Typed { strings: false } }.parse(dest)
}

/// Helm's `strvals.ParseIntoString` (`--set-string`).
pub fn parse_into_string(s: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    Parser { src: s, pos: 0, mode: Mode::Typed { strings: true } }.parse(dest)
}

/// Helm's `strvals.ParseIntoFile` (`--set-file`): `reader` turns each
/// value (a path) into the value to set.
pub fn parse_into_file<'a>(
    s: &str,
    dest: &mut Map<String, Value>,
    reader: &'a mut ValueReader<'a>,
) -> Result<(), String> {
    Parser { src: s, pos: 0, mode: Mode::File(reader) }.parse(dest)
}

/// Helm's `strvals.ParseJSON` (`--set-json` in `key=json` form).
pub fn parse_json(s: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    Parser { src: s, pos: 0, mode: Mode::Json }.parse(dest)
}

/// Helm's `strvals.Parse`: a fresh map.
pub fn parse(s: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    parse_into(s, &mut m).map(|()| m)
}

/// Helm's `strvals.ParseString`: a fresh map of strings.
pub fn parse_string(s: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    parse_into_string(s, &mut m).map(|()| m)
}

// ---- --set-literal (literal_parser.go) ----

struct LiteralParser<'s> {
    src: &'s str,
    pos: usize,
}

impl LiteralParser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.src[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Go's `runesUntilLiteral`: no escapes.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>, PResult<()>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None, Err(PErr::Eof)),
                Some(r) if stop.contains(&r) => return (v, Some(r), Ok(())),
                Some(r) => v.push(r),
            }
        }
    }

    fn parse(&mut self, data: &mut Map<String, Value>) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(PErr::Eof) => return Ok(()),
                Err(e) => return Err(e.text()),
            }
        }
    }

    fn val(&mut self) -> String {
        let (v, _, _) = self.runes_until(&[]);
        v
    }

    fn key(&mut self, data: &mut Map<String, Value>, mut nested: usize) -> PResult<()> {
        let (k, last, err) = self.runes_until(&['=', '[', '.']);
        if let Err(e) = err {
            if k.is_empty() {
                return Err(e);
            }
            return Err(msg(format!("key {} has no value", quote(&k))));
        }
        match last {
            Some('=') => {
                let v = self.val();
                set(data, &k, Value::String(v));
                Ok(())
            }
            Some('.') => {
                nested += 1;
                nested_map_key(data, &k, nested, |inner| self.key(inner, nested))
            }
            Some('[') => {
                let i = self.key_index().map_err(|e| msg(format!("error parsing index: {}", e.text())))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::Array(l)) => l.clone(),
                    Some(other) => return Err(conversion_panic(other, "[]interface {}")),
                };
                let (list, r) = self.list_item(list, i, nested);
                set(data, &k, Value::Array(list));
                r
            }
            _ => Err(PErr::Eof),
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, _, err) = self.runes_until(&[']']);
        err?;
        atoi(&v).map_err(PErr::Msg)
    }

    fn list_item(&mut self, mut list: Vec<Value>, i: i64, nested: usize) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (list, Err(msg(format!("negative {i} index not allowed"))));
        }
        let (k, last, err) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (list, Err(msg(format!("unexpected data at end of array index: {}", quote(&k)))));
        }
        if let Err(e) = err {
            return (list, Err(e));
        }
        match last {
            Some('=') => {
                let v = self.val();
                set_index(list, i, Value::String(v))
            }
            Some('.') => {
                let mut inner = Map::new();
                if (i as usize) < list.len() {
                    match &mut list[i as usize] {
                        Value::Object(m) => inner = std::mem::take(m),
                        slot => *slot = Value::Object(Map::new()),
                    }
                }
                if let Err(e) = self.key(&mut inner, nested) {
                    if (i as usize) < list.len() {
                        list[i as usize] = Value::Object(inner);
                    }
                    return (list, Err(e));
                }
                set_index(list, i, Value::Object(inner))
            }
            Some('[') => {
                let next_i = self.key_index();
                nested_list_item(list, i, next_i, |crt, next_i| self.list_item(crt, next_i, nested))
            }
            other => (Vec::new(), Err(msg(format!("parse error: unexpected token {}", other.map(|c| c as u32).unwrap_or(0))))),
        }
    }
}

/// Helm's `strvals.ParseLiteralInto` (`--set-literal`): the value is the
/// rest of the string, verbatim.
pub fn parse_literal_into(s: &str, dest: &mut Map<String, Value>) -> Result<(), String> {
    LiteralParser { src: s, pos: 0 }.parse(dest)
}

/// Helm's `strvals.ParseLiteral`.
pub fn parse_literal(s: &str) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    parse_literal_into(s, &mut m).map(|()| m)
}

/// The `[` step of both parsers' list_item() (Helm parser.go and
/// literal_parser.go): with the index just read, parse the rest into the list
/// at `list[i]`, created if missing.
fn nested_list_item(
    list: Vec<Value>,
    i: i64,
    next_i: PResult<i64>,
    parse_rest: impl FnOnce(Vec<Value>, i64) -> (Vec<Value>, PResult<()>),
) -> (Vec<Value>, PResult<()>) {
    let next_i = match next_i {
        Ok(n) => n,
        Err(e) => return (list, Err(msg(format!("error parsing index: {}", e.text())))),
    };
    let mut crt = Vec::new();
    if (i as usize) < list.len() {
        match &list[i as usize] {
            Value::Null => {}
            Value::Array(l) => crt = l.clone(),
            other => {
                let e = conversion_panic(other, "[]interface {}");
                return (list, Err(e));
            }
        }
    }
    let (list2, r) = parse_rest(crt, next_i);
    if r.is_err() {
        return (list, r);
    }
    set_index(list, i, Value::Array(list2))
}

/// The `.` step of both parsers' key() (Helm parser.go and
/// literal_parser.go): parse the rest of the key into the map at `k`,
/// created if missing.
fn nested_map_key(
    data: &mut Map<String, Value>,
    k: &str,
    nested: usize,
    parse_rest: impl FnOnce(&mut Map<String, Value>) -> PResult<()>,
) -> PResult<()> {
    if nested > MAX_NESTED_NAME_LEVEL {
        return Err(msg(format!(
            "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
        )));
    }
    let (mut inner, existed) = match data.get_mut(k) {
        None => (Map::new(), false),
        Some(Value::Object(m)) => (std::mem::take(m), true),
        Some(other) => return Err(conversion_panic(other, "map[string]interface {}")),
    };
    let e = parse_rest(&mut inner);
    let empty = inner.is_empty();
    // Go mutates the map in place; put it back where it was.
    if !empty || existed {
        set(data, k, Value::Object(inner));
    }
    match e {
        Ok(()) if empty => Err(msg(format!("key map {} has no value", quote(k)))),
        other => other,
    }
}

#[cfg(test)]
mod tests;
