//! The simple built-in transformers (kustomize api/internal/builtins and
//! api/filters): namespace, name prefix/suffix, labels, annotations,
//! replica counts and image tags. Each walks its field specs with
//! [`apply_fieldspec`] and sets values the way kyaml's setters do.

use std::collections::BTreeMap;

use regex::Regex;

use super::error::KustomizeError;
use super::fieldspec::{apply_fieldspec, CreateKind, FieldSpec};
use super::kustomization::{Image, Replica};
use super::node::{Node, Scalar, Tag};
use super::resmap::ResMap;
use super::resource::Gvk;

/// filtersutil.SetEntry("", value, tag): replace a scalar (keeping its style).
fn set_scalar(node: &mut Node, value: &str, tag: Tag) -> Result<(), KustomizeError> {
    if !node.is_null() && !matches!(node, Node::Scalar(_)) {
        return Err(KustomizeError::msg(format!("wrong node kind: expected ScalarNode but got {}", node.kind_name())));
    }
    node.set_scalar(Node::Scalar(Scalar::new(value, tag)));
    Ok(())
}

/// filtersutil.SetEntry(key, value, tag) on a mapping.
fn set_entry(node: &mut Node, key: &str, value: &str, tag: Tag) -> Result<(), KustomizeError> {
    if node.is_null() {
        return Ok(());
    }
    if !matches!(node, Node::Map(_)) {
        return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", node.kind_name())));
    }
    node.set(key, Node::Scalar(Scalar::new(value, tag)));
    Ok(())
}

/// How the namespace transformer treats (Cluster)RoleBinding subjects.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum SubjectMode {
    /// Subjects named `default` (kustomize's default).
    #[default]
    DefaultOnly,
    AllServiceAccounts,
    None,
}

/// NamespaceTransformer (filters/namespace) as the `namespace:` field runs it.
pub fn namespace(m: &mut ResMap, ns: &str, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    namespace_with(m, ns, specs, false, SubjectMode::DefaultOnly)
}

/// NamespaceTransformer with its plugin options (`unsetOnly`,
/// `setRoleBindingSubjects`).
pub fn namespace_with(m: &mut ResMap, ns: &str, specs: &[FieldSpec], unset_only: bool, mode: SubjectMode) -> Result<(), KustomizeError> {
    if ns.is_empty() {
        return Ok(());
    }
    let setter = |n: &mut Node| -> Result<(), KustomizeError> {
        // SetEntryIfEmpty skips scalars that already have a value.
        if unset_only && !n.is_null() && matches!(n, Node::Scalar(_)) && !n.get_value().is_empty() {
            return Ok(());
        }
        set_scalar(n, ns, Tag::Str)
    };
    for i in 0..m.list.len() {
        if m.list[i].is_nil_or_empty() {
            continue;
        }
        m.list[i].store_previous_id();
        let r = &mut m.list[i];
        let api_version = r.api_version();
        let gvk = r.gvk();
        // removeUnneededMetaFieldSpecs.
        let mut fss: Vec<FieldSpec> = specs
            .iter()
            .filter(|f| f.path != "metadata/namespace" && !(api_version != "v1" && f.path == "metadata/name"))
            .cloned()
            .collect();
        // metaNamespaceHack: namespaced kinds get metadata.namespace.
        if !gvk.is_cluster_scoped() {
            let fs = FieldSpec::new("metadata/namespace", true);
            apply_fieldspec(&mut r.node, &fs, CreateKind::Scalar, Tag::None, &mut |n: &mut Node| setter(n))?;
        }
        if gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding" {
            fss.retain(|f| !((f.gvk.kind == "RoleBinding" || f.gvk.kind == "ClusterRoleBinding") && f.path == "subjects/namespace"));
            // roleBindingHack.
            if mode != SubjectMode::None {
                if let Some(Node::Seq(subjects)) = r.node.get_mut("subjects") {
                    for s in subjects.iter_mut() {
                        let wanted = match mode {
                            SubjectMode::DefaultOnly => s.get("name").map(|n| n.value() == "default").unwrap_or(false),
                            _ => s.get("kind").map(|n| n.value() == "ServiceAccount").unwrap_or(false),
                        };
                        if !wanted || !matches!(s, Node::Map(_)) {
                            continue;
                        }
                        if s.get("namespace").is_none() {
                            s.set("namespace", Node::plain(""));
                        }
                        if let Some(n) = s.get_mut("namespace") {
                            setter(n)?;
                        }
                    }
                }
            }
        }
        for fs in &fss {
            apply_fieldspec(&mut r.node, fs, CreateKind::Scalar, Tag::Str, &mut |n: &mut Node| setter(n)).map_err(|e| {
                if e.to_string().contains("wrong node kind") {
                    e.wrap("namespace field specs must target scalar nodes")
                } else {
                    e.wrap("namespace transformation failed")
                }
            })?;
        }
        let id = m.list[i].cur_id();
        let matches: Vec<usize> = (0..m.list.len()).filter(|&j| m.list[j].cur_id_equals(&id)).collect();
        if matches.len() != 1 {
            return Err(KustomizeError::msg(format!(
                "namespace transformation produces ID conflict: {}",
                matches.iter().map(|&j| m.list[j].cur_id().to_string()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    Ok(())
}

/// PrefixTransformer (`is_prefix`) or SuffixTransformer.
pub fn prefix_suffix(m: &mut ResMap, value: &str, is_prefix: bool, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    let skip = [Gvk::from_kind("CustomResourceDefinition"), Gvk::new("apiregistration.k8s.io", "", "APIService"), Gvk::from_kind("Namespace")];
    for r in m.list.iter_mut() {
        let id = r.org_id();
        if skip.iter().any(|g| id.gvk.is_selected(g)) {
            continue;
        }
        for fs in specs {
            if !id.gvk.is_selected(&fs.gvk) {
                continue;
            }
            if fs.path == "metadata/name" {
                if is_prefix {
                    r.add_name_prefix(value);
                } else {
                    r.add_name_suffix(value);
                }
                if !value.is_empty() {
                    r.store_previous_id();
                }
            }
            apply_fieldspec(&mut r.node, fs, CreateKind::Scalar, Tag::Str, &mut |n: &mut Node| {
                let v = if is_prefix { format!("{value}{}", n.value()) } else { format!("{}{value}", n.value()) };
                set_scalar(n, &v, Tag::None)
            })?;
        }
    }
    Ok(())
}

/// LabelTransformer (filters/labels): each label set as a string at every spec.
pub fn labels(m: &mut ResMap, pairs: &BTreeMap<String, String>, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    set_map_entries(m, pairs, specs)
}

/// AnnotationsTransformer (filters/annotations).
pub fn annotations(m: &mut ResMap, pairs: &BTreeMap<String, String>, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    set_map_entries(m, pairs, specs)
}

fn set_map_entries(m: &mut ResMap, pairs: &BTreeMap<String, String>, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    if pairs.is_empty() {
        return Ok(());
    }
    for r in m.list.iter_mut() {
        for (k, v) in pairs {
            for fs in specs {
                apply_fieldspec(&mut r.node, fs, CreateKind::Map, Tag::Other("!!map".into()), &mut |n: &mut Node| {
                    set_entry(n, k, v, Tag::Str)
                })?;
            }
        }
        // Drop resources emptied by nothing; ApplyFilter keeps the list otherwise.
    }
    m.list.retain(|r| !r.is_nil_or_empty());
    Ok(())
}

/// ReplicaCountTransformer.
pub fn replicas(m: &mut ResMap, replica: &Replica, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    let mut found = false;
    for fs in specs {
        let matches = m.indexes_by_any_id(|id| id.name == replica.name && id.gvk.is_selected(&fs.gvk));
        if matches.is_empty() {
            continue;
        }
        found = true;
        for i in matches {
            let count = replica.count.to_string();
            apply_fieldspec(&mut m.list[i].node, fs, CreateKind::Scalar, Tag::Int, &mut |n: &mut Node| {
                set_scalar(n, &count, Tag::Int)
            })?;
        }
    }
    if !found {
        let gvks: Vec<String> = specs.iter().map(|f| f.gvk.to_string()).collect();
        return Err(KustomizeError::msg(format!(
            "resource with name {} does not match a config with the following GVK [{}]",
            replica.name,
            gvks.join(" ")
        )));
    }
    Ok(())
}

/// image.IsImageMatched: the name (a Go regexp, unescaped) with an optional tag and digest.
fn image_matches(value: &str, name: &str) -> bool {
    match Regex::new(&format!("^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$")) {
        Ok(re) => re.is_match(value),
        Err(_) => false,
    }
}

/// image.Split: name, tag and digest of an image reference.
pub fn split_image(image: &str) -> (String, String, String) {
    let (search, slash) = match image.find('/') {
        Some(i) if i > 0 => (&image[i..], i),
        _ => (image, 0),
    };
    let id = search.find('@');
    let ic = search.find(':');
    match (id, ic) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(d), c) if c.map(|c| d < c).unwrap_or(true) => {
            let d = d + slash;
            (image[..d].to_string(), String::new(), image[d + 1..].to_string())
        }
        (Some(d), Some(c)) => {
            let (d, c) = (d + slash, c + slash);
            (image[..c].to_string(), image[c + 1..d].to_string(), image[d + 1..].to_string())
        }
        (None, Some(c)) => {
            let c = c + slash;
            (image[..c].to_string(), image[c + 1..].to_string(), String::new())
        }
        (Some(_), None) => unreachable!("covered above"),
    }
}

/// imageTagUpdater.SetImageValue.
fn update_image(node: &mut Node, img: &Image) -> Result<(), KustomizeError> {
    if !node.is_null() && !matches!(node, Node::Scalar(_)) {
        return Err(KustomizeError::msg(format!("wrong node kind: expected ScalarNode but got {}", node.kind_name())));
    }
    let value = node.value().to_string();
    if !image_matches(&value, &img.name) {
        return Ok(());
    }
    let (mut name, mut tag, mut digest) = split_image(&value);
    if !img.new_name.is_empty() {
        name = img.new_name.clone();
    }
    if !img.new_tag.is_empty() && !img.digest.is_empty() {
        tag = img.new_tag.clone();
        digest = img.digest.clone();
    } else if !img.new_tag.is_empty() {
        tag = img.new_tag.clone();
        digest.clear();
    } else if !img.digest.is_empty() {
        tag.clear();
        digest = img.digest.clone();
    } else if !img.tag_suffix.is_empty() {
        tag.push_str(&img.tag_suffix);
        digest.clear();
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    set_scalar(node, &name, Tag::None)
}

/// imagetag LegacyFilter: every `containers`/`initContainers` list anywhere.
fn legacy_images(node: &mut Node, img: &Image) -> Result<(), KustomizeError> {
    match node {
        Node::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                legacy_images(v, img)?;
                if k.value == "containers" || k.value == "initContainers" {
                    if let Node::Seq(items) = v {
                        for item in items.iter_mut() {
                            if item.is_null() {
                                continue;
                            }
                            if !matches!(item, Node::Map(_)) {
                                return Err(KustomizeError::msg(format!(
                                    "wrong node kind: expected MappingNode but got {}",
                                    item.kind_name()
                                )));
                            }
                            if let Some(image) = item.get_mut("image") {
                                update_image(image, img)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        Node::Seq(items) => {
            for item in items.iter_mut() {
                legacy_images(item, img)?;
            }
            Ok(())
        }
        Node::Scalar(_) => Ok(()),
    }
}

/// ImageTagTransformer: the legacy container walk, then the field specs.
pub fn image_tag(m: &mut ResMap, img: &Image, specs: &[FieldSpec]) -> Result<(), KustomizeError> {
    for r in m.list.iter_mut() {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        legacy_images(&mut r.node, img)?;
    }
    for r in m.list.iter_mut() {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        for fs in specs {
            apply_fieldspec(&mut r.node, fs, CreateKind::None, Tag::None, &mut |n: &mut Node| update_image(n, img))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_images_like_kustomize() {
        // api/internal/image/image_test.go cases.
        assert_eq!(split_image("nginx"), ("nginx".into(), "".into(), "".into()));
        assert_eq!(split_image("nginx:1.2"), ("nginx".into(), "1.2".into(), "".into()));
        assert_eq!(split_image("localhost:5000/nginx:1.2"), ("localhost:5000/nginx".into(), "1.2".into(), "".into()));
        assert_eq!(split_image("nginx@sha256:abc"), ("nginx".into(), "".into(), "sha256:abc".into()));
        assert_eq!(split_image("nginx:1.2@sha256:abc"), ("nginx".into(), "1.2".into(), "sha256:abc".into()));
    }

    #[test]
    fn matches_image_names() {
        assert!(image_matches("nginx:1.2", "nginx"));
        assert!(image_matches("nginx", "nginx"));
        assert!(!image_matches("nginx-x:1", "nginx"));
    }
}
