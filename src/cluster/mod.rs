//! Targets: where a release's objects go. The actions (install, upgrade,
//! rollback, uninstall, hooks) talk to a [`Target`] only, the way Helm's
//! actions talk to its `kube.Interface` (Build, Create/Update, Delete, Get,
//! Wait, WatchUntilReady). Implementations: [`local::LocalTarget`] (objects
//! recorded in the embedded store) and [`kube::KubeTarget`] (a cluster).
//!
//! Also here: choosing the target for a command (`--target`,
//! `CAPSTAN_TARGET`, kubeconfig discovery).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

use crate::release::StoreError;

pub mod kube;
pub mod local;
pub mod readiness;

pub use local::LocalTarget;

/// Failures of a target.
#[derive(Debug, Error)]
pub enum TargetError {
    #[error(transparent)]
    Store(#[from] StoreError),

    /// A manifest document that is not a Kubernetes object we can handle.
    #[error("{0}")]
    InvalidObject(String),

    /// A hook resource did not become ready (Job failed, Pod failed, ...).
    #[error("{0}")]
    HookFailed(String),

    /// Objects that were expected but are not there (wait, get).
    #[error("{0}")]
    NotReady(String),

    /// The cluster refused or failed a request (its message).
    #[error("{0}")]
    Remote(String),

    /// A target that this build cannot drive.
    #[error("{0}")]
    NotImplemented(String),

    /// Something this kind of target cannot do at all (pod logs on the
    /// local target, which runs no containers).
    #[error("{0}")]
    Unsupported(String),
}

/// Which object: Kubernetes identifies an object by group, kind, namespace
/// and name; the version only says how it is spelled (Go: Helm's
/// `isMatchingInfo` compares name, namespace, kind and group).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        match self.api_version.rsplit_once('/') {
            Some((group, _)) => group,
            None => "",
        }
    }

    /// The version part of apiVersion.
    pub fn version(&self) -> &str {
        self.api_version.rsplit_once('/').map_or(self.api_version.as_str(), |(_, v)| v)
    }

    /// Same object, whatever apiVersion spells it.
    pub fn same_object(&self, other: &ObjectRef) -> bool {
        self.identity() == other.identity()
    }

    /// (group, kind, namespace, name): what makes an object itself.
    pub fn identity(&self) -> (&str, &str, &str, &str) {
        (self.group(), &self.kind, &self.namespace, &self.name)
    }
}

impl fmt::Display for ObjectRef {
    /// Helm's resourceString: `Kind "name" in namespace "ns"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?} in namespace {:?}", self.kind, self.name, self.namespace)
    }
}

/// An object with its identity and whole body (a JSON object).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: ObjectRef,
    pub body: Value,
}

impl Resource {
    /// An annotation of the object, if set to a string.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.body.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str)
    }
}

/// The release an operation acts for: targets that keep objects per
/// release (the local one) use it, a cluster uses it for ownership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseScope {
    pub namespace: String,
    pub name: String,
    pub revision: u32,
}

impl ReleaseScope {
    /// Objects no release owns: CRDs installed from a chart's `crds/` and
    /// namespaces made by `--create-namespace` (Helm never deletes them).
    pub fn unowned() -> ReleaseScope {
        ReleaseScope { namespace: String::new(), name: String::new(), revision: 0 }
    }
}

/// What happens to an object's dependents on delete (`--cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

impl std::str::FromStr for Propagation {
    type Err = String;
    /// Go: pkg/cmd/uninstall.go validateCascadeFlag.
    fn from_str(s: &str) -> Result<Propagation, String> {
        match s {
            "background" => Ok(Propagation::Background),
            "foreground" => Ok(Propagation::Foreground),
            "orphan" => Ok(Propagation::Orphan),
            other => {
                Err(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""))
            }
        }
    }
}

/// What [`Target::apply`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub created: Vec<ObjectRef>,
    pub updated: Vec<ObjectRef>,
    pub unchanged: Vec<ObjectRef>,
}

/// Where objects go. Object-safe, so actions hold a `&dyn Target`.
pub trait Target: Send + Sync {
    /// `local` or `kube`.
    fn name(&self) -> &'static str;

    /// Whether objects of this kind live outside namespaces (a cluster
    /// answers from discovery).
    fn is_cluster_scoped(&self, api_version: &str, kind: &str) -> bool {
        let _ = api_version;
        BUILTIN_CLUSTER_SCOPED.contains(&kind)
    }

    /// Parse a manifest stream into objects, giving namespaced objects
    /// without a namespace the default one (Go: kube.Client.Build).
    fn build(&self, manifest: &str, default_namespace: &str) -> Result<Vec<Resource>, TargetError> {
        build_resources(manifest, default_namespace, |api_version, kind| self.is_cluster_scoped(api_version, kind))
    }

    /// [`Target::build`] reusing documents already parsed into `cache`
    /// (an upgrade's old and new manifests share most documents).
    fn build_cached(
        &self,
        manifest: &str,
        default_namespace: &str,
        cache: &mut ParsedDocs,
    ) -> Result<Vec<Resource>, TargetError> {
        build_resources_with(
            manifest,
            default_namespace,
            |api_version, kind| self.is_cluster_scoped(api_version, kind),
            cache,
        )
    }

    /// Create what does not exist, update what does.
    fn apply(&self, scope: &ReleaseScope, objects: &[Resource]) -> Result<Applied, TargetError>;

    /// [`Target::apply`] of objects the caller is done with (the local
    /// target keeps them rather than copies: CRDs are megabytes).
    fn apply_taking(&self, scope: &ReleaseScope, objects: Vec<Resource>) -> Result<Applied, TargetError> {
        self.apply(scope, &objects)
    }

    /// [`Target::apply`] when the release applied `owned` before (the
    /// previous revision's objects of an upgrade or rollback): a cluster
    /// need not fetch them to check who owns them.
    fn apply_owned(&self, scope: &ReleaseScope, objects: &[Resource], owned: &[ObjectRef]) -> Result<Applied, TargetError> {
        let _ = owned;
        self.apply(scope, objects)
    }

    /// Delete objects; returns those that existed (missing ones are not an
    /// error, as Helm ignores NotFound on delete).
    fn delete(
        &self,
        scope: &ReleaseScope,
        objects: &[ObjectRef],
        propagation: Propagation,
    ) -> Result<Vec<ObjectRef>, TargetError>;

    /// The current state of those objects that exist, in the order asked.
    fn get(&self, scope: &ReleaseScope, objects: &[ObjectRef]) -> Result<Vec<Resource>, TargetError>;

    /// Wait until the objects are ready (`--wait`), at most `timeout`.
    fn wait(&self, scope: &ReleaseScope, objects: &[ObjectRef], timeout: Duration) -> Result<(), TargetError>;

    /// Wait until the objects are gone, at most `timeout`.
    fn wait_for_delete(
        &self,
        scope: &ReleaseScope,
        objects: &[ObjectRef],
        timeout: Duration,
    ) -> Result<(), TargetError>;

    /// Create a hook's resources and watch them until they are done (Jobs
    /// complete, Pods succeed); an error fails the hook.
    fn run_hook(&self, scope: &ReleaseScope, objects: &[Resource], timeout: Duration) -> Result<(), TargetError>;

    /// What applying `objects` would make of them, as the target would
    /// store them (a cluster: a server-side dry run, with defaults filled
    /// in); `None` when the target cannot say (the local target stores
    /// objects as given).
    fn preview(&self, scope: &ReleaseScope, objects: &[Resource]) -> Result<Option<Vec<Resource>>, TargetError> {
        let _ = (scope, objects);
        Ok(None)
    }

    /// Who answers `lookup` in templates rendered for this target: a
    /// cluster, or the local target from the objects it recorded; `None`
    /// finds nothing, as `helm template`.
    fn lookup_provider(&self) -> Option<std::sync::Arc<dyn crate::engine::funcs::helm::LookupProvider>> {
        None
    }

    /// The cluster's version and API versions for `.Capabilities`; `None`
    /// for targets that are no cluster (capstan's defaults apply).
    fn capabilities(&self) -> Result<Option<crate::action::template::ClusterCapabilities>, TargetError> {
        Ok(None)
    }

    /// Make what was done so far durable. A cluster applies each call at
    /// once; the local target writes its changes here, once per step.
    fn flush(&self) -> Result<(), TargetError> {
        Ok(())
    }

    /// Revisions of a release were removed from history (pruning,
    /// uninstall); a target that keeps per-revision data forgets it.
    fn forget_revisions(&self, namespace: &str, name: &str, revisions: &[u32]) -> Result<(), TargetError> {
        let _ = (namespace, name, revisions);
        Ok(())
    }

    /// The logs of every container of a Pod (`spec.containers` in order,
    /// one after another), for `test --logs` and hook output log policies.
    fn pod_logs(&self, namespace: &str, pod: &str) -> Result<String, TargetError> {
        let _ = (namespace, pod);
        Err(TargetError::Unsupported(format!("pod logs are not available on the {} target", self.name())))
    }

    /// The names of the Pods a Job made (label `job-name=JOB`), in the
    /// order the target lists them.
    fn job_pods(&self, namespace: &str, job: &str) -> Result<Vec<String>, TargetError> {
        let _ = (namespace, job);
        Err(TargetError::Unsupported(format!("pod logs are not available on the {} target", self.name())))
    }
}

/// Built-in kinds that are not namespaced (Kubernetes 1.35 `kubectl
/// api-resources --namespaced=false`).
pub const BUILTIN_CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// Documents already parsed, by text.
#[derive(Debug, Default)]
pub struct ParsedDocs {
    docs: std::collections::HashMap<String, Value>,
}

/// Parse the documents of a manifest stream (`---` separated; empty and
/// comment-only documents are skipped) into objects.
pub fn build_resources(
    manifest: &str,
    default_namespace: &str,
    is_cluster_scoped: impl Fn(&str, &str) -> bool,
) -> Result<Vec<Resource>, TargetError> {
    build_resources_from(manifest, default_namespace, is_cluster_scoped, None)
}

/// [`build_resources`] with a cache of parsed documents.
pub fn build_resources_with(
    manifest: &str,
    default_namespace: &str,
    is_cluster_scoped: impl Fn(&str, &str) -> bool,
    cache: &mut ParsedDocs,
) -> Result<Vec<Resource>, TargetError> {
    build_resources_from(manifest, default_namespace, is_cluster_scoped, Some(cache))
}

/// [`build_resources`], with or without a cache (keeping a copy of each
/// document costs time when no one will look it up).
fn build_resources_from(
    manifest: &str,
    default_namespace: &str,
    is_cluster_scoped: impl Fn(&str, &str) -> bool,
    mut cache: Option<&mut ParsedDocs>,
) -> Result<Vec<Resource>, TargetError> {
    let mut out = Vec::new();
    let docs = crate::manifest::split_documents(manifest);
    let unread: Vec<&str> =
        docs.iter().copied().filter(|d| !cache.as_ref().is_some_and(|c| c.docs.contains_key(*d))).collect();
    let mut read = parse_documents(&unread).into_iter();
    for doc in docs {
        let value = match cache.as_ref().and_then(|c| c.docs.get(doc)) {
            Some(v) => v.clone(),
            None => {
                let v = read
                    .next()
                    .expect("one parse per unread document")
                    .map_err(|e| TargetError::InvalidObject(format!("error converting YAML to JSON: {e}")))?;
                if let Some(cache) = cache.as_mut() {
                    cache.docs.insert(doc.to_string(), v.clone());
                }
                v
            }
        };
        let mut body = match value {
            Value::Null => continue,
            Value::Object(map) => map,
            other => return Err(TargetError::InvalidObject(format!(
                "error unmarshaling JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            ))),
        };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let api_version = text(body.get("apiVersion"));
        let kind = text(body.get("kind"));
        if kind.is_empty() {
            return Err(TargetError::InvalidObject(format!("Object 'Kind' is missing in '{}'", compact(doc))));
        }
        if api_version.is_empty() {
            return Err(TargetError::InvalidObject(format!("Object 'apiVersion' is missing in '{}'", compact(doc))));
        }
        let metadata = body.entry("metadata").or_insert_with(|| Value::Object(Default::default()));
        let Some(metadata) = metadata.as_object_mut() else {
            return Err(TargetError::InvalidObject(format!("{kind}: metadata is not an object")));
        };
        let name = text(metadata.get("name"));
        if name.is_empty() {
            return Err(TargetError::InvalidObject(format!(
                "{kind} has no metadata.name (generateName is not supported)"
            )));
        }
        let namespace = if is_cluster_scoped(&api_version, &kind) {
            metadata.remove("namespace");
            String::new()
        } else {
            let ns = text(metadata.get("namespace"));
            if ns.is_empty() {
                metadata.insert("namespace".into(), Value::String(default_namespace.to_string()));
                default_namespace.to_string()
            } else {
                ns
            }
        };
        out.push(Resource { id: ObjectRef { api_version, kind, namespace, name }, body: Value::Object(body) });
    }
    Ok(out)
}

/// Each document's JSON, in order. A large manifest (a chart's CRDs, say)
/// is read on every core.
fn parse_documents(docs: &[&str]) -> Vec<Result<Value, crate::codec::yaml_read::YamlError>> {
    const PARALLEL_MIN_BYTES: usize = 256 * 1024;
    let total = docs.iter().map(|d| d.len()).sum();
    crate::parallel::map(docs, crate::parallel::threads_for(total, PARALLEL_MIN_BYTES), |d| {
        crate::codec::yaml_read::from_str(d)
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A document shown in one line for error messages (first 80 chars).
fn compact(doc: &str) -> String {
    let one: String = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(80).collect()
}

/// Which target to use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetChoice {
    Local,
    /// A Kubernetes cluster, with where its configuration was found.
    Kube {
        source: String,
    },
}

/// How the choice was made: said by the user, or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenTarget {
    pub choice: TargetChoice,
    /// True when nobody asked for a target and capstan picked one: the
    /// command says which in one line.
    pub defaulted: bool,
}

/// `--target` / `CAPSTAN_TARGET` if given, else `kube` when a kubeconfig is
/// found (`KUBECONFIG`, `~/.kube/config`, in-cluster service account),
/// else `local`.
pub fn choose_target(requested: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Result<ChosenTarget, String> {
    match requested.map(str::trim).filter(|s| !s.is_empty()) {
        Some("local") => Ok(ChosenTarget { choice: TargetChoice::Local, defaulted: false }),
        Some("kube") => {
            let source = find_kubeconfig(env).unwrap_or_else(|| "no kubeconfig found".to_string());
            Ok(ChosenTarget { choice: TargetChoice::Kube { source }, defaulted: false })
        }
        Some(other) => Err(format!("unknown target {other:?}: must be \"local\" or \"kube\"")),
        None => Ok(match find_kubeconfig(env) {
            Some(source) => ChosenTarget { choice: TargetChoice::Kube { source }, defaulted: true },
            None => ChosenTarget { choice: TargetChoice::Local, defaulted: true },
        }),
    }
}

/// Where a cluster configuration is: the first existing file of
/// `KUBECONFIG` (a path list), `~/.kube/config`, or the in-cluster
/// environment (client-go: clientcmd and rest.InClusterConfig).
pub fn find_kubeconfig(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match kubeconfig_files(env).first() {
        Some(path) => Some(path.display().to_string()),
        None => in_cluster(env).then(|| "in-cluster service account".to_string()),
    }
}

/// The kubeconfig files client-go's loading rules read: the existing
/// files of `KUBECONFIG` (a path list), else `~/.kube/config` if it exists.
pub fn kubeconfig_files(env: &dyn Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    if let Some(list) = env("KUBECONFIG").filter(|s| !s.is_empty()) {
        let files: Vec<PathBuf> = std::env::split_paths(&list).filter(|p| p.is_file()).collect();
        if !files.is_empty() {
            return files;
        }
    }
    env("HOME")
        .filter(|s| !s.is_empty())
        .map(|home| PathBuf::from(home).join(".kube/config"))
        .filter(|path| path.is_file())
        .into_iter()
        .collect()
}

/// Running in a Pod with a service account (client-go: rest.InClusterConfig).
pub fn in_cluster(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("KUBERNETES_SERVICE_HOST").is_some_and(|s| !s.is_empty())
        && env("KUBERNETES_SERVICE_PORT").is_some_and(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_large_manifest_read_on_two_threads_keeps_document_order_and_errors() {
        // Large enough for two threads: 40 documents of about 10 KB.
        let filler = "x".repeat(10_000);
        let mut docs: Vec<String> = (0..40)
            .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: {filler}\n"))
            .collect();
        let objs = build_resources(&docs.join("---\n"), "ns", |_, _| false).unwrap();
        let names: Vec<String> = objs.iter().map(|o| o.id.name.clone()).collect();
        assert_eq!(names, (0..40).map(|i| format!("c{i}")).collect::<Vec<_>>());
        // The first bad document in order is the one reported.
        docs[25] = "a: [unclosed\n".into();
        docs[35] = "b: {unclosed\n".into();
        let err = build_resources(&docs.join("---\n"), "ns", |_, _| false).unwrap_err().to_string();
        assert!(err.ends_with("did not find expected ',' or ']'"), "{err}");
    }

    #[test]
    fn builds_objects_with_default_namespace() {
        let manifest = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# only a comment\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  namespace: ignored\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: other\n";
        let objs = build_resources(manifest, "ns1", |_, k| BUILTIN_CLUSTER_SCOPED.contains(&k)).unwrap();
        let ids: Vec<_> = objs.iter().map(|o| (o.id.kind.as_str(), o.id.namespace.as_str())).collect();
        assert_eq!(ids, vec![("ConfigMap", "ns1"), ("ClusterRole", ""), ("Deployment", "other")]);
        assert_eq!(objs[0].body["metadata"]["namespace"], json!("ns1"));
        assert!(objs[1].body["metadata"].get("namespace").is_none());
        assert_eq!(objs[2].id.group(), "apps");
        assert_eq!(objs[0].id.group(), "");
    }

    #[test]
    fn rejects_objects_without_kind_or_name() {
        assert!(build_resources("apiVersion: v1\nmetadata:\n  name: x\n", "d", |_, _| false).is_err());
        assert!(build_resources("apiVersion: v1\nkind: ConfigMap\n", "d", |_, _| false).is_err());
        assert!(build_resources("- a\n- b\n", "d", |_, _| false).is_err());
    }

    #[test]
    fn identity_ignores_the_version() {
        let a = ObjectRef {
            api_version: "policy/v1beta1".into(),
            kind: "PodDisruptionBudget".into(),
            namespace: "n".into(),
            name: "p".into(),
        };
        let b = ObjectRef { api_version: "policy/v1".into(), ..a.clone() };
        assert!(a.same_object(&b));
        let c = ObjectRef { api_version: "other/v1".into(), ..a.clone() };
        assert!(!a.same_object(&c));
    }

    #[test]
    fn target_choice() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap().to_string();
        let none = |k: &str| (k == "HOME").then(|| home.clone());
        assert_eq!(choose_target(None, &none).unwrap(), ChosenTarget { choice: TargetChoice::Local, defaulted: true });
        assert_eq!(choose_target(Some("local"), &none).unwrap().defaulted, false);
        assert!(choose_target(Some("moon"), &none).is_err());
        std::fs::create_dir_all(dir.path().join(".kube")).unwrap();
        std::fs::write(dir.path().join(".kube/config"), "apiVersion: v1\n").unwrap();
        let chosen = choose_target(None, &none).unwrap();
        assert!(matches!(chosen.choice, TargetChoice::Kube { .. }) && chosen.defaulted);
        let in_cluster = |k: &str| match k {
            "KUBERNETES_SERVICE_HOST" => Some("10.0.0.1".to_string()),
            "KUBERNETES_SERVICE_PORT" => Some("443".to_string()),
            _ => None,
        };
        assert_eq!(find_kubeconfig(&in_cluster).as_deref(), Some("in-cluster service account"));
        let missing = |k: &str| (k == "KUBECONFIG").then(|| "/nonexistent/a:/nonexistent/b".to_string());
        assert_eq!(find_kubeconfig(&missing), None);
    }
}
