//! JSON 6902 patches with the semantics of the library kustomize uses
//! (gopkg.in/evanphx/json-patch.v4 v4.12.0), which are looser than the RFC
//! in ways real patches rely on: `replace` of a missing object key adds
//! it, negative array indexes count from the end, `move` from a missing
//! key fails only when removing. The `json-patch` crate follows the RFC
//! strictly, so application is ours; operations are read as JSON objects.

use serde_json::Value as Json;

use super::error::KustomizeError;

/// One operation as evanphx reads it: fields looked up on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    fields: serde_json::Map<String, Json>,
}

/// DecodePatch: a JSON array of objects.
pub fn decode(v: &Json) -> Result<Vec<Operation>, KustomizeError> {
    let Json::Array(items) = v else {
        let kind = match v {
            Json::Object(_) => "object",
            Json::String(_) => "string",
            Json::Number(_) => "number",
            Json::Bool(_) => "bool",
            _ => "value",
        };
        return Err(KustomizeError::msg(format!("json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")));
    };
    items
        .iter()
        .map(|i| match i {
            Json::Object(m) => Ok(Operation { fields: m.clone() }),
            Json::Null => Ok(Operation { fields: serde_json::Map::new() }),
            _ => Err(KustomizeError::msg("json: cannot unmarshal value into Go value of type jsonpatch.Operation")),
        })
        .collect()
}

impl Operation {
    fn kind(&self) -> String {
        match self.fields.get("op") {
            Some(Json::String(s)) => s.clone(),
            _ => "unknown".into(),
        }
    }

    fn str_field(&self, name: &str, what: &str) -> Result<String, KustomizeError> {
        match self.fields.get(name) {
            Some(Json::String(s)) => Ok(s.clone()),
            Some(Json::Null) | None => Err(KustomizeError::msg(format!("operation missing {what} field: missing value"))),
            Some(_) => Err(KustomizeError::msg("json: cannot unmarshal value into Go value of type string")),
        }
    }

    fn path(&self) -> Result<String, KustomizeError> {
        self.str_field("path", "path")
    }

    fn from(&self) -> Result<String, KustomizeError> {
        self.str_field("from", "from")
    }

    /// The value; an absent `value` is a nil node, written as null.
    fn value(&self) -> Json {
        self.fields.get("value").cloned().unwrap_or(Json::Null)
    }
}

/// decodePatchKey: `~1` is `/`, `~0` is `~`.
fn decode_key(k: &str) -> String {
    k.replace("~1", "/").replace("~0", "~")
}

/// strconv.Atoi (a sign is allowed).
fn atoi(s: &str) -> Option<i64> {
    let t = s.strip_prefix('+').unwrap_or(s);
    if t.is_empty() || !t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) || t.trim_start_matches('-').is_empty() {
        return None;
    }
    t.parse().ok()
}

/// partialArray index with negative support, `len` bounds exclusive.
fn array_index(key: &str, len: usize) -> Result<usize, KustomizeError> {
    let idx = atoi(key).ok_or_else(|| KustomizeError::msg(format!("strconv.Atoi: parsing {key:?}: invalid syntax")))?;
    let idx = if idx < 0 {
        if idx < -(len as i64) {
            return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
        }
        idx + len as i64
    } else {
        idx
    };
    if idx as usize >= len {
        return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
    }
    Ok(idx as usize)
}

/// findObject: the container holding the path's last part, and that part.
fn find_object<'a>(doc: &'a mut Json, path: &str) -> Option<(&'a mut Json, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let key = decode_key(split[split.len() - 1]);
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let part = decode_key(part);
        let next = match cur {
            Json::Object(m) => m.get_mut(&part)?,
            Json::Array(a) => {
                let len = a.len();
                let i = array_index(&part, len).ok()?;
                &mut a[i]
            }
            _ => return None,
        };
        if !matches!(next, Json::Object(_) | Json::Array(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, key))
}

fn container_get(con: &Json, key: &str) -> Result<Option<Json>, KustomizeError> {
    match con {
        Json::Object(m) => Ok(m.get(key).cloned()),
        Json::Array(a) => Ok(Some(a[array_index(key, a.len())?].clone())),
        _ => Err(KustomizeError::msg("invalid state detected")),
    }
}

fn container_set(con: &mut Json, key: &str, val: Json) -> Result<(), KustomizeError> {
    match con {
        Json::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Json::Array(a) => {
            let i = array_index(key, a.len())?;
            a[i] = val;
            Ok(())
        }
        _ => Err(KustomizeError::msg("invalid state detected")),
    }
}

fn container_add(con: &mut Json, key: &str, val: Json) -> Result<(), KustomizeError> {
    match con {
        Json::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Json::Array(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let idx = atoi(key)
                .ok_or_else(|| KustomizeError::msg(format!("value was not a proper array index: '{key}': strconv.Atoi: parsing {key:?}: invalid syntax")))?;
            let size = a.len() as i64 + 1;
            if idx >= size {
                return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
            }
            let idx = if idx < 0 {
                if idx < -size {
                    return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
                }
                idx + size
            } else {
                idx
            };
            a.insert(idx as usize, val);
            Ok(())
        }
        _ => Err(KustomizeError::msg("invalid state detected")),
    }
}

fn container_remove(con: &mut Json, key: &str) -> Result<(), KustomizeError> {
    match con {
        Json::Object(m) => match m.remove(key) {
            Some(_) => Ok(()),
            None => Err(KustomizeError::msg(format!("Unable to remove nonexistent key: {key}: missing value"))),
        },
        Json::Array(a) => {
            let idx = atoi(key).ok_or_else(|| KustomizeError::msg(format!("strconv.Atoi: parsing {key:?}: invalid syntax")))?;
            let len = a.len() as i64;
            if idx >= len {
                return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
            }
            let idx = if idx < 0 {
                if idx < -len {
                    return Err(KustomizeError::msg(format!("Unable to access invalid index: {idx}: invalid index referenced")));
                }
                idx + len
            } else {
                idx
            };
            a.remove(idx as usize);
            Ok(())
        }
        _ => Err(KustomizeError::msg("invalid state detected")),
    }
}

fn missing(what: &str, path: &str) -> KustomizeError {
    KustomizeError::msg(format!("{what}: {path}: missing value"))
}

/// Patch.Apply.
pub fn apply(doc: &mut Json, ops: &[Operation]) -> Result<(), KustomizeError> {
    for op in ops {
        match op.kind().as_str() {
            "add" => {
                let path = op.path().map_err(|_| KustomizeError::msg("add operation failed to decode path: missing value"))?;
                let (con, key) = find_object(doc, &path)
                    .ok_or_else(|| missing("add operation does not apply: doc is missing path", &format!("\"{path}\"")))?;
                container_add(con, &key, op.value()).map_err(|e| e.wrap(format!("error in add for path: '{path}'")))?;
            }
            "remove" => {
                let path = op.path().map_err(|_| KustomizeError::msg("remove operation failed to decode path: missing value"))?;
                let (con, key) = find_object(doc, &path)
                    .ok_or_else(|| missing("remove operation does not apply: doc is missing path", &format!("\"{path}\"")))?;
                container_remove(con, &key).map_err(|e| e.wrap(format!("error in remove for path: '{path}'")))?;
            }
            "replace" => {
                let path = op.path().map_err(|e| e.wrap("replace operation failed to decode path"))?;
                if path.is_empty() {
                    let v = op.value();
                    if !matches!(v, Json::Object(_) | Json::Array(_)) {
                        return Err(KustomizeError::msg("replace operation value must be object or array"));
                    }
                    *doc = v;
                    continue;
                }
                let (con, key) =
                    find_object(doc, &path).ok_or_else(|| missing("replace operation does not apply: doc is missing path", &path))?;
                container_get(con, &key).map_err(|_| missing("replace operation does not apply: doc is missing key", &path))?;
                container_set(con, &key, op.value()).map_err(|e| e.wrap(format!("error in remove for path: '{path}'")))?;
            }
            "move" => {
                let from = op.from().map_err(|e| e.wrap("move operation failed to decode from"))?;
                let (con, key) = find_object(doc, &from)
                    .ok_or_else(|| missing("move operation does not apply: doc is missing from path", &from))?;
                let val = container_get(con, &key).map_err(|e| e.wrap(format!("error in move for path: '{key}'")))?;
                container_remove(con, &key).map_err(|e| e.wrap(format!("error in move for path: '{key}'")))?;
                let path = op.path().map_err(|e| e.wrap("move operation failed to decode path"))?;
                let (con, key) = find_object(doc, &path)
                    .ok_or_else(|| missing("move operation does not apply: doc is missing destination path", &path))?;
                container_add(con, &key, val.unwrap_or(Json::Null)).map_err(|e| e.wrap(format!("error in move for path: '{path}'")))?;
            }
            "test" => {
                let path = op.path().map_err(|e| e.wrap("test operation failed to decode path"))?;
                let failed = || KustomizeError::msg(format!("testing value {path} failed: test failed"));
                if path.is_empty() {
                    if *doc != op.value() {
                        return Err(failed());
                    }
                    continue;
                }
                let (con, key) =
                    find_object(doc, &path).ok_or_else(|| missing("test operation does not apply: is missing path", &path))?;
                let val = container_get(con, &key).map_err(|e| e.wrap(format!("error in test for path: '{path}'")))?;
                match val {
                    None => {
                        if !op.value().is_null() {
                            return Err(failed());
                        }
                    }
                    Some(v) => {
                        if !op.fields.contains_key("value") || v != op.value() {
                            return Err(failed());
                        }
                    }
                }
            }
            "copy" => {
                let from = op.from().map_err(|e| e.wrap("copy operation failed to decode from"))?;
                let (con, key) = find_object(doc, &from)
                    .ok_or_else(|| missing("copy operation does not apply: doc is missing from path", &from))?;
                let val = container_get(con, &key).map_err(|e| e.wrap(format!("error in copy for from: '{from}'")))?;
                let path = op.path().map_err(|_| KustomizeError::msg("copy operation failed to decode path: missing value"))?;
                let (con, key) = find_object(doc, &path)
                    .ok_or_else(|| missing("copy operation does not apply: doc is missing destination path", &path))?;
                container_add(con, &key, val.unwrap_or(Json::Null)).map_err(|e| e.wrap("error while adding value during copy"))?;
            }
            other => return Err(KustomizeError::msg(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Json, patch: Json) -> Result<Json, KustomizeError> {
        let mut d = doc;
        apply(&mut d, &decode(&patch)?)?;
        Ok(d)
    }

    #[test]
    fn replace_of_a_missing_key_adds_it() {
        // evanphx v4.12 partialDoc.get never fails, so replace sets the key.
        let out = run(json!({"a": {}}), json!([{"op": "replace", "path": "/a/b", "value": 1}])).unwrap();
        assert_eq!(out, json!({"a": {"b": 1}}));
    }

    #[test]
    fn arrays_take_dash_and_negative_indexes() {
        let out = run(json!({"l": [1, 2]}), json!([{"op": "add", "path": "/l/-", "value": 3}, {"op": "add", "path": "/l/-1", "value": 9}])).unwrap();
        assert_eq!(out, json!({"l": [1, 2, 3, 9]}));
        let out = run(json!({"l": [1, 2, 3]}), json!([{"op": "remove", "path": "/l/-1"}])).unwrap();
        assert_eq!(out, json!({"l": [1, 2]}));
    }

    #[test]
    fn missing_paths_and_keys_fail() {
        assert!(run(json!({}), json!([{"op": "add", "path": "/a/b", "value": 1}])).is_err());
        assert!(run(json!({"a": 1}), json!([{"op": "remove", "path": "/b"}])).is_err());
        assert!(run(json!({"l": []}), json!([{"op": "replace", "path": "/l/0", "value": 1}])).is_err());
        assert!(run(json!({}), json!([{"op": "frob", "path": "/a"}])).is_err());
    }

    #[test]
    fn move_copy_test_and_escapes() {
        let out = run(
            json!({"a": {"x/y": 1}, "b": {}}),
            json!([
                {"op": "copy", "from": "/a/x~1y", "path": "/b/c"},
                {"op": "move", "from": "/a", "path": "/z"},
                {"op": "test", "path": "/b/c", "value": 1}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"b": {"c": 1}, "z": {"x/y": 1}}));
        assert!(run(json!({"a": 1}), json!([{"op": "test", "path": "/a", "value": 2}])).is_err());
    }
}
