//! `capstan test` end to end on the local target: test hooks run through
//! the hook machinery, their last runs are recorded in the release and
//! shown by `status`, `--filter` selects tests, a failing test exits 1 with
//! the hook's error, and `--logs` says the local target has no logs.
//! Expected shapes: Helm v4.1.4 pkg/cmd/release_testing.go (status with
//! notes hidden, a blank line, then `POD LOGS: NAME`), pkg/cmd/status.go
//! (TEST SUITE block), pkg/action/release_testing.go (filters, record).

mod lifecycle_support;

use std::path::Path;

use lifecycle_support::Home;
use serde_json::Value;

/// A chart with two Pod tests (`pass` runs first by weight; `fail` fails
/// when `failTest` is true), a Job test deleted when it succeeds, a
/// pre-install hook that is not a test, and notes.
fn tested_chart(dir: &Path) -> String {
    let root = dir.join("tested");
    std::fs::create_dir_all(root.join("templates/tests")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: tested\nversion: 0.1.0\n").unwrap();
    std::fs::write(root.join("values.yaml"), "failTest: true\n").unwrap();
    std::fs::write(
        root.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: b\n",
    )
    .unwrap();
    std::fs::write(
        root.join("templates/setup.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-setup\n  annotations:\n    helm.sh/hook: pre-install\n",
    )
    .unwrap();
    let pod = |name: &str, weight: i32, result: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{{{ .Release.Name }}}}-{name}\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: \"{weight}\"\n    capstan.io/local-hook-result: {result}\nspec:\n  restartPolicy: Never\n  containers:\n    - name: t\n      image: busybox\n"
        )
    };
    std::fs::write(root.join("templates/tests/pass.yaml"), pod("pass", 0, "succeed")).unwrap();
    std::fs::write(
        root.join("templates/tests/fail.yaml"),
        pod("fail", 5, "{{ if .Values.failTest }}fail{{ else }}succeed{{ end }}"),
    )
    .unwrap();
    std::fs::write(
        root.join("templates/tests/job.yaml"),
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-job\n  annotations:\n    helm.sh/hook: test-success\n    helm.sh/hook-weight: \"-1\"\n    helm.sh/hook-delete-policy: hook-succeeded\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: t\n          image: busybox\n",
    )
    .unwrap();
    std::fs::write(root.join("templates/NOTES.txt"), "Notes of {{ .Release.Name }}.\n").unwrap();
    root.to_string_lossy().into_owned()
}

/// (name, phase) of every hook that ran, from `status -o json`, in record order.
fn phases(home: &Home, name: &str) -> Vec<(String, String)> {
    let status: Value = serde_json::from_str(&home.ok(&["status", name, "-o", "json"])).unwrap();
    status["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| !h["last_run"]["phase"].as_str().unwrap_or("").is_empty())
        .map(|h| (h["name"].as_str().unwrap().to_string(), h["last_run"]["phase"].as_str().unwrap().to_string()))
        .collect()
}

/// The TEST SUITE blocks of a status text: (name, phase) in order.
fn suites(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(name) = line.strip_prefix("TEST SUITE:     ") {
            assert!(lines[i + 1].starts_with("Last Started:   "), "{text}");
            assert!(lines[i + 2].starts_with("Last Completed: "), "{text}");
            let phase = lines[i + 3].strip_prefix("Phase:          ").expect("phase line");
            out.push((name.to_string(), phase.to_string()));
        }
    }
    out
}

fn pair(name: &str, phase: &str) -> (String, String) {
    (name.to_string(), phase.to_string())
}

#[test]
fn tests_run_record_and_filter() {
    let home = Home::new();
    let chart = tested_chart(home.path());
    home.ok(&["install", "t1", &chart]);

    // Test hooks that never ran print nothing, not "TEST SUITE: None"
    // (Go: statusPrinter skips hooks whose LastRun.StartedAt is zero).
    let status = home.ok(&["status", "t1"]);
    assert!(!status.contains("TEST SUITE"), "{status}");
    assert_eq!(phases(&home, "t1"), vec![pair("t1-setup", "Succeeded")]);

    // Only the passing test: exit 0, the status with notes hidden.
    let out = home.ok(&["test", "t1", "--filter", "name=t1-pass"]);
    assert!(out.starts_with("NAME: t1\nLAST DEPLOYED: "), "{out}");
    assert!(
        out.contains("\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\n"),
        "{out}"
    );
    assert!(!out.contains("NOTES:"), "helm test hides notes: {out}");
    assert_eq!(suites(&out), vec![pair("t1-pass", "Succeeded")]);
    assert!(out.ends_with("Phase:          Succeeded\n"), "{out}");
    // Recorded in the release: skipped hooks first, then the one that ran
    // (Go: `rel.Hooks = append(skippedHooks, rel.Hooks...)`).
    assert_eq!(phases(&home, "t1"), vec![pair("t1-setup", "Succeeded"), pair("t1-pass", "Succeeded")]);
    assert_eq!(suites(&home.ok(&["status", "t1"])), vec![pair("t1-pass", "Succeeded")]);

    // All tests: the Job (weight -1) and `pass` succeed, `fail` fails.
    let run = home.run(&["test", "t1"]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8(run.stdout).unwrap();
    let err = String::from_utf8(run.stderr).unwrap();
    assert_eq!(
        err,
        "Error: hook tested/templates/tests/fail.yaml: Pod t1-fail failed: the local target fails it (capstan.io/local-hook-result: fail)\n"
    );
    let mut shown = suites(&out);
    shown.sort();
    assert_eq!(shown, vec![pair("t1-fail", "Failed"), pair("t1-job", "Succeeded"), pair("t1-pass", "Succeeded")]);
    let recorded = phases(&home, "t1");
    assert!(recorded.contains(&pair("t1-fail", "Failed")), "{recorded:?}");
    // A test never makes a new revision.
    assert_eq!(home.statuses("t1"), vec![(1, "deployed".to_string())]);

    // Excluding the failing test passes; its last (failed) run stays recorded.
    let out = home.ok(&["test", "t1", "--filter", "!name=t1-fail"]);
    assert!(suites(&out).contains(&pair("t1-fail", "Failed")), "{out}");
    assert!(suites(&out).contains(&pair("t1-pass", "Succeeded")), "{out}");
    // Several filters in one flag, comma separated.
    let out = home.ok(&["test", "t1", "--filter", "name=t1-pass,name=t1-job"]);
    assert!(suites(&out).contains(&pair("t1-job", "Succeeded")), "{out}");
}

#[test]
fn delete_policies_apply_to_tests() {
    let home = Home::new();
    let chart = tested_chart(home.path());
    home.ok(&["install", "t2", &chart, "--set", "failTest=false"]);
    home.ok(&["test", "t2"]);
    let live = home.live_objects("default", "t2");
    // `hook-succeeded` deleted the Job; the Pods keep the default
    // `before-hook-creation` and stay until the next run.
    assert!(!live.contains(&"Job/t2-job".to_string()), "{live:?}");
    assert!(live.contains(&"Pod/t2-pass".to_string()) && live.contains(&"Pod/t2-fail".to_string()), "{live:?}");
    // A second run replaces them (before-hook-creation) and passes again.
    let out = home.ok(&["test", "t2"]);
    assert_eq!(suites(&out).len(), 3, "{out}");
}

#[test]
fn logs_are_not_available_on_the_local_target() {
    let home = Home::new();
    let chart = tested_chart(home.path());
    home.ok(&["install", "t3", &chart]);
    let run = home.run(&["test", "t3", "--logs", "--filter", "name=t3-pass"]);
    let out = String::from_utf8(run.stdout).unwrap();
    let err = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(0), "the tests passed: {err}");
    // Go: a blank line after the status, then the logs.
    assert!(out.ends_with("Phase:          Succeeded\n\n"), "{out:?}");
    assert!(!out.contains("POD LOGS"), "{out}");
    assert!(err.contains("no logs for t3-pass: the local target runs no containers"), "{err}");

    // With a failing test the test's error is what fails the command.
    let run = home.run(&["test", "t3", "--logs"]);
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(err.contains("the local target runs no containers"), "{err}");
    assert!(err.ends_with("Error: hook tested/templates/tests/fail.yaml: Pod t3-fail failed: the local target fails it (capstan.io/local-hook-result: fail)\n"), "{err}");
}

#[test]
fn missing_and_invalid_releases() {
    let home = Home::new();
    assert_eq!(home.fails(&["test", "ghost"]), "Error: release: not found\n");
    // Go: ReleaseTesting.Run's name check.
    assert_eq!(home.fails(&["test", "Bad_Name"]), "Error: releaseTest: Release name is invalid: Bad_Name\n");
    // Go: require.ExactArgs(1) is a usage error.
    let run = home.run(&["test"]);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn a_release_without_tests() {
    let home = Home::new();
    let chart = lifecycle_support::webapp();
    home.ok(&["install", "plain", &chart]);
    let out = home.ok(&["test", "plain"]);
    assert!(out.ends_with("DESCRIPTION: Install complete\nTEST SUITE: None\n"), "{out}");
}
