//! One operation per release: a second operation fails at once while one
//! runs, two racing upgrades leave exactly one deployed revision, and an
//! operation killed with SIGKILL mid-upgrade is recovered by the next
//! operation or by `capstan recover` (never Helm's permanent "another
//! operation is in progress").
//!
//! `CAPSTAN_TEST_PAUSE_AT=after-pending:MS` makes an operation sleep right
//! after it recorded its pending revision.

mod lifecycle_support;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use lifecycle_support::{webapp, Home};

fn spawn(home: &Home, args: &[&str], pause_ms: u64) -> Child {
    let mut cmd = home.std_cmd();
    cmd.args(args)
        .env("CAPSTAN_TEST_PAUSE_AT", format!("after-pending:{pause_ms}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait until the latest revision has `status`.
fn wait_for_status(home: &Home, name: &str, status: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = home.run(&["history", name, "-o", "json"]);
        if out.status.success() {
            let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            if h.as_array().and_then(|a| a.last()).is_some_and(|r| r["status"] == status) {
                return;
            }
        }
        assert!(Instant::now() < deadline, "release {name} never reached {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn finish(child: Child) -> (bool, String) {
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_second_operation_fails_at_once() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "busy", &chart]);
    let mut child = spawn(&home, &["upgrade", "busy", &chart, "--set", "replicaCount=2"], 60_000);
    wait_for_status(&home, "busy", "pending-upgrade");

    for args in [
        vec!["upgrade", "busy", chart.as_str()],
        vec!["rollback", "busy", "1"],
        vec!["uninstall", "busy"],
        vec!["install", "busy", chart.as_str(), "--replace"],
        vec!["recover", "busy"],
    ] {
        let started = Instant::now();
        let err = home.fails(&args);
        assert!(
            err.contains(
                "another operation (install/upgrade/rollback) is in progress for release \"busy\" in namespace \"default\" (held by pid "
            ),
            "{args:?}: {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?}: refused at once, not after waiting");
    }
    // Reading is not blocked.
    home.ok(&["status", "busy"]);
    assert_eq!(home.statuses("busy"), vec![(1, "deployed".to_string()), (2, "pending-upgrade".to_string())]);

    child.kill().unwrap();
    child.wait().unwrap();
    home.ok(&["recover", "busy"]);
    assert_eq!(home.statuses("busy"), vec![(1, "deployed".to_string()), (2, "failed".to_string())]);
}

#[test]
fn two_concurrent_upgrades_leave_one_deployed_revision() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "race", &chart]);
    let a = spawn(&home, &["upgrade", "race", &chart, "--set", "replicaCount=2"], 1000);
    let b = spawn(&home, &["upgrade", "race", &chart, "--set", "replicaCount=3"], 1000);
    let results = [finish(a), finish(b)];
    let winners = results.iter().filter(|(ok, _)| *ok).count();
    assert!(winners >= 1, "{results:?}");
    for (ok, stderr) in &results {
        if !ok {
            assert!(stderr.contains("another operation (install/upgrade/rollback) is in progress"), "{stderr}");
        }
    }
    let statuses = home.statuses("race");
    // Revisions are 1..=n with no gap, exactly one deployed (the latest),
    // the others superseded.
    let revisions: Vec<u64> = statuses.iter().map(|(r, _)| *r).collect();
    assert_eq!(revisions, (1..=1 + winners as u64).collect::<Vec<_>>(), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|(_, s)| s == "deployed").count(), 1, "{statuses:?}");
    assert_eq!(statuses.last().unwrap().1, "deployed");
    assert!(statuses[..statuses.len() - 1].iter().all(|(_, s)| s == "superseded"), "{statuses:?}");
}

#[test]
fn an_upgrade_killed_midway_is_taken_over_by_the_next_operation() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "crash", &chart]);
    let mut child = spawn(&home, &["upgrade", "crash", &chart, "--set", "replicaCount=5"], 60_000);
    wait_for_status(&home, "crash", "pending-upgrade");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // The store is consistent: revision 2 is left pending, nothing is broken.
    assert_eq!(home.statuses("crash"), vec![(1, "deployed".to_string()), (2, "pending-upgrade".to_string())]);

    // The next operation takes over the dead holder's lock at once and settles revision 2.
    let started = Instant::now();
    let out = home.run(&["upgrade", "crash", &chart, "--set", "replicaCount=6"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() < Duration::from_secs(10));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("recovered release \"crash\": revision 2 was left pending-upgrade by an interrupted operation"),
        "{stderr}"
    );
    let history = home.history("crash");
    let summary: Vec<(&str, &str)> =
        history.iter().map(|h| (h["status"].as_str().unwrap(), h["description"].as_str().unwrap())).collect();
    assert_eq!(summary[0], ("superseded", "Install complete"));
    assert_eq!(summary[1].0, "failed");
    assert!(summary[1].1.starts_with("Interrupted: the operation by pid "), "{}", summary[1].1);
    assert_eq!(summary[2], ("deployed", "Upgrade complete"));
    assert_eq!(home.ok(&["get", "values", "crash", "-o", "json"]), "{\"replicaCount\":6}\n");
}

#[test]
fn recover_settles_a_killed_operation() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "rec", &chart]);
    home.ok(&["upgrade", "rec", &chart, "--set", "replicaCount=2"]);
    let mut child = spawn(&home, &["rollback", "rec", "1"], 60_000);
    wait_for_status(&home, "rec", "pending-rollback");
    child.kill().unwrap();
    child.wait().unwrap();

    let out = home.ok(&["recover", "rec"]);
    assert!(out.starts_with("took over the lock of release \"rec\" left by pid "), "{out}");
    assert!(out.ends_with("revision 3 of release \"rec\" was pending-rollback: marked failed\n"), "{out}");
    assert_eq!(
        home.statuses("rec"),
        vec![(1, "superseded".to_string()), (2, "deployed".to_string()), (3, "failed".to_string())]
    );
    assert_eq!(home.ok(&["recover", "rec"]), "release \"rec\" has no interrupted operation\n");
    assert_eq!(home.fails(&["recover", "nothing-here"]), "Error: release: not found\n");
    // And the release works on.
    home.ok(&["rollback", "rec", "1"]);
    assert_eq!(home.statuses("rec").last().unwrap(), &(4, "deployed".to_string()));
    assert_eq!(home.ok(&["list", "-q", "--deployed"]), "rec\n");
}
