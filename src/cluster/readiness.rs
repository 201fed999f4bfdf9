//! Readiness rules for `--wait` and hooks: given an object as the API server
//! returns it, say whether it is ready, still in progress (and why) or failed
//! (and why). Pure and synchronous: no cluster access, the caller fetches.
//!
//! The rules are those of Helm 4's default waiter (`--wait=watcher`,
//! pkg/kube/statuswait.go), which computes status with kstatus from
//! github.com/fluxcd/cli-utils v0.37.2-flux.1 (the version Helm v4.1.4's
//! go.mod pins; pkg/kstatus/status/{status,generic,core,util}.go), plus
//! Helm's own Job and Pod readers (internal/statusreaders) used for
//! `--wait-for-jobs` and for hooks.
//!
//! kstatus' statuses map to [`Readiness`]: Current is ready, InProgress is
//! in progress, Failed is failed; Terminating and Unknown (the status of an
//! object kstatus cannot read) are in progress too, since Helm's waiter
//! keeps waiting on anything that is not Current or Failed.
//!
//! Messages are kstatus' where kstatus gives a useful one; for Pods and
//! Jobs they add what the user needs to act (a container's waiting reason,
//! a Job's failure reason), which kstatus leaves out.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Where an object stands for `--wait`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// kstatus Current: nothing left to wait for.
    Ready(String),
    /// Not there yet: keep waiting (the message says what is missing).
    InProgress(String),
    /// Will not get there without intervention: stop waiting for it.
    Failed(String),
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready(_))
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, Readiness::Failed(_))
    }

    /// The human sentence, whatever the state.
    pub fn message(&self) -> &str {
        match self {
            Readiness::Ready(m) | Readiness::InProgress(m) | Readiness::Failed(m) => m,
        }
    }
}

/// What a wait asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessOptions {
    /// Helm's `--wait-for-jobs`: a Job counts only once complete. Without
    /// it a Job counts as soon as it has started (kstatus jobConditions).
    pub wait_for_jobs: bool,
    /// The time to judge against: kstatus gives a Pending, unschedulable
    /// Pod 15 seconds from its creation before calling it failed.
    pub now: SystemTime,
}

impl ReadinessOptions {
    /// Options judged against the current time.
    pub fn new(wait_for_jobs: bool) -> ReadinessOptions {
        ReadinessOptions {
            wait_for_jobs,
            now: SystemTime::now(),
        }
    }
}

impl Default for ReadinessOptions {
    fn default() -> ReadinessOptions {
        ReadinessOptions::new(false)
    }
}

/// Where a hook resource stands while capstan watches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookOutcome {
    Done,
    Running(String),
    Failed(String),
}

/// How long a Pending Pod may stay unscheduled before kstatus reports it
/// failed (kstatus core.go ScheduleWindow).
const SCHEDULE_WINDOW: Duration = Duration::from_secs(15);

/// Readiness of `object` for `--wait`.
///
/// Helm: pkg/kube/statuswait.go `wait` skips paused Deployments (they
/// would never roll out) and `WaitWithJobs` puts Helm's Job reader in front
/// of kstatus' readers; everything else is kstatus `Compute`.
pub fn readiness(object: &Value, options: &ReadinessOptions) -> Readiness {
    let (group, kind) = group_kind(object);
    if group == "apps" && kind == "Deployment" && object.pointer("/spec/paused") == Some(&Value::Bool(true)) {
        return Readiness::Ready("Deployment is paused: not waited for".to_string());
    }
    if options.wait_for_jobs && group == "batch" && kind == "Job" {
        return helm_job_status(object).unwrap_or_else(unreadable);
    }
    compute(object, options.now).unwrap_or_else(unreadable)
}

/// Outcome of a hook resource (`helm.sh/hook`), as Helm 4's
/// `WatchUntilReady` judges it (pkg/kube/statuswait.go): Jobs with Helm's
/// Job reader, Pods with Helm's Pod reader (internal/statusreaders), any
/// other kind is done as soon as it exists (statuswait.go alwaysReady).
pub fn hook_outcome(object: &Value) -> HookOutcome {
    let (group, kind) = group_kind(object);
    match (group, kind) {
        ("batch", "Job") => match helm_job_status(object) {
            Ok(Readiness::Ready(_)) => HookOutcome::Done,
            Ok(Readiness::Failed(m)) => HookOutcome::Failed(m),
            Ok(Readiness::InProgress(m)) => HookOutcome::Running(m),
            Err(e) => HookOutcome::Running(cannot_read(&e)),
        },
        ("", "Pod") => helm_pod_hook(object),
        _ => HookOutcome::Done,
    }
}

/// Why an object's status could not be read (a field of the wrong type).
/// kstatus returns an error there and the waiter reports status Unknown,
/// which it keeps waiting on.
type Unreadable = String;

fn unreadable(e: Unreadable) -> Readiness {
    Readiness::InProgress(cannot_read(&e))
}

fn cannot_read(e: &str) -> String {
    format!("status unknown: {e}")
}

/// (group, kind) from apiVersion and kind; the core group is "".
fn group_kind(object: &Value) -> (&str, &str) {
    let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    (group, object.get("kind").and_then(Value::as_str).unwrap_or(""))
}

// ---------------------------------------------------------------------------
// Field access, with kstatus' lenient getters (util.go GetIntField,
// GetStringField: a missing field or one of another type gives the default)
// and the strict ones unstructured.NestedInt64/NestedString use.

fn field<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = object;
    for key in path.split('.') {
        v = v.as_object()?.get(key)?;
    }
    Some(v)
}

/// kstatus GetIntField: an integer, else `default`.
fn int_field(object: &Value, path: &str, default: i64) -> i64 {
    field(object, path).and_then(Value::as_i64).unwrap_or(default)
}

/// kstatus GetStringField: a string, else `default`.
fn str_field<'a>(object: &'a Value, path: &str, default: &'a str) -> &'a str {
    field(object, path).and_then(Value::as_str).unwrap_or(default)
}

/// unstructured.NestedInt64: absent is None, another type is an error.
fn strict_int(object: &Value, path: &str) -> Result<Option<i64>, Unreadable> {
    match field(object, path) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{path} is {v}, not an integer")),
    }
}

/// unstructured.NestedString: absent is None, another type is an error.
fn strict_str<'a>(object: &'a Value, path: &str) -> Result<Option<&'a str>, Unreadable> {
    match field(object, path) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(format!("{path} is {v}, not a string")),
    }
}

/// One entry of `status.conditions` (kstatus util.go BasicCondition).
#[derive(Debug, Default)]
struct Condition<'a> {
    kind: &'a str,
    status: &'a str,
    reason: &'a str,
    message: &'a str,
}

impl Condition<'_> {
    fn is(&self, kind: &str, status: &str) -> bool {
        self.kind == kind && self.status == status
    }

    /// The condition's message, else its reason, else `fallback`.
    fn text(&self, fallback: &str) -> String {
        [self.message, self.reason, fallback]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_string()
    }

    /// `Reason: message` (or whichever of them is set).
    fn reason_and_message(&self) -> String {
        match (self.reason, self.message) {
            ("", m) => m.to_string(),
            (r, "") => r.to_string(),
            (r, m) => format!("{r}: {m}"),
        }
    }
}

/// A string field of a condition: absent or null is "", another type an error.
fn condition_text<'a>(c: &'a Map<String, Value>, key: &str) -> Result<&'a str, Unreadable> {
    match c.get(key) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(v) => Err(format!("status.conditions[].{key} is {v}, not a string")),
    }
}

/// `status.conditions`, decoded the way kstatus GetObjectWithConditions
/// decodes them (runtime.DefaultUnstructuredConverter.FromUnstructured into
/// typed structs: a field of the wrong type is an error, unknown fields and
/// nulls are ignored).
fn conditions(object: &Value) -> Result<Vec<Condition<'_>>, Unreadable> {
    let status = match object.get("status") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(status)) => status,
        Some(v) => return Err(format!("status is {v}, not an object")),
    };
    let list = match status.get("conditions") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(v) => return Err(format!("status.conditions is {v}, not a list")),
    };
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        match item {
            Value::Null => out.push(Condition::default()),
            Value::Object(c) => out.push(Condition {
                kind: condition_text(c, "type")?,
                status: condition_text(c, "status")?,
                reason: condition_text(c, "reason")?,
                message: condition_text(c, "message")?,
            }),
            v => return Err(format!("status.conditions has {v}, not an object")),
        }
    }
    Ok(out)
}

fn in_progress(message: impl Into<String>) -> Result<Readiness, Unreadable> {
    Ok(Readiness::InProgress(message.into()))
}

fn ready(message: impl Into<String>) -> Result<Readiness, Unreadable> {
    Ok(Readiness::Ready(message.into()))
}

fn failed(message: impl Into<String>) -> Result<Readiness, Unreadable> {
    Ok(Readiness::Failed(message.into()))
}

// ---------------------------------------------------------------------------
// kstatus: status.go Compute and generic.go.

/// kstatus status.go Compute: the generic rules, then the built-in kind's
/// rules, then a `Ready` condition, else current.
fn compute(object: &Value, now: SystemTime) -> Result<Readiness, Unreadable> {
    if let Some(result) = generic_properties(object)? {
        return Ok(result);
    }
    let (group, kind) = group_kind(object);
    // kstatus core.go legacyTypes, keyed by group/kind.
    match (group, kind) {
        ("", "Service") => service(object),
        ("", "Pod") => pod(object, now),
        ("", "Secret") | ("", "ConfigMap") | ("batch", "CronJob") => ready("Resource is always ready"),
        ("", "PersistentVolumeClaim") => pvc(object),
        ("apps", "StatefulSet") => statefulset(object),
        ("apps" | "extensions", "DaemonSet") => daemonset(object),
        ("apps" | "extensions", "Deployment") => deployment(object),
        ("apps" | "extensions", "ReplicaSet") => replicaset(object),
        // kstatus core.go pdbConditions: once the disruption controller has
        // observed the latest generation (checked above), it is current.
        ("policy", "PodDisruptionBudget") => ready("AllowedDisruptions has been computed."),
        ("batch", "Job") => kstatus_job(object),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => crd(object),
        _ => Ok(ready_condition(object)?.unwrap_or_else(|| Readiness::Ready("Resource is current".to_string()))),
    }
}

/// kstatus generic.go checkGenericProperties: deletion, generation not yet
/// observed, and the standard `Reconciling` / `Stalled` conditions decide
/// for any kind.
fn generic_properties(object: &Value) -> Result<Option<Readiness>, Unreadable> {
    if strict_str(object, "metadata.deletionTimestamp")?.is_some_and(|t| !t.is_empty()) {
        // kstatus Terminating: not Current, so Helm keeps waiting.
        return Ok(Some(Readiness::InProgress(
            "Resource scheduled for deletion".to_string(),
        )));
    }
    if let Some(result) = generation_observed(object)? {
        return Ok(Some(result));
    }
    for c in conditions(object)? {
        if c.is("Reconciling", "True") {
            return Ok(Some(Readiness::InProgress(c.text("Reconciling"))));
        }
        if c.is("Stalled", "True") {
            return Ok(Some(Readiness::Failed(c.text("Stalled"))));
        }
    }
    Ok(None)
}

/// kstatus generic.go checkGeneration: in progress while the controller has
/// not observed the latest spec; skipped when either field is absent.
fn generation_observed(object: &Value) -> Result<Option<Readiness>, Unreadable> {
    let Some(generation) = strict_int(object, "metadata.generation")? else {
        return Ok(None);
    };
    let Some(observed) = strict_int(object, "status.observedGeneration")? else {
        return Ok(None);
    };
    if observed != generation {
        let kind = group_kind(object).1;
        return Ok(Some(Readiness::InProgress(format!(
            "{kind} generation is {generation}, but latest observed generation is {observed}"
        ))));
    }
    Ok(None)
}

/// kstatus status.go checkReadyCondition: the widely used (if
/// non-standard) `Ready` condition, for kinds without rules of their own.
fn ready_condition(object: &Value) -> Result<Option<Readiness>, Unreadable> {
    for c in conditions(object)? {
        if c.kind != "Ready" {
            continue;
        }
        match c.status {
            "True" => return Ok(Some(Readiness::Ready("Resource is Ready".to_string()))),
            "False" | "Unknown" => return Ok(Some(Readiness::InProgress(c.text("Ready condition is not True")))),
            _ => {}
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------
// kstatus core.go: the built-in kinds.

/// kstatus core.go deploymentConditions.
fn deployment(object: &Value) -> Result<Readiness, Unreadable> {
    // Without progressDeadlineSeconds the controller never sets the
    // Progressing condition; i32::MAX is the controller's "no deadline".
    let mut progressing = int_field(object, "spec.progressDeadlineSeconds", i32::MAX as i64) == i32::MAX as i64;
    let mut available = false;
    for c in conditions(object)? {
        match c.kind {
            "Progressing" => {
                if c.reason == "ProgressDeadlineExceeded" {
                    let detail = if c.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", c.message)
                    };
                    return failed(format!("Progress deadline exceeded{detail}"));
                }
                if c.status == "True" && c.reason == "NewReplicaSetAvailable" {
                    progressing = true;
                }
            }
            "Available" if c.status == "True" => available = true,
            _ => {}
        }
    }
    let spec_replicas = int_field(object, "spec.replicas", 1);
    let replicas = int_field(object, "status.replicas", 0);
    let updated = int_field(object, "status.updatedReplicas", 0);
    let ready_replicas = int_field(object, "status.readyReplicas", 0);
    let available_replicas = int_field(object, "status.availableReplicas", 0);
    if spec_replicas > replicas {
        return in_progress(format!("Replicas: {replicas}/{spec_replicas}"));
    }
    if spec_replicas > updated {
        return in_progress(format!("Updated: {updated}/{spec_replicas}"));
    }
    if replicas > spec_replicas {
        return in_progress(format!("Pending termination: {}", replicas - spec_replicas));
    }
    if updated > available_replicas {
        return in_progress(format!("Available: {available_replicas}/{updated}"));
    }
    if spec_replicas > ready_replicas {
        return in_progress(format!("Ready: {ready_replicas}/{spec_replicas}"));
    }
    if !progressing {
        return in_progress("ReplicaSet not Available");
    }
    if !available {
        return in_progress("Deployment not Available");
    }
    ready(format!("Deployment is available. Replicas: {replicas}"))
}

/// kstatus core.go stsConditions. StatefulSets set no conditions, so only
/// the counts and revisions tell.
fn statefulset(object: &Value) -> Result<Readiness, Unreadable> {
    if str_field(object, "spec.updateStrategy.type", "") == "OnDelete" {
        return ready("StatefulSet is using the ondelete update strategy");
    }
    let spec_replicas = int_field(object, "spec.replicas", 1);
    let ready_replicas = int_field(object, "status.readyReplicas", 0);
    let current = int_field(object, "status.currentReplicas", 0);
    let updated = int_field(object, "status.updatedReplicas", 0);
    let replicas = int_field(object, "status.replicas", 0);
    let partition = int_field(object, "spec.updateStrategy.rollingUpdate.partition", -1);
    if spec_replicas > replicas {
        return in_progress(format!("Replicas: {replicas}/{spec_replicas}"));
    }
    if spec_replicas > ready_replicas {
        return in_progress(format!("Ready: {ready_replicas}/{spec_replicas}"));
    }
    if replicas > spec_replicas {
        return in_progress(format!("Pending termination: {}", replicas - spec_replicas));
    }
    if partition != -1 {
        // Only the ordinals at or above the partition get the new revision.
        if updated < spec_replicas - partition {
            return in_progress(format!("updated: {updated}/{}", spec_replicas - partition));
        }
        return ready(format!("Partition rollout complete. updated: {updated}"));
    }
    if spec_replicas > current {
        return in_progress(format!("current: {current}/{spec_replicas}"));
    }
    if str_field(object, "status.currentRevision", "") != str_field(object, "status.updateRevision", "") {
        return in_progress("Waiting for updated revision to match current");
    }
    ready(format!("All replicas scheduled as expected. Replicas: {replicas}"))
}

/// kstatus core.go daemonsetConditions. Unlike the generic check, a
/// DaemonSet must have both generation fields: the controller always sets
/// observedGeneration once it has acted (checkGenerationSet).
fn daemonset(object: &Value) -> Result<Readiness, Unreadable> {
    if strict_int(object, "metadata.generation")?.is_none() {
        return in_progress("DaemonSet metadata.generation not found");
    }
    if strict_int(object, "status.observedGeneration")?.is_none() {
        return in_progress("DaemonSet status.observedGeneration not found");
    }
    let desired = int_field(object, "status.desiredNumberScheduled", -1);
    let current = int_field(object, "status.currentNumberScheduled", 0);
    let updated = int_field(object, "status.updatedNumberScheduled", 0);
    let available = int_field(object, "status.numberAvailable", 0);
    let ready_count = int_field(object, "status.numberReady", 0);
    if desired == -1 {
        return in_progress("Missing .status.desiredNumberScheduled");
    }
    if desired > current {
        return in_progress(format!("Current: {current}/{desired}"));
    }
    if desired > updated {
        return in_progress(format!("Updated: {updated}/{desired}"));
    }
    if desired > available {
        return in_progress(format!("Available: {available}/{desired}"));
    }
    if desired > ready_count {
        return in_progress(format!("Ready: {ready_count}/{desired}"));
    }
    ready(format!("All replicas scheduled as expected. Replicas: {desired}"))
}

/// kstatus core.go replicasetConditions.
fn replicaset(object: &Value) -> Result<Readiness, Unreadable> {
    for c in conditions(object)? {
        if c.is("ReplicaFailure", "True") {
            // kstatus keeps waiting (the failure may be a quota that frees up).
            let detail = if c.message.is_empty() {
                String::new()
            } else {
                format!(": {}", c.message)
            };
            return in_progress(format!("Replica Failure condition. Check Pods{detail}"));
        }
    }
    let spec_replicas = int_field(object, "spec.replicas", 1);
    let replicas = int_field(object, "status.replicas", 0);
    let ready_replicas = int_field(object, "status.readyReplicas", 0);
    let available = int_field(object, "status.availableReplicas", 0);
    let labelled = int_field(object, "status.fullyLabeledReplicas", 0);
    if spec_replicas > labelled {
        return in_progress(format!("Labelled: {labelled}/{spec_replicas}"));
    }
    if spec_replicas > available {
        return in_progress(format!("Available: {available}/{spec_replicas}"));
    }
    if spec_replicas > ready_replicas {
        return in_progress(format!("Ready: {ready_replicas}/{spec_replicas}"));
    }
    if replicas > spec_replicas {
        return in_progress(format!("Pending termination: {}", replicas - spec_replicas));
    }
    ready(format!("ReplicaSet is available. Replicas: {replicas}"))
}

/// kstatus core.go pvcConditions.
fn pvc(object: &Value) -> Result<Readiness, Unreadable> {
    let phase = str_field(object, "status.phase", "unknown");
    if phase != "Bound" {
        return in_progress(format!("PVC is not Bound. phase: {phase}"));
    }
    ready("PVC is Bound")
}

/// kstatus core.go serviceConditions: only a LoadBalancer Service waits, and
/// only for its cluster IP. (Helm's legacy waiter, `--wait=legacy`, also
/// waits for a load balancer ingress; the default watcher does not.)
fn service(object: &Value) -> Result<Readiness, Unreadable> {
    let kind = str_field(object, "spec.type", "ClusterIP");
    if kind == "LoadBalancer" && str_field(object, "spec.clusterIP", "").is_empty() {
        return in_progress("ClusterIP not set. Service type: LoadBalancer");
    }
    ready("Service is ready")
}

/// kstatus core.go CRDConditions (crdConditions in the flux fork).
fn crd(object: &Value) -> Result<Readiness, Unreadable> {
    for c in conditions(object)? {
        if c.is("NamesAccepted", "False") {
            return failed(c.reason_and_message());
        }
        if c.kind == "Established" {
            if c.status == "False" && c.reason != "Installing" {
                return failed(c.reason_and_message());
            }
            if c.status == "True" {
                return ready("CRD is established");
            }
        }
    }
    in_progress("Install in progress")
}

/// Job counts for messages: (succeeded, completions, active, failed).
/// `completions` defaults to `parallelism`, which defaults to 1 (kstatus
/// core.go jobConditions).
fn job_counts(object: &Value) -> (i64, i64, i64, i64) {
    let parallelism = int_field(object, "spec.parallelism", 1);
    (
        int_field(object, "status.succeeded", 0),
        int_field(object, "spec.completions", parallelism),
        int_field(object, "status.active", 0),
        int_field(object, "status.failed", 0),
    )
}

/// A failed Job's message: kstatus' counts plus the Failed condition's
/// reason, which says why (BackoffLimitExceeded, DeadlineExceeded, ...).
fn job_failed_message(failed_count: i64, completions: i64, condition: &Condition) -> String {
    let why = condition.reason_and_message();
    if why.is_empty() {
        format!("Job Failed. failed: {failed_count}/{completions}")
    } else {
        format!("Job Failed. failed: {failed_count}/{completions} ({why})")
    }
}

/// kstatus core.go jobConditions (v0.37.2-flux.1, which has no rule for
/// suspended Jobs): Failed once the Failed condition is set, in progress
/// until the Job has started, current from then on, done or not.
fn kstatus_job(object: &Value) -> Result<Readiness, Unreadable> {
    let (succeeded, completions, active, failed_count) = job_counts(object);
    for c in conditions(object)? {
        if c.is("Complete", "True") {
            return ready(format!("Job Completed. succeeded: {succeeded}/{completions}"));
        }
        if c.is("Failed", "True") {
            return failed(job_failed_message(failed_count, completions, &c));
        }
    }
    if str_field(object, "status.startTime", "").is_empty() {
        return in_progress("Job not started");
    }
    ready(format!(
        "Job in progress. success:{succeeded}, active: {active}, failed: {failed_count}"
    ))
}

/// Helm internal/statusreaders/job_status_reader.go jobConditions, used by
/// `--wait-for-jobs` and for hooks: current only once complete. No generic
/// checks: Helm's reader replaces kstatus Compute for Jobs altogether.
fn helm_job_status(object: &Value) -> Result<Readiness, Unreadable> {
    let (succeeded, completions, active, failed_count) = job_counts(object);
    for c in conditions(object)? {
        if c.is("Complete", "True") {
            return ready(format!("Job Completed. succeeded: {succeeded}/{completions}"));
        }
        if c.is("Failed", "True") {
            return failed(job_failed_message(failed_count, completions, &c));
        }
    }
    in_progress(format!(
        "Job in progress. succeeded: {succeeded}/{completions}, active: {active}, failed: {failed_count}"
    ))
}

// ---------------------------------------------------------------------------
// Pods.

/// kstatus core.go podConditions, with the containers' waiting reasons
/// added to the in-progress messages.
fn pod(object: &Value, now: SystemTime) -> Result<Readiness, Unreadable> {
    let conditions = conditions(object)?;
    let phase = str_field(object, "status.phase", "");
    match phase {
        "Succeeded" => ready("Pod has completed successfully"),
        // kstatus counts a failed Pod as current: it is done, and the Pod
        // itself will not change any more (its owner may retry).
        "Failed" => ready("Pod has completed, but not successfully"),
        "Running" => {
            if conditions.iter().any(|c| c.is("Ready", "True")) {
                return ready("Pod is Ready");
            }
            let crash_looping = crash_looping_containers(object);
            if !crash_looping.is_empty() {
                return failed(format!("Containers in CrashLoop state: {}", crash_looping.join(",")));
            }
            in_progress(with_waiting_reasons("Pod is running but is not Ready", object))
        }
        "Pending" => {
            if let Some(c) = conditions.iter().find(|c| c.is("PodScheduled", "False")) {
                if c.reason == "Unschedulable" {
                    let why = if c.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", c.message)
                    };
                    if created_within(object, SCHEDULE_WINDOW, now) {
                        return in_progress(format!("Pod has not been scheduled{why}"));
                    }
                    return failed(format!("Pod could not be scheduled{why}"));
                }
            }
            in_progress(with_waiting_reasons("Pod is in the Pending phase", object))
        }
        // Not yet observed by the kubelet.
        "" => in_progress("Pod phase not available"),
        other => Err(format!("unknown phase {other}")),
    }
}

/// Whether the object was created less than `window` before `now`. An
/// absent or unreadable creationTimestamp is Go's zero time: long ago.
/// Go: `time.Now().Add(-ScheduleWindow).Before(u.GetCreationTimestamp().Time)`.
fn created_within(object: &Value, window: Duration, now: SystemTime) -> bool {
    let Some(created) = field(object, "metadata.creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    else {
        return false;
    };
    let Ok(window) = chrono::Duration::from_std(window) else {
        return false;
    };
    DateTime::<Utc>::from(now) - window < created
}

/// The containers waiting in CrashLoopBackOff (kstatus core.go
/// getCrashLoopingContainers: regular containers only).
fn crash_looping_containers(object: &Value) -> Vec<&str> {
    container_statuses(object, "containerStatuses")
        .filter(|cs| cs.pointer("/state/waiting/reason").and_then(Value::as_str) == Some("CrashLoopBackOff"))
        .filter_map(|cs| cs.get("name").and_then(Value::as_str))
        .collect()
}

fn container_statuses<'a>(object: &'a Value, list: &str) -> impl Iterator<Item = &'a Value> {
    object
        .get("status")
        .and_then(|s| s.get(list))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// `base` followed by the waiting reasons of the Pod's containers (init
/// containers first), e.g. `...; app: ImagePullBackOff (Back-off pulling
/// image "x")`: what kubectl's STATUS column would tell the user.
fn with_waiting_reasons(base: &str, object: &Value) -> String {
    let mut reasons = Vec::new();
    for list in ["initContainerStatuses", "containerStatuses"] {
        for cs in container_statuses(object, list) {
            let Some(waiting) = cs.pointer("/state/waiting") else {
                continue;
            };
            let reason = waiting.get("reason").and_then(Value::as_str).unwrap_or("");
            if reason.is_empty() {
                continue;
            }
            let name = cs.get("name").and_then(Value::as_str).unwrap_or("?");
            match waiting.get("message").and_then(Value::as_str).filter(|m| !m.is_empty()) {
                Some(message) => reasons.push(format!("{name}: {reason} ({message})")),
                None => reasons.push(format!("{name}: {reason}")),
            }
        }
    }
    if reasons.is_empty() {
        base.to_string()
    } else {
        format!("{base}; {}", reasons.join("; "))
    }
}

/// The terminated containers that did not exit cleanly, e.g.
/// `app: Error (exit code 1)`, for a failed hook Pod's message.
fn termination_reasons(object: &Value) -> Vec<String> {
    let mut reasons = Vec::new();
    for list in ["initContainerStatuses", "containerStatuses"] {
        for cs in container_statuses(object, list) {
            let Some(terminated) = cs.pointer("/state/terminated") else {
                continue;
            };
            let code = terminated.get("exitCode").and_then(Value::as_i64).unwrap_or(0);
            let reason = terminated.get("reason").and_then(Value::as_str).unwrap_or("");
            if code == 0 && (reason.is_empty() || reason == "Completed") {
                continue;
            }
            let name = cs.get("name").and_then(Value::as_str).unwrap_or("?");
            let reason = if reason.is_empty() { "Terminated" } else { reason };
            let mut text = format!("{name}: {reason} (exit code {code})");
            if let Some(message) = terminated
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
            {
                text.push_str(": ");
                text.push_str(message.trim_end());
            }
            reasons.push(text);
        }
    }
    reasons
}

/// Helm internal/statusreaders/pod_status_reader.go podConditions: a hook
/// Pod is done once Succeeded, failed once Failed, running otherwise.
fn helm_pod_hook(object: &Value) -> HookOutcome {
    let name = field(object, "metadata.name").and_then(Value::as_str).unwrap_or("");
    match str_field(object, "status.phase", "") {
        "Succeeded" => HookOutcome::Done,
        "Failed" => {
            let mut message = format!("pod {name} failed");
            // The Pod's own reason first (Evicted, DeadlineExceeded, ...).
            if let Some(reason) = field(object, "status.reason")
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
            {
                message.push_str(&format!(": {reason}"));
                if let Some(m) = field(object, "status.message")
                    .and_then(Value::as_str)
                    .filter(|m| !m.is_empty())
                {
                    message.push_str(&format!(" ({m})"));
                }
            }
            let containers = termination_reasons(object);
            if !containers.is_empty() {
                message.push_str(&format!(": {}", containers.join("; ")));
            }
            HookOutcome::Failed(message)
        }
        "" => HookOutcome::Running("Pod in progress".to_string()),
        phase => HookOutcome::Running(with_waiting_reasons(
            &format!("Pod in progress (phase {phase})"),
            object,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(rfc3339: &str) -> SystemTime {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
    }

    fn opts() -> ReadinessOptions {
        ReadinessOptions {
            wait_for_jobs: false,
            now: at("2025-01-01T12:00:00Z"),
        }
    }

    fn jobs_opts() -> ReadinessOptions {
        ReadinessOptions {
            wait_for_jobs: true,
            ..opts()
        }
    }

    fn check(object: Value) -> Readiness {
        readiness(&object, &opts())
    }

    fn ready(m: &str) -> Readiness {
        Readiness::Ready(m.to_string())
    }

    fn progress(m: &str) -> Readiness {
        Readiness::InProgress(m.to_string())
    }

    fn fail(m: &str) -> Readiness {
        Readiness::Failed(m.to_string())
    }

    fn deployment(spec: Value, status: Value) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns1", "generation": 2},
            "spec": spec, "status": status,
        })
    }

    fn available_conditions() -> Value {
        json!([
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability."},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
             "message": "ReplicaSet \"web-6d4cf56db6\" has successfully progressed."},
        ])
    }

    // --- generic rules (kstatus generic.go) --------------------------------

    #[test]
    fn generation_not_observed_is_in_progress() {
        // kstatus checkGeneration message.
        let d = deployment(
            json!({"replicas": 1, "progressDeadlineSeconds": 600}),
            json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
                   "availableReplicas": 1, "conditions": available_conditions()}),
        );
        assert_eq!(
            check(d),
            progress("Deployment generation is 2, but latest observed generation is 1")
        );
    }

    #[test]
    fn deletion_timestamp_keeps_waiting() {
        // kstatus Terminating is not Current: Helm keeps waiting.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "deletionTimestamp": "2025-01-01T11:00:00Z"}});
        assert_eq!(check(cm), progress("Resource scheduled for deletion"));
    }

    #[test]
    fn unreadable_field_is_in_progress() {
        // kstatus returns an error (status Unknown); the waiter keeps waiting.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "generation": "x"}});
        assert!(matches!(check(cm), Readiness::InProgress(m) if m.contains("metadata.generation")));
        let cr = json!({"apiVersion": "x.io/v1", "kind": "Foo", "metadata": {"name": "f"},
            "status": {"conditions": [{"type": "Ready", "status": true}]}});
        assert!(matches!(check(cr), Readiness::InProgress(m) if m.contains("status.conditions")));
    }

    // --- Deployment (kstatus core.go deploymentConditions) -----------------

    #[test]
    fn deployment_available_is_ready() {
        let d = deployment(
            json!({"replicas": 1, "progressDeadlineSeconds": 600}),
            json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
                   "availableReplicas": 1, "conditions": available_conditions()}),
        );
        assert_eq!(check(d), ready("Deployment is available. Replicas: 1"));
    }

    #[test]
    fn deployment_rollout_steps_in_kstatus_order() {
        let status = |replicas: i64, updated: i64, ready_: i64, available: i64| {
            json!({"observedGeneration": 2, "replicas": replicas, "updatedReplicas": updated,
                   "readyReplicas": ready_, "availableReplicas": available, "conditions": available_conditions()})
        };
        let spec = json!({"replicas": 3, "progressDeadlineSeconds": 600});
        assert_eq!(
            check(deployment(spec.clone(), status(2, 2, 2, 2))),
            progress("Replicas: 2/3")
        );
        assert_eq!(
            check(deployment(spec.clone(), status(3, 1, 3, 3))),
            progress("Updated: 1/3")
        );
        assert_eq!(
            check(deployment(spec.clone(), status(4, 3, 3, 3))),
            progress("Pending termination: 1")
        );
        assert_eq!(
            check(deployment(spec.clone(), status(3, 3, 3, 2))),
            progress("Available: 2/3")
        );
        assert_eq!(check(deployment(spec, status(3, 3, 2, 3))), progress("Ready: 2/3"));
    }

    #[test]
    fn deployment_defaults_to_one_replica_and_empty_status() {
        // spec.replicas defaults to 1; a fresh Deployment has no status yet.
        let d = deployment(json!({}), json!({}));
        assert_eq!(check(d), progress("Replicas: 0/1"));
    }

    #[test]
    fn deployment_waits_for_conditions() {
        // With a deadline, Progressing must say NewReplicaSetAvailable.
        let counts = json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
                            "availableReplicas": 1, "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]});
        assert_eq!(
            check(deployment(
                json!({"replicas": 1, "progressDeadlineSeconds": 600}),
                counts.clone()
            )),
            progress("ReplicaSet not Available")
        );
        // Without progressDeadlineSeconds no Progressing condition is needed,
        // but Available still is.
        let mut no_available = counts;
        no_available["conditions"] = json!([]);
        assert_eq!(
            check(deployment(json!({"replicas": 1}), no_available)),
            progress("Deployment not Available")
        );
    }

    #[test]
    fn deployment_progress_deadline_exceeded_fails() {
        let d = deployment(
            json!({"replicas": 1, "progressDeadlineSeconds": 600}),
            json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "unavailableReplicas": 1,
                   "conditions": [
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                 "message": "ReplicaSet \"web-7c5b\" has timed out progressing."}]}),
        );
        assert_eq!(
            check(d),
            fail("Progress deadline exceeded: ReplicaSet \"web-7c5b\" has timed out progressing.")
        );
    }

    #[test]
    fn paused_deployment_is_not_waited_for() {
        // Helm statuswait.go wait() skips paused Deployments.
        let d = deployment(json!({"replicas": 3, "paused": true}), json!({"observedGeneration": 2}));
        assert!(check(d).is_ready());
    }

    #[test]
    fn stalled_and_reconciling_conditions_decide_for_any_kind() {
        let d = deployment(
            json!({"replicas": 1}),
            json!({"observedGeneration": 2, "conditions": [
                {"type": "Stalled", "status": "True", "reason": "X", "message": "cannot proceed"}]}),
        );
        assert_eq!(check(d), fail("cannot proceed"));
    }

    // --- StatefulSet (kstatus core.go stsConditions) -----------------------

    fn statefulset(spec: Value, status: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": "db", "generation": 1}, "spec": spec, "status": status})
    }

    #[test]
    fn statefulset_ready() {
        let s = statefulset(
            json!({"replicas": 3, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}}),
            json!({"observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "currentReplicas": 3,
                   "updatedReplicas": 3, "currentRevision": "db-5d8", "updateRevision": "db-5d8"}),
        );
        // partition 0 is set (not -1), so kstatus takes the partition branch.
        assert_eq!(check(s), ready("Partition rollout complete. updated: 3"));
        let s = statefulset(
            json!({"replicas": 2}),
            json!({"observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "currentReplicas": 2,
                   "updatedReplicas": 2, "currentRevision": "db-5d8", "updateRevision": "db-5d8"}),
        );
        assert_eq!(check(s), ready("All replicas scheduled as expected. Replicas: 2"));
    }

    #[test]
    fn statefulset_in_progress() {
        let base = json!({"observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "currentReplicas": 3,
                          "updatedReplicas": 3, "currentRevision": "db-1", "updateRevision": "db-1"});
        let with = |patch: Value| {
            let mut s = base.clone();
            for (k, v) in patch.as_object().unwrap() {
                s[k] = v.clone();
            }
            s
        };
        let spec = json!({"replicas": 3});
        assert_eq!(
            check(statefulset(spec.clone(), with(json!({"replicas": 1})))),
            progress("Replicas: 1/3")
        );
        assert_eq!(
            check(statefulset(spec.clone(), with(json!({"readyReplicas": 2})))),
            progress("Ready: 2/3")
        );
        assert_eq!(
            check(statefulset(spec.clone(), with(json!({"currentReplicas": 1})))),
            progress("current: 1/3")
        );
        assert_eq!(
            check(statefulset(spec, with(json!({"updateRevision": "db-2"})))),
            progress("Waiting for updated revision to match current")
        );
        // Partition 2 of 3: one updated Pod (ordinal 2) is enough.
        let partitioned = json!({"replicas": 3, "updateStrategy": {"rollingUpdate": {"partition": 2}}});
        assert_eq!(
            check(statefulset(
                partitioned.clone(),
                with(json!({"updatedReplicas": 0, "updateRevision": "db-2"}))
            )),
            progress("updated: 0/1")
        );
        assert_eq!(
            check(statefulset(
                partitioned,
                with(json!({"updatedReplicas": 1, "updateRevision": "db-2"}))
            )),
            ready("Partition rollout complete. updated: 1")
        );
    }

    #[test]
    fn statefulset_on_delete_is_ready() {
        let s = statefulset(
            json!({"replicas": 3, "updateStrategy": {"type": "OnDelete"}}),
            json!({}),
        );
        assert_eq!(check(s), ready("StatefulSet is using the ondelete update strategy"));
    }

    // --- DaemonSet (kstatus core.go daemonsetConditions) -------------------

    fn daemonset(metadata: Value, status: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": metadata, "status": status})
    }

    #[test]
    fn daemonset_ready_and_in_progress() {
        let md = json!({"name": "agent", "generation": 1});
        let full = json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "currentNumberScheduled": 3,
                          "updatedNumberScheduled": 3, "numberAvailable": 3, "numberReady": 3});
        assert_eq!(
            check(daemonset(md.clone(), full.clone())),
            ready("All replicas scheduled as expected. Replicas: 3")
        );
        let mut s = full.clone();
        s["currentNumberScheduled"] = json!(2);
        assert_eq!(check(daemonset(md.clone(), s)), progress("Current: 2/3"));
        let mut s = full.clone();
        s["updatedNumberScheduled"] = json!(1);
        assert_eq!(check(daemonset(md.clone(), s)), progress("Updated: 1/3"));
        let mut s = full.clone();
        s["numberAvailable"] = json!(0);
        assert_eq!(check(daemonset(md.clone(), s)), progress("Available: 0/3"));
        let mut s = full.clone();
        s["numberReady"] = json!(2);
        assert_eq!(check(daemonset(md.clone(), s)), progress("Ready: 2/3"));
        assert_eq!(
            check(daemonset(md.clone(), json!({"observedGeneration": 1}))),
            progress("Missing .status.desiredNumberScheduled")
        );
        // checkGenerationSet: a DaemonSet the controller has not acted on.
        assert_eq!(
            check(daemonset(md, json!({}))),
            progress("DaemonSet status.observedGeneration not found")
        );
        assert_eq!(
            check(daemonset(json!({"name": "agent"}), full)),
            progress("DaemonSet metadata.generation not found")
        );
    }

    // --- ReplicaSet (kstatus core.go replicasetConditions) -----------------

    #[test]
    fn replicaset_rules() {
        let rs = |status: Value| {
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-1", "generation": 1},
                   "spec": {"replicas": 2}, "status": status})
        };
        let full = json!({"observedGeneration": 1, "replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2,
                          "availableReplicas": 2});
        assert_eq!(check(rs(full.clone())), ready("ReplicaSet is available. Replicas: 2"));
        let mut s = full.clone();
        s["availableReplicas"] = json!(1);
        assert_eq!(check(rs(s)), progress("Available: 1/2"));
        let mut s = full.clone();
        s["fullyLabeledReplicas"] = json!(0);
        assert_eq!(check(rs(s)), progress("Labelled: 0/2"));
        let mut s = full;
        s["conditions"] = json!([{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
            "message": "pods \"web-1-x\" is forbidden: exceeded quota"}]);
        assert_eq!(
            check(rs(s)),
            progress("Replica Failure condition. Check Pods: pods \"web-1-x\" is forbidden: exceeded quota")
        );
    }

    // --- Pod (kstatus core.go podConditions) -------------------------------

    fn pod(status: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-0", "creationTimestamp": "2025-01-01T11:59:50Z"}, "status": status})
    }

    #[test]
    fn pod_ready_and_completed() {
        let running = pod(json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}));
        assert_eq!(check(running), ready("Pod is Ready"));
        assert_eq!(
            check(pod(json!({"phase": "Succeeded"}))),
            ready("Pod has completed successfully")
        );
        // kstatus: a Failed Pod is Current (done, if not successfully).
        assert_eq!(
            check(pod(json!({"phase": "Failed"}))),
            ready("Pod has completed, but not successfully")
        );
    }

    #[test]
    fn pod_pending_reports_waiting_containers() {
        let p = pod(json!({"phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ImagePullBackOff",
                                      "message": "Back-off pulling image \"x\""}}}]}));
        assert_eq!(
            check(p),
            progress("Pod is in the Pending phase; app: ImagePullBackOff (Back-off pulling image \"x\")")
        );
        assert_eq!(check(pod(json!({}))), progress("Pod phase not available"));
    }

    #[test]
    fn pod_crash_loop_fails() {
        let p = pod(json!({"phase": "Running",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
            "containerStatuses": [
                {"name": "app", "state": {"waiting": {"reason": "CrashLoopBackOff",
                    "message": "back-off 5m0s restarting failed container"}}},
                {"name": "sidecar", "state": {"running": {"startedAt": "2025-01-01T11:59:55Z"}}}]}));
        assert_eq!(check(p), fail("Containers in CrashLoop state: app"));
        let not_ready = pod(json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}));
        assert_eq!(check(not_ready), progress("Pod is running but is not Ready"));
    }

    #[test]
    fn pod_unschedulable_fails_after_the_schedule_window() {
        let p = pod(
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/1 nodes are available: 1 Insufficient cpu."}]}),
        );
        // Created 10s before `now`: still within kstatus' 15s ScheduleWindow.
        assert_eq!(
            check(p.clone()),
            progress("Pod has not been scheduled: 0/1 nodes are available: 1 Insufficient cpu.")
        );
        let later = ReadinessOptions {
            now: at("2025-01-01T12:00:06Z"),
            ..opts()
        };
        assert_eq!(
            readiness(&p, &later),
            fail("Pod could not be scheduled: 0/1 nodes are available: 1 Insufficient cpu.")
        );
    }

    #[test]
    fn pod_unknown_phase_is_in_progress() {
        // kstatus returns an error for an unknown phase (status Unknown).
        assert_eq!(
            check(pod(json!({"phase": "Unknown"}))),
            progress("status unknown: unknown phase Unknown")
        );
    }

    // --- Job (kstatus jobConditions; Helm job_status_reader.go) ------------

    fn job(spec: Value, status: Value) -> Value {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "generation": 1},
               "spec": spec, "status": status})
    }

    fn failed_job() -> Value {
        job(
            json!({"backoffLimit": 0}),
            json!({"failed": 1, "startTime": "2025-01-01T11:59:00Z", "conditions": [
                {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded"},
                {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                 "message": "Job has reached the specified backoff limit"}]}),
        )
    }

    fn complete_job() -> Value {
        job(
            json!({"completions": 1, "parallelism": 1}),
            json!({"succeeded": 1, "startTime": "2025-01-01T11:59:00Z", "completionTime": "2025-01-01T11:59:30Z",
                   "conditions": [{"type": "SuccessCriteriaMet", "status": "True"},
                                  {"type": "Complete", "status": "True"}]}),
        )
    }

    fn running_job() -> Value {
        job(
            json!({"completions": 3, "parallelism": 2}),
            json!({"active": 2, "succeeded": 1, "startTime": "2025-01-01T11:59:00Z"}),
        )
    }

    #[test]
    fn job_without_wait_for_jobs_counts_once_started() {
        assert_eq!(check(job(json!({}), json!({}))), progress("Job not started"));
        assert_eq!(
            check(running_job()),
            ready("Job in progress. success:1, active: 2, failed: 0")
        );
        assert_eq!(check(complete_job()), ready("Job Completed. succeeded: 1/1"));
        assert_eq!(
            check(failed_job()),
            fail("Job Failed. failed: 1/1 (BackoffLimitExceeded: Job has reached the specified backoff limit)")
        );
    }

    #[test]
    fn job_with_wait_for_jobs_counts_once_complete() {
        let o = jobs_opts();
        assert_eq!(
            readiness(&running_job(), &o),
            progress("Job in progress. succeeded: 1/3, active: 2, failed: 0")
        );
        assert_eq!(readiness(&complete_job(), &o), ready("Job Completed. succeeded: 1/1"));
        assert!(readiness(&failed_job(), &o).is_failed());
        // completions defaults to parallelism.
        let j = job(json!({"parallelism": 4}), json!({"active": 4}));
        assert_eq!(
            readiness(&j, &o),
            progress("Job in progress. succeeded: 0/4, active: 4, failed: 0")
        );
    }

    #[test]
    fn cronjob_is_always_ready() {
        let c = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "generation": 1},
                       "spec": {"schedule": "* * * * *"}, "status": {}});
        assert_eq!(check(c), ready("Resource is always ready"));
    }

    // --- PVC, Service, PDB -------------------------------------------------

    #[test]
    fn pvc_waits_to_be_bound() {
        let pvc = |phase: &str| {
            json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                       "metadata": {"name": "data"}, "status": {"phase": phase}})
        };
        assert_eq!(check(pvc("Pending")), progress("PVC is not Bound. phase: Pending"));
        assert_eq!(check(pvc("Bound")), ready("PVC is Bound"));
        let no_status = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "d"}});
        assert_eq!(check(no_status), progress("PVC is not Bound. phase: unknown"));
    }

    #[test]
    fn service_rules() {
        let lb = |ip: &str| {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"type": "LoadBalancer", "clusterIP": ip}, "status": {"loadBalancer": {}}})
        };
        assert_eq!(check(lb("")), progress("ClusterIP not set. Service type: LoadBalancer"));
        // kstatus does not wait for a load balancer ingress.
        assert_eq!(check(lb("10.96.0.12")), ready("Service is ready"));
        let cluster_ip = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"clusterIP": "10.96.0.13", "ports": [{"port": 80}]}});
        assert_eq!(check(cluster_ip), ready("Service is ready"));
    }

    #[test]
    fn pdb_waits_for_observed_generation() {
        let pdb = |observed: i64| {
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "p", "generation": 2}, "spec": {"minAvailable": 1},
            "status": {"observedGeneration": observed, "disruptionsAllowed": 0, "currentHealthy": 0,
                       "desiredHealthy": 1, "expectedPods": 1}})
        };
        assert_eq!(
            check(pdb(1)),
            progress("PodDisruptionBudget generation is 2, but latest observed generation is 1")
        );
        assert_eq!(check(pdb(2)), ready("AllowedDisruptions has been computed."));
    }

    // --- CRD (kstatus core.go CRDConditions) -------------------------------

    fn crd(conditions: Value) -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.example.com", "generation": 1},
               "status": {"conditions": conditions}})
    }

    #[test]
    fn crd_rules() {
        assert_eq!(check(crd(json!([]))), progress("Install in progress"));
        assert_eq!(
            check(crd(
                json!([{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
                             {"type": "Established", "status": "False", "reason": "Installing"}])
            )),
            progress("Install in progress")
        );
        assert_eq!(
            check(crd(
                json!([{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
                             {"type": "Established", "status": "True", "reason": "InitialNamesAccepted"}])
            )),
            ready("CRD is established")
        );
        assert_eq!(
            check(crd(
                json!([{"type": "NamesAccepted", "status": "False", "reason": "ListKindConflict",
                              "message": "\"WidgetList\" is already in use"}])
            )),
            fail("ListKindConflict: \"WidgetList\" is already in use")
        );
    }

    // --- Namespace, custom resources, the rest -----------------------------

    #[test]
    fn namespace_active_or_terminating() {
        let active = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns1"},
                            "status": {"phase": "Active"}});
        assert_eq!(check(active), ready("Resource is current"));
        let terminating = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "ns1", "deletionTimestamp": "2025-01-01T11:00:00Z"},
            "status": {"phase": "Terminating"}});
        assert_eq!(check(terminating), progress("Resource scheduled for deletion"));
    }

    fn custom(status: Value) -> Value {
        json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
               "metadata": {"name": "tls", "generation": 3}, "status": status})
    }

    #[test]
    fn custom_resource_ready_condition() {
        assert_eq!(
            check(custom(
                json!({"observedGeneration": 3, "conditions": [{"type": "Ready", "status": "False",
                "reason": "Issuing", "message": "Issuing certificate as Secret does not exist"}]})
            )),
            progress("Issuing certificate as Secret does not exist")
        );
        assert_eq!(
            check(custom(json!({"conditions": [{"type": "Ready", "status": "True"}]}))),
            ready("Resource is Ready")
        );
        assert_eq!(check(custom(json!({}))), ready("Resource is current"));
    }

    #[test]
    fn custom_resource_generic_conditions() {
        assert_eq!(
            check(custom(
                json!({"observedGeneration": 2, "conditions": [{"type": "Ready", "status": "True"}]})
            )),
            progress("Certificate generation is 3, but latest observed generation is 2")
        );
        assert_eq!(
            check(custom(json!({"conditions": [
                {"type": "Reconciling", "status": "True", "reason": "Progressing", "message": "applying revision 4"},
                {"type": "Ready", "status": "True"}]}))),
            progress("applying revision 4")
        );
        assert_eq!(
            check(custom(json!({"conditions": [
                {"type": "Stalled", "status": "True", "reason": "InvalidSpec", "message": "issuer not found"}]}))),
            fail("issuer not found")
        );
    }

    #[test]
    fn other_kinds_are_ready_at_once() {
        for (api_version, kind) in [
            ("v1", "ConfigMap"),
            ("v1", "Secret"),
            ("rbac.authorization.k8s.io/v1", "Role"),
            ("v1", "ServiceAccount"),
        ] {
            let o = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}});
            assert!(check(o).is_ready(), "{kind}");
        }
    }

    // --- hooks (Helm statuswait.go WatchUntilReady) -------------------------

    #[test]
    fn hook_job_outcomes() {
        assert_eq!(hook_outcome(&complete_job()), HookOutcome::Done);
        assert_eq!(
            hook_outcome(&failed_job()),
            HookOutcome::Failed(
                "Job Failed. failed: 1/1 (BackoffLimitExceeded: Job has reached the specified backoff limit)".into()
            )
        );
        assert_eq!(
            hook_outcome(&running_job()),
            HookOutcome::Running("Job in progress. succeeded: 1/3, active: 2, failed: 0".into())
        );
    }

    #[test]
    fn hook_pod_outcomes() {
        assert_eq!(hook_outcome(&pod(json!({"phase": "Succeeded"}))), HookOutcome::Done);
        let failed_pod = pod(json!({"phase": "Failed", "containerStatuses": [
            {"name": "test", "state": {"terminated": {"exitCode": 2, "reason": "Error",
                                                      "message": "connection refused\n"}}}]}));
        assert_eq!(
            hook_outcome(&failed_pod),
            HookOutcome::Failed("pod web-0 failed: test: Error (exit code 2): connection refused".into())
        );
        let evicted = pod(json!({"phase": "Failed", "reason": "Evicted",
                                 "message": "The node was low on resource: memory."}));
        assert_eq!(
            hook_outcome(&evicted),
            HookOutcome::Failed("pod web-0 failed: Evicted (The node was low on resource: memory.)".into())
        );
        // A Running hook Pod is not done, even when Ready.
        let running = pod(json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}));
        assert_eq!(
            hook_outcome(&running),
            HookOutcome::Running("Pod in progress (phase Running)".into())
        );
    }

    #[test]
    fn hook_other_kinds_are_done_once_they_exist() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert_eq!(hook_outcome(&cm), HookOutcome::Done);
        let d = deployment(json!({"replicas": 1}), json!({}));
        assert_eq!(hook_outcome(&d), HookOutcome::Done);
    }
}
