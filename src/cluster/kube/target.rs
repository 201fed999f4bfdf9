//! [`KubeTarget`]: release objects on a real cluster.
//!
//! - Apply is server-side apply with field manager `capstan`, in the order
//!   given (Helm's install order); consecutive objects of one kind go in
//!   parallel, as Helm's batchPerform does. CRDs applied by a release are
//!   waited on until Established before the next kind, so custom resources
//!   of the same chart can follow them.
//! - Before applying, an existing object must carry this release's
//!   ownership metadata (Go: pkg/action/validate.go checkOwnership) unless
//!   `--take-ownership`.
//! - Objects no release owns (CRDs from `crds/`, `--create-namespace`) are
//!   created when missing and otherwise left alone, as Helm does, unless
//!   [`ApplyOptions::update_unowned`] (`--crds upgrade`).
//! - Waits poll the objects and judge them with [`crate::cluster::readiness`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use http::Method;
use serde_json::{json, Value};

use super::client::{escape, resource_path, KubeClient, ResourceInfo};
use super::KubeError;
use crate::cluster::readiness::{hook_outcome, readiness, HookOutcome, Readiness, ReadinessOptions};
use crate::cluster::{Applied, ObjectRef, Propagation, ReleaseScope, Resource, Target, TargetError};

/// Field manager of every server-side apply (the issue and docs name it).
pub const FIELD_MANAGER: &str = "capstan";

/// How long a CRD may take to become Established.
const CRD_ESTABLISH_TIMEOUT: Duration = Duration::from_secs(60);

/// Flags that change how objects are applied and waited on.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// `--force-conflicts`: take over fields other managers own.
    pub force_conflicts: bool,
    /// `--take-ownership`: adopt objects that another release (or nobody) owns.
    pub take_ownership: bool,
    /// `--dry-run=server`: the server validates and defaults, nothing is stored.
    pub server_dry_run: bool,
    /// `--wait-for-jobs`.
    pub wait_for_jobs: bool,
    /// `--crds upgrade`: apply unowned objects (CRDs) that already exist.
    pub update_unowned: bool,
    /// Show the live progress view while waiting.
    pub progress: bool,
}

/// A cluster as a [`Target`].
#[derive(Debug)]
pub struct KubeTarget {
    client: Arc<KubeClient>,
    options: ApplyOptions,
}

/// What applying one object did.
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl KubeTarget {
    pub fn new(client: Arc<KubeClient>, options: ApplyOptions) -> KubeTarget {
        KubeTarget { client, options }
    }

    pub fn client(&self) -> &Arc<KubeClient> {
        &self.client
    }

    async fn resource_of(&self, id: &ObjectRef) -> Result<ResourceInfo, TargetError> {
        self.client
            .resource(&id.api_version, &id.kind)
            .await
            .map_err(|e| match e {
                KubeError::UnknownKind { .. } => TargetError::InvalidObject(format!(
                    "resource mapping not found for name: {:?} namespace: {:?}: {e}",
                    id.name, id.namespace
                )),
                other => remote(other),
            })
    }

    async fn object_path(&self, id: &ObjectRef) -> Result<String, TargetError> {
        let info = self.resource_of(id).await?;
        Ok(resource_path(&id.api_version, &info, &id.namespace, Some(&id.name)))
    }

    /// The live object, `None` if it or its kind does not exist.
    async fn live(&self, id: &ObjectRef) -> Result<Option<Value>, TargetError> {
        let path = match self.object_path(id).await {
            Ok(p) => p,
            Err(TargetError::InvalidObject(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.client.get(&path).await.map_err(remote)
    }

    async fn apply_one(
        &self,
        scope: &ReleaseScope,
        object: &Resource,
        check_owner: bool,
        owned: bool,
    ) -> Result<Outcome, TargetError> {
        let id = &object.id;
        let info = self.resource_of(id).await?;
        let path = resource_path(&id.api_version, &info, &id.namespace, Some(&id.name));
        // An object this release applied before is ours: no GET to check.
        let existing = if owned {
            None
        } else {
            self.client.get(&path).await.map_err(remote)?
        };
        let unowned = scope.name.is_empty();
        if let Some(live) = &existing {
            if unowned && !self.options.update_unowned {
                return Ok(Outcome::Unchanged);
            }
            if check_owner && !unowned && !self.options.take_ownership {
                check_ownership(live, &scope.name, &scope.namespace).map_err(|why| {
                    TargetError::InvalidObject(format!(
                        "{id} exists and cannot be imported into the current release: {why}"
                    ))
                })?;
            }
        }
        let body = apply_body(object, &info);
        let dry_run = self.options.server_dry_run;
        let mut result = self
            .server_side_apply(&path, &body, self.options.force_conflicts, dry_run)
            .await;
        if let Err(KubeError::Api { code: 409, message, .. }) = &result {
            // Fields that Helm's own manager holds belong to the release
            // (Helm and capstan take turns on one release): take them over.
            if !self.options.force_conflicts && conflicts_only_with_helm(message) {
                result = self.server_side_apply(&path, &body, true, dry_run).await;
            }
        }
        let applied = result.map_err(|e| match e {
            KubeError::Api { code: 409, message, .. } => TargetError::InvalidObject(format!(
                "{id}: {message} (rerun with --force-conflicts to take over these fields)"
            )),
            KubeError::Api {
                code: 422 | 400,
                message,
                ..
            } => TargetError::InvalidObject(format!("{id}: {message}")),
            other => remote(other),
        })?;
        Ok(match existing {
            None if owned => Outcome::Updated,
            None => Outcome::Created,
            Some(old) if resource_version(&old) == resource_version(&applied) => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
        })
    }

    /// One server-side apply PATCH with capstan's field manager.
    async fn server_side_apply(
        &self,
        path: &str,
        body: &Value,
        force: bool,
        dry_run: bool,
    ) -> Result<Value, KubeError> {
        let dry_run = if dry_run { "&dryRun=All" } else { "" };
        let query = format!("{path}?fieldManager={FIELD_MANAGER}&force={force}{dry_run}");
        self.client
            .request(Method::PATCH, &query, Some("application/apply-patch+yaml"), Some(body))
            .await
    }

    /// What applying `object` would make of it: a forced server-side dry
    /// run. A kind the server does not serve yet (its CRD comes with the
    /// same upgrade) is shown as the manifest says.
    async fn preview_one(&self, object: &Resource) -> Result<Value, TargetError> {
        let id = &object.id;
        let info = match self.resource_of(id).await {
            Ok(info) => info,
            Err(TargetError::InvalidObject(_)) => return Ok(object.body.clone()),
            Err(e) => return Err(e),
        };
        let path = resource_path(&id.api_version, &info, &id.namespace, Some(&id.name));
        self.server_side_apply(&path, &apply_body(object, &info), true, true)
            .await
            .map_err(|e| match e {
                KubeError::Api {
                    code: 422 | 400,
                    message,
                    ..
                } => TargetError::InvalidObject(format!("{id}: {message}")),
                other => remote(other),
            })
    }

    /// Apply `objects` kind run by kind run, each run in parallel.
    async fn apply_all(
        &self,
        scope: &ReleaseScope,
        objects: &[Resource],
        check_owner: bool,
        owned: &[ObjectRef],
    ) -> Result<Applied, TargetError> {
        let owned: std::collections::HashSet<(&str, &str, &str, &str)> =
            owned.iter().map(ObjectRef::identity).collect();
        let mut applied = Applied::default();
        for run in objects.chunk_by(|a, b| a.id.kind == b.id.kind) {
            let results = join_all(
                run.iter()
                    .map(|o| self.apply_one(scope, o, check_owner, owned.contains(&o.id.identity()))),
            )
            .await;
            let mut errors = Vec::new();
            for (object, result) in run.iter().zip(results) {
                match result {
                    Ok(Outcome::Created) => applied.created.push(object.id.clone()),
                    Ok(Outcome::Updated) => applied.updated.push(object.id.clone()),
                    Ok(Outcome::Unchanged) => applied.unchanged.push(object.id.clone()),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            if !errors.is_empty() {
                return Err(TargetError::InvalidObject(errors.join("\n")));
            }
            if run[0].id.kind == "CustomResourceDefinition" && run[0].id.group() == "apiextensions.k8s.io" {
                if !self.options.server_dry_run {
                    self.wait_established(run).await?;
                }
            }
        }
        Ok(applied)
    }

    /// Wait until the CRDs are Established, then forget what discovery said
    /// about their groups (Go: helm install.go installCRDs).
    async fn wait_established(&self, crds: &[Resource]) -> Result<(), TargetError> {
        let deadline = Instant::now() + CRD_ESTABLISH_TIMEOUT;
        for crd in crds {
            let path = self.object_path(&crd.id).await?;
            loop {
                let live = self.client.get(&path).await.map_err(remote)?;
                let established = live
                    .as_ref()
                    .is_some_and(|l| readiness(l, &ReadinessOptions::default()).is_ready());
                if established {
                    break;
                }
                if Instant::now() >= deadline {
                    return Err(TargetError::NotReady(format!(
                        "CustomResourceDefinition {} did not become Established within {}s",
                        crd.id.name,
                        CRD_ESTABLISH_TIMEOUT.as_secs()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let group = crd
                .body
                .pointer("/spec/group")
                .and_then(Value::as_str)
                .unwrap_or_default();
            for version in crd
                .body
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(v) = version.get("name").and_then(Value::as_str) {
                    self.client.forget_discovery(&format!("{group}/{v}"));
                }
            }
        }
        Ok(())
    }

    async fn delete_one(&self, id: &ObjectRef, propagation: Propagation) -> Result<bool, TargetError> {
        let path = match self.object_path(id).await {
            Ok(p) => p,
            Err(TargetError::InvalidObject(_)) => return Ok(false),
            Err(e) => return Err(e),
        };
        let policy = match propagation {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        };
        let mut options = json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy});
        if self.options.server_dry_run {
            options["dryRun"] = json!(["All"]);
        }
        match self.client.request(Method::DELETE, &path, None, Some(&options)).await {
            Ok(_) => {
                if id.kind == "CustomResourceDefinition" {
                    self.client.forget_discovery(&id.api_version);
                }
                Ok(true)
            }
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(remote(e)),
        }
    }

    /// Poll `objects` until `done` says each is finished, at most `timeout`;
    /// the progress view shows what is pending and why.
    fn poll_until(
        &self,
        what: &str,
        objects: &[ObjectRef],
        timeout: Duration,
        judge: impl Fn(&ObjectRef, Option<&Value>) -> Judged,
    ) -> Result<(), TargetError> {
        let deadline = Instant::now() + timeout;
        let progress = Progress::new(self.options.progress, what);
        let mut pending: Vec<&ObjectRef> = objects.iter().collect();
        let mut reasons: HashMap<ObjectRef, String> = HashMap::new();
        let mut delay = Duration::from_millis(200);
        loop {
            let live = self.client.block_on(join_all(pending.iter().map(|id| self.live(id))));
            let mut still = Vec::new();
            for (id, state) in pending.iter().zip(live) {
                match judge(id, state?.as_ref()) {
                    Judged::Done => {
                        reasons.remove(*id);
                    }
                    Judged::Pending(why) => {
                        reasons.insert((*id).clone(), why);
                        still.push(*id);
                    }
                    Judged::Failed(why) => {
                        progress.finish();
                        return Err(TargetError::NotReady(format!("{} {}: {why}", id.kind, id.name)));
                    }
                }
            }
            pending = still;
            if pending.is_empty() {
                progress.finish();
                return Ok(());
            }
            progress.show(&pending, &reasons);
            if Instant::now() >= deadline {
                progress.finish();
                let report: Vec<String> = pending
                    .iter()
                    .map(|id| {
                        format!(
                            "  {} {}: {}",
                            id.kind,
                            qualified(id),
                            reasons.get(*id).map_or("", String::as_str)
                        )
                    })
                    .collect();
                return Err(TargetError::NotReady(format!(
                    "timed out after {} waiting for {} of {} resources:\n{}",
                    go_duration(timeout),
                    pending.len(),
                    objects.len(),
                    report.join("\n")
                )));
            }
            std::thread::sleep(delay.min(deadline.saturating_duration_since(Instant::now())));
            delay = (delay * 2).min(Duration::from_secs(2));
        }
    }
}

/// A polled object's state.
enum Judged {
    Done,
    Pending(String),
    Failed(String),
}

impl Target for KubeTarget {
    fn name(&self) -> &'static str {
        "kube"
    }

    fn is_cluster_scoped(&self, api_version: &str, kind: &str) -> bool {
        match self.client.block_on(self.client.resource(api_version, kind)) {
            Ok(info) => !info.namespaced,
            // Not served yet (a CRD of the same release): decided again at apply.
            Err(_) => crate::cluster::BUILTIN_CLUSTER_SCOPED.contains(&kind),
        }
    }

    fn apply(&self, scope: &ReleaseScope, objects: &[Resource]) -> Result<Applied, TargetError> {
        self.client.block_on(self.apply_all(scope, objects, true, &[]))
    }

    fn apply_owned(
        &self,
        scope: &ReleaseScope,
        objects: &[Resource],
        owned: &[ObjectRef],
    ) -> Result<Applied, TargetError> {
        self.client.block_on(self.apply_all(scope, objects, true, owned))
    }

    fn delete(
        &self,
        _scope: &ReleaseScope,
        objects: &[ObjectRef],
        propagation: Propagation,
    ) -> Result<Vec<ObjectRef>, TargetError> {
        let results = self
            .client
            .block_on(join_all(objects.iter().map(|id| self.delete_one(id, propagation))));
        let mut deleted = Vec::new();
        for (id, result) in objects.iter().zip(results) {
            if result? {
                deleted.push(id.clone());
            }
        }
        Ok(deleted)
    }

    fn get(&self, _scope: &ReleaseScope, objects: &[ObjectRef]) -> Result<Vec<Resource>, TargetError> {
        let results = self.client.block_on(join_all(objects.iter().map(|id| self.live(id))));
        let mut out = Vec::new();
        for (id, result) in objects.iter().zip(results) {
            if let Some(body) = result? {
                out.push(Resource { id: id.clone(), body });
            }
        }
        Ok(out)
    }

    fn wait(&self, _scope: &ReleaseScope, objects: &[ObjectRef], timeout: Duration) -> Result<(), TargetError> {
        if self.options.server_dry_run {
            return Ok(());
        }
        let wait_for_jobs = self.options.wait_for_jobs;
        self.poll_until(
            "waiting for resources to be ready",
            objects,
            timeout,
            |_, live| match live {
                None => Judged::Pending("not found".into()),
                Some(obj) => match readiness(obj, &ReadinessOptions::new(wait_for_jobs)) {
                    Readiness::Ready(_) => Judged::Done,
                    Readiness::InProgress(why) => Judged::Pending(why),
                    // kstatus' Failed may still recover (a rollout past its
                    // deadline); a wait reports it and keeps waiting.
                    Readiness::Failed(why) => Judged::Pending(format!("failed: {why}")),
                },
            },
        )
    }

    fn wait_for_delete(
        &self,
        _scope: &ReleaseScope,
        objects: &[ObjectRef],
        timeout: Duration,
    ) -> Result<(), TargetError> {
        if self.options.server_dry_run {
            return Ok(());
        }
        self.poll_until(
            "waiting for resources to be deleted",
            objects,
            timeout,
            |_, live| match live {
                None => Judged::Done,
                Some(_) => Judged::Pending("still exists".into()),
            },
        )
    }

    fn capabilities(&self) -> Result<Option<crate::action::template::ClusterCapabilities>, TargetError> {
        let (version, api_versions) = self.client.block_on(self.client.capabilities()).map_err(remote)?;
        let text = |k: &str| version.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        Ok(Some(crate::action::template::ClusterCapabilities {
            git_version: text("gitVersion"),
            major: text("major"),
            minor: text("minor"),
            api_versions,
        }))
    }

    fn preview(&self, _scope: &ReleaseScope, objects: &[Resource]) -> Result<Option<Vec<Resource>>, TargetError> {
        let results = self
            .client
            .block_on(join_all(objects.iter().map(|o| self.preview_one(o))));
        let mut out = Vec::with_capacity(objects.len());
        for (object, result) in objects.iter().zip(results) {
            out.push(Resource {
                id: object.id.clone(),
                body: result?,
            });
        }
        Ok(Some(out))
    }

    fn lookup_provider(&self) -> Option<Arc<dyn crate::engine::funcs::helm::LookupProvider>> {
        Some(Arc::new(ClusterLookup {
            client: self.client.clone(),
        }))
    }

    fn run_hook(&self, scope: &ReleaseScope, objects: &[Resource], timeout: Duration) -> Result<(), TargetError> {
        self.client.block_on(self.apply_all(scope, objects, false, &[]))?;
        if self.options.server_dry_run {
            return Ok(());
        }
        let ids: Vec<ObjectRef> = objects.iter().map(|o| o.id.clone()).collect();
        self.poll_until("running hooks", &ids, timeout, |_, live| match live {
            None => Judged::Pending("not found".into()),
            Some(obj) => match hook_outcome(obj) {
                HookOutcome::Done => Judged::Done,
                HookOutcome::Running(why) => Judged::Pending(why),
                HookOutcome::Failed(why) => Judged::Failed(why),
            },
        })
        .map_err(|e| TargetError::HookFailed(e.to_string()))
    }

    /// Each container's log (GET `pods/NAME/log?container=C`), in spec order
    /// (Go: kube.Client.OutputContainerLogsForPodList).
    fn pod_logs(&self, namespace: &str, pod: &str) -> Result<String, TargetError> {
        let path = format!("/api/v1/namespaces/{}/pods/{}", escape(namespace), escape(pod));
        let live = self
            .client
            .block_on(self.client.request(Method::GET, &path, None, None))
            .map_err(remote)?;
        let containers: Vec<&str> = live
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .collect();
        let mut logs = String::new();
        for container in containers {
            let text = self
                .client
                .block_on(
                    self.client
                        .get_text(&format!("{path}/log?container={}", escape(container))),
                )
                .map_err(|e| TargetError::Remote(format!("pod logs of {pod}, container {container}: {e}")))?;
            logs.push_str(&text);
        }
        Ok(logs)
    }

    /// Go: outputLogsByPolicy lists a Job's Pods by `job-name=NAME`.
    fn job_pods(&self, namespace: &str, job: &str) -> Result<Vec<String>, TargetError> {
        let path = format!(
            "/api/v1/namespaces/{}/pods?labelSelector={}",
            escape(namespace),
            escape(&format!("job-name={job}"))
        );
        let list = self
            .client
            .block_on(self.client.request(Method::GET, &path, None, None))
            .map_err(remote)?;
        Ok(list
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.pointer("/metadata/name").and_then(Value::as_str).map(str::to_string))
            .collect())
    }
}

/// `lookup` on a cluster (Go: pkg/engine/lookup_func.go): one object, or
/// the list of a kind (in a namespace, or in all of them when the
/// namespace is empty); what does not exist is an empty map.
struct ClusterLookup {
    client: Arc<KubeClient>,
}

impl crate::engine::funcs::helm::LookupProvider for ClusterLookup {
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<Value, String> {
        let client = &self.client;
        client.block_on(async {
            let info = client
                .resource(api_version, kind)
                .await
                .map_err(|e| format!("unable to get apiresource from unstructured: {api_version}, Kind={kind}: {e}"))?;
            let path = resource_path(api_version, &info, namespace, (!name.is_empty()).then_some(name));
            match client.get(&path).await {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Ok(json!({})),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}

/// The object as sent: a cluster-scoped kind carries no namespace (one
/// given by the chart, or added by `build` before discovery knew the kind).
fn apply_body(object: &Resource, info: &ResourceInfo) -> Value {
    let mut body = object.body.clone();
    if !info.namespaced {
        if let Some(md) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            md.remove("namespace");
        }
    }
    body
}

/// Go: pkg/action/validate.go checkOwnership and requireValue.
pub fn check_ownership(live: &Value, release_name: &str, release_namespace: &str) -> Result<(), String> {
    let text_map = |key: &str| {
        live.pointer(&format!("/metadata/{key}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let labels = text_map("labels");
    let annotations = text_map("annotations");
    let require = |map: &serde_json::Map<String, Value>, key: &str, want: &str| -> Option<String> {
        match map.get(key).and_then(Value::as_str) {
            None => Some(format!("missing key {key:?}: must be set to {want:?}")),
            Some(v) if v != want => Some(format!("key {key:?} must equal {want:?}: current value is {v:?}")),
            Some(_) => None,
        }
    };
    let mut errors = Vec::new();
    if let Some(e) = require(&labels, "app.kubernetes.io/managed-by", "Helm") {
        errors.push(format!("label validation error: {e}"));
    }
    if let Some(e) = require(&annotations, "meta.helm.sh/release-name", release_name) {
        errors.push(format!("annotation validation error: {e}"));
    }
    if let Some(e) = require(&annotations, "meta.helm.sh/release-namespace", release_namespace) {
        errors.push(format!("annotation validation error: {e}"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid ownership metadata; {}", errors.join("; ")))
    }
}

/// A server-side apply conflict whose other managers are all Helm's
/// (`helm`, the basename Helm uses as its field manager). Go: the message
/// of apimachinery's merge.Conflicts: `conflict with "helm": .spec.x` or
/// `conflicts with "helm" using apps/v1:` followed by the fields.
pub fn conflicts_only_with_helm(message: &str) -> bool {
    let managers: Vec<&str> = message
        .match_indices(" with \"")
        .filter_map(|(i, m)| {
            let rest = &message[i + m.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect();
    !managers.is_empty() && managers.iter().all(|m| *m == "helm")
}

fn resource_version(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/resourceVersion").and_then(Value::as_str)
}

fn remote(e: KubeError) -> TargetError {
    TargetError::Remote(e.to_string())
}

fn qualified(id: &ObjectRef) -> String {
    if id.namespace.is_empty() {
        id.name.clone()
    } else {
        format!("{}/{}", id.namespace, escape_for_display(&id.name))
    }
}

fn escape_for_display(name: &str) -> String {
    // Names are DNS labels; anything else came from a hostile manifest.
    if name.bytes().all(|b| b.is_ascii_graphic()) {
        name.to_string()
    } else {
        escape(name)
    }
}

/// Go's time.Duration String ("5m0s"), for `--timeout` in messages.
fn go_duration(d: Duration) -> String {
    crate::engine::funcs::dates::go_duration_string(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The live progress view (indicatif) on a terminal; nothing otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool, what: &str) -> Progress {
        use std::io::IsTerminal;
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {prefix} ({elapsed}) {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    fn show(&self, pending: &[&ObjectRef], reasons: &HashMap<ObjectRef, String>) {
        let Some(bar) = &self.bar else { return };
        let lines: Vec<String> = pending
            .iter()
            .take(8)
            .map(|id| {
                format!(
                    "\n  {} {}: {}",
                    id.kind,
                    qualified(id),
                    reasons.get(*id).map_or("", String::as_str)
                )
            })
            .collect();
        let more = if pending.len() > 8 {
            format!("\n  … and {} more", pending.len() - 8)
        } else {
            String::new()
        };
        bar.set_message(format!("{} pending{}{}", pending.len(), lines.concat(), more));
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_messages_match_helm() {
        let none = json!({"metadata": {"name": "x"}});
        assert_eq!(
            check_ownership(&none, "rel", "ns1").unwrap_err(),
            "invalid ownership metadata; label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"; annotation validation error: missing key \"meta.helm.sh/release-name\": must be set to \"rel\"; annotation validation error: missing key \"meta.helm.sh/release-namespace\": must be set to \"ns1\""
        );
        let other = json!({"metadata": {
            "labels": {"app.kubernetes.io/managed-by": "Helm"},
            "annotations": {"meta.helm.sh/release-name": "other", "meta.helm.sh/release-namespace": "ns1"}}});
        assert_eq!(
            check_ownership(&other, "rel", "ns1").unwrap_err(),
            "invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"rel\": current value is \"other\""
        );
        let mine = json!({"metadata": {
            "labels": {"app.kubernetes.io/managed-by": "Helm"},
            "annotations": {"meta.helm.sh/release-name": "rel", "meta.helm.sh/release-namespace": "ns1"}}});
        assert!(check_ownership(&mine, "rel", "ns1").is_ok());
    }

    #[test]
    fn helm_conflicts_are_recognised() {
        assert!(conflicts_only_with_helm(
            "Apply failed with 1 conflict: conflict with \"helm\": .spec.replicas"
        ));
        assert!(conflicts_only_with_helm(
            "Apply failed with 2 conflicts: conflicts with \"helm\" using apps/v1:\n- .spec.replicas\n- .spec.template"
        ));
        assert!(!conflicts_only_with_helm(
            "Apply failed with 2 conflicts: conflict with \"helm\": .a\nconflict with \"kubectl\": .b"
        ));
        assert!(!conflicts_only_with_helm(
            "Apply failed with 1 conflict: conflict with \"kube-controller-manager\": .x"
        ));
        assert!(!conflicts_only_with_helm("Operation cannot be fulfilled"));
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(Duration::from_secs(300)), "5m0s");
        assert_eq!(go_duration(Duration::from_secs(42)), "42s");
        assert_eq!(go_duration(Duration::from_secs(3725)), "1h2m5s");
    }
}
