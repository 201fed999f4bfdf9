//! The kustomization file (kustomize api/types Kustomization): read the way
//! kustomize reads it (sigs.k8s.io/yaml to JSON, then a strict JSON decode
//! whose field names match case-insensitively, like Go's encoding/json),
//! with the legacy fields folded in (`bases`, `imageTags`, `env`) and the
//! deprecation warnings kustomize prints.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::error::KustomizeError;
use super::fieldspec::FieldSpec;
use super::resource::Gvk;
use super::selector::Selector;

pub const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
pub const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";
pub const KUSTOMIZATION_KIND: &str = "Kustomization";
pub const COMPONENT_KIND: &str = "Component";

/// The file names kustomize recognizes, in its order.
pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// A `labels:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Label {
    pub pairs: BTreeMap<String, String>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub fields: Vec<FieldSpec>,
}

/// A `patches:` / `patchesJson6902:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Patch {
    pub path: String,
    pub patch: String,
    pub target: Option<Selector>,
    pub options: BTreeMap<String, bool>,
}

/// An `images:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Image {
    pub name: String,
    pub new_name: String,
    pub tag_suffix: String,
    pub new_tag: String,
    pub digest: String,
}

/// A `replicas:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

/// `generatorOptions:` or a generator's `options:`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeneratorOptions {
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub disable_name_suffix_hash: bool,
    pub immutable: bool,
}

impl GeneratorOptions {
    /// types.MergeGlobalOptionsIntoLocal.
    pub fn merge_global(local: Option<GeneratorOptions>, global: Option<&GeneratorOptions>) -> Option<GeneratorOptions> {
        let Some(global) = global else { return local };
        let mut l = local.unwrap_or_default();
        let over = |lm: &mut Option<BTreeMap<String, String>>, gm: &Option<BTreeMap<String, String>>| match lm {
            None => {
                if let Some(g) = gm {
                    *lm = Some(g.clone());
                }
            }
            Some(m) => {
                if let Some(g) = gm {
                    for (k, v) in g {
                        m.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        };
        over(&mut l.labels, &global.labels);
        over(&mut l.annotations, &global.annotations);
        if global.disable_name_suffix_hash {
            l.disable_name_suffix_hash = true;
        }
        if global.immutable {
            l.immutable = true;
        }
        Some(l)
    }
}

/// A ConfigMap or Secret generator entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeneratorArgs {
    pub namespace: String,
    pub name: String,
    pub behavior: String,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    pub options: Option<GeneratorOptions>,
    /// Secrets only.
    pub type_: String,
}

/// A `vars:` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Var {
    pub name: String,
    pub objref_gvk: Gvk,
    pub objref_name: String,
    pub objref_namespace: String,
    pub field_path: String,
}

impl Var {
    /// Var.String as Go's `%v` prints the struct (used in messages).
    pub fn describe(&self) -> String {
        format!(
            "{{{} {{{} {{{} {} {}}} {} {}}} {{{}}}}}",
            self.name,
            self.objref_gvk.api_version(),
            self.objref_gvk.group,
            self.objref_gvk.version,
            self.objref_gvk.kind,
            self.objref_name,
            self.objref_namespace,
            self.field_path
        )
    }
}

/// `sortOptions:`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SortOptions {
    pub order: String,
    pub order_first: Option<Vec<String>>,
    pub order_last: Option<Vec<String>>,
    pub has_legacy_options: bool,
}

/// A parsed kustomization file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kustomization {
    pub api_version: String,
    pub kind: String,
    pub openapi: BTreeMap<String, String>,
    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: String,
    pub common_labels: Option<BTreeMap<String, String>>,
    pub labels: Vec<Label>,
    pub common_annotations: BTreeMap<String, String>,
    pub patches_strategic_merge: Option<Vec<String>>,
    pub patches_json6902: Option<Vec<Patch>>,
    pub patches: Vec<Patch>,
    pub images: Vec<Image>,
    pub image_tags: Option<Vec<Image>>,
    /// `replacements:` entries, as JSON (inline replacements or `path:`).
    pub replacements: Vec<Json>,
    pub replicas: Vec<Replica>,
    pub vars: Option<Vec<Var>>,
    pub sort_options: Option<SortOptions>,
    pub resources: Vec<String>,
    pub components: Vec<String>,
    pub crds: Vec<String>,
    pub bases: Option<Vec<String>>,
    pub config_map_generator: Vec<GeneratorArgs>,
    pub secret_generator: Vec<GeneratorArgs>,
    pub generator_options: Option<GeneratorOptions>,
    pub configurations: Vec<String>,
    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    pub validators: Vec<String>,
    pub build_metadata: Vec<String>,
    /// helmCharts / helmChartInflationGenerator / helmGlobals were given.
    pub helm: bool,
    /// Some field other than apiVersion/kind was set (CheckEmpty).
    pub non_empty: bool,
}

/// Strict decoding context: the Go struct type and the JSON field path
/// from the root, as encoding/json names them in errors.
struct Dec<'a> {
    obj: &'a Map<String, Json>,
    ty: &'a str,
    prefix: String,
    used: Vec<String>,
}

impl<'a> Dec<'a> {
    fn new(v: &'a Json, ty: &'a str, prefix: &str) -> Result<Dec<'a>, KustomizeError> {
        match v.as_object() {
            Some(obj) => Ok(Dec { obj, ty, prefix: prefix.to_string(), used: Vec::new() }),
            None if prefix.is_empty() => Err(KustomizeError::msg(format!(
                "json: cannot unmarshal {} into Go value of type types.{ty}",
                json_kind(v)
            ))),
            None => Err(type_err(v, ty, prefix, &format!("types.{ty}"))),
        }
    }

    /// The JSON path of a field, for errors.
    fn path(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        }
    }

    /// The value of `field`, matched exactly or case-insensitively.
    fn get(&mut self, field: &str) -> Option<&'a Json> {
        let key = if self.obj.contains_key(field) {
            Some(field.to_string())
        } else {
            self.obj.keys().find(|k| k.eq_ignore_ascii_case(field)).cloned()
        };
        let key = key?;
        self.used.push(key.clone());
        self.obj.get(&key).filter(|v| !v.is_null())
    }

    fn string(&mut self, field: &str) -> Result<String, KustomizeError> {
        match self.get(field) {
            None => Ok(String::new()),
            Some(Json::String(s)) => Ok(s.clone()),
            Some(v) => Err(type_err(v, self.ty, &self.path(field), "string")),
        }
    }

    fn bool(&mut self, field: &str) -> Result<bool, KustomizeError> {
        match self.get(field) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(v) => Err(type_err(v, self.ty, &self.path(field), "bool")),
        }
    }

    fn strings(&mut self, field: &str) -> Result<Option<Vec<String>>, KustomizeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Json::Array(items)) => items
                .iter()
                .map(|x| match x {
                    Json::String(s) => Ok(s.clone()),
                    Json::Null => Ok(String::new()),
                    other => Err(type_err(other, self.ty, &self.path(field), "string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(type_err(v, self.ty, &self.path(field), "[]string")),
        }
    }

    fn string_map(&mut self, field: &str) -> Result<Option<BTreeMap<String, String>>, KustomizeError> {
        match self.get(field) {
            None => Ok(None),
            Some(Json::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    match v {
                        Json::String(s) => {
                            out.insert(k.clone(), s.clone());
                        }
                        Json::Null => {
                            out.insert(k.clone(), String::new());
                        }
                        other => return Err(type_err(other, self.ty, &self.path(field), "string")),
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(type_err(v, self.ty, &self.path(field), "map[string]string")),
        }
    }

    fn list(&mut self, field: &str) -> Result<Vec<&'a Json>, KustomizeError> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => Ok(items.iter().collect()),
            Some(v) => Err(type_err(v, self.ty, &self.path(field), "array")),
        }
    }

    /// DisallowUnknownFields.
    fn finish(self) -> Result<(), KustomizeError> {
        for k in self.obj.keys() {
            if !self.used.contains(k) {
                return Err(KustomizeError::msg(format!("json: unknown field \"{k}\"")));
            }
        }
        Ok(())
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn type_err(v: &Json, ty: &str, field: &str, want: &str) -> KustomizeError {
    KustomizeError::msg(format!(
        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
        json_kind(v),
        ty,
        field,
        want
    ))
}

fn selector(v: &Json, prefix: &str) -> Result<Selector, KustomizeError> {
    let mut d = Dec::new(v, "Selector", prefix)?;
    let s = Selector {
        id: super::resource::ResId::new(
            Gvk::new(d.string("group")?, d.string("version")?, d.string("kind")?),
            d.string("name")?,
            d.string("namespace")?,
        ),
        annotation_selector: d.string("annotationSelector")?,
        label_selector: d.string("labelSelector")?,
    };
    d.finish()?;
    Ok(s)
}

fn patch(v: &Json, prefix: &str) -> Result<Patch, KustomizeError> {
    let mut d = Dec::new(v, "Patch", prefix)?;
    let mut p = Patch { path: d.string("path")?, patch: d.string("patch")?, ..Patch::default() };
    if let Some(t) = d.get("target") {
        p.target = Some(selector(t, &d.path("target"))?);
    }
    if let Some(o) = d.get("options") {
        let obj = o.as_object().ok_or_else(|| type_err(o, "Patch", &d.path("options"), "map[string]bool"))?;
        for (k, b) in obj {
            let b = b.as_bool().ok_or_else(|| type_err(b, "Patch", &d.path("options"), "bool"))?;
            p.options.insert(k.clone(), b);
        }
    }
    d.finish()?;
    Ok(p)
}

fn image(v: &Json, prefix: &str) -> Result<Image, KustomizeError> {
    let mut d = Dec::new(v, "Image", prefix)?;
    let i = Image {
        name: d.string("name")?,
        new_name: d.string("newName")?,
        tag_suffix: d.string("tagSuffix")?,
        new_tag: d.string("newTag")?,
        digest: d.string("digest")?,
    };
    d.finish()?;
    Ok(i)
}

fn field_spec(v: &Json, prefix: &str) -> Result<FieldSpec, KustomizeError> {
    let mut d = Dec::new(v, "FieldSpec", prefix)?;
    let f = FieldSpec {
        gvk: Gvk::new(d.string("group")?, d.string("version")?, d.string("kind")?),
        path: d.string("path")?,
        create: d.bool("create")?,
    };
    d.finish()?;
    Ok(f)
}

fn generator_options(v: &Json, prefix: &str) -> Result<GeneratorOptions, KustomizeError> {
    let mut d = Dec::new(v, "GeneratorOptions", prefix)?;
    let o = GeneratorOptions {
        labels: d.string_map("labels")?,
        annotations: d.string_map("annotations")?,
        disable_name_suffix_hash: d.bool("disableNameSuffixHash")?,
        immutable: d.bool("immutable")?,
    };
    d.finish()?;
    Ok(o)
}

fn generator(v: &Json, secret: bool) -> Result<GeneratorArgs, KustomizeError> {
    let prefix = if secret { "secretGenerator" } else { "configMapGenerator" };
    let mut d = Dec::new(v, if secret { "SecretArgs" } else { "ConfigMapArgs" }, prefix)?;
    let mut g = GeneratorArgs {
        namespace: d.string("namespace")?,
        name: d.string("name")?,
        behavior: d.string("behavior")?,
        literals: d.strings("literals")?.unwrap_or_default(),
        files: d.strings("files")?.unwrap_or_default(),
        envs: d.strings("envs")?.unwrap_or_default(),
        ..GeneratorArgs::default()
    };
    // FixKustomization: the legacy `env` joins `envs`.
    let env = d.string("env")?;
    if !env.is_empty() {
        g.envs.push(env);
    }
    if let Some(o) = d.get("options") {
        g.options = Some(generator_options(o, &d.path("options"))?);
    }
    if secret {
        g.type_ = d.string("type")?;
    }
    d.finish()?;
    Ok(g)
}

fn var(v: &Json) -> Result<Var, KustomizeError> {
    let mut d = Dec::new(v, "Var", "vars")?;
    let name = d.string("name")?;
    let mut out = Var { name, ..Var::default() };
    if let Some(o) = d.get("objref") {
        let mut od = Dec::new(o, "Target", "vars.objref")?;
        let api_version = od.string("apiVersion")?;
        let mut gvk = Gvk::new(od.string("group")?, od.string("version")?, od.string("kind")?);
        // Target.GVK: apiVersion, when given, sets group and version.
        if !api_version.is_empty() {
            let parts: Vec<&str> = api_version.split('/').collect();
            if parts.len() == 2 {
                gvk.group = parts[0].to_string();
                gvk.version = parts[1].to_string();
            } else if parts.len() == 1 {
                gvk.version = parts[0].to_string();
            }
        }
        out.objref_gvk = gvk;
        out.objref_name = od.string("name")?;
        out.objref_namespace = od.string("namespace")?;
        od.finish()?;
    }
    if let Some(f) = d.get("fieldref") {
        let mut fd = Dec::new(f, "FieldSelector", "vars.fieldref")?;
        out.field_path = fd.string("fieldPath")?;
        fd.finish()?;
    }
    d.finish()?;
    // Var.Defaulting.
    if out.field_path.is_empty() {
        out.field_path = "metadata.name".to_string();
    }
    Ok(out)
}

impl Kustomization {
    /// Kustomization.Unmarshal plus FixKustomization; returns the file and
    /// the deprecation warnings kustomize prints for it.
    pub fn parse(text: &str) -> Result<(Kustomization, Vec<String>), KustomizeError> {
        let v = crate::kustomize::parse::yaml_to_json(text)
            .map_err(|e| KustomizeError::msg(format!("invalid Kustomization: {}", e.message)))?;
        let k = Kustomization::decode(&v).map_err(|e| e.wrap("invalid Kustomization"))?;
        let warnings = k.deprecation_warnings();
        Ok((k.fixed(), warnings))
    }

    fn decode(v: &Json) -> Result<Kustomization, KustomizeError> {
        if v.is_null() {
            return Ok(Kustomization::default());
        }
        let mut d = Dec::new(v, "Kustomization", "")?;
        let mut k = Kustomization {
            api_version: d.string("apiVersion")?,
            kind: d.string("kind")?,
            ..Kustomization::default()
        };
        // metadata: ObjectMeta (only for checking emptiness).
        let metadata = d.get("metadata").is_some();
        k.openapi = d.string_map("openapi")?.unwrap_or_default();
        k.name_prefix = d.string("namePrefix")?;
        k.name_suffix = d.string("nameSuffix")?;
        k.namespace = d.string("namespace")?;
        k.common_labels = d.string_map("commonLabels")?;
        for l in d.list("labels")? {
            let mut ld = Dec::new(l, "Label", "labels")?;
            let label = Label {
                pairs: ld.string_map("pairs")?.unwrap_or_default(),
                include_selectors: ld.bool("includeSelectors")?,
                include_templates: ld.bool("includeTemplates")?,
                fields: ld.list("fields")?.into_iter().map(|f| field_spec(f, "labels.fields")).collect::<Result<_, _>>()?,
            };
            ld.finish()?;
            k.labels.push(label);
        }
        k.common_annotations = d.string_map("commonAnnotations")?.unwrap_or_default();
        k.patches_strategic_merge = d.strings("patchesStrategicMerge")?;
        if d.get("patchesJson6902").is_some() {
            k.patches_json6902 = Some(d.list("patchesJson6902")?.into_iter().map(|p| patch(p, "patchesJson6902")).collect::<Result<_, _>>()?);
        }
        k.patches = d.list("patches")?.into_iter().map(|p| patch(p, "patches")).collect::<Result<_, _>>()?;
        k.images = d.list("images")?.into_iter().map(|i| image(i, "images")).collect::<Result<_, _>>()?;
        if d.get("imageTags").is_some() {
            k.image_tags = Some(d.list("imageTags")?.into_iter().map(|i| image(i, "imageTags")).collect::<Result<_, _>>()?);
        }
        k.replacements = d.list("replacements")?.into_iter().cloned().collect();
        for r in d.list("replicas")? {
            let mut rd = Dec::new(r, "Replica", "replicas")?;
            let name = rd.string("name")?;
            let count = match rd.get("count") {
                None => 0,
                Some(Json::Number(n)) => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 => f as i64,
                    _ => return Err(type_err(&Json::Number(n.clone()), "Replica", "replicas.count", "int64")),
                },
                Some(other) => return Err(type_err(other, "Replica", "replicas.count", "int64")),
            };
            rd.finish()?;
            k.replicas.push(Replica { name, count });
        }
        if d.get("vars").is_some() {
            k.vars = Some(d.list("vars")?.into_iter().map(var).collect::<Result<_, _>>()?);
        }
        if let Some(so) = d.get("sortOptions") {
            let mut sd = Dec::new(so, "SortOptions", "sortOptions")?;
            let mut s = SortOptions { order: sd.string("order")?, ..SortOptions::default() };
            if let Some(lo) = sd.get("legacySortOptions") {
                let mut ld = Dec::new(lo, "LegacySortOptions", "sortOptions.legacySortOptions")?;
                s.has_legacy_options = true;
                s.order_first = ld.strings("orderFirst")?;
                s.order_last = ld.strings("orderLast")?;
                ld.finish()?;
            }
            sd.finish()?;
            k.sort_options = Some(s);
        }
        k.resources = d.strings("resources")?.unwrap_or_default();
        k.components = d.strings("components")?.unwrap_or_default();
        k.crds = d.strings("crds")?.unwrap_or_default();
        k.bases = d.strings("bases")?;
        k.config_map_generator =
            d.list("configMapGenerator")?.into_iter().map(|g| generator(g, false)).collect::<Result<_, _>>()?;
        k.secret_generator = d.list("secretGenerator")?.into_iter().map(|g| generator(g, true)).collect::<Result<_, _>>()?;
        if let Some(o) = d.get("generatorOptions") {
            k.generator_options = Some(generator_options(o, "generatorOptions")?);
        }
        k.configurations = d.strings("configurations")?.unwrap_or_default();
        k.generators = d.strings("generators")?.unwrap_or_default();
        k.transformers = d.strings("transformers")?.unwrap_or_default();
        k.validators = d.strings("validators")?.unwrap_or_default();
        k.build_metadata = d.strings("buildMetadata")?.unwrap_or_default();
        k.helm = d.get("helmCharts").is_some() || d.get("helmChartInflationGenerator").is_some() || d.get("helmGlobals").is_some();
        let used_non_type = d.used.iter().any(|u| !u.eq_ignore_ascii_case("apiVersion") && !u.eq_ignore_ascii_case("kind"));
        let present_non_type =
            d.obj.iter().any(|(key, val)| !key.eq_ignore_ascii_case("apiVersion") && !key.eq_ignore_ascii_case("kind") && !is_zero(val));
        k.non_empty = (used_non_type && present_non_type) || metadata;
        d.finish()?;
        Ok(k)
    }

    /// CheckDeprecatedFields.
    fn deprecation_warnings(&self) -> Vec<String> {
        const FIX: &str = "Run 'kustomize edit fix' to update your Kustomization automatically.";
        const FIX_EXP: &str = "[EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically.";
        let mut w = Vec::new();
        if self.bases.is_some() {
            w.push(format!("# Warning: 'bases' is deprecated. Please use 'resources' instead. {FIX}"));
        }
        if self.common_labels.is_some() {
            w.push(format!("# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. {FIX}"));
        }
        if self.image_tags.is_some() {
            w.push(format!("# Warning: 'imageTags' is deprecated. Please use 'images' instead. {FIX}"));
        }
        if self.patches_json6902.is_some() {
            w.push(format!("# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. {FIX}"));
        }
        if self.patches_strategic_merge.is_some() {
            w.push(format!("# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. {FIX}"));
        }
        if self.vars.is_some() {
            w.push(format!("# Warning: 'vars' is deprecated. Please use 'replacements' instead. {FIX_EXP}"));
        }
        w
    }

    /// FixKustomization: defaults for kind/apiVersion; bases join resources,
    /// imageTags join images.
    fn fixed(mut self) -> Kustomization {
        if self.kind.is_empty() {
            self.kind = KUSTOMIZATION_KIND.to_string();
        }
        if self.api_version.is_empty() {
            self.api_version =
                if self.kind == COMPONENT_KIND { COMPONENT_VERSION } else { KUSTOMIZATION_VERSION }.to_string();
        }
        if let Some(b) = self.bases.take() {
            self.resources.extend(b);
        }
        if let Some(t) = self.image_tags.take() {
            self.images.extend(t);
        }
        self
    }

    /// CheckEmpty and EnforceFields, as KustTarget.Load runs them.
    pub fn validate(&self, root: &str) -> Result<(), KustomizeError> {
        if !self.non_empty {
            return Err(KustomizeError::msg("kustomization.yaml is empty"));
        }
        let mut errs = Vec::new();
        if !self.kind.is_empty() && self.kind != KUSTOMIZATION_KIND && self.kind != COMPONENT_KIND {
            errs.push(format!("kind should be {KUSTOMIZATION_KIND} or {COMPONENT_KIND}"));
        }
        let required = if self.kind == COMPONENT_KIND { COMPONENT_VERSION } else { KUSTOMIZATION_VERSION };
        if !self.api_version.is_empty() && self.api_version != required {
            errs.push(format!("apiVersion for {} should be {required}", self.kind));
        }
        if !errs.is_empty() {
            return Err(KustomizeError::msg(format!(
                "Failed to read kustomization file under {root}:\n{}",
                errs.join("\n")
            )));
        }
        Ok(())
    }
}

/// Go's zero value test for a decoded field (nil, "", false, empty).
fn is_zero(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::String(s) => s.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
        // A present list or map is non-nil in Go, even when empty.
        Json::Array(_) | Json::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_legacy_fields_and_warns() {
        let (k, w) = Kustomization::parse(
            "bases: [../base]\nresources: [a.yaml]\ncommonLabels: {app: x}\nvars:\n- name: V\n  objref: {kind: Service, name: s, apiVersion: v1}\n  fieldref: {fieldpath: metadata.namespace}\n",
        )
        .unwrap();
        assert_eq!(k.resources, vec!["a.yaml", "../base"]);
        assert_eq!(w.len(), 3);
        assert!(w[0].starts_with("# Warning: 'bases' is deprecated."));
        let v = &k.vars.unwrap()[0];
        assert_eq!(v.field_path, "metadata.namespace");
        assert_eq!(v.objref_gvk, Gvk::new("", "v1", "Service"));
    }

    #[test]
    fn rejects_unknown_fields_and_wrong_types() {
        assert!(Kustomization::parse("resourcez: [a]\n").unwrap_err().to_string().contains("unknown field"));
        let e = Kustomization::parse("commonLabels: {a: yes}\n").unwrap_err().to_string();
        assert!(e.contains("cannot unmarshal bool"), "{e}");
    }

    #[test]
    fn empty_kustomization_is_an_error() {
        let (k, _) = Kustomization::parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n").unwrap();
        assert!(k.validate("/x").is_err());
    }
}
