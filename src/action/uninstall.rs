//! `uninstall`: run pre-delete hooks, delete the release's objects (in
//! uninstall order, keeping those annotated `helm.sh/resource-policy:
//! keep`), run post-delete hooks, and purge the history (or, with
//! `--keep-history`, mark the release uninstalled).
//!
//! Go: pkg/action/uninstall.go (Run, deleteRelease, purgeReleases),
//! pkg/action/resource_policy.go.

use std::time::Duration;

use crate::cluster::{ObjectRef, Propagation};
use crate::manifest::{self, UNINSTALL_ORDER};
use crate::release::{Change, GoTime, HookEvent, Release, Status};

use super::common::{
    has_keep_policy, release_content, scope_of, validate_release_name, ActionError, Configuration, OperationLock,
    DEFAULT_TIMEOUT,
};
use super::hooks::exec_hooks;

/// Go: action.Uninstall's fields.
#[derive(Debug, Clone)]
pub struct UninstallRequest {
    pub name: String,
    pub namespace: String,
    pub keep_history: bool,
    pub ignore_not_found: bool,
    pub dry_run: bool,
    pub no_hooks: bool,
    pub wait: bool,
    pub timeout: Duration,
    pub cascade: Propagation,
    pub description: String,
}

impl UninstallRequest {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>) -> UninstallRequest {
        UninstallRequest {
            name: name.into(),
            namespace: namespace.into(),
            keep_history: false,
            ignore_not_found: false,
            dry_run: false,
            no_hooks: false,
            wait: false,
            timeout: DEFAULT_TIMEOUT,
            cascade: Propagation::Background,
            description: String::new(),
        }
    }
}

/// What `uninstall` did.
#[derive(Debug, Default)]
pub struct Uninstalled {
    /// The release as it ended (`None` when it did not exist and
    /// `--ignore-not-found` was given).
    pub release: Option<Release>,
    /// "These resources were kept due to the resource policy:\n[Kind] name\n..."
    pub info: String,
}

/// Run `uninstall` for one release.
pub fn uninstall(cfg: &Configuration, req: &UninstallRequest) -> Result<Uninstalled, ActionError> {
    if req.dry_run {
        return match release_content(cfg, &req.namespace, &req.name, 0) {
            Ok(rel) => Ok(Uninstalled { release: Some(rel), info: String::new() }),
            Err(e) if req.ignore_not_found && e.is_not_found() => Ok(Uninstalled::default()),
            Err(e) => Err(e),
        };
    }
    validate_release_name(&req.name)
        .map_err(|_| ActionError::msg(format!("uninstall: Release name is invalid: {}", req.name)))?;
    let mut lock = OperationLock::acquire(cfg, &req.namespace, &req.name, req.timeout)?;
    let out = uninstall_locked(cfg, req, &mut lock);
    lock.release()?;
    out
}

/// The uninstall once the lock is held (also `install --rollback-on-failure`).
pub(crate) fn uninstall_locked(
    cfg: &Configuration,
    req: &UninstallRequest,
    lock: &mut OperationLock,
) -> Result<Uninstalled, ActionError> {
    let history = match cfg.store.history(&req.namespace, &req.name) {
        Ok(h) => h,
        Err(e) if e.is_not_found() && req.ignore_not_found => return Ok(Uninstalled::default()),
        Err(e) => return Err(ActionError::msg(format!("uninstall: Release not loaded: {}: {e}", req.name))),
    };
    let mut rel = history.last().cloned().ok_or_else(|| ActionError::msg("no release provided"))?;

    if rel.info.status == Status::Uninstalled {
        if !req.keep_history {
            purge(cfg, &history)?;
            return Ok(Uninstalled { release: Some(rel), info: String::new() });
        }
        return Err(ActionError::msg(format!("the release named {:?} is already deleted", req.name)));
    }

    rel.info.status = Status::Uninstalling;
    rel.info.deleted = GoTime::now();
    rel.info.description = "Deletion in progress (or silently failed)".into();

    if !req.no_hooks {
        exec_hooks(cfg, &mut rel, &HookEvent::PreDelete, req.timeout).map_err(ActionError::Failed)?;
    }
    cfg.target.flush()?;
    cfg.store.update(&rel)?;
    lock.renew()?;

    let (deleted, kept) = delete_release(cfg, &rel, req.cascade)
        .map_err(|e| ActionError::msg(format!("failed to delete release: {} ({e})", req.name)))?;
    let info = if kept.is_empty() {
        String::new()
    } else {
        format!("These resources were kept due to the resource policy:\n{kept}")
    };

    let mut errors: Vec<String> = Vec::new();
    if req.wait {
        if let Err(e) = cfg.target.wait_for_delete(&scope_of(&rel), &deleted, req.timeout) {
            errors.push(e.to_string());
        }
    }
    if !req.no_hooks {
        if let Err(e) = exec_hooks(cfg, &mut rel, &HookEvent::PostDelete, req.timeout) {
            errors.push(e);
        }
    }
    cfg.target.flush()?;

    let description = if req.description.is_empty() { "Uninstallation complete" } else { req.description.as_str() };
    rel.set_status(Status::Uninstalled, description);

    if !req.keep_history {
        if let Err(e) = purge(cfg, &history) {
            errors.push(format!("uninstall: Failed to purge the release: {e}"));
        }
    } else {
        // Mark uninstalled and supersede earlier deployed revisions
        // (Go: issue #12556), in one transaction.
        let mut superseded: Vec<Release> =
            history.iter().filter(|r| r.version != rel.version && r.info.status == Status::Deployed).cloned().collect();
        for r in &mut superseded {
            r.info.status = Status::Superseded;
        }
        let mut changes = vec![Change::Update(&rel)];
        changes.extend(superseded.iter().map(Change::Update));
        cfg.store.commit(&changes)?;
    }
    if !errors.is_empty() {
        return Err(ActionError::msg(format!(
            "uninstallation completed with {} error(s): {}",
            errors.len(),
            errors.join("; ")
        )));
    }
    Ok(Uninstalled { release: Some(rel), info })
}

/// Delete every revision of the release, in one transaction, and the
/// target's per-revision records (its live objects, e.g. kept ones, stay).
fn purge(cfg: &Configuration, history: &[Release]) -> Result<(), ActionError> {
    let changes: Vec<Change<'_>> =
        history.iter().map(|r| Change::Delete { namespace: &r.namespace, name: &r.name, version: r.version }).collect();
    cfg.store.commit(&changes)?;
    if let Some(first) = history.first() {
        let revisions: Vec<u32> = history.iter().map(|r| r.version).collect();
        cfg.target.forget_revisions(&first.namespace, &first.name, &revisions)?;
    }
    Ok(())
}

/// Go: deleteRelease: the manifest's objects in uninstall order, except
/// those with the keep policy; returns the deleted objects and the
/// `[Kind] name` lines of the kept ones.
fn delete_release(
    cfg: &Configuration,
    rel: &Release,
    cascade: Propagation,
) -> Result<(Vec<ObjectRef>, String), ActionError> {
    let docs: std::collections::BTreeMap<String, String> =
        std::iter::once(("manifest".to_string(), rel.manifest.clone())).collect();
    let sorted = manifest::sort_manifests(&docs, UNINSTALL_ORDER).map_err(|e| {
        ActionError::msg(format!("corrupted release record. You must manually delete the resources: {e}"))
    })?;
    let mut kept = String::new();
    let mut doomed_text = String::new();
    for m in &sorted.manifests {
        if m.head
            .annotations
            .get(super::common::RESOURCE_POLICY_ANNOTATION)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("keep"))
        {
            kept.push_str(&format!("[{}] {}\n", m.head.kind, m.head.name));
        } else {
            doomed_text.push_str("\n---\n");
            doomed_text.push_str(&m.content);
        }
    }
    let resources = cfg
        .target
        .build(&doomed_text, &rel.namespace)
        .map_err(|e| ActionError::msg(format!("unable to build kubernetes objects for delete: {e}")))?;
    // The live copy may carry the keep policy too (added after install).
    let scope = scope_of(rel);
    let ids: Vec<ObjectRef> = resources.iter().map(|r| r.id.clone()).collect();
    let live = cfg.target.get(&scope, &ids)?;
    let mut doomed = Vec::new();
    for id in ids {
        match live.iter().find(|l| l.id.same_object(&id)) {
            Some(l) if has_keep_policy(l) => kept.push_str(&format!("[{}] {}\n", id.kind, id.name)),
            _ => doomed.push(id),
        }
    }
    let deleted = cfg.target.delete(&scope, &doomed, cascade)?;
    Ok((deleted, kept))
}
