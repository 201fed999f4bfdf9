//! Validating an object against a Kubernetes API type: unknown fields (with
//! a suggestion), JSON types, integer ranges, enum values, required fields,
//! quantities and base64 bytes. Messages follow the API server's wording
//! (apimachinery field.Error: `Unsupported value`, `Required value`, ...).

use serde_json::Value;

use super::formats;
use super::schema::{Additional, Node, Release, Ty};

/// A field path inside an object (`spec.containers[0].image`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Field(String),
    Key(String),
    Index(usize),
}

impl FieldPath {
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// A struct field.
    pub fn child(&self, name: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Field(name.to_string()));
        p
    }

    /// A map key (labels, annotations, resources.limits ...).
    pub fn key(&self, key: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON-path-like segments for position lookup: keys and indexes.
    pub fn segments(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|s| match s {
                Seg::Field(f) | Seg::Key(f) => f.clone(),
                Seg::Index(i) => format!("[{i}]"),
            })
            .collect()
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Field(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Seg::Key(k) => write!(f, "[{k}]")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem found in an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub path: FieldPath,
    pub message: String,
}

impl Violation {
    pub fn new(rule: &'static str, path: FieldPath, message: impl Into<String>) -> Violation {
        Violation { rule, path, message: message.into() }
    }
}

/// Go's names of JSON types, as encoding/json's errors print them.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A number with no fractional part (YAML numbers are read as float64).
pub fn as_integer(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.3e18).then_some(f as i64)
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

/// Validates values against one release's types.
pub struct Validator<'r> {
    pub release: &'r Release,
    pub out: Vec<Violation>,
}

impl<'r> Validator<'r> {
    pub fn new(release: &'r Release) -> Validator<'r> {
        Validator { release, out: Vec::new() }
    }

    /// Validate a whole object against its root type. `status` is skipped:
    /// the API server ignores it when objects are created.
    pub fn object(&mut self, obj: &Value, root: &Node) {
        let root = self.resolve(root);
        let Some(map) = obj.as_object() else {
            self.value(obj, root, &FieldPath::root());
            return;
        };
        let mut trimmed = map.clone();
        trimmed.remove("status");
        self.value(&Value::Object(trimmed), root, &FieldPath::root());
    }

    fn resolve<'n>(&self, node: &'n Node) -> &'n Node
    where
        'r: 'n,
    {
        let mut n = node;
        for _ in 0..8 {
            match &n.reference {
                Some(name) => match self.release.definition(name) {
                    Some(d) => n = d,
                    None => return n,
                },
                None => return n,
            }
        }
        n
    }

    fn push(&mut self, rule: &'static str, path: &FieldPath, message: String) {
        self.out.push(Violation::new(rule, path.clone(), message));
    }

    /// Validate one value against a node.
    pub fn value(&mut self, v: &Value, node: &Node, path: &FieldPath) {
        let node = self.resolve(node);
        if v.is_null() {
            return; // an unset optional field
        }
        match node.ty {
            Ty::Any => {}
            Ty::String => match v {
                Value::String(s) => {
                    if node.format.as_deref() == Some("byte") && !formats::is_base64(s) {
                        self.push("k8s-type", path, format!("Invalid value: {}: must be base64-encoded bytes", short(v)));
                    }
                    self.check_enum(v, node, path);
                }
                _ => self.wrong_type(v, "string", path),
            },
            Ty::Integer => match as_integer(v) {
                Some(i) => {
                    if node.format.as_deref() == Some("int32") && (i < i32::MIN as i64 || i > i32::MAX as i64) {
                        self.push("k8s-type", path, format!("Invalid value: {i}: must fit in a 32-bit integer"));
                    }
                }
                None => {
                    let want = if node.format.as_deref() == Some("int32") { "int32" } else { "int64" };
                    self.wrong_type(v, want, path)
                }
            },
            Ty::Number => {
                if !v.is_number() {
                    self.wrong_type(v, "number", path)
                }
            }
            Ty::Boolean => {
                if !v.is_boolean() {
                    self.wrong_type(v, "bool", path)
                }
            }
            Ty::IntOrString => {
                if !(v.is_string() || as_integer(v).is_some()) {
                    self.wrong_type(v, "an integer or a string", path)
                }
            }
            Ty::Quantity => match v {
                Value::String(s) if formats::is_quantity(s) => {}
                Value::Number(_) => {}
                Value::String(_) => self.push(
                    "k8s-quantity",
                    path,
                    format!("Invalid value: {}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", short(v)),
                ),
                _ => self.wrong_type(v, "a quantity (string or number)", path),
            },
            Ty::Array => match v {
                Value::Array(items) => {
                    if let Some(item) = &node.items {
                        for (i, x) in items.iter().enumerate() {
                            self.value(x, item, &path.index(i));
                        }
                    }
                }
                _ => self.wrong_type(v, "array", path),
            },
            Ty::Object => match v {
                Value::Object(map) => {
                    for req in &node.required {
                        if map.get(req).is_none_or(Value::is_null) {
                            self.push("k8s-required", &path.child(req), "Required value".to_string());
                        }
                    }
                    for (k, x) in map {
                        if let Some(p) = node.properties.get(k) {
                            self.value(x, p, &path.child(k));
                            continue;
                        }
                        match &node.additional {
                            Some(Additional::Schema(s)) => self.value(x, s, &path.key(k)),
                            Some(Additional::Allowed(false)) => {
                                let mut msg = format!("unknown field \"{k}\"");
                                if let Some(s) = formats::did_you_mean(k, node.properties.keys().map(String::as_str)) {
                                    msg.push_str(&format!(" (did you mean \"{s}\"?)"));
                                }
                                self.push("k8s-unknown-field", &path.child(k), msg);
                            }
                            _ => {}
                        }
                    }
                }
                _ => self.wrong_type(v, "object", path),
            },
        }
    }

    fn check_enum(&mut self, v: &Value, node: &Node, path: &FieldPath) {
        let Some(allowed) = &node.enum_values else { return };
        // "" is Go's zero value: the field counts as unset and is defaulted.
        if allowed.iter().any(|a| a == v) || v.as_str() == Some("") {
            return;
        }
        let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        let mut msg = format!("Unsupported value: {}: supported values: {}", short(v), list.join(", "));
        if let Some(s) = v.as_str() {
            let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            if let Some(best) = formats::did_you_mean(s, names.iter().copied()) {
                msg.push_str(&format!(" (did you mean \"{best}\"?)"));
            }
        }
        self.push("k8s-enum", path, msg);
    }

    fn wrong_type(&mut self, v: &Value, want: &str, path: &FieldPath) {
        let got = json_type(v);
        self.push("k8s-type", path, format!("expected {want}, got {got} {}", short(v)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::k8s::schema::catalog;
    use serde_json::json;

    fn check(obj: Value) -> Vec<(String, String, String)> {
        let r = catalog().release((1, 35));
        let root = r.root(obj["apiVersion"].as_str().unwrap(), obj["kind"].as_str().unwrap()).unwrap();
        let mut v = Validator::new(&r);
        v.object(&obj, root);
        v.out.into_iter().map(|x| (x.rule.to_string(), x.path.to_string(), x.message)).collect()
    }

    #[test]
    fn finds_typos_types_enums_and_required() {
        let out = check(json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {
                "replicas": "3",
                "selector": {"matchLabels": {"app": "x"}},
                "strategy": {"type": "RollingUpdates", "rollingUpdate": {"maxUnavaliable": 1}},
                "template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [
                    {"name": "c", "image": "nginx:1", "imagePullPolicy": "IfNotPresent",
                     "ports": [{"containerPort": 80.5}],
                     "resources": {"limits": {"cpu": "1 core", "memory": "1Gi"}}},
                    {"image": "x:1"}
                ]}}
            },
            "status": {"bogus": true}
        }));
        let has = |rule: &str, path: &str| out.iter().any(|(r, p, _)| r == rule && p == path);
        assert!(has("k8s-type", "spec.replicas"), "{out:?}");
        assert!(has("k8s-enum", "spec.strategy.type"), "{out:?}");
        assert!(has("k8s-unknown-field", "spec.strategy.rollingUpdate.maxUnavaliable"), "{out:?}");
        assert!(has("k8s-type", "spec.template.spec.containers[0].ports[0].containerPort"), "{out:?}");
        assert!(has("k8s-quantity", "spec.template.spec.containers[0].resources.limits[cpu]"), "{out:?}");
        assert!(has("k8s-required", "spec.template.spec.containers[1].name"), "{out:?}");
        let typo = out.iter().find(|(r, _, _)| r == "k8s-unknown-field").unwrap();
        assert!(typo.2.contains("did you mean \"maxUnavailable\""), "{typo:?}");
        let e = out.iter().find(|(r, _, _)| r == "k8s-enum").unwrap();
        assert!(e.2.contains("did you mean \"RollingUpdate\""), "{e:?}");
        assert_eq!(out.len(), 6, "{out:?}");
    }

    #[test]
    fn accepts_valid_objects_and_nulls() {
        let out = check(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "creationTimestamp": null, "labels": {"a": "b"}},
            "spec": {"type": "NodePort", "ports": [{"port": 80.0, "targetPort": "http", "protocol": "TCP"}],
                     "selector": {"a": "b"}, "clusterIP": null}
        }));
        assert!(out.is_empty(), "{out:?}");
        let out = check(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "bm90IGJhc2U2NA==", "bad": "!!"}}));
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].1, "data[bad]");
    }

    #[test]
    fn paths_display_like_kubernetes() {
        let p = FieldPath::root().child("spec").child("containers").index(0).child("env").key("x");
        assert_eq!(p.to_string(), "spec.containers[0].env[x]");
        assert_eq!(p.segments(), ["spec", "containers", "[0]", "env", "x"]);
    }
}
