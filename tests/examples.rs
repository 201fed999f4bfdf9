//! The example charts (charts-examples/) through the binary: each renders
//! with its default values and with every `ci/*.yaml`, passes
//! `capstan lint --strict`, and installs on the local store; together they
//! render every kind the standard library covers (issue 9); the kustomize
//! overlay set changes what each environment should; and a chart made by
//! `capstan create --starter std` renders and lints clean.

mod lifecycle_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lifecycle_support::Home;
use serde_json::Value;

/// Every kind the standard library must produce, and so the example charts
/// must render between them (issue 9's list).
const REQUIRED_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicaSet",
    "Service",
    "Ingress",
    "HTTPRoute",
    "ConfigMap",
    "Secret",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "Namespace",
    "PriorityClass",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "CustomResourceDefinition",
];

/// The Service types the examples must show (a Service kind alone does
/// not say which were covered).
const REQUIRED_SERVICE_TYPES: &[&str] = &[
    "ClusterIP",
    "NodePort",
    "LoadBalancer",
    "headless",
    "ExternalName",
];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("charts-examples")
}

/// Every chart directory of charts-examples (those with a Chart.yaml).
fn example_charts() -> Vec<PathBuf> {
    let mut charts: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    charts
}

/// The chart's ci/*.yaml files, sorted.
fn ci_files(chart: &Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(chart.join("ci")) else {
        return vec![];
    };
    let mut files: Vec<PathBuf> = dir
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn capstan() -> Command {
    let mut cmd = Command::cargo_bin("capstan").unwrap();
    cmd.env_remove("KUBECONFIG").env_remove("HELM_NAMESPACE");
    cmd
}

/// Run and require success; returns stdout.
fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn documents(stream: &str) -> Vec<Value> {
    capstan::manifest::split_documents(stream)
        .into_iter()
        .map(|d| {
            capstan::codec::yaml_read::from_str(d)
                .unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{d}"))
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// `capstan template demo CHART [-f VALUES]`, parsed.
fn render(chart: &Path, values: Option<&Path>) -> Vec<Value> {
    let mut cmd = capstan();
    cmd.args(["template", "demo"]).arg(chart);
    if let Some(v) = values {
        cmd.arg("-f").arg(v);
    }
    documents(&run_ok(&mut cmd))
}

#[test]
fn there_are_the_example_charts_the_issue_asks_for() {
    let names: Vec<String> = example_charts()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for wanted in [
        "batch",
        "node-agent",
        "operator",
        "postgres",
        "storage",
        "webapp",
        "webapp-jinja",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "charts-examples/{wanted} is missing: {names:?}"
        );
    }
    for chart in example_charts() {
        assert!(
            chart.join("README.md").is_file(),
            "{} has no README.md",
            chart.display()
        );
        assert!(
            !ci_files(&chart).is_empty(),
            "{} has no ci/*.yaml",
            chart.display()
        );
    }
}

/// Every chart renders with its defaults and each ci file; every object
/// carries the standard instance label; and between them all the charts
/// render every kind of REQUIRED_KINDS and every Service type.
#[test]
fn every_example_renders_and_together_they_cover_every_kind() {
    let mut kinds = BTreeSet::new();
    let mut service_types = BTreeSet::new();
    for chart in example_charts() {
        let runs = std::iter::once(None).chain(ci_files(&chart).into_iter().map(Some));
        for values in runs {
            let docs = render(&chart, values.as_deref());
            assert!(!docs.is_empty(), "{} rendered nothing", chart.display());
            for doc in &docs {
                let kind = doc["kind"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no kind: {doc}"))
                    .to_string();
                assert_eq!(
                    doc["metadata"]["labels"]["app.kubernetes.io/instance"],
                    "demo",
                    "{kind} of {} lacks the standard labels",
                    chart.display()
                );
                if kind == "Service" {
                    let spec = &doc["spec"];
                    let t = if spec["clusterIP"] == "None" {
                        "headless"
                    } else {
                        spec["type"].as_str().unwrap_or("ClusterIP")
                    };
                    service_types.insert(t.to_string());
                }
                kinds.insert(kind);
            }
        }
    }
    let missing: Vec<&str> = REQUIRED_KINDS
        .iter()
        .copied()
        .filter(|k| !kinds.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "no example chart renders these kinds: {missing:?}"
    );
    let missing: Vec<&str> = REQUIRED_SERVICE_TYPES
        .iter()
        .copied()
        .filter(|t| !service_types.contains(*t))
        .collect();
    assert!(
        missing.is_empty(),
        "no example chart renders these Service types: {missing:?}"
    );
}

/// Workload selectors match their pod labels, and every Service selects
/// the pods of some workload of the same chart.
#[test]
fn selectors_are_consistent_in_every_example() {
    for chart in example_charts() {
        for values in std::iter::once(None).chain(ci_files(&chart).into_iter().map(Some)) {
            let docs = render(&chart, values.as_deref());
            let pod_labels: Vec<&serde_json::Map<String, Value>> = docs
                .iter()
                .filter_map(|d| d["spec"]["template"]["metadata"]["labels"].as_object())
                .collect();
            for d in &docs {
                let selector = d["spec"]["selector"]["matchLabels"].as_object();
                let template_labels = d["spec"]["template"]["metadata"]["labels"].as_object();
                if let (Some(selector), Some(labels)) = (selector, template_labels) {
                    for (k, v) in selector {
                        assert_eq!(
                            labels.get(k),
                            Some(v),
                            "{}: {} selector {k} does not match",
                            chart.display(),
                            d["kind"]
                        );
                    }
                }
                if d["kind"] == "Service" {
                    if let Some(selector) = d["spec"]["selector"].as_object() {
                        assert!(
                            pod_labels
                                .iter()
                                .any(|l| selector.iter().all(|(k, v)| l.get(k) == Some(v))),
                            "{}: Service {} selects no pods",
                            chart.display(),
                            d["metadata"]["name"]
                        );
                    }
                }
            }
        }
    }
}

/// `capstan lint --strict` (which also renders each ci/*.yaml) passes.
#[test]
fn every_example_passes_strict_lint() {
    for chart in example_charts() {
        let out = capstan()
            .args(["lint", "--strict"])
            .arg(&chart)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "lint --strict {} failed:\n{}{}",
            chart.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Each chart installs on the local store, with its defaults and with each
/// ci file (one release each), and the release is deployed.
#[test]
fn every_example_installs_on_the_local_store() {
    let home = Home::new();
    for chart in example_charts() {
        let name = chart.file_name().unwrap().to_string_lossy().into_owned();
        let runs = std::iter::once(None).chain(ci_files(&chart).into_iter().map(Some));
        for (i, values) in runs.enumerate() {
            let release = format!("{name}-{i}");
            let namespace = format!("ns-{release}");
            let chart_arg = chart.to_string_lossy().into_owned();
            let mut args = vec![
                "install",
                release.as_str(),
                chart_arg.as_str(),
                "-n",
                namespace.as_str(),
            ];
            let values_arg = values.map(|v| v.to_string_lossy().into_owned());
            if let Some(v) = &values_arg {
                args.extend(["-f", v.as_str()]);
            }
            home.ok(&args);
            let history = home.history_in(&release, &namespace);
            assert_eq!(
                history.last().unwrap()["status"],
                "deployed",
                "{release}: {history:?}"
            );
        }
    }
}

/// The std library chart vendored in batch/charts/std is the one in
/// templates-std/helm/std (the source the binary embeds).
#[test]
fn vendored_std_library_is_current() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates-std/helm/std");
    let copy = examples_dir().join("batch/charts/std");
    for rel in ["Chart.yaml", "values.yaml"]
        .into_iter()
        .map(String::from)
        .chain(
            std::fs::read_dir(src.join("templates"))
                .unwrap()
                .map(|e| format!("templates/{}", e.unwrap().file_name().to_string_lossy())),
        )
    {
        assert_eq!(
            std::fs::read_to_string(src.join(&rel)).unwrap(),
            std::fs::read_to_string(copy.join(&rel)).unwrap_or_default(),
            "charts-examples/batch/charts/std/{rel} differs from templates-std/helm/std: copy it again"
        );
    }
}

fn overlay(env: &str) -> Vec<Value> {
    let out = run_ok(
        capstan()
            .args(["template", "demo"])
            .arg(examples_dir().join("webapp"))
            .arg("--overlay")
            .arg(examples_dir().join("webapp-overlays").join(env)),
    );
    documents(&out)
}

#[test]
fn overlays_change_what_each_environment_should() {
    let plain = render(&examples_dir().join("webapp"), None);
    for (env, replicas) in [("staging", 1.0), ("production", 3.0)] {
        let docs = overlay(env);
        assert_eq!(docs.len(), plain.len(), "{env}: the same objects");
        for d in &docs {
            assert_eq!(d["metadata"]["namespace"], env, "{env}: {d}");
            assert_eq!(
                d["metadata"]["labels"]["app.kubernetes.io/part-of"], "shop",
                "{env}: base component"
            );
            assert_eq!(d["metadata"]["annotations"]["example.com/environment"], env);
            assert_eq!(
                d["metadata"]["annotations"]["example.com/owner"],
                "web-team"
            );
        }
        let deploy = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
        assert_eq!(deploy["metadata"]["name"], "demo-webapp");
        assert_eq!(deploy["spec"]["replicas"], replicas, "{env}");
        let container = &deploy["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["image"], "nginx:1.27.3", "{env}");
        // The selector is not widened by the base's label.
        assert!(deploy["spec"]["selector"]["matchLabels"]
            .get("app.kubernetes.io/part-of")
            .is_none());
        if env == "staging" {
            assert_eq!(container["env"][0]["name"], "ENVIRONMENT");
            // The chart's own resources, untouched.
            assert_eq!(container["resources"]["limits"]["memory"], "128Mi");
        } else {
            assert_eq!(container["resources"]["limits"]["memory"], "256Mi");
            assert!(deploy["spec"]["template"]["spec"]["topologySpreadConstraints"].is_array());
        }
    }
    let plain_deploy = plain.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert!(plain_deploy["metadata"]["namespace"].is_null());
    assert_eq!(
        plain_deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27.0"
    );
}

/// `capstan create NAME --starter std` makes a Go chart on the vendored std
/// library chart that renders (with its optional objects too) and lints
/// clean.
#[test]
fn std_starter_chart_renders_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("shop");
    run_ok(
        capstan()
            .arg("create")
            .arg(&chart)
            .args(["--starter", "std"])
            .env("HELM_DATA_HOME", dir.path()),
    );
    assert!(chart.join("charts/std/Chart.yaml").is_file());
    let docs = render(&chart, None);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ServiceAccount", "Service", "Deployment"]);
    let deploy = &docs[2];
    assert_eq!(deploy["metadata"]["name"], "demo-shop");
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginxinc/nginx-unprivileged:1.27.0"
    );
    let values = dir.path().join("all.yaml");
    std::fs::write(
        &values,
        "autoscaling:\n  enabled: true\npodDisruptionBudget:\n  enabled: true\ningress:\n  enabled: true\n  tlsSecret: shop-tls\n",
    )
    .unwrap();
    let docs = render(&chart, Some(&values));
    let kinds: BTreeSet<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    for kind in ["HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"] {
        assert!(kinds.contains(kind), "{kind} missing: {kinds:?}");
    }
    let deploy = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert!(
        deploy["spec"]["replicas"].is_null(),
        "the autoscaler owns the replicas"
    );
    run_ok(capstan().args(["lint", "--strict"]).arg(&chart));
    run_ok(
        capstan()
            .args(["lint", "--strict"])
            .arg(&chart)
            .arg("-f")
            .arg(&values),
    );
}
