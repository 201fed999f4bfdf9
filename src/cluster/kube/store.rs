//! [`KubeStore`]: release records in the cluster, exactly as Helm keeps
//! them, so `helm list/history/upgrade/rollback` work on capstan's
//! releases and capstan works on Helm's.
//!
//! Go: pkg/storage/driver/secrets.go and cfgmaps.go. One object per
//! revision, named `sh.helm.release.v1.NAME.vN`, labelled `name`,
//! `owner=helm`, `status`, `version`, plus the release's custom labels and
//! `createdAt` (on create) or `modifiedAt` (on update, which replaces the
//! labels as Helm's Update does). The record is Helm's base64(gzip(JSON))
//! under `release`: in a Secret's `data` (so base64'd once more by the
//! API) or a ConfigMap's `data`. Secrets have type `helm.sh/release.v1`.
//!
//! Operation leases (one operation per release) are
//! `coordination.k8s.io/v1` Leases named `capstan.release.NAME`; Helm
//! ignores them. [`Store::commit`] applies its changes one by one: the
//! API has no transactions (Helm's drivers have none either).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::Method;
use serde_json::{json, Value};

use super::client::{escape, KubeClient};
use super::KubeError;
use crate::release::lease::{now_ms, LeaseBackend, LeaseHolder, LockGuard};
use crate::release::store::{check_key, ListFilter, RecordMeta};
use crate::release::{codec, Change, Release, Status, Store, StoreError, StoredObject};

/// The largest object the API server stores (Go: the 1 MiB limit on a
/// Secret's or ConfigMap's data; Helm #7126).
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// Labels the drivers set themselves; the rest are the release's own.
const SYSTEM_LABELS: &[&str] = &["name", "owner", "status", "version", "createdAt", "modifiedAt"];

/// Annotation of a lease object holding its [`LeaseHolder`] as JSON.
const LEASE_HOLDER_ANNOTATION: &str = "capstan.io/lease-holder";

/// `--storage` / `HELM_DRIVER` values a cluster serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageDriver {
    Secret,
    ConfigMap,
}

impl StorageDriver {
    /// Go: pkg/action/action.go Init (`secret`/`secrets`/"" and
    /// `configmap`/`configmaps`).
    pub fn parse(name: &str) -> Option<StorageDriver> {
        match name {
            "" | "secret" | "secrets" => Some(StorageDriver::Secret),
            "configmap" | "configmaps" => Some(StorageDriver::ConfigMap),
            _ => None,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            StorageDriver::Secret => "secrets",
            StorageDriver::ConfigMap => "configmaps",
        }
    }
}

/// Records in Secrets or ConfigMaps.
#[derive(Debug)]
pub struct KubeStore {
    client: Arc<KubeClient>,
    driver: StorageDriver,
}

impl KubeStore {
    pub fn new(client: Arc<KubeClient>, driver: StorageDriver) -> KubeStore {
        KubeStore { client, driver }
    }

    fn object_path(&self, namespace: &str, key: &str) -> String {
        format!(
            "/api/v1/namespaces/{}/{}/{}",
            escape(namespace),
            self.driver.plural(),
            escape(key)
        )
    }

    fn run<T>(&self, fut: impl std::future::Future<Output = Result<T, KubeError>>) -> Result<T, StoreError> {
        self.client.block_on(fut).map_err(|e| StoreError::Remote(e.to_string()))
    }

    /// Every record object matching `selector` (`owner=helm,...`).
    fn list_objects(&self, namespace: Option<&str>, selector: &str) -> Result<Vec<Value>, StoreError> {
        let path = match namespace {
            Some(ns) => format!("/api/v1/namespaces/{}/{}", escape(ns), self.driver.plural()),
            None => format!("/api/v1/{}", self.driver.plural()),
        };
        let list = self.run(self.client.request(
            Method::GET,
            &format!("{path}?labelSelector={}", escape(selector)),
            None,
            None,
        ))?;
        Ok(list.get("items").and_then(Value::as_array).cloned().unwrap_or_default())
    }

    /// The object Helm would write for `rel` (Go: newSecretsObject,
    /// newConfigMapsObject).
    fn record_object(&self, rel: &Release, time_label: (&str, i64)) -> Result<Value, StoreError> {
        let encoded = codec::encode_release(rel)?;
        if encoded.len() > MAX_RECORD_BYTES {
            return Err(StoreError::Codec(format!(
                "release {:?} revision {} is too large to store in a {}: its encoded record is {} bytes, the limit is {} \
                 (shrink the chart: large files in templates/ or files/ are stored in every revision)",
                rel.name,
                rel.version,
                match self.driver {
                    StorageDriver::Secret => "Secret",
                    StorageDriver::ConfigMap => "ConfigMap",
                },
                encoded.len(),
                MAX_RECORD_BYTES
            )));
        }
        let mut labels: BTreeMap<String, String> = rel.labels.clone();
        labels.insert(time_label.0.to_string(), time_label.1.to_string());
        labels.insert("name".into(), rel.name.clone());
        labels.insert("owner".into(), "helm".into());
        labels.insert("status".into(), rel.info.status.to_string());
        labels.insert("version".into(), rel.version.to_string());
        let metadata = json!({"name": rel.key(), "namespace": rel.namespace, "labels": labels});
        Ok(match self.driver {
            StorageDriver::Secret => json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": metadata,
                "type": "helm.sh/release.v1",
                "data": {"release": base64::engine::general_purpose::STANDARD.encode(encoded.as_bytes())},
            }),
            StorageDriver::ConfigMap => json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": metadata,
                "data": {"release": encoded},
            }),
        })
    }

    /// The record in an object; its custom labels come from the object's labels.
    fn decode(&self, object: &Value) -> Result<Release, StoreError> {
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let data = object
            .pointer("/data/release")
            .and_then(Value::as_str)
            .ok_or_else(|| StoreError::Codec(format!("{} {name}: no `release` in its data", self.driver.plural())))?;
        let encoded = match self.driver {
            StorageDriver::Secret => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|e| StoreError::Codec(format!("secret {name}: {e}")))?;
                String::from_utf8(bytes).map_err(|e| StoreError::Codec(format!("secret {name}: {e}")))?
            }
            StorageDriver::ConfigMap => data.to_string(),
        };
        let mut rel = codec::decode_release(&encoded)?;
        rel.labels = custom_labels(object);
        Ok(rel)
    }

    fn metas(&self, objects: &[Value]) -> Vec<(RecordMeta, usize)> {
        objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let labels = labels_of(o);
                let version = labels.get("version")?.parse().ok()?;
                let meta = RecordMeta {
                    namespace: o
                        .pointer("/metadata/namespace")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    name: labels.get("name")?.clone(),
                    version,
                    status: Status::from(labels.get("status").map_or("unknown", String::as_str)),
                    labels: custom_labels(o),
                };
                Some((meta, i))
            })
            .collect()
    }

    fn apply_change(&self, change: &Change<'_>) -> Result<(), StoreError> {
        let now = now_ms() / 1000;
        match *change {
            Change::Create(rel) => {
                check_key(rel)?;
                let body = self.record_object(rel, ("createdAt", now))?;
                let path = format!("/api/v1/namespaces/{}/{}", escape(&rel.namespace), self.driver.plural());
                match self
                    .client
                    .block_on(self.client.request(Method::POST, &path, None, Some(&body)))
                {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_already_exists() => Err(StoreError::AlreadyExists {
                        namespace: rel.namespace.clone(),
                        name: rel.name.clone(),
                        version: rel.version,
                    }),
                    Err(e) => Err(StoreError::Remote(format!("create: failed to create: {e}"))),
                }
            }
            Change::Update(rel) => {
                check_key(rel)?;
                let body = self.record_object(rel, ("modifiedAt", now))?;
                let path = self.object_path(&rel.namespace, &rel.key());
                match self
                    .client
                    .block_on(self.client.request(Method::PUT, &path, None, Some(&body)))
                {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_not_found() => {
                        Err(StoreError::not_found(&rel.namespace, &rel.name, Some(rel.version)))
                    }
                    Err(e) => Err(StoreError::Remote(format!("update: failed to update: {e}"))),
                }
            }
            Change::Delete {
                namespace,
                name,
                version,
            } => {
                let key = crate::release::record::release_key(name, version);
                match self.client.block_on(self.client.request(
                    Method::DELETE,
                    &self.object_path(namespace, &key),
                    None,
                    None,
                )) {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_not_found() => Err(StoreError::not_found(namespace, name, Some(version))),
                    Err(e) => Err(StoreError::Remote(format!("delete: {e}"))),
                }
            }
            // Objects live in the cluster itself.
            Change::RecordObjects { .. } | Change::DeleteObjects { .. } => Ok(()),
        }
    }

    fn lease_object(&self, namespace: &str, name: &str, holder: &LeaseHolder, resource_version: Option<&str>) -> Value {
        let mut metadata = json!({
            "name": lease_name(name),
            "namespace": namespace,
            "labels": {"owner": "capstan", "name": name},
            "annotations": {LEASE_HOLDER_ANNOTATION: holder_json(holder).to_string()},
        });
        if let Some(rv) = resource_version {
            metadata["resourceVersion"] = json!(rv);
        }
        json!({
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": metadata,
            "spec": {
                "holderIdentity": holder.token,
                "leaseDurationSeconds": ((holder.expires_at_ms - holder.acquired_at_ms) / 1000).max(1),
            },
        })
    }
}

impl Store for KubeStore {
    fn driver_name(&self) -> &'static str {
        match self.driver {
            StorageDriver::Secret => "secret",
            StorageDriver::ConfigMap => "configmap",
        }
    }

    fn commit(&self, changes: &[Change<'_>]) -> Result<(), StoreError> {
        for change in changes {
            self.apply_change(change)?;
        }
        Ok(())
    }

    fn get(&self, namespace: &str, name: &str, version: u32) -> Result<Release, StoreError> {
        let key = crate::release::record::release_key(name, version);
        match self.run(self.client.get(&self.object_path(namespace, &key)))? {
            Some(object) => self.decode(&object),
            None => Err(StoreError::not_found(namespace, name, Some(version))),
        }
    }

    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Release>, StoreError> {
        let filter = ListFilter {
            namespace: Some(namespace.into()),
            name: Some(name.into()),
            ..ListFilter::default()
        };
        let all = self.list(&filter)?;
        if all.is_empty() {
            return Err(StoreError::not_found(namespace, name, None));
        }
        Ok(all)
    }

    fn latest(&self, namespace: &str, name: &str) -> Result<Release, StoreError> {
        let selector = format!("owner=helm,name={name}");
        let objects = self.list_objects(Some(namespace), &selector)?;
        let newest = self.metas(&objects).into_iter().max_by_key(|(m, _)| m.version);
        match newest {
            Some((_, i)) => self.decode(&objects[i]),
            None => Err(StoreError::not_found(namespace, name, None)),
        }
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<Release>, StoreError> {
        let mut selector = "owner=helm".to_string();
        if let Some(name) = &filter.name {
            selector.push_str(&format!(",name={name}"));
        }
        let objects = self.list_objects(filter.namespace.as_deref(), &selector)?;
        let metas = self.metas(&objects);
        let index: BTreeMap<(String, String, u32), usize> = metas
            .iter()
            .map(|(m, i)| ((m.namespace.clone(), m.name.clone(), m.version), *i))
            .collect();
        // Filter on the labels, decode only what is selected.
        filter
            .select(metas.into_iter().map(|(m, _)| m).collect())
            .into_iter()
            .map(|m| self.decode(&objects[index[&(m.namespace, m.name, m.version)]]))
            .collect()
    }

    fn objects(&self, _namespace: &str, _release: &str, _revision: u32) -> Result<Vec<StoredObject>, StoreError> {
        // The cluster holds the objects; nothing is recorded beside releases.
        Ok(Vec::new())
    }

    fn acquire_lock(&self, namespace: &str, name: &str, ttl: Duration) -> Result<LockGuard, StoreError> {
        let holder = LeaseHolder::for_this_process(ttl);
        let path = lease_path(namespace, name);
        let collection = leases_path(namespace);
        let create = self.lease_object(namespace, name, &holder, None);
        let taken_over = match self
            .client
            .block_on(self.client.request(Method::POST, &collection, None, Some(&create)))
        {
            Ok(_) => None,
            Err(e) if e.is_already_exists() => {
                let Some(live) = self.run(self.client.get(&path))? else {
                    return Err(StoreError::Remote(format!(
                        "lease {} vanished while taking it; retry",
                        lease_name(name)
                    )));
                };
                let current = holder_of(&live);
                if let Some(current) = &current {
                    if !current.is_stale(now_ms()) {
                        return Err(current.busy_error(namespace, name));
                    }
                }
                let rv = live.pointer("/metadata/resourceVersion").and_then(Value::as_str);
                let replace = self.lease_object(namespace, name, &holder, rv);
                match self
                    .client
                    .block_on(self.client.request(Method::PUT, &path, None, Some(&replace)))
                {
                    Ok(_) => current,
                    // Someone else replaced it first.
                    Err(e) if e.is_conflict() => {
                        let now = self.run(self.client.get(&path))?;
                        return Err(now
                            .as_ref()
                            .and_then(holder_of)
                            .map(|h| h.busy_error(namespace, name))
                            .unwrap_or_else(|| StoreError::Remote(format!("lease {}: {e}", lease_name(name)))));
                    }
                    Err(e) => return Err(StoreError::Remote(format!("lease {}: {e}", lease_name(name)))),
                }
            }
            Err(e) if e.is_not_found() => {
                return Err(StoreError::Remote(format!("namespace {namespace:?} not found")));
            }
            Err(e) => return Err(StoreError::Remote(format!("lease {}: {e}", lease_name(name)))),
        };
        let backend: Arc<dyn LeaseBackend> = Arc::new(KubeLeases {
            client: self.client.clone(),
        });
        Ok(LockGuard::new(namespace, name, holder, ttl, taken_over, backend))
    }
}

/// Renews and releases Leases for [`LockGuard`].
struct KubeLeases {
    client: Arc<KubeClient>,
}

impl KubeLeases {
    /// The live lease if `token` still holds it.
    fn held(&self, namespace: &str, name: &str, token: &str) -> Result<Value, StoreError> {
        let lost = || StoreError::LeaseLost {
            namespace: namespace.into(),
            name: name.into(),
        };
        let live = self
            .client
            .block_on(self.client.get(&lease_path(namespace, name)))
            .map_err(|e| StoreError::Remote(e.to_string()))?;
        let live = live.ok_or_else(lost)?;
        match holder_of(&live) {
            Some(h) if h.token == token => Ok(live),
            _ => Err(lost()),
        }
    }
}

impl LeaseBackend for KubeLeases {
    fn renew(&self, namespace: &str, name: &str, token: &str, expires_at_ms: i64) -> Result<(), StoreError> {
        let mut live = self.held(namespace, name, token)?;
        let Some(mut holder) = holder_of(&live) else {
            return Err(StoreError::LeaseLost {
                namespace: namespace.into(),
                name: name.into(),
            });
        };
        holder.expires_at_ms = expires_at_ms;
        live["metadata"]["annotations"][LEASE_HOLDER_ANNOTATION] = json!(holder_json(&holder).to_string());
        self.client
            .block_on(
                self.client
                    .request(Method::PUT, &lease_path(namespace, name), None, Some(&live)),
            )
            .map(|_| ())
            .map_err(|e| {
                if e.is_conflict() {
                    StoreError::LeaseLost {
                        namespace: namespace.into(),
                        name: name.into(),
                    }
                } else {
                    StoreError::Remote(e.to_string())
                }
            })
    }

    fn release(&self, namespace: &str, name: &str, token: &str) -> Result<(), StoreError> {
        let live = self.held(namespace, name, token)?;
        let rv = live
            .pointer("/metadata/resourceVersion")
            .cloned()
            .unwrap_or(Value::Null);
        let options = json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"resourceVersion": rv}});
        match self.client.block_on(self.client.request(
            Method::DELETE,
            &lease_path(namespace, name),
            None,
            Some(&options),
        )) {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() || e.is_conflict() => Err(StoreError::LeaseLost {
                namespace: namespace.into(),
                name: name.into(),
            }),
            Err(e) => Err(StoreError::Remote(e.to_string())),
        }
    }
}

/// The collection of a namespace's Leases.
fn leases_path(namespace: &str) -> String {
    format!("/apis/coordination.k8s.io/v1/namespaces/{}/leases", escape(namespace))
}

/// The Lease of a release.
fn lease_path(namespace: &str, release: &str) -> String {
    format!("{}/{}", leases_path(namespace), escape(&lease_name(release)))
}

fn lease_name(release: &str) -> String {
    format!("capstan.release.{release}")
}

fn holder_json(h: &LeaseHolder) -> Value {
    json!({
        "token": h.token, "pid": h.pid, "pidStart": h.pid_start, "host": h.host,
        "acquiredAtMs": h.acquired_at_ms, "expiresAtMs": h.expires_at_ms,
    })
}

fn holder_of(lease: &Value) -> Option<LeaseHolder> {
    let text = lease
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(LEASE_HOLDER_ANNOTATION))?
        .as_str()?;
    let v: Value = serde_json::from_str(text).ok()?;
    Some(LeaseHolder {
        token: v.get("token")?.as_str()?.to_string(),
        pid: v.get("pid")?.as_u64()? as u32,
        pid_start: v.get("pidStart")?.as_u64()?,
        host: v.get("host")?.as_str()?.to_string(),
        acquired_at_ms: v.get("acquiredAtMs")?.as_i64()?,
        expires_at_ms: v.get("expiresAtMs")?.as_i64()?,
    })
}

fn labels_of(object: &Value) -> BTreeMap<String, String> {
    object
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Go: filterSystemLabels.
fn custom_labels(object: &Value) -> BTreeMap<String, String> {
    let mut labels = labels_of(object);
    labels.retain(|k, _| !SYSTEM_LABELS.contains(&k.as_str()));
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::record::Info;

    fn client() -> Arc<KubeClient> {
        let config = kube::Config::new("https://127.0.0.1:1".parse().unwrap());
        Arc::new(KubeClient::from_config(config, "test".into(), &Default::default()).unwrap())
    }

    fn release() -> Release {
        let mut rel = Release {
            name: "web".into(),
            namespace: "ns1".into(),
            version: 3,
            manifest: "---\napiVersion: v1\nkind: ConfigMap\n".into(),
            info: Info::default(),
            ..Release::default()
        };
        rel.info.status = Status::Deployed;
        rel.labels.insert("team".into(), "a".into());
        rel
    }

    #[test]
    fn secret_layout_is_helms() {
        let store = KubeStore::new(client(), StorageDriver::Secret);
        let obj = store.record_object(&release(), ("createdAt", 1700000000)).unwrap();
        assert_eq!(obj["metadata"]["name"], "sh.helm.release.v1.web.v3");
        assert_eq!(obj["type"], "helm.sh/release.v1");
        let labels = &obj["metadata"]["labels"];
        assert_eq!(labels["name"], "web");
        assert_eq!(labels["owner"], "helm");
        assert_eq!(labels["status"], "deployed");
        assert_eq!(labels["version"], "3");
        assert_eq!(labels["createdAt"], "1700000000");
        assert_eq!(labels["team"], "a");
        // data.release is base64 of Helm's own base64(gzip(JSON)).
        let outer = base64::engine::general_purpose::STANDARD
            .decode(obj["data"]["release"].as_str().unwrap())
            .unwrap();
        let decoded = codec::decode_release(std::str::from_utf8(&outer).unwrap()).unwrap();
        assert_eq!(decoded.name, "web");
        let back = store.decode(&obj).unwrap();
        assert_eq!(back.version, 3);
        assert_eq!(back.labels, BTreeMap::from([("team".to_string(), "a".to_string())]));
    }

    #[test]
    fn configmap_layout_and_corpus_records() {
        let store = KubeStore::new(client(), StorageDriver::ConfigMap);
        let obj = store.record_object(&release(), ("modifiedAt", 1)).unwrap();
        assert_eq!(obj["kind"], "ConfigMap");
        assert!(obj.get("type").is_none());
        assert_eq!(store.decode(&obj).unwrap().info.status, Status::Deployed);
        let metas = store.metas(&[obj]);
        assert_eq!((metas[0].0.name.as_str(), metas[0].0.version), ("web", 3));
    }

    #[test]
    fn oversized_records_name_their_size() {
        let store = KubeStore::new(client(), StorageDriver::Secret);
        let mut rel = release();
        // Random-looking text does not compress below the limit.
        let mut state = 1u64;
        rel.manifest = (0..1_600_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + (state >> 59) as u8 % 26)
            })
            .collect();
        let err = store.record_object(&rel, ("createdAt", 1)).unwrap_err().to_string();
        assert!(
            err.contains("too large to store in a Secret") && err.contains("limit is 1048576"),
            "{err}"
        );
    }

    #[test]
    fn lease_holder_round_trips() {
        let h = LeaseHolder::for_this_process(Duration::from_secs(30));
        let store = KubeStore::new(client(), StorageDriver::Secret);
        let lease = store.lease_object("ns1", "web", &h, Some("42"));
        assert_eq!(lease["metadata"]["name"], "capstan.release.web");
        assert_eq!(lease["spec"]["leaseDurationSeconds"], 30);
        assert_eq!(holder_of(&lease), Some(h));
    }
}
