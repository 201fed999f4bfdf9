//! `upgrade`: render a new revision of a release from a chart, run
//! pre-upgrade hooks, apply it (deleting objects the chart dropped), wait,
//! run post-upgrade hooks, and supersede the revision it replaced. With
//! `--install`, a release that does not exist (or was uninstalled) is
//! installed instead, under the same lock.
//!
//! Unlike Helm, a release whose only revisions failed can be upgraded,
//! and the objects of failed revisions after the last deployed one are
//! pruned too when the new revision drops them.
//!
//! Go: pkg/action/upgrade.go (prepareUpgrade, performUpgrade,
//! releasingUpgrade, failRelease, reuseValues), pkg/cmd/upgrade.go.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::cluster::{ObjectRef, ParsedDocs, Resource};
use crate::engine::context::ReleaseInfo;
use crate::release::{Change, ChartRecord, GoTime, HookEvent, Info, Release, Status};

use super::common::{
    chart_from_record, check_labels, deployed_revisions, hook_records, load_chart, merge_labels, prune_dropped,
    prune_history, release_manifest, revisions_between, scope_of, set_owner_metadata, test_pause,
    validate_release_name, ActionError, Configuration, DryRun, OperationLock, DEFAULT_TIMEOUT,
};
use super::hooks::exec_hooks;
use super::install::{install_locked, InstallRequest, Installed};
use super::rollback::{rollback_locked, RollbackRequest};
use super::template::{render_chart, RenderSettings};

/// Helm's default `--history-max`.
pub const DEFAULT_HISTORY_MAX: usize = 10;

/// Go: action.Upgrade's fields (plus what `--install` passes on).
#[derive(Debug, Clone)]
pub struct UpgradeRequest {
    pub name: String,
    pub namespace: String,
    pub chart: PathBuf,
    /// The user's merged values.
    pub values: Map<String, Value>,
    pub install: bool,
    pub reuse_values: bool,
    pub reset_values: bool,
    pub reset_then_reuse_values: bool,
    /// 0: keep every revision.
    pub history_max: usize,
    pub cleanup_on_fail: bool,
    pub dry_run: DryRun,
    pub no_hooks: bool,
    pub timeout: Duration,
    pub wait: bool,
    pub rollback_on_failure: bool,
    pub description: String,
    /// Merged over the previous revision's labels; a `null` value deletes.
    pub labels: BTreeMap<String, String>,
    pub skip_crds: bool,
    /// `--crds upgrade`: apply the chart's CRDs (`crds/`) on upgrade too.
    pub upgrade_crds: bool,
    pub create_namespace: bool,
    pub render: RenderSettings,
}

impl UpgradeRequest {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>, chart: impl Into<PathBuf>) -> UpgradeRequest {
        UpgradeRequest {
            name: name.into(),
            namespace: namespace.into(),
            chart: chart.into(),
            values: Map::new(),
            install: false,
            reuse_values: false,
            reset_values: false,
            reset_then_reuse_values: false,
            history_max: DEFAULT_HISTORY_MAX,
            cleanup_on_fail: false,
            dry_run: DryRun::None,
            no_hooks: false,
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            rollback_on_failure: false,
            description: String::new(),
            labels: BTreeMap::new(),
            skip_crds: false,
            upgrade_crds: false,
            create_namespace: false,
            render: RenderSettings::default(),
        }
    }

    fn as_install(&self, replace: bool) -> InstallRequest {
        InstallRequest {
            values: self.values.clone(),
            create_namespace: self.create_namespace,
            dry_run: self.dry_run,
            replace,
            no_hooks: self.no_hooks,
            timeout: self.timeout,
            wait: self.wait,
            rollback_on_failure: self.rollback_on_failure,
            description: self.description.clone(),
            labels: self.labels.clone(),
            skip_crds: self.skip_crds,
            upgrade_crds: self.upgrade_crds,
            render: self.render.clone(),
            ..InstallRequest::new(&self.name, &self.namespace, &self.chart)
        }
    }
}

/// What `upgrade` did.
#[derive(Debug)]
pub enum Upgraded {
    Upgraded(Installed),
    /// `--install` found no release and installed it.
    Installed(Installed),
}

impl Upgraded {
    pub fn release(&self) -> &Release {
        match self {
            Upgraded::Upgraded(i) | Upgraded::Installed(i) => &i.release,
        }
    }
}

/// Run `upgrade`.
pub fn upgrade(cfg: &Configuration, req: &UpgradeRequest) -> Result<Upgraded, ActionError> {
    validate_release_name(&req.name).map_err(|_| ActionError::msg(format!("release name is invalid: {}", req.name)))?;
    if req.dry_run.is_dry_run() {
        if req.install && needs_install(cfg, req)?.is_some() {
            return super::install::install(cfg, &req.as_install(false)).map(Upgraded::Installed);
        }
        let Prepared { mut upgraded, warnings, .. } = prepare(cfg, req)?;
        if req.dry_run == DryRun::Server {
            super::install::server_dry_run(cfg, &upgraded)?;
        }
        upgraded.info.description =
            if req.description.is_empty() { "Dry run complete".into() } else { req.description.clone() };
        return Ok(Upgraded::Upgraded(Installed { release: upgraded, warnings }));
    }
    if req.install && req.create_namespace && needs_install(cfg, req)?.is_some() {
        super::install::create_namespace(cfg, &req.namespace)?;
    }
    let mut lock = OperationLock::acquire(cfg, &req.namespace, &req.name, req.timeout)?;
    let out = upgrade_locked(cfg, req, &mut lock);
    lock.release()?;
    out
}

/// `Some(replace)` when `--install` should install: no release, or the
/// latest revision is uninstalled (then with `--replace`).
fn needs_install(cfg: &Configuration, req: &UpgradeRequest) -> Result<Option<bool>, ActionError> {
    match cfg.store.latest(&req.namespace, &req.name) {
        Ok(last) if last.info.status == Status::Uninstalled => Ok(Some(true)),
        Ok(_) => Ok(None),
        Err(e) if e.is_not_found() => Ok(Some(false)),
        Err(e) => Err(e.into()),
    }
}

fn upgrade_locked(
    cfg: &Configuration,
    req: &UpgradeRequest,
    lock: &mut OperationLock,
) -> Result<Upgraded, ActionError> {
    if req.install {
        if let Some(replace) = needs_install(cfg, req)? {
            return install_locked(cfg, &req.as_install(replace), lock).map(Upgraded::Installed);
        }
    }
    let Prepared { current, mut before, mut docs, mut upgraded, crds, last_version, warnings } = prepare(cfg, req)?;
    if req.upgrade_crds {
        super::install::upgrade_crds(cfg, &crds, &req.namespace)?;
    }

    // Objects the release may have on the target now: the current
    // revision's, and those of failed revisions after it.
    let later = revisions_between(cfg, &req.namespace, &req.name, current.version + 1, last_version)?;
    for later in later.iter().filter(|r| r.info.status == Status::Failed) {
        for r in build(cfg, later, &mut docs)? {
            if !before.iter().any(|b| b.id.same_object(&r.id)) {
                before.push(r);
            }
        }
    }
    let mut target = cfg
        .target
        .build_cached(&upgraded.manifest, &upgraded.namespace, &mut docs)
        .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects from new release manifest: {e}")))?;
    set_owner_metadata(&mut target, &upgraded.name, &upgraded.namespace);

    prune_history(cfg, &req.namespace, &req.name, last_version, req.history_max)?;
    cfg.store.create(&upgraded)?;
    test_pause("after-pending");
    lock.renew()?;

    let mut created: Vec<ObjectRef> = Vec::new();
    // The deployed revisions (to supersede) decode while the upgrade runs:
    // no other operation changes them while we hold the lock.
    let (outcome, deployed) = std::thread::scope(|s| {
        let deployed = s.spawn(|| deployed_revisions(cfg, &req.namespace, &req.name));
        let outcome = perform_upgrade(cfg, &mut upgraded, &before, &target, req, &mut created);
        (outcome, deployed.join())
    });
    match outcome {
        Ok(()) => {
            cfg.target.flush()?;
            // The new revision deployed, every other deployed one (the one
            // it replaced included) superseded: one transaction.
            let mut superseded = deployed.map_err(|_| ActionError::msg("reading deployed revisions panicked"))??;
            if current.info.status != Status::Deployed {
                superseded.push(current.clone());
            }
            for r in &mut superseded {
                r.info.status = Status::Superseded;
            }
            let mut changes = vec![Change::Update(&upgraded)];
            changes.extend(superseded.iter().map(Change::Update));
            cfg.store.commit(&changes)?;
            Ok(Upgraded::Upgraded(Installed { release: upgraded, warnings }))
        }
        Err(err) => fail_upgrade(cfg, upgraded, created, err, req, lock),
    }
}

fn build(cfg: &Configuration, rel: &Release, docs: &mut ParsedDocs) -> Result<Vec<Resource>, ActionError> {
    cfg.target
        .build_cached(&rel.manifest, &rel.namespace, docs)
        .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects from current release manifest: {e}")))
}

/// What prepareUpgrade produces.
struct Prepared {
    /// The revision the upgrade replaces (the deployed one, or the latest
    /// when none is deployed).
    current: Release,
    /// The current revision's objects, parsed while the chart rendered.
    before: Vec<Resource>,
    /// Documents parsed so far (the new manifest shares most of them).
    docs: ParsedDocs,
    /// The new revision (pending-upgrade).
    upgraded: Release,
    /// The chart's CRD files (`--crds upgrade` applies them).
    crds: Vec<(String, String)>,
    /// The latest revision's number.
    last_version: u32,
    warnings: Vec<String>,
}

/// Go: prepareUpgrade. The chart loads while the latest record decodes,
/// and the current manifest parses while the new one renders.
fn prepare(cfg: &Configuration, req: &UpgradeRequest) -> Result<Prepared, ActionError> {
    let (loaded, last) = std::thread::scope(|s| {
        let chart = s.spawn(|| load_chart(&req.chart));
        let last = cfg.store.latest(&req.namespace, &req.name);
        (chart.join(), last)
    });
    // Helm loads the chart before it reads the release: its errors come first.
    let loaded = loaded.map_err(|_| ActionError::msg("loading the chart panicked"))??;
    let last = match last {
        Ok(rel) => rel,
        Err(e) if e.is_not_found() => {
            return Err(ActionError::msg(format!("{:?} has no deployed releases", req.name)));
        }
        Err(e) => return Err(e.into()),
    };
    if last.info.status.is_pending() {
        return Err(ActionError::msg("another operation (install/upgrade/rollback) is in progress"));
    }
    let current = if last.info.status == Status::Deployed {
        last.clone()
    } else if let Some(deployed) = deployed_revisions(cfg, &req.namespace, &req.name)?.pop() {
        deployed
    } else if matches!(last.info.status, Status::Failed | Status::Superseded) {
        // Also a first install that failed: there is nothing deployed.
        last.clone()
    } else {
        return Err(ActionError::msg(format!("{:?} has no deployed releases", req.name)));
    };

    let mut warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_slog_line()).collect();
    let mut chart = loaded.chart;
    let values = reuse_values(&mut chart, &current, req.values.clone(), req)?;

    let revision = last.version + 1;
    let info = ReleaseInfo {
        name: req.name.clone(),
        namespace: current.namespace.clone(),
        revision: revision as i64,
        is_install: false,
        is_upgrade: true,
    };
    let render = super::template::for_target(cfg, &req.render)?;
    let (rendered, parsed) = std::thread::scope(|s| {
        let parsed = s.spawn(|| {
            let mut docs = ParsedDocs::default();
            build(cfg, &current, &mut docs).map(|before| (before, docs))
        });
        let rendered = render_chart(chart, values.clone(), info, &render);
        (rendered, parsed.join())
    });
    let mut rendered = rendered.map_err(ActionError::Render)?;
    let (before, docs) = parsed.map_err(|_| ActionError::msg("parsing the current manifest panicked"))??;
    warnings.append(&mut rendered.warnings);
    for w in &warnings {
        cfg.warn(w);
    }
    check_labels(&req.labels)?;
    let upgraded = Release {
        name: req.name.clone(),
        namespace: current.namespace.clone(),
        chart: ChartRecord::from_chart(&rendered.chart)?,
        config: values,
        info: Info {
            first_deployed: current.info.first_deployed,
            last_deployed: GoTime::now(),
            status: Status::PendingUpgrade,
            description: "Preparing upgrade".into(),
            notes: rendered.notes.clone(),
            ..Info::default()
        },
        version: revision,
        manifest: release_manifest(&rendered.manifests),
        hooks: hook_records(&rendered.hooks),
        labels: merge_labels(&last.labels, &req.labels),
        apply_method: if last.apply_method.is_empty() { "csa".into() } else { last.apply_method.clone() },
        ..Release::default()
    };
    let crds = if req.upgrade_crds { rendered.crds() } else { Vec::new() };
    Ok(Prepared { current, before, docs, upgraded, crds, last_version: last.version, warnings })
}

/// Go: Upgrade.reuseValues.
fn reuse_values(
    chart: &mut crate::chart::Chart,
    current: &Release,
    new_values: Map<String, Value>,
    req: &UpgradeRequest,
) -> Result<Map<String, Value>, ActionError> {
    if req.reset_values {
        return Ok(new_values);
    }
    if req.reuse_values {
        // The old coalesced values become the chart's defaults.
        let old = crate::values::coalesce(&chart_from_record(&current.chart), &current.config)
            .map_err(|e| ActionError::msg(format!("failed to rebuild old values: {e}")))?;
        let merged = coalesce_tables(new_values, &current.config);
        if let Value::Object(old) = old.values {
            chart.values = old;
        }
        return Ok(merged);
    }
    if req.reset_then_reuse_values {
        return Ok(coalesce_tables(new_values, &current.config));
    }
    if new_values.is_empty() && !current.config.is_empty() {
        return Ok(current.config.clone());
    }
    Ok(new_values)
}

/// Go: util.CoalesceTables(dst, src): `dst` wins, `src` fills in.
fn coalesce_tables(dst: Map<String, Value>, src: &Map<String, Value>) -> Map<String, Value> {
    use crate::values::{coalesce, tree};
    let d = tree::map_from_json(&dst);
    let s = tree::map_from_json(src);
    let mut ignored = Vec::new();
    coalesce::coalesce_tables(&mut coalesce::Log { warnings: &mut ignored }, &d, &s);
    tree::map_to_json(&d)
}

/// Go: releasingUpgrade.
fn perform_upgrade(
    cfg: &Configuration,
    rel: &mut Release,
    before: &[Resource],
    target: &[Resource],
    req: &UpgradeRequest,
    created: &mut Vec<ObjectRef>,
) -> Result<(), String> {
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PreUpgrade, req.timeout)
            .map_err(|e| format!("pre-upgrade hooks failed: {e}"))?;
    }
    let scope = scope_of(rel);
    let owned: Vec<ObjectRef> = before.iter().map(|r| r.id.clone()).collect();
    let applied = cfg.target.apply_owned(&scope, target, &owned).map_err(|e| e.to_string())?;
    created.extend(applied.created);
    prune_dropped(cfg, &scope, before, target).map_err(|e| e.to_string())?;
    if req.wait {
        let ids: Vec<_> = target.iter().map(|r| r.id.clone()).collect();
        cfg.target.wait(&scope, &ids, req.timeout).map_err(|e| e.to_string())?;
    }
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PostUpgrade, req.timeout)
            .map_err(|e| format!("post-upgrade hooks failed: {e}"))?;
    }
    let description = if req.description.is_empty() { "Upgrade complete" } else { req.description.as_str() };
    rel.set_status(Status::Deployed, description);
    Ok(())
}

/// Go: Upgrade.failRelease.
fn fail_upgrade(
    cfg: &Configuration,
    mut rel: Release,
    created: Vec<ObjectRef>,
    err: String,
    req: &UpgradeRequest,
    lock: &mut OperationLock,
) -> Result<Upgraded, ActionError> {
    rel.set_status(Status::Failed, format!("Upgrade {:?} failed: {err}", rel.name));
    cfg.target.flush()?;
    cfg.store.update(&rel)?;
    if req.cleanup_on_fail && !created.is_empty() {
        let scope = scope_of(&rel);
        if let Err(e) = cfg.target.delete(&scope, &created, crate::cluster::Propagation::Background) {
            return Err(ActionError::msg(format!(
                "an error occurred while cleaning up resources. original upgrade error: {err}: unable to cleanup resources: {e}"
            )));
        }
        cfg.target.flush()?;
    }
    if req.rollback_on_failure {
        let history = cfg.store.history(&req.namespace, &req.name)?;
        let Some(good) = history.iter().rev().find(|r| matches!(r.info.status, Status::Superseded | Status::Deployed))
        else {
            return Err(ActionError::msg(format!(
                "unable to find a previously successful release when attempting to rollback. original upgrade error: {err}"
            )));
        };
        let back = RollbackRequest {
            version: good.version,
            no_hooks: req.no_hooks,
            timeout: req.timeout,
            wait: req.wait,
            history_max: req.history_max,
            ..RollbackRequest::new(&req.name, &req.namespace)
        };
        if let Err(roll_err) = rollback_locked(cfg, &back, lock) {
            return Err(ActionError::msg(format!(
                "an error occurred while rolling back the release. original upgrade error: {err}: {roll_err}"
            )));
        }
        return Err(ActionError::msg(format!(
            "release {} failed, and has been rolled back due to rollback-on-failure being set: {err}",
            req.name
        )));
    }
    Err(ActionError::msg(err))
}
