//! The Kubernetes API schema kustomize consults (kyaml/openapi, built-in
//! Kubernetes v1.21.2): which kinds are cluster scoped, and for strategic
//! merge patches each field's type and its list merge strategy and keys
//! (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
//! `x-kubernetes-list-map-keys`).
//!
//! The table in `data/k8s_schema.txt` is generated from the swagger kyaml
//! embeds (see the scripts next to it); only fields that lead to objects or
//! carry a patch strategy are kept, which is all the merge walker reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use super::error::KustomizeError;

const TABLE: &str = include_str!("data/k8s_schema.txt");

/// The fields of an object type.
pub type ObjDef = HashMap<String, Field>;

/// A field's type in the schema.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A named definition.
    Def(String),
    /// An object described in place (custom schemas).
    Obj(Arc<ObjDef>),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    Primitive,
}

/// One field of a definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub ty: TypeRef,
    /// `x-kubernetes-patch-strategy`, when present.
    pub strategy: Option<String>,
    /// The merge keys (`x-kubernetes-list-map-keys`, else the patch merge key).
    pub keys: Vec<String>,
}

pub struct Schema {
    defs: HashMap<String, ObjDef>,
    by_type: HashMap<(String, String), String>,
    /// apiVersion → kind → namespaced (borrowed from the table, no allocation on lookup).
    scope: HashMap<&'static str, HashMap<&'static str, bool>>,
}

fn parse_type(s: &str) -> TypeRef {
    if let Some(rest) = s.strip_prefix("[]") {
        TypeRef::Array(Box::new(parse_type(rest)))
    } else if let Some(rest) = s.strip_prefix("{}") {
        TypeRef::Map(Box::new(parse_type(rest)))
    } else if let Some(rest) = s.strip_prefix('>') {
        TypeRef::Def(rest.to_string())
    } else {
        TypeRef::Primitive
    }
}

fn split_type_meta(s: &str) -> (String, String) {
    let (av, kind) = s.split_once('|').unwrap_or((s, ""));
    (av.to_string(), kind.to_string())
}

fn builtin() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut s = Schema {
            defs: HashMap::new(),
            by_type: HashMap::new(),
            scope: HashMap::new(),
        };
        let mut current: Option<String> = None;
        for line in TABLE.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut parts = line.split(' ');
            let head = parts.next().unwrap_or("");
            match head {
                "D" => {
                    let name = parts.next().unwrap_or("").to_string();
                    for tm in parts {
                        s.by_type.insert(split_type_meta(tm), name.clone());
                    }
                    s.defs.entry(name.clone()).or_default();
                    current = Some(name);
                }
                "C" | "N" => {
                    for tm in parts {
                        let (av, kind) = tm.split_once('|').unwrap_or((tm, ""));
                        s.scope.entry(av).or_default().insert(kind, head == "N");
                    }
                }
                field => {
                    let ty = parse_type(parts.next().unwrap_or("_"));
                    let strategy = parts.next().map(str::to_string);
                    let keys = match parts.next() {
                        Some("-") | None => Vec::new(),
                        Some(k) => k.split(',').map(str::to_string).collect(),
                    };
                    if let Some(def) = &current {
                        s.defs.get_mut(def).expect("definition").insert(field.to_string(), Field { ty, strategy, keys });
                    }
                }
            }
        }
        s
    })
}

/// openapi.IsNamespaceScoped: `Some(true)` for namespaced kinds, `Some(false)`
/// for cluster-scoped ones, `None` for kinds the schema does not know.
pub fn is_namespace_scoped(api_version: &str, kind: &str) -> Option<bool> {
    builtin().scope.get(api_version)?.get(kind).copied()
}

thread_local! {
    /// A custom schema set by a kustomization's `openapi: {path: ...}` for
    /// the build running on this thread (kyaml keeps it in a global).
    static CUSTOM: RefCell<Option<Arc<Schema>>> = const { RefCell::new(None) };
    /// `openapi: {version: ...}` was given.
    static VERSION_SET: RefCell<bool> = const { RefCell::new(false) };
}

/// The built-in schema version.
pub const DEFAULT_VERSION: &str = "v1.21.2";

/// Back to the built-in schema (start of a build).
pub fn reset_schema() {
    CUSTOM.with(|c| *c.borrow_mut() = None);
    VERSION_SET.with(|v| *v.borrow_mut() = false);
}

/// openapi.SetSchema: a kustomization's `openapi:` field (`version`, or a
/// schema file's content for `path`). Without `reset`, a schema chosen
/// earlier in the build stays.
pub fn set_schema(version: Option<&str>, custom: Option<&[u8]>, reset: bool) -> Result<(), KustomizeError> {
    let is_set = CUSTOM.with(|c| c.borrow().is_some()) || VERSION_SET.with(|v| *v.borrow());
    if is_set && !reset {
        return Ok(());
    }
    if let Some(bytes) = custom {
        if version.is_some() {
            return Err(KustomizeError::msg("builtin version and custom schema provided, cannot use both"));
        }
        let schema = parse_custom(bytes)?;
        CUSTOM.with(|c| *c.borrow_mut() = Some(Arc::new(schema)));
        VERSION_SET.with(|v| *v.borrow_mut() = true);
        return Ok(());
    }
    let version = version.unwrap_or("");
    VERSION_SET.with(|v| *v.borrow_mut() = !version.is_empty());
    if version.is_empty() {
        return Ok(());
    }
    if version != DEFAULT_VERSION {
        return Err(KustomizeError::msg("the specified OpenAPI version is not built in"));
    }
    CUSTOM.with(|c| *c.borrow_mut() = None);
    Ok(())
}

/// Runs `f` with the schema in use on this thread.
fn with_schema<R>(f: impl FnOnce(&Schema) -> R) -> R {
    let custom = CUSTOM.with(|c| c.borrow().clone());
    match custom {
        Some(s) => f(&s),
        None => f(builtin()),
    }
}

/// A custom OpenAPI (swagger) document, JSON or YAML, as kyaml reads its
/// `definitions`.
fn parse_custom(bytes: &[u8]) -> Result<Schema, KustomizeError> {
    let text = String::from_utf8_lossy(bytes);
    let v: Json = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| KustomizeError::msg(e.to_string()))?
    } else {
        crate::kustomize::parse::yaml_to_json(&text).map_err(|e| KustomizeError::msg(e.message))?
    };
    let mut s = Schema { defs: HashMap::new(), by_type: HashMap::new(), scope: HashMap::new() };
    if let Some(defs) = v.get("definitions").and_then(|d| d.as_object()) {
        for (name, def) in defs {
            s.defs.insert(name.clone(), json_props(def));
            if let Some(gvks) = def.get("x-kubernetes-group-version-kind").and_then(|g| g.as_array()) {
                for g in gvks {
                    let group = g.get("group").and_then(|x| x.as_str()).unwrap_or("");
                    let version = g.get("version").and_then(|x| x.as_str()).unwrap_or("");
                    let kind = g.get("kind").and_then(|x| x.as_str()).unwrap_or("");
                    let av = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
                    s.by_type.insert((av, kind.to_string()), name.clone());
                }
            }
        }
    }
    Ok(s)
}

fn json_props(def: &Json) -> ObjDef {
    let mut out = ObjDef::new();
    if let Some(props) = def.get("properties").and_then(|p| p.as_object()) {
        for (name, p) in props {
            let strategy = p.get("x-kubernetes-patch-strategy").and_then(|x| x.as_str()).map(str::to_string);
            let keys = match p.get("x-kubernetes-list-map-keys").and_then(|x| x.as_array()) {
                Some(list) => list.iter().filter_map(|k| k.as_str().map(str::to_string)).collect(),
                None => p.get("x-kubernetes-patch-merge-key").and_then(|x| x.as_str()).map(|k| vec![k.to_string()]).unwrap_or_default(),
            };
            out.insert(name.clone(), Field { ty: json_type(p), strategy, keys });
        }
    }
    out
}

fn json_type(p: &Json) -> TypeRef {
    if let Some(r) = p.get("$ref").and_then(|x| x.as_str()) {
        return TypeRef::Def(r.trim_start_matches("#/definitions/").to_string());
    }
    let is_array = match p.get("type") {
        Some(Json::String(t)) => t == "array",
        Some(Json::Array(ts)) => ts.len() == 1 && ts[0] == "array",
        _ => false,
    };
    if is_array {
        if let Some(items) = p.get("items") {
            return TypeRef::Array(Box::new(json_type(items)));
        }
    }
    if let Some(ap) = p.get("additionalProperties").filter(|a| a.is_object()) {
        return TypeRef::Map(Box::new(json_type(ap)));
    }
    if p.get("properties").is_some() {
        return TypeRef::Obj(Arc::new(json_props(p)));
    }
    TypeRef::Primitive
}

/// openapi.IsCertainlyClusterScoped.
pub fn is_certainly_cluster_scoped(api_version: &str, kind: &str) -> bool {
    is_namespace_scoped(api_version, kind) == Some(false)
}

/// A position in the schema, as kyaml's ResourceSchema: an object
/// definition, a list, or a map, with the patch metadata of the field
/// that led here.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRef {
    pub ty: TypeRef,
    pub strategy: Option<String>,
    pub keys: Vec<String>,
}

impl SchemaRef {
    /// openapi.SchemaForResourceType.
    pub fn for_type(api_version: &str, kind: &str) -> Option<SchemaRef> {
        let def = with_schema(|s| s.by_type.get(&(api_version.to_string(), kind.to_string())).cloned())?;
        Some(SchemaRef { ty: TypeRef::Def(def), strategy: None, keys: Vec::new() })
    }

    /// ResourceSchema.Field: the schema of a field of an object, or of a
    /// map's values.
    pub fn field(&self, name: &str) -> Option<SchemaRef> {
        let from = |f: &Field| SchemaRef { ty: f.ty.clone(), strategy: f.strategy.clone(), keys: f.keys.clone() };
        match &self.ty {
            TypeRef::Def(def) => with_schema(|s| s.defs.get(def)?.get(name).map(from)),
            TypeRef::Obj(props) => props.get(name).map(from),
            TypeRef::Map(inner) => Some(SchemaRef { ty: (**inner).clone(), strategy: None, keys: Vec::new() }),
            _ => None,
        }
    }

    /// ResourceSchema.Elements: the schema of a list's items.
    pub fn elements(&self) -> Option<SchemaRef> {
        match &self.ty {
            TypeRef::Array(inner) => Some(SchemaRef { ty: (**inner).clone(), strategy: None, keys: Vec::new() }),
            _ => None,
        }
    }

    /// schemaHasMergeStrategy: the patch strategy includes `merge`.
    pub fn has_merge_strategy(&self) -> bool {
        self.strategy.as_deref().map(|s| s.split(',').any(|x| x == "merge")).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_scopes() {
        assert!(is_certainly_cluster_scoped("v1", "Namespace"));
        assert!(is_certainly_cluster_scoped("rbac.authorization.k8s.io/v1", "ClusterRole"));
        assert!(!is_certainly_cluster_scoped("apps/v1", "Deployment"));
        assert_eq!(is_namespace_scoped("example.com/v1", "Foo"), None);
    }

    #[test]
    fn finds_merge_keys_through_the_pod_template() {
        let d = SchemaRef::for_type("apps/v1", "Deployment").unwrap();
        let containers = d.field("spec").unwrap().field("template").unwrap().field("spec").unwrap().field("containers").unwrap();
        assert!(containers.has_merge_strategy());
        assert_eq!(containers.keys, vec!["name"]);
        let ports = containers.elements().unwrap().field("ports").unwrap();
        assert_eq!(ports.keys, vec!["containerPort", "protocol"]);
    }
}
