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

pub mod crds;
pub mod error;
pub mod fieldspec;
pub mod generators;
pub mod kustomization;
pub mod merge;
pub mod nameref;
pub mod node;
pub mod openapi;
pub mod origin;
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
}

/// A finished build.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Build {
    /// The YAML stream `kubectl kustomize` prints.
    pub yaml: String,
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
    let ldr = Loader::new(dir, !opts.load_restrictions_none)?;
    let mut t = Target::load(ldr, &mut ctx)?;
    openapi::reset_schema();
    t.apply_openapi(true)?;
    if !t.k.build_metadata.is_empty() {
        t.origin = Some(origin::Origin::default());
    }
    let keep_origins = t.k.build_metadata.iter().any(|m| m == "originAnnotations");
    let keep_transformations = t.k.build_metadata.iter().any(|m| m == "transformerAnnotations");
    let timing = std::env::var_os("CAPSTAN_KUSTOMIZE_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let mut ra = t.accumulate(&mut ctx)?;
    if timing {
        eprintln!("accumulate {:?}", t0.elapsed());
    }
    // makeCustomizedResMap: hashes, name references, vars, local configs.
    generators::add_hashes(&mut ra.resmap)?;
    let t1 = std::time::Instant::now();
    nameref::fix(&mut ra.resmap, &ra.tconfig.name_reference)?;
    if timing {
        eprintln!("nameref {:?}", t1.elapsed());
    }
    let unused = refvar::resolve(&mut ra.resmap, &ra.vars, &ra.tconfig.var_reference)?;
    if !unused.is_empty() {
        ctx.warnings.push(format!("well-defined vars that were never replaced: {}", unused.join(",")));
    }
    ra.resmap.list.retain(|r| {
        r.is_nil_or_empty() || r.annotations().get(LOCAL_CONFIG).map(|v| v == "false").unwrap_or(true)
    });
    sort::apply_sort_options(&mut ra.resmap, t.k.sort_options.as_ref())?;
    if t.k.build_metadata.iter().any(|m| m == "managedByLabel") {
        let mut labels = std::collections::BTreeMap::new();
        labels.insert("app.kubernetes.io/managed-by".to_string(), "kustomize-v5.7.1".to_string());
        transformers::labels(&mut ra.resmap, &labels, &[fieldspec::FieldSpec::new("metadata/labels", true)])?;
    }
    let t2 = std::time::Instant::now();
    let mut out = String::new();
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
    }
    if timing {
        eprintln!("output {:?}", t2.elapsed());
    }
    Ok(Build { yaml: out, warnings: ctx.warnings })
}
