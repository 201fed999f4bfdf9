//! One behaviour suite run against every driver, plus the `local` driver's
//! own concerns (schema migration, WAL, stored encoding, stale leases).

use std::collections::BTreeMap;
use std::sync::Barrier;
use std::time::Duration;

use serde_json::json;

use super::codec::decode_release;
use super::error::StoreError;
use super::memory::MemoryStore;
use super::record::{ChartMetadata, Release, Status};
use super::sqlite::{SqliteStore, SCHEMA_VERSION};
use super::store::{Change, ListFilter, Store, StoredObject};
use super::time::GoTime;

fn rel(ns: &str, name: &str, version: u32, status: Status) -> Release {
    let mut r = Release { name: name.into(), namespace: ns.into(), version, ..Release::default() };
    r.info.status = status;
    r.info.first_deployed = GoTime::parse_rfc3339("2026-01-02T03:04:05.123456789Z").unwrap();
    r.info.last_deployed = GoTime::now();
    r.info.description = format!("revision {version}");
    r.chart.metadata = Some(ChartMetadata {
        name: "webapp".into(),
        version: "0.1.0".into(),
        api_version: "v2".into(),
        ..Default::default()
    });
    r.config = json!({"replicas": version, "html": "<b>&</b>"}).as_object().unwrap().clone();
    r.manifest = format!("---\n# Source: webapp/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: v{version}\n");
    r
}

fn versions(rels: &[Release]) -> Vec<u32> {
    rels.iter().map(|r| r.version).collect()
}

fn object(kind: &str, name: &str) -> StoredObject {
    StoredObject::from_object(
        json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": "ns1"}, "data": {"k": name}}),
    )
    .unwrap()
}

/// Helm's storage semantics, the same for every driver.
fn store_suite(store: &dyn Store) {
    // create / get / duplicates
    let r1 = rel("ns1", "app", 1, Status::Superseded);
    store.create(&r1).unwrap();
    assert_eq!(store.get("ns1", "app", 1).unwrap(), r1);
    let dup = store.create(&r1).unwrap_err();
    assert!(matches!(dup, StoreError::AlreadyExists { version: 1, .. }));
    assert_eq!(dup.to_string(), "release: already exists");
    let missing = store.get("ns1", "app", 9).unwrap_err();
    assert!(missing.is_not_found());
    assert_eq!(missing.to_string(), "release: not found");
    assert!(store.get("other", "app", 1).unwrap_err().is_not_found(), "namespaces are separate");
    assert!(matches!(store.create(&rel("ns1", "app", 0, Status::Deployed)), Err(StoreError::InvalidKey)));

    // revisions created out of order: history sorts, latest is the highest
    store.create(&rel("ns1", "app", 3, Status::Failed)).unwrap();
    store.create(&rel("ns1", "app", 2, Status::Deployed)).unwrap();
    assert_eq!(versions(&store.history("ns1", "app").unwrap()), vec![1, 2, 3]);
    assert_eq!(store.latest("ns1", "app").unwrap().version, 3);
    assert!(store.history("ns1", "nope").unwrap_err().is_not_found());
    assert!(store.latest("ns1", "nope").unwrap_err().is_not_found());
    assert_eq!(store.deployed("ns1", "app").unwrap().version, 2);
    let none = store.deployed("ns1", "nope").unwrap_err();
    assert_eq!(none.to_string(), "\"nope\" has no deployed releases");

    // update
    let mut r3 = store.get("ns1", "app", 3).unwrap();
    r3.set_status(Status::Deployed, "Upgrade complete");
    store.update(&r3).unwrap();
    assert_eq!(store.get("ns1", "app", 3).unwrap().info.description, "Upgrade complete");
    assert_eq!(store.deployed("ns1", "app").unwrap().version, 3, "the highest deployed revision");
    assert!(store.update(&rel("ns1", "app", 7, Status::Deployed)).unwrap_err().is_not_found());

    // labels are kept beside the record
    let mut labelled = rel("ns2", "db", 1, Status::Deployed);
    labelled.labels =
        BTreeMap::from([("team".to_string(), "data".to_string()), ("tier".to_string(), "backend".to_string())]);
    store.create(&labelled).unwrap();
    assert_eq!(store.get("ns2", "db", 1).unwrap().labels, labelled.labels);
    store.create(&rel("ns2", "cache", 1, Status::Uninstalled)).unwrap();

    // list
    let all = store.list(&ListFilter::default()).unwrap();
    let keys: Vec<(String, String, u32)> =
        all.iter().map(|r| (r.namespace.clone(), r.name.clone(), r.version)).collect();
    assert_eq!(
        keys,
        vec![
            ("ns1".into(), "app".into(), 1),
            ("ns1".into(), "app".into(), 2),
            ("ns1".into(), "app".into(), 3),
            ("ns2".into(), "cache".into(), 1),
            ("ns2".into(), "db".into(), 1)
        ]
    );
    assert_eq!(store.list(&ListFilter::namespace("ns2")).unwrap().len(), 2);
    let deployed = ListFilter { statuses: vec![Status::Deployed], ..ListFilter::default() };
    assert_eq!(
        store.list(&deployed).unwrap().iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        vec!["app", "app", "db"]
    );
    let latest = ListFilter { latest_only: true, ..ListFilter::default() };
    assert_eq!(versions(&store.list(&latest).unwrap()), vec![3, 1, 1]);
    // Helm: the status mask applies after keeping the latest revision, so an
    // older deployed revision does not show under --superseded.
    let latest_superseded =
        ListFilter { latest_only: true, statuses: vec![Status::Superseded], ..ListFilter::default() };
    assert!(store.list(&latest_superseded).unwrap().is_empty());
    let regex = ListFilter::default().with_name_regex("^(db|ca)").unwrap();
    assert_eq!(store.list(&regex).unwrap().len(), 2);
    let unanchored = ListFilter::default().with_name_regex("p").unwrap();
    assert_eq!(store.list(&unanchored).unwrap().len(), 3, "Go's MatchString is unanchored");
    let selected = ListFilter::default().with_selector("team=data,tier in (backend)").unwrap();
    assert_eq!(store.list(&selected).unwrap().iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["db"]);
    assert!(ListFilter::default().with_name_regex("(").is_err());
    let system = ListFilter::default().with_selector("owner=helm,status=deployed,version!=2").unwrap();
    assert_eq!(versions(&store.list(&system).unwrap()), vec![3, 1], "system labels are selectable: app v3, db v1");

    // delete
    let gone = store.delete("ns2", "cache", 1).unwrap();
    assert_eq!(gone.info.status, Status::Uninstalled);
    assert!(store.delete("ns2", "cache", 1).unwrap_err().is_not_found());

    // a failing change in a commit leaves nothing applied
    let r4 = rel("ns1", "app", 4, Status::PendingUpgrade);
    let err = store.commit(&[Change::Create(&r4), Change::Create(&r1)]).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }));
    assert!(store.get("ns1", "app", 4).unwrap_err().is_not_found());
    let err = store
        .commit(&[Change::Create(&r4), Change::Delete { namespace: "ns1", name: "app", version: 99 }])
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(store.get("ns1", "app", 4).unwrap_err().is_not_found());
    // and a good commit applies every change: supersede 3, add 4
    let mut old = store.get("ns1", "app", 3).unwrap();
    old.info.status = Status::Superseded;
    let objects = [object("ConfigMap", "a")];
    store
        .commit(&[
            Change::Update(&old),
            Change::Create(&r4),
            Change::RecordObjects { namespace: "ns1", release: "app", revision: 4, objects: &objects },
        ])
        .unwrap();
    assert_eq!(store.get("ns1", "app", 3).unwrap().info.status, Status::Superseded);
    assert_eq!(store.latest("ns1", "app").unwrap().info.status, Status::PendingUpgrade);
    assert_eq!(store.objects("ns1", "app", 4).unwrap(), objects);

    // objects of the local target
    let set = vec![object("Service", "web"), object("ConfigMap", "conf"), object("Deployment", "web")];
    store.record_objects("ns1", "app", 3, &set).unwrap();
    assert_eq!(store.objects("ns1", "app", 3).unwrap(), set, "kept in recorded order");
    assert_eq!(store.objects("ns1", "app", 3).unwrap()[1].name, "conf");
    store.record_objects("ns1", "app", 3, &set[..1]).unwrap();
    assert_eq!(store.objects("ns1", "app", 3).unwrap().len(), 1, "recording replaces the revision's set");
    assert!(store.objects("ns1", "app", 8).unwrap().is_empty());
    store.delete_objects("ns1", "app", Some(3)).unwrap();
    assert!(store.objects("ns1", "app", 3).unwrap().is_empty());
    assert_eq!(store.objects("ns1", "app", 4).unwrap().len(), 1);
    store.delete_objects("ns1", "app", None).unwrap();
    assert!(store.objects("ns1", "app", 4).unwrap().is_empty());

    // finding objects across releases: `lookup` on the local target
    store.create(&rel("ns1", "other", 1, Status::Deployed)).unwrap();
    let team = StoredObject::from_object(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}))
        .unwrap();
    store.record_objects("ns1", "app", 0, &[object("ConfigMap", "conf"), object("Secret", "pw")]).unwrap();
    store.record_objects("ns1", "other", 0, &[object("Secret", "pw2")]).unwrap();
    store.record_objects("", "", 0, &[team]).unwrap();
    let names = |revision: u32, api_version: &str, kind: &str, namespace: &str, name: &str| -> Vec<String> {
        let found = store.find_objects(revision, api_version, kind, namespace, name).unwrap();
        found.into_iter().map(|o| o.name).collect()
    };
    assert_eq!(names(0, "v1", "Secret", "ns1", ""), ["pw", "pw2"]);
    assert_eq!(names(0, "v1", "Secret", "", ""), ["pw", "pw2"]);
    assert_eq!(names(0, "v1", "Secret", "ns1", "pw2"), ["pw2"]);
    assert!(names(0, "v1", "Secret", "elsewhere", "").is_empty());
    assert!(names(0, "apps/v1", "Secret", "ns1", "pw").is_empty());
    assert!(names(1, "v1", "Secret", "ns1", "pw").is_empty());
    assert_eq!(names(0, "v1", "Namespace", "ns1", "team"), ["team"], "cluster-scoped objects from any namespace");
    for (namespace, release) in [("ns1", "app"), ("ns1", "other"), ("", "")] {
        store.delete_objects(namespace, release, Some(0)).unwrap();
    }
    store.delete("ns1", "other", 1).unwrap();

    // history pruning keeps the last deployed revision (Go: removeLeastRecent)
    for v in 1..=5 {
        store.create(&rel("ns3", "pruned", v, if v == 2 { Status::Deployed } else { Status::Superseded })).unwrap();
    }
    assert_eq!(store.prune_history("ns3", "pruned", 2).unwrap(), vec![1, 3, 4]);
    assert_eq!(versions(&store.history("ns3", "pruned").unwrap()), vec![2, 5]);
    assert!(store.prune_history("ns3", "pruned", 2).unwrap().is_empty());
    assert!(store.prune_history("ns3", "never", 2).unwrap().is_empty());
}

/// Leases: one holder; expired leases are taken over; the old holder learns it.
fn lock_suite(store: &dyn Store) {
    let held = store.acquire_lock("ns1", "app", Duration::from_secs(600)).unwrap();
    assert!(held.taken_over().is_none());
    let busy = store.acquire_lock("ns1", "app", Duration::from_secs(600)).unwrap_err();
    assert!(busy.is_busy());
    assert!(busy.to_string().starts_with("another operation (install/upgrade/rollback) is in progress"), "{busy}");
    assert!(busy.to_string().contains(&format!("pid {}", std::process::id())));
    // other releases are independent
    drop(store.acquire_lock("ns1", "other", Duration::from_secs(600)).unwrap());
    drop(store.acquire_lock("ns2", "app", Duration::from_secs(600)).unwrap());
    drop(held);
    let again = store.acquire_lock("ns1", "app", Duration::from_secs(600)).unwrap();
    again.release().unwrap();

    // an expired lease is taken over, and its holder finds out
    let mut stale = store.acquire_lock("ns1", "app", Duration::ZERO).unwrap();
    let mut fresh = store.acquire_lock("ns1", "app", Duration::from_secs(600)).unwrap();
    assert_eq!(fresh.taken_over().map(|h| h.token.clone()), Some(stale.holder().token.clone()));
    assert!(matches!(stale.renew(), Err(StoreError::LeaseLost { .. })));
    fresh.renew().unwrap();
    assert!(matches!(stale.release(), Err(StoreError::LeaseLost { .. })));
    assert!(
        store.acquire_lock("ns1", "app", Duration::from_secs(600)).unwrap_err().is_busy(),
        "the old holder's release did not free it"
    );
    fresh.release().unwrap();

    // threads racing for one lease: exactly one wins
    one_winner(race(8, |_| store.acquire_lock("ns9", "race", Duration::from_secs(600))), StoreError::is_busy);
}

/// Run `attempt` on `n` threads released together; each holds what it got
/// until all have tried. Returns each thread's outcome.
fn race<T: Send, E: Send>(n: usize, attempt: impl Fn(usize) -> Result<T, E> + Sync) -> Vec<Result<(), E>> {
    let start = Barrier::new(n);
    let done = Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (start, done, attempt) = (&start, &done, &attempt);
                s.spawn(move || {
                    start.wait();
                    let got = attempt(i);
                    done.wait();
                    got.map(|_| ())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Exactly one winner; every loser failed with the error `lost` accepts.
fn one_winner(outcomes: Vec<Result<(), StoreError>>, lost: impl Fn(&StoreError) -> bool) {
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    for e in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(lost(e), "unexpected failure: {e:?}");
    }
}

#[test]
fn memory_store_behaves_like_helm_storage() {
    store_suite(&MemoryStore::new());
}

#[test]
fn sqlite_store_behaves_like_helm_storage() {
    let dir = tempfile::tempdir().unwrap();
    store_suite(&SqliteStore::open(dir.path().join("state.db")).unwrap());
}

#[test]
fn memory_store_leases() {
    lock_suite(&MemoryStore::new());
}

#[test]
fn sqlite_store_leases() {
    let dir = tempfile::tempdir().unwrap();
    lock_suite(&SqliteStore::open(dir.path().join("state.db")).unwrap());
}

#[test]
fn sqlite_leases_across_connections() {
    // Separate connections (as separate processes have) racing for one lease.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let stores: Vec<SqliteStore> = (0..6).map(|_| SqliteStore::open(&path).unwrap()).collect();
    one_winner(
        race(stores.len(), |i| stores[i].acquire_lock("ns", "race", Duration::from_secs(600))),
        StoreError::is_busy,
    );
    // and racing to create one revision: exactly one create succeeds
    let r = rel("ns", "race", 1, Status::PendingInstall);
    one_winner(race(stores.len(), |i| stores[i].create(&r)), |e| matches!(e, StoreError::AlreadyExists { .. }));
    assert_eq!(stores[0].history("ns", "race").unwrap().len(), 1);
}

#[test]
fn sqlite_takes_over_a_lease_whose_holder_is_gone() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("state.db")).unwrap();
    // A lease valid for an hour, held by a process that has exited.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let me = store.acquire_lock("ns", "app", Duration::from_secs(3600)).unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute("UPDATE leases SET pid = ?1, token = 'crashed'", [dead_pid]).unwrap();
    std::mem::forget(me); // the "crashed" holder never releases
    let next = store.acquire_lock("ns", "app", Duration::from_secs(60)).unwrap();
    let previous = next.taken_over().expect("took over the dead holder's lease");
    assert_eq!((previous.pid, previous.token.as_str()), (dead_pid, "crashed"));
}

#[test]
fn sqlite_stores_helms_encoding_and_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("state.db")).unwrap();
    let r = rel("ns", "app", 1, Status::Deployed);
    store.create(&r).unwrap();
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let (body, status, name): (String, String, String) = conn
        .query_row("SELECT body, status, name FROM releases", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap();
    assert_eq!((status.as_str(), name.as_str()), ("deployed", "app"));
    use base64::Engine;
    let gz = base64::engine::general_purpose::STANDARD.decode(&body).unwrap();
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 0x08], "Helm's gzip magic");
    assert_eq!(decode_release(&body).unwrap(), Release { labels: BTreeMap::new(), ..r });
}

#[test]
fn sqlite_migrates_older_and_empty_databases() {
    let dir = tempfile::tempdir().unwrap();
    // An empty file is an empty database: migrated from scratch.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(SqliteStore::open(&empty).unwrap().schema_version().unwrap(), SCHEMA_VERSION);

    // A database at schema 1 (records only) with a release in it.
    let path = dir.path().join("nested/dir/state.db");
    let old = SqliteStore::open_at_version(&path, 1).unwrap();
    assert_eq!(old.schema_version().unwrap(), 1);
    let r = rel("ns", "app", 1, Status::Deployed);
    old.create(&r).unwrap();
    assert!(old.record_objects("ns", "app", 1, &[object("ConfigMap", "a")]).is_err(), "no objects table at schema 1");
    drop(old);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.get("ns", "app", 1).unwrap(), r, "records survive the migration");
    store.record_objects("ns", "app", 1, &[object("ConfigMap", "a")]).unwrap();
    drop(store.acquire_lock("ns", "app", Duration::from_secs(5)).unwrap());
    // Opening again is a no-op.
    assert_eq!(SqliteStore::open(&path).unwrap().schema_version().unwrap(), SCHEMA_VERSION);

    // A database from a newer capstan is refused, not damaged.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE schema_version SET version = ?1", [SCHEMA_VERSION + 1]).unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooNew { found, .. } if found == SCHEMA_VERSION + 1), "{err}");
}

#[test]
fn a_corpus_record_survives_both_stores() {
    use base64::Engine;
    let secret: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/releases/sh.helm.release.v1.r-argo-cd.v1.secret.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let encoded =
        base64::engine::general_purpose::STANDARD.decode(secret["data"]["release"].as_str().unwrap()).unwrap();
    let r = decode_release(std::str::from_utf8(&encoded).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(dir.path().join("state.db")).unwrap();
    let memory = MemoryStore::new();
    for store in [&sqlite as &dyn Store, &memory] {
        store.create(&r).unwrap();
        assert_eq!(store.get(&r.namespace, &r.name, r.version).unwrap(), r, "{}", store.driver_name());
        let failed = ListFilter { statuses: vec![Status::Failed], ..ListFilter::namespace("b-argo-cd") };
        assert_eq!(store.list(&failed).unwrap().len(), 1);
    }
}
