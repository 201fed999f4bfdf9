//! `capstan lint` output formats and exit codes: text (Helm's layout), JSON
//! (the documented stable shape) and SARIF 2.1.0 (the properties the
//! specification requires and code-scanning tools read).

use assert_cmd::Command;
use serde_json::Value;

const BAD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \"two\"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      restartPolicy: Sometimes
      containers:
      - name: web
        image: nginx:latest
        imagePulPolicy: Always
";

const GOOD: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: b
";

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("capstan").unwrap().arg("lint").args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn exit_codes_follow_severity_and_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(tmp.path(), "bad.yaml", BAD);
    let good = write(tmp.path(), "good.yaml", GOOD);
    assert_eq!(run(&[&good]).0, 0);
    let (code, stdout, stderr) = run(&[&bad]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.starts_with("Error: "), "{stderr}");
    // A warning only (a :latest image) passes, and fails with --strict.
    let warn = write(tmp.path(), "warn.yaml", &BAD.replace("replicas: \"two\"", "replicas: 2").replace("Sometimes", "Always").replace("imagePulPolicy", "imagePullPolicy"));
    assert_eq!(run(&[&warn]).0, 0);
    assert_eq!(run(&["--strict", &warn]).0, 1);
    // --disable turns the warnings off; an unknown rule is a usage error.
    assert_eq!(run(&["--strict", "--disable", "image-tag,resources,probes,run-as-non-root,recommended-labels", &warn]).0, 0);
    assert_eq!(run(&["--disable", "no-such-rule", &warn]).0, 2);
    assert_eq!(run(&["--output", "xml", &warn]).0, 2);
}

#[test]
fn text_output_is_helm_like() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(tmp.path(), "bad.yaml", BAD);
    let (_, stdout, _) = run(&[&bad]);
    assert!(stdout.starts_with(&format!("==> Linting {bad}\n")), "{stdout}");
    assert!(stdout.contains(&format!("[ERROR] {bad}:6: Deployment/web: spec.replicas: expected int32, got string \"two\" (k8s-type)")), "{stdout}");
    assert!(stdout.contains("spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\""), "{stdout}");
    assert!(stdout.contains("unknown field \"imagePulPolicy\" (did you mean \"imagePullPolicy\"?)"), "{stdout}");
    assert!(stdout.contains("[INFO]"), "{stdout}");
    let (_, quiet, _) = run(&["--quiet", &bad]);
    assert!(!quiet.contains("[INFO]"), "{quiet}");
}

#[test]
fn json_shape_is_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(tmp.path(), "bad.yaml", BAD);
    let (_, stdout, _) = run(&["-o", "json", &bad]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let keys = |o: &Value| -> Vec<String> { o.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&v), ["failed", "kubeVersion", "strict", "summary", "targets", "version"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["kubeVersion"], "v1.35");
    assert_eq!(v["failed"], true);
    assert_eq!(keys(&v["summary"]), ["errors", "infos", "targets", "warnings"]);
    let t = &v["targets"][0];
    assert_eq!(keys(t), ["failed", "findings", "kind", "objects", "path"]);
    assert_eq!(t["kind"], "manifests");
    assert_eq!(t["objects"], 1);
    for f in t["findings"].as_array().unwrap() {
        for k in keys(f) {
            assert!(["severity", "rule", "message", "file", "line", "template", "object", "field", "values"].contains(&k.as_str()), "{k}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        assert!(f["object"]["apiVersion"].is_string() && f["object"]["kind"].is_string());
    }
    assert_eq!(v["summary"]["errors"].as_u64().unwrap(), t["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "error").count() as u64);
}

#[test]
fn sarif_is_valid_2_1_0() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = write(tmp.path(), "bad.yaml", BAD);
    let (code, stdout, _) = run(&["-o", "sarif", &bad]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "capstan-lint");
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() > 30);
    for r in rules {
        assert!(r["id"].is_string() && r["shortDescription"]["text"].is_string());
        assert!(["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().ends_with("bad.yaml"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let typo = results.iter().find(|r| r["ruleId"] == "k8s-unknown-field").unwrap();
    assert_eq!(typo["locations"][0]["physicalLocation"]["region"]["startLine"], 17);
}

#[test]
fn per_object_annotation_disables_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let text = BAD
        .replace("replicas: \"two\"", "replicas: 2")
        .replace("Sometimes", "Always")
        .replace("imagePulPolicy", "imagePullPolicy")
        .replace("  name: web\nspec:", "  name: web\n  annotations:\n    capstan.io/lint-disable: image-tag,resources,probes\nspec:");
    let f = write(tmp.path(), "a.yaml", &text);
    let (_, stdout, _) = run(&["-o", "json", &f]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = v["targets"][0]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"image-tag") && !rules.contains(&"resources") && !rules.contains(&"probes"), "{rules:?}");
    assert!(rules.contains(&"run-as-non-root"), "{rules:?}");
}

#[test]
fn kube_version_changes_what_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let hpa = write(tmp.path(), "hpa.yaml", "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef: {kind: Deployment, name: d}\n  minReplicas: 1\n  maxReplicas: 2\n");
    let (code, stdout, _) = run(&["--kube-version", "v1.25.0", &hpa]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("is deprecated in v1.23+, unavailable in v1.26+; use autoscaling/v2 HorizontalPodAutoscaler (api-deprecated)"), "{stdout}");
    let (code, stdout, _) = run(&["--kube-version", "v1.26.0", &hpa]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("(api-removed)"), "{stdout}");
    assert_eq!(run(&["--kube-version", "banana", &hpa]).0, 1);
}
