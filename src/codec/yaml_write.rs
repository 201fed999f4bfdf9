//! Writing YAML byte-for-byte like Helm's toYaml (sigs.k8s.io/yaml.Marshal:
//! encoding/json, then go-yaml v2's emitter).
//!
//! The pipeline: the value is written as JSON (encoding/json), that JSON is
//! read back by go-yaml v2 (so numbers become int, uint64 or float64 by YAML
//! resolution), and go-yaml v2 marshals the result. The emitter below is a
//! port of the parts of go-yaml v2's encode.go, emitterc.go and sorter.go
//! that such data reaches: block mappings with naturally sorted keys,
//! indentless sequences under keys, `{}`/`[]` for empty collections, and
//! go-yaml's scalar style choice and line folding at 80 columns.

use serde_json::Value as Json;

use super::yaml_read::{resolves_to_string, YamlError};

/// What sigs.k8s.io/yaml.Marshal writes for `v` (with the final newline).
/// Helm's toYaml swallows marshal errors and prints nothing, so an error
/// (see [`try_to_yaml`]) gives an empty string here.
pub fn to_yaml(v: &serde_json::Value) -> String {
    try_to_yaml(v).unwrap_or_default()
}

/// sigs.k8s.io/yaml.Marshal, with its error (mustToYaml's panic text).
/// Errors come from go-yaml reading the JSON back: characters YAML does
/// not allow in a document (U+007F, C1 controls except U+0085, U+FFFE/U+FFFF).
pub fn try_to_yaml(v: &Json) -> Result<String, YamlError> {
    let node = json_to_yaml_node(v)?;
    let mut e = Emitter::new();
    e.emit_node(&node, true, false, false, false);
    // Document end: go-yaml ends the document with a line break.
    e.write_indent();
    Ok(e.out)
}

/// What Helm's toYamlPretty writes (go-yaml v3 Encoder with SetIndent(2),
/// final newline kept): the value is encoded directly, not through JSON, so
/// float64 `1e6` prints `1e+06` and integers stay integers; sequences under
/// a key are indented and long strings are not folded.
pub fn to_yaml_pretty(v: &Json) -> String {
    try_to_yaml_pretty(v).unwrap_or_default()
}

/// [`to_yaml_pretty`] with go-yaml v3's error.
pub fn try_to_yaml_pretty(v: &Json) -> Result<String, YamlError> {
    let node = direct_node(v);
    let mut e = Emitter::new();
    e.v3 = true;
    e.best_width = usize::MAX;
    e.emit_node(&node, true, false, false, false);
    e.write_indent();
    Ok(e.out)
}

/// A value encoded as is (go-yaml v3 marshals Go values directly).
fn direct_node(v: &Json) -> Node {
    match v {
        Json::Null => Node::Null,
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Node::Int(i)
            } else if let Some(u) = n.as_u64() {
                Node::Uint(u)
            } else {
                Node::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Json::String(s) => Node::Str(s.clone()),
        Json::Array(items) => Node::Seq(items.iter().map(direct_node).collect()),
        Json::Object(map) => {
            let mut entries: Vec<(String, Node)> = map.iter().map(|(k, x)| (k.clone(), direct_node(x))).collect();
            sort_keys(&mut entries);
            Node::Map(entries)
        }
    }
}

/// A value as go-yaml v2 holds it after reading encoding/json's output.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys already in go-yaml's sort order.
    Map(Vec<(String, Node)>),
}

/// JSONToYAML's yaml.Unmarshal of json.Marshal's text, done on the value:
/// numbers are resolved from their JSON spelling, strings are read the way
/// a double-quoted YAML scalar is.
fn json_to_yaml_node(v: &Json) -> Result<Node, YamlError> {
    Ok(match v {
        Json::Null => Node::Null,
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(_) => {
            let text = super::json::to_json(v);
            match super::yaml_read::resolve_plain_number(&text) {
                Some(n) => n.into(),
                None => Node::Str(text),
            }
        }
        Json::String(s) => Node::Str(read_back_string(s)?),
        Json::Array(items) => Node::Seq(items.iter().map(json_to_yaml_node).collect::<Result<_, _>>()?),
        Json::Object(map) => {
            let mut entries = Vec::with_capacity(map.len());
            for (k, x) in map {
                entries.push((read_back_string(k)?, json_to_yaml_node(x)?));
            }
            sort_keys(&mut entries);
            Node::Map(entries)
        }
    })
}

impl From<super::yaml_read::PlainNumber> for Node {
    fn from(n: super::yaml_read::PlainNumber) -> Node {
        use super::yaml_read::PlainNumber as P;
        match n {
            P::Int(i) => Node::Int(i),
            P::Uint(u) => Node::Uint(u),
            P::Float(f) => Node::Float(f),
        }
    }
}

/// A JSON string as go-yaml reads it back from a double-quoted scalar.
/// encoding/json escapes every control and line-separator character except
/// U+0085 (NEL), which YAML treats as a line break and folds like one;
/// characters YAML forbids make the read fail.
fn read_back_string(s: &str) -> Result<String, YamlError> {
    if let Some(c) = s.chars().find(|&c| !yaml_allowed_char(c)) {
        let _ = c;
        return Err(YamlError {
            message: "yaml: control characters are not allowed".into(),
            line: None,
        });
    }
    if !s.contains('\u{85}') {
        return Ok(s.to_string());
    }
    Ok(fold_nel(s))
}

/// libyaml's reader check (readerc.go): tab, LF, CR, printable ASCII, NEL,
/// U+00A0..U+D7FF, U+E000..U+FFFD, U+10000.. — for the characters
/// encoding/json leaves raw (it escapes everything below U+0020).
fn yaml_allowed_char(c: char) -> bool {
    let v = c as u32;
    v < 0x20
        || (0x20..=0x7E).contains(&v)
        || v == 0x85
        || (0xA0..=0xD7FF).contains(&v)
        || (0xE000..=0xFFFD).contains(&v)
        || v >= 0x10000
}

/// Double-quoted scalar line folding (scannerc.go yaml_parser_scan_flow_scalar)
/// applied to raw NEL breaks: spaces around a break vanish, a single break
/// becomes one space, n > 1 breaks become n-1 newlines.
fn fold_nel(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{85}' {
            // A run of blanks and breaks.
            let start = i;
            let mut breaks = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
                if chars[i] == '\u{85}' {
                    breaks += 1;
                }
                i += 1;
            }
            if breaks == 0 {
                out.extend(&chars[start..i]);
            } else if breaks == 1 {
                out.push(' ');
            } else {
                for _ in 1..breaks {
                    out.push('\n');
                }
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// go-yaml v2 sorter.go keyList.Less for string keys: runs of digits
/// compare as numbers, letters sort before other characters.
fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    // Go's unicode.IsLetter/IsDigit; Rust's alphabetic/numeric classes
    // agree on everything but rare non-ASCII letters and digits.
    let is_letter = |c: char| c.is_alphabetic();
    let is_digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
    let digit_val = |c: char| (c as i64) - ('0' as i64);
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i as isize - 1;
            while j >= 0 && is_digit(ar[j as usize]) {
                if ar[j as usize] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
                j -= 1;
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_val(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_val(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Sort map entries by [`key_less`] with a merge sort that only asks
/// "less?" (the natural order is total on distinct strings, but a sort that
/// checks for total order must never panic on odd keys).
fn sort_keys(entries: &mut Vec<(String, Node)>) {
    if entries.len() < 2 {
        return;
    }
    let mut items: Vec<(String, Node)> = std::mem::take(entries);
    let mid = items.len() / 2;
    let mut right = items.split_off(mid);
    let mut left = items;
    sort_keys(&mut left);
    sort_keys(&mut right);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => {
                if key_less(&b.0, &a.0) {
                    out.push(r.next().expect("peeked"));
                } else {
                    out.push(l.next().expect("peeked"));
                }
            }
            (Some(_), None) => out.push(l.next().expect("peeked")),
            (None, Some(_)) => out.push(r.next().expect("peeked")),
            (None, None) => break,
        }
    }
    *entries = out;
}

/// encode.go isBase60Float: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if b[i] == b'+' || b[i] == b'-' {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        match i - st {
            1 => {}
            2 if b[st] <= b'5' => {}
            2 => {
                // Only one digit can be taken: backtrack like the regexp would.
                i = st + 1;
            }
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// emitterc.go yaml_emitter_analyze_scalar's findings.
#[derive(Debug, Clone, Copy)]
struct ScalarAnalysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// UTF-8 sequence length from the lead byte (yamlprivateh.go width).
fn width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        0
    }
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// yamlprivateh.go is_printable (byte-wise, as go-yaml does it: characters
/// beyond U+FFFF are not "printable" and get escaped).
fn is_printable(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && at(b, i + 1) >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && at(b, i + 1) < 0xA0)
        || c == 0xEE
        || (c == 0xEF
            && !(at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF)
            && !(at(b, i + 1) == 0xBF && (at(b, i + 2) == 0xBE || at(b, i + 2) == 0xBF)))
}

fn is_space(b: &[u8], i: usize) -> bool {
    at(b, i) == b' '
}

fn is_blank(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == b' ' || c == b'\t'
}

fn is_break(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == b'\r'
        || c == b'\n'
        || (c == 0xC2 && at(b, i + 1) == 0x85)
        || (c == 0xE2 && at(b, i + 1) == 0x80 && (at(b, i + 2) == 0xA8 || at(b, i + 2) == 0xA9))
}

fn is_blankz(b: &[u8], i: usize) -> bool {
    is_blank(b, i) || is_break(b, i) || i >= b.len() || at(b, i) == 0
}

/// yamlprivateh.go is_bom — which looks at the start of the value whatever
/// `i` is, so a value starting with a BOM gets every character escaped.
fn is_bom(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
}

fn analyze_scalar(value: &str) -> ScalarAnalysis {
    analyze_scalar_for(value, false)
}

/// go-yaml v3 no longer counts a tab as special: it only rules out the
/// plain and single-quoted styles, so text with tabs and newlines can still
/// be a literal block (checked against helm's toYamlPretty).
fn analyze_scalar_for(value: &str, v3: bool) -> ScalarAnalysis {
    let b = value.as_bytes();
    if b.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;
    let mut tab_characters = false;

    if b.starts_with(b"---") || b.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < b.len() {
        let w = width(b[i]).max(1);
        let followed_by_whitespace = i + w >= b.len() || is_blank(b, i + w);
        if i == 0 {
            match b[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%'
                | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'-' => {
                    if followed_by_whitespace {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                }
                _ => {}
            }
        } else {
            match b[i] {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'#' => {
                    if preceded_by_whitespace {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                }
                _ => {}
            }
        }
        // The emitter runs with unicode on: only non-printables are special.
        if v3 && b[i] == b'\t' {
            tab_characters = true;
        } else if !is_printable(b, i) {
            special_characters = true;
        }
        if is_space(b, i) {
            if i == 0 {
                leading_space = true;
            }
            if i + w == b.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(b, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == b.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(b, i);
        i += w;
    }
    let mut a = ScalarAnalysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if tab_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// A scalar ready to emit: its text and the style encode.go asked for.
struct Scalar {
    text: String,
    requested: Style,
}

/// encode.go: how each value becomes a scalar event.
fn scalar_of(node: &Node) -> Option<Scalar> {
    let plain = |text: String| Some(Scalar { text, requested: Style::Plain });
    match node {
        Node::Null => plain("null".into()),
        Node::Bool(b) => plain(b.to_string()),
        Node::Int(i) => plain(i.to_string()),
        Node::Uint(u) => plain(u.to_string()),
        Node::Float(f) => plain(match crate::engine::gofmt::format_float_g(*f).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        }),
        Node::Str(s) => Some(string_scalar(s)),
        Node::Seq(_) | Node::Map(_) => None,
    }
}

/// encode.go stringv: a literal block for text with a newline, plain when
/// the text would read back as this same string, else double-quoted.
fn string_scalar(s: &str) -> Scalar {
    let can_use_plain = resolves_to_string(s) && !is_base60_float(s);
    let requested = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Scalar { text: s.to_string(), requested }
}

/// The emitter state go-yaml v2 keeps (yamlh.go yaml_emitter_t), for the
/// block-style output Marshal produces.
struct Emitter {
    out: String,
    best_indent: i64,
    best_width: usize,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    column: usize,
    whitespace: bool,
    indention: bool,
    root_context: bool,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    /// go-yaml v3 layout: block sequences under a mapping key are indented.
    v3: bool,
}

impl Emitter {
    fn new() -> Emitter {
        // yaml_emitter_emit_stream_start defaults: indent 2, width 80.
        Emitter {
            out: String::new(),
            best_indent: 2,
            best_width: 80,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            column: 0,
            whitespace: true,
            indention: true,
            root_context: false,
            sequence_context: false,
            mapping_context: false,
            simple_key_context: false,
            v3: false,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.write_char(c);
        }
    }

    /// write_break: '\n' through put_break, other breaks written as is.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.write_char(c);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.write_str(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// yaml_emitter_emit_node: remember the context, then the node.
    fn emit_node(&mut self, node: &Node, root: bool, sequence: bool, mapping: bool, simple_key: bool) {
        self.root_context = root;
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Seq(items) => self.emit_sequence(items),
            Node::Map(entries) => self.emit_mapping(entries),
            scalar => {
                let s = scalar_of(scalar).expect("scalar node");
                self.emit_scalar(&s);
            }
        }
    }

    /// An empty collection is written in flow style: ` []` / ` {}`.
    fn emit_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn emit_sequence(&mut self, items: &[Node]) {
        if self.flow_level > 0 || items.is_empty() {
            self.emit_empty_flow("[", "]");
            return;
        }
        // go-yaml v2: under a mapping key the `- ` items stay at the key's
        // indentation; v3 indents them like any other block.
        let indentless = !self.v3 && self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, false, true, false, false);
        }
        self.pop_indent();
    }

    fn emit_mapping(&mut self, entries: &[(String, Node)]) {
        if self.flow_level > 0 || entries.is_empty() {
            self.emit_empty_flow("{", "}");
            return;
        }
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let key_node = Node::Str(key.clone());
            if check_simple_key(key) {
                self.emit_node(&key_node, false, false, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(&key_node, false, false, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, false, false, true, false);
        }
        self.pop_indent();
    }

    /// yaml_emitter_select_scalar_style for untagged, implicit scalars.
    fn select_style(&self, requested: Style, text: &str, a: &ScalarAnalysis) -> Style {
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed) || (self.flow_level == 0 && !a.block_plain_allowed) {
                style = Style::SingleQuoted;
            }
            if text.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context) {
            style = Style::DoubleQuoted;
        }
        style
    }

    fn emit_scalar(&mut self, s: &Scalar) {
        let analysis = analyze_scalar_for(&s.text, self.v3);
        let style = self.select_style(s.requested, &s.text, &analysis);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(&s.text, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(&s.text, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(&s.text, allow_breaks),
            Style::Literal => self.write_literal(&s.text),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let b = value.as_bytes();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        for c in value.chars() {
            let w = c.len_utf8();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && !is_space(b, i + 1) {
                    self.write_indent();
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_char(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += w;
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let b = value.as_bytes();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        for c in value.chars() {
            let w = c.len_utf8();
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < b.len() - 1
                    && !is_space(b, i + 1)
                {
                    self.write_indent();
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write_char(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += w;
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let b = value.as_bytes();
        let bom = is_bom(b);
        let mut spaces = false;
        let mut i = 0;
        for c in value.chars() {
            let w = c.len_utf8();
            if !is_printable(b, i) || bom || is_break(b, i) || c == '"' || c == '\\' {
                self.put('\\');
                match c as u32 {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0A => self.put('n'),
                    0x0B => self.put('v'),
                    0x0C => self.put('f'),
                    0x0D => self.put('r'),
                    0x1B => self.put('e'),
                    0x22 => self.put('"'),
                    0x5C => self.put('\\'),
                    0x85 => self.put('N'),
                    0xA0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    v => {
                        let (letter, digits) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (k * 4)) & 0xF;
                            self.put(std::char::from_digit(d, 16).expect("hex digit").to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i < b.len() - 1 {
                    self.write_indent();
                    if is_space(b, i + 1) {
                        self.put('\\');
                    }
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
            i += w;
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// yaml_emitter_write_block_scalar_hints: `2` when the text starts with
    /// a space or break, then `-` (no final break), nothing (one) or `+` (more).
    fn write_block_scalar_hints(&mut self, value: &str) {
        let b = value.as_bytes();
        if is_space(b, 0) || is_break(b, 0) {
            let hint = char::from_digit(self.best_indent as u32, 10).expect("indent digit");
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let chomp = if b.is_empty() {
            Some('-')
        } else {
            let mut chars = value.chars().rev();
            let last = chars.next().expect("non-empty");
            if !is_break_char(last) {
                Some('-')
            } else {
                match chars.next() {
                    None => Some('+'),
                    Some(prev) if is_break_char(prev) => Some('+'),
                    Some(_) => None,
                }
            }
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break_char(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_char(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn is_break_char(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// yaml_emitter_check_simple_key for a string key: one line, at most 128 bytes.
fn check_simple_key(key: &str) -> bool {
    !analyze_scalar(key).multiline && key.len() <= 128
}

#[cfg(test)]
mod tests;
