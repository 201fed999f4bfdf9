//! Reading YAML the way Helm does (sigs.k8s.io/yaml over go-yaml v2).
//!
//! The pipeline copied from sigs.k8s.io/yaml.Unmarshal into `interface{}`:
//! go-yaml v2 parses (YAML 1.1 scalar resolution, merge keys, aliases), the
//! result is made JSON-able (map keys stringified), written as JSON and read
//! back, so every number ends as a float64. Scanning and parsing use
//! `libyaml-safer` (libyaml, which go-yaml v2 is a port of), so syntax errors
//! carry go-yaml's problem texts and line numbers; node building, scalar
//! resolution and decoding are ported from go-yaml v2 (decode.go, resolve.go).

use std::collections::{BTreeMap, HashMap, HashSet};

use libyaml_safer::{ErrorKind, EventData, Parser};
use serde_json::Value as Json;

mod fast;

/// A YAML document that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// go-yaml's text, e.g. `yaml: line 11: could not find expected ':'`.
    /// Conversion problems after parsing carry sigs.k8s.io/yaml's or
    /// encoding/json's text (`json: unsupported value: NaN`). Helm's callers
    /// wrap it in `error converting YAML to JSON: `.
    pub message: String,
    pub line: Option<usize>,
}

impl YamlError {
    fn new(message: impl Into<String>) -> YamlError {
        YamlError { message: message.into(), line: None }
    }

    /// go-yaml's `failf`: every message starts with `yaml: `.
    fn yaml(message: impl AsRef<str>) -> YamlError {
        YamlError::new(format!("yaml: {}", message.as_ref()))
    }
}

/// go-yaml v2 refuses flow levels and indentation stacks deeper than this
/// (scannerc.go max_flow_level / max_indents); we bound collection nesting.
const MAX_DEPTH: usize = 10000;

/// Parse the first YAML document of `text` as sigs.k8s.io/yaml.Unmarshal into
/// `interface{}` does: every number a float64, keys stringified.
/// An empty stream (or only comments) is `null`.
pub fn from_str(text: &str) -> Result<Json, YamlError> {
    read_keeping(text, fast::Keep::All)
}

/// [`from_str`] for a caller that reads only a manifest's head (Helm's
/// `SimpleHead`): the same errors, and the same values at `apiVersion`,
/// `kind` and `metadata`'s `name`, `namespace` and `annotations`; other
/// values may be left out (the whole document is still read and checked).
pub fn from_str_head(text: &str) -> Result<Json, YamlError> {
    read_keeping(text, fast::Keep::Head)
}

/// The fast reader building what `keep` asks for, else libyaml's reader
/// (which builds everything).
fn read_keeping(text: &str, keep: fast::Keep) -> Result<Json, YamlError> {
    // The fast reader sees the same lines with or without the final line
    // break, so it reads `text` as it is (split manifests lack one: adding
    // it meant copying every document).
    if let Some(value) = fast::read_keeping(text, keep) {
        return Ok(value);
    }
    read_first_document(text)
}

/// For the fuzzer: panics when the fast reader reads `text` differently
/// from the libyaml reader (it may only give up, never differ).
#[doc(hidden)]
pub fn check_fast_reader(text: &str) {
    let fast = fast::read(text);
    if let Some(fast) = &fast {
        let full = read_first_document(text);
        assert_eq!(full.as_ref().ok(), Some(fast), "fast YAML reader differs on {text:?}");
    }
    let head = fast::read_keeping(text, fast::Keep::Head);
    assert_eq!(head.is_some(), fast.is_some(), "the head reader gives up differently on {text:?}");
    if let (Some(head), Some(fast)) = (head, fast) {
        assert_eq!(head_fields(&head), head_fields(&fast), "the head reader differs on {text:?}");
    }
}

/// What a head read must get right: the document's JSON type, and
/// `apiVersion`, `kind` and `metadata`'s type, `name`, `namespace` and
/// `annotations`.
fn head_fields(doc: &Json) -> Vec<Json> {
    let kind = |v: Option<&Json>| match v {
        None => "none",
        Some(Json::Object(_)) => "object",
        Some(Json::Array(_)) => "array",
        Some(_) => "scalar",
    };
    let scalar = |v: Option<&Json>| match v {
        Some(Json::Object(_) | Json::Array(_)) | None => Json::Null,
        Some(v) => v.clone(),
    };
    let meta = doc.get("metadata");
    vec![
        kind(Some(doc)).into(),
        scalar(Some(doc)),
        scalar(doc.get("apiVersion")),
        kind(doc.get("apiVersion")).into(),
        scalar(doc.get("kind")),
        kind(doc.get("kind")).into(),
        kind(meta).into(),
        meta.and_then(|m| m.get("name")).cloned().unwrap_or_default(),
        meta.and_then(|m| m.get("namespace")).cloned().unwrap_or_default(),
        meta.and_then(|m| m.get("annotations")).cloned().unwrap_or_default(),
    ]
}

/// [`from_str`] through libyaml alone.
fn read_first_document(text: &str) -> Result<Json, YamlError> {
    let unbroken = with_final_newline(text);
    let mut reader = DocReader::new(&unbroken, unbroken.len() != text.len());
    match reader.next_document()? {
        Some(doc) => doc.to_json(),
        None => Ok(Json::Null),
    }
}

/// Every document of a multi-document stream, each read as [`from_str`]
/// reads one (go-yaml v2 Decoder.Decode in a loop). An empty stream gives
/// no documents; an empty document (`---` alone) gives `null`.
pub fn from_str_all(text: &str) -> Result<Vec<Json>, YamlError> {
    // A stream of one document (a CRD file, say) the fast reader can read.
    // It reads an empty stream as null, where the stream has no document.
    if let Some(doc) = fast::read(text).filter(|doc| !doc.is_null()) {
        return Ok(vec![doc]);
    }
    let unbroken = with_final_newline(text);
    let mut reader = DocReader::new(&unbroken, unbroken.len() != text.len());
    let mut out = Vec::new();
    while let Some(doc) = reader.next_document()? {
        out.push(doc.to_json()?);
    }
    Ok(out)
}

/// libyaml-safer panics on a block scalar that runs into the end of input
/// without a line break (`a: |\n  x`), which split manifests often do, so
/// the input always ends with one; [`DocReader`] then takes back what that
/// break added to such a scalar.
fn with_final_newline(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_empty() || text.ends_with('\n') {
        std::borrow::Cow::Borrowed(text)
    } else {
        let mut owned = String::with_capacity(text.len() + 1);
        owned.push_str(text);
        owned.push('\n');
        std::borrow::Cow::Owned(owned)
    }
}

/// One parsed node (go-yaml v2 decode.go `node`).
#[derive(Debug)]
enum Node {
    Scalar {
        value: String,
        /// The resolved tag text (`tag:yaml.org,2002:str`, `!foo`), if any.
        tag: Option<String>,
        /// A plain scalar without a tag: its type comes from its text.
        implicit: bool,
    },
    Sequence(Vec<usize>),
    /// Keys and values alternating, in document order.
    Mapping(Vec<usize>),
    Alias { name: String, target: usize },
}

/// The node tree of one document.
struct Document {
    nodes: Vec<Node>,
    root: usize,
}

/// Pulls documents out of a libyaml event stream.
struct DocReader<'a> {
    parser: Parser<&'a [u8]>,
    text: &'a str,
    /// Where the last event ended (to locate an error the parser panics on).
    last_index: usize,
    started: bool,
    done: bool,
    /// `text` ends with a line break the input did not have.
    break_added: bool,
}

impl<'a> DocReader<'a> {
    fn new(text: &'a str, break_added: bool) -> DocReader<'a> {
        let mut parser = Parser::new();
        // go-yaml v2 newParser: empty input is read as a single newline.
        let bytes: &'a [u8] = if text.is_empty() { b"\n" } else { text.as_bytes() };
        parser.set_input(bytes);
        DocReader { parser, text, last_index: 0, started: false, done: false, break_added }
    }

    fn next_event(&mut self) -> Result<libyaml_safer::Event, YamlError> {
        use super::libyaml_guard;
        match libyaml_guard::next_event(&mut self.parser) {
            Some(Ok(ev)) => {
                self.last_index = ev.end_mark.index as usize;
                Ok(ev)
            }
            Some(Err(e)) => Err(convert_parse_error(&e)),
            None => {
                // go-yaml: a scanner error at the comma (line + 1 unless 0).
                self.done = true;
                let line = libyaml_guard::tag_comma_line(self.text, self.last_index);
                let problem = libyaml_guard::TAG_PROBLEM;
                Err(if line != 0 {
                    YamlError { message: format!("yaml: line {}: {problem}", line + 1), line: Some(line + 1) }
                } else {
                    YamlError { message: format!("yaml: {problem}"), line: None }
                })
            }
        }
    }

    /// Takes back from a block scalar that runs to the end of the input
    /// the line break added there (libyaml reads none after the last line:
    /// go-yaml gives "x" for `a: |\n  x`). `start` is its `|` or `>`.
    fn unbreak_block_scalar(&self, value: &mut String, style: libyaml_safer::ScalarStyle, start: usize) {
        use libyaml_safer::ScalarStyle;
        if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) || !value.ends_with('\n') {
            return;
        }
        let indicators = |c: &char| c.is_ascii_digit() || *c == '+' || *c == '-';
        let header: String = self.text[start + 1..].chars().take_while(indicators).collect();
        // Kept breaks lose the missing one. A clipped scalar keeps its one
        // break only if blank lines followed its last line (their breaks
        // are in the input); the input's last line is then blank.
        let original = &self.text[..self.text.len() - 1];
        let last_line = &original[original.rfind('\n').map_or(0, |i| i + 1)..];
        if header.contains('+') || !last_line.trim_matches([' ', '\t', '\r']).is_empty() {
            value.pop();
        }
    }

    /// The next document's node tree, or `None` at the end of the stream.
    fn next_document(&mut self) -> Result<Option<Document>, YamlError> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            let ev = self.next_event()?;
            if !matches!(ev.data, EventData::StreamStart { .. }) {
                return Err(YamlError::yaml("expected STREAM-START"));
            }
        }
        let ev = self.next_event()?;
        match ev.data {
            EventData::StreamEnd => {
                self.done = true;
                return Ok(None);
            }
            EventData::DocumentStart { .. } => {}
            other => return Err(YamlError::yaml(format!("unexpected event {other:?}"))),
        }
        let doc = self.read_node_tree()?;
        let ev = self.next_event()?;
        if !matches!(ev.data, EventData::DocumentEnd { .. }) {
            return Err(YamlError::yaml("expected DOCUMENT-END"));
        }
        Ok(Some(doc))
    }

    /// Build the node tree of one document's content (go-yaml v2 parser.parse),
    /// with an explicit stack so deep nesting cannot overflow ours.
    fn read_node_tree(&mut self) -> Result<Document, YamlError> {
        let mut nodes: Vec<Node> = Vec::new();
        let mut anchors: HashMap<String, usize> = HashMap::new();
        // Open collections (node index); their children are appended as they end.
        let mut open: Vec<usize> = Vec::new();
        loop {
            let ev = self.next_event()?;
            let line = ev.start_mark.line as usize;
            let is_seq = matches!(ev.data, EventData::SequenceStart { .. });
            let finished = match ev.data {
                EventData::Scalar { anchor, tag, mut value, plain_implicit, style, .. } => {
                    if self.break_added && ev.end_mark.index as usize == self.text.len() {
                        self.unbreak_block_scalar(&mut value, style, ev.start_mark.index as usize);
                    }
                    let idx = nodes.len();
                    // go-yaml v2 keeps only `implicit` (libyaml's plain_implicit):
                    // true for an untagged plain scalar or the `!` tag.
                    nodes.push(Node::Scalar { value, tag, implicit: plain_implicit });
                    if let Some(a) = anchor {
                        anchors.insert(a, idx);
                    }
                    Some(idx)
                }
                EventData::Alias { anchor } => {
                    let Some(&target) = anchors.get(&anchor) else {
                        return Err(YamlError::yaml(format!("unknown anchor '{anchor}' referenced")));
                    };
                    nodes.push(Node::Alias { name: anchor, target });
                    Some(nodes.len() - 1)
                }
                EventData::SequenceStart { anchor, .. } | EventData::MappingStart { anchor, .. } => {
                    let idx = nodes.len();
                    nodes.push(if is_seq { Node::Sequence(Vec::new()) } else { Node::Mapping(Vec::new()) });
                    // Registered before the children, so an alias inside refers to
                    // this very node (decode then reports "contains itself").
                    if let Some(a) = anchor {
                        anchors.insert(a, idx);
                    }
                    open.push(idx);
                    if open.len() > MAX_DEPTH {
                        let prefix = if line != 0 { format!("line {}: ", line + 1) } else { String::new() };
                        return Err(YamlError {
                            message: format!("yaml: {prefix}exceeded max depth of {MAX_DEPTH}"),
                            line: (line != 0).then_some(line + 1),
                        });
                    }
                    None
                }
                EventData::SequenceEnd | EventData::MappingEnd => open.pop(),
                EventData::StreamEnd | EventData::StreamStart { .. } | EventData::DocumentStart { .. } | EventData::DocumentEnd { .. } => {
                    return Err(YamlError::yaml("unexpected document boundary inside a document"));
                }
            };
            if let Some(done) = finished {
                match open.last() {
                    Some(&parent) => match &mut nodes[parent] {
                        Node::Sequence(ch) | Node::Mapping(ch) => ch.push(done),
                        _ => unreachable!("only collections are open"),
                    },
                    None => return Ok(Document { nodes, root: done }),
                }
            }
        }
    }
}

impl Document {
    fn to_json(&self) -> Result<Json, YamlError> {
        let mut dec = Decoder {
            doc: self,
            active_aliases: HashSet::new(),
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            depth: 0,
            alias_bytes: 0,
            conversion_error: None,
        };
        let v = dec.decode(self.root)?;
        match dec.conversion_error {
            Some(e) => Err(e),
            None => Ok(v),
        }
    }
}

/// A scalar as go-yaml v2 resolves it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// A `!!merge`-resolved `<<`.
    Merge,
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// The tag go-yaml would report for a resolved value.
fn resolved_tag(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "tag:yaml.org,2002:null",
        Resolved::Bool(_) => "tag:yaml.org,2002:bool",
        Resolved::Int(_) | Resolved::Uint(_) => "tag:yaml.org,2002:int",
        Resolved::Float(_) => "tag:yaml.org,2002:float",
        Resolved::Str(_) => "tag:yaml.org,2002:str",
        Resolved::Merge => "tag:yaml.org,2002:merge",
    }
}

/// go-yaml v2 resolve.go `resolve(tag, in)` for the tags it can resolve
/// (none, !!str, !!bool, !!int, !!float, !!null, !!timestamp).
/// Timestamps come back as the string itself, as decoding into `interface{}` does.
fn resolve(tag: &str, text: &str) -> Result<Resolved, YamlError> {
    let is_str = tag == "tag:yaml.org,2002:str";
    let mut out = Resolved::Str(text.to_string());
    let mut is_timestamp = false;
    if !is_str {
        if let Some(r) = resolve_table(text) {
            out = r;
        } else if let Some(first) = text.bytes().next() {
            match first {
                b'.' => {
                    if let Some(f) = go_parse_float_dot(text) {
                        out = Resolved::Float(f);
                    }
                }
                b'0'..=b'9' | b'+' | b'-' => {
                    if (tag.is_empty() || tag == "tag:yaml.org,2002:timestamp") && looks_like_timestamp(text) {
                        is_timestamp = true;
                    } else {
                        let plain = text.replace('_', "");
                        if let Some(r) = resolve_number(&plain) {
                            out = r;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // The tag check of resolve's deferred function.
    let rtag = if is_timestamp { "tag:yaml.org,2002:timestamp" } else { resolved_tag(&out) };
    if tag.is_empty() || tag == rtag || is_str {
        return Ok(out);
    }
    // go-yaml converts int (not uint64) to float for `!!float`.
    if let (true, Resolved::Int(i)) = (tag == "tag:yaml.org,2002:float", &out) {
        return Ok(Resolved::Float(*i as f64));
    }
    Err(YamlError::yaml(format!(
        "cannot decode {} `{}` as a {}",
        short_tag(rtag),
        text,
        short_tag(tag)
    )))
}

/// go-yaml v2 resolveMap: the fixed words (YAML 1.1 booleans, nulls, .inf, .nan, `<<`).
fn resolve_table(text: &str) -> Option<Resolved> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Resolved::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Resolved::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// strconv.ParseFloat for text starting with '.', as resolve's '.' hint uses it:
/// `.5`, `.5e3`; out-of-range values are an error in Go (so a string here).
/// After a '.', ParseFloat's syntax is `\.[0-9]+([eE][-+]?[0-9]+)?`, the
/// '.' branch of yaml_style_float.
fn go_parse_float_dot(text: &str) -> Option<f64> {
    if !(text.starts_with('.') && yaml_style_float(text)) {
        return None;
    }
    parse_finite(text)
}

/// Rust's float parse with Go's range check (±Inf from finite text is ErrRange).
fn parse_finite(text: &str) -> Option<f64> {
    let f: f64 = text.parse().ok()?;
    f.is_finite().then_some(f)
}

/// resolve.go parseTimestamp: four digits and '-', then one of go-yaml's
/// allowedTimestampFormats must parse with Go's time.Parse.
fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    if !(b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-') {
        return false;
    }
    go_time::parses_as_yaml_timestamp(text)
}

/// The integer and float attempts of resolve's 'D'/'S' hint, on text with
/// underscores removed: ParseInt(base 0), ParseUint(base 0), then YAML-style
/// float, then the `0b`/`-0b` forms.
fn resolve_number(plain: &str) -> Option<Resolved> {
    if let Some(i) = go_parse_int_base0(plain) {
        return Some(Resolved::Int(i));
    }
    if let Some(u) = go_parse_uint_base0(plain) {
        return Some(Resolved::Uint(u));
    }
    if yaml_style_float(plain) {
        if let Some(f) = parse_finite(plain) {
            return Some(Resolved::Float(f));
        }
    }
    // `0b…`/`-0b…` are already covered by ParseInt base 0 (Go ≥ 1.13).
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    } else {
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    }
    i == b.len()
}

/// Go's strconv base-0 prefix handling: (radix, digits).
fn split_radix(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => return (8, &s[1..]),
        }
    }
    (10, s)
}

/// strconv.ParseUint(s, 0, 64) (no sign allowed; underscores already removed).
fn go_parse_uint_base0(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (radix, digits) = split_radix(s);
    if digits.is_empty() {
        // "0" alone is octal with no more digits: zero. "0x" is an error.
        return (s == "0").then_some(0);
    }
    if !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// strconv.ParseInt(s, 0, 64).
fn go_parse_int_base0(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint_base0(rest)?;
    if neg {
        if u <= (i64::MAX as u64) + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// A number as go-yaml v2 resolves a plain scalar: `int`, `uint64` or `float64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PlainNumber {
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// How go-yaml v2 reads a number written by encoding/json (a plain scalar):
/// `None` when it would not be a number.
pub(crate) fn resolve_plain_number(text: &str) -> Option<PlainNumber> {
    match resolve("", text).ok()? {
        Resolved::Int(i) => Some(PlainNumber::Int(i)),
        Resolved::Uint(u) => Some(PlainNumber::Uint(u)),
        Resolved::Float(f) => Some(PlainNumber::Float(f)),
        _ => None,
    }
}

/// Whether go-yaml v2 would read `text`, written plain, back as this same
/// string (resolve gives !!str): encode.go's test before writing plain.
pub(crate) fn resolves_to_string(text: &str) -> bool {
    if looks_like_timestamp(text) {
        return false;
    }
    matches!(resolve("", text), Ok(Resolved::Str(_)))
}

/// A decoded map key before sigs.k8s.io/yaml stringifies it.
enum KeyValue {
    Resolved(Resolved),
    /// A sequence or mapping used as a key (go-yaml: "invalid map key").
    Collection(String),
}

/// go-yaml v2 decoder state for decoding into `interface{}`, producing the
/// JSON-able form directly.
struct Decoder<'d> {
    doc: &'d Document,
    active_aliases: HashSet<usize>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    depth: usize,
    /// Bytes of scalar text decoded through aliases, against
    /// [`crate::limits::Limits::max_yaml_alias_bytes`].
    alias_bytes: u64,
    /// The first sigs.k8s.io/yaml or encoding/json problem; reported only
    /// when go-yaml itself succeeded (those steps run afterwards).
    conversion_error: Option<YamlError>,
}

/// go-yaml v2 decode.go allowedAliasRatio.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Decoder<'_> {
    /// decode.go `unmarshal`: count for the aliasing limit, follow aliases.
    fn enter(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > allowed_alias_ratio(self.decode_count)
        {
            return Err(YamlError::yaml("document contains excessive aliasing"));
        }
        Ok(())
    }

    fn decode(&mut self, idx: usize) -> Result<Json, YamlError> {
        // Nesting (up to MAX_DEPTH, more through aliases) may exceed a
        // thread's stack; grow it on demand.
        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.decode_node(idx))
    }

    fn decode_node(&mut self, idx: usize) -> Result<Json, YamlError> {
        self.enter()?;
        match &self.doc.nodes[idx] {
            Node::Alias { name, target } => {
                let target = *target;
                self.with_alias(idx, name, |d| d.decode(target))
            }
            Node::Scalar { value, .. } => {
                if self.alias_depth > 0 {
                    self.count_alias_bytes(value.len())?;
                }
                let r = self.resolve_scalar(idx)?;
                Ok(self.scalar_to_json(r))
            }
            Node::Sequence(children) => {
                self.descend()?;
                let mut out = Vec::with_capacity(children.len());
                for &c in children {
                    out.push(self.decode(c)?);
                }
                self.depth -= 1;
                Ok(Json::Array(out))
            }
            Node::Mapping(_) => {
                self.descend()?;
                let mut map = BTreeMap::new();
                self.decode_mapping_into(idx, &mut map)?;
                self.depth -= 1;
                Ok(Json::Object(map.into_iter().collect()))
            }
        }
    }

    /// go-yaml's alias ratio counts nodes; a few aliases of a long string
    /// can still expand a small document into gigabytes, so bound the
    /// text that aliases expand into too (capstan only).
    fn count_alias_bytes(&mut self, n: usize) -> Result<(), YamlError> {
        self.alias_bytes += n as u64;
        let max = crate::limits::current().max_yaml_alias_bytes;
        if self.alias_bytes > max {
            return Err(YamlError::yaml(format!(
                "document expands aliases into more than {max} bytes (CAPSTAN_MAX_YAML_ALIAS_SIZE)"
            )));
        }
        Ok(())
    }

    /// Aliases can nest a tree inside itself many times over; bound the
    /// decoded depth so our stack stays safe.
    fn descend(&mut self) -> Result<(), YamlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(YamlError::yaml(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    /// decode.go `alias`: refuse an alias inside its own anchor's value.
    fn with_alias<T>(
        &mut self,
        idx: usize,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T, YamlError>,
    ) -> Result<T, YamlError> {
        if !self.active_aliases.insert(idx) {
            return Err(YamlError::yaml(format!("anchor '{name}' value contains itself")));
        }
        self.alias_depth += 1;
        let r = f(self);
        self.alias_depth -= 1;
        self.active_aliases.remove(&idx);
        r
    }

    /// decode.go `scalar` into interface{}: quoted and block scalars are
    /// strings; plain or tagged ones go through `resolve`.
    fn resolve_scalar(&self, idx: usize) -> Result<Resolved, YamlError> {
        let Node::Scalar { value, tag, implicit } = &self.doc.nodes[idx] else {
            unreachable!("resolve_scalar on a scalar node")
        };
        let tag = tag.as_deref().unwrap_or("");
        if tag.is_empty() && !implicit {
            return Ok(Resolved::Str(value.clone()));
        }
        if tag == "tag:yaml.org,2002:binary" {
            return decode_binary(value).map(Resolved::Str);
        }
        if !resolvable_tag(tag) {
            // Unknown tags (`!foo`, `!`, `!!set` on a scalar): the text as is.
            if tag == "tag:yaml.org,2002:merge" && value == "<<" {
                return Ok(Resolved::Merge);
            }
            return Ok(Resolved::Str(value.clone()));
        }
        resolve(tag, value)
    }

    fn scalar_to_json(&mut self, r: Resolved) -> Json {
        match r {
            Resolved::Null => Json::Null,
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => json_f64(i as f64),
            Resolved::Uint(u) => json_f64(u as f64),
            Resolved::Float(f) => {
                if f.is_finite() {
                    json_f64(f)
                } else {
                    // encoding/json refuses NaN and ±Inf.
                    self.note_conversion_error(format!(
                        "json: unsupported value: {}",
                        crate::engine::gofmt::format_float_g(f)
                    ));
                    Json::Null
                }
            }
            Resolved::Str(s) => Json::String(s),
            Resolved::Merge => Json::String("<<".into()),
        }
    }

    fn note_conversion_error(&mut self, message: String) {
        if self.conversion_error.is_none() {
            self.conversion_error = Some(YamlError::new(message));
        }
    }

    /// decode.go `mapping` into a map: keys in document order, later ones
    /// overwriting earlier ones; a `<<` merge writes its maps into the same
    /// map at that point (so keys after it win, keys before it lose).
    fn decode_mapping_into(&mut self, idx: usize, map: &mut BTreeMap<String, Json>) -> Result<(), YamlError> {
        let Node::Mapping(children) = &self.doc.nodes[idx] else {
            unreachable!("decode_mapping_into on a mapping node")
        };
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair[1]);
            if self.is_merge(k) {
                self.merge(v, map)?;
                continue;
            }
            self.enter()?;
            let key = self.decode_key(k)?;
            let value = self.decode(v)?;
            match key {
                KeyValue::Collection(shown) => {
                    return Err(YamlError::yaml(format!("invalid map key: {shown}")));
                }
                KeyValue::Resolved(r) => {
                    if let Some(s) = self.stringify_key(&r, &value) {
                        map.insert(s, value);
                    }
                }
            }
        }
        Ok(())
    }

    /// decode.go isMerge: a plain `<<` or one tagged `!!merge`.
    fn is_merge(&self, idx: usize) -> bool {
        match &self.doc.nodes[idx] {
            Node::Scalar { value, tag, implicit } => {
                value == "<<" && (*implicit || tag.as_deref() == Some("tag:yaml.org,2002:merge"))
            }
            _ => false,
        }
    }

    /// decode.go `merge`: a map, an alias of a map, or a sequence of those
    /// (applied last to first, so earlier maps take precedence).
    fn merge(&mut self, idx: usize, map: &mut BTreeMap<String, Json>) -> Result<(), YamlError> {
        let want_map = || YamlError::yaml("map merge requires map or sequence of maps as the value");
        match &self.doc.nodes[idx] {
            Node::Mapping(_) => self.merge_one(idx, map),
            Node::Alias { target, .. } => {
                if !matches!(self.doc.nodes[*target], Node::Mapping(_)) {
                    return Err(want_map());
                }
                self.merge_one(idx, map)
            }
            Node::Sequence(children) => {
                for &c in children.iter().rev() {
                    match &self.doc.nodes[c] {
                        Node::Alias { target, .. } if !matches!(self.doc.nodes[*target], Node::Mapping(_)) => {
                            return Err(want_map())
                        }
                        Node::Alias { .. } | Node::Mapping(_) => {}
                        _ => return Err(want_map()),
                    }
                    self.merge_one(c, map)?;
                }
                Ok(())
            }
            Node::Scalar { .. } => Err(want_map()),
        }
    }

    /// Unmarshal a mapping (or an alias of one) into an existing map.
    fn merge_one(&mut self, idx: usize, map: &mut BTreeMap<String, Json>) -> Result<(), YamlError> {
        self.enter()?;
        match &self.doc.nodes[idx] {
            Node::Alias { name, target } => {
                let target = *target;
                self.with_alias(idx, name, |d| d.merge_one(target, map))
            }
            Node::Mapping(_) => self.decode_mapping_into(idx, map),
            _ => Err(YamlError::yaml("map merge requires map or sequence of maps as the value")),
        }
    }

    /// A key decoded into interface{}: scalars resolve, collections are refused.
    fn decode_key(&mut self, idx: usize) -> Result<KeyValue, YamlError> {
        match &self.doc.nodes[idx] {
            Node::Scalar { .. } => Ok(KeyValue::Resolved(self.resolve_scalar(idx)?)),
            Node::Alias { name, target } => {
                let target = *target;
                self.with_alias(idx, name, |d| {
                    d.enter()?;
                    d.decode_key(target)
                })
            }
            Node::Sequence(_) | Node::Mapping(_) => {
                let shown = match self.decode(idx)? {
                    Json::Array(_) => "[]interface {}{...}",
                    _ => "map[interface {}]interface {}{...}",
                };
                Ok(KeyValue::Collection(shown.to_string()))
            }
        }
    }

    /// sigs.k8s.io/yaml convertToJSONableObject's key conversion.
    fn stringify_key(&mut self, key: &Resolved, value: &Json) -> Option<String> {
        Some(match key {
            Resolved::Str(s) => s.clone(),
            Resolved::Merge => "<<".to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Float(f) => format_float32_key(*f),
            Resolved::Null => {
                self.note_conversion_error(format!(
                    "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                    go_sharp_v(value)
                ));
                return None;
            }
            Resolved::Uint(u) => {
                self.note_conversion_error(format!(
                    "unsupported map key of type: uint64, key: {:#x}, value: {}",
                    u,
                    go_sharp_v(value)
                ));
                return None;
            }
        })
    }
}

/// A rough `%+#v` of a decoded value, for sigs.k8s.io/yaml's key error.
fn go_sharp_v(v: &Json) -> String {
    match v {
        Json::Null => "<nil>".into(),
        Json::String(s) => format!("{s:?}"),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::Array(_) => "[]interface {}{...}".into(),
        Json::Object(_) => "map[interface {}]interface {}{...}".into(),
    }
}

/// strconv.FormatFloat(f, 'g', -1, 32) with YAML's spellings of the specials,
/// as sigs.k8s.io/yaml writes float map keys.
fn format_float32_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f32v > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    crate::engine::gofmt::strconv::format_float(f, 'g', -1, 32)
}

fn resolvable_tag(tag: &str) -> bool {
    matches!(
        tag,
        "" | "tag:yaml.org,2002:str"
            | "tag:yaml.org,2002:bool"
            | "tag:yaml.org,2002:int"
            | "tag:yaml.org,2002:float"
            | "tag:yaml.org,2002:null"
            | "tag:yaml.org,2002:timestamp"
    )
}

/// A `!!binary` scalar: base64 (line breaks ignored, as Go's decoder does)
/// to bytes, then to a string the way encoding/json writes invalid UTF-8.
fn decode_binary(text: &str) -> Result<String, YamlError> {
    use base64::Engine;
    let cleaned: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let bytes = engine
        .decode(cleaned.as_bytes())
        .map_err(|_| YamlError::yaml("!!binary value contains invalid base64 data"))?;
    Ok(go_lossy_utf8(&bytes))
}

/// Invalid UTF-8 as Go's encoding/json replaces it: one U+FFFD per bad byte.
pub(crate) fn go_lossy_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                for _ in 0..bad {
                    out.push('\u{FFFD}');
                }
                bytes = &rest[bad..];
            }
        }
    }
}

/// A float64 JSON number (finite by construction).
fn json_f64(f: f64) -> Json {
    serde_json::Number::from_f64(f).map(Json::Number).unwrap_or(Json::Null)
}

/// go-yaml v2 parser.fail(): `yaml: line N: problem`, where N is the problem
/// line (0-based, plus one for scanner errors) or else the context line.
fn convert_parse_error(e: &libyaml_safer::Error) -> YamlError {
    let problem = e.problem();
    let problem_line = e.problem_mark().map(|m| m.line as usize).unwrap_or(0);
    let context_line = e.context_mark().map(|m| m.line as usize).unwrap_or(0);
    let line = if problem_line != 0 {
        if e.kind() == ErrorKind::Scanner {
            problem_line + 1
        } else {
            problem_line
        }
    } else {
        context_line
    };
    let msg = if problem.is_empty() { "unknown problem parsing YAML content" } else { problem };
    if line != 0 {
        YamlError { message: format!("yaml: line {line}: {msg}"), line: Some(line) }
    } else {
        YamlError { message: format!("yaml: {msg}"), line: None }
    }
}

mod go_time {
    //! Just enough of Go's time.Parse to tell whether text matches one of
    //! go-yaml v2's allowedTimestampFormats (resolve.go):
    //! "2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case `t`,
    //! "2006-1-2 15:4:5.999999999" and "2006-1-2". Go: time/format.go Parse.

    struct Cursor<'a> {
        s: &'a [u8],
    }

    impl Cursor<'_> {
        fn lit(&mut self, l: &str) -> Option<()> {
            let l = l.as_bytes();
            if self.s.starts_with(l) {
                self.s = &self.s[l.len()..];
                Some(())
            } else {
                None
            }
        }

        /// getnum(value, false): one or two digits.
        fn num12(&mut self) -> Option<u32> {
            let d = |c: u8| c.is_ascii_digit();
            match self.s {
                [a, b, ..] if d(*a) && d(*b) => {
                    let v = ((a - b'0') * 10 + (b - b'0')) as u32;
                    self.s = &self.s[2..];
                    Some(v)
                }
                [a, ..] if d(*a) => {
                    self.s = &self.s[1..];
                    Some((a - b'0') as u32)
                }
                _ => None,
            }
        }

        fn year(&mut self) -> Option<i64> {
            if self.s.len() < 4 || !self.s[..4].iter().all(u8::is_ascii_digit) {
                return None;
            }
            let y = std::str::from_utf8(&self.s[..4]).ok()?.parse().ok()?;
            self.s = &self.s[4..];
            Some(y)
        }

        /// stdFracSecond9: optional `.` or `,` and any number of digits.
        fn frac(&mut self) {
            if self.s.len() >= 2 && (self.s[0] == b'.' || self.s[0] == b',') && self.s[1].is_ascii_digit() {
                let mut i = 1;
                while i < self.s.len() && self.s[i].is_ascii_digit() {
                    i += 1;
                }
                self.s = &self.s[i..];
            }
        }

        /// stdISO8601ColonTZ: `Z` or `±hh:mm`.
        fn zone(&mut self) -> Option<()> {
            if self.s.first() == Some(&b'Z') {
                self.s = &self.s[1..];
                return Some(());
            }
            if self.s.len() < 6 || self.s[3] != b':' || !(self.s[0] == b'+' || self.s[0] == b'-') {
                return None;
            }
            let two = |x: &[u8]| x.iter().all(u8::is_ascii_digit).then(|| (x[0] - b'0') as u32 * 10 + (x[1] - b'0') as u32);
            let hh = two(&self.s[1..3])?;
            let mm = two(&self.s[4..6])?;
            if hh > 24 || mm > 60 {
                return None;
            }
            self.s = &self.s[6..];
            Some(())
        }
    }

    fn days_in(month: u32, year: i64) -> u32 {
        match month {
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    fn date(c: &mut Cursor) -> Option<()> {
        let year = c.year()?;
        c.lit("-")?;
        let month = c.num12()?;
        c.lit("-")?;
        let day = c.num12()?;
        ((1..=12).contains(&month) && day >= 1 && day <= days_in(month, year)).then_some(())
    }

    fn clock(c: &mut Cursor) -> Option<()> {
        let h = c.num12()?;
        c.lit(":")?;
        let m = c.num12()?;
        c.lit(":")?;
        let s = c.num12()?;
        c.frac();
        (h < 24 && m < 60 && s < 60).then_some(())
    }

    fn try_layout(text: &str, layout: u8) -> Option<()> {
        let mut c = Cursor { s: text.as_bytes() };
        date(&mut c)?;
        match layout {
            0 | 1 => {
                c.lit(if layout == 0 { "T" } else { "t" })?;
                clock(&mut c)?;
                c.zone()?;
            }
            2 => {
                c.lit(" ")?;
                clock(&mut c)?;
            }
            _ => {}
        }
        c.s.is_empty().then_some(())
    }

    pub(super) fn parses_as_yaml_timestamp(text: &str) -> bool {
        (0..4).any(|layout| try_layout(text, layout).is_some())
    }
}

#[cfg(test)]
mod tests;
