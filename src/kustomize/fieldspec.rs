//! Field specs and transformer configuration (kustomize api/types FieldSpec,
//! internal/plugins/builtinconfig TransformerConfig): which fields of which
//! kinds each built-in transformer touches, the defaults kustomize ships,
//! merging with `configurations:` files, and the field-path walk that
//! applies a setter at each matching field (api/filters/fieldspec).

use serde_json::Value as Json;

use super::error::KustomizeError;
use super::node::{Node, Scalar, Tag};
use super::resource::{Gvk, ResId, Resource};

const DEFAULT_CONFIG: &str = include_str!("data/default_fieldspecs.yaml");

/// One kustomizable field: a path in objects of some GVK.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSpec {
    pub gvk: Gvk,
    pub path: String,
    pub create: bool,
}

impl FieldSpec {
    pub fn new(path: &str, create: bool) -> FieldSpec {
        FieldSpec { gvk: Gvk::default(), path: path.to_string(), create }
    }

    /// FieldSpec.effectivelyEquals: `o`'s GVK selects this one, same path.
    /// (Not symmetric: an existing spec for a kind swallows a later
    /// kind-less spec for the same path, as in kustomize.)
    fn effectively_equals(&self, o: &FieldSpec) -> bool {
        self.gvk.is_selected(&o.gvk) && self.path == o.path
    }

    fn from_json(v: &Json) -> Result<FieldSpec, KustomizeError> {
        let obj = v.as_object().ok_or_else(|| KustomizeError::msg("fieldSpec must be a mapping"))?;
        for k in obj.keys() {
            if !matches!(k.as_str(), "group" | "version" | "kind" | "path" | "create") {
                return Err(KustomizeError::msg(format!(
                    "error unmarshaling JSON: while decoding JSON: json: unknown field \"{k}\""
                )));
            }
        }
        let s = |k: &str| obj.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        Ok(FieldSpec {
            gvk: Gvk::new(s("group"), s("version"), s("kind")),
            path: s("path"),
            create: obj.get("create").and_then(|x| x.as_bool()).unwrap_or(false),
        })
    }
}

/// FsSlice.MergeOne: add unless an equivalent spec is present (a spec that
/// differs only in `create` is a conflict).
pub fn merge_one(list: &mut Vec<FieldSpec>, fs: FieldSpec) -> Result<(), KustomizeError> {
    if let Some(existing) = list.iter().find(|x| x.effectively_equals(&fs)) {
        if existing.create != fs.create {
            return Err(KustomizeError::msg("conflicting fieldspecs"));
        }
        return Ok(());
    }
    list.push(fs);
    Ok(())
}

pub fn merge_all(list: &mut Vec<FieldSpec>, incoming: &[FieldSpec]) -> Result<(), KustomizeError> {
    for fs in incoming {
        merge_one(list, fs.clone())?;
    }
    Ok(())
}

fn sort_specs(list: &mut [FieldSpec]) {
    // Go sorts these with sort.Sort (not stable); specs with equal GVKs
    // touch different paths, so their relative order changes nothing.
    list.sort_by(|a, b| gvk_cmp(&a.gvk, &b.gvk));
}

fn gvk_cmp(a: &Gvk, b: &Gvk) -> std::cmp::Ordering {
    if a.is_less_than(b) {
        std::cmp::Ordering::Less
    } else if b.is_less_than(a) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// A referral target kind and the fields of other kinds that name it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NameBackReferences {
    pub gvk: Gvk,
    pub referrers: Vec<FieldSpec>,
}

/// TransformerConfig.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackReferences>,
    pub var_reference: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
}

impl TransformerConfig {
    /// The built-in defaults (MakeDefaultConfig).
    pub fn default_config() -> TransformerConfig {
        static DEFAULT: std::sync::OnceLock<TransformerConfig> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| TransformerConfig::from_yaml(DEFAULT_CONFIG).expect("built-in transformer config parses"))
            .clone()
    }

    /// makeTransformerConfigFromBytes: strict YAML (sigs.k8s.io/yaml) into the config, sorted.
    pub fn from_yaml(text: &str) -> Result<TransformerConfig, KustomizeError> {
        let v = crate::kustomize::parse::yaml_to_json(text).map_err(|e| KustomizeError::msg(e.message))?;
        let mut t = TransformerConfig::default();
        let Some(obj) = v.as_object() else {
            if v.is_null() {
                return Ok(t);
            }
            return Err(KustomizeError::msg("error unmarshaling JSON: transformer config must be a mapping"));
        };
        let specs = |v: &Json| -> Result<Vec<FieldSpec>, KustomizeError> {
            match v {
                Json::Null => Ok(Vec::new()),
                Json::Array(items) => items.iter().map(FieldSpec::from_json).collect(),
                _ => Err(KustomizeError::msg("error unmarshaling JSON: fieldSpecs must be a list")),
            }
        };
        for (k, val) in obj {
            match k.as_str() {
                "namePrefix" => t.name_prefix = specs(val)?,
                "nameSuffix" => t.name_suffix = specs(val)?,
                "namespace" => t.namespace = specs(val)?,
                "commonLabels" => t.common_labels = specs(val)?,
                "labels" => t.labels = specs(val)?,
                "templateLabels" => t.template_labels = specs(val)?,
                "commonAnnotations" => t.common_annotations = specs(val)?,
                "varReference" => t.var_reference = specs(val)?,
                "images" => t.images = specs(val)?,
                "replicas" => t.replicas = specs(val)?,
                "nameReference" => {
                    for item in val.as_array().cloned().unwrap_or_default() {
                        let s = |kk: &str| item.get(kk).and_then(|x| x.as_str()).unwrap_or("").to_string();
                        t.name_reference.push(NameBackReferences {
                            gvk: Gvk::new(s("group"), s("version"), s("kind")),
                            referrers: specs(item.get("fieldSpecs").unwrap_or(&Json::Null))?,
                        });
                    }
                }
                other => {
                    return Err(KustomizeError::msg(format!(
                        "error unmarshaling JSON: while decoding JSON: json: unknown field \"{other}\""
                    )))
                }
            }
        }
        t.sort_fields();
        Ok(t)
    }

    fn sort_fields(&mut self) {
        for l in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.labels,
            &mut self.template_labels,
            &mut self.common_annotations,
            &mut self.var_reference,
            &mut self.images,
            &mut self.replicas,
        ] {
            sort_specs(l);
        }
        self.name_reference.sort_by(|a, b| gvk_cmp(&a.gvk, &b.gvk));
    }

    /// TransformerConfig.Merge: union of both, sorted.
    pub fn merge(&self, input: &TransformerConfig) -> Result<TransformerConfig, KustomizeError> {
        let mut m = self.clone();
        merge_all(&mut m.name_prefix, &input.name_prefix)?;
        merge_all(&mut m.name_suffix, &input.name_suffix)?;
        merge_all(&mut m.namespace, &input.namespace)?;
        merge_all(&mut m.common_annotations, &input.common_annotations)?;
        merge_all(&mut m.common_labels, &input.common_labels)?;
        merge_all(&mut m.labels, &input.labels)?;
        merge_all(&mut m.template_labels, &input.template_labels)?;
        merge_all(&mut m.var_reference, &input.var_reference)?;
        for nbr in &input.name_reference {
            match m.name_reference.iter_mut().find(|x| x.gvk == nbr.gvk) {
                Some(existing) => merge_all(&mut existing.referrers, &nbr.referrers)?,
                None => m.name_reference.push(nbr.clone()),
            }
        }
        merge_all(&mut m.images, &input.images)?;
        merge_all(&mut m.replicas, &input.replicas)?;
        m.sort_fields();
        Ok(m)
    }
}

/// What kind of node to create for a missing field at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CreateKind {
    None,
    Scalar,
    Map,
}

/// kyaml utils.PathSplitter: split at `/`, except `\/`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut ps: Vec<&str> = path.split('/').collect();
    if ps.len() > 1 && ps[0].is_empty() {
        ps.remove(0);
    }
    let mut res: Vec<String> = vec![ps[0].to_string()];
    for p in &ps[1..] {
        let last = res.last_mut().expect("non-empty");
        if last.ends_with('\\') {
            last.pop();
            last.push('/');
            last.push_str(p);
        } else {
            res.push(p.to_string());
        }
    }
    res
}

/// fieldspec isMatchGVK: does the spec's GVK select this object?
pub fn matches_gvk(fs: &FieldSpec, obj: &Node) -> bool {
    let kind = obj.get("kind").map(|k| k.value()).unwrap_or("");
    if !fs.gvk.kind.is_empty() && fs.gvk.kind != kind {
        return false;
    }
    let av = obj.get("apiVersion").map(|k| k.value()).unwrap_or("");
    let (g, v) = Gvk::parse_group_version(av);
    if !fs.gvk.group.is_empty() && fs.gvk.group != g {
        return false;
    }
    if !fs.gvk.version.is_empty() && fs.gvk.version != v {
        return false;
    }
    true
}

/// fieldspec.Filter: walk `fs.path` in `obj` (if the GVK matches) and call
/// `set` on every node the path reaches, creating missing fields when the
/// spec says so.
pub fn apply_fieldspec(
    obj: &mut Node,
    fs: &FieldSpec,
    create_kind: CreateKind,
    create_tag: Tag,
    set: &mut dyn FnMut(&mut Node) -> Result<(), KustomizeError>,
) -> Result<(), KustomizeError> {
    if !matches_gvk(fs, obj) {
        return Ok(());
    }
    let path = split_path(&fs.path);
    // The id for the error message, taken before the walk changes the object.
    let kind = obj.get("kind").map(|k| k.value().to_string()).unwrap_or_default();
    let api_version = obj.get("apiVersion").map(|k| k.value().to_string()).unwrap_or_default();
    let meta = |f: &str| {
        obj.get("metadata").and_then(|m| m.get(f)).filter(|v| !v.is_nil_or_empty()).map(|v| v.value().to_string()).unwrap_or_default()
    };
    let (name, namespace) = (meta("name"), meta("namespace"));
    walk(obj, &path, fs.create, create_kind, &create_tag, set).map_err(|e| {
        let id = ResId::new(Gvk::from_api_version(&api_version, &kind), name, namespace);
        e.wrap(format!("considering field '{}' of object {}", fs.path, id))
    })
}

/// resid.FromRNode.
pub fn resid_of(obj: &Node) -> ResId {
    let r = Resource::new(obj.clone());
    r.cur_id()
}

fn walk(
    node: &mut Node,
    path: &[String],
    create: bool,
    create_kind: CreateKind,
    create_tag: &Tag,
    set: &mut dyn FnMut(&mut Node) -> Result<(), KustomizeError>,
) -> Result<(), KustomizeError> {
    if path.is_empty() {
        return set(node);
    }
    if node.is_null() {
        return Ok(());
    }
    match node {
        Node::Seq(items) => {
            for item in items.iter_mut() {
                walk(item, path, create, create_kind, create_tag, set)
                    .map_err(|e| e.wrap(format!("visit traversal on path: [{}]", path.join(" "))))?;
            }
            Ok(())
        }
        Node::Map(_) => {
            let (name, is_seq) = match path[0].strip_suffix("[]") {
                Some(n) => (n.to_string(), true),
                None => (path[0].clone(), false),
            };
            if name.is_empty() {
                return Err(KustomizeError::msg("cannot set or create an empty field name"));
            }
            let lookup_only = !create || create_kind == CreateKind::None || is_seq;
            // What a null field turns into, and what to create when missing.
            let (convert, create_node) = if lookup_only {
                (if is_seq { Some(Node::Seq(Vec::new())) } else { None }, None)
            } else if path.len() <= 1 {
                match create_kind {
                    CreateKind::Map => (Some(Node::Map(Vec::new())), Some(Node::Map(Vec::new()))),
                    _ => (Some(Node::Scalar(Scalar::new("", create_tag.clone()))), Some(Node::plain(""))),
                }
            } else {
                (Some(Node::Map(Vec::new())), Some(Node::Map(Vec::new())))
            };
            let Some(field) = get_or_create(node, &name, create_node).map_err(|e| e.wrap(format!("fieldName: {name}")))? else {
                return Ok(());
            };
            if field.is_null() {
                if let Some(c) = convert {
                    *field = c;
                }
            }
            walk(field, &path[1..], create, create_kind, create_tag, set)
        }
        Node::Scalar(_) => Err(KustomizeError::msg("expected sequence or mapping node")),
    }
}

/// PathGetter with one part on a mapping: `Get(name)`, or
/// `LookupCreate(kind, name)` appending `create` when the field is absent.
/// A numeric part would index a list, which a mapping is not.
pub fn get_or_create<'a>(node: &'a mut Node, name: &str, create: Option<Node>) -> Result<Option<&'a mut Node>, KustomizeError> {
    if name.parse::<i64>().is_ok() || name == "-" {
        return Err(KustomizeError::msg(format!(
            "wrong node kind: expected SequenceNode but got {}",
            node.kind_name()
        )));
    }
    let Node::Map(entries) = node else {
        return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", node.kind_name())));
    };
    match entries.iter().position(|(k, _)| k.value == name) {
        Some(i) => Ok(Some(&mut entries[i].1)),
        None => match create {
            Some(c) => {
                entries.push((Scalar::plain(name), c));
                Ok(entries.last_mut().map(|(_, v)| v))
            }
            None => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::parse::parse_documents;

    #[test]
    fn splits_escaped_slashes() {
        assert_eq!(split_path("metadata/annotations/a.io\\/b"), vec!["metadata", "annotations", "a.io/b"]);
        assert_eq!(split_path("/spec/x"), vec!["spec", "x"]);
    }

    #[test]
    fn default_config_loads_and_is_sorted() {
        let c = TransformerConfig::default_config();
        assert_eq!(c.name_prefix.len(), 1);
        assert!(c.name_reference.iter().any(|n| n.gvk.kind == "ConfigMap"));
        // Namespace-kind specs sort before Deployment ones (legacy order).
        let kinds: Vec<&str> = c.namespace.iter().map(|f| f.gvk.kind.as_str()).collect();
        assert_eq!(kinds, vec!["Namespace", "CustomResourceDefinition", "APIService"]);
    }

    #[test]
    fn walks_lists_and_creates_fields() {
        let mut n = parse_documents("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - image: a\n      - image: b\n").unwrap().remove(0);
        let fs = FieldSpec::new("spec/template/spec/containers[]/image", true);
        let mut seen = Vec::new();
        apply_fieldspec(&mut n, &fs, CreateKind::Scalar, Tag::Str, &mut |v: &mut Node| {
            seen.push(v.value().to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, vec!["a", "b"]);
        let fs = FieldSpec::new("metadata/labels", true);
        apply_fieldspec(&mut n, &fs, CreateKind::Map, Tag::None, &mut |v: &mut Node| {
            v.set("x", Node::string("y"));
            Ok(())
        })
        .unwrap();
        assert_eq!(n.get_path(&["metadata", "labels", "x"]).unwrap().value(), "y");
    }
}
