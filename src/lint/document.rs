//! Documents and objects: splitting manifest files into YAML documents the
//! way kubectl does (k8s.io/apimachinery/pkg/util/yaml YAMLReader: a line
//! `---`, optionally followed by spaces or a comment), reading each with
//! Helm's YAML reader, and recording the line of every field so findings
//! can point at it.

use std::collections::HashMap;
use std::sync::Arc;

use libyaml_safer::{EventData, Parser};
use serde_json::Value;

use super::finding::ObjectRef;
use super::k8s::validate::FieldPath;

/// One YAML document of a file, with its first line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc<'a> {
    pub text: &'a str,
    pub line: usize,
}

/// A file's documents up to the first line that starts with `---` and goes
/// on with more than a comment, where kubectl's YAMLReader (and so Helm's
/// lint) stops with `invalid Yaml document separator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub docs: Vec<Doc<'a>>,
    /// The line (1-based) and the message of the bad separator, if any.
    pub bad_separator: Option<(usize, String)>,
}

/// Split a manifest file into documents (kubectl's YAMLReader rule).
pub fn split_file(text: &str) -> Split<'_> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    let mut bad_separator = None;
    // Lines found with memchr: rendered charts run to megabytes per render.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let ends = ends.chain((!text.is_empty() && !text.ends_with('\n')).then_some(text.len()));
    for (i, end) in ends.enumerate() {
        let line = &text[offset..end];
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                bad_separator = Some((i + 1, format!("invalid Yaml document separator: {rest}")));
                break;
            }
            docs.push(Doc { text: &text[start..offset], line: start_line });
            start = offset + line.len();
            start_line = i + 2;
        }
        offset += line.len();
    }
    if bad_separator.is_none() {
        docs.push(Doc { text: &text[start..], line: start_line });
    }
    docs.retain(|d| !d.text.trim().is_empty());
    Split { docs, bad_separator }
}

/// Field path → line (1-based, relative to the document's text), worked
/// out on first use: most objects never need a line.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    text: Option<std::sync::Arc<str>>,
    lines: std::cell::OnceCell<HashMap<String, usize>>,
}

impl Positions {
    /// Positions of `text` (a document that does not parse has none).
    pub fn of(text: &str) -> Positions {
        Positions { text: Some(std::sync::Arc::from(text)), lines: std::cell::OnceCell::new() }
    }

    /// Record where each mapping key and sequence item of `text` starts.
    fn compute(text: &str) -> HashMap<String, usize> {
        let mut map = HashMap::new();
        let mut parser = Parser::new();
        let mut bytes = text.as_bytes();
        parser.set_input_string(&mut bytes);
        // Each open collection: Some(next index) for sequences, None for
        // mappings; `pending_key` is true while a mapping waits for a key.
        enum Frame {
            Seq(usize),
            Map { expect_key: bool },
        }
        let mut frames: Vec<Frame> = Vec::new();
        let mut path: Vec<String> = Vec::new();
        loop {
            let Some(Ok(ev)) = crate::codec::libyaml_guard::next_event(&mut parser) else { break };
            let line = ev.start_mark.line as usize + 1;
            // A node starting: is it a key, a value, or a sequence item?
            let is_node = matches!(
                ev.data,
                EventData::Scalar { .. } | EventData::SequenceStart { .. } | EventData::MappingStart { .. } | EventData::Alias { .. }
            );
            if is_node {
                match frames.last_mut() {
                    Some(Frame::Map { expect_key }) if *expect_key => {
                        // A key: only scalar keys name fields.
                        if let EventData::Scalar { value, .. } = &ev.data {
                            path.push(value.clone());
                            map.entry(path.join("\u{1}")).or_insert(line);
                            *expect_key = false;
                            continue;
                        }
                        path.push(String::new());
                        *expect_key = false;
                    }
                    Some(Frame::Seq(i)) => {
                        path.push(format!("[{i}]"));
                        map.entry(path.join("\u{1}")).or_insert(line);
                        *i += 1;
                    }
                    _ => {}
                }
            }
            match ev.data {
                EventData::MappingStart { .. } => frames.push(Frame::Map { expect_key: true }),
                EventData::SequenceStart { .. } => frames.push(Frame::Seq(0)),
                EventData::MappingEnd | EventData::SequenceEnd => {
                    frames.pop();
                    end_value(&mut frames, &mut path);
                }
                EventData::Scalar { .. } | EventData::Alias { .. } => end_value(&mut frames, &mut path),
                EventData::StreamEnd => break,
                EventData::DocumentEnd { .. } => break,
                _ => {}
            }
        }
        fn end_value(frames: &mut [Frame], path: &mut Vec<String>) {
            match frames.last_mut() {
                Some(Frame::Map { expect_key }) => {
                    if !*expect_key {
                        *expect_key = true;
                        path.pop();
                    }
                }
                Some(Frame::Seq(_)) => {
                    path.pop();
                }
                None => {}
            }
        }
        map
    }

    /// The line of `path`, or of its nearest ancestor that has one.
    pub fn line(&self, path: &FieldPath) -> Option<usize> {
        let text = self.text.as_deref()?;
        let lines = self.lines.get_or_init(|| Positions::compute(text));
        let segs = path.segments();
        for n in (1..=segs.len()).rev() {
            if let Some(l) = lines.get(&segs[..n].join("\u{1}")) {
                return Some(*l);
            }
        }
        None
    }
}

/// One object to check.
#[derive(Debug, Clone)]
pub struct Object {
    /// The parsed document, shared: the renders of one chart with different
    /// values files mostly produce the same documents.
    pub value: Arc<Value>,
    /// The file as reported (a manifest path, or a chart-relative path).
    pub file: String,
    /// The chart template it was rendered from.
    pub template: Option<String>,
    /// The document's first line in `file`, when lines are meaningful.
    pub line: Option<usize>,
    pub positions: Positions,
    /// A Helm hook (`helm.sh/hook`).
    pub hook: bool,
}

fn str_at<'a>(v: &'a Value, keys: &[&str]) -> &'a str {
    let mut cur = v;
    for k in keys {
        cur = &cur[*k];
    }
    cur.as_str().unwrap_or("")
}

impl Object {
    pub fn api_version(&self) -> &str {
        str_at(&self.value, &["apiVersion"])
    }

    pub fn kind(&self) -> &str {
        str_at(&self.value, &["kind"])
    }

    pub fn name(&self) -> &str {
        str_at(&self.value, &["metadata", "name"])
    }

    pub fn namespace(&self) -> &str {
        str_at(&self.value, &["metadata", "namespace"])
    }

    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            namespace: self.namespace().to_string(),
            name: self.name().to_string(),
        }
    }

    /// The line of a field in `file`, when lines are meaningful.
    pub fn line_of(&self, path: &FieldPath) -> Option<usize> {
        let start = self.line?;
        if path.is_root() {
            return Some(start);
        }
        Some(self.positions.line(path).map(|l| start + l - 1).unwrap_or(start))
    }

    /// Rules this object turns off with the `capstan.io/lint-disable`
    /// annotation (`all` turns off every rule but YAML and schema errors).
    pub fn disabled_rules(&self) -> Vec<String> {
        self.value["metadata"]["annotations"][super::rules::DISABLE_ANNOTATION]
            .as_str()
            .map(|s| s.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_kubectl() {
        let text = "a: 1\n---\nb: 2\n--- # comment\n\n---\nc: 3\n";
        let split = split_file(text);
        assert_eq!(split.bad_separator, None);
        let docs = split.docs;
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0], Doc { text: "a: 1\n", line: 1 });
        assert_eq!(docs[1], Doc { text: "b: 2\n", line: 3 });
        assert_eq!(docs[2], Doc { text: "c: 3\n", line: 7 });
        // `---` with more than a comment after it stops the reader (as
        // `---` then `{{- if ... -}}` renders): the document it ends is lost.
        let split = split_file("a: 1\n---\nb: 2\n---apiVersion: v1\nkind: Secret\n");
        assert_eq!(split.docs, [Doc { text: "a: 1\n", line: 1 }]);
        assert_eq!(split.bad_separator, Some((4, "invalid Yaml document separator: apiVersion: v1".to_string())));
    }

    #[test]
    fn positions_find_fields_and_items() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    ports:\n    - containerPort: 80\n";
        let p = Positions::of(text);
        let path = FieldPath::root().child("spec").child("containers").index(1).child("ports").index(0).child("containerPort");
        assert_eq!(p.line(&path), Some(9));
        assert_eq!(p.line(&FieldPath::root().child("spec").child("containers").index(0).child("image")), Some(6));
        assert_eq!(p.line(&FieldPath::root().child("kind")), Some(2));
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(p.line(&FieldPath::root().child("spec").child("containers").index(1).child("nope")), Some(7));
    }
}
