//! Releases Helm wrote work with capstan: the r-nginx records of
//! ../shared/corpus/releases (install, upgrade --set replicaCount=2,
//! rollback 1, written by helm v4.1.4) are put in the local store, then
//! read (history, status, get) and changed (upgrade, rollback, uninstall)
//! by the binary. Skipped, visibly, when the corpus is absent.

mod lifecycle_support;

use std::path::PathBuf;

use capstan::release::{decode_release, SqliteStore, Store};
use lifecycle_support::Home;
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let dir = if dir.exists() { dir } else { PathBuf::from("/work/shared/corpus") };
    dir.join("releases").exists().then_some(dir)
}

/// A Secret's `data.release` decoded into a record.
fn record(path: &std::path::Path) -> capstan::release::Release {
    use base64::Engine;
    let secret: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let helm_encoded =
        base64::engine::general_purpose::STANDARD.decode(secret["data"]["release"].as_str().unwrap()).unwrap();
    decode_release(std::str::from_utf8(&helm_encoded).unwrap()).unwrap()
}

#[test]
fn helm_records_are_read_and_upgraded() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/releases not found");
        return;
    };
    let home = Home::new();
    let store = SqliteStore::open(home.state_db()).unwrap();
    for v in 1..=3 {
        store.create(&record(&corpus.join(format!("releases/sh.helm.release.v1.r-nginx.v{v}.secret.json")))).unwrap();
    }
    drop(store);
    let ns = ["-n", "b-nginx"];
    let with_ns = |args: &[&str]| -> Vec<String> { args.iter().chain(ns.iter()).map(|s| s.to_string()).collect() };
    let run = |args: &[&str]| {
        let owned = with_ns(args);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        home.ok(&refs)
    };

    // What helm history -o json prints for these records.
    assert_eq!(
        run(&["history", "r-nginx", "-o", "json"]),
        "[{\"revision\":1,\"updated\":\"2026-11-27T13:33:18.791054942Z\",\"status\":\"superseded\",\"chart\":\"nginx-22.1.1\",\"app_version\":\"1.29.1\",\"description\":\"Install complete\"},\
{\"revision\":2,\"updated\":\"2026-11-27T13:44:22.839114656Z\",\"status\":\"superseded\",\"chart\":\"nginx-22.1.1\",\"app_version\":\"1.29.1\",\"description\":\"Upgrade complete\"},\
{\"revision\":3,\"updated\":\"2026-11-27T13:44:23.320234424Z\",\"status\":\"deployed\",\"chart\":\"nginx-22.1.1\",\"app_version\":\"1.29.1\",\"description\":\"Rollback to 1\"}]\n"
    );
    let table = run(&["history", "r-nginx"]);
    assert!(
        table.contains(
            "\n3       \tFri Nov 27 13:44:23 2026\tdeployed  \tnginx-22.1.1\t1.29.1     \tRollback to 1   \n"
        ),
        "{table}"
    );
    assert_eq!(run(&["get", "values", "r-nginx", "--revision", "2"]), "USER-SUPPLIED VALUES:\nreplicaCount: 2\n");
    assert_eq!(run(&["get", "values", "r-nginx"]), "USER-SUPPLIED VALUES:\nnull\n");
    let status = run(&["status", "r-nginx"]);
    assert!(status.starts_with("NAME: r-nginx\nLAST DEPLOYED: Fri Nov 27 13:44:23 2026\nNAMESPACE: b-nginx\nSTATUS: deployed\nREVISION: 3\nDESCRIPTION: Rollback to 1\nTEST SUITE: None\nNOTES:\nCHART NAME: nginx\n"), "{status}");
    assert_eq!(run(&["list", "-o", "json"]).matches("\"revision\":\"3\"").count(), 1);
    let md = run(&["get", "metadata", "r-nginx"]);
    assert!(md.contains("DEPENDENCIES: common\n") && md.contains("DEPLOYED_AT: 2026-11-27T13:44:23Z\n"), "{md}");

    // capstan changes Helm's release: upgrade with the same chart, roll back.
    let chart = corpus.join("helm/charts/nginx");
    run(&["upgrade", "r-nginx", chart.to_str().unwrap(), "--set", "replicaCount=3"]);
    run(&["rollback", "r-nginx", "2"]);
    let history: Vec<(u64, String)> = home
        .history_in("r-nginx", "b-nginx")
        .iter()
        .map(|h| (h["revision"].as_u64().unwrap(), h["status"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        history,
        vec![
            (1, "superseded".into()),
            (2, "superseded".into()),
            (3, "superseded".into()),
            (4, "superseded".into()),
            (5, "deployed".into())
        ]
    );
    assert_eq!(run(&["get", "values", "r-nginx", "-o", "json"]), "{\"replicaCount\":2}\n");
    let text = run(&["diff", "revision", "r-nginx", "4", "5"]);
    assert!(text.contains("-  replicas: 3\n+  replicas: 2\n"), "{text}");
    run(&["uninstall", "r-nginx"]);
    assert_eq!(run(&["list", "-q"]), "");
}
