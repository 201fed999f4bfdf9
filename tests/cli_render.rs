//! End-to-end tests of the render commands through the binary: `template`,
//! `show`, `create`, `version`, `completion`, with Helm's flags, outputs and
//! exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn capstan() -> Command {
    let mut cmd = Command::cargo_bin("capstan").unwrap();
    cmd.env_remove("KUBECONFIG").env_remove("HELM_NAMESPACE");
    cmd
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("charts-examples").join(name)
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// The documents of a stream as parsed YAML.
fn documents(stream: &str) -> Vec<serde_json::Value> {
    capstan::manifest::split_documents(stream)
        .into_iter()
        .map(|d| capstan::codec::yaml_read::from_str(d).expect("valid YAML document"))
        .collect()
}

fn kinds(stream: &str) -> Vec<String> {
    documents(stream).iter().map(|d| d["kind"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn template_renders_the_go_example_in_install_order() {
    let out = stdout_of(capstan().args(["template", "demo"]).arg(example("webapp")));
    assert!(out.starts_with("---\n# Source: webapp/templates/serviceaccount.yaml\n"), "{out}");
    assert_eq!(kinds(&out), ["ServiceAccount", "ConfigMap", "Service", "Deployment"]);
    let docs = documents(&out);
    assert_eq!(docs[3]["metadata"]["name"], "demo-webapp");
    assert_eq!(docs[3]["spec"]["replicas"], 1.0);
}

#[test]
fn template_renders_the_jinja_example_to_the_same_objects() {
    let go = documents(&stdout_of(capstan().args(["template", "demo"]).arg(example("webapp"))));
    let jinja = documents(&stdout_of(capstan().args(["template", "demo"]).arg(example("webapp-jinja"))));
    // Object names carry the chart name, which differs by the "-jinja" suffix.
    let identity = |d: &serde_json::Value| {
        (d["kind"].clone(), d["metadata"]["name"].as_str().unwrap().replace("webapp-jinja", "webapp"))
    };
    assert_eq!(go.iter().map(identity).collect::<Vec<_>>(), jinja.iter().map(identity).collect::<Vec<_>>());
}

#[test]
fn set_and_values_files_override_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.yaml");
    std::fs::write(&file, "replicaCount: 3\ningress:\n  enabled: true\n").unwrap();
    let out = stdout_of(
        capstan()
            .args(["template", "demo"])
            .arg(example("webapp"))
            .arg("-f")
            .arg(&file)
            .args(["--set", "replicaCount=5", "-n", "web"]),
    );
    let docs = documents(&out);
    let deploy = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    assert_eq!(deploy["spec"]["replicas"], 5.0);
    assert!(docs.iter().any(|d| d["kind"] == "Ingress"), "-f enabled the ingress");
}

#[test]
fn show_only_picks_templates_and_errors_on_unknown() {
    let out = stdout_of(
        capstan().args(["template", "demo"]).arg(example("webapp")).args(["-s", "templates/service.yaml"]),
    );
    assert_eq!(kinds(&out), ["Service"]);
    capstan()
        .args(["template", "demo"])
        .arg(example("webapp"))
        .args(["-s", "templates/nope.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("could not find template templates/nope.yaml in chart"));
}

#[test]
fn output_dir_writes_one_file_per_template() {
    let dir = tempfile::tempdir().unwrap();
    capstan()
        .args(["template", "demo"])
        .arg(example("webapp"))
        .arg("--output-dir")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote "));
    let svc = std::fs::read_to_string(dir.path().join("webapp/templates/service.yaml")).unwrap();
    assert!(svc.starts_with("---\n# Source: webapp/templates/service.yaml\n"));
    assert_eq!(kinds(&svc), ["Service"]);
}

#[test]
fn render_errors_exit_1_with_helm_text() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("bad");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: bad\nversion: 0.1.0\n").unwrap();
    std::fs::write(chart.join("templates/cm.yaml"), "x: {{ required \"need .Values.x\" .Values.x }}\n").unwrap();
    capstan()
        .args(["template", "r"])
        .arg(&chart)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("execution error at (bad/templates/cm.yaml:1:6): need .Values.x"));
    std::fs::write(chart.join("templates/cm.yaml"), "x: {{ .Values.x \n").unwrap();
    capstan().args(["template", "r"]).arg(&chart).assert().code(1).stderr(predicate::str::contains("parse error"));
}

#[test]
fn a_missing_chart_is_a_failure_and_a_bad_flag_a_usage_error() {
    capstan().args(["template", "r", "/nonexistent/chart"]).assert().code(1);
    capstan().args(["template", "--no-such-flag", "r", "x"]).assert().code(2);
}

#[test]
fn create_scaffolds_charts_that_render_with_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for engine in ["go", "jinja"] {
        let chart = dir.path().join(format!("x-{engine}"));
        capstan().arg("create").arg(&chart).args(["--engine", engine]).assert().success();
        let out = stdout_of(capstan().args(["template", "r"]).arg(&chart));
        assert!(kinds(&out).contains(&"Deployment".to_string()), "{engine}: {out}");
    }
}

#[test]
fn show_prints_chart_metadata_and_raw_values() {
    let chart = stdout_of(capstan().args(["show", "chart"]).arg(example("webapp")));
    assert!(chart.contains("name: webapp\n"), "{chart}");
    let values = stdout_of(capstan().args(["show", "values"]).arg(example("webapp")));
    let raw = std::fs::read_to_string(example("webapp/values.yaml")).unwrap();
    assert_eq!(values, format!("{raw}\n"));
}

#[test]
fn version_and_completion() {
    capstan().arg("version").assert().success().stdout(predicate::str::contains("capstan v"));
    for shell in ["bash", "zsh", "fish", "powershell"] {
        capstan().args(["completion", shell]).assert().success().stdout(predicate::str::contains("capstan"));
    }
}

#[test]
fn kustomize_command_builds_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "namePrefix: dev-\nresources:\n- cm.yaml\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n")
        .unwrap();
    let out = stdout_of(capstan().arg("kustomize").arg(dir.path()));
    assert_eq!(out, "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: dev-app\n");
    capstan().arg("kustomize").arg(dir.path().join("missing")).assert().code(1);
}

#[test]
fn template_overlay_post_renders_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "namePrefix: prod-\ncommonAnnotations:\n  team: web\n",
    )
    .unwrap();
    let out = stdout_of(
        capstan().args(["template", "demo"]).arg(example("webapp")).arg("--overlay").arg(dir.path()),
    );
    let docs = documents(&out);
    assert_eq!(docs.len(), 4, "{out}");
    for d in &docs {
        assert!(d["metadata"]["name"].as_str().unwrap().starts_with("prod-demo-webapp"), "{d}");
        assert_eq!(d["metadata"]["annotations"]["team"], "web");
    }
}

/// `--name-template`: the release name from a template run with no data
/// (Go: pkg/action/install.go TemplateName), with Sprig's functions.
#[test]
fn install_flags_that_helm_template_takes_are_accepted_or_refused_as_helm_does() {
    // A pipeline that passes install flags to `helm template` gets the same
    // output from capstan; what template cannot do fails with a reason.
    let plain = stdout_of(capstan().args(["template", "demo"]).arg(example("webapp")));
    let flagged = stdout_of(capstan().args(["template", "demo"]).arg(example("webapp")).args([
        "--dry-run=client", "--create-namespace", "--wait", "--timeout", "2m", "-l", "team=a", "--description", "d",
        "--atomic", "--force-conflicts", "--take-ownership", "--hide-notes", "--render-subchart-notes", "--devel",
        "--dependency-update", "--insecure-skip-tls-verify", "--plain-http", "--pass-credentials",
    ]));
    assert_eq!(plain, flagged);
    for (flags, message) in [
        (&["--dry-run=server"][..], "--dry-run=server (and --validate) needs a cluster"),
        (&["--validate"], "needs a cluster"),
        (&["--dry-run=none"], r#"invalid dry-run value ("none"). Must be "server" or "client""#),
        (&["--enable-dns"], "--enable-dns is not supported"),
        (&["--labels", "bad"], "bad must be formatted as key=value"),
        (&["--wait=soon"], r#"invalid wait input "soon""#),
    ] {
        capstan()
            .args(["template", "demo"])
            .arg(example("webapp"))
            .args(flags)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn flattened_flag_groups_leave_each_command_its_own_about_text() {
    // clap takes a flattened Args struct's doc comment as the command's about.
    for (command, about) in [
        ("template", "Locally render templates"),
        ("install", "Install a chart as a new release"),
        ("upgrade", "Upgrade a release to a new chart or new values"),
        ("pull", "Download a chart from a repository"),
    ] {
        let help = stdout_of(capstan().args([command, "--help"]));
        assert!(help.starts_with(about), "{command}: {help}");
    }
}

#[test]
fn only_template_adds_the_debug_hint_and_only_to_failures_while_rendering() {
    // helm 4.1.4: `template` adds "Use --debug flag ..." to failures after
    // it made the release (kubeVersion, templates, manifests); install does
    // not, and values errors come before the release.
    const HINT: &str = "Use --debug flag to render out invalid YAML";
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\nkubeVersion: \">=1.40.0\"\n").unwrap();
    std::fs::write(chart.join("templates/t.yaml"), "a: 1\n").unwrap();
    std::fs::write(chart.join("values.schema.json"), r#"{"properties": {"n": {"type": "integer"}}}"#).unwrap();
    let incompatible = "chart requires kubeVersion: >=1.40.0 which is incompatible with Kubernetes v1.35.0";
    capstan()
        .args(["template", "r"])
        .arg(&chart)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("{incompatible}\n\n{HINT}")));
    capstan()
        .args(["install", "r"])
        .arg(&chart)
        .env("CAPSTAN_TARGET", "local")
        .env("CAPSTAN_HOME", dir.path().join("home"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(incompatible).and(predicate::str::contains(HINT).not()));
    capstan()
        .args(["template", "r"])
        .arg(&chart)
        .args(["--kube-version", "1.40.0", "--set", "n=x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("values don't meet the specifications").and(predicate::str::contains(HINT).not()));
}

#[test]
fn name_template_names_the_release() {
    let webapp = concat!(env!("CARGO_MANIFEST_DIR"), "/charts-examples/webapp");
    let out = assert_cmd::Command::cargo_bin("capstan")
        .unwrap()
        .env("CAPSTAN_TARGET", "local")
        .args(["template", "--name-template", "{{ \"Web-App\" | lower }}-{{ add 1 2 }}", webapp])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: web-app-3-webapp\n"));
    let out = assert_cmd::Command::cargo_bin("capstan")
        .unwrap()
        .args(["template", "--name-template", "{{ nope }}", webapp])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: template: name-template:1: function \"nope\" not defined\n"
    );
}

/// A chart with 80 KB of templates (enough for its templates to be parsed
/// ahead, on another core, before its dependencies are processed) and two
/// subcharts: `disabled`, turned off by a condition, whose template does not
/// parse, and `shared`, used under the alias `renamed`.
fn chart_parsed_ahead(dir: &Path) -> PathBuf {
    let root = dir.join("big");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Chart.yaml",
        "apiVersion: v2\nname: big\nversion: 1.0.0\ndependencies:\n- name: disabled\n  version: 1.0.0\n  condition: disabled.enabled\n- name: shared\n  version: 1.0.0\n  alias: renamed\n",
    );
    write("values.yaml", "disabled:\n  enabled: false\n");
    let padding = "# padding line that makes this chart's templates large enough\n".repeat(1300);
    write("templates/cm.yaml", &format!("{padding}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ .Release.Name }}}}\n"));
    write("charts/disabled/Chart.yaml", "apiVersion: v2\nname: disabled\nversion: 1.0.0\n");
    write("charts/disabled/templates/broken.yaml", "kind: ConfigMap\nname: {{ .Values.x \n");
    write("charts/shared/Chart.yaml", "apiVersion: v2\nname: shared\nversion: 1.0.0\n");
    write(
        "charts/shared/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Template.Name | base }}\n",
    );
    root
}

#[test]
fn templates_parsed_ahead_keep_helms_results_for_disabled_and_aliased_subcharts() {
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_parsed_ahead(dir.path());
    // The disabled subchart's template is never reported; the aliased one
    // renders under its alias.
    let out = stdout_of(capstan().args(["template", "rel"]).arg(&chart));
    assert!(out.contains("# Source: big/charts/renamed/templates/cm.yaml\n"), "{out}");
    assert!(out.contains("name: renamed-cm.yaml\n"), "{out}");
    assert!(!out.contains("charts/shared/") && !out.contains("charts/disabled/"), "{out}");
    // Turned on, its parse error names the file and lines, as Helm's does.
    capstan()
        .args(["template", "rel", "--set", "disabled.enabled=true"])
        .arg(&chart)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "parse error at (big/charts/disabled/templates/broken.yaml:3): unclosed action started at big/charts/disabled/templates/broken.yaml:2",
        ));
}
