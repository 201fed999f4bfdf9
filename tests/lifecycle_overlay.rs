//! `--overlay DIR` on install, upgrade and diff: the kustomization
//! post-renders the chart's templates (Helm 4's post-renderer contract,
//! pkg/action/action.go renderResources), and what it produces is what the
//! release records and the target holds.

mod lifecycle_support;

use lifecycle_support::{hooked_chart, webapp, Home};
use serde_json::Value;

fn overlay(home: &Home, name: &str, kustomization: &str) -> String {
    let dir = home.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("kustomization.yaml"), kustomization).unwrap();
    dir.to_string_lossy().into_owned()
}

#[test]
fn install_and_upgrade_record_the_overlay_output() {
    let home = Home::new();
    let prod = overlay(
        &home,
        "prod",
        "namePrefix: prod-\ncommonLabels:\n  env: prod\npatches:\n- target:\n    kind: Deployment\n  patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 3\n",
    );
    home.ok(&["install", "demo", &webapp(), "--overlay", &prod]);
    assert_eq!(
        home.live_objects("default", "demo"),
        vec![
            "ServiceAccount/prod-demo-webapp",
            "ConfigMap/prod-demo-webapp",
            "Service/prod-demo-webapp",
            "Deployment/prod-demo-webapp"
        ],
        "the overlay's objects, still in install order"
    );
    let manifest = home.ok(&["get", "manifest", "demo"]);
    // Source lines still name the templates; the file annotation is gone.
    assert!(
        manifest.contains("# Source: webapp/templates/deployment.yaml\n"),
        "{manifest}"
    );
    assert!(manifest.contains("  replicas: 3\n"), "{manifest}");
    assert!(manifest.contains("env: prod"), "{manifest}");
    assert!(!manifest.contains("postrender-filename"), "{manifest}");

    // diff upgrade with the same overlay: nothing changes; without it, every
    // object is renamed back.
    let same = home.run(&[
        "diff",
        "upgrade",
        "demo",
        &webapp(),
        "--overlay",
        &prod,
        "--detailed-exitcode",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stdout));
    let changed = home.run(&["diff", "upgrade", "demo", &webapp(), "--detailed-exitcode"]);
    assert_eq!(changed.status.code(), Some(2), "diff exits 2 when something changes");

    // An upgrade without the overlay replaces the prefixed objects.
    home.ok(&["upgrade", "demo", &webapp()]);
    assert_eq!(
        home.live_objects("default", "demo"),
        vec![
            "ServiceAccount/demo-webapp",
            "ConfigMap/demo-webapp",
            "Service/demo-webapp",
            "Deployment/demo-webapp"
        ]
    );
    // Rolling back to revision 1 brings back what the overlay produced.
    home.ok(&["rollback", "demo", "1"]);
    assert!(home
        .live_objects("default", "demo")
        .contains(&"Deployment/prod-demo-webapp".to_string()));
}

#[test]
fn hooks_go_through_the_overlay_and_stay_hooks() {
    let home = Home::new();
    let chart = hooked_chart(home.path());
    // Patch one hook's weight and label every object, hooks included.
    let dir = overlay(
        &home,
        "hooks",
        "commonLabels:\n  team: a\npatches:\n- target:\n    kind: Job\n    name: h-pre-install-b\n  patch: |\n    - op: replace\n      path: /metadata/annotations/helm.sh~1hook-weight\n      value: \"-10\"\n",
    );
    home.ok(&["install", "h", &chart, "--overlay", &dir]);
    let rel: Value = serde_json::from_str(&home.ok(&["status", "h", "-o", "json"])).unwrap();
    let hooks = rel["hooks"].as_array().unwrap();
    let hook = |name: &str| hooks.iter().find(|h| h["name"] == name).unwrap().clone();
    assert_eq!(hook("h-pre-install-b")["weight"], -10);
    assert!(hook("h-pre-install-b")["manifest"]
        .as_str()
        .unwrap()
        .contains("team: a"));
    // The patched weight now runs b before a.
    let (a, b) = (
        hook("h-pre-install-a")["last_run"].clone(),
        hook("h-pre-install-b")["last_run"].clone(),
    );
    assert!(
        b["completed_at"].as_str().unwrap() <= a["started_at"].as_str().unwrap(),
        "{a} {b}"
    );
    assert!(home.ok(&["get", "manifest", "h"]).contains("team: a"));
}

#[test]
fn a_broken_overlay_fails_before_anything_is_recorded() {
    let home = Home::new();
    let bad = overlay(&home, "bad", "resources:\n- missing.yaml\n");
    let err = home.fails(&["install", "demo", &webapp(), "--overlay", &bad]);
    assert!(
        err.contains("INSTALLATION FAILED") && err.contains("applying the overlay in") && err.contains("missing.yaml"),
        "{err}"
    );
    home.fails(&["history", "demo"]);
    let err = home.fails(&["install", "demo", &webapp(), "--post-renderer", "kustomize"]);
    assert!(
        err.contains("--post-renderer programs are not supported; use --overlay DIR"),
        "{err}"
    );
}
