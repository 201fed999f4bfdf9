//! The Kubernetes API schema kustomize consults (kyaml/openapi, built-in
//! Kubernetes v1.21.2): which kinds are cluster scoped, and for strategic
//! merge patches each field's type and its list merge strategy and keys
//! (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
//! `x-kubernetes-list-map-keys`).
//!
//! The table in `data/k8s_schema.txt` is generated from the swagger kyaml
//! embeds (see the scripts next to it); only fields that lead to objects or
//! carry a patch strategy are kept, which is all the merge walker reads.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("data/k8s_schema.txt");

/// A field's type in the schema.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A named definition.
    Def(String),
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

struct Schema {
    defs: HashMap<String, HashMap<String, Field>>,
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

fn schema() -> &'static Schema {
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
    schema().scope.get(api_version)?.get(kind).copied()
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
        let def = schema().by_type.get(&(api_version.to_string(), kind.to_string()))?;
        Some(SchemaRef { ty: TypeRef::Def(def.clone()), strategy: None, keys: Vec::new() })
    }

    /// ResourceSchema.Field: the schema of a field of an object, or of a
    /// map's values.
    pub fn field(&self, name: &str) -> Option<SchemaRef> {
        match &self.ty {
            TypeRef::Def(def) => {
                let f = schema().defs.get(def)?.get(name)?;
                Some(SchemaRef { ty: f.ty.clone(), strategy: f.strategy.clone(), keys: f.keys.clone() })
            }
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
