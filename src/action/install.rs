//! `install`: render a chart as revision 1 of a new release (or the next
//! revision of an uninstalled or failed one with `--replace`), install its
//! CRDs, run pre-install hooks, apply its objects, wait, run post-install
//! hooks, and record the outcome.
//!
//! Go: pkg/action/install.go (RunWithContext, performInstall, failRelease,
//! availableName, replaceRelease, createRelease).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::cluster::{ReleaseScope, Resource};
use crate::engine::context::ReleaseInfo;
use crate::release::{ChartRecord, GoTime, HookEvent, Info, Release, Status};

use super::common::{
    check_labels, hook_records, load_chart, release_manifest, scope_of, set_owner_metadata, test_pause,
    validate_release_name, ActionError, Configuration, DryRun, OperationLock, DEFAULT_TIMEOUT,
};
use super::hooks::exec_hooks;
use super::template::{render_chart, RenderSettings, RenderedRelease};
use super::uninstall::{uninstall_locked, UninstallRequest};

/// Everything `install` needs to know (Go: action.Install's fields).
#[derive(Debug, Clone)]
pub struct InstallRequest {
    pub name: String,
    pub namespace: String,
    pub chart: PathBuf,
    /// The user's merged values (`-f`, `--set` ...): the release's config.
    pub values: Map<String, Value>,
    pub create_namespace: bool,
    pub dry_run: DryRun,
    pub replace: bool,
    pub no_hooks: bool,
    pub timeout: Duration,
    pub wait: bool,
    pub rollback_on_failure: bool,
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub skip_crds: bool,
    /// `--crds upgrade`: apply the chart's CRDs even when they exist.
    pub upgrade_crds: bool,
    pub render: RenderSettings,
}

impl InstallRequest {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>, chart: impl Into<PathBuf>) -> InstallRequest {
        InstallRequest {
            name: name.into(),
            namespace: namespace.into(),
            chart: chart.into(),
            values: Map::new(),
            create_namespace: false,
            dry_run: DryRun::None,
            replace: false,
            no_hooks: false,
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            rollback_on_failure: false,
            description: String::new(),
            labels: BTreeMap::new(),
            skip_crds: false,
            upgrade_crds: false,
            render: RenderSettings::default(),
        }
    }
}

/// A finished install: the release as recorded, and what the render logged.
#[derive(Debug)]
pub struct Installed {
    pub release: Release,
    pub warnings: Vec<String>,
}

/// Run `install`.
pub fn install(cfg: &Configuration, req: &InstallRequest) -> Result<Installed, ActionError> {
    validate_release_name(&req.name)
        .map_err(|e| ActionError::msg(format!("release name check failed: release name {:?}: {e}", req.name)))?;
    if req.dry_run.is_dry_run() {
        return install_unlocked(cfg, req);
    }
    if req.create_namespace {
        // Before the lock: on a cluster the lease lives in the namespace.
        create_namespace(cfg, &req.namespace)?;
    }
    let mut lock = OperationLock::acquire(cfg, &req.namespace, &req.name, req.timeout)?;
    let out = install_locked(cfg, req, &mut lock);
    lock.release()?;
    out
}

fn install_unlocked(cfg: &Configuration, req: &InstallRequest) -> Result<Installed, ActionError> {
    let (mut rel, rendered, _) = prepare(cfg, req, 1, false)?;
    if req.dry_run == DryRun::Server {
        server_dry_run(cfg, &rel)?;
    }
    rel.info.description = "Dry run complete".into();
    Ok(Installed { release: rel, warnings: rendered.warnings })
}

/// `--create-namespace`: the namespace as Helm creates it (with a `name`
/// label), owned by no release; an existing one is left alone.
pub(crate) fn create_namespace(cfg: &Configuration, namespace: &str) -> Result<(), ActionError> {
    let ns = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": namespace, "labels": {"name": namespace}},
    });
    let objects = cfg.target.build(&crate::codec::json::to_json(&ns), "")?;
    cfg.target.apply(&ReleaseScope::unowned(), &objects)?;
    cfg.target.flush()?;
    Ok(())
}

/// `--dry-run=server`: the cluster validates and defaults the objects
/// (a target configured for server dry runs stores nothing).
pub(crate) fn server_dry_run(cfg: &Configuration, rel: &Release) -> Result<(), ActionError> {
    let mut resources = cfg
        .target
        .build(&rel.manifest, &rel.namespace)
        .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects from release manifest: {e}")))?;
    set_owner_metadata(&mut resources, &rel.name, &rel.namespace);
    cfg.target.apply(&scope_of(rel), &resources)?;
    Ok(())
}

/// The install once the release's lock is held (also used by `upgrade
/// --install`).
pub(crate) fn install_locked(
    cfg: &Configuration,
    req: &InstallRequest,
    lock: &mut OperationLock,
) -> Result<Installed, ActionError> {
    let last = match cfg.store.latest(&req.namespace, &req.name) {
        Ok(rel) => Some(rel),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    // Go: availableName.
    if let Some(last) = &last {
        let replaceable = matches!(last.info.status, Status::Uninstalled | Status::Failed);
        if !(req.replace && replaceable) {
            return Err(ActionError::msg("release name check failed: cannot reuse a name that is still in use"));
        }
    }
    let version = last.as_ref().map_or(1, |l| l.version + 1);
    let (mut rel, rendered, crds) = prepare(cfg, req, version, !req.skip_crds)?;
    // The record compresses while the objects are built and CRDs installed.
    let resources = std::thread::scope(|s| {
        s.spawn(|| cfg.store.prepare_to_store(&rel));
        let mut resources = cfg
            .target
            .build(&rel.manifest, &rel.namespace)
            .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects from release manifest: {e}")))?;
        set_owner_metadata(&mut resources, &rel.name, &rel.namespace);
        install_crds(cfg, &rendered, crds, req.upgrade_crds)?;
        // The CRDs are stored now, while the record compresses: like Helm,
        // they exist before the release does and outlive a failed install.
        cfg.target.flush()?;
        Ok::<_, ActionError>(resources)
    })?;

    // Go: replaceRelease: supersede the last revision unless it failed.
    if let Some(mut last) = last {
        if last.info.status != Status::Failed {
            last.set_status(Status::Superseded, "superseded by new release");
            cfg.store.update(&last)?;
        }
    }
    cfg.store.create(&rel)?;
    test_pause("after-pending");
    lock.renew()?;

    match perform_install(cfg, &mut rel, resources, req) {
        Ok(()) => {
            cfg.target.flush()?;
            cfg.store.update(&rel)?;
            Ok(Installed { release: rel, warnings: rendered.warnings })
        }
        Err(err) => fail_install(cfg, rel, err, req, lock),
    }
}

/// `--crds upgrade` on an upgrade: apply every CRD file of the rendered
/// chart, creating or updating (Helm never touches `crds/` on upgrade).
pub(crate) fn upgrade_crds(cfg: &Configuration, crds: &[(String, String)], namespace: &str) -> Result<(), ActionError> {
    for (path, content) in crds {
        let objects = cfg
            .target
            .build(content, namespace)
            .map_err(|e| ActionError::msg(format!("failed to upgrade CRD {path}: {e}")))?;
        cfg.target.apply(&ReleaseScope::unowned(), &objects)?;
    }
    Ok(())
}

/// CRD files of the chart parsed into objects, by path.
type ParsedCrd = Result<Vec<Resource>, crate::cluster::TargetError>;
type ParsedCrds = Vec<(String, ParsedCrd)>;

/// Render and build the release record (pending-install). With
/// `parse_crds`, the chart's CRD files are parsed on another thread while
/// the templates render (they are large: megabytes in big charts).
fn prepare(
    cfg: &Configuration,
    req: &InstallRequest,
    version: u32,
    parse_crds: bool,
) -> Result<(Release, RenderedRelease, ParsedCrds), ActionError> {
    check_labels(&req.labels)?;
    let loaded = load_chart(&req.chart)?;
    let mut warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_slog_line()).collect();
    let info = ReleaseInfo {
        name: req.name.clone(),
        namespace: req.namespace.clone(),
        revision: version as i64,
        is_install: true,
        is_upgrade: false,
    };
    // Every subchart's CRDs: disabled subcharts are filtered out after
    // rendering, by path.
    let crd_files = if parse_crds { crate::action::template::crd_files(&loaded.chart, None) } else { Vec::new() };
    let render = super::template::for_target(cfg, &req.render)?;
    // A helper thread parses CRD files from the start; the rendering thread
    // joins in once the templates are done.
    let next = AtomicUsize::new(0);
    let parsed: Vec<Mutex<Option<ParsedCrd>>> = crd_files.iter().map(|_| Mutex::new(None)).collect();
    let parse_crds = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some((_, content)) = crd_files.get(i) else { break };
        let objects = cfg.target.build(content, &req.namespace);
        *parsed[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(objects);
    };
    let (rendered, helper) = std::thread::scope(|s| {
        let helper = (!crd_files.is_empty()).then(|| s.spawn(parse_crds));
        let rendered = render_chart(loaded.chart, req.values.clone(), info, &render);
        parse_crds();
        (rendered, helper.map_or(Ok(()), |h| h.join()))
    });
    let mut rendered = rendered.map_err(ActionError::Render)?;
    helper.map_err(|_| ActionError::msg("parsing the chart's CRDs panicked"))?;
    let crds: ParsedCrds = crd_files
        .into_iter()
        .zip(parsed)
        .map(|((path, _), objects)| {
            let objects = objects.into_inner().unwrap_or_else(|p| p.into_inner());
            (path, objects.expect("every CRD file is parsed before the scope ends"))
        })
        .collect();
    warnings.append(&mut rendered.warnings);
    rendered.warnings = warnings;
    for w in &rendered.warnings {
        cfg.warn(w);
    }
    let now = GoTime::now();
    let rel = Release {
        name: req.name.clone(),
        namespace: req.namespace.clone(),
        chart: ChartRecord::from_chart(&rendered.chart)?,
        config: req.values.clone(),
        info: Info {
            first_deployed: now,
            last_deployed: now,
            status: Status::PendingInstall,
            description: "Initial install underway".into(),
            notes: rendered.notes.clone(),
            ..Info::default()
        },
        manifest: release_manifest(&rendered.manifests),
        hooks: hook_records(&rendered.hooks),
        version,
        labels: req.labels.clone(),
        apply_method: "ssa".into(),
        ..Release::default()
    };
    Ok((rel, rendered, crds))
}

/// Go: installCRDs: each CRD file of the rendered chart in order; existing
/// CRDs are left alone, unless `upgrade` (`--crds upgrade`).
fn install_crds(
    cfg: &Configuration,
    rendered: &RenderedRelease,
    parsed: ParsedCrds,
    upgrade: bool,
) -> Result<(), ActionError> {
    let scope = ReleaseScope::unowned();
    let mut parsed: std::collections::HashMap<String, _> = parsed.into_iter().collect();
    for path in &rendered.crd_paths() {
        let objects = match parsed.remove(path) {
            Some(result) => result,
            None => continue, // not parsed: nothing to install
        }
        .map_err(|e| ActionError::msg(format!("failed to install CRD {path}: {e}")))?;
        if objects.is_empty() {
            return Err(ActionError::msg(format!("failed to install CRD {path}: resources are empty")));
        }
        if upgrade {
            cfg.target.apply_taking(&scope, objects)?;
            continue;
        }
        let ids: Vec<_> = objects.iter().map(|o| o.id.clone()).collect();
        let existing = cfg.target.get(&scope, &ids)?;
        let missing: Vec<Resource> =
            objects.into_iter().filter(|o| !existing.iter().any(|e| e.id.same_object(&o.id))).collect();
        if !missing.is_empty() {
            cfg.target.apply_taking(&scope, missing)?;
        }
    }
    Ok(())
}

/// Go: performInstall.
fn perform_install(
    cfg: &Configuration,
    rel: &mut Release,
    resources: Vec<Resource>,
    req: &InstallRequest,
) -> Result<(), String> {
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PreInstall, req.timeout).map_err(|e| format!("failed pre-install: {e}"))?;
    }
    let scope = scope_of(rel);
    // The objects go to the target; what --wait waits for is kept first.
    let ids: Vec<_> = if req.wait { resources.iter().map(|r| r.id.clone()).collect() } else { Vec::new() };
    if !resources.is_empty() {
        cfg.target.apply_taking(&scope, resources).map_err(|e| e.to_string())?;
    }
    if req.wait {
        cfg.target.wait(&scope, &ids, req.timeout).map_err(|e| e.to_string())?;
    }
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PostInstall, req.timeout).map_err(|e| format!("failed post-install: {e}"))?;
    }
    let description = if req.description.is_empty() { "Install complete" } else { req.description.as_str() };
    rel.set_status(Status::Deployed, description);
    Ok(())
}

/// Go: Install.failRelease.
fn fail_install(
    cfg: &Configuration,
    mut rel: Release,
    err: String,
    req: &InstallRequest,
    lock: &mut OperationLock,
) -> Result<Installed, ActionError> {
    rel.set_status(Status::Failed, format!("Release {:?} failed: {err}", req.name));
    cfg.target.flush()?;
    cfg.store.update(&rel)?;
    if req.rollback_on_failure {
        let un = UninstallRequest {
            no_hooks: req.no_hooks,
            timeout: req.timeout,
            wait: req.wait,
            ..UninstallRequest::new(&req.name, &req.namespace)
        };
        if let Err(un_err) = uninstall_locked(cfg, &un, lock) {
            return Err(ActionError::msg(format!(
                "an error occurred while uninstalling the release. original install error: {err}: {un_err}"
            )));
        }
        return Err(ActionError::msg(format!(
            "release {} failed, and has been uninstalled due to rollback-on-failure being set: {err}",
            req.name
        )));
    }
    Err(ActionError::msg(err))
}
