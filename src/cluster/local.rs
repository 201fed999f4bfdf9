//! The `local` target: no cluster, objects are recorded in the embedded
//! store, so the whole release lifecycle works on a laptop.
//!
//! Each release has a live set of objects (what a cluster would hold for
//! it now), kept in the store's objects table under revision 0, and a
//! snapshot of that set under each revision that changed it. Changes are
//! buffered in memory and written by [`Target::flush`], one store
//! transaction per step, so a crash leaves either the old or the new set.
//!
//! Like an API server, the target stamps `metadata.creationTimestamp`,
//! `uid`, `resourceVersion` and `generation`. Objects are ready as soon as
//! they are recorded. A hook "runs" by being recorded and succeeds, unless
//! it is annotated `capstan.io/local-hook-result: fail` (for testing
//! failure paths without a cluster).
//!
//! Each release sees only its own objects: two releases may record
//! objects of the same name without a conflict. Objects no release owns
//! (CRDs from `crds/`, namespaces from `--create-namespace`) are kept
//! under the empty release name, shared by all releases.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Map, Value};

use super::{Applied, ObjectRef, Propagation, ReleaseScope, Resource, Target, TargetError};
use crate::release::{Change, Store, StoredObject};

/// The annotation that decides a hook's outcome on the local target:
/// `fail` makes it fail, `succeed` (or no annotation) makes it succeed.
pub const HOOK_RESULT_ANNOTATION: &str = "capstan.io/local-hook-result";

/// The revision under which a release's live objects are kept (real
/// revisions start at 1).
pub const LIVE_REVISION: u32 = 0;

/// Objects of one release, as loaded from the store and changed since.
#[derive(Debug)]
struct LiveSet {
    objects: Vec<StoredObject>,
    /// Changed since the last flush.
    dirty: bool,
    /// The revision whose operation made the last change (its snapshot is
    /// written on flush).
    revision: u32,
}

/// Objects recorded in a [`Store`].
pub struct LocalTarget {
    store: Arc<dyn Store>,
    live: Mutex<HashMap<(String, String), LiveSet>>,
}

impl std::fmt::Debug for LocalTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalTarget").field("store", &self.store.driver_name()).finish()
    }
}

impl LocalTarget {
    pub fn new(store: Arc<dyn Store>) -> LocalTarget {
        LocalTarget { store, live: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(String, String), LiveSet>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live set of a release, loaded on first use. A change for another
    /// revision than the pending one first writes the pending one.
    fn with_live<T>(
        &self,
        scope: &ReleaseScope,
        f: impl FnOnce(&mut LiveSet) -> Result<T, TargetError>,
    ) -> Result<T, TargetError> {
        let mut all = self.lock();
        let key = (scope.namespace.clone(), scope.name.clone());
        if !all.contains_key(&key) {
            let objects = self.store.objects(&scope.namespace, &scope.name, LIVE_REVISION)?;
            all.insert(key.clone(), LiveSet { objects, dirty: false, revision: scope.revision });
        }
        let set = all.get_mut(&key).expect("inserted above");
        if set.dirty && set.revision != scope.revision {
            write_set(self.store.as_ref(), &key.0, &key.1, set)?;
        }
        f(set)
    }

    /// [`Target::apply`], copying only the borrowed objects it keeps.
    fn apply_all<'a>(
        &self,
        scope: &ReleaseScope,
        objects: impl Iterator<Item = Cow<'a, Resource>>,
    ) -> Result<Applied, TargetError> {
        self.with_live(scope, |set| {
            let mut applied = Applied::default();
            for object in objects {
                upsert(set, object, &mut applied);
            }
            if !applied.created.is_empty() || !applied.updated.is_empty() {
                set.dirty = true;
                set.revision = scope.revision;
            }
            Ok(applied)
        })
    }

    /// The live objects of a release (for tests and `status`).
    pub fn live_objects(&self, namespace: &str, name: &str) -> Result<Vec<Resource>, TargetError> {
        let scope = ReleaseScope { namespace: namespace.into(), name: name.into(), revision: LIVE_REVISION };
        self.with_live(&scope, |set| Ok(set.objects.iter().map(to_resource).collect()))
    }
}

/// Why there are no logs here: hooks are only recorded, nothing runs.
fn no_containers(name: &str) -> TargetError {
    TargetError::Unsupported(format!(
        "no logs for {name}: the local target runs no containers (it records objects; hooks and tests succeed or fail by the {HOOK_RESULT_ANNOTATION} annotation)"
    ))
}

fn write_set(store: &dyn Store, namespace: &str, name: &str, set: &mut LiveSet) -> Result<(), TargetError> {
    store.commit(&set_changes(namespace, name, set))?;
    set.dirty = false;
    Ok(())
}

/// What writing a live set takes: the live objects, and the pending
/// revision's snapshot of them.
fn set_changes<'a>(namespace: &'a str, name: &'a str, set: &'a LiveSet) -> Vec<Change<'a>> {
    let mut changes =
        vec![Change::RecordObjects { namespace, release: name, revision: LIVE_REVISION, objects: &set.objects }];
    if set.revision != LIVE_REVISION {
        changes.push(Change::RecordObjects { namespace, release: name, revision: set.revision, objects: &set.objects });
    }
    changes
}

fn to_resource(o: &StoredObject) -> Resource {
    Resource {
        id: ObjectRef {
            api_version: o.api_version.clone(),
            kind: o.kind.clone(),
            namespace: o.namespace.clone(),
            name: o.name.clone(),
        },
        body: o.body.clone(),
    }
}

fn same(o: &StoredObject, id: &ObjectRef) -> bool {
    let stored = ObjectRef {
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        namespace: o.namespace.clone(),
        name: o.name.clone(),
    };
    stored.same_object(id)
}

/// Fields the API server owns.
const SERVER_FIELDS: &[&str] = &["creationTimestamp", "uid", "resourceVersion", "generation", "managedFields"];

fn metadata_mut(body: &mut Value) -> Option<&mut Map<String, Value>> {
    body.as_object_mut()?.entry("metadata").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

/// Whether two objects are the same but for server-owned metadata and
/// status (a missing `metadata` counts as an empty one), without copying
/// them: most objects of an upgrade are unchanged, and CRDs are large.
fn same_user_fields(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else { return a == b };
    let user = |m: &Map<String, Value>| m.iter().filter(|(k, _)| *k != "status" && *k != "metadata").count();
    if user(a) != user(b) || a.iter().any(|(k, v)| k != "status" && k != "metadata" && b.get(k) != Some(v)) {
        return false;
    }
    let empty = Map::new();
    fn metadata<'m>(m: &'m Map<String, Value>, empty: &'m Map<String, Value>) -> Result<&'m Map<String, Value>, &'m Value> {
        match m.get("metadata") {
            None => Ok(empty),
            Some(Value::Object(md)) => Ok(md),
            Some(other) => Err(other),
        }
    }
    match (metadata(a, &empty), metadata(b, &empty)) {
        (Ok(ma), Ok(mb)) => {
            let user_md = |m: &Map<String, Value>| m.keys().filter(|k| !SERVER_FIELDS.contains(&k.as_str())).count();
            user_md(ma) == user_md(mb)
                && ma.iter().all(|(k, v)| SERVER_FIELDS.contains(&k.as_str()) || mb.get(k) == Some(v))
        }
        (ma, mb) => ma == mb,
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn metadata_int(body: &Value, field: &str) -> i64 {
    match body.pointer(&format!("/metadata/{field}")) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// Create or update one object in a live set, stamping server metadata
/// (a borrowed object is copied only if it changed).
fn upsert(set: &mut LiveSet, object: Cow<'_, Resource>, applied: &mut Applied) {
    let found = set.objects.iter().position(|o| same(o, &object.id));
    if let Some(existing) = found.map(|i| &set.objects[i]) {
        if same_user_fields(&existing.body, &object.body) && existing.api_version == object.id.api_version {
            applied.unchanged.push(object.id.clone());
            return;
        }
    }
    let Resource { id, mut body } = object.into_owned();
    match found.map(|i| &mut set.objects[i]) {
        Some(existing) => {
            let spec_changed = existing.body.get("spec") != body.get("spec");
            let generation = metadata_int(&existing.body, "generation").max(1) + i64::from(spec_changed);
            let version = metadata_int(&existing.body, "resourceVersion") + 1;
            let keep = |f: &str| existing.body.pointer(&format!("/metadata/{f}")).cloned();
            let (created, uid) = (keep("creationTimestamp"), keep("uid"));
            if let Some(md) = metadata_mut(&mut body) {
                if let Some(c) = created {
                    md.insert("creationTimestamp".into(), c);
                }
                if let Some(u) = uid {
                    md.insert("uid".into(), u);
                }
                md.insert("resourceVersion".into(), Value::String(version.to_string()));
                md.insert("generation".into(), Value::from(generation));
            }
            existing.api_version = id.api_version.clone();
            existing.body = body;
            applied.updated.push(id);
        }
        None => {
            if let Some(md) = metadata_mut(&mut body) {
                md.insert("creationTimestamp".into(), Value::String(now_rfc3339()));
                md.insert("uid".into(), Value::String(uuid::Uuid::new_v4().to_string()));
                md.insert("resourceVersion".into(), Value::String("1".into()));
                md.insert("generation".into(), Value::from(1));
            }
            set.objects.push(StoredObject {
                api_version: id.api_version.clone(),
                kind: id.kind.clone(),
                namespace: id.namespace.clone(),
                name: id.name.clone(),
                body,
            });
            applied.created.push(id);
        }
    }
}

impl Target for LocalTarget {
    fn name(&self) -> &'static str {
        "local"
    }

    fn lookup_provider(&self) -> Option<Arc<dyn crate::engine::funcs::helm::LookupProvider>> {
        Some(Arc::new(LocalLookup { store: self.store.clone() }))
    }

    fn apply(&self, scope: &ReleaseScope, objects: &[Resource]) -> Result<Applied, TargetError> {
        self.apply_all(scope, objects.iter().map(Cow::Borrowed))
    }

    fn apply_taking(&self, scope: &ReleaseScope, objects: Vec<Resource>) -> Result<Applied, TargetError> {
        self.apply_all(scope, objects.into_iter().map(Cow::Owned))
    }

    fn delete(
        &self,
        scope: &ReleaseScope,
        objects: &[ObjectRef],
        _propagation: Propagation,
    ) -> Result<Vec<ObjectRef>, TargetError> {
        // No dependents are tracked locally, so every propagation policy
        // deletes just the object.
        self.with_live(scope, |set| {
            let mut deleted = Vec::new();
            for id in objects {
                if let Some(at) = set.objects.iter().position(|o| same(o, id)) {
                    set.objects.remove(at);
                    deleted.push(id.clone());
                }
            }
            if !deleted.is_empty() {
                set.dirty = true;
                set.revision = scope.revision;
            }
            Ok(deleted)
        })
    }

    fn get(&self, scope: &ReleaseScope, objects: &[ObjectRef]) -> Result<Vec<Resource>, TargetError> {
        self.with_live(scope, |set| {
            Ok(objects.iter().filter_map(|id| set.objects.iter().find(|o| same(o, id)).map(to_resource)).collect())
        })
    }

    fn wait(&self, scope: &ReleaseScope, objects: &[ObjectRef], _timeout: Duration) -> Result<(), TargetError> {
        // Recorded objects are ready: there is no controller to wait for.
        let found = self.get(scope, objects)?;
        let missing: Vec<String> = objects
            .iter()
            .filter(|id| !found.iter().any(|r| r.id.same_object(id)))
            .map(|id| format!("{}/{}", id.kind, id.name))
            .collect();
        if !missing.is_empty() {
            return Err(TargetError::NotReady(format!("resources not found: {}", missing.join(", "))));
        }
        Ok(())
    }

    fn wait_for_delete(
        &self,
        scope: &ReleaseScope,
        objects: &[ObjectRef],
        _timeout: Duration,
    ) -> Result<(), TargetError> {
        let left = self.get(scope, objects)?;
        if let Some(r) = left.first() {
            return Err(TargetError::NotReady(format!("{} still exists", r.id)));
        }
        Ok(())
    }

    fn run_hook(&self, scope: &ReleaseScope, objects: &[Resource], _timeout: Duration) -> Result<(), TargetError> {
        self.apply(scope, objects)?;
        for object in objects {
            match object.annotation(HOOK_RESULT_ANNOTATION).map(str::trim) {
                None | Some("succeed") | Some("") => {}
                Some("fail") => {
                    return Err(TargetError::HookFailed(format!(
                        "{} {} failed: the local target fails it ({HOOK_RESULT_ANNOTATION}: fail)",
                        object.id.kind, object.id.name
                    )))
                }
                Some(other) => {
                    return Err(TargetError::HookFailed(format!(
                        "{} {}: annotation {HOOK_RESULT_ANNOTATION} must be \"succeed\" or \"fail\", not {other:?}",
                        object.id.kind, object.id.name
                    )))
                }
            }
        }
        Ok(())
    }

    fn pod_logs(&self, _namespace: &str, pod: &str) -> Result<String, TargetError> {
        Err(no_containers(pod))
    }

    fn job_pods(&self, _namespace: &str, job: &str) -> Result<Vec<String>, TargetError> {
        Err(no_containers(job))
    }

    /// Every changed set, in one transaction (one sync to disk).
    fn flush(&self) -> Result<(), TargetError> {
        let mut all = self.lock();
        let changes: Vec<Change<'_>> = all
            .iter()
            .filter(|(_, set)| set.dirty)
            .flat_map(|((namespace, name), set)| set_changes(namespace, name, set))
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        self.store.commit(&changes)?;
        drop(changes);
        all.values_mut().for_each(|set| set.dirty = false);
        Ok(())
    }

    fn forget_revisions(&self, namespace: &str, name: &str, revisions: &[u32]) -> Result<(), TargetError> {
        let changes: Vec<Change<'_>> = revisions
            .iter()
            .filter(|&&r| r != LIVE_REVISION)
            .map(|&r| Change::DeleteObjects { namespace, release: name, revision: Some(r) })
            .collect();
        if !changes.is_empty() {
            self.store.commit(&changes)?;
        }
        // A pending snapshot for a forgotten revision is not written.
        if let Some(set) = self.lock().get_mut(&(namespace.to_string(), name.to_string())) {
            if revisions.contains(&set.revision) {
                set.revision = LIVE_REVISION;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::MemoryStore;
    use serde_json::json;

    fn obj(kind: &str, name: &str, data: &str) -> Resource {
        Resource {
            id: ObjectRef { api_version: "v1".into(), kind: kind.into(), namespace: "ns".into(), name: name.into() },
            body: json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": "ns"}, "data": {"k": data}}),
        }
    }

    fn scope(revision: u32) -> ReleaseScope {
        ReleaseScope { namespace: "ns".into(), name: "rel".into(), revision }
    }

    #[test]
    fn apply_records_objects_per_revision_on_flush() {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let target = LocalTarget::new(store.clone());
        let applied = target.apply(&scope(1), &[obj("ConfigMap", "a", "1"), obj("Secret", "b", "1")]).unwrap();
        assert_eq!(applied.created.len(), 2);
        assert!(store.objects("ns", "rel", 0).unwrap().is_empty(), "nothing written before flush");
        target.flush().unwrap();
        assert_eq!(store.objects("ns", "rel", 0).unwrap().len(), 2);
        assert_eq!(store.objects("ns", "rel", 1).unwrap().len(), 2);

        // Revision 2 changes one object and deletes the other.
        let applied = target.apply(&scope(2), &[obj("ConfigMap", "a", "2")]).unwrap();
        assert_eq!((applied.created.len(), applied.updated.len()), (0, 1));
        let deleted = target.delete(&scope(2), &[obj("Secret", "b", "").id], Propagation::Background).unwrap();
        assert_eq!(deleted.len(), 1);
        target.flush().unwrap();
        let live = store.objects("ns", "rel", 0).unwrap();
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].body["data"]["k"], json!("2"));
        assert_eq!(live[0].body["metadata"]["resourceVersion"], json!("2"));
        assert_eq!(store.objects("ns", "rel", 1).unwrap().len(), 2, "revision 1's snapshot is kept");

        // Same content again: unchanged, nothing to write.
        let applied = target.apply(&scope(3), &[obj("ConfigMap", "a", "2")]).unwrap();
        assert_eq!(applied.unchanged.len(), 1);
        target.flush().unwrap();
        assert!(store.objects("ns", "rel", 3).unwrap().is_empty());

        // A fresh target (another process) sees the live set.
        let again = LocalTarget::new(store.clone());
        assert_eq!(again.live_objects("ns", "rel").unwrap().len(), 1);
        again.forget_revisions("ns", "rel", &[1, 2]).unwrap();
        assert!(store.objects("ns", "rel", 1).unwrap().is_empty());
        assert_eq!(store.objects("ns", "rel", 0).unwrap().len(), 1);
    }

    #[test]
    fn hooks_fail_on_request() {
        let target = LocalTarget::new(Arc::new(MemoryStore::new()));
        let mut hook = obj("Job", "migrate", "x");
        target.run_hook(&scope(1), std::slice::from_ref(&hook), Duration::from_secs(1)).unwrap();
        hook.body["metadata"]["annotations"] = json!({HOOK_RESULT_ANNOTATION: "fail"});
        let err = target.run_hook(&scope(1), &[hook], Duration::from_secs(1)).unwrap_err();
        assert!(err.to_string().contains("Job migrate failed"), "{err}");
        assert!(target.wait(&scope(1), &[obj("ConfigMap", "nope", "").id], Duration::ZERO).is_err());
    }

    #[test]
    fn server_fields_and_status_are_not_changes() {
        let a = serde_json::json!({"kind": "A", "metadata": {"name": "x", "uid": "1", "resourceVersion": "3"}, "status": {"a": 1}});
        let b = serde_json::json!({"kind": "A", "metadata": {"name": "x"}});
        assert!(same_user_fields(&a, &b));
        assert!(same_user_fields(&serde_json::json!({"kind": "A"}), &serde_json::json!({"kind": "A", "metadata": {}})));
        assert!(!same_user_fields(&a, &serde_json::json!({"kind": "A", "metadata": {"name": "y"}})));
        assert!(!same_user_fields(&a, &serde_json::json!({"kind": "A", "metadata": {"name": "x"}, "spec": {}})));
        assert!(!same_user_fields(&b, &serde_json::json!({"kind": "A", "metadata": {"name": "x", "labels": {}}})));
    }

    #[test]
    fn no_pod_logs_here() {
        let target = LocalTarget::new(Arc::new(MemoryStore::new()));
        let err = target.pod_logs("ns", "t").unwrap_err();
        assert!(matches!(err, TargetError::Unsupported(_)), "{err:?}");
        assert!(err.to_string().contains("the local target runs no containers"), "{err}");
        assert!(matches!(target.job_pods("ns", "j"), Err(TargetError::Unsupported(_))));
    }
}

/// `lookup` on the local target: what a cluster would answer from the
/// objects recorded so far, those of every release and the shared ones
/// (Go: pkg/engine/lookup_func.go). Charts look up what they installed
/// before, such as a Secret whose generated password an upgrade must keep:
/// with nothing found, bitnami's charts refuse to upgrade.
struct LocalLookup {
    store: Arc<dyn Store>,
}

impl crate::engine::funcs::helm::LookupProvider for LocalLookup {
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<Value, String> {
        let found = self.store.find_objects(LIVE_REVISION, api_version, kind, namespace, name);
        let items: Vec<Value> = found.map_err(|e| e.to_string())?.into_iter().map(|o| o.body).collect();
        if !name.is_empty() {
            // One object: the first found (names are unique in a cluster).
            return Ok(items.into_iter().next().unwrap_or_else(|| Value::Object(Map::new())));
        }
        let mut list = Map::new();
        list.insert("apiVersion".into(), Value::String(api_version.into()));
        list.insert("kind".into(), Value::String(format!("{kind}List")));
        list.insert("metadata".into(), Value::Object(Map::new()));
        list.insert("items".into(), Value::Array(items));
        Ok(Value::Object(list))
    }
}
