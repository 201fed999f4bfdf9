//! Custom resources validated against a CustomResourceDefinition found in
//! the same input: the version's `schema.openAPIV3Schema` (a structural
//! schema: type, properties, required, items, enum, additionalProperties,
//! nullable, x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string,
//! x-kubernetes-embedded-resource). Value validations the API server runs
//! (pattern, minimum, CEL rules ...) are not checked.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::formats;
use super::validate::{as_integer, json_type, FieldPath, Violation};

/// The CRDs of one input: `group/version` + kind → schema.
#[derive(Debug, Default)]
pub struct CrdIndex {
    schemas: HashMap<(String, String), Option<CrdSchema>>,
}

/// A schema inside a CRD object (shared, not copied: a render's index is
/// built afresh for each values file, and CRDs run to megabytes).
#[derive(Debug)]
struct CrdSchema {
    crd: Arc<Value>,
    at: SchemaAt,
}

#[derive(Debug, Clone, Copy)]
enum SchemaAt {
    /// `spec.versions[i].schema.openAPIV3Schema`
    Version(usize),
    /// `spec.validation.openAPIV3Schema` (apiextensions.k8s.io/v1beta1)
    Validation,
}

impl CrdSchema {
    fn get(&self) -> &Value {
        let spec = &self.crd["spec"];
        match self.at {
            SchemaAt::Version(i) => &spec["versions"][i]["schema"]["openAPIV3Schema"],
            SchemaAt::Validation => &spec["validation"]["openAPIV3Schema"],
        }
    }
}

impl CrdIndex {
    /// Add every served version of a `CustomResourceDefinition` object.
    pub fn add(&mut self, crd: &Arc<Value>) {
        let spec = &crd["spec"];
        let Some(group) = spec["group"].as_str() else { return };
        let Some(kind) = spec["names"]["kind"].as_str() else { return };
        let validation = spec["validation"]["openAPIV3Schema"].is_object();
        let schema = |at| Some(CrdSchema { crd: Arc::clone(crd), at });
        for (i, ver) in spec["versions"].as_array().into_iter().flatten().enumerate() {
            let Some(name) = ver["name"].as_str() else { continue };
            let found = if ver["schema"]["openAPIV3Schema"].is_object() {
                schema(SchemaAt::Version(i))
            } else if validation {
                schema(SchemaAt::Validation)
            } else {
                None
            };
            self.schemas.insert((format!("{group}/{name}"), kind.to_string()), found);
        }
        // apiextensions.k8s.io/v1beta1 CRDs: spec.version + spec.validation.
        if let Some(name) = spec["version"].as_str() {
            self.schemas
                .entry((format!("{group}/{name}"), kind.to_string()))
                .or_insert_with(|| if validation { schema(SchemaAt::Validation) } else { None });
        }
    }

    /// Whether a CRD in the input defines `apiVersion`/`kind`.
    pub fn defines(&self, api_version: &str, kind: &str) -> bool {
        self.schemas.contains_key(&(api_version.to_string(), kind.to_string()))
    }

    /// Whether a CRD in the input defines `kind` in another version of the
    /// group (`example.com/v2` when `example.com/v1` is asked).
    pub fn other_versions(&self, api_version: &str, kind: &str) -> Vec<String> {
        let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let mut out: Vec<String> = self
            .schemas
            .keys()
            .filter(|(av, k)| k == kind && av.rsplit_once('/').map(|(g, _)| g) == Some(group) && av != api_version)
            .map(|(av, _)| av.clone())
            .collect();
        out.sort();
        out
    }

    /// Validate a custom resource (everything but `apiVersion`, `kind`,
    /// `metadata` and `status`).
    pub fn validate(&self, obj: &Value, api_version: &str, kind: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let Some(Some(schema)) = self.schemas.get(&(api_version.to_string(), kind.to_string())) else {
            return out;
        };
        let schema = schema.get();
        let Some(map) = obj.as_object() else { return out };
        let mut body = map.clone();
        for k in ["apiVersion", "kind", "metadata", "status"] {
            body.remove(k);
        }
        // The root's apiVersion/kind/metadata/status are not the schema's
        // business (metadata is checked as ObjectMeta).
        check_with(&Value::Object(body), schema, &FieldPath::root(), &mut out, true);
        out
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn check(v: &Value, schema: &Value, path: &FieldPath, out: &mut Vec<Violation>) {
    check_with(v, schema, path, out, false)
}

fn check_with(v: &Value, schema: &Value, path: &FieldPath, out: &mut Vec<Violation>, root: bool) {
    if v.is_null() {
        return;
    }
    if flag(schema, "x-kubernetes-int-or-string") {
        if !(v.is_string() || as_integer(v).is_some()) {
            out.push(Violation::new("k8s-type", path.clone(), format!("expected an integer or a string, got {}", json_type(v))));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.iter().any(|a| a == v) {
            let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
            out.push(Violation::new("k8s-enum", path.clone(), format!("Unsupported value: {v}: supported values: {}", list.join(", "))));
        }
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let ok = match ty {
        "" => true,
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => as_integer(v).is_some(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    };
    if !ok {
        out.push(Violation::new("k8s-type", path.clone(), format!("expected {ty}, got {} {v}", json_type(v))));
        return;
    }
    match v {
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items").filter(|s| s.is_object()) {
                for (i, x) in items.iter().enumerate() {
                    check(x, item_schema, &path.index(i), out);
                }
            }
        }
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(r) = req.as_str() {
                    if root && matches!(r, "apiVersion" | "kind" | "metadata" | "status") {
                        continue;
                    }
                    // The API server fills a missing (or null) field that
                    // has a default before it validates (structural
                    // defaulting), so such a field is never missing.
                    let defaulted = props.and_then(|p| p.get(r)).is_some_and(|p| p.get("default").is_some());
                    if map.get(r).is_none_or(Value::is_null) && !defaulted {
                        out.push(Violation::new("k8s-required", path.child(r), "Required value"));
                    }
                }
            }
            let additional = schema.get("additionalProperties");
            let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
            let embedded = flag(schema, "x-kubernetes-embedded-resource");
            for (k, x) in map {
                if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status") {
                    continue;
                }
                if let Some(p) = props.and_then(|p| p.get(k)) {
                    check(x, p, &path.child(k), out);
                    continue;
                }
                if embedded && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match additional {
                    Some(s @ Value::Object(_)) => check(x, s, &path.key(k), out),
                    Some(Value::Bool(true)) => {}
                    _ => {
                        // Unknown fields are pruned (an error with strict
                        // field validation) only where the schema lists
                        // properties and does not preserve unknown fields.
                        if let Some(props) = props {
                            if !preserve && !props.is_empty() {
                                let mut msg = format!("unknown field \"{k}\"");
                                if let Some(s) = formats::did_you_mean(k, props.keys().map(String::as_str)) {
                                    msg.push_str(&format!(" (did you mean \"{s}\"?)"));
                                }
                                out.push(Violation::new("k8s-unknown-field", path.child(k), msg));
                            }
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn index() -> CrdIndex {
        let mut idx = CrdIndex::default();
        idx.add(&Arc::new(json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "scope": "Namespaced",
                "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {"spec": {"type": "object", "required": ["size", "replicas"], "properties": {
                        "size": {"type": "integer"},
                        "replicas": {"type": "integer", "default": 1},
                        "color": {"type": "string", "enum": ["red", "blue"]},
                        "port": {"x-kubernetes-int-or-string": true},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}}
                    }}}
                }}}]}
        })));
        idx
    }

    #[test]
    fn validates_custom_resources() {
        let idx = index();
        assert!(idx.defines("example.com/v1", "Widget"));
        assert_eq!(idx.other_versions("example.com/v2", "Widget"), ["example.com/v1"]);
        let good = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"size": 3.0, "color": "red", "port": "http", "extra": {"any": 1}, "labels": {"a": "b"}}});
        assert!(idx.validate(&good, "example.com/v1", "Widget").is_empty());
        let bad = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"colour": "red", "color": "green", "port": 1.5, "labels": {"a": 1}}});
        let got: Vec<(String, &str)> =
            idx.validate(&bad, "example.com/v1", "Widget").iter().map(|v| (v.path.to_string(), v.rule)).collect();
        assert!(got.contains(&("spec.size".into(), "k8s-required")), "{got:?}");
        assert!(got.contains(&("spec.colour".into(), "k8s-unknown-field")), "{got:?}");
        assert!(got.contains(&("spec.color".into(), "k8s-enum")), "{got:?}");
        assert!(got.contains(&("spec.port".into(), "k8s-type")), "{got:?}");
        assert!(got.contains(&("spec.labels[a]".into(), "k8s-type")), "{got:?}");
        // `replicas` is required too, but has a default the API server fills.
        assert_eq!(got.len(), 5);
    }
}
