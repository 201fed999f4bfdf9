//! The values tree as Go holds it while coalescing: maps are shared,
//! mutable references (Go's `map[string]interface{}`), so a map placed in two
//! trees is one map, as it is in Helm. Coalescing relies on that (a global
//! table copied one level deep into a subchart still shares its nested
//! tables with the parent's), so the port keeps the same sharing and
//! converts to plain `serde_json::Value` only at the edges.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

pub(crate) type MapRef = Rc<RefCell<BTreeMap<String, Node>>>;

/// One value: null, a shared map, or any other (immutable) data.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Null,
    Map(MapRef),
    /// Booleans, numbers, strings and lists (coalescing never looks inside lists).
    Leaf(Rc<Value>),
}

pub(crate) fn new_map() -> MapRef {
    Rc::new(RefCell::new(BTreeMap::new()))
}

impl Node {
    pub fn from_json(v: &Value) -> Node {
        match v {
            Value::Null => Node::Null,
            Value::Object(m) => Node::Map(map_from_json(m)),
            other => Node::Leaf(Rc::new(other.clone())),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Map(m) => Value::Object(map_to_json(m)),
            Node::Leaf(v) => (**v).clone(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// Go's `copystructure.Copy`: new maps all the way down.
    pub fn deep_copy(&self) -> Node {
        match self {
            Node::Map(m) => Node::Map(deep_copy_map(m)),
            other => other.clone(),
        }
    }

    /// Go's `%v` of the value, for warnings.
    pub fn sprint(&self) -> String {
        crate::chart::gostr::sprint(&self.to_json())
    }

    /// Go's `%T`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "<nil>",
            Node::Map(_) => "map[string]interface {}",
            Node::Leaf(v) => crate::chart::gostr::type_name(v),
        }
    }
}

pub(crate) fn map_from_json(m: &serde_json::Map<String, Value>) -> MapRef {
    Rc::new(RefCell::new(m.iter().map(|(k, v)| (k.clone(), Node::from_json(v))).collect()))
}

pub(crate) fn map_to_json(m: &MapRef) -> serde_json::Map<String, Value> {
    m.borrow().iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}

pub(crate) fn deep_copy_map(m: &MapRef) -> MapRef {
    Rc::new(RefCell::new(m.borrow().iter().map(|(k, v)| (k.clone(), v.deep_copy())).collect()))
}

/// Go's `maps.Copy` into a new map: one level, nested maps shared.
pub(crate) fn shallow_copy_map(m: &MapRef) -> MapRef {
    Rc::new(RefCell::new(m.borrow().clone()))
}

/// The entries of a map, taken out of the borrow so the caller may mutate
/// any map (including this one) while iterating.
pub(crate) fn entries(m: &MapRef) -> Vec<(String, Node)> {
    m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

pub(crate) fn get(m: &MapRef, key: &str) -> Option<Node> {
    m.borrow().get(key).cloned()
}

pub(crate) fn set(m: &MapRef, key: &str, v: Node) {
    m.borrow_mut().insert(key.to_string(), v);
}

/// Helm's `ErrNoTable` text: `"key" is not a table`.
pub(crate) fn no_table(key: &str) -> String {
    format!("{} is not a table", crate::engine::gofmt::strconv::quote(key))
}

/// Helm's `Values.Table`: the table at a dotted path.
pub(crate) fn table(v: &MapRef, name: &str) -> Result<MapRef, String> {
    let mut t = v.clone();
    for part in name.split('.') {
        let next = match get(&t, part) {
            Some(Node::Map(m)) => m,
            _ => return Err(no_table(part)),
        };
        t = next;
    }
    Ok(t)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path, or
/// `None` (Helm's ErrNoValue).
pub(crate) fn path_value(v: &MapRef, path: &str) -> Option<Node> {
    if path.is_empty() {
        return None;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last()?;
    let t = if parents.is_empty() { v.clone() } else { table(v, &parents.join(".")).ok()? };
    match get(&t, key) {
        Some(Node::Map(_)) | None => None,
        Some(n) => Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_and_path_value_follow_helm() {
        let v = map_from_json(json!({"a": {"b": {"c": true}, "n": null}, "s": 1}).as_object().unwrap());
        assert!(table(&v, "a.b").is_ok());
        assert_eq!(table(&v, "a.x").unwrap_err(), "\"x\" is not a table");
        assert_eq!(table(&v, "s").unwrap_err(), "\"s\" is not a table");
        assert_eq!(path_value(&v, "a.b.c").unwrap().to_json(), json!(true));
        assert!(path_value(&v, "a.b").is_none());
        assert!(path_value(&v, "a.n").unwrap().is_null());
        assert_eq!(path_value(&v, "s").unwrap().to_json(), json!(1));
        assert!(path_value(&v, "missing.x").is_none());
    }
}
