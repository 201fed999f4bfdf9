//! The `memory` store: records in process memory, for dry runs and tests.
//! Same semantics as the `local` store (Go: pkg/storage/driver/memory.go).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::error::StoreError;
use super::lease::{now_ms, LeaseBackend, LeaseHolder, LockGuard};
use super::record::Release;
use super::store::{check_key, Change, ListFilter, RecordMeta, Store, StoredObject};

type ReleaseKey = (String, String, u32);

#[derive(Default)]
struct State {
    releases: BTreeMap<ReleaseKey, Release>,
    objects: BTreeMap<ReleaseKey, Vec<StoredObject>>,
    leases: BTreeMap<(String, String), LeaseHolder>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave State half-changed
        // (commit validates before it mutates), so keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Releases kept in memory; clones share the same data.
#[derive(Clone, Default)]
pub struct MemoryStore {
    shared: Arc<Shared>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

fn key(namespace: &str, name: &str, version: u32) -> ReleaseKey {
    (namespace.to_string(), name.to_string(), version)
}

impl Store for MemoryStore {
    fn driver_name(&self) -> &'static str {
        "memory"
    }

    fn commit(&self, changes: &[Change<'_>]) -> Result<(), StoreError> {
        let mut state = self.shared.lock();
        // Check every change against the state as the earlier ones leave it,
        // then apply: a failing change leaves nothing applied.
        let mut exists: BTreeMap<ReleaseKey, bool> = BTreeMap::new();
        for change in changes {
            match *change {
                Change::Create(rel) | Change::Update(rel) => {
                    check_key(rel)?;
                    let k = key(&rel.namespace, &rel.name, rel.version);
                    let present = exists.get(&k).copied().unwrap_or_else(|| state.releases.contains_key(&k));
                    match (change, present) {
                        (Change::Create(_), true) => {
                            return Err(StoreError::AlreadyExists { namespace: k.0, name: k.1, version: k.2 })
                        }
                        (Change::Update(_), false) => return Err(StoreError::not_found(&k.0, &k.1, Some(k.2))),
                        _ => {}
                    }
                    exists.insert(k, true);
                }
                Change::Delete { namespace, name, version } => {
                    let k = key(namespace, name, version);
                    if !exists.get(&k).copied().unwrap_or_else(|| state.releases.contains_key(&k)) {
                        return Err(StoreError::not_found(namespace, name, Some(version)));
                    }
                    exists.insert(k, false);
                }
                Change::RecordObjects { .. } | Change::DeleteObjects { .. } => {}
            }
        }
        for change in changes {
            match *change {
                Change::Create(rel) | Change::Update(rel) => {
                    state.releases.insert(key(&rel.namespace, &rel.name, rel.version), rel.clone());
                }
                Change::Delete { namespace, name, version } => {
                    state.releases.remove(&key(namespace, name, version));
                }
                Change::RecordObjects { namespace, release, revision, objects } => {
                    state.objects.insert(key(namespace, release, revision), objects.to_vec());
                }
                Change::DeleteObjects { namespace, release, revision } => match revision {
                    Some(rev) => {
                        state.objects.remove(&key(namespace, release, rev));
                    }
                    None => state.objects.retain(|(ns, rel, _), _| !(ns == namespace && rel == release)),
                },
            }
        }
        Ok(())
    }

    fn get(&self, namespace: &str, name: &str, version: u32) -> Result<Release, StoreError> {
        self.shared
            .lock()
            .releases
            .get(&key(namespace, name, version))
            .cloned()
            .ok_or_else(|| StoreError::not_found(namespace, name, Some(version)))
    }

    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Release>, StoreError> {
        let state = self.shared.lock();
        let history: Vec<Release> = state
            .releases
            .range(key(namespace, name, 0)..=key(namespace, name, u32::MAX))
            .map(|(_, r)| r.clone())
            .collect();
        if history.is_empty() {
            return Err(StoreError::not_found(namespace, name, None));
        }
        Ok(history)
    }

    fn latest(&self, namespace: &str, name: &str) -> Result<Release, StoreError> {
        let state = self.shared.lock();
        let last = state.releases.range(key(namespace, name, 0)..=key(namespace, name, u32::MAX)).next_back();
        last.map(|(_, r)| r.clone()).ok_or_else(|| StoreError::not_found(namespace, name, None))
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<Release>, StoreError> {
        let state = self.shared.lock();
        let metas = state.releases.values().map(RecordMeta::of).collect();
        Ok(filter
            .select(metas)
            .into_iter()
            .filter_map(|m| state.releases.get(&(m.namespace, m.name, m.version)).cloned())
            .collect())
    }

    fn objects(&self, namespace: &str, release: &str, revision: u32) -> Result<Vec<StoredObject>, StoreError> {
        Ok(self.shared.lock().objects.get(&key(namespace, release, revision)).cloned().unwrap_or_default())
    }

    fn acquire_lock(&self, namespace: &str, name: &str, ttl: Duration) -> Result<LockGuard, StoreError> {
        let mut state = self.shared.lock();
        let k = (namespace.to_string(), name.to_string());
        let taken_over = match state.leases.get(&k) {
            Some(holder) if !holder.is_stale(now_ms()) => return Err(holder.busy_error(namespace, name)),
            other => other.cloned(),
        };
        let holder = LeaseHolder::for_this_process(ttl);
        state.leases.insert(k, holder.clone());
        let backend: Arc<dyn LeaseBackend> = self.shared.clone();
        Ok(LockGuard::new(namespace, name, holder, ttl, taken_over, backend))
    }
}

impl LeaseBackend for Shared {
    fn renew(&self, namespace: &str, name: &str, token: &str, expires_at_ms: i64) -> Result<(), StoreError> {
        let mut state = self.lock();
        match state.leases.get_mut(&(namespace.to_string(), name.to_string())) {
            Some(holder) if holder.token == token => {
                holder.expires_at_ms = expires_at_ms;
                Ok(())
            }
            _ => Err(StoreError::LeaseLost { namespace: namespace.to_string(), name: name.to_string() }),
        }
    }

    fn release(&self, namespace: &str, name: &str, token: &str) -> Result<(), StoreError> {
        let mut state = self.lock();
        let k = (namespace.to_string(), name.to_string());
        match state.leases.get(&k) {
            Some(holder) if holder.token == token => {
                state.leases.remove(&k);
                Ok(())
            }
            _ => Err(StoreError::LeaseLost { namespace: k.0, name: k.1 }),
        }
    }
}
