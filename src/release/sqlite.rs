//! The `local` store: an embedded SQLite database at `$CAPSTAN_HOME/state.db`.
//!
//! Records are kept in Helm's encoded form (base64(gzip(JSON)), the same
//! bytes a Secret's `data.release` holds) beside indexed columns for
//! filtering. WAL journal, one transaction per state change (`BEGIN
//! IMMEDIATE`, so writers queue on SQLite's lock instead of failing half
//! way), a `schema_version` table and migrations run on open. The same
//! database holds the `local` target's objects and the operation leases.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::codec::{decode_release_runs, encode_release_runs, ReusableRuns};
use super::error::StoreError;
use super::lease::{now_ms, LeaseBackend, LeaseHolder, LockGuard};
use super::record::{RecordRun, Release, Status};
use super::store::{check_key, Change, ListFilter, RecordMeta, Store, StoredObject};

/// The database file name inside the state directory.
pub const STATE_DB_FILE: &str = "state.db";

/// gzip level of stored records: Helm writes 9, but any level decodes the
/// same, and level 1 keeps a multi-megabyte record's write in tens of ms.
const LOCAL_GZIP_LEVEL: u32 = 1;

/// Page size of a new database, in bytes.
const PAGE_SIZE: i64 = 16 * 1024;

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How every connection syncs what it commits (a committed state change
/// survives power loss); lease writes alone skip the sync ([`LeaseConn`]).
const SYNCHRONOUS: &str = "FULL";

/// A write-ahead log longer than this is copied back into the database by
/// a background thread after a process's first write ([`spawn_checkpoint`]);
/// it is also the size the log is cut back to once copied.
const CHECKPOINT_AT: u64 = 4 << 20;

/// SQLite's own checkpoint after a commit, for a process that writes more
/// than this without opening the store again.
const AUTOCHECKPOINT_AT: i64 = 64 << 20;

/// The state directory: `$CAPSTAN_HOME`, else `$XDG_DATA_HOME/capstan`, else
/// `~/.local/share/capstan` (empty variables count as unset, as the XDG
/// spec says).
pub fn default_state_dir() -> Result<PathBuf, StoreError> {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    state_dir_from(var("CAPSTAN_HOME"), var("XDG_DATA_HOME"), var("HOME"))
}

/// [`default_state_dir`] given the three variables' values.
fn state_dir_from(
    capstan_home: Option<PathBuf>,
    xdg_data_home: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Result<PathBuf, StoreError> {
    let set = |v: Option<PathBuf>| v.filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = set(capstan_home) {
        return Ok(dir);
    }
    // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    if let Some(data) = set(xdg_data_home).filter(|p| p.is_absolute()) {
        return Ok(data.join("capstan"));
    }
    match set(home) {
        Some(home) => Ok(home.join(".local/share/capstan")),
        None => Err(StoreError::Io {
            path: PathBuf::from("~/.local/share/capstan"),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "neither CAPSTAN_HOME, XDG_DATA_HOME nor HOME is set",
            ),
        }),
    }
}

/// Schema migrations, in order; entry `i` takes the database from version
/// `i` to `i + 1`. Never edit a released step: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: release records.
    "CREATE TABLE releases (
        namespace      TEXT    NOT NULL,
        name           TEXT    NOT NULL,
        version        INTEGER NOT NULL,
        status         TEXT    NOT NULL,
        labels         TEXT    NOT NULL DEFAULT '{}',  -- custom labels, JSON object
        first_deployed TEXT    NOT NULL DEFAULT '',    -- RFC 3339, as in the record
        last_deployed  TEXT    NOT NULL DEFAULT '',
        created_at     INTEGER NOT NULL,               -- unix seconds (Helm's createdAt label)
        modified_at    INTEGER,                        -- unix seconds (Helm's modifiedAt label)
        body           TEXT    NOT NULL,               -- Helm's encoding: base64(gzip(JSON))
        PRIMARY KEY (namespace, name, version)
    );
    CREATE INDEX releases_by_name ON releases (name);
    CREATE INDEX releases_by_status ON releases (status);",
    // 2: objects of the `local` target, per release revision.
    "CREATE TABLE release_objects (
        namespace        TEXT    NOT NULL,  -- the release's namespace
        release          TEXT    NOT NULL,
        revision         INTEGER NOT NULL,
        seq              INTEGER NOT NULL,  -- recorded order (install order)
        api_version      TEXT    NOT NULL,
        kind             TEXT    NOT NULL,
        object_namespace TEXT    NOT NULL,  -- '' for cluster-scoped objects
        object_name      TEXT    NOT NULL,
        body             TEXT    NOT NULL,  -- the object, JSON
        PRIMARY KEY (namespace, release, revision, seq)
    );
    CREATE INDEX release_objects_by_identity ON release_objects (kind, object_namespace, object_name);",
    // 3: one operation lease per release.
    "CREATE TABLE leases (
        namespace   TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        token       TEXT    NOT NULL,
        pid         INTEGER NOT NULL,
        pid_start   INTEGER NOT NULL,
        host        TEXT    NOT NULL,
        acquired_at INTEGER NOT NULL,  -- unix milliseconds
        expires_at  INTEGER NOT NULL,  -- unix milliseconds
        PRIMARY KEY (namespace, name)
    );",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

struct Db {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Records decoded or encoded by this process, by their stored body:
    /// one operation reads the same multi-megabyte record several times
    /// (latest, the deployed ones, the one to roll back to), and writes
    /// records that repeat their runs.
    decoded: Mutex<HashMap<u64, Known>>,
    checkpoint: Mutex<Checkpoint>,
}

/// The background checkpoint of a log found long on open: started after
/// this process's first write, joined by [`Store::settle`] or on drop.
enum Checkpoint {
    Due,
    Running(std::thread::JoinHandle<()>),
    Done,
}

impl Drop for Db {
    fn drop(&mut self) {
        self.settle();
    }
}

/// Copy a long write-ahead log back into the database on another thread,
/// with its own connection.
///
/// SQLite would do it inside the commit that passes its threshold, so an
/// install that writes a large chart's CRDs and objects paid for copying
/// them all again (and a second sync) before it could exit. Done by the
/// next operation once it holds its lease, the copy is mostly I/O that
/// overlaps the render. A passive checkpoint never blocks this process's
/// writer, and stopping it part way (a crash) leaves the database as it was.
fn spawn_checkpoint(path: &Path) -> Option<std::thread::JoinHandle<()>> {
    let path = path.to_path_buf();
    let checkpoint = move || -> rusqlite::Result<()> {
        let conn = Connection::open(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "synchronous", SYNCHRONOUS)?;
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    };
    std::thread::Builder::new().name("checkpoint".into()).spawn(move || drop(checkpoint())).ok()
}

/// The connection for a lease write, which is not synced to disk (three
/// syncs fewer per command). A lease only keeps live processes apart,
/// which needs no sync, and the first record written under it syncs the
/// log up to it anyway. One lost to a power cut leaves either no lease
/// (nothing was stored under it) or one held by a process that is gone,
/// which the next operation takes over.
struct LeaseConn<'a>(MutexGuard<'a, Connection>);

impl Drop for LeaseConn<'_> {
    fn drop(&mut self) {
        // Cannot fail: setting this does no I/O.
        let _ = self.0.pragma_update(None, "synchronous", SYNCHRONOUS);
    }
}

impl std::ops::Deref for LeaseConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl std::ops::DerefMut for LeaseConn<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0
    }
}

/// A record this process decoded or encoded.
struct Known {
    body: Arc<str>,
    release: Release,
    /// Its compressed runs, if it was written run by run.
    runs: Option<ReusableRuns>,
}

/// How many records [`Db::decoded`] keeps.
const DECODED_CACHE: usize = 16;

impl Db {
    fn checkpoint(&self) -> MutexGuard<'_, Checkpoint> {
        self.checkpoint.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Once written to, copy a log found long back in the background.
    fn wrote(&self) {
        let mut checkpoint = self.checkpoint();
        if matches!(*checkpoint, Checkpoint::Due) {
            *checkpoint = spawn_checkpoint(&self.path).map_or(Checkpoint::Done, Checkpoint::Running);
        }
    }

    /// Wait for the background checkpoint, if any.
    fn settle(&self) {
        let running = std::mem::replace(&mut *self.checkpoint(), Checkpoint::Done);
        if let Checkpoint::Running(handle) = running {
            let _ = handle.join(); // a failed checkpoint is redone by the next writer
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lease_conn(&self) -> Result<LeaseConn<'_>, StoreError> {
        let conn = self.conn();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(LeaseConn(conn))
    }

    /// Decode a stored row (body + labels) into a release.
    fn row_release(&self, body: &str, labels: &str) -> Result<Release, StoreError> {
        let key = body_key(body);
        let hit = self.cache().get(&key).filter(|k| *k.body == *body).map(|k| k.release.clone());
        let mut rel = match hit {
            Some(rel) => rel,
            None => {
                let (rel, runs) = decode_release_runs(body)?;
                self.remember(key, Known { body: Arc::from(body), release: rel.clone(), runs });
                rel
            }
        };
        rel.labels = labels_from_json(labels)?;
        Ok(rel)
    }

    fn cache(&self) -> MutexGuard<'_, HashMap<u64, Known>> {
        self.decoded.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, key: u64, known: Known) {
        let mut cache = self.cache();
        if cache.len() >= DECODED_CACHE {
            cache.clear();
        }
        cache.insert(key, known);
    }

    /// The compressed member of `run` from a known record that repeats
    /// `rel`'s fields of that run.
    fn known_run(&self, rel: &Release, run: RecordRun) -> Option<Arc<[u8]>> {
        let cache = self.cache();
        let runs = cache.values().find_map(|k| k.runs.as_ref().filter(|_| k.release.same_run(rel, run)))?;
        Some(if run == RecordRun::Chart { runs.chart.clone() } else { runs.values_and_manifest.clone() })
    }

    /// A record's stored body, reusing the runs of known records.
    fn encode(&self, rel: &Release) -> Result<(Arc<str>, ReusableRuns), StoreError> {
        let (body, runs) = encode_release_runs(rel, LOCAL_GZIP_LEVEL, |run| self.known_run(rel, run))?;
        Ok((Arc::from(body), runs))
    }

    /// Keep a record this process encoded, for the records after it.
    fn remember_encoded(&self, rel: &Release, body: Arc<str>, runs: ReusableRuns) {
        self.remember(body_key(&body), Known { body, release: rel.clone(), runs: Some(runs) });
    }
}

fn body_key(body: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// Releases in an embedded SQLite database; clones share one connection.
#[derive(Clone)]
pub struct SqliteStore {
    db: Arc<Db>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.db.path).finish()
    }
}

impl SqliteStore {
    /// Open (creating if needed) `state.db` in [`default_state_dir`].
    pub fn open_default() -> Result<SqliteStore, StoreError> {
        SqliteStore::open(default_state_dir()?.join(STATE_DB_FILE))
    }

    /// Open (creating it and its directory if needed) and migrate the database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_at_version(path.as_ref(), SCHEMA_VERSION)
    }

    /// Open, migrating only up to `target` (tests build older databases with it).
    pub(crate) fn open_at_version(path: &Path, target: i64) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A new database gets 16 KiB pages (an existing one keeps its own):
        // SQLite writes a page per system call, and records and CRDs are
        // megabytes; writing 4 MB of objects took 40% less time than with
        // 4 KiB pages.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        // WAL: readers never block the writer.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Sqlite(rusqlite::Error::InvalidParameterName(format!(
                "cannot use WAL journal (got {mode})"
            ))));
        }
        conn.pragma_update(None, "synchronous", SYNCHRONOUS)?;
        // The log is copied back by the next process that writes
        // (spawn_checkpoint); SQLite's own copy after a commit is left for
        // a process that writes much more.
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |row| row.get(0))?;
        conn.pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_AT / page_size.max(512))?;
        conn.pragma_update(None, "journal_size_limit", CHECKPOINT_AT as i64)?;
        migrate(&mut conn, path, target)?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let long_log = std::fs::metadata(&wal).is_ok_and(|m| m.len() > CHECKPOINT_AT);
        let db = Db {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            decoded: Mutex::default(),
            checkpoint: Mutex::new(if long_log { Checkpoint::Due } else { Checkpoint::Done }),
        };
        Ok(SqliteStore { db: Arc::new(db) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.db.path
    }

    /// The database's schema version.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.db.conn().query_row("SELECT version FROM schema_version", [], |row| row.get(0))?)
    }
}

/// Bring the schema to `target` in one transaction.
fn migrate(conn: &mut Connection, path: &Path, target: i64) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let found: Option<i64> = tx.query_row("SELECT version FROM schema_version", [], |row| row.get(0)).optional()?;
    let current = found.unwrap_or(0);
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { path: path.to_path_buf(), found: current, supported: SCHEMA_VERSION });
    }
    if current >= target {
        return Ok(());
    }
    for step in &MIGRATIONS[current as usize..target as usize] {
        tx.execute_batch(step)?;
    }
    if found.is_some() {
        tx.execute("UPDATE schema_version SET version = ?1", [target])?;
    } else {
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [target])?;
    }
    tx.commit()?;
    Ok(())
}

fn labels_json(labels: &BTreeMap<String, String>) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "{}".to_string())
}

/// The stored objects a `WHERE ... ORDER BY ...` clause selects from the
/// objects table, decoded.
fn query_objects(
    conn: &Connection,
    clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredObject>, StoreError> {
    let sql = format!("SELECT api_version, kind, object_namespace, object_name, body FROM release_objects {clause}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (api_version, kind, namespace, name, body) = row?;
        let body = serde_json::from_str(&body)
            .map_err(|e| StoreError::Codec(format!("stored object {kind}/{name}: {e}")))?;
        out.push(StoredObject { api_version, kind, namespace, name, body });
    }
    Ok(out)
}

fn labels_from_json(text: &str) -> Result<BTreeMap<String, String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Codec(format!("stored labels {text:?}: {e}")))
}

fn time_column(t: &super::time::GoTime) -> String {
    if t.is_zero() {
        String::new()
    } else {
        t.to_rfc3339_nano()
    }
}

fn now_seconds() -> i64 {
    now_ms() / 1000
}

/// What a change writes, encoded before its transaction starts (so the
/// write lock is held only for the writes): a record's body, or the JSON
/// of each object of a set.
enum Encoded {
    None,
    Record(Arc<str>, ReusableRuns),
    Objects(Arc<Vec<String>>),
}

/// Encode every change's data; several records are encoded in parallel, a
/// run a known record repeats is not compressed again, and an object set
/// recorded under two revisions (live and snapshot) is serialized once.
fn encode_changes(db: &Db, changes: &[Change<'_>]) -> Result<Vec<Encoded>, StoreError> {
    let encode_record = |rel: &Release| -> Result<Encoded, StoreError> {
        check_key(rel)?;
        let (body, runs) = db.encode(rel)?;
        Ok(Encoded::Record(body, runs))
    };
    let records = changes.iter().filter(|c| matches!(c, Change::Create(_) | Change::Update(_))).count();
    let mut out: Vec<Encoded> = if records > 1 {
        std::thread::scope(|s| {
            let handles: Vec<_> = changes
                .iter()
                .map(|c| match *c {
                    Change::Create(rel) | Change::Update(rel) => Some(s.spawn(move || encode_record(rel))),
                    _ => None,
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.map_or(Ok(Encoded::None), |h| h.join().expect("encoding a release panicked")))
                .collect::<Result<Vec<_>, _>>()
        })?
    } else {
        changes
            .iter()
            .map(|c| match *c {
                Change::Create(rel) | Change::Update(rel) => encode_record(rel),
                _ => Ok(Encoded::None),
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut sets: Vec<((usize, usize), Arc<Vec<String>>)> = Vec::new();
    for (change, slot) in changes.iter().zip(out.iter_mut()) {
        if let Change::RecordObjects { objects, .. } = *change {
            let id = (objects.as_ptr() as usize, objects.len());
            let bodies = match sets.iter().find(|(k, _)| *k == id) {
                Some((_, b)) => b.clone(),
                None => {
                    let bodies = objects
                        .iter()
                        .map(|o| serde_json::to_string(&o.body))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| StoreError::Codec(format!("encoding object: {e}")))?;
                    let bodies = Arc::new(bodies);
                    sets.push((id, bodies.clone()));
                    bodies
                }
            };
            *slot = Encoded::Objects(bodies);
        }
    }
    Ok(out)
}

fn apply(tx: &rusqlite::Transaction<'_>, change: &Change<'_>, encoded: &Encoded) -> Result<(), StoreError> {
    let body = match encoded {
        Encoded::Record(b, _) => &**b,
        _ => "",
    };
    match *change {
        Change::Create(rel) => {
            let inserted = tx.execute(
                "INSERT INTO releases (namespace, name, version, status, labels, first_deployed, last_deployed, created_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
                params![
                    rel.namespace,
                    rel.name,
                    rel.version,
                    rel.info.status.as_str(),
                    labels_json(&rel.labels),
                    time_column(&rel.info.first_deployed),
                    time_column(&rel.info.last_deployed),
                    now_seconds(),
                    body
                ],
            )?;
            if inserted == 0 {
                return Err(StoreError::AlreadyExists {
                    namespace: rel.namespace.clone(),
                    name: rel.name.clone(),
                    version: rel.version,
                });
            }
        }
        Change::Update(rel) => {
            let updated = tx.execute(
                "UPDATE releases SET status = ?4, labels = ?5, first_deployed = ?6, last_deployed = ?7, modified_at = ?8, body = ?9
                 WHERE namespace = ?1 AND name = ?2 AND version = ?3",
                params![
                    rel.namespace,
                    rel.name,
                    rel.version,
                    rel.info.status.as_str(),
                    labels_json(&rel.labels),
                    time_column(&rel.info.first_deployed),
                    time_column(&rel.info.last_deployed),
                    now_seconds(),
                    body
                ],
            )?;
            if updated == 0 {
                return Err(StoreError::not_found(&rel.namespace, &rel.name, Some(rel.version)));
            }
        }
        Change::Delete { namespace, name, version } => {
            let deleted = tx.execute(
                "DELETE FROM releases WHERE namespace = ?1 AND name = ?2 AND version = ?3",
                params![namespace, name, version],
            )?;
            if deleted == 0 {
                return Err(StoreError::not_found(namespace, name, Some(version)));
            }
        }
        Change::RecordObjects { namespace, release, revision, objects } => {
            tx.execute(
                "DELETE FROM release_objects WHERE namespace = ?1 AND release = ?2 AND revision = ?3",
                params![namespace, release, revision],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO release_objects (namespace, release, revision, seq, api_version, kind, object_namespace, object_name, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let Encoded::Objects(bodies) = encoded else { unreachable!("object bodies are encoded first") };
            for (seq, (obj, body)) in objects.iter().zip(bodies.iter()).enumerate() {
                insert.execute(params![
                    namespace,
                    release,
                    revision,
                    seq as i64,
                    obj.api_version,
                    obj.kind,
                    obj.namespace,
                    obj.name,
                    body
                ])?;
            }
        }
        Change::DeleteObjects { namespace, release, revision } => match revision {
            Some(rev) => {
                tx.execute(
                    "DELETE FROM release_objects WHERE namespace = ?1 AND release = ?2 AND revision = ?3",
                    params![namespace, release, rev],
                )?;
            }
            None => {
                tx.execute(
                    "DELETE FROM release_objects WHERE namespace = ?1 AND release = ?2",
                    params![namespace, release],
                )?;
            }
        },
    }
    Ok(())
}

impl Store for SqliteStore {
    fn driver_name(&self) -> &'static str {
        "local"
    }

    fn settle(&self) {
        self.db.settle();
    }

    fn prepare_to_store(&self, rel: &Release) {
        // Remembered as known, its runs serve the record's commit. A failure
        // is left to the commit to report.
        if let Ok((body, runs)) = self.db.encode(rel) {
            self.db.remember_encoded(rel, body, runs);
        }
    }

    fn commit(&self, changes: &[Change<'_>]) -> Result<(), StoreError> {
        let encoded = encode_changes(&self.db, changes)?;
        let mut conn = self.db.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (change, encoded) in changes.iter().zip(&encoded) {
            apply(&tx, change, encoded)?; // dropping `tx` on error rolls back
        }
        tx.commit()?;
        drop(conn);
        self.db.wrote();
        for (change, encoded) in changes.iter().zip(encoded) {
            if let (Change::Create(rel) | Change::Update(rel), Encoded::Record(body, runs)) = (change, encoded) {
                self.db.remember_encoded(rel, body, runs);
            }
        }
        Ok(())
    }

    fn get(&self, namespace: &str, name: &str, version: u32) -> Result<Release, StoreError> {
        let conn = self.db.conn();
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT body, labels FROM releases WHERE namespace = ?1 AND name = ?2 AND version = ?3",
                params![namespace, name, version],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (body, labels) = row.ok_or_else(|| StoreError::not_found(namespace, name, Some(version)))?;
        self.db.row_release(&body, &labels)
    }

    fn history(&self, namespace: &str, name: &str) -> Result<Vec<Release>, StoreError> {
        let conn = self.db.conn();
        let mut stmt = conn
            .prepare_cached("SELECT body, labels FROM releases WHERE namespace = ?1 AND name = ?2 ORDER BY version")?;
        let rows =
            stmt.query_map(params![namespace, name], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut history = Vec::new();
        for row in rows {
            let (body, labels) = row?;
            history.push(self.db.row_release(&body, &labels)?);
        }
        if history.is_empty() {
            return Err(StoreError::not_found(namespace, name, None));
        }
        Ok(history)
    }

    fn latest(&self, namespace: &str, name: &str) -> Result<Release, StoreError> {
        let conn = self.db.conn();
        let row: Option<(String, String)> = conn
            .query_row(
                "SELECT body, labels FROM releases WHERE namespace = ?1 AND name = ?2 ORDER BY version DESC LIMIT 1",
                params![namespace, name],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (body, labels) = row.ok_or_else(|| StoreError::not_found(namespace, name, None))?;
        self.db.row_release(&body, &labels)
    }

    fn list(&self, filter: &ListFilter) -> Result<Vec<Release>, StoreError> {
        // Filter on the indexed columns, then decode only what is selected.
        let conn = self.db.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT namespace, name, version, status, labels FROM releases
             WHERE (?1 IS NULL OR namespace = ?1) AND (?2 IS NULL OR name = ?2)",
        )?;
        let rows = stmt.query_map(params![filter.namespace, filter.name], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, u32>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut metas = Vec::new();
        for row in rows {
            let (namespace, name, version, status, labels) = row?;
            metas.push(RecordMeta {
                namespace,
                name,
                version,
                status: Status::from(status.as_str()),
                labels: labels_from_json(&labels)?,
            });
        }
        let mut get_body = conn
            .prepare_cached("SELECT body, labels FROM releases WHERE namespace = ?1 AND name = ?2 AND version = ?3")?;
        let mut out = Vec::new();
        for m in filter.select(metas) {
            let (body, labels): (String, String) =
                get_body.query_row(params![m.namespace, m.name, m.version], |row| Ok((row.get(0)?, row.get(1)?)))?;
            out.push(self.db.row_release(&body, &labels)?);
        }
        Ok(out)
    }

    fn objects(&self, namespace: &str, release: &str, revision: u32) -> Result<Vec<StoredObject>, StoreError> {
        query_objects(
            &self.db.conn(),
            "WHERE namespace = ?1 AND release = ?2 AND revision = ?3 ORDER BY seq",
            params![namespace, release, revision],
        )
    }

    fn find_objects(
        &self,
        revision: u32,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Vec<StoredObject>, StoreError> {
        query_objects(
            &self.db.conn(),
            "WHERE revision = ?1 AND kind = ?2 AND api_version = ?3
               AND (?4 = '' OR object_namespace = '' OR object_namespace = ?4)
               AND (?5 = '' OR object_name = ?5)
             ORDER BY namespace, release, seq",
            params![revision, kind, api_version, namespace, name],
        )
    }

    fn acquire_lock(&self, namespace: &str, name: &str, ttl: Duration) -> Result<LockGuard, StoreError> {
        let holder = LeaseHolder::for_this_process(ttl);
        let taken_over = {
            let mut conn = self.db.lease_conn()?;
            // IMMEDIATE takes SQLite's write lock first, so two processes
            // cannot both see the lease free.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let existing = tx
                .query_row(
                    "SELECT token, pid, pid_start, host, acquired_at, expires_at FROM leases WHERE namespace = ?1 AND name = ?2",
                    params![namespace, name],
                    |row| {
                        Ok(LeaseHolder {
                            token: row.get(0)?,
                            pid: row.get(1)?,
                            pid_start: row.get::<_, i64>(2)? as u64,
                            host: row.get(3)?,
                            acquired_at_ms: row.get(4)?,
                            expires_at_ms: row.get(5)?,
                        })
                    },
                )
                .optional()?;
            if let Some(current) = &existing {
                if !current.is_stale(now_ms()) {
                    return Err(current.busy_error(namespace, name));
                }
            }
            tx.execute(
                "INSERT OR REPLACE INTO leases (namespace, name, token, pid, pid_start, host, acquired_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    namespace,
                    name,
                    holder.token,
                    holder.pid,
                    holder.pid_start as i64,
                    holder.host,
                    holder.acquired_at_ms,
                    holder.expires_at_ms
                ],
            )?;
            tx.commit()?;
            existing
        };
        self.db.wrote();
        let backend: Arc<dyn LeaseBackend> = self.db.clone();
        Ok(LockGuard::new(namespace, name, holder, ttl, taken_over, backend))
    }
}

impl LeaseBackend for Db {
    fn renew(&self, namespace: &str, name: &str, token: &str, expires_at_ms: i64) -> Result<(), StoreError> {
        let changed = self.lease_conn()?.execute(
            "UPDATE leases SET expires_at = ?4 WHERE namespace = ?1 AND name = ?2 AND token = ?3",
            params![namespace, name, token, expires_at_ms],
        )?;
        if changed == 0 {
            return Err(StoreError::LeaseLost { namespace: namespace.to_string(), name: name.to_string() });
        }
        Ok(())
    }

    fn release(&self, namespace: &str, name: &str, token: &str) -> Result<(), StoreError> {
        let changed = self.lease_conn()?.execute(
            "DELETE FROM leases WHERE namespace = ?1 AND name = ?2 AND token = ?3",
            params![namespace, name, token],
        )?;
        if changed == 0 {
            return Err(StoreError::LeaseLost { namespace: namespace.to_string(), name: name.to_string() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_precedence() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(state_dir_from(p("/c"), p("/x"), p("/h")).unwrap(), PathBuf::from("/c"));
        assert_eq!(state_dir_from(p(""), p("/x"), p("/h")).unwrap(), PathBuf::from("/x/capstan"));
        assert_eq!(state_dir_from(None, p("rel"), p("/h")).unwrap(), PathBuf::from("/h/.local/share/capstan"));
        assert_eq!(state_dir_from(None, None, p("/h")).unwrap(), PathBuf::from("/h/.local/share/capstan"));
        assert!(state_dir_from(None, None, None).is_err());
    }

    /// New databases get large pages; a database made with SQLite's
    /// default pages keeps them and still works.
    #[test]
    fn page_size_of_new_and_existing_databases() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |store: &SqliteStore| -> i64 {
            store.db.conn().query_row("PRAGMA page_size", [], |row| row.get(0)).unwrap()
        };
        let new = SqliteStore::open(dir.path().join("new.db")).unwrap();
        assert_eq!(page_size(&new), PAGE_SIZE);

        let old_path = dir.path().join("old.db");
        Connection::open(&old_path).unwrap().execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
        let old = SqliteStore::open(&old_path).unwrap();
        assert_eq!(page_size(&old), 4096);
        let rel = Release { name: "r".into(), namespace: "ns".into(), version: 1, ..Release::default() };
        old.commit(&[Change::Create(&rel)]).unwrap();
        assert_eq!(old.get("ns", "r", 1).unwrap().version, 1);
    }

    /// Lease writes skip the sync; record writes after them still sync.
    #[test]
    fn lease_writes_leave_records_synced() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("state.db")).unwrap();
        let synchronous = |store: &SqliteStore| -> i64 {
            store.db.conn().query_row("PRAGMA synchronous", [], |row| row.get(0)).unwrap()
        };
        const FULL: i64 = 2;
        assert_eq!(synchronous(&store), FULL);
        let mut lock = store.acquire_lock("ns", "r", Duration::from_secs(60)).unwrap();
        assert_eq!(synchronous(&store), FULL);
        lock.renew().unwrap();
        assert_eq!(synchronous(&store), FULL);
        let busy = store.acquire_lock("ns", "r", Duration::from_secs(60)).unwrap_err();
        assert!(matches!(busy, StoreError::Busy { .. }), "{busy}");
        assert_eq!(synchronous(&store), FULL);
        lock.release().unwrap();
        assert_eq!(synchronous(&store), FULL);
    }

    /// A commit leaves a long log for later; the next process to write
    /// copies it back into the database in the background, and settling
    /// waits for that copy.
    #[test]
    fn the_next_writer_checkpoints_a_long_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let wal = dir.path().join("state.db-wal");
        // 6 MB of objects: past CHECKPOINT_AT, short of SQLite's own threshold.
        let objects: Vec<StoredObject> = (0..6)
            .map(|i| StoredObject {
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                namespace: "ns".into(),
                name: format!("cm{i}"),
                body: serde_json::json!({"data": {"blob": format!("{i}").repeat(1 << 20)}}),
            })
            .collect();
        let store = SqliteStore::open(&path).unwrap();
        store.record_objects("ns", "r", 1, &objects).unwrap();
        assert!(matches!(*store.db.checkpoint(), Checkpoint::Done), "nothing to copy when it opened");
        // As the CLI exits: closing the last connection would copy the log.
        std::mem::forget(store);
        assert!(size(&wal) > CHECKPOINT_AT, "the commit left the log long");
        assert!(size(&path) < 1 << 20, "and the database short: {}", size(&path));

        // A reader leaves it alone; a writer starts the copy.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.objects("ns", "r", 1).unwrap().len(), 6);
        assert!(matches!(*store.db.checkpoint(), Checkpoint::Due));
        let lock = store.acquire_lock("ns", "r", Duration::from_secs(60)).unwrap();
        store.settle();
        assert!(size(&path) > 6 << 20, "the log was copied back: {}", size(&path));
        lock.release().unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.objects("ns", "r", 1).unwrap(), objects);
    }
}
