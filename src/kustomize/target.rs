//! Building one kustomization directory (kustomize api/internal/target
//! KustTarget and api/internal/accumulator ResAccumulator): the file loader
//! with its root restriction, resource accumulation from files,
//! directories, nested kustomizations and components, then generators and
//! the built-in transformers in kustomize's order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::KustomizeError;
use super::fieldspec::{self, FieldSpec, TransformerConfig};
use super::kustomization::{Kustomization, Var, COMPONENT_KIND, FILE_NAMES};
use super::node::Node;
use super::parse::parse_documents;
use super::resmap::ResMap;
use super::resource::Resource;
use super::origin::{join_clean, ConfiguredBy, Origin};
use super::plugins::Plugin;
use super::{generators, patch, replacement, transformers};

/// Reads files for a kustomization (kustomize's FileLoader).
#[derive(Debug, Clone)]
pub struct Loader {
    /// The kustomization directory, absolute with symlinks resolved.
    pub root: PathBuf,
    /// LoadRestrictionsRootOnly: files must be inside `root`.
    pub restrict: bool,
    /// Roots of the kustomizations that led here (cycle detection).
    referrers: Vec<PathBuf>,
    /// An in-memory file (absolute path, content), e.g. a chart's rendered
    /// manifests given to an overlay.
    virtual_file: Option<std::sync::Arc<(PathBuf, Vec<u8>)>>,
}

/// git.NewRepoSpecFromURL accepts these; we cannot fetch them offline.
fn is_remote(path: &str) -> bool {
    let p = path.trim();
    p.starts_with("http://")
        || p.starts_with("https://")
        || p.starts_with("git@")
        || p.starts_with("ssh://")
        || p.starts_with("git::")
        || p.starts_with("github.com/")
        || p.starts_with("gitlab.com/")
        || p.starts_with("bitbucket.org/")
        || p.contains(".git//")
        || p.contains("?ref=")
}

impl Loader {
    /// A loader rooted at `dir` (ConfirmDir).
    pub fn new(dir: &Path, restrict: bool) -> Result<Loader, KustomizeError> {
        let root = std::fs::canonicalize(dir).map_err(|e| {
            KustomizeError::msg(format!("must build at directory: not a valid directory: evalsymlink failure on '{}' : {e}", dir.display()))
        })?;
        if !root.is_dir() {
            return Err(KustomizeError::msg(format!(
                "must build at directory: '{}': file is not directory",
                dir.display()
            )));
        }
        Ok(Loader { root, restrict, referrers: Vec::new(), virtual_file: None })
    }

    /// Serve `content` as the file `name` in this (top) directory.
    pub fn with_virtual_file(mut self, name: &str, content: Vec<u8>) -> Loader {
        self.virtual_file = Some(std::sync::Arc::new((self.root.join(name), content)));
        self
    }

    pub fn root_str(&self) -> String {
        self.root.display().to_string()
    }

    /// FileLoader.Load: a file relative to the root.
    pub fn load(&self, path: &str) -> Result<Vec<u8>, KustomizeError> {
        if path.starts_with("http://") || path.starts_with("https://") {
            return Err(KustomizeError::remote(path));
        }
        let full = lexical_clean(&if Path::new(path).is_absolute() { PathBuf::from(path) } else { self.root.join(path) });
        if let Some(v) = &self.virtual_file {
            if full == v.0 {
                return Ok(v.1.clone());
            }
        }
        let target = if self.restrict {
            let resolved = std::fs::canonicalize(&full).map_err(|e| {
                KustomizeError::msg(format!("evalsymlink failure on '{}' : {}", full.display(), lstat_text(&full, &e)))
            })?;
            if resolved.is_dir() {
                return Err(KustomizeError::msg(format!("'{}' must resolve to a file", full.display())));
            }
            if !resolved.starts_with(&self.root) {
                return Err(KustomizeError::msg(format!(
                    "security; file '{}' is not in or below '{}'",
                    full.display(),
                    self.root.display()
                )));
            }
            resolved
        } else {
            full
        };
        std::fs::read(&target).map_err(|e| KustomizeError::msg(format!("open {}: {}", target.display(), io_text(&e))))
    }

    /// FileLoader.New: a loader for a directory (a base, component).
    pub fn child(&self, path: &str) -> Result<Loader, KustomizeError> {
        if path.is_empty() {
            return Err(KustomizeError::msg("new root cannot be empty"));
        }
        if is_remote(path) {
            return Err(KustomizeError::remote(path));
        }
        if Path::new(path).is_absolute() {
            return Err(KustomizeError::msg(format!("new root '{path}' cannot be absolute")));
        }
        let joined = lexical_clean(&self.root.join(path));
        let root = std::fs::canonicalize(&joined).map_err(|e| {
            KustomizeError::msg(format!(
                "must build at directory: not a valid directory: evalsymlink failure on '{}' : {}",
                joined.display(),
                lstat_text(&joined, &e)
            ))
        })?;
        if !root.is_dir() {
            return Err(KustomizeError::msg(format!("must build at directory: '{}': file is not directory", joined.display())));
        }
        // errIfArgEqualOrHigher.
        for visited in std::iter::once(&self.root).chain(self.referrers.iter()) {
            if visited.starts_with(&root) {
                return Err(KustomizeError::msg(format!(
                    "cycle detected: candidate root '{}' contains visited root '{}'",
                    root.display(),
                    visited.display()
                )));
            }
        }
        let mut referrers = self.referrers.clone();
        referrers.push(self.root.clone());
        Ok(Loader { root, restrict: self.restrict, referrers, virtual_file: self.virtual_file.clone() })
    }
}

/// A path with `.` and `..` removed without touching the file system.
fn lexical_clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// filepath.EvalSymlinks' error: `lstat PATH: ...` for the first missing part.
fn lstat_text(p: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        let mut missing = p.to_path_buf();
        let mut cur = p.to_path_buf();
        while let Some(parent) = cur.parent() {
            if parent.exists() {
                missing = cur.clone();
                break;
            }
            cur = parent.to_path_buf();
        }
        return format!("lstat {}: no such file or directory", missing.display());
    }
    io_text(e)
}

/// Go's text for common I/O errors.
fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Things a build reports besides its output.
#[derive(Debug, Default)]
pub struct Context {
    /// Lines kustomize prints on stderr (deprecations, unused vars).
    pub warnings: Vec<String>,
}

/// The resources of a kustomization plus the configuration and vars
/// gathered on the way (ResAccumulator).
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    pub resmap: ResMap,
    pub tconfig: TransformerConfig,
    /// Vars by name (VarSet).
    pub vars: BTreeMap<String, Var>,
}

impl Accumulator {
    fn merge_config(&mut self, c: &TransformerConfig) -> Result<(), KustomizeError> {
        self.tconfig = self.tconfig.merge(c)?;
        Ok(())
    }

    fn merge_accumulator(&mut self, other: Accumulator) -> Result<(), KustomizeError> {
        self.resmap.append_all(other.resmap)?;
        self.merge_config(&other.tconfig)?;
        for (name, v) in other.vars {
            if self.vars.contains_key(&name) {
                return Err(KustomizeError::msg(format!("var '{name}' already encountered")));
            }
            self.vars.insert(name, v);
        }
        Ok(())
    }

    /// ResAccumulator.MergeVars: remember which resource each var refers to.
    fn merge_vars(&mut self, incoming: &[Var]) -> Result<(), KustomizeError> {
        for v in incoming {
            let target = super::resource::ResId::new(v.objref_gvk.clone(), v.objref_name.clone(), v.objref_namespace.clone());
            let strict = !target.namespace.is_empty() || target.is_cluster_scoped();
            let matched = self
                .resmap
                .indexes_by_any_id(|id| if strict { target.equals(id) } else { target.gvkn_equals(id) });
            if matched.len() > 1 {
                return Err(KustomizeError::msg(format!(
                    "found {} resId matches for var {} (unable to disambiguate)",
                    matched.len(),
                    v.describe()
                )));
            }
            if let Some(&i) = matched.first() {
                self.resmap.list[i].ref_var_names.push(v.name.clone());
            }
        }
        for v in incoming {
            if self.vars.contains_key(&v.name) {
                return Err(KustomizeError::msg(format!("var '{}' already encountered", v.name)));
            }
            self.vars.insert(v.name.clone(), v.clone());
        }
        Ok(())
    }
}

/// One kustomization directory being built.
pub struct Target {
    pub ldr: Loader,
    pub k: Kustomization,
    /// The kustomization file's name (kustomization.yaml, ...).
    pub kust_file: String,
    /// Where this kustomization sits, when origins are tracked (buildMetadata).
    pub origin: Option<Origin>,
}

impl Target {
    /// KustTarget.Load: find and read the kustomization file.
    pub fn load(ldr: Loader, ctx: &mut Context) -> Result<Target, KustomizeError> {
        let mut found = Vec::new();
        for name in FILE_NAMES {
            let p = ldr.root.join(name);
            if p.is_file() {
                found.push(p);
            }
        }
        let path = match found.len() {
            0 => {
                return Err(KustomizeError::msg(format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    ldr.root.display()
                )))
            }
            1 => found.remove(0),
            _ => return Err(KustomizeError::msg(format!("Found multiple kustomization files under: {}\n", ldr.root.display()))),
        };
        let text = std::fs::read(&path).map_err(|e| KustomizeError::msg(format!("{}: {}", path.display(), io_text(&e))))?;
        let (k, warnings) = Kustomization::parse(&String::from_utf8_lossy(&text))?;
        ctx.warnings.extend(warnings);
        k.validate(&ldr.root_str())?;
        let kust_file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Target { ldr, k, kust_file, origin: None })
    }

    /// The kustomization's `openapi:` field (openapi.SetSchema).
    pub fn apply_openapi(&self, reset: bool) -> Result<(), KustomizeError> {
        let bytes = match self.k.openapi.get("path") {
            Some(p) => Some(self.ldr.load(p)?),
            None => None,
        };
        super::openapi::set_schema(self.k.openapi.get("version").map(String::as_str), bytes.as_deref(), reset)
    }

    /// The origin of something configured in this kustomization file by a
    /// built-in plugin of `kind`.
    fn builtin_origin(&self, kind: &str) -> Option<Origin> {
        self.origin.as_ref().map(|o| Origin {
            repo: o.repo.clone(),
            ref_: o.ref_.clone(),
            configured_in: join_clean(&o.path, &self.kust_file),
            configured_by: ConfiguredBy { api_version: "builtin".into(), kind: kind.into(), ..ConfiguredBy::default() },
            ..Origin::default()
        })
    }

    /// KustTarget.AccumulateTarget with a fresh accumulator.
    pub fn accumulate(&self, ctx: &mut Context) -> Result<Accumulator, KustomizeError> {
        self.accumulate_into(Accumulator::default(), ctx)
    }

    /// accumulateTarget: resources, configurations, CRDs, generators,
    /// components, transformers, vars.
    fn accumulate_into(&self, ra: Accumulator, ctx: &mut Context) -> Result<Accumulator, KustomizeError> {
        if self.k.helm {
            return Err(KustomizeError::unsupported("helmCharts (kustomize --enable-helm)"));
        }
        if !self.k.validators.is_empty() {
            return Err(KustomizeError::unsupported("validators"));
        }
        let mut ra = self.accumulate_resources(ra, &self.k.resources, ctx).map_err(|e| e.wrap("accumulating resources"))?;
        let mut tconfig = TransformerConfig::default_config();
        if !self.k.configurations.is_empty() {
            let mut custom = TransformerConfig::default();
            for p in &self.k.configurations {
                let data = self.ldr.load(p)?;
                let t = TransformerConfig::from_yaml(&String::from_utf8_lossy(&data))?;
                custom = custom.merge(&t)?;
            }
            tconfig = tconfig.merge(&custom)?;
        }
        ra.merge_config(&tconfig)?;
        if !self.k.crds.is_empty() {
            let crd_config = super::crds::load_config_from_crds(&self.ldr, &self.k.crds)
                .map_err(|e| e.wrap(format!("loading CRDs {:?}", self.k.crds)))?;
            ra.merge_config(&crd_config)?;
        }
        self.run_generators(&mut ra, ctx)?;
        let mut ra = self.accumulate_components(ra, ctx).map_err(|e| e.wrap("accumulating components"))?;
        self.run_transformers(&mut ra, ctx)?;
        if let Some(vars) = &self.k.vars {
            ra.merge_vars(vars).map_err(|e| e.wrap("merging vars"))?;
        }
        Ok(ra)
    }

    fn accumulate_resources(&self, mut ra: Accumulator, paths: &[String], ctx: &mut Context) -> Result<Accumulator, KustomizeError> {
        for path in paths {
            match self.accumulate_file(&mut ra, path) {
                Ok(()) => {}
                Err(file_err) => {
                    if let KustomizeError::Remote(_) = file_err {
                        return Err(file_err);
                    }
                    let child = match self.ldr.child(path) {
                        Ok(c) => c,
                        Err(dir_err) => {
                            if let KustomizeError::Remote(_) = dir_err {
                                return Err(dir_err);
                            }
                            if file_err.to_string().contains("MalformedYAMLError") {
                                return Err(file_err);
                            }
                            return Err(dir_err.wrap(format!("accumulation err='{file_err}'")));
                        }
                    };
                    let origin = self.origin.as_ref().map(|o| o.append(path));
                    ra = self
                        .accumulate_directory(ra, child, false, origin, ctx)
                        .map_err(|e| e.wrap(format!("accumulation err='{file_err}'")))?;
                }
            }
        }
        Ok(ra)
    }

    fn accumulate_file(&self, ra: &mut Accumulator, path: &str) -> Result<(), KustomizeError> {
        let data = self.ldr.load(path).map_err(|e| e.wrap(format!("accumulating resources from '{path}'")))?;
        let mut resources = resources_from_bytes(&data)
            .map_err(|e| e.wrap(format!("accumulating resources from '{path}'")))?;
        if let Some(o) = &self.origin {
            // AnnotateAll with the origin's YAML.
            let anno = o.append(path).to_yaml();
            for r in resources.iter_mut() {
                if let Some(meta) = r.node.entry_map("metadata") {
                    if meta.get("annotations").map(|a| a.is_null()).unwrap_or(false) {
                        meta.remove("annotations");
                    }
                    if let Some(annos) = meta.entry_map("annotations") {
                        annos.set(super::resource::ORIGIN, Node::string(anno.clone()));
                    }
                }
            }
        }
        let mut m = ResMap::new();
        for r in resources {
            m.append(r).map_err(|e| e.wrap(format!("accumulating resources from '{path}'")))?;
        }
        ra.resmap.append_all(m).map_err(|e| e.wrap(format!("merging resources from '{path}'")))
    }

    fn accumulate_components(&self, mut ra: Accumulator, ctx: &mut Context) -> Result<Accumulator, KustomizeError> {
        for path in &self.k.components {
            let child = self.ldr.child(path).map_err(|e| KustomizeError::msg(format!("loader.New {:?}", e.to_string())))?;
            let origin = self.origin.as_ref().map(|o| o.append(path));
            ra = self
                .accumulate_directory(ra, child, true, origin, ctx)
                .map_err(|e| KustomizeError::msg(format!("accumulateDirectory: {:?}", e.to_string())))?;
        }
        Ok(ra)
    }

    fn accumulate_directory(
        &self,
        ra: Accumulator,
        ldr: Loader,
        is_component: bool,
        origin: Option<Origin>,
        ctx: &mut Context,
    ) -> Result<Accumulator, KustomizeError> {
        let root = ldr.root_str();
        let mut sub = Target::load(ldr, ctx).map_err(|e| e.wrap(format!("couldn't make target for path '{root}'")))?;
        sub.k.build_metadata = self.k.build_metadata.clone();
        sub.origin = origin;
        sub.apply_openapi(false)?;
        if is_component && sub.k.kind != COMPONENT_KIND {
            return Err(KustomizeError::msg(format!(
                "expected kind '{COMPONENT_KIND}' for path '{root}' but got '{}'",
                sub.k.kind
            )));
        }
        if !is_component && sub.k.kind == COMPONENT_KIND {
            return Err(KustomizeError::msg(format!("expected kind != '{COMPONENT_KIND}' for path '{root}'")));
        }
        let (mut base, sub_ra) = if is_component {
            let r = sub.accumulate_into(ra, ctx);
            (Accumulator::default(), r)
        } else {
            let r = sub.accumulate(ctx);
            (ra, r)
        };
        let sub_ra = sub_ra.map_err(|e| e.wrap(format!("recursed accumulation of path '{root}'")))?;
        base.merge_accumulator(sub_ra).map_err(|e| e.wrap(format!("recursed merging from path '{root}'")))?;
        Ok(base)
    }

    /// configureExternalGenerators / configureExternalTransformers: plugin
    /// configs given inline, or as files or kustomization directories.
    fn plugin_configs(&self, entries: &[String], ctx: &mut Context) -> Result<Vec<Resource>, KustomizeError> {
        let mut ra = Accumulator::default();
        let mut paths = Vec::new();
        for p in entries {
            match resources_from_bytes(p.as_bytes()) {
                Ok(rs) => {
                    for mut r in rs {
                        if let Some(o) = &self.origin {
                            r.set_origin(Some(&o.append(&self.kust_file)));
                        }
                        ra.resmap.append(r)?;
                    }
                }
                Err(_) => paths.push(p.clone()),
            }
        }
        let ra = self.accumulate_resources(ra, &paths, ctx)?;
        Ok(ra.resmap.list)
    }

    /// runGenerators: ConfigMaps, then Secrets, then generator plugins, each
    /// result absorbed per its behavior.
    fn run_generators(&self, ra: &mut Accumulator, ctx: &mut Context) -> Result<(), KustomizeError> {
        let opts = self.k.generator_options.as_ref();
        for (args, secret) in self
            .k
            .config_map_generator
            .iter()
            .map(|a| (a, false))
            .chain(self.k.secret_generator.iter().map(|a| (a, true)))
        {
            let mut args = args.clone();
            args.options = super::kustomization::GeneratorOptions::merge_global(args.options.take(), opts);
            let mut res = generators::generate(&self.ldr, &args, secret)?;
            if let Some(o) = self.builtin_origin(if secret { "SecretGenerator" } else { "ConfigMapGenerator" }) {
                if res.origin().is_none() {
                    res.set_origin(Some(&o));
                }
            }
            let mut m = ResMap::new();
            m.append(res)?;
            ra.resmap.absorb_all(m).map_err(|e| e.wrap("merging from generator"))?;
        }
        if !self.k.generators.is_empty() {
            let configs = self.plugin_configs(&self.k.generators, ctx).map_err(|e| e.wrap("loading generator plugins"))?;
            let mut plugins = Vec::new();
            for c in &configs {
                let p = Plugin::configure(&self.ldr, c).map_err(|e| e.wrap("failed to load generator"))?;
                if !p.is_generator() {
                    return Err(KustomizeError::msg(format!("failed to load generator: plugin {} not a generator", c.org_id())));
                }
                plugins.push(p);
            }
            for (p, c) in plugins.into_iter().zip(configs.iter()) {
                let mut m = p.generate(&self.ldr)?;
                if let Some(o) = plugin_origin(c) {
                    for r in m.list.iter_mut() {
                        if r.origin().is_none() {
                            r.set_origin(Some(&o));
                        }
                    }
                }
                ra.resmap.absorb_all(m).map_err(|e| e.wrap("merging from generator"))?;
            }
        }
        Ok(())
    }

    /// runTransformers: the built-in transformers in kustomize's order,
    /// dropping emptied resources after each.
    fn run_transformers(&self, ra: &mut Accumulator, ctx: &mut Context) -> Result<(), KustomizeError> {
        let tc = ra.tconfig.clone();
        let k = &self.k;
        type Step<'a> = Box<dyn FnOnce(&mut ResMap) -> Result<(), KustomizeError> + 'a>;
        let mut steps: Vec<(Option<Origin>, Step<'_>)> = Vec::new();

        // PatchStrategicMergeTransformer.
        if let Some(paths) = &k.patches_strategic_merge {
            if !paths.is_empty() {
                let p = patch::StrategicMergePatches::configure(&self.ldr, paths)?;
                steps.push((self.builtin_origin("PatchStrategicMergeTransformer"), Box::new(move |m| p.transform(m))));
            }
        }
        // PatchTransformer.
        for pc in &k.patches {
            let p = patch::PatchTransformer::configure(&self.ldr, pc)?;
            steps.push((self.builtin_origin("PatchTransformer"), Box::new(move |m| p.transform(m))));
        }
        // NamespaceTransformer.
        if !k.namespace.is_empty() {
            let ns = k.namespace.clone();
            let specs = tc.namespace.clone();
            steps.push((self.builtin_origin("NamespaceTransformer"), Box::new(move |m| transformers::namespace(m, &ns, &specs))));
        }
        if !k.name_prefix.is_empty() {
            let specs = tc.name_prefix.clone();
            let p = k.name_prefix.clone();
            steps.push((self.builtin_origin("PrefixTransformer"), Box::new(move |m| transformers::prefix_suffix(m, &p, true, &specs))));
        }
        if !k.name_suffix.is_empty() {
            let specs = tc.name_suffix.clone();
            let s = k.name_suffix.clone();
            steps.push((self.builtin_origin("SuffixTransformer"), Box::new(move |m| transformers::prefix_suffix(m, &s, false, &specs))));
        }
        // LabelTransformer: one per `labels:` entry, then commonLabels.
        if !k.labels.is_empty() || k.common_labels.as_ref().map(|c| !c.is_empty()).unwrap_or(false) {
            for label in &k.labels {
                let mut fss: Vec<FieldSpec> = label.fields.clone();
                fieldspec::merge_all(&mut fss, &tc.labels).map_err(|e| e.wrap("failed to merge labels"))?;
                if label.include_selectors {
                    fieldspec::merge_all(&mut fss, &tc.common_labels).map_err(|e| e.wrap("failed to merge labels"))?;
                } else {
                    if label.include_templates {
                        fieldspec::merge_all(&mut fss, &tc.template_labels)
                            .map_err(|e| e.wrap("failed to merge template fieldSpec"))?;
                    }
                    fieldspec::merge_one(&mut fss, FieldSpec::new("metadata/labels", true))
                        .map_err(|e| e.wrap("failed to merge labels"))?;
                }
                let pairs = label.pairs.clone();
                steps.push((self.builtin_origin("LabelTransformer"), Box::new(move |m| transformers::labels(m, &pairs, &fss))));
            }
            let pairs = k.common_labels.clone().unwrap_or_default();
            let specs = tc.common_labels.clone();
            steps.push((self.builtin_origin("LabelTransformer"), Box::new(move |m| transformers::labels(m, &pairs, &specs))));
        }
        if !k.common_annotations.is_empty() {
            let annos = k.common_annotations.clone();
            let specs = tc.common_annotations.clone();
            steps.push((self.builtin_origin("AnnotationsTransformer"), Box::new(move |m| transformers::annotations(m, &annos, &specs))));
        }
        // PatchJson6902Transformer.
        if let Some(list) = &k.patches_json6902 {
            for pc in list {
                let p = patch::Json6902Transformer::configure(&self.ldr, pc)?;
                steps.push((self.builtin_origin("PatchJson6902Transformer"), Box::new(move |m| p.transform(m))));
            }
        }
        for r in &k.replicas {
            let r = r.clone();
            let specs = tc.replicas.clone();
            steps.push((self.builtin_origin("ReplicaCountTransformer"), Box::new(move |m| transformers::replicas(m, &r, &specs))));
        }
        for img in &k.images {
            let img = img.clone();
            let specs = tc.images.clone();
            steps.push((self.builtin_origin("ImageTagTransformer"), Box::new(move |m| transformers::image_tag(m, &img, &specs))));
        }
        if !k.replacements.is_empty() {
            let reps = replacement::configure(&self.ldr, &k.replacements)?;
            steps.push((self.builtin_origin("ReplacementTransformer"), Box::new(move |m| replacement::apply(m, &reps))));
        }
        if !k.transformers.is_empty() {
            for c in self.plugin_configs(&k.transformers, ctx)? {
                let p = Plugin::configure(&self.ldr, &c)?;
                let origin = plugin_origin(&c);
                if p.is_generator() {
                    return Err(KustomizeError::msg(format!("plugin {} not a transformer", c.org_id())));
                }
                steps.push((origin, Box::new(move |m| p.transform(m))));
            }
        }
        for (origin, step) in steps {
            step(&mut ra.resmap)?;
            if let Some(o) = origin {
                for r in ra.resmap.list.iter_mut() {
                    r.add_transformer_annotation(&o);
                }
            }
            ra.resmap.drop_empties();
        }
        Ok(())
    }
}

/// resource.OriginFromCustomPlugin: a plugin config's own origin makes the
/// origin of what it generates or transforms.
fn plugin_origin(config: &Resource) -> Option<Origin> {
    let o = config.origin()?;
    Some(Origin {
        repo: o.repo,
        ref_: o.ref_,
        configured_in: o.path,
        configured_by: ConfiguredBy {
            api_version: config.api_version(),
            kind: config.kind(),
            name: config.name(),
            namespace: config.namespace(),
        },
        ..Origin::default()
    })
}

/// ResourceFactory.SliceFromBytes: documents to resources, with kustomize's
/// checks (kind and name required) and `FooList` items inlined.
pub fn resources_from_bytes(data: &[u8]) -> Result<Vec<Resource>, KustomizeError> {
    let text = String::from_utf8_lossy(data);
    let nodes = parse_documents(&text)?;
    nodes_to_resources(nodes)
}

fn nodes_to_resources(nodes: Vec<Node>) -> Result<Vec<Resource>, KustomizeError> {
    let mut queue: std::collections::VecDeque<Node> = nodes.into_iter().collect();
    let mut out = Vec::new();
    let mut checked = Vec::new();
    // dropBadNodes first, over the top-level documents.
    while let Some(n) = queue.pop_front() {
        if n.is_nil_or_empty() {
            continue;
        }
        validate_metadata(&n)?;
        checked.push(n);
    }
    // inlineAnyEmbeddedLists.
    let mut pending: std::collections::VecDeque<Node> = checked.into_iter().collect();
    while let Some(n) = pending.pop_front() {
        let kind = n.get("kind").map(|k| k.value().to_string()).unwrap_or_default();
        if !kind.ends_with("List") {
            out.push(Resource::new(n));
            continue;
        }
        let json = n.to_json().map_err(|e| KustomizeError::msg(format!("trouble expanding list of {kind}; {e}")))?;
        match json.get("items") {
            None => out.push(Resource::new(n)),
            Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) => {
                for item in items {
                    let node = Node::from_json_typed(item);
                    if node.is_nil_or_empty() {
                        continue;
                    }
                    validate_metadata(&node)?;
                    pending.push_back(node);
                }
            }
            Some(other) => {
                let t = match other {
                    serde_json::Value::Bool(_) => "bool",
                    serde_json::Value::String(_) => "string",
                    serde_json::Value::Number(_) => "float64",
                    _ => "map[string]interface {}",
                };
                return Err(KustomizeError::msg(format!("expected array in {kind}/items, but found {t}")));
            }
        }
    }
    Ok(out)
}

/// RNode.GetValidatedMetadata.
fn validate_metadata(n: &Node) -> Result<(), KustomizeError> {
    if n.as_map().is_none() {
        return Err(KustomizeError::msg("missing Resource metadata"));
    }
    let top = |k: &str| n.get(k).filter(|v| !v.is_nil_or_empty()).map(|v| v.get_value()).unwrap_or("");
    let meta = |k: &str| {
        n.get("metadata").and_then(|m| m.get(k)).filter(|v| !v.is_nil_or_empty()).map(|v| v.value()).unwrap_or("")
    };
    let kind = top("kind");
    let describe = || format!("{{{{{} {}}} {{{{{} {}}} map[] map[]}}}}", top("apiVersion"), kind, meta("name"), meta("namespace"));
    if kind.is_empty() {
        return Err(KustomizeError::msg(format!("missing kind in object {}", describe())));
    }
    if kind.ends_with("List") {
        return Ok(());
    }
    if meta("name").is_empty() {
        return Err(KustomizeError::msg(format!("missing metadata.name in object {}", describe())));
    }
    Ok(())
}
