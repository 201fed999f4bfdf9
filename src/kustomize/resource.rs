//! Resources and their identities (kustomize api/resource, kyaml/resid):
//! a [`Resource`] is a YAML node plus the build annotations kustomize keeps
//! on it while building (previous names, prefixes, generator behavior, ...);
//! a [`ResId`] is group/version/kind, name and namespace.

use std::collections::BTreeMap;
use std::fmt;

use super::node::{Node, Scalar};
use super::openapi;

pub const ANNO_DOMAIN: &str = "internal.config.kubernetes.io";
pub const PREVIOUS_KINDS: &str = "internal.config.kubernetes.io/previousKinds";
pub const PREVIOUS_NAMES: &str = "internal.config.kubernetes.io/previousNames";
pub const PREFIXES: &str = "internal.config.kubernetes.io/prefixes";
pub const SUFFIXES: &str = "internal.config.kubernetes.io/suffixes";
pub const PREVIOUS_NAMESPACES: &str = "internal.config.kubernetes.io/previousNamespaces";
pub const REF_BY: &str = "internal.config.kubernetes.io/refBy";
pub const GEN_BEHAVIOR: &str = "internal.config.kubernetes.io/generatorBehavior";
pub const NEEDS_HASH: &str = "internal.config.kubernetes.io/needsHashSuffix";
pub const ALLOW_NAME_CHANGE: &str = "internal.config.kubernetes.io/allowNameChange";
pub const ALLOW_KIND_CHANGE: &str = "internal.config.kubernetes.io/allowKindChange";
pub const ORIGIN: &str = "config.kubernetes.io/origin";
pub const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// resource.BuildAnnotations: removed from every resource before output.
pub const BUILD_ANNOTATIONS: &[&str] = &[
    PREVIOUS_KINDS,
    PREVIOUS_NAMES,
    PREFIXES,
    SUFFIXES,
    PREVIOUS_NAMESPACES,
    ALLOW_NAME_CHANGE,
    ALLOW_KIND_CHANGE,
    REF_BY,
    GEN_BEHAVIOR,
    NEEDS_HASH,
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.k8s.io/id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
];

/// Group, version and kind (resid.Gvk).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn new(group: impl Into<String>, version: impl Into<String>, kind: impl Into<String>) -> Gvk {
        Gvk { group: group.into(), version: version.into(), kind: kind.into() }
    }

    pub fn from_kind(kind: impl Into<String>) -> Gvk {
        Gvk::new("", "", kind)
    }

    /// resid.ParseGroupVersion.
    pub fn parse_group_version(api_version: &str) -> (String, String) {
        match api_version.find('/') {
            Some(i) => (api_version[..i].to_string(), api_version[i + 1..].to_string()),
            None => (String::new(), api_version.to_string()),
        }
    }

    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (g, v) = Gvk::parse_group_version(api_version);
        Gvk::new(g, v, kind)
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Known to the schema as cluster scoped.
    pub fn is_cluster_scoped(&self) -> bool {
        openapi::is_certainly_cluster_scoped(&self.api_version(), &self.kind)
    }

    /// Gvk.IsSelected: empty selector fields are wildcards.
    pub fn is_selected(&self, selector: &Gvk) -> bool {
        (selector.group.is_empty() || self.group == selector.group)
            && (selector.version.is_empty() || self.version == selector.version)
            && (selector.kind.is_empty() || self.kind == selector.kind)
    }

    /// The bytes of Gvk.stableSortString (`group_version_kind` with `~G`,
    /// `~V`, `~K` for empty parts), without building the string.
    fn stable_sort_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let or = |s: &'_ str, d: &'static str| if s.is_empty() { d.as_bytes().to_vec() } else { s.as_bytes().to_vec() };
        or(&self.group, "~G")
            .into_iter()
            .chain(std::iter::once(b'_'))
            .chain(or(&self.version, "~V"))
            .chain(std::iter::once(b'_'))
            .chain(or(&self.kind, "~K"))
    }

    /// Gvk.IsLessThan: kustomize's legacy kind order, then group/version/kind.
    pub fn is_less_than(&self, o: &Gvk) -> bool {
        let (a, b) = (type_order(&self.kind), type_order(&o.kind));
        if a != b {
            return a < b;
        }
        self.stable_sort_bytes().lt(o.stable_sort_bytes())
    }
}

/// resid orderFirst: kinds that go first, in this order (also the default
/// of `sortOptions: legacy`).
pub const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// resid orderLast.
pub const ORDER_LAST: &[&str] = &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// resid orderFirst / orderLast.
fn type_order(kind: &str) -> i32 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return -(ORDER_FIRST.len() as i32) + i as i32;
    }
    if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        return 1 + i as i32;
    }
    0
}

impl fmt::Display for Gvk {
    /// Gvk.String: `Kind.version.group` with placeholders for empty parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |s: &str, d: &'static str| if s.is_empty() { d.to_string() } else { s.to_string() };
        write!(f, "{}.{}.{}", or(&self.kind, "[noKind]"), or(&self.version, "[noVer]"), or(&self.group, "[noGrp]"))
    }
}

pub const DEFAULT_NAMESPACE: &str = "default";
pub const NOT_NAMESPACEABLE: &str = "_non_namespaceable_";

/// A resource's identity (resid.ResId).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    pub fn new(gvk: Gvk, name: impl Into<String>, namespace: impl Into<String>) -> ResId {
        ResId { gvk, name: name.into(), namespace: namespace.into() }
    }

    pub fn is_cluster_scoped(&self) -> bool {
        self.gvk.is_cluster_scoped()
    }

    /// ResId.EffectiveNamespace.
    pub fn effective_namespace(&self) -> String {
        if self.is_cluster_scoped() {
            NOT_NAMESPACEABLE.to_string()
        } else if self.namespace.is_empty() || self.namespace == DEFAULT_NAMESPACE {
            DEFAULT_NAMESPACE.to_string()
        } else {
            self.namespace.clone()
        }
    }

    pub fn is_ns_equals(&self, o: &ResId) -> bool {
        self.effective_namespace() == o.effective_namespace()
    }

    pub fn gvkn_equals(&self, o: &ResId) -> bool {
        self.name == o.name && self.gvk == o.gvk
    }

    /// ResId.Equals: same GVK, name and effective namespace.
    pub fn equals(&self, o: &ResId) -> bool {
        self.is_ns_equals(o) && self.gvkn_equals(o)
    }

    /// ResId.IsSelectedBy.
    pub fn is_selected_by(&self, selector: &ResId) -> bool {
        (selector.name.is_empty() || selector.name == self.name)
            && (selector.namespace.is_empty() || selector.is_ns_equals(self))
            && self.gvk.is_selected(&selector.gvk)
    }

    /// resid.FromString, the inverse of Display.
    pub fn from_string(s: &str) -> ResId {
        let (gvk_s, rest) = s.split_once('/').unwrap_or((s, ""));
        let parts: Vec<&str> = gvk_s.split('.').collect();
        let gvk = if parts.len() < 3 {
            Gvk::new("[noGrp]", "[noVer]", "[noKind]")
        } else {
            let k = if parts[0] == "[noKind]" { "" } else { parts[0] };
            let v = if parts[1] == "[noVer]" { "" } else { parts[1] };
            let g = parts[2..].join(".");
            let g = if g == "[noGrp]" { String::new() } else { g };
            Gvk::new(g, v, k)
        };
        let vals: Vec<&str> = rest.split('.').collect();
        let last = vals.len() - 1;
        let ns = if vals[last] == "[noNs]" { "" } else { vals[last] };
        let nm = vals[..last].join(".");
        let nm = if nm == "[noName]" { String::new() } else { nm };
        ResId::new(gvk, nm, ns)
    }
}

impl fmt::Display for ResId {
    /// ResId.String: `Kind.version.group/name.namespace`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = if self.namespace.is_empty() { "[noNs]" } else { &self.namespace };
        let nm = if self.name.is_empty() { "[noName]" } else { &self.name };
        write!(f, "{}/{}.{}", self.gvk, nm, ns)
    }
}

/// A resource being built.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub node: Node,
    /// Names of the vars that refer to this resource (not an annotation in kustomize either).
    pub ref_var_names: Vec<String>,
}

impl Resource {
    pub fn new(node: Node) -> Resource {
        Resource { node, ref_var_names: Vec::new() }
    }

    /// A field of the top-level mapping.
    fn top(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }

    pub fn kind(&self) -> String {
        self.top("kind").map(|n| n.value().to_string()).unwrap_or_default()
    }

    pub fn api_version(&self) -> String {
        self.top("apiVersion").map(|n| n.value().to_string()).unwrap_or_default()
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(&self.api_version(), &self.kind())
    }

    /// The metadata mapping, if present and not empty (kyaml getMetaData).
    pub fn metadata(&self) -> Option<&Node> {
        self.node.get("metadata").filter(|m| !m.is_nil_or_empty())
    }

    fn meta_string(&self, field: &str) -> String {
        match self.metadata().and_then(|m| m.get(field)) {
            Some(v) if !v.is_nil_or_empty() => v.value().to_string(),
            _ => String::new(),
        }
    }

    pub fn name(&self) -> String {
        self.meta_string("name")
    }

    pub fn namespace(&self) -> String {
        self.meta_string("namespace")
    }

    pub fn set_kind(&mut self, kind: &str) {
        self.node.set("kind", Node::plain(kind));
    }

    pub fn set_api_version(&mut self, av: &str) {
        self.node.set("apiVersion", Node::plain(av));
    }

    pub fn set_gvk(&mut self, gvk: &Gvk) {
        self.set_kind(&gvk.kind);
        self.set_api_version(&gvk.api_version());
    }

    /// RNode.SetName.
    pub fn set_name(&mut self, name: &str) {
        if let Some(m) = self.node.entry_map("metadata") {
            m.set("name", Node::plain(name));
        }
    }

    /// RNode.SetNamespace: empty removes the field.
    pub fn set_namespace(&mut self, ns: &str) {
        if ns.is_empty() {
            if let Some(m) = self.node.get_mut("metadata") {
                m.remove("namespace");
            }
            return;
        }
        if let Some(m) = self.node.entry_map("metadata") {
            m.set("namespace", Node::plain(ns));
        }
    }

    fn meta_map(&self, field: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(Node::Map(entries)) = self.metadata().and_then(|m| m.get(field)) {
            for (k, v) in entries {
                out.insert(k.value.clone(), v.value().to_string());
            }
        }
        out
    }

    /// RNode.GetAnnotations.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        self.meta_map("annotations")
    }

    /// RNode.GetLabels.
    pub fn labels(&self) -> BTreeMap<String, String> {
        self.meta_map("labels")
    }

    /// kyaml setMapInMetadata: replace the map with sorted string entries,
    /// dropping it when empty; metadata is created if missing.
    fn set_meta_map(&mut self, field: &str, m: &BTreeMap<String, String>) {
        let Some(meta) = self.node.entry_map("metadata") else { return };
        meta.remove(field);
        if m.is_empty() {
            return;
        }
        let entries = m.iter().map(|(k, v)| (Scalar::plain(k.clone()), Node::string(v.clone()))).collect();
        meta.set(field, Node::Map(entries));
    }

    pub fn set_annotations(&mut self, m: &BTreeMap<String, String>) {
        self.set_meta_map("annotations", m);
    }

    pub fn set_labels(&mut self, m: &BTreeMap<String, String>) {
        self.set_meta_map("labels", m);
    }

    /// kyaml SetAnnotation: set one annotation as a string, creating maps as needed.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        // ClearEmptyAnnotations first.
        if let Some(meta) = self.node.get_mut("metadata") {
            if meta.get("annotations").map(content_empty).unwrap_or(false) {
                meta.remove("annotations");
            }
        }
        let Some(meta) = self.node.entry_map("metadata") else { return };
        let Some(annos) = meta.entry_map("annotations") else { return };
        annos.set(key, Node::string(value));
    }

    fn csv_annotation(&self, name: &str) -> Option<Vec<String>> {
        let annos = self.annotations();
        annos.get(name).map(|v| v.split(',').map(str::to_string).collect())
    }

    fn append_csv_annotation(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let mut cur = self.csv_annotation(name).unwrap_or_default();
        cur.push(value.to_string());
        self.set_annotation(name, &cur.join(","));
    }

    pub fn add_name_prefix(&mut self, p: &str) {
        self.append_csv_annotation(PREFIXES, p);
    }

    pub fn add_name_suffix(&mut self, s: &str) {
        self.append_csv_annotation(SUFFIXES, s);
    }

    pub fn name_prefixes(&self) -> Vec<String> {
        self.csv_annotation(PREFIXES).unwrap_or_default()
    }

    pub fn name_suffixes(&self) -> Vec<String> {
        self.csv_annotation(SUFFIXES).unwrap_or_default()
    }

    /// Resource.PrefixesSuffixesEquals.
    pub fn prefixes_suffixes_equals(&self, o: &Resource, allow_empty: bool) -> bool {
        let (p1, p2, s1, s2) = (self.name_prefixes(), o.name_prefixes(), self.name_suffixes(), o.name_suffixes());
        if allow_empty {
            (p1.is_empty() || p2.is_empty() || same_ending_sub_slice(&p1, &p2))
                && (s1.is_empty() || s2.is_empty() || same_ending_sub_slice(&s1, &s2))
        } else {
            same_ending_sub_slice(&p1, &p2) && same_ending_sub_slice(&s1, &s2)
        }
    }

    pub fn append_ref_by(&mut self, id: &ResId) {
        self.append_csv_annotation(REF_BY, &id.to_string());
    }

    fn is_enabled(&self, key: &str) -> bool {
        self.annotations().get(key).map(|v| v == "enabled").unwrap_or(false)
    }

    fn enable(&mut self, key: &str) {
        let mut a = self.annotations();
        a.insert(key.to_string(), "enabled".to_string());
        self.set_annotations(&a);
    }

    pub fn allow_name_change(&mut self) {
        self.enable(ALLOW_NAME_CHANGE);
    }

    pub fn allow_kind_change(&mut self) {
        self.enable(ALLOW_KIND_CHANGE);
    }

    pub fn name_change_allowed(&self) -> bool {
        self.is_enabled(ALLOW_NAME_CHANGE)
    }

    pub fn kind_change_allowed(&self) -> bool {
        self.is_enabled(ALLOW_KIND_CHANGE)
    }

    pub fn needs_hash_suffix(&self) -> bool {
        self.is_enabled(NEEDS_HASH)
    }

    pub fn enable_hash_suffix(&mut self) {
        self.enable(NEEDS_HASH);
    }

    /// The generator behavior annotation (create, replace, merge; unspecified if absent).
    pub fn behavior(&self) -> String {
        self.annotations().get(GEN_BEHAVIOR).cloned().unwrap_or_default()
    }

    pub fn set_behavior(&mut self, b: &str) {
        let mut a = self.annotations();
        a.insert(GEN_BEHAVIOR.to_string(), b.to_string());
        self.set_annotations(&a);
    }

    fn meta_str(&self, field: &str) -> &str {
        match self.metadata().and_then(|m| m.get(field)) {
            Some(v) if !v.is_nil_or_empty() => v.value(),
            _ => "",
        }
    }

    /// `self.cur_id().equals(id)` without building the id.
    pub fn cur_id_equals(&self, id: &ResId) -> bool {
        let kind = self.node.get("kind").map(|k| k.value()).unwrap_or("");
        if kind != id.gvk.kind || self.meta_str("name") != id.name {
            return false;
        }
        let av = self.node.get("apiVersion").map(|k| k.value()).unwrap_or("");
        let (g, v) = match av.find('/') {
            Some(i) => (&av[..i], &av[i + 1..]),
            None => ("", av),
        };
        if g != id.gvk.group || v != id.gvk.version {
            return false;
        }
        // Same GVK, so the same cluster scope.
        if id.gvk.is_cluster_scoped() {
            return true;
        }
        let eff = |ns: &str| -> String { if ns.is_empty() { DEFAULT_NAMESPACE.to_string() } else { ns.to_string() } };
        eff(self.meta_str("namespace")) == eff(&id.namespace)
    }

    /// Resource.CurId.
    pub fn cur_id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    /// utils.PrevIds: the ids recorded before name, namespace or kind changes.
    pub fn prev_ids(&self) -> Vec<ResId> {
        let a = self.annotations();
        let Some(names) = a.get(PREVIOUS_NAMES) else { return Vec::new() };
        let names: Vec<&str> = names.split(',').collect();
        let nss: Vec<&str> = a.get(PREVIOUS_NAMESPACES).map(|s| s.split(',').collect()).unwrap_or_else(|| vec![""]);
        let kinds: Vec<&str> = a.get(PREVIOUS_KINDS).map(|s| s.split(',').collect()).unwrap_or_else(|| vec![""]);
        if names.len() != nss.len() || names.len() != kinds.len() {
            return Vec::new();
        }
        let (g, v) = Gvk::parse_group_version(&self.api_version());
        names
            .iter()
            .enumerate()
            .map(|(i, n)| ResId::new(Gvk::new(g.clone(), v.clone(), kinds[i]), *n, nss[i]))
            .collect()
    }

    /// Resource.OrgId: the first previous id, else the current one.
    pub fn org_id(&self) -> ResId {
        self.prev_ids().into_iter().next().unwrap_or_else(|| self.cur_id())
    }

    /// Resource.StorePreviousId.
    pub fn store_previous_id(&mut self) {
        let id = self.cur_id();
        self.set_previous_id(&id.effective_namespace(), &id.name, &id.gvk.kind);
    }

    pub fn set_previous_id(&mut self, ns: &str, name: &str, kind: &str) {
        self.append_csv_annotation(PREVIOUS_NAMES, name);
        self.append_csv_annotation(PREVIOUS_NAMESPACES, ns);
        self.append_csv_annotation(PREVIOUS_KINDS, kind);
    }

    /// Resource.RemoveBuildAnnotations.
    pub fn remove_build_annotations(&mut self) {
        let mut a = self.annotations();
        if a.is_empty() {
            return;
        }
        for k in BUILD_ANNOTATIONS {
            a.remove(*k);
        }
        self.set_annotations(&a);
    }

    /// Resource.CopyMergeMetaDataFieldsFrom.
    pub fn copy_merge_metadata_fields_from(&mut self, other: &Resource) {
        let mut labels = other.labels();
        labels.extend(self.labels());
        self.set_labels(&labels);
        let ra = self.annotations();
        let enable_hash = ra.contains_key(NEEDS_HASH);
        // mergeStringMapsWithBuildAnnotations: this resource's annotations
        // win, except build annotations, which come from `other` only.
        let oa = other.annotations();
        let mut merged = oa.clone();
        merged.extend(ra.clone());
        for k in BUILD_ANNOTATIONS {
            match oa.get(*k) {
                Some(v) => {
                    merged.insert(k.to_string(), v.clone());
                }
                None => {
                    merged.remove(*k);
                }
            }
        }
        if !enable_hash {
            merged.remove(NEEDS_HASH);
        }
        self.set_annotations(&merged);
        self.set_name(&other.name());
        self.set_namespace(&other.namespace());
        self.ref_var_names = other.ref_var_names.clone();
    }

    /// kyaml GetDataMap / GetBinaryDataMap.
    pub fn data_map(&self, field: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(Node::Map(entries)) = self.node.get(field) {
            for (k, v) in entries {
                out.insert(k.value.clone(), v.get_value().to_string());
            }
        }
        out
    }

    /// kyaml SetDataMap / SetBinaryDataMap (LoadMapIntoConfigMapData).
    pub fn set_data_map(&mut self, field: &str, m: &BTreeMap<String, String>) {
        self.node.remove(field);
        if m.is_empty() {
            return;
        }
        let entries = m.iter().map(|(k, v)| (Scalar::plain(k.clone()), Node::string(v.clone()))).collect();
        self.node.set(field, Node::Map(entries));
    }

    /// Resource.GetOrigin.
    pub fn origin(&self) -> Option<super::origin::Origin> {
        self.annotations().get(ORIGIN).and_then(|t| super::origin::Origin::parse(t))
    }

    /// Resource.SetOrigin.
    pub fn set_origin(&mut self, o: Option<&super::origin::Origin>) {
        let mut a = self.annotations();
        match o {
            Some(o) => {
                a.insert(ORIGIN.to_string(), o.to_yaml());
            }
            None => {
                a.remove(ORIGIN);
            }
        }
        self.set_annotations(&a);
    }

    /// resWrangler.AddTransformerAnnotation for one resource: the origin if
    /// it has none, else one more transformation.
    pub fn add_transformer_annotation(&mut self, o: &super::origin::Origin) {
        if self.origin().is_none() {
            self.set_origin(Some(o));
            return;
        }
        let mut a = self.annotations();
        let mut list = a.get(TRANSFORMATIONS).map(|t| super::origin::parse_transformations(t)).unwrap_or_default();
        list.push(o.clone());
        a.insert(TRANSFORMATIONS.to_string(), super::origin::transformations_to_yaml(&list));
        self.set_annotations(&a);
    }

    /// Empty or null node (kyaml IsNilOrEmpty).
    pub fn is_nil_or_empty(&self) -> bool {
        self.node.is_nil_or_empty()
    }
}

/// A yaml.Node with no content (scalars always count, like FieldClearer IfEmpty).
fn content_empty(n: &Node) -> bool {
    match n {
        Node::Scalar(_) => true,
        Node::Seq(v) => v.is_empty(),
        Node::Map(v) => v.is_empty(),
    }
}

/// utils.SameEndingSubSlice: one list ends with the other.
fn same_ending_sub_slice(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long[long.len() - short.len()..] == *short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_strings_round_trip() {
        let id = ResId::new(Gvk::new("apps", "v1", "Deployment"), "web", "");
        assert_eq!(id.to_string(), "Deployment.v1.apps/web.[noNs]");
        assert_eq!(ResId::from_string(&id.to_string()), id);
    }

    #[test]
    fn effective_namespace_defaults() {
        let d = ResId::new(Gvk::new("apps", "v1", "Deployment"), "a", "");
        assert_eq!(d.effective_namespace(), "default");
        let ns = ResId::new(Gvk::new("", "v1", "Namespace"), "a", "x");
        assert_eq!(ns.effective_namespace(), NOT_NAMESPACEABLE);
    }

    #[test]
    fn legacy_kind_order() {
        assert!(Gvk::from_kind("Namespace").is_less_than(&Gvk::from_kind("Deployment")));
        assert!(Gvk::from_kind("Deployment").is_less_than(&Gvk::from_kind("Ingress")));
        assert!(Gvk::from_kind("Ingress").is_less_than(&Gvk::from_kind("ValidatingWebhookConfiguration")));
    }
}
