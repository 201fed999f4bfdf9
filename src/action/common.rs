//! What every release action shares: the configuration (store, target,
//! logger), the error type, Helm's release-name rule, the per-release
//! operation lock with recovery of interrupted operations, and the
//! conversions between a render and a release record.
//!
//! Go: pkg/action/action.go (Configuration, releaseContent, errPending),
//! pkg/chart/v2/util/validate_name.go, pkg/action/validate.go
//! (setMetadataVisitor).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::cluster::{ObjectRef, ReleaseScope, Resource, Target, TargetError};
use crate::release::{
    self, ChartRecord, HookDeletePolicy, HookOutputLogPolicy, ListFilter, LockGuard, Release, Status, Store, StoreError,
};

/// Where releases and their objects live, and where messages go (Go:
/// action.Configuration).
#[derive(Clone)]
pub struct Configuration {
    pub store: Arc<dyn Store>,
    pub target: Arc<dyn Target>,
    /// Warnings and notices for the user (stderr in the CLI).
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Configuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Configuration")
            .field("store", &self.store.driver_name())
            .field("target", &self.target.name())
            .finish()
    }
}

impl Configuration {
    pub fn new(store: Arc<dyn Store>, target: Arc<dyn Target>) -> Configuration {
        Configuration { store, target, log: Arc::new(|_| {}) }
    }

    pub fn with_log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Configuration {
        self.log = Arc::new(log);
        self
    }

    pub fn warn(&self, msg: &str) {
        (self.log)(msg)
    }
}

/// Why an action failed; the text is what the user sees after `Error: `.
#[derive(Debug, Error)]
pub enum ActionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Target(#[from] TargetError),
    /// Loading, values or rendering failed.
    #[error("{0:#}")]
    Render(anyhow::Error),
    #[error("{0}")]
    Failed(String),
}

impl ActionError {
    pub fn msg(text: impl Into<String>) -> ActionError {
        ActionError::Failed(text.into())
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ActionError::Store(e) if e.is_not_found())
    }
}

/// Go: chartutil.validName (the DNS-1123 subdomain pattern, checked by
/// `dns1123_subdomain_ok` without compiling it).
const VALID_NAME: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// Go: maxReleaseNameLen.
const MAX_RELEASE_NAME_LEN: usize = 53;

/// Go: chartutil.ValidateReleaseName, with its error texts.
pub fn validate_release_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("no name provided".into());
    }
    if name.len() > MAX_RELEASE_NAME_LEN || !crate::lint::k8s::formats::dns1123_subdomain_ok(name) {
        return Err(format!(
            "invalid release name, must match regex {VALID_NAME} and the length must not be longer than {MAX_RELEASE_NAME_LEN}"
        ));
    }
    Ok(())
}

/// Helm's reserved label names (Go: driver.systemLabels).
pub const SYSTEM_LABELS: &[&str] = &["name", "owner", "status", "version", "createdAt", "modifiedAt"];

/// Go: install/upgrade refuse user labels named like system labels.
pub fn check_labels(labels: &BTreeMap<String, String>) -> Result<(), ActionError> {
    if labels.keys().any(|k| SYSTEM_LABELS.contains(&k.as_str())) {
        return Err(ActionError::msg(format!(
            "user supplied labels contains system reserved label name. System labels: [{}]",
            SYSTEM_LABELS.join(" ")
        )));
    }
    Ok(())
}

/// Dry-run modes (Go: action.DryRunStrategy). On the local target
/// `server` behaves as `client`: nothing is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    #[default]
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn is_dry_run(self) -> bool {
        self != DryRun::None
    }
}

/// Default for `--timeout` (Go: 300*time.Second).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// How long an operation's lease lasts before another may take it over;
/// renewed at each step. A crashed holder on this host is detected at
/// once, whatever the lease says.
pub fn lease_ttl(timeout: Duration) -> Duration {
    timeout + Duration::from_secs(120)
}

/// The release's operation lock, held for a whole mutating action.
pub struct OperationLock {
    guard: LockGuard,
}

impl std::fmt::Debug for OperationLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.guard.fmt(f)
    }
}

impl OperationLock {
    /// Take the lock (failing at once if a live operation holds it) and
    /// settle what an interrupted operation left behind.
    pub fn acquire(
        cfg: &Configuration,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<OperationLock, ActionError> {
        let guard = cfg.store.acquire_lock(namespace, name, lease_ttl(timeout))?;
        let lock = OperationLock { guard };
        settle_interrupted(cfg, namespace, name, lock.guard.taken_over())?;
        Ok(lock)
    }

    /// Extend the lease between steps; fails if another operation took it.
    pub fn renew(&mut self) -> Result<(), ActionError> {
        Ok(self.guard.renew()?)
    }

    /// Release now, reporting a lost lease.
    pub fn release(self) -> Result<(), ActionError> {
        Ok(self.guard.release()?)
    }
}

/// What [`settle_interrupted`] found and did.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    pub revision: u32,
    pub was: Status,
    pub description: String,
}

/// After taking the lock: the latest revision cannot be pending (no live
/// operation holds the lock), so a pending or uninstalling revision was
/// left by an operation that died. Mark it failed, so the next operation
/// proceeds as after any failure (Helm would report "another operation is
/// in progress" forever).
pub fn settle_interrupted(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    taken_over: Option<&release::LeaseHolder>,
) -> Result<Option<Recovery>, ActionError> {
    // Filter on the store's index: nothing is decoded unless a revision
    // is left pending, which is rare.
    let filter = ListFilter {
        namespace: Some(namespace.to_string()),
        name: Some(name.to_string()),
        latest_only: true,
        statuses: vec![Status::PendingInstall, Status::PendingUpgrade, Status::PendingRollback, Status::Uninstalling],
        ..ListFilter::default()
    };
    let Some(mut latest) = cfg.store.list(&filter)?.pop() else { return Ok(None) };
    let was = latest.info.status.clone();
    if !(was.is_pending() || was == Status::Uninstalling) {
        return Ok(None);
    }
    let who = match taken_over {
        Some(h) => {
            format!("by pid {} on {} since {}", h.pid, if h.host.is_empty() { "?" } else { &h.host }, h.acquired_at())
        }
        None => "with no lock held".to_string(),
    };
    let description =
        format!("Interrupted: the operation {who} stopped while the release was {was}; recovered by capstan");
    latest.set_status(Status::Failed, description.clone());
    cfg.store.update(&latest)?;
    cfg.warn(&format!(
        "recovered release {name:?}: revision {} was left {was} by an interrupted operation ({who}); marked failed",
        latest.version
    ));
    Ok(Some(Recovery { revision: latest.version, was, description }))
}

/// The release manifest Helm stores: each document as
/// `---\n# Source: PATH\nCONTENT\n` (Go: renderResources).
pub fn release_manifest(manifests: &[crate::manifest::Manifest]) -> String {
    let mut out = String::new();
    for m in manifests {
        out.push_str("---\n# Source: ");
        out.push_str(&m.source);
        out.push('\n');
        out.push_str(&m.content);
        out.push('\n');
    }
    out
}

/// Rendered hooks as the release stores them (Go: release.Hook).
pub fn hook_records(hooks: &[crate::manifest::Hook]) -> Vec<release::Hook> {
    hooks
        .iter()
        .map(|h| release::Hook {
            name: h.name.clone(),
            kind: h.kind.clone(),
            path: h.source.clone(),
            manifest: h.manifest.clone(),
            events: h.events.iter().map(|e| release::HookEvent::from(e.as_str())).collect(),
            weight: h.weight,
            delete_policies: h.delete_policies.iter().map(|p| HookDeletePolicy::from(p.as_str())).collect(),
            output_log_policies: h.output_log_policies.iter().map(|p| HookOutputLogPolicy::from(p.as_str())).collect(),
            ..release::Hook::default()
        })
        .collect()
}

/// A chart good enough to coalesce a stored release's values (Go:
/// CoalesceValues(rel.Chart, rel.Config); a stored chart has no subcharts).
pub fn chart_from_record(rec: &ChartRecord) -> crate::chart::Chart {
    let metadata = rec
        .metadata
        .as_ref()
        .and_then(|md| serde_json::to_value(md).ok())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let files = |list: &Option<Vec<release::ChartFile>>| -> Vec<crate::chart::File> {
        list.iter().flatten().map(|f| crate::chart::File { name: f.name.clone(), data: f.data.clone().into() }).collect()
    };
    crate::chart::Chart {
        metadata,
        values: rec.values.clone().unwrap_or_default(),
        schema: rec.schema.clone(),
        templates: files(&rec.templates),
        files: files(&rec.files),
        ..crate::chart::Chart::default()
    }
}

/// Helm's ownership metadata on every object it applies (Go:
/// setMetadataVisitor): label `app.kubernetes.io/managed-by: Helm`,
/// annotations `meta.helm.sh/release-name` and `-namespace`.
pub fn set_owner_metadata(resources: &mut [Resource], release_name: &str, release_namespace: &str) {
    for r in resources {
        let Some(md) = r.body.get_mut("metadata").and_then(Value::as_object_mut) else { continue };
        let labels = md.entry("labels").or_insert_with(|| Value::Object(Map::new()));
        if !labels.is_object() {
            *labels = Value::Object(Map::new());
        }
        if let Some(l) = labels.as_object_mut() {
            l.insert("app.kubernetes.io/managed-by".into(), Value::String("Helm".into()));
        }
        let annotations = md.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        if !annotations.is_object() {
            *annotations = Value::Object(Map::new());
        }
        if let Some(a) = annotations.as_object_mut() {
            a.insert("meta.helm.sh/release-name".into(), Value::String(release_name.into()));
            a.insert("meta.helm.sh/release-namespace".into(), Value::String(release_namespace.into()));
        }
    }
}

/// Go: kube.ResourcePolicyAnno / KeepPolicy.
pub const RESOURCE_POLICY_ANNOTATION: &str = "helm.sh/resource-policy";

/// `helm.sh/resource-policy: keep` (trimmed, any case, as Helm reads it).
pub fn has_keep_policy(r: &Resource) -> bool {
    r.annotation(RESOURCE_POLICY_ANNOTATION).is_some_and(|v| v.trim().eq_ignore_ascii_case("keep"))
}

pub fn scope_of(rel: &Release) -> ReleaseScope {
    ReleaseScope { namespace: rel.namespace.clone(), name: rel.name.clone(), revision: rel.version }
}

/// Objects in `before` that are not in `after` (by identity).
pub fn dropped_objects<'a>(before: &'a [Resource], after: &[Resource]) -> Vec<&'a Resource> {
    before.iter().filter(|b| !after.iter().any(|a| a.id.same_object(&b.id))).collect()
}

/// Delete objects dropped between two manifests, except those whose live
/// (or, if not found, manifest) copy says `helm.sh/resource-policy: keep`
/// (Go: kube.Client.Update deleting `original.Difference(target)`).
pub fn prune_dropped(
    cfg: &Configuration,
    scope: &ReleaseScope,
    before: &[Resource],
    after: &[Resource],
) -> Result<Vec<ObjectRef>, ActionError> {
    let dropped = dropped_objects(before, after);
    if dropped.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ObjectRef> = dropped.iter().map(|r| r.id.clone()).collect();
    let live = cfg.target.get(scope, &ids)?;
    let mut doomed = Vec::new();
    for r in dropped {
        let keep = match live.iter().find(|l| l.id.same_object(&r.id)) {
            Some(l) => has_keep_policy(l),
            None => has_keep_policy(r),
        };
        if keep {
            cfg.warn(&format!("skipping delete of {} due to annotation [{RESOURCE_POLICY_ANNOTATION}=keep]", r.id));
        } else {
            doomed.push(r.id.clone());
        }
    }
    doomed.sort_by(|a, b| crate::manifest::order::compare_kinds(&a.kind, &b.kind, crate::manifest::UNINSTALL_ORDER));
    Ok(cfg.target.delete(scope, &doomed, crate::cluster::Propagation::Background)?)
}

/// Test hook: `CAPSTAN_TEST_PAUSE_AT=<point>:<ms>` sleeps at a named point
/// of an operation (e.g. `after-pending:2000` once the pending revision is
/// written), so tests can interrupt or race an operation.
pub fn test_pause(point: &str) {
    let Ok(spec) = std::env::var("CAPSTAN_TEST_PAUSE_AT") else { return };
    for item in spec.split(',') {
        if let Some((at, ms)) = item.split_once(':') {
            if at.trim() == point {
                if let Ok(ms) = ms.trim().parse::<u64>() {
                    std::thread::sleep(Duration::from_millis(ms));
                }
            }
        }
    }
}

/// Helm's `mergeCustomLabels`: desired over current, `null` deletes.
pub fn merge_labels(
    current: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = current.clone();
    out.extend(desired.iter().map(|(k, v)| (k.clone(), v.clone())));
    out.retain(|_, v| v != "null");
    out
}

/// Every deployed revision of a release, oldest first (decoding only those).
pub fn deployed_revisions(cfg: &Configuration, namespace: &str, name: &str) -> Result<Vec<Release>, ActionError> {
    let filter = ListFilter {
        namespace: Some(namespace.to_string()),
        name: Some(name.to_string()),
        statuses: vec![Status::Deployed],
        ..ListFilter::default()
    };
    Ok(cfg.store.list(&filter)?)
}

/// Revisions `from..=to` that exist (pruned ones are skipped).
pub fn revisions_between(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    from: u32,
    to: u32,
) -> Result<Vec<Release>, ActionError> {
    let mut out = Vec::new();
    for v in from..=to {
        match cfg.store.get(namespace, name, v) {
            Ok(r) => out.push(r),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// Go: Storage.removeLeastRecent before a new revision, with
/// `--history-max`; `latest` is the newest revision number. Skipped when
/// there cannot be that many revisions (pruning reads every revision).
pub fn prune_history(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    latest: u32,
    history_max: usize,
) -> Result<(), ActionError> {
    if history_max == 0 || (latest as usize) < history_max {
        return Ok(());
    }
    let pruned = cfg.store.prune_history(namespace, name, history_max - 1)?;
    cfg.target.forget_revisions(namespace, name, &pruned)?;
    Ok(())
}

/// Load a chart from a local path, with Helm's LocateChart errors for one
/// that is not there (charts from repositories are not supported yet).
pub fn load_chart(path: &std::path::Path) -> Result<crate::chart::Loaded, ActionError> {
    if !path.exists() {
        let text = path.to_string_lossy();
        if path.is_absolute() || text.starts_with('.') {
            return Err(ActionError::msg(format!("path {text:?} not found")));
        }
        return Err(ActionError::msg(format!(
            "chart {text:?} not found: charts from repositories are not supported yet (give a directory or .tgz path)"
        )));
    }
    crate::chart::load_with(path, &crate::chart::LoadOptions::default()).map_err(|e| ActionError::Render(e.into()))
}

/// The latest revision, or Helm's `release: not found`.
pub fn release_content(cfg: &Configuration, namespace: &str, name: &str, version: u32) -> Result<Release, ActionError> {
    validate_release_name(name)
        .map_err(|_| ActionError::msg(format!("releaseContent: Release name is invalid: {name}")))?;
    Ok(if version == 0 { cfg.store.latest(namespace, name)? } else { cfg.store.get(namespace, name, version)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Go: pkg/chart/v2/util/validate_name_test.go cases.
    #[test]
    fn release_names_follow_helm() {
        for ok in ["a", "nina-pinta", "abc123", "a.b", "foo.bar-baz"] {
            assert!(validate_release_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Nina", "nina_pinta", "-nina", "nina-", "a..b", "a/b", &"a".repeat(54)] {
            assert!(validate_release_name(bad).is_err(), "{bad}");
        }
        assert_eq!(validate_release_name("").unwrap_err(), "no name provided");
        assert!(validate_release_name(&"a".repeat(53)).is_ok());
    }

    #[test]
    fn labels_merge_and_null_deletes() {
        let cur = BTreeMap::from([("a".to_string(), "1".to_string()), ("b".to_string(), "2".to_string())]);
        let des = BTreeMap::from([("b".to_string(), "null".to_string()), ("c".to_string(), "3".to_string())]);
        let merged = merge_labels(&cur, &des);
        assert_eq!(merged, BTreeMap::from([("a".to_string(), "1".to_string()), ("c".to_string(), "3".to_string())]));
        assert!(check_labels(&BTreeMap::from([("owner".to_string(), "x".to_string())])).is_err());
        assert!(check_labels(&cur).is_ok());
    }
}
