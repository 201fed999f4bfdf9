//! `capstan lint` on the hand-written manifests of
//! shared/corpus/manifests/seed, against the verdicts a real API server
//! (v1.32, `kubectl apply --dry-run=server --validate=strict`) gave each
//! file (seed/verdicts.json): lint must flag every file the server rejected
//! (`invalid`, `yaml-error`, `removed-api`) with the right reason, pass every
//! file it accepted (`valid`), and only warn on `unknown-kind` files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn seed_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/manifests/seed");
    let dir = if dir.exists() { dir } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/manifests/seed") };
    dir.exists().then_some(dir)
}

fn lint_json(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("capstan").unwrap().args(["lint", "-o", "json"]).args(args).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json)
}

fn findings(report: &Value) -> Vec<Value> {
    report["targets"].as_array().unwrap().iter().flat_map(|t| t["findings"].as_array().unwrap().clone()).collect()
}

/// The expected reason (rule IDs, one of which must be reported) per
/// rejected file, from the API server's message in verdicts.json.
fn expected_rules(file: &str, verdict: &str) -> &'static [&'static str] {
    match (file, verdict) {
        ("019-service.yaml", _) => &["k8s-enum"],
        ("025-pod.yaml", _) => &["k8s-type"],
        ("043-deployment.yaml", _) => &["k8s-name"],
        (_, "yaml-error") => &["yaml"],
        (_, "removed-api") => &["api-removed"],
        _ => &[],
    }
}

#[test]
fn seed_verdicts_hold() {
    let Some(dir) = seed_dir() else {
        eprintln!("shared/corpus/manifests/seed not found; skipping");
        return;
    };
    let verdicts: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verdicts.json")).unwrap()).unwrap();
    let (mut agree, mut total) = (0, 0);
    let mut problems = Vec::new();
    for (file, v) in &verdicts {
        let verdict = v["verdict"].as_str().unwrap();
        let path = dir.join(file);
        let (code, report) = lint_json(&[path.to_str().unwrap()]);
        let all = findings(&report);
        let errors: Vec<&Value> = all.iter().filter(|f| f["severity"] == "error").collect();
        let warnings: Vec<&Value> = all.iter().filter(|f| f["severity"] == "warning").collect();
        let ok = match verdict {
            "valid" => code == 0 && errors.is_empty(),
            "unknown-kind" => code == 0 && errors.is_empty() && warnings.iter().any(|f| f["rule"] == "k8s-unknown-kind"),
            "invalid" | "yaml-error" | "removed-api" => {
                code == 1 && errors.iter().any(|f| expected_rules(file, verdict).contains(&f["rule"].as_str().unwrap()))
            }
            other => panic!("unknown verdict {other}"),
        };
        total += 1;
        if ok {
            agree += 1;
        } else {
            problems.push(format!("{file} ({verdict}): exit {code}, errors {errors:?}"));
        }
    }
    eprintln!("seed agreement: {agree}/{total}");
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(total, 59);
}

#[test]
fn findings_name_file_line_object_and_field() {
    let Some(dir) = seed_dir() else { return };
    // 043: the server only said "resource name may not be empty"; lint
    // must also name both typos.
    let (_, report) = lint_json(&[dir.join("043-deployment.yaml").to_str().unwrap()]);
    let all = findings(&report);
    let find = |rule: &str, field: &str| all.iter().find(|f| f["rule"] == rule && f["field"] == field).cloned();
    let typo = find("k8s-unknown-field", "spec.strategy.rollingUpdate.maxUnavaliable").expect("maxUnavaliable");
    assert!(typo["message"].as_str().unwrap().contains("did you mean \"maxUnavailable\""));
    assert_eq!(typo["object"]["kind"], "Deployment");
    assert!(typo["line"].as_u64().unwrap() > 1);
    let e = find("k8s-enum", "spec.strategy.type").expect("RollingUpdates");
    assert!(e["message"].as_str().unwrap().contains("\"RollingUpdates\""));
    // 016: the replacement apiVersion is named.
    let (_, report) = lint_json(&[dir.join("016-cronjob.yaml").to_str().unwrap()]);
    let removed = findings(&report).into_iter().find(|f| f["rule"] == "api-removed").unwrap();
    assert!(removed["message"].as_str().unwrap().contains("use batch/v1 CronJob"));
    // 004: the YAML error carries its line.
    let (_, report) = lint_json(&[dir.join("004-deployment.yaml").to_str().unwrap()]);
    let y = findings(&report).into_iter().find(|f| f["rule"] == "yaml").unwrap();
    assert_eq!(y["line"], 43);
}

#[test]
fn custom_resources_validate_against_a_crd_in_the_same_input() {
    let Some(dir) = seed_dir() else { return };
    // 054 alone: unknown kind (a warning); with the CRD of 053, validated.
    let (_, report) = lint_json(&[
        "--filename",
        dir.join("053-customresourcedefinition.yaml").to_str().unwrap(),
        "--filename",
        dir.join("054-mycrd.yaml").to_str().unwrap(),
    ]);
    let all = findings(&report);
    assert!(!all.iter().any(|f| f["rule"] == "k8s-unknown-kind" && f["file"].as_str().unwrap().ends_with("054-mycrd.yaml")), "{all:?}");
    // Alone, the custom resource's kind is unknown (a warning only).
    let (code, report) = lint_json(&[dir.join("054-mycrd.yaml").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(findings(&report).iter().any(|f| f["rule"] == "k8s-unknown-kind"));
    // A directory is one input too.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["053-customresourcedefinition.yaml", "054-mycrd.yaml"] {
        std::fs::copy(dir.join(f), tmp.path().join(f)).unwrap();
    }
    let (code, report) = lint_json(&[tmp.path().to_str().unwrap()]);
    let all = findings(&report);
    assert_eq!(code, 0, "{all:?}");
    assert!(!all.iter().any(|f| f["rule"] == "k8s-unknown-kind"), "{all:?}");
}

#[test]
fn kustomizations_are_built_and_their_objects_checked() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n",
    );
    // The patch adds a typo'd field: only the built object has it.
    write(
        "kustomization.yaml",
        "namePrefix: prod-\nresources:\n- deploy.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: add\n      path: /spec/replicaz\n      value: 2\n",
    );
    let (code, report) = lint_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["targets"][0]["kind"], "kustomization");
    let found = findings(&report);
    let typo = found.iter().find(|f| f["rule"] == "k8s-unknown-field").unwrap_or_else(|| panic!("{report}"));
    assert_eq!(typo["object"]["name"], "prod-web", "the built object, prefix applied");
    assert!(typo["file"].as_str().unwrap().ends_with("kustomization.yaml"));

    // A kustomization that does not build is an error naming the problem.
    write("kustomization.yaml", "resources:\n- missing.yaml\n");
    let (code, report) = lint_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let f = findings(&report);
    assert!(f.iter().any(|f| f["rule"] == "kustomize" && f["message"].as_str().unwrap().contains("missing.yaml")), "{report}");
}
