//! Operation leases across processes on the `local` store: two processes
//! racing for one release's lease (exactly one wins), and a holder killed
//! with SIGKILL whose lease the next operation takes over.
//!
//! The test binary re-runs itself as the child process (`lease_child`,
//! which does nothing unless CAPSTAN_TEST_LEASE_DB is set).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use capstan::release::{SqliteStore, Store};

const DB: &str = "CAPSTAN_TEST_LEASE_DB";
const GO: &str = "CAPSTAN_TEST_LEASE_GO";
const HOLD_MS: &str = "CAPSTAN_TEST_LEASE_HOLD_MS";

/// Child side: say it is ready, wait for the go file, try the lease, say what happened,
/// hold it for HOLD_MS, exit.
#[test]
fn lease_child() {
    let Some(db) = std::env::var_os(DB) else { return };
    if let Some(go) = std::env::var_os(GO) {
        // Tell the parent this child is ready, then wait for the start signal.
        let ready = PathBuf::from(&go).with_file_name(format!("ready-{}", std::process::id()));
        std::fs::write(ready, b"").unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !Path::new(&go).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let store = SqliteStore::open(PathBuf::from(db)).unwrap();
    match store.acquire_lock("ns", "app", Duration::from_secs(3600)) {
        Ok(guard) => {
            println!("LEASE ACQUIRED pid={}", std::process::id());
            let hold: u64 = std::env::var(HOLD_MS).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
            std::thread::sleep(Duration::from_millis(hold));
            drop(guard);
        }
        Err(e) if e.is_busy() => println!("LEASE BUSY {e}"),
        Err(e) => println!("LEASE ERROR {e}"),
    }
}

fn spawn_child(db: &Path, go: Option<&Path>, hold_ms: u64) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["lease_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(DB, db)
        .env(HOLD_MS, hold_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(go) = go {
        cmd.env(GO, go);
    }
    cmd.spawn().unwrap()
}

/// The child's `LEASE ...` line (reads until it appears).
fn lease_line(child: &mut Child) -> String {
    let stdout = child.stdout.as_mut().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("child exited without reporting");
        }
        if let Some(at) = line.find("LEASE ") {
            return line[at..].trim().to_string();
        }
    }
}

#[test]
fn two_processes_race_for_one_lease() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    SqliteStore::open(&db).unwrap(); // create the schema once
    let go = dir.path().join("go");
    let mut children: Vec<Child> = (0..2).map(|_| spawn_child(&db, Some(&go), 1500)).collect();
    // Start both at once, once both are up.
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("ready-"))
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "children did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::fs::write(&go, b"").unwrap();
    let lines: Vec<String> = children.iter_mut().map(lease_line).collect();
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
    let acquired = lines.iter().filter(|l| l.starts_with("LEASE ACQUIRED")).count();
    let busy = lines.iter().filter(|l| l.starts_with("LEASE BUSY")).count();
    assert_eq!((acquired, busy), (1, 1), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("another operation (install/upgrade/rollback) is in progress")));
    // Both have exited and released: the lease is free.
    SqliteStore::open(&db).unwrap().acquire_lock("ns", "app", Duration::from_secs(5)).unwrap();
}

#[test]
fn a_killed_holder_lease_is_taken_over() {
    // Telling a dead holder from a live one needs /proc (else: lease expiry).
    if !cfg!(target_os = "linux") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    let mut holder = spawn_child(&db, None, 60_000);
    let line = lease_line(&mut holder);
    assert!(line.starts_with("LEASE ACQUIRED"), "{line}");
    let store = SqliteStore::open(&db).unwrap();
    // While it runs, the lease (valid for an hour) is busy.
    assert!(store.acquire_lock("ns", "app", Duration::from_secs(60)).unwrap_err().is_busy());
    holder.kill().unwrap(); // SIGKILL: no cleanup runs
    holder.wait().unwrap();
    let guard = store.acquire_lock("ns", "app", Duration::from_secs(60)).expect("a dead holder's lease is taken over");
    assert_eq!(guard.taken_over().map(|h| h.pid), Some(holder.id()));
}
