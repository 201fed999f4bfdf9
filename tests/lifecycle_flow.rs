//! The release lifecycle end to end on the local target: install →
//! upgrade → rollback → history → uninstall, with Helm's output shapes
//! (pkg/cmd/history.go releaseInfo, list.go releaseElement, status.go,
//! get_values.go, get_metadata.go) and the objects the target records.

mod lifecycle_support;

use lifecycle_support::{hooked_chart, webapp, Home};
use serde_json::Value;

#[test]
fn install_upgrade_rollback_history_uninstall() {
    let home = Home::new();
    let chart = webapp();

    let out = home.ok(&["install", "demo", &chart]);
    assert!(out.starts_with("NAME: demo\nLAST DEPLOYED: "), "{out}");
    assert!(out.contains("\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE: None\nNOTES:\nwebapp 1.27.0 is deployed as release \"demo\" in namespace \"default\"."), "{out}");
    assert_eq!(
        home.live_objects("default", "demo"),
        vec!["ServiceAccount/demo-webapp", "ConfigMap/demo-webapp", "Service/demo-webapp", "Deployment/demo-webapp"],
        "objects recorded in install order"
    );

    let out = home.ok(&["upgrade", "demo", &chart, "--set", "replicaCount=3", "--set", "ingress.enabled=true"]);
    assert!(out.starts_with("Release \"demo\" has been upgraded. Happy Helming!\nNAME: demo\n"), "{out}");
    assert!(out.contains("REVISION: 2\nDESCRIPTION: Upgrade complete\n"), "{out}");
    assert!(home.live_objects("default", "demo").contains(&"Ingress/demo-webapp".to_string()));

    // Values reuse: an upgrade without values keeps the previous ones (Go: reuseValues).
    assert_eq!(
        home.ok(&["get", "values", "demo", "-o", "json"]),
        "{\"ingress\":{\"enabled\":true},\"replicaCount\":3}\n"
    );

    let out = home.ok(&["rollback", "demo", "1"]);
    assert_eq!(out, "Rollback was a success! Happy Helming!\n");
    // The Ingress the chart dropped is deleted from the target.
    assert!(!home.live_objects("default", "demo").contains(&"Ingress/demo-webapp".to_string()));

    let history = home.history("demo");
    let summary: Vec<(u64, &str, &str)> = history
        .iter()
        .map(|h| (h["revision"].as_u64().unwrap(), h["status"].as_str().unwrap(), h["description"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "superseded", "Install complete"),
            (2, "superseded", "Upgrade complete"),
            (3, "deployed", "Rollback to 1")
        ]
    );
    assert_eq!(home.ok(&["get", "values", "demo"]), "USER-SUPPLIED VALUES:\nnull\n");
    assert_eq!(
        home.ok(&["get", "values", "demo", "--revision", "2"]),
        "USER-SUPPLIED VALUES:\ningress:\n  enabled: true\nreplicaCount: 3\n"
    );

    // Table history: uitable columns (every cell padded, tab separated).
    let table = home.ok(&["history", "demo"]);
    let first = table.lines().next().unwrap();
    assert!(
        first.starts_with("REVISION\tUPDATED                 \tSTATUS    \tCHART       \tAPP VERSION\tDESCRIPTION"),
        "{first:?}"
    );
    assert_eq!(table.lines().count(), 4);

    let out = home.ok(&["uninstall", "demo"]);
    assert_eq!(out, "release \"demo\" uninstalled\n");
    assert!(home.live_objects("default", "demo").is_empty());
    let err = home.fails(&["history", "demo"]);
    assert_eq!(err, "Error: release: not found\n");
    assert_eq!(home.ok(&["list", "-q"]), "");
}

#[test]
fn json_output_shapes_match_helm() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "demo", &chart, "-n", "web", "--set", "replicaCount=2", "-l", "team=blue"]);

    // history -o json: [{"revision","updated","status","chart","app_version","description"}].
    let raw = home.ok(&["history", "demo", "-n", "web", "-o", "json"]);
    assert!(raw.starts_with("[{\"revision\":1,\"updated\":\""), "{raw}");
    assert!(
        raw.ends_with("\",\"status\":\"deployed\",\"chart\":\"webapp-0.1.0\",\"app_version\":\"1.27.0\",\"description\":\"Install complete\"}]\n"),
        "{raw}"
    );

    // list -o json: revision is a string; updated is Go's time.String().
    let raw = home.ok(&["list", "-n", "web", "-o", "json"]);
    assert!(raw.starts_with("[{\"name\":\"demo\",\"namespace\":\"web\",\"revision\":\"1\",\"updated\":\""), "{raw}");
    assert!(
        raw.ends_with(" +0000 UTC\",\"status\":\"deployed\",\"chart\":\"webapp-0.1.0\",\"app_version\":\"1.27.0\"}]\n"),
        "{raw}"
    );
    assert_eq!(home.ok(&["list", "-n", "web", "-q", "-o", "json"]), "[\"demo\"]\n");
    assert_eq!(home.ok(&["list", "-q", "-o", "json"]), "[]\n", "nothing in namespace default");
    assert_eq!(home.ok(&["list", "-A", "-q"]), "demo\n");
    assert_eq!(home.ok(&["list", "-A", "-q", "-l", "team=blue"]), "demo\n");
    assert_eq!(home.ok(&["list", "-A", "-q", "-l", "team=red"]), "");
    assert_eq!(home.ok(&["list", "-A", "-q", "-f", "^de"]), "demo\n");
    assert_eq!(home.ok(&["list", "-A", "-q", "--failed"]), "");
    let yaml = home.ok(&["list", "-A", "-o", "yaml"]);
    assert!(
        yaml.starts_with(
            "- app_version: 1.27.0\n  chart: webapp-0.1.0\n  name: demo\n  namespace: web\n  revision: \"1\"\n"
        ),
        "{yaml}"
    );

    // status -o json: the release record without its chart.
    let status: Value = serde_json::from_str(&home.ok(&["status", "demo", "-n", "web", "-o", "json"])).unwrap();
    assert_eq!(status["name"], "demo");
    assert_eq!(status["version"], 1);
    assert_eq!(status["info"]["status"], "deployed");
    assert_eq!(status["config"], serde_json::json!({"replicaCount": 2}));
    assert!(status.get("chart").is_none());
    assert!(status["manifest"].as_str().unwrap().starts_with("---\n# Source: webapp/templates/serviceaccount.yaml\n"));

    // --show-resources: the live objects by version/Kind.
    let status: Value =
        serde_json::from_str(&home.ok(&["status", "demo", "-n", "web", "--show-resources", "-o", "json"])).unwrap();
    let deployments = status["info"]["resources"]["v1/Deployment"].as_array().unwrap();
    assert_eq!(deployments[0]["metadata"]["name"], "demo-webapp");
    assert_eq!(deployments[0]["metadata"]["namespace"], "web");
    assert_eq!(deployments[0]["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
    assert_eq!(deployments[0]["metadata"]["annotations"]["meta.helm.sh/release-name"], "demo");
    assert_eq!(deployments[0]["spec"]["replicas"], 2);
    let table = home.ok(&["status", "demo", "-n", "web", "--show-resources"]);
    assert!(table.contains("RESOURCES:\n==> v1/ConfigMap\nNAME          AGE\ndemo-webapp   "), "{table}");

    // install -o json is the whole record, chart included.
    let home2 = Home::new();
    let rel: Value = serde_json::from_str(&home2.ok(&["install", "x", &chart, "-o", "json"])).unwrap();
    assert_eq!(rel["chart"]["metadata"]["name"], "webapp");
    assert_eq!(rel["info"]["description"], "Install complete");

    // get metadata (Go: action.Metadata, in its field order).
    let raw = home.ok(&["get", "metadata", "demo", "-n", "web", "-o", "json"]);
    assert!(
        raw.starts_with("{\"name\":\"demo\",\"chart\":\"webapp\",\"version\":\"0.1.0\",\"appVersion\":\"1.27.0\",\"labels\":{\"team\":\"blue\"},\"namespace\":\"web\",\"revision\":1,\"status\":\"deployed\",\"deployedAt\":\""),
        "{raw}"
    );
    assert!(raw.ends_with("Z\",\"applyMethod\":\"ssa\"}\n"), "{raw}");
    let table = home.ok(&["get", "metadata", "demo", "-n", "web"]);
    assert!(table.starts_with("NAME: demo\nCHART: webapp\nVERSION: 0.1.0\nAPP_VERSION: 1.27.0\nANNOTATIONS: \nLABELS: team=blue\nDEPENDENCIES: \nNAMESPACE: web\nREVISION: 1\nSTATUS: deployed\nDEPLOYED_AT: "), "{table}");
    assert!(table.ends_with("APPLY_METHOD: server-side apply\n"));

    // get values --all: the chart's defaults coalesced with the user's.
    let all: Value =
        serde_json::from_str(&home.ok(&["get", "values", "demo", "-n", "web", "-a", "-o", "json"])).unwrap();
    assert_eq!(all["replicaCount"], 2);
    assert_eq!(all["service"]["port"], 80);

    // get manifest / notes / all.
    let manifest = home.ok(&["get", "manifest", "demo", "-n", "web"]);
    assert!(manifest.starts_with("---\n# Source: webapp/templates/serviceaccount.yaml\n"));
    assert!(manifest.ends_with("\n\n"), "Go's Println after a manifest ending in a newline");
    let notes = home.ok(&["get", "notes", "demo", "-n", "web"]);
    assert!(
        notes.starts_with("NOTES:\nwebapp 1.27.0 is deployed as release \"demo\" in namespace \"web\"."),
        "{notes}"
    );
    let all = home.ok(&["get", "all", "demo", "-n", "web"]);
    assert!(all.contains("\nCHART: webapp\nVERSION: 0.1.0\nAPP_VERSION: 1.27.0\n"), "{all}");
    assert!(all.contains("USER-SUPPLIED VALUES:\nreplicaCount: 2\n\nCOMPUTED VALUES:\n"), "{all}");
    assert!(all.contains("HOOKS:\nMANIFEST:\n---\n# Source: webapp/templates/serviceaccount.yaml\n"), "{all}");
}

#[test]
fn hooks_run_in_order_and_follow_delete_policies() {
    let home = Home::new();
    let chart = hooked_chart(home.path());
    home.ok(&["install", "h", &chart]);
    let rel: Value = serde_json::from_str(&home.ok(&["status", "h", "-o", "json"])).unwrap();
    let hooks = rel["hooks"].as_array().unwrap();
    let run = |name: &str| hooks.iter().find(|h| h["name"] == name).unwrap()["last_run"].clone();
    // Weight -5 runs before weight 5 (RFC 3339 UTC strings sort by time).
    let a = run("h-pre-install-a");
    let b = run("h-pre-install-b");
    assert_eq!(a["phase"], "Succeeded");
    assert!(a["completed_at"].as_str().unwrap() <= b["started_at"].as_str().unwrap(), "{a} {b}");
    // Hooks of events that did not happen never ran.
    assert_eq!(run("h-pre-upgrade")["phase"], "");
    // Go: hookSetDeletePolicy stores the default policy in the record.
    let policies = |name: &str| hooks.iter().find(|h| h["name"] == name).unwrap()["delete_policies"].clone();
    assert_eq!(policies("h-pre-install-a"), serde_json::json!(["before-hook-creation"]));
    // before-hook-creation hooks stay on the target; hook-succeeded ones are deleted.
    let live = home.live_objects("default", "h");
    assert!(live.contains(&"Job/h-pre-install-a".to_string()), "{live:?}");
    assert!(!live.contains(&"Job/h-post-install".to_string()), "{live:?}");
    assert!(live.contains(&"ConfigMap/h-cm".to_string()));

    home.ok(&["upgrade", "h", &chart, "--set", "message=bye"]);
    let rel: Value = serde_json::from_str(&home.ok(&["status", "h", "-o", "json"])).unwrap();
    let hooks = rel["hooks"].as_array().unwrap();
    let up = hooks.iter().find(|h| h["name"] == "h-pre-upgrade").unwrap();
    assert_eq!(up["last_run"]["phase"], "Succeeded");
    assert_eq!(home.ok(&["get", "notes", "h"]), "NOTES:\nRelease h says bye.\n\n");
    let hooks_text = home.ok(&["get", "hooks", "h"]);
    assert!(
        hooks_text.starts_with("---\n# Source: hooked/templates/hooks.yaml\napiVersion: batch/v1\nkind: Job\n"),
        "{hooks_text}"
    );

    // --no-hooks: no hook runs.
    home.ok(&["upgrade", "h", &chart, "--no-hooks"]);
    let rel: Value = serde_json::from_str(&home.ok(&["status", "h", "-o", "json"])).unwrap();
    let up = rel["hooks"].as_array().unwrap().iter().find(|h| h["name"] == "h-pre-upgrade").unwrap().clone();
    assert_eq!(up["last_run"]["phase"], "");
}

#[test]
fn dropped_objects_are_deleted_except_kept_ones() {
    let home = Home::new();
    let chart = hooked_chart(home.path());
    home.ok(&["install", "k", &chart, "--no-hooks", "--set", "extra=true", "--set", "keep=true"]);
    let live = home.live_objects("default", "k");
    assert!(live.contains(&"Secret/k-extra".to_string()) && live.contains(&"ConfigMap/k-kept".to_string()), "{live:?}");

    home.ok(&["upgrade", "k", &chart, "--no-hooks", "--reset-values"]);
    let live = home.live_objects("default", "k");
    assert!(!live.contains(&"Secret/k-extra".to_string()), "dropped object deleted: {live:?}");
    assert!(live.contains(&"ConfigMap/k-kept".to_string()), "helm.sh/resource-policy: keep: {live:?}");

    home.ok(&["upgrade", "k", &chart, "--no-hooks", "--set", "keep=true"]);
    let out = home.ok(&["uninstall", "k", "--no-hooks"]);
    assert_eq!(
        out,
        "These resources were kept due to the resource policy:\n[ConfigMap] k-kept\n\nrelease \"k\" uninstalled\n"
    );
    assert_eq!(home.live_objects("default", "k"), vec!["ConfigMap/k-kept"]);
}

#[test]
fn values_flags_on_upgrade() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "v", &chart, "--set", "replicaCount=2", "--set", "service.port=8080"]);
    // A new --set replaces the user values unless they are reused.
    home.ok(&["upgrade", "v", &chart, "--set", "containerPort=81"]);
    assert_eq!(home.ok(&["get", "values", "v", "-o", "json"]), "{\"containerPort\":81}\n");
    home.ok(&["upgrade", "v", &chart, "--reuse-values", "--set", "replicaCount=4"]);
    assert_eq!(home.ok(&["get", "values", "v", "-o", "json"]), "{\"containerPort\":81,\"replicaCount\":4}\n");
    home.ok(&["upgrade", "v", &chart, "--reset-then-reuse-values", "--set", "service.type=NodePort"]);
    assert_eq!(
        home.ok(&["get", "values", "v", "-o", "json"]),
        "{\"containerPort\":81,\"replicaCount\":4,\"service\":{\"type\":\"NodePort\"}}\n"
    );
    home.ok(&["upgrade", "v", &chart, "--reset-values"]);
    assert_eq!(home.ok(&["get", "values", "v", "-o", "json"]), "null\n");
}

#[test]
fn history_max_and_install_flags() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "m", &chart, "--description", "first one"]);
    for i in 0..4 {
        home.ok(&["upgrade", "m", &chart, "--history-max", "3", "--set", &format!("replicaCount={i}")]);
    }
    let revisions: Vec<u64> = home.statuses("m").iter().map(|(r, _)| *r).collect();
    assert_eq!(revisions, vec![3, 4, 5]);
    assert_eq!(home.history("m").len(), 3);
    assert_eq!(home.ok(&["history", "m", "--max", "1", "-o", "json"]).matches("\"revision\"").count(), 1);

    // --dry-run records nothing and prints the manifest.
    let out = home.ok(&["install", "dry", &chart, "--dry-run"]);
    assert!(out.contains("STATUS: pending-install\n") && out.contains("DESCRIPTION: Dry run complete\n"), "{out}");
    assert!(out.contains("\nHOOKS:\nMANIFEST:\n---\n# Source: webapp/templates/serviceaccount.yaml\n"), "{out}");
    home.fails(&["status", "dry"]);

    // --hide-notes, -g, --create-namespace, --description.
    let out = home.ok(&["install", "quiet", &chart, "--hide-notes", "-n", "fresh", "--create-namespace"]);
    assert!(!out.contains("NOTES:"), "{out}");
    let out = home.ok(&["install", &chart, "-g"]);
    assert!(out.starts_with("NAME: webapp-"), "{out}");
    let out = home.ok(&["history", "m", "-o", "json"]);
    assert!(!out.contains("first one"), "pruned");
    let home2 = Home::new();
    home2.ok(&["install", "d", &chart, "--description", "first one"]);
    assert_eq!(home2.history("d")[0]["description"], "first one");

    // upgrade --install installs a missing release, then upgrades it.
    let out = home.ok(&["upgrade", "--install", "ui", &chart]);
    assert!(out.starts_with("Release \"ui\" does not exist. Installing it now.\nNAME: ui\n"), "{out}");
    let out = home.ok(&["upgrade", "-i", "ui", &chart]);
    assert!(out.starts_with("Release \"ui\" has been upgraded."), "{out}");
}

#[test]
fn diff_shows_per_object_changes() {
    let home = Home::new();
    let chart = webapp();
    home.ok(&["install", "d", &chart]);

    let out = home.run(&["diff", "upgrade", "d", &chart, "--set", "replicaCount=3", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("default, d-webapp, Deployment (apps/v1) has changed:\n@@ "), "{text}");
    assert!(text.contains("\n-  replicas: 1\n+  replicas: 3\n"), "{text}");
    assert_eq!(text.matches("has changed").count(), 1, "{text}");

    let out = home.run(&["diff", "upgrade", "d", &chart, "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");

    let json = home.ok(&["diff", "upgrade", "d", &chart, "--set", "ingress.enabled=true", "-o", "json"]);
    let changes: Value = serde_json::from_str(&json).unwrap();
    let added: Vec<&Value> = changes.as_array().unwrap().iter().filter(|c| c["change"] == "added").collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["kind"], "Ingress");
    assert_eq!(added[0]["apiVersion"], "networking.k8s.io/v1");
    assert_eq!(added[0]["namespace"], "default");
    assert!(added[0]["diff"].as_str().unwrap().contains("+kind: Ingress\n"));

    home.ok(&["upgrade", "d", &chart, "--set", "ingress.enabled=true"]);
    let text = home.ok(&["diff", "rollback", "d", "1"]);
    assert!(text.contains("default, d-webapp, Ingress (networking.k8s.io/v1) has been removed:\n"), "{text}");
    let text = home.ok(&["diff", "revision", "d", "1", "2"]);
    assert!(text.contains("Ingress (networking.k8s.io/v1) has been added:\n"), "{text}");
    assert_eq!(home.ok(&["diff", "revision", "d", "1", "1"]), "");
    home.fails(&["diff", "revision", "d", "1", "9"]);
    // No such release: an error, unless told to diff against nothing.
    home.fails(&["diff", "upgrade", "nope", &chart]);
    let text = home.ok(&["diff", "upgrade", "nope", &chart, "--allow-unreleased"]);
    assert_eq!(text.matches("has been added").count(), 4, "{text}");
}

#[test]
fn target_selection() {
    let home = Home::new();
    let chart = webapp();
    // No target asked for and no kubeconfig: local, said once on stderr.
    let out = home.cmd().env_remove("CAPSTAN_TARGET").args(["install", "t", &chart]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("capstan: no kubeconfig found, using the local target (state in "), "{stderr}");
    // Asked for explicitly: nothing said.
    let out = home.cmd().args(["list", "-q"]).output().unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "t\n");

    // A kubeconfig makes kube the default; this one names no cluster, which
    // is a clear error naming the file, before anything changes.
    std::fs::create_dir_all(home.path().join(".kube")).unwrap();
    std::fs::write(home.path().join(".kube/config"), "apiVersion: v1\nkind: Config\n").unwrap();
    let out = home.cmd().env_remove("CAPSTAN_TARGET").args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(".kube/config") && stderr.contains("failed to determine current context"),
        "{stderr}"
    );
    let out = home.cmd().args(["--target", "kube", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // --target local still works with a kubeconfig around.
    assert_eq!(home.ok(&["--target", "local", "list", "-q"]), "t\n");
    let out = home.cmd().args(["--target", "moon", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// `lookup` on the local target answers from the objects recorded so far,
/// as a cluster would: a chart that keeps a generated password by looking
/// up its own Secret (as bitnami's charts do) keeps it across upgrades;
/// a list lookup sees every release's objects; `template` finds nothing.
#[test]
fn lookup_finds_recorded_objects() {
    let home = Home::new();
    let root = home.path().join("keeper");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: keeper\nversion: 0.1.0\n").unwrap();
    std::fs::write(
        root.join("templates/secret.yaml"),
        r#"{{- $old := lookup "v1" "Secret" .Release.Namespace (printf "%s-pw" .Release.Name) }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-pw
data:
  password: {{ if $old }}{{ index $old.data "password" }}{{ else }}{{ randAlphaNum 16 | b64enc }}{{ end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-seen
data:
  secrets: {{ (lookup "v1" "Secret" .Release.Namespace "").items | default list | len | quote }}
  missing: {{ lookup "v1" "Secret" .Release.Namespace "nope" | len | quote }}
"#,
    )
    .unwrap();
    let chart = root.to_str().unwrap();
    let field = |manifest: &str, key: &str| -> String {
        let line = manifest.lines().find(|l| l.trim_start().starts_with(&format!("{key}:"))).expect(key);
        line.split_once(':').unwrap().1.trim().to_string()
    };
    home.ok(&["install", "a", chart, "-n", "team"]);
    let first = home.ok(&["get", "manifest", "a", "-n", "team"]);
    assert_eq!(field(&first, "secrets"), "\"0\"");
    assert_eq!(field(&first, "missing"), "\"0\"");
    home.ok(&["upgrade", "a", chart, "-n", "team"]);
    let second = home.ok(&["get", "manifest", "a", "-n", "team"]);
    assert_eq!(field(&second, "password"), field(&first, "password"), "the password is kept");
    assert_eq!(field(&second, "secrets"), "\"1\"");
    // Another release in the namespace sees the first one's Secret in the list.
    home.ok(&["install", "b", chart, "-n", "team"]);
    let other = home.ok(&["get", "manifest", "b", "-n", "team"]);
    assert_eq!(field(&other, "secrets"), "\"1\"");
    assert_ne!(field(&other, "password"), field(&first, "password"));
    // In another namespace there is nothing to find.
    home.ok(&["install", "a", chart, "-n", "elsewhere"]);
    assert_eq!(field(&home.ok(&["get", "manifest", "a", "-n", "elsewhere"]), "secrets"), "\"0\"");
    // `template` asks no target: a fresh password each time.
    let t1 = home.ok(&["template", "a", chart, "-n", "team"]);
    let t2 = home.ok(&["template", "a", chart, "-n", "team"]);
    assert_ne!(field(&t1, "password"), field(&t2, "password"));
    assert_eq!(field(&t1, "secrets"), "\"0\"");
}

/// Helm's colour modes on `list` (whose output is not a terminal here):
/// `--color always` (or `--colour`) colours anyway and beats NO_COLOR;
/// without the flag NO_COLOR means never, else HELM_COLOR in any case; a
/// flag value that is not a mode fails as Helm's does.
#[test]
fn color_modes() {
    let home = Home::new();
    home.ok(&["install", "demo", &webapp()]);
    let deployed = "\x1b[32mdeployed\x1b[0m";
    let list = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = home.cmd();
        cmd.env_remove("NO_COLOR").env_remove("HELM_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(["list"]).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!list(&[], &[]).contains('\x1b'), "auto: not a terminal");
    assert!(list(&[], &["--color", "always"]).contains(deployed));
    assert!(list(&[("NO_COLOR", "1")], &["--colour", "always"]).contains(deployed));
    assert!(list(&[("HELM_COLOR", "ALWAYS")], &[]).contains(deployed));
    assert!(!list(&[("HELM_COLOR", "always"), ("NO_COLOR", "1")], &[]).contains('\x1b'));
    assert!(!list(&[("HELM_COLOR", "always")], &["--color", "never"]).contains('\x1b'));
    let err = home.fails(&["list", "--color", "ALWAYS"]);
    assert_eq!(err, "Error: invalid color mode \"ALWAYS\": must be one of: never, auto, always\n");
}

#[test]
fn template_is_unchanged_by_the_lifecycle_commands() {
    // `template` uses the same render path as install.
    let home = Home::new();
    let chart = webapp();
    let rendered = home.ok(&["template", "demo", &chart]);
    home.ok(&["install", "demo", &chart]);
    let manifest = home.ok(&["get", "manifest", "demo"]);
    assert_eq!(format!("{}\n", rendered.trim_end()), manifest.trim_end().to_string() + "\n");
}
