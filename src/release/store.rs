//! The `Store` trait: where release records (and the `local` target's
//! objects) live, with Helm's storage semantics.
//!
//! Go: pkg/storage/storage.go (Get, Create, Update, Delete, History, Last,
//! Deployed, removeLeastRecent) and pkg/storage/driver/driver.go (errors).
//! Unlike Helm's per-namespace driver, every call names the namespace, and
//! several changes can be committed atomically ([`Store::commit`]) so an
//! operation never leaves half its state behind.

use std::collections::BTreeMap;
use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use super::error::StoreError;
use super::lease::LockGuard;
use super::record::{Release, Status};
use super::selector::LabelSelector;

/// One state change; [`Store::commit`] applies a list of them all or nothing.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Store a new revision; fails with `release: already exists` if it is there.
    Create(&'a Release),
    /// Replace an existing revision; fails with `release: not found` if it is not.
    Update(&'a Release),
    /// Remove a revision; fails with `release: not found` if it is not there.
    Delete { namespace: &'a str, name: &'a str, version: u32 },
    /// Replace the objects recorded for a release revision (the `local` target).
    RecordObjects { namespace: &'a str, release: &'a str, revision: u32, objects: &'a [StoredObject] },
    /// Forget a release's objects: one revision, or all of them with `None`.
    DeleteObjects { namespace: &'a str, release: &'a str, revision: Option<u32> },
}

/// A Kubernetes object as the `local` target records it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObject {
    pub api_version: String,
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
    /// The whole object.
    pub body: Value,
}

impl StoredObject {
    /// Whether this is the object (or one of the objects, for an empty
    /// `namespace` or `name`) that [`Store::find_objects`] asks for.
    pub fn is(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> bool {
        self.api_version == api_version
            && self.kind == kind
            && (namespace.is_empty() || self.namespace.is_empty() || self.namespace == namespace)
            && (name.is_empty() || self.name == name)
    }

    /// Take apiVersion, kind, metadata.namespace and metadata.name from the object.
    pub fn from_object(body: Value) -> Result<StoredObject, StoreError> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let metadata = body.get("metadata");
        let object = StoredObject {
            api_version: text(body.get("apiVersion")),
            kind: text(body.get("kind")),
            namespace: text(metadata.and_then(|m| m.get("namespace"))),
            name: text(metadata.and_then(|m| m.get("name"))),
            body: Value::Null,
        };
        if object.kind.is_empty() || object.name.is_empty() {
            return Err(StoreError::Codec(format!(
                "object without kind or metadata.name cannot be recorded (apiVersion {:?}, kind {:?})",
                object.api_version, object.kind
            )));
        }
        Ok(StoredObject { body, ..object })
    }
}

/// Which records [`Store::list`] returns. Applied in Helm's order
/// (Go: pkg/action/list.go Run): namespace, name and name regex first, then
/// `latest_only`, then statuses, then the label selector.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this namespace; `None` for all (`-A`).
    pub namespace: Option<String>,
    /// Only this exact release name.
    pub name: Option<String>,
    /// Release names matching this (unanchored, like Go's MatchString).
    pub name_regex: Option<Regex>,
    /// Keep only the highest revision of each release, before the status filter.
    pub latest_only: bool,
    /// Only these statuses; empty for any.
    pub statuses: Vec<Status>,
    /// Labels must match: the custom ones and Helm's system labels (`name`,
    /// `owner`, `status`, `version`), as `helm list -l` sees them.
    pub selector: Option<LabelSelector>,
}

impl ListFilter {
    /// All revisions of all releases in `namespace`.
    pub fn namespace(namespace: &str) -> ListFilter {
        ListFilter { namespace: Some(namespace.to_string()), ..ListFilter::default() }
    }

    /// Parse and set a `--filter` regex (Go RE2 syntax).
    pub fn with_name_regex(mut self, pattern: &str) -> Result<ListFilter, StoreError> {
        let re = Regex::new(pattern).map_err(|e| StoreError::InvalidFilter(format!("invalid --filter regex: {e}")))?;
        self.name_regex = Some(re);
        Ok(self)
    }

    /// Parse and set a `--selector`.
    pub fn with_selector(mut self, selector: &str) -> Result<ListFilter, StoreError> {
        self.selector = Some(LabelSelector::parse(selector)?);
        Ok(self)
    }

    /// Choose among record summaries; shared by every driver so they agree.
    pub(crate) fn select(&self, mut metas: Vec<RecordMeta>) -> Vec<RecordMeta> {
        metas.retain(|m| {
            self.namespace.as_ref().is_none_or(|ns| *ns == m.namespace)
                && self.name.as_ref().is_none_or(|n| *n == m.name)
                && self.name_regex.as_ref().is_none_or(|re| re.is_match(&m.name))
        });
        if self.latest_only {
            let mut latest: BTreeMap<(String, String), RecordMeta> = BTreeMap::new();
            for m in metas {
                let key = (m.namespace.clone(), m.name.clone());
                match latest.get(&key) {
                    Some(have) if have.version >= m.version => {}
                    _ => {
                        latest.insert(key, m);
                    }
                }
            }
            metas = latest.into_values().collect();
        }
        metas.retain(|m| {
            (self.statuses.is_empty() || self.statuses.contains(&m.status))
                && self.selector.as_ref().is_none_or(|s| s.matches(&m.selector_labels()))
        });
        metas.sort_by(|a, b| (&a.namespace, &a.name, a.version).cmp(&(&b.namespace, &b.name, b.version)));
        metas
    }
}

/// What a driver indexes about each record, enough to filter without decoding.
#[derive(Debug, Clone)]
pub(crate) struct RecordMeta {
    pub namespace: String,
    pub name: String,
    pub version: u32,
    pub status: Status,
    pub labels: BTreeMap<String, String>,
}

impl RecordMeta {
    /// What a label selector sees: the custom labels plus Helm's system labels
    /// `name`, `owner=helm`, `status`, `version`, which win (Go: the Secrets
    /// driver lists a release with its Secret's labels; newSecretsObject).
    pub fn selector_labels(&self) -> BTreeMap<String, String> {
        let mut labels = self.labels.clone();
        labels.insert("name".into(), self.name.clone());
        labels.insert("owner".into(), "helm".into());
        labels.insert("status".into(), self.status.to_string());
        labels.insert("version".into(), self.version.to_string());
        labels
    }

    pub fn of(rel: &Release) -> RecordMeta {
        RecordMeta {
            namespace: rel.namespace.clone(),
            name: rel.name.clone(),
            version: rel.version,
            status: rel.info.status.clone(),
            labels: rel.labels.clone(),
        }
    }
}

/// A record needs a name and a revision to be stored (Go: the key
/// `sh.helm.release.v1.NAME.vN` cannot be made otherwise).
pub(crate) fn check_key(rel: &Release) -> Result<(), StoreError> {
    if rel.name.is_empty() || rel.version == 0 {
        return Err(StoreError::InvalidKey);
    }
    Ok(())
}

/// Where releases are kept. Implementations: [`super::MemoryStore`],
/// [`super::SqliteStore`] (`local`).
pub trait Store: Send + Sync {
    /// The driver's name: `memory`, `local`.
    fn driver_name(&self) -> &'static str;

    /// Apply `changes` in one transaction: all of them or none.
    fn commit(&self, changes: &[Change<'_>]) -> Result<(), StoreError>;

    /// One revision, or `release: not found`.
    fn get(&self, namespace: &str, name: &str, version: u32) -> Result<Release, StoreError>;

    /// Every revision of a release, oldest first; `release: not found` if
    /// there are none (Go: Storage.History via Query).
    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Release>, StoreError>;

    /// The highest revision, or `release: not found` (Go: Storage.Last).
    fn latest(&self, namespace: &str, name: &str) -> Result<Release, StoreError>;

    /// Records matching `filter`, sorted by namespace, name, revision.
    fn list(&self, filter: &ListFilter) -> Result<Vec<Release>, StoreError>;

    /// The objects recorded for a release revision, in recorded order
    /// (empty if none were recorded).
    fn objects(&self, namespace: &str, release: &str, revision: u32) -> Result<Vec<StoredObject>, StoreError>;

    /// The objects recorded under `revision` by any release (or by none),
    /// of this apiVersion and kind, in `namespace` (any when empty;
    /// cluster-scoped ones always) and named `name` (any when empty): what
    /// `lookup` finds on the local target. Ordered by release, then as
    /// recorded.
    fn find_objects(
        &self,
        revision: u32,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Vec<StoredObject>, StoreError> {
        let mut owners: Vec<(String, String)> =
            self.list(&ListFilter::default())?.into_iter().map(|r| (r.namespace, r.name)).collect();
        owners.push((String::new(), String::new()));
        owners.sort();
        owners.dedup();
        let mut found = Vec::new();
        for (owner_namespace, owner) in &owners {
            let objects = self.objects(owner_namespace, owner, revision)?;
            found.extend(objects.into_iter().filter(|o| o.is(api_version, kind, namespace, name)));
        }
        Ok(found)
    }

    /// Take the release's operation lease for `ttl` (renew it with
    /// [`LockGuard::renew`]); fails with [`StoreError::Busy`] while another
    /// live operation holds it. A lease past its expiry, or held by a process
    /// on this host that is gone, is taken over ([`LockGuard::taken_over`]).
    fn acquire_lock(&self, namespace: &str, name: &str, ttl: Duration) -> Result<LockGuard, StoreError>;

    /// Do ahead what storing `rel` will take (for the local store: compress
    /// its large runs), so that a caller with other work first can run this
    /// on another thread. Storing it is still [`Store::create`]'s job.
    fn prepare_to_store(&self, _rel: &Release) {}

    /// Wait for what the store does in the background (the local store
    /// copies its log back into the database), before the process exits
    /// without dropping it.
    fn settle(&self) {}

    /// Store a new revision (Go: Storage.Create without MaxHistory).
    fn create(&self, rel: &Release) -> Result<(), StoreError> {
        self.commit(&[Change::Create(rel)])
    }

    /// Replace an existing revision (Go: Storage.Update).
    fn update(&self, rel: &Release) -> Result<(), StoreError> {
        self.commit(&[Change::Update(rel)])
    }

    /// Remove a revision and return it (Go: Storage.Delete).
    fn delete(&self, namespace: &str, name: &str, version: u32) -> Result<Release, StoreError> {
        let rel = self.get(namespace, name, version)?;
        self.commit(&[Change::Delete { namespace, name, version }])?;
        Ok(rel)
    }

    /// The highest deployed revision (Go: Storage.Deployed), or
    /// `"NAME" has no deployed releases`.
    fn deployed(&self, namespace: &str, name: &str) -> Result<Release, StoreError> {
        let filter = ListFilter {
            namespace: Some(namespace.to_string()),
            name: Some(name.to_string()),
            statuses: vec![Status::Deployed],
            ..ListFilter::default()
        };
        self.list(&filter)?
            .pop()
            .ok_or_else(|| StoreError::NoDeployedReleases { namespace: namespace.to_string(), name: name.to_string() })
    }

    /// Replace the objects recorded for a revision.
    fn record_objects(
        &self,
        namespace: &str,
        release: &str,
        revision: u32,
        objects: &[StoredObject],
    ) -> Result<(), StoreError> {
        self.commit(&[Change::RecordObjects { namespace, release, revision, objects }])
    }

    /// Forget the objects of one revision, or of all revisions with `None`.
    fn delete_objects(&self, namespace: &str, release: &str, revision: Option<u32>) -> Result<(), StoreError> {
        self.commit(&[Change::DeleteObjects { namespace, release, revision }])
    }

    /// Delete the oldest revisions until at most `keep` remain, never the
    /// latest deployed one; returns the deleted revisions. Call with
    /// `history_max - 1` before creating a revision, as Helm does
    /// (Go: Storage.removeLeastRecent).
    fn prune_history(&self, namespace: &str, name: &str, keep: usize) -> Result<Vec<u32>, StoreError> {
        let history = match self.history(namespace, name) {
            Ok(h) => h,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        if history.len() <= keep {
            return Ok(Vec::new());
        }
        let last_deployed = history.iter().filter(|r| r.info.status == Status::Deployed).map(|r| r.version).max();
        let mut doomed = Vec::new();
        for rel in &history {
            if history.len() - doomed.len() == keep {
                break;
            }
            if Some(rel.version) != last_deployed {
                doomed.push(rel.version);
            }
        }
        let changes: Vec<Change<'_>> =
            doomed.iter().map(|&version| Change::Delete { namespace, name, version }).collect();
        self.commit(&changes)?;
        Ok(doomed)
    }
}
