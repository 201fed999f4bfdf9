//! Kustomize builds (`capstan kustomize DIR`): kustomization.yaml files,
//! their resources, generators, transformers and patches, rendered
//! byte-for-byte like `kubectl kustomize` (kustomize v5.7.1).
//!
//! The flow follows kustomize's KustTarget: accumulate resources (files,
//! directories, nested kustomizations, components), run generators, then
//! the built-in transformers in kustomize's fixed order; at the top level
//! add content hashes to generated names, fix name references, resolve
//! vars, sort, drop build annotations, and write YAML the way kustomize
//! does (JSON through go-yaml v2: sorted keys).
//!
//! Entry points: [`build`] (what `kubectl kustomize DIR` prints) and
//! [`build_with`] ([`Options`]: load restrictions, in-memory input for
//! overlays; [`Build`] carries the warnings kustomize prints on stderr).
//! Not supported (clear errors): remote resources and bases (no network),
//! helm chart inflation, exec/Go/function plugins and validators.

pub mod crds;
pub mod error;
pub mod fieldspec;
pub mod json6902;
pub mod generators;
pub mod kustomization;
pub mod merge;
pub mod nameref;
pub mod node;
pub mod openapi;
pub mod origin;
pub mod overlay;
pub mod parse;
pub mod patch;
pub mod paths;
pub mod plugins;
pub mod refvar;
pub mod replacement;
pub mod resmap;
pub mod resource;
pub mod selector;
pub mod sort;
pub mod target;
pub mod transformers;

use std::path::Path;

pub use error::KustomizeError;

use resource::LOCAL_CONFIG;
use target::{Context, Loader, Target};

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--load-restrictor LoadRestrictionsNone`: files may come from outside
    /// the kustomization root.
    pub load_restrictions_none: bool,
    /// Resources handed to the build from memory, e.g. a chart's rendered
    /// manifests for `--overlay`. See [`InputResources`].
    pub input: Option<InputResources>,
}

/// In-memory resources for an overlay (the `--overlay DIR` contract): the
/// YAML stream is served as the file `name` in the overlay directory, so
/// the overlay can list it in `resources:` (and patch or select it like any
/// file); when the overlay does not list it, it is added as the first
/// resource. Everything else about the overlay is a normal kustomization.
#[derive(Debug, Clone, PartialEq)]
pub struct InputResources {
    /// The file name the overlay can refer to (e.g. `chart.yaml`).
    pub name: String,
    /// The manifests, a YAML stream.
    pub yaml: String,
}

/// A finished build.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Build {
    /// The YAML stream `kubectl kustomize` prints.
    pub yaml: String,
    /// The same objects, in the same order.
    pub objects: Vec<serde_json::Value>,
    /// What kustomize writes on stderr (deprecation warnings, unused vars).
    pub warnings: Vec<String>,
}

/// Build the kustomization in `dir`, as `kubectl kustomize DIR` does.
pub fn build(dir: &Path) -> Result<String, KustomizeError> {
    build_with(dir, &Options::default()).map(|b| b.yaml)
}

/// Build with options, returning the warnings too.
pub fn build_with(dir: &Path, opts: &Options) -> Result<Build, KustomizeError> {
    let mut ctx = Context::default();
    let mut ldr = Loader::new(dir, !opts.load_restrictions_none)?;
    if let Some(input) = &opts.input {
        ldr = ldr.with_virtual_file(&input.name, input.yaml.clone().into_bytes());
    }
    let mut t = Target::load(ldr, &mut ctx)?;
    if let Some(input) = &opts.input {
        let listed = t.k.resources.iter().any(|r| r.trim_start_matches("./") == input.name);
        if !listed {
            t.k.resources.insert(0, input.name.clone());
        }
    }
    openapi::reset_schema();
    t.apply_openapi(true)?;
    if !t.k.build_metadata.is_empty() {
        t.origin = Some(origin::Origin::default());
    }
    let keep_origins = t.k.build_metadata.iter().any(|m| m == "originAnnotations");
    let keep_transformations = t.k.build_metadata.iter().any(|m| m == "transformerAnnotations");
    let mut ra = t.accumulate(&mut ctx)?;
    // makeCustomizedResMap: hashes, name references, vars, local configs.
    generators::add_hashes(&mut ra.resmap)?;
    nameref::fix(&mut ra.resmap, &ra.tconfig.name_reference)?;
    let unused = refvar::resolve(&mut ra.resmap, &ra.vars, &ra.tconfig.var_reference)?;
    if !unused.is_empty() {
        ctx.warnings.push(format!("well-defined vars that were never replaced: {}", unused.join(",")));
    }
    // IgnoreLocal (DropLocalNodes): empty objects and local configs go.
    ra.resmap.list.retain(|r| !r.is_nil_or_empty() && r.annotations().get(LOCAL_CONFIG).map(|v| v == "false").unwrap_or(true));
    sort::apply_sort_options(&mut ra.resmap, t.k.sort_options.as_ref())?;
    if t.k.build_metadata.iter().any(|m| m == "managedByLabel") {
        let mut labels = std::collections::BTreeMap::new();
        labels.insert("app.kubernetes.io/managed-by".to_string(), "kustomize-v5.7.1".to_string());
        transformers::labels(&mut ra.resmap, &labels, &[fieldspec::FieldSpec::new("metadata/labels", true)])?;
    }
    let mut out = String::new();
    let mut objects = Vec::with_capacity(ra.resmap.list.len());
    for (i, r) in ra.resmap.list.iter_mut().enumerate() {
        r.remove_build_annotations();
        // RemoveOriginAnnotations / RemoveTransformerAnnotations.
        if !keep_origins {
            r.set_origin(None);
        }
        if !keep_transformations {
            let mut a = r.annotations();
            a.remove(resource::TRANSFORMATIONS);
            r.set_annotations(&a);
        }
        if i > 0 {
            out.push_str("---\n");
        }
        let json = r.node.to_json()?;
        let yaml = crate::codec::yaml_write::try_to_yaml(&json).map_err(|e| KustomizeError::msg(e.message))?;
        out.push_str(&yaml);
        objects.push(json);
    }
    Ok(Build { yaml: out, objects, warnings: ctx.warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const RENDERED: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1\n";

    #[test]
    fn overlay_input_is_an_implicit_first_resource() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "kustomization.yaml", "namePrefix: prod-\nimages:\n- name: nginx\n  newTag: \"2\"\n");
        let opts = Options { input: Some(InputResources { name: "chart.yaml".into(), yaml: RENDERED.into() }), ..Options::default() };
        let out = build_with(dir.path(), &opts).unwrap().yaml;
        assert!(out.contains("name: prod-web"), "{out}");
        assert!(out.contains("image: nginx:2"), "{out}");
        // Legacy order: the Service before the Deployment.
        assert!(out.find("kind: Service").unwrap() < out.find("kind: Deployment").unwrap());
    }

    #[test]
    fn overlay_can_list_and_patch_the_input() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "kustomization.yaml",
            "resources:\n- extra.yaml\n- chart.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: 3\n",
        );
        write(dir.path(), "extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n");
        let opts = Options { input: Some(InputResources { name: "chart.yaml".into(), yaml: RENDERED.into() }), ..Options::default() };
        let out = build_with(dir.path(), &opts).unwrap().yaml;
        assert!(out.contains("replicas: 3"), "{out}");
        assert!(out.contains("name: extra"), "{out}");
    }

    #[test]
    fn deprecated_fields_warn() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "kustomization.yaml", "bases:\n- base\n");
        write(dir.path(), "base/kustomization.yaml", "resources:\n- cm.yaml\n");
        write(dir.path(), "base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        let b = build_with(dir.path(), &Options::default()).unwrap();
        assert_eq!(b.yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        assert_eq!(
            b.warnings,
            vec!["# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."]
        );
    }

    #[test]
    fn remote_resources_are_refused_offline() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "kustomization.yaml", "resources:\n- github.com/kubernetes-sigs/kustomize/examples/helloWorld?ref=v5.0.0\n");
        let e = build(dir.path()).unwrap_err();
        assert!(matches!(e, KustomizeError::Remote(_)), "{e}");
    }

    #[test]
    fn files_outside_the_root_need_load_restrictions_none() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "k/kustomization.yaml", "resources:\n- ../cm.yaml\n");
        write(dir.path(), "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        let e = build(&dir.path().join("k")).unwrap_err();
        assert!(e.to_string().contains("is not in or below"), "{e}");
        let ok = build_with(&dir.path().join("k"), &Options { load_restrictions_none: true, ..Options::default() }).unwrap();
        assert!(ok.yaml.contains("name: c"));
    }
}
