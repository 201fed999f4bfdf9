//! Reading YAML into [`Node`]s the way kyaml does (`kio.FromBytes`): the
//! text is split into documents at `---` lines, the first document of each
//! piece is parsed with go-yaml v3 rules (tags resolved at parse time,
//! quoted scalars are strings), aliases are inflated and `<<` merge keys
//! applied (kyaml `DeAnchor`), and empty documents are dropped.

use std::collections::HashMap;

use libyaml_safer::{ErrorKind, EventData, Parser, ScalarStyle};

use super::node::{resolve, Node, Scalar, Tag};

/// A YAML syntax error, with go-yaml v3's text (`yaml: line 3: ...`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// kio.FromBytes: every non-empty document of a YAML stream.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, ParseError> {
    let text = text.replace("\r\n", "\n");
    let pieces = split_documents(&text)?;
    let count = pieces.len();
    let mut out = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        // splitDocuments eats the newline ending each piece but the last.
        let piece = if i != count - 1 { format!("{piece}\n") } else { piece.to_string() };
        let Some(node) = parse_first_document(&piece).map_err(|e| ParseError(format!("MalformedYAMLError: {e}")))? else {
            continue;
        };
        if node.is_null() {
            continue;
        }
        // A single `List` document is unwrapped into its items.
        if count == 1 {
            let kind = node.get("kind").map(|k| k.get_value().to_string()).unwrap_or_default();
            if (kind == "List" || kind == "ResourceList") && (node.get("items").is_some() || node.get("functionConfig").is_some())
            {
                if let Some(Node::Seq(items)) = node.get("items") {
                    out.extend(items.iter().cloned());
                }
                continue;
            }
        }
        out.push(node);
    }
    Ok(out)
}

/// kio splitDocuments: split at every `\n---...\n`; text after `---` on the
/// separator line must be a comment.
fn split_documents(s: &str) -> Result<Vec<&str>, ParseError> {
    let mut docs = Vec::new();
    if s.is_empty() {
        return Ok(docs);
    }
    let b = s.as_bytes();
    let mut prev = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' && s[i + 1..].starts_with("---") {
            // The separator runs to the next newline, which must exist.
            if let Some(nl) = s[i + 4..].find('\n') {
                let end = i + 4 + nl + 1;
                let rest = s[i + 4..end - 1].trim();
                if !rest.is_empty() && !rest.starts_with('#') {
                    return Err(ParseError(format!("invalid document separator: {}", s[i + 1..end - 1].trim())));
                }
                docs.push(&s[prev..i]);
                prev = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    docs.push(&s[prev..]);
    Ok(docs)
}

/// Parses a single YAML document (the first in `text`); `None` when the
/// stream has no document.
pub fn parse_first_document(text: &str) -> Result<Option<Node>, ParseError> {
    // libyaml-safer panics on a block scalar that runs to the end of input
    // without a line break; parse with one added and take it back off that
    // scalar afterwards (libyaml gives such a scalar no final newline).
    if !text.is_empty() && !text.ends_with('\n') {
        let padded = format!("{text}\n");
        let (node, last_block_end) = parse_padded(&padded)?;
        let mut node = node;
        if let (Some(n), Some(end)) = (node.as_mut(), last_block_end) {
            if end >= text.len() {
                strip_last_scalar_newline(n);
            }
        }
        return Ok(node);
    }
    Ok(parse_padded(text)?.0)
}

/// sigs.k8s.io/yaml's YAML-to-JSON reading (the codec's Helm-exact reader),
/// which kustomize uses for kustomization files and JSON patches. Input
/// ending inside a block scalar without a line break is read with one
/// added (libyaml-safer would panic), and that scalar's value then loses
/// its final newline again, as go-yaml reads it.
pub fn yaml_to_json(text: &str) -> Result<serde_json::Value, crate::codec::yaml_read::YamlError> {
    if !text.is_empty() && !text.ends_with('\n') {
        let padded = format!("{text}\n");
        if let Ok((Some(node), Some(end))) = parse_padded(&padded) {
            if end >= text.len() {
                let mut json = crate::codec::yaml_read::from_str(&padded)?;
                strip_json_at(&mut json, &rightmost_path(&node));
                return Ok(json);
            }
        }
    }
    crate::codec::yaml_read::from_str(text)
}

enum Step {
    Key(String),
    Index(usize),
}

fn rightmost_path(n: &Node) -> Vec<Step> {
    let mut out = Vec::new();
    let mut cur = n;
    loop {
        match cur {
            Node::Map(e) if !e.is_empty() => {
                let (k, v) = e.last().expect("non-empty");
                out.push(Step::Key(k.value.clone()));
                cur = v;
            }
            Node::Seq(items) if !items.is_empty() => {
                out.push(Step::Index(items.len() - 1));
                cur = items.last().expect("non-empty");
            }
            _ => return out,
        }
    }
}

fn strip_json_at(v: &mut serde_json::Value, path: &[Step]) {
    let mut cur = v;
    for s in path {
        let next = match (s, cur) {
            (Step::Key(k), serde_json::Value::Object(m)) => m.get_mut(k),
            (Step::Index(i), serde_json::Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let serde_json::Value::String(s) = cur {
        if s.ends_with('\n') {
            s.pop();
        }
    }
}

/// The rightmost (last in document order) scalar loses one trailing newline.
fn strip_last_scalar_newline(n: &mut Node) {
    match n {
        Node::Scalar(s) => {
            if s.value.ends_with('\n') {
                s.value.pop();
            }
        }
        Node::Seq(items) => {
            if let Some(last) = items.last_mut() {
                strip_last_scalar_newline(last);
            }
        }
        Node::Map(entries) => {
            if let Some((_, last)) = entries.last_mut() {
                strip_last_scalar_newline(last);
            }
        }
    }
}

/// The document, and where the last block (literal/folded) scalar ended if
/// it was the last scalar.
fn parse_padded(text: &str) -> Result<(Option<Node>, Option<usize>), ParseError> {
    let mut last_block_end: Option<usize> = None;
    let mut parser = Parser::new();
    let bytes = text.as_bytes();
    parser.set_input(bytes);
    // libyaml-safer panics on a tag before `,` in a flow collection.
    let mut next = || match crate::codec::libyaml_guard::next_event(&mut parser) {
        Some(r) => r.map_err(|e| convert_error(&e)),
        None => Err(ParseError(format!("yaml: {}", crate::codec::libyaml_guard::TAG_PROBLEM))),
    };
    let ev = next()?;
    if !matches!(ev.data, EventData::StreamStart { .. }) {
        return Err(ParseError("yaml: expected STREAM-START".into()));
    }
    let ev = next()?;
    match ev.data {
        EventData::StreamEnd => return Ok((None, None)),
        EventData::DocumentStart { .. } => {}
        _ => return Err(ParseError("yaml: expected DOCUMENT-START".into())),
    }
    let mut anchors: HashMap<String, Node> = HashMap::new();
    // Open collections: the node being built, its anchor, and for mappings a pending key.
    struct Open {
        node: Node,
        anchor: Option<String>,
        key: Option<Scalar>,
    }
    let mut stack: Vec<Open> = Vec::new();
    let root = loop {
        let ev = next()?;
        let end = ev.end_mark.index as usize;
        let done: Option<(Node, Option<String>)> = match ev.data {
            EventData::Scalar { anchor, tag, value, style, .. } => {
                last_block_end = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded).then_some(end);
                let tag = scalar_tag(tag.as_deref(), &value, style);
                let quoted = style != ScalarStyle::Plain;
                Some((Node::Scalar(Scalar { value, tag, quoted }), anchor))
            }
            EventData::Alias { anchor } => match anchors.get(&anchor) {
                Some(n) => Some((n.clone(), None)),
                None => return Err(ParseError(format!("yaml: unknown anchor '{anchor}' referenced"))),
            },
            EventData::SequenceStart { anchor, .. } => {
                stack.push(Open { node: Node::Seq(Vec::new()), anchor, key: None });
                None
            }
            EventData::MappingStart { anchor, .. } => {
                stack.push(Open { node: Node::Map(Vec::new()), anchor, key: None });
                None
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let open = stack.pop().expect("balanced events");
                let mut node = open.node;
                if matches!(node, Node::Map(_)) {
                    apply_merge_keys(&mut node)?;
                }
                Some((node, open.anchor))
            }
            _ => return Err(ParseError("yaml: unexpected event".into())),
        };
        let Some((node, anchor)) = done else { continue };
        if let Some(a) = anchor {
            anchors.insert(a, node.clone());
        }
        match stack.last_mut() {
            None => break node,
            Some(parent) => match &mut parent.node {
                Node::Seq(items) => items.push(node),
                Node::Map(entries) => match parent.key.take() {
                    None => {
                        let key = match node {
                            Node::Scalar(s) => s,
                            // go-yaml allows complex keys; kyaml compares key text only.
                            other => Scalar::string(flow_text(&other)),
                        };
                        parent.key = Some(key);
                    }
                    Some(key) => entries.push((key, node)),
                },
                Node::Scalar(_) => unreachable!("scalars are never open"),
            },
        }
    };
    Ok((Some(root), last_block_end))
}

/// go-yaml v3 parser.node: explicit tags win (except `!`), quoted scalars
/// are strings, `<<` is a merge key, anything else is resolved.
fn scalar_tag(tag: Option<&str>, value: &str, style: ScalarStyle) -> Tag {
    if let Some(t) = tag {
        if t != "!" {
            return match t.strip_prefix("tag:yaml.org,2002:").map(|s| format!("!!{s}")).as_deref().unwrap_or(t) {
                "!!str" => Tag::Str,
                "!!int" => Tag::Int,
                "!!float" => Tag::Float,
                "!!bool" => Tag::Bool,
                "!!null" => Tag::Null,
                "!!timestamp" => Tag::Timestamp,
                "!!binary" => Tag::Binary,
                "!!merge" => Tag::Merge,
                other => Tag::Other(other.to_string()),
            };
        }
    }
    if style != ScalarStyle::Plain {
        return Tag::Str;
    }
    if value == "<<" {
        return Tag::Merge;
    }
    resolve(value)
}

/// A short text for a collection used as a mapping key.
fn flow_text(n: &Node) -> String {
    match n {
        Node::Scalar(s) => s.value.clone(),
        Node::Seq(items) => format!("[{}]", items.iter().map(flow_text).collect::<Vec<_>>().join(", ")),
        Node::Map(e) => {
            format!("{{{}}}", e.iter().map(|(k, v)| format!("{}: {}", k.value, flow_text(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// kyaml deAnchor for one mapping: the maps named by `<<` are merged under
/// the mapping's own fields (later sources in a `<<` list lose to earlier ones).
fn apply_merge_keys(node: &mut Node) -> Result<(), ParseError> {
    let Node::Map(entries) = node else { return Ok(()) };
    let merges: Vec<usize> = entries.iter().enumerate().filter(|(_, (k, _))| k.tag == Tag::Merge).map(|(i, _)| i).collect();
    if merges.is_empty() {
        return Ok(());
    }
    if merges.len() > 1 {
        return Err(ParseError("duplicate merge key".into()));
    }
    let value = entries.remove(merges[0]).1;
    let mut sources: Vec<Node> = match value {
        Node::Map(_) => vec![value],
        Node::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Node::Map(_) => out.insert(0, item),
                    Node::Seq(_) => return Err(ParseError("invalid map merge: received a nested sequence".into())),
                    _ => return Err(ParseError("map merge requires map or sequence of maps as the value".into())),
                }
            }
            out
        }
        _ => return Err(ParseError("map merge requires map or sequence of maps as the value".into())),
    };
    let own = Node::Map(entries.clone());
    sources.push(own.clone());
    let mut result = own;
    for src in sources {
        if let Node::Map(e) = src {
            for (k, v) in e {
                let m = result.as_map_mut().expect("map");
                if let Some(slot) = m.iter_mut().find(|(kk, _)| kk.value == k.value) {
                    *slot = (k, v);
                } else {
                    m.push((k, v));
                }
            }
        }
    }
    *node = result;
    Ok(())
}

/// go-yaml v3 parser.fail: `yaml: line N: problem`, N from the context mark
/// when set, else the problem mark (one more for scanner errors).
fn convert_error(e: &libyaml_safer::Error) -> ParseError {
    let problem = e.problem();
    let context_line = e.context_mark().map(|m| m.line as usize).unwrap_or(0);
    let problem_line = e.problem_mark().map(|m| m.line as usize).unwrap_or(0);
    let scanner = e.kind() == ErrorKind::Scanner;
    let line = if context_line != 0 {
        context_line + usize::from(scanner)
    } else if problem_line != 0 {
        problem_line + usize::from(scanner)
    } else {
        0
    };
    let msg = if problem.is_empty() { "unknown problem parsing YAML content" } else { problem };
    if line != 0 {
        ParseError(format!("yaml: line {line}: {msg}"))
    } else {
        ParseError(format!("yaml: {msg}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_and_drops_empty_ones() {
        let docs = parse_documents("a: 1\n---\n# only a comment\n---\nb: '2'\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].get("a").unwrap().as_scalar().unwrap().tag, Tag::Int);
        assert_eq!(docs[1].get("b").unwrap().as_scalar().unwrap().tag, Tag::Str);
    }

    #[test]
    fn inflates_aliases_and_merge_keys() {
        let docs = parse_documents("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n").unwrap();
        let d = docs[0].get("d").unwrap();
        assert_eq!(d.get("x").unwrap().value(), "1");
        assert_eq!(d.get("y").unwrap().value(), "3");
    }

    #[test]
    fn rejects_bad_separators() {
        assert!(parse_documents("a: 1\n--- x\nb: 2\n").is_err());
    }

    #[test]
    fn block_scalar_at_end_of_input_without_newline() {
        // kubectl keeps no final newline for such a scalar.
        let docs = parse_documents("a: |\n  x\n  y").unwrap();
        assert_eq!(docs[0].get("a").unwrap().value(), "x\ny");
        let docs = parse_documents("a: |\n  x\n").unwrap();
        assert_eq!(docs[0].get("a").unwrap().value(), "x\n");
        let docs = parse_documents("a: >\n  x\n  y").unwrap();
        assert_eq!(docs[0].get("a").unwrap().value(), "x y");
    }

    #[test]
    fn yaml_to_json_keeps_go_yaml_block_endings() {
        let v = yaml_to_json("- op: add\n  path: /a\n  value: |\n    x\n    y").unwrap();
        assert_eq!(v[0]["value"], "x\ny");
        let v = yaml_to_json("a: |\n  x\n").unwrap();
        assert_eq!(v["a"], "x\n");
    }

    #[test]
    fn unwraps_a_single_list() {
        let docs = parse_documents("kind: List\nitems:\n- kind: A\n- kind: B\n").unwrap();
        assert_eq!(docs.len(), 2);
    }
}

#[cfg(test)]
mod files {
    /// Parses the files named in `KUSTOMIZE_PARSE_FILES` (debugging aid).
    #[test]
    #[ignore]
    fn parse_listed_files() {
        let Ok(list) = std::env::var("KUSTOMIZE_PARSE_FILES") else { return };
        for f in list.split(':') {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            eprintln!("parsing {f}");
            let r = super::parse_documents(&text);
            eprintln!("  {}", if r.is_ok() { "ok".to_string() } else { format!("{:?}", r.err()) });
        }
    }
}
