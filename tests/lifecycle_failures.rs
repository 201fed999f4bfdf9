//! Failure paths of the release lifecycle on the local target: bad charts,
//! failing hooks, missing releases, invalid names, --rollback-on-failure,
//! with Helm's error texts (pkg/action/*.go) where Helm has one.

mod lifecycle_support;

use lifecycle_support::{hooked_chart, webapp, Home};

#[test]
fn bad_charts_record_nothing() {
    let home = Home::new();
    let err = home.fails(&["install", "x", "/nonexistent/chart"]);
    assert_eq!(err, "Error: INSTALLATION FAILED: path \"/nonexistent/chart\" not found\n");

    // A template that does not render.
    let dir = home.path().join("broken");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: broken\nversion: 0.1.0\n").unwrap();
    std::fs::write(dir.join("templates/cm.yaml"), "kind: ConfigMap\n{{ .Values.nope.deeper }}\n").unwrap();
    let err = home.fails(&["install", "x", dir.to_str().unwrap()]);
    assert!(err.contains("nil pointer evaluating interface {}.deeper"), "{err}");
    // A manifest that is not a Kubernetes object.
    std::fs::write(dir.join("templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\ndata: {}\n").unwrap();
    let err = home.fails(&["install", "x", dir.to_str().unwrap()]);
    assert!(err.contains("unable to build kubernetes objects from release manifest"), "{err}");
    assert_eq!(home.fails(&["history", "x"]), "Error: release: not found\n");

    // An upgrade with a broken chart leaves the release as it was.
    home.ok(&["install", "ok", &webapp()]);
    // Helm locates the chart before the upgrade starts: no "UPGRADE FAILED".
    let err = home.fails(&["upgrade", "ok", "/nonexistent/chart"]);
    assert_eq!(err, "Error: path \"/nonexistent/chart\" not found\n");
    assert_eq!(home.statuses("ok"), vec![(1, "deployed".to_string())]);
}

#[test]
fn names_are_validated_like_helm() {
    let home = Home::new();
    let err = home.fails(&["install", "Bad_Name", &webapp()]);
    assert_eq!(
        err,
        "Error: INSTALLATION FAILED: release name check failed: release name \"Bad_Name\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53\n"
    );
    let long = "a".repeat(54);
    home.fails(&["install", &long, &webapp()]);
    assert_eq!(home.fails(&["upgrade", "Bad", &webapp()]), "Error: UPGRADE FAILED: release name is invalid: Bad\n");
    assert_eq!(home.fails(&["status", "Bad"]), "Error: releaseContent: Release name is invalid: Bad\n");
    let err = home.fails(&["install", "x", &webapp(), "-l", "owner=me"]);
    assert!(err.contains("user supplied labels contains system reserved label name"), "{err}");
}

#[test]
fn missing_releases() {
    let home = Home::new();
    let chart = webapp();
    assert_eq!(
        home.fails(&["upgrade", "ghost", &chart]),
        "Error: UPGRADE FAILED: \"ghost\" has no deployed releases\n"
    );
    assert_eq!(home.fails(&["rollback", "ghost"]), "Error: release: not found\n");
    assert_eq!(home.fails(&["status", "ghost"]), "Error: release: not found\n");
    assert_eq!(home.fails(&["get", "values", "ghost"]), "Error: release: not found\n");
    assert_eq!(
        home.fails(&["uninstall", "ghost"]),
        "Error: uninstall: Release not loaded: ghost: release: not found\n"
    );
    assert_eq!(home.ok(&["uninstall", "ghost", "--ignore-not-found"]), "release \"ghost\" uninstalled\n");
    home.ok(&["install", "real", &chart]);
    assert_eq!(home.fails(&["rollback", "real", "7"]), "Error: release has no 7 version\n");
    assert_eq!(home.fails(&["status", "real", "--revision", "7"]), "Error: release: not found\n");
    assert_eq!(
        home.fails(&["rollback", "real", "x"]),
        "Error: could not convert revision to a number: strconv.Atoi: parsing \"x\": invalid syntax\n"
    );
    // The name is in use.
    let err = home.fails(&["install", "real", &chart]);
    assert_eq!(
        err,
        "Error: INSTALLATION FAILED: release name check failed: cannot reuse a name that is still in use\n"
    );
}

#[test]
fn failing_hooks_fail_the_release() {
    let home = Home::new();
    let chart = hooked_chart(home.path());

    // A failing pre-install hook: the release is recorded failed, nothing applied.
    let err = home.fails(&["install", "h", &chart, "--set", "hooks.preInstall=fail"]);
    assert!(err.starts_with("Error: INSTALLATION FAILED: failed pre-install: hook hooked/templates/hooks.yaml: Job h-pre-install-a failed"), "{err}");
    assert_eq!(home.statuses("h"), vec![(1, "failed".to_string())]);
    let history = home.history("h");
    assert!(history[0]["description"].as_str().unwrap().starts_with("Release \"h\" failed: failed pre-install: "));
    assert!(!home.live_objects("default", "h").contains(&"ConfigMap/h-cm".to_string()));
    // The failed hook ran first (weight -5) and stopped the next one.
    let rel: serde_json::Value = serde_json::from_str(&home.ok(&["status", "h", "-o", "json"])).unwrap();
    let phase = |n: &str| {
        rel["hooks"].as_array().unwrap().iter().find(|h| h["name"] == n).unwrap()["last_run"]["phase"].clone()
    };
    assert_eq!(phase("h-pre-install-a"), "Failed");
    assert_eq!(phase("h-pre-install-b"), "");

    // A first install that failed can be upgraded (Helm says "has no deployed releases").
    let out = home.ok(&["upgrade", "h", &chart]);
    assert!(out.contains("STATUS: deployed\nREVISION: 2\n"), "{out}");
    assert_eq!(home.statuses("h"), vec![(1, "superseded".to_string()), (2, "deployed".to_string())]);

    // A failing post-upgrade hook: objects applied, revision failed, the
    // previous one stays deployed.
    let err = home.fails(&["upgrade", "h", &chart, "--set", "hooks.postUpgrade=fail", "--set", "message=new"]);
    assert!(err.starts_with("Error: UPGRADE FAILED: post-upgrade hooks failed: hook hooked/templates/hooks.yaml: Job h-post-upgrade failed"), "{err}");
    assert_eq!(
        home.statuses("h"),
        vec![(1, "superseded".to_string()), (2, "deployed".to_string()), (3, "failed".to_string())]
    );
    assert!(home.history("h")[2]["description"]
        .as_str()
        .unwrap()
        .starts_with("Upgrade \"h\" failed: post-upgrade hooks failed"));

    // Upgrading a failed release works.
    home.ok(&["upgrade", "h", &chart]);
    assert_eq!(home.statuses("h").last().unwrap(), &(4, "deployed".to_string()));
    assert_eq!(home.statuses("h").iter().filter(|(_, s)| s == "deployed").count(), 1);

    // The upgrade without values reused the deployed revision's (Go: reuseValues).
    assert_eq!(home.ok(&["get", "values", "h", "-o", "json"]), "{\"hooks\":{\"preInstall\":\"fail\"}}\n");
    home.ok(&["uninstall", "h"]);
}

#[test]
fn failing_pre_delete_hook_keeps_the_release() {
    let home = Home::new();
    let chart = hooked_chart(home.path());
    home.ok(&["install", "d", &chart, "--set", "hooks.preDelete=fail"]);
    let err = home.fails(&["uninstall", "d"]);
    assert!(err.contains("Job d-pre-delete failed"), "{err}");
    assert_eq!(home.statuses("d"), vec![(1, "deployed".to_string())]);
    assert!(home.live_objects("default", "d").contains(&"ConfigMap/d-cm".to_string()));
    home.ok(&["uninstall", "d", "--no-hooks", "--keep-history"]);
    assert_eq!(home.statuses("d"), vec![(1, "uninstalled".to_string())]);
    assert_eq!(home.ok(&["list", "-q", "--uninstalled"]), "d\n");
    assert_eq!(
        home.fails(&["uninstall", "d", "--keep-history"]),
        "Error: the release named \"d\" is already deleted\n"
    );
    // An uninstalled release can be installed again with --replace, which
    // supersedes the old revision (Go: replaceRelease).
    home.fails(&["install", "d", &chart]);
    home.ok(&["install", "d", &chart, "--replace"]);
    assert_eq!(home.statuses("d"), vec![(1, "superseded".to_string()), (2, "deployed".to_string())]);
    assert_eq!(home.history("d")[0]["description"], "superseded by new release");
    // Uninstalling again purges the whole history.
    home.ok(&["uninstall", "d"]);
    home.fails(&["history", "d"]);
}

#[test]
fn rollback_on_failure() {
    let home = Home::new();
    let chart = hooked_chart(home.path());

    // install: the failed release is uninstalled.
    let err = home.fails(&["install", "a", &chart, "--set", "hooks.postInstall=fail", "--rollback-on-failure"]);
    assert!(
        err.starts_with("Error: INSTALLATION FAILED: release a failed, and has been uninstalled due to rollback-on-failure being set: failed post-install: "),
        "{err}"
    );
    assert_eq!(home.fails(&["history", "a"]), "Error: release: not found\n");
    assert!(!home.live_objects("default", "a").contains(&"ConfigMap/a-cm".to_string()));

    // upgrade (--atomic is the old name): rolled back to the last good revision.
    home.ok(&["install", "b", &chart]);
    let err =
        home.fails(&["upgrade", "b", &chart, "--set", "hooks.preUpgrade=fail", "--set", "extra=true", "--atomic"]);
    assert!(
        err.starts_with("Error: UPGRADE FAILED: release b failed, and has been rolled back due to rollback-on-failure being set: pre-upgrade hooks failed: "),
        "{err}"
    );
    let history = home.history("b");
    let summary: Vec<(String, String)> = history
        .iter()
        .map(|h| (h["status"].as_str().unwrap().to_string(), h["description"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(summary[0], ("superseded".to_string(), "Install complete".to_string()));
    assert_eq!(summary[1].0, "failed");
    assert_eq!(summary[2], ("deployed".to_string(), "Rollback to 1".to_string()));

    // --cleanup-on-fail removes what the failed upgrade created.
    let err = home.fails(&[
        "upgrade",
        "b",
        &chart,
        "--set",
        "hooks.postUpgrade=fail",
        "--set",
        "extra=true",
        "--cleanup-on-fail",
    ]);
    assert!(err.contains("post-upgrade hooks failed"), "{err}");
    assert!(!home.live_objects("default", "b").contains(&"Secret/b-extra".to_string()));
}
