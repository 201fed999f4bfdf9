//! `rollback NAME [REVISION]`: a new revision with an earlier revision's
//! chart, values, manifest and hooks ("Rollback to N"); objects the old
//! revision does not have are deleted; every other deployed revision
//! becomes superseded.
//!
//! Go: pkg/action/rollback.go (prepareRollback, performRollback),
//! pkg/cmd/rollback.go.

use std::time::Duration;

use crate::cluster::{ObjectRef, ParsedDocs, Resource};
use crate::release::{Change, GoTime, HookEvent, Info, Release, Status};

use super::common::{
    deployed_revisions, prune_dropped, prune_history, revisions_between, scope_of, set_owner_metadata, test_pause,
    validate_release_name, ActionError, Configuration, OperationLock, DEFAULT_TIMEOUT,
};
use super::hooks::exec_hooks;
use super::upgrade::DEFAULT_HISTORY_MAX;

/// Go: action.Rollback's fields.
#[derive(Debug, Clone)]
pub struct RollbackRequest {
    pub name: String,
    pub namespace: String,
    /// 0: the revision before the latest.
    pub version: u32,
    pub dry_run: bool,
    pub no_hooks: bool,
    pub timeout: Duration,
    pub wait: bool,
    pub cleanup_on_fail: bool,
    pub history_max: usize,
}

impl RollbackRequest {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>) -> RollbackRequest {
        RollbackRequest {
            name: name.into(),
            namespace: namespace.into(),
            version: 0,
            dry_run: false,
            no_hooks: false,
            timeout: DEFAULT_TIMEOUT,
            wait: false,
            cleanup_on_fail: false,
            history_max: DEFAULT_HISTORY_MAX,
        }
    }
}

/// Run `rollback`; returns the new revision.
pub fn rollback(cfg: &Configuration, req: &RollbackRequest) -> Result<Release, ActionError> {
    validate_release_name(&req.name)
        .map_err(|_| ActionError::msg(format!("prepareRollback: Release name is invalid: {}", req.name)))?;
    if req.dry_run {
        let (_, target) = prepare(cfg, req)?;
        return Ok(target);
    }
    let mut lock = OperationLock::acquire(cfg, &req.namespace, &req.name, req.timeout)?;
    let out = rollback_locked(cfg, req, &mut lock);
    lock.release()?;
    out
}

/// Go: prepareRollback: the latest revision and the new one (pending-rollback).
fn prepare(cfg: &Configuration, req: &RollbackRequest) -> Result<(Release, Release), ActionError> {
    let current = cfg.store.latest(&req.namespace, &req.name)?;
    let previous_version = if req.version == 0 { current.version.saturating_sub(1) } else { req.version };
    let previous = match cfg.store.get(&req.namespace, &req.name, previous_version) {
        Ok(rel) => rel,
        Err(e) if e.is_not_found() => {
            return Err(ActionError::msg(format!("release has no {previous_version} version")));
        }
        Err(e) => return Err(e.into()),
    };
    let target = Release {
        name: req.name.clone(),
        namespace: current.namespace.clone(),
        chart: previous.chart.clone(),
        config: previous.config.clone(),
        info: Info {
            first_deployed: current.info.first_deployed,
            last_deployed: GoTime::now(),
            status: Status::PendingRollback,
            notes: previous.info.notes.clone(),
            description: format!("Rollback to {previous_version}"),
            ..Info::default()
        },
        version: current.version + 1,
        labels: previous.labels.clone(),
        manifest: previous.manifest.clone(),
        hooks: previous.hooks.clone(),
        apply_method: if previous.apply_method.is_empty() { "csa".into() } else { previous.apply_method.clone() },
        ..Release::default()
    };
    Ok((current, target))
}

/// The rollback once the lock is held (also `upgrade --rollback-on-failure`).
pub(crate) fn rollback_locked(
    cfg: &Configuration,
    req: &RollbackRequest,
    lock: &mut OperationLock,
) -> Result<Release, ActionError> {
    let (current, mut target_rel) = prepare(cfg, req)?;
    prune_history(cfg, &req.namespace, &req.name, current.version, req.history_max)?;

    // What the release may have on the target: every revision since the
    // last deployed one (a failed upgrade may have left objects).
    let deployed = deployed_revisions(cfg, &req.namespace, &req.name)?;
    let since = deployed.last().map_or(current.version, |d| d.version);
    let mut live_revisions =
        revisions_between(cfg, &req.namespace, &req.name, since, current.version.saturating_sub(1))?;
    live_revisions.push(current.clone());
    let mut docs = ParsedDocs::default();
    let mut before: Vec<Resource> = Vec::new();
    for rel in &live_revisions {
        let objects = cfg.target.build_cached(&rel.manifest, &rel.namespace, &mut docs).map_err(|e| {
            ActionError::msg(format!("unable to build kubernetes objects from current release manifest: {e}"))
        })?;
        for r in objects {
            if !before.iter().any(|b| b.id.same_object(&r.id)) {
                before.push(r);
            }
        }
    }
    let mut target = cfg
        .target
        .build_cached(&target_rel.manifest, &target_rel.namespace, &mut docs)
        .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects from new release manifest: {e}")))?;
    set_owner_metadata(&mut target, &target_rel.name, &target_rel.namespace);

    cfg.store.create(&target_rel)?;
    test_pause("after-pending");
    lock.renew()?;

    let mut created: Vec<ObjectRef> = Vec::new();
    let outcome = perform(cfg, &mut target_rel, &before, &target, req, &mut created);
    cfg.target.flush()?;
    if let Err(err) = outcome {
        let msg = format!("Rollback {:?} failed: {err}", target_rel.name);
        cfg.warn(&msg);
        let mut current = cfg.store.get(&current.namespace, &current.name, current.version)?;
        if current.info.status == Status::Deployed {
            current.info.status = Status::Superseded;
        }
        target_rel.set_status(Status::Failed, msg);
        cfg.store.commit(&[Change::Update(&current), Change::Update(&target_rel)])?;
        if req.cleanup_on_fail && !created.is_empty() {
            cfg.target.delete(&scope_of(&target_rel), &created, crate::cluster::Propagation::Background)?;
            cfg.target.flush()?;
        }
        return Err(ActionError::msg(err));
    }
    // Supersede all previous deployments (Go: issue #2941), in one transaction.
    // Statuses are as read above: the lock keeps other operations out.
    let mut superseded = deployed;
    for r in &mut superseded {
        r.info.status = Status::Superseded;
    }
    target_rel.info.status = Status::Deployed;
    let mut changes = vec![Change::Update(&target_rel)];
    changes.extend(superseded.iter().map(Change::Update));
    cfg.store.commit(&changes)?;
    Ok(target_rel)
}

/// Go: performRollback.
fn perform(
    cfg: &Configuration,
    rel: &mut Release,
    before: &[Resource],
    target: &[Resource],
    req: &RollbackRequest,
    created: &mut Vec<ObjectRef>,
) -> Result<(), String> {
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PreRollback, req.timeout)?;
    }
    let scope = scope_of(rel);
    let owned: Vec<ObjectRef> = before.iter().map(|r| r.id.clone()).collect();
    let applied = cfg.target.apply_owned(&scope, target, &owned).map_err(|e| e.to_string())?;
    created.extend(applied.created);
    prune_dropped(cfg, &scope, before, target).map_err(|e| e.to_string())?;
    if req.wait {
        let ids: Vec<_> = target.iter().map(|r| r.id.clone()).collect();
        cfg.target.wait(&scope, &ids, req.timeout).map_err(|e| format!("release {} failed: {e}", rel.name))?;
    }
    if !req.no_hooks {
        exec_hooks(cfg, rel, &HookEvent::PostRollback, req.timeout)?;
    }
    Ok(())
}
