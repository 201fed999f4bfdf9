//! Reading values files as Helm does (pkg/chart/v2/loader/load.go
//! LoadValues): the text is split into YAML documents like apimachinery's
//! YAMLReader, each document is read with Helm's YAML reader, and the
//! documents are merged in order (`MergeMaps`).

use serde_json::{Map, Value};

use crate::codec::json::unmarshal_type_error;
use crate::codec::yaml_read;

/// A values document that could not be read; the text is Helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadValuesError {
    #[error("error reading yaml document: invalid Yaml document separator: {0}")]
    Separator(String),
    #[error("cannot unmarshal yaml document: {0}")]
    Unmarshal(String),
}

/// Split a YAML stream into documents the way
/// k8s.io/apimachinery/pkg/util/yaml.YAMLReader does: a line starting with
/// `---` ends a document; only spaces or a comment may follow the marker.
/// Lines are re-terminated with `\n` (bufio.ReadLine drops `\r\n`).
pub fn split_documents(text: &str) -> Result<Vec<String>, LoadValuesError> {
    let mut docs = Vec::new();
    let mut buf = String::new();
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Ok(docs);
    }
    for raw in body.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(LoadValuesError::Separator(trimmed.to_string()));
            }
            if !buf.is_empty() {
                docs.push(std::mem::take(&mut buf));
            }
            continue;
        }
        buf.push_str(line);
        buf.push('\n');
    }
    if !buf.is_empty() {
        docs.push(buf);
    }
    Ok(docs)
}

/// Helm's `loader.LoadValues`: every document of `data` merged in order.
pub fn load_values(data: &[u8]) -> Result<Map<String, Value>, LoadValuesError> {
    let text = std::str::from_utf8(data).map_err(|_| {
        LoadValuesError::Unmarshal("error converting YAML to JSON: yaml: invalid leading UTF-8 octet".into())
    })?;
    let mut values = Map::new();
    for doc in split_documents(text)? {
        match yaml_read::from_str(&doc) {
            Ok(Value::Object(m)) => values = merge_maps(values, m),
            Ok(Value::Null) => {}
            Ok(other) => {
                return Err(LoadValuesError::Unmarshal(format!(
                    "error unmarshaling JSON: while decoding JSON: {}",
                    unmarshal_type_error(&other, "map[string]interface {}")
                )));
            }
            Err(e) => {
                return Err(LoadValuesError::Unmarshal(format!("error converting YAML to JSON: {}", e.message)))
            }
        }
    }
    Ok(values)
}

/// Helm's `loader.MergeMaps`: b's keys win; maps present on both sides are
/// merged recursively.
pub fn merge_maps(mut a: Map<String, Value>, b: Map<String, Value>) -> Map<String, Value> {
    for (k, v) in b {
        if let Value::Object(bv) = v {
            if let Some(Value::Object(av)) = a.get_mut(&k) {
                let merged = merge_maps(std::mem::take(av), bv);
                *av = merged;
                continue;
            }
            a.insert(k, Value::Object(bv));
        } else {
            a.insert(k, v);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_like_yaml_reader() {
        assert_eq!(split_documents("a: 1\n---\nb: 2\n").unwrap(), vec!["a: 1\n", "b: 2\n"]);
        assert_eq!(split_documents("---\na: 1\n--- # c\n\n").unwrap(), vec!["a: 1\n", "\n"]);
        assert_eq!(split_documents("a: 1\r\nb: 2").unwrap(), vec!["a: 1\nb: 2\n"]);
        assert_eq!(split_documents("").unwrap(), Vec::<String>::new());
        assert_eq!(
            split_documents("a: 1\n--- b: 2\n").unwrap_err().to_string(),
            "error reading yaml document: invalid Yaml document separator: b: 2"
        );
    }

    #[test]
    fn merge_maps_merges_tables() {
        let a = json!({"x": {"a": 1, "b": 2}, "y": 1});
        let b = json!({"x": {"b": 3}, "y": {"z": 1}});
        let m = merge_maps(a.as_object().unwrap().clone(), b.as_object().unwrap().clone());
        assert_eq!(Value::Object(m), json!({"x": {"a": 1, "b": 3}, "y": {"z": 1}}));
    }
}
