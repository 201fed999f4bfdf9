//! Rendering a chart to the manifest stream `helm template` prints:
//! load → values → render → sort → print (Helm: pkg/action/install.go with
//! DryRun client, pkg/action/action.go renderResources, pkg/cmd/template.go).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

use crate::chart::{self, Chart};
use crate::engine::context::{Capabilities, ReleaseInfo, DEFAULT_KUBE_VERSION};
use crate::engine::render::{self, RenderOptions};
use crate::manifest::{self, HookEvent, INSTALL_ORDER};
use crate::values;

/// Everything `template` needs to know.
#[derive(Debug, Clone, Default)]
pub struct TemplateRequest {
    pub release_name: String,
    pub namespace: String,
    pub chart: PathBuf,
    pub values: values::UserValues,
    pub render: RenderSettings,
    pub is_upgrade: bool,
    pub include_crds: bool,
    pub skip_tests: bool,
    pub no_hooks: bool,
    pub show_only: Vec<String>,
    pub output_dir: Option<PathBuf>,
    pub use_release_name: bool,
}

/// How a chart renders for a release, beyond its values: what template,
/// install, upgrade and diff share.
#[derive(Debug, Clone, Default)]
pub struct RenderSettings {
    /// `--kube-version` for .Capabilities (default: Helm's).
    pub kube_version: Option<String>,
    /// `--api-versions` added to .Capabilities.APIVersions.
    pub api_versions: Vec<String>,
    pub skip_schema_validation: bool,
    /// `--render-subchart-notes`.
    pub sub_notes: bool,
    /// `--overlay DIR`: a kustomization that post-renders the templates
    /// (see [`crate::kustomize::overlay`]).
    pub overlay: Option<PathBuf>,
    /// Where `lookup` finds objects (a cluster); `None`: it finds nothing.
    pub lookup: Option<Lookup>,
    /// The cluster's version and API versions for `.Capabilities`
    /// (install and upgrade on a cluster); `None`: capstan's defaults
    /// with `kube_version` and `api_versions`.
    pub cluster: Option<ClusterCapabilities>,
}

/// What a cluster says about itself (Go: getCapabilities).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterCapabilities {
    pub git_version: String,
    pub major: String,
    pub minor: String,
    /// `group/version` and `group/version/Kind` of everything served.
    pub api_versions: Vec<String>,
}

/// `--name-template`: the release name from a template executed with no
/// data (Go: pkg/action/install.go TemplateName).
pub fn template_name(text: &str) -> anyhow::Result<String> {
    let mut set = crate::engine::gotmpl::Templates::new();
    set.parse("name-template", text).map_err(|e| anyhow!("{e}"))?;
    set.execute("name-template", &crate::engine::value::Value::Nil).map_err(|e| anyhow!("{e}"))
}

/// `settings` for rendering a release on the configuration's target: on
/// a cluster, `lookup` asks it and `.Capabilities` are its own (install,
/// upgrade and diff; never `template`).
pub fn for_target(cfg: &super::Configuration, settings: &RenderSettings) -> Result<RenderSettings, super::ActionError> {
    let mut settings = settings.clone();
    if settings.lookup.is_none() {
        settings.lookup = cfg.target.lookup_provider().map(Lookup);
    }
    if settings.cluster.is_none() {
        settings.cluster = cfg.target.capabilities()?;
    }
    Ok(settings)
}

/// A cluster answering `lookup` while a chart renders.
#[derive(Clone)]
pub struct Lookup(pub std::sync::Arc<dyn crate::engine::funcs::helm::LookupProvider>);

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookup(cluster)")
    }
}

/// What `template` prints.
#[derive(Debug, Default)]
pub struct TemplateOutput {
    pub stdout: String,
    /// Helm's log lines (`level=WARN msg="..."`), for stderr.
    pub warnings: Vec<String>,
}

/// A chart rendered for a release: the pieces install and template share.
#[derive(Debug, Default)]
pub struct RenderedRelease {
    pub chart: Chart,
    /// The user-supplied values (Helm's release `config`).
    pub config: serde_json::Value,
    pub manifests: Vec<manifest::Manifest>,
    pub hooks: Vec<manifest::Hook>,
    pub notes: String,
    pub warnings: Vec<String>,
}

impl RenderedRelease {
    /// CRD files (`crds/` of the chart and subcharts) as (path, content).
    /// Read when asked for: most renders never need them.
    pub fn crds(&self) -> Vec<(String, String)> {
        crd_files(&self.chart, None)
    }

    /// The paths of [`Self::crds`], without reading the files.
    pub fn crd_paths(&self) -> Vec<String> {
        crd_entries(&self.chart, None).into_iter().map(|(path, _)| path).collect()
    }
}

/// A failure met while rendering, after Helm has made the release record:
/// `helm template` adds a hint to these (install and upgrade do not).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RenderStageError(pub String);

/// Load, coalesce, validate and render a chart for a release. The log
/// lines Helm would print come back in `warnings`; when the render fails
/// they are printed to stderr before the error is returned, as Helm logs
/// them as it goes.
pub fn render_release(
    chart_path: &Path,
    user: &values::UserValues,
    release: ReleaseInfo,
    settings: &RenderSettings,
) -> anyhow::Result<RenderedRelease> {
    with_log(|warnings| {
        // Helm merges the user's values before it loads the chart.
        let config = user.merge(&mut std::io::stdin().lock())?;
        let loaded = chart::load_with(chart_path, &chart::LoadOptions::default())?;
        warnings.extend(loaded.warnings.iter().map(|w| w.to_slog_line()));
        render_chart_logged(loaded.chart, config, release, settings, warnings)
    })
}

/// Run a render that collects Helm's log lines: on success they go into the
/// result's `warnings`; on failure they are printed before the error, as
/// Helm logs them as it goes.
fn with_log(
    render: impl FnOnce(&mut Vec<String>) -> anyhow::Result<RenderedRelease>,
) -> anyhow::Result<RenderedRelease> {
    let mut warnings = Vec::new();
    match render(&mut warnings) {
        Ok(mut r) => {
            r.warnings = warnings;
            Ok(r)
        }
        Err(e) => {
            for w in &warnings {
                eprintln!("{w}");
            }
            Err(e)
        }
    }
}

/// Coalesce, validate and render a loaded chart with the user's (merged)
/// values `config`: what install and upgrade do after loading the chart.
/// Log lines are returned in `warnings`, and printed when it fails, as
/// [`render_release`] does.
pub fn render_chart(
    chart: Chart,
    config: serde_json::Map<String, serde_json::Value>,
    release: ReleaseInfo,
    settings: &RenderSettings,
) -> anyhow::Result<RenderedRelease> {
    let _lookup = settings.lookup.as_ref().map(|l| crate::engine::funcs::helm::LookupScope::new(l.0.clone()));
    with_log(|warnings| render_chart_logged(chart, config, release, settings, warnings))
}

fn render_chart_logged(
    mut chart: Chart,
    config: serde_json::Map<String, serde_json::Value>,
    release: ReleaseInfo,
    settings: &RenderSettings,
    warnings: &mut Vec<String>,
) -> anyhow::Result<RenderedRelease> {
    let kube_version = settings.kube_version.as_deref();
    let capabilities = match &settings.cluster {
        Some(c) => Capabilities::for_cluster(&c.git_version, &c.major, &c.minor, c.api_versions.clone())
            .map_err(|e| anyhow!("the cluster's version {:?}: {e}", c.git_version))?,
        None => Capabilities::new(kube_version.unwrap_or(DEFAULT_KUBE_VERSION), &settings.api_versions)
            .map_err(|e| anyhow!("invalid kube version '{}': {e}", kube_version.unwrap_or_default()))?,
    };
    if !settings.skip_schema_validation {
        values::schema::compile_ahead(&chart);
    }
    let ahead = render::ParseAhead::start(&chart);
    let mut log = Vec::new();
    let prepared = values::prepare_dependencies(&mut chart, &config, &mut log);
    if let Err(e) = prepared {
        warnings.extend(log.iter().map(|w| w.to_slog_line()));
        return Err(e.into());
    }
    let opts = RenderOptions { release, capabilities };
    let rendered = render::render_parsed_ahead(&chart, &opts, ahead, || -> anyhow::Result<serde_json::Value> {
        let prepare = values::PrepareOptions { skip_schema_validation: settings.skip_schema_validation };
        let values = values::coalesce_and_validate(&chart, &config, prepare, &mut log)?;
        let kube = &opts.capabilities;
        if !chart.metadata.kube_version.is_empty()
            && !chart::version::is_compatible_range(&chart.metadata.kube_version, &kube.kube_version_normalized)
        {
            return Err(RenderStageError(format!(
                "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                chart.metadata.kube_version, kube.kube_version
            ))
            .into());
        }
        Ok(values)
    });
    warnings.extend(log.iter().map(|w| w.to_slog_line()));
    let mut files = match rendered {
        Ok(files) => files,
        Err(render::RenderFailure::Values(e)) => return Err(e),
        Err(render::RenderFailure::Render(e)) => return Err(RenderStageError(e.to_string()).into()),
    };

    // NOTES.txt files are not manifests: keep the root chart's (and the
    // subcharts' when asked), in path order.
    let root_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let note_paths: Vec<String> = files.keys().filter(|k| k.ends_with("NOTES.txt")).cloned().collect();
    for path in note_paths {
        let text = files.remove(&path).unwrap_or_default();
        if settings.sub_notes || path == root_notes {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&text);
        }
    }
    if let Some(dir) = &settings.overlay {
        let post = crate::kustomize::overlay::post_render(dir, &files)
            .with_context(|| format!("applying the overlay in {}", dir.display()))?;
        warnings.extend(post.warnings);
        files = post.files;
    }
    let sorted = manifest::sort_manifests(&files, INSTALL_ORDER).map_err(|e| RenderStageError(e.to_string()))?;
    Ok(RenderedRelease {
        chart,
        config: serde_json::Value::Object(config),
        manifests: sorted.manifests,
        hooks: sorted.hooks,
        notes,
        warnings: Vec::new(),
    })
}

/// Helm's CRDObjects: `crds/*.{yaml,yml,json}` of a chart, then of each
/// subchart, named by full chart path, with their text.
pub(crate) fn crd_files(chart: &Chart, parent: Option<&str>) -> Vec<(String, String)> {
    crd_entries(chart, parent).into_iter().map(|(path, f)| (path, f.text().into_owned())).collect()
}

/// [`crd_files`] without reading the files.
fn crd_entries<'c>(chart: &'c Chart, parent: Option<&str>) -> Vec<(String, &'c chart::File)> {
    let full = match parent {
        None => chart.name().to_string(),
        Some(p) => format!("{p}/charts/{}", chart.name()),
    };
    let mut out: Vec<(String, &chart::File)> = chart
        .crd_files()
        .filter(|f| {
            let lower = f.name.to_ascii_lowercase();
            lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
        })
        .map(|f| (format!("{full}/{}", f.name), f))
        .collect();
    for dep in &chart.dependencies {
        out.extend(crd_entries(dep, Some(&full)));
    }
    out
}

/// Run `template`.
pub fn template(req: &TemplateRequest) -> anyhow::Result<TemplateOutput> {
    let release = ReleaseInfo {
        name: req.release_name.clone(),
        namespace: req.namespace.clone(),
        revision: 1,
        is_install: !req.is_upgrade,
        is_upgrade: req.is_upgrade,
    };
    // Helm's template command: a failure after the release was made gets
    // a hint (pkg/cmd/template.go).
    let mut r = render_release(&req.chart, &req.values, release, &req.render).map_err(|e| {
        if e.downcast_ref::<RenderStageError>().is_some() {
            anyhow!("{e}\n\nUse --debug flag to render out invalid YAML")
        } else {
            e
        }
    })?;

    if let Some(dir) = &req.output_dir {
        let dir = if req.use_release_name { dir.join(&req.release_name) } else { dir.clone() };
        write_output_dir(&dir, req, &r)?;
        return Ok(TemplateOutput { stdout: String::new(), warnings: r.warnings });
    }

    // The release manifest: CRDs (when asked), then manifests in install
    // order, trimmed; then the hooks. Built in one buffer: with
    // kube-prometheus-stack's 4.4 MB of CRDs, each copy cost a millisecond
    // or two.
    let crds = if req.include_crds { crd_entries(&r.chart, None) } else { Vec::new() };
    let hooks: Vec<&manifest::Hook> = r
        .hooks
        .iter()
        .filter(|h| !req.no_hooks && !(req.skip_tests && h.events.contains(&HookEvent::Test)))
        .collect();
    let size = crds.iter().map(|(p, f)| p.len() + f.data.len()).sum::<usize>()
        + r.manifests.iter().map(|m| m.source.len() + m.content.len()).sum::<usize>()
        + hooks.iter().map(|h| h.source.len() + h.manifest.len()).sum::<usize>()
        + 32 * (crds.len() + r.manifests.len() + hooks.len() + 1);
    let mut out = String::with_capacity(size);
    for (path, file) in &crds {
        push_document(&mut out, path, &file.text());
    }
    for m in &r.manifests {
        push_document(&mut out, &m.source, &m.content);
    }
    // Go: strings.TrimSpace of the release manifest.
    out.truncate(out.trim_end().len());
    out.drain(..out.len() - out.trim_start().len());
    out.push('\n');
    for h in hooks {
        push_document(&mut out, &h.source, &h.manifest);
    }
    if !req.show_only.is_empty() {
        out = show_only(&out, &req.show_only)?;
    }
    let warnings = std::mem::take(&mut r.warnings);
    // The chart and its rendered objects: freeing them is wasted at exit.
    crate::one_shot::drop_or_leave(r);
    Ok(TemplateOutput { stdout: out, warnings })
}

/// Append `---`, the `# Source:` line and the document, as Helm prints
/// each one.
fn push_document(out: &mut String, source: &str, content: &str) {
    for piece in ["---\n# Source: ", source, "\n", content, "\n"] {
        out.push_str(piece);
    }
}

/// `--show-only`: keep the documents whose template path (without the chart
/// name) matches one of the patterns (Go filepath.Match).
fn show_only(stream: &str, patterns: &[String]) -> anyhow::Result<String> {
    let docs = manifest::split_documents(stream);
    let mut out = String::new();
    for pattern in patterns {
        let mut found = false;
        for doc in &docs {
            let Some(source) = doc.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                continue;
            };
            let Some((_, path)) = source.split_once('/') else { continue };
            if chart::ignore::go_match(pattern, path).unwrap_or(false) {
                out.push_str(&format!("---\n{doc}\n"));
                found = true;
            }
        }
        if !found {
            anyhow::bail!("could not find template {pattern} in chart");
        }
    }
    Ok(out)
}

/// `--output-dir`: one file per template (documents of one template
/// appended with `---`), as Helm's writeToFile.
fn write_output_dir(dir: &Path, req: &TemplateRequest, r: &RenderedRelease) -> anyhow::Result<()> {
    let mut written: BTreeMap<String, bool> = BTreeMap::new();
    let mut write = |name: &str, content: &str| -> anyhow::Result<()> {
        let path = safe_join(dir, name)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let append = written.get(name).copied().unwrap_or(false);
        let mut data = String::with_capacity(name.len() + content.len() + 16);
        push_document(&mut data, name, content);
        if append {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(&path)?;
            f.write_all(data.as_bytes())?;
        } else {
            std::fs::write(&path, data).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        written.insert(name.to_string(), true);
        Ok(())
    };
    if req.include_crds {
        for (path, content) in &r.crds() {
            write(path, content)?;
        }
    }
    for m in &r.manifests {
        write(&m.source, &m.content)?;
    }
    if !req.no_hooks {
        for h in &r.hooks {
            if req.skip_tests && h.events.contains(&HookEvent::Test) {
                continue;
            }
            write(&h.source, &h.manifest)?;
        }
    }
    Ok(())
}

/// Join a chart-relative path under `dir`, refusing anything that would
/// leave it.
fn safe_join(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let rel = Path::new(name);
    if rel.is_absolute()
        || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        anyhow::bail!("refusing to write {name:?} outside the output directory");
    }
    Ok(dir.join(rel))
}
