//! The `kube` target and the secret/configmap stores against a real API
//! server. These run only when `CAPSTAN_TEST_KUBECONFIG` names a kubeconfig
//! (a cluster you can write to: each test uses its own namespace and
//! deletes it); otherwise each says it was skipped, on stderr, and passes.
//! The tests that need no cluster (unreachable server, bad flags) always run.
//!
//! With the real helm (`$CAPSTAN_TEST_HELM`, else `helm` from
//! `../shared/tools/install-peers.sh`), the interop tests also check that
//! helm and capstan take turns on one release.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};

use capstan::cluster::kube::{ConnectOptions, KubeClient};
use serde_json::Value;

fn kubeconfig(test: &str) -> Option<PathBuf> {
    match std::env::var_os("CAPSTAN_TEST_KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            // Straight to the terminal: the test harness hides eprintln! output.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: no cluster (set CAPSTAN_TEST_KUBECONFIG)"
            );
            None
        }
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn webapp() -> String {
    repo().join("charts-examples/webapp").to_string_lossy().into_owned()
}

/// A namespace of its own for one test, deleted when dropped.
struct Cluster {
    kubeconfig: PathBuf,
    namespace: String,
    client: KubeClient,
    home: tempfile::TempDir,
}

impl Cluster {
    fn new(kubeconfig: PathBuf, test: &str) -> Cluster {
        static N: AtomicU32 = AtomicU32::new(0);
        let namespace = format!(
            "capstan-it-{}-{}-{}",
            test.replace('_', "-"),
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let namespace: String = namespace
            .chars()
            .take(63)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string();
        let opts = ConnectOptions {
            kubeconfig: Some(kubeconfig.clone()),
            ..ConnectOptions::default()
        };
        let client = KubeClient::connect(&opts).expect("CAPSTAN_TEST_KUBECONFIG names a reachable cluster");
        let cluster = Cluster {
            kubeconfig,
            namespace,
            client,
            home: tempfile::tempdir().unwrap(),
        };
        let ns = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": cluster.namespace}});
        cluster
            .send(http::Method::POST, "/api/v1/namespaces", Some(&ns))
            .unwrap();
        cluster
    }

    fn command(&self, program: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.home.path())
            .env("NO_COLOR", "1")
            .env_remove("CAPSTAN_TARGET")
            .env_remove("HELM_DRIVER")
            .env_remove("CAPSTAN_STORAGE")
            .env_remove("HELM_NAMESPACE")
            .args(["--namespace", &self.namespace]);
        cmd
    }

    fn capstan(&self, args: &[&str]) -> Output {
        self.command(&PathBuf::from(env!("CARGO_BIN_EXE_capstan")))
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.capstan(args);
        assert!(
            out.status.success(),
            "capstan {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.capstan(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "capstan {args:?} should fail:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// An empty chart NAME (Chart.yaml and templates/) in the test's home.
    fn chart(&self, name: &str) -> PathBuf {
        let chart = self.home.path().join(name);
        std::fs::create_dir_all(chart.join("templates")).unwrap();
        std::fs::write(
            chart.join("Chart.yaml"),
            format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
        )
        .unwrap();
        chart
    }

    fn send(&self, method: http::Method, path: &str, body: Option<&Value>) -> Result<Value, String> {
        self.client
            .block_on(self.client.request(method, path, None, body))
            .map_err(|e| e.to_string())
    }

    fn get(&self, path: &str) -> Option<Value> {
        self.client.block_on(self.client.get(path)).unwrap()
    }

    fn ns_path(&self, rest: &str) -> String {
        format!("/api/v1/namespaces/{}/{rest}", self.namespace)
    }

    /// Names of the release record objects (`secrets` or `configmaps`).
    fn records(&self, plural: &str) -> Vec<String> {
        let list = self
            .get(&format!("{}?labelSelector=owner%3Dhelm", self.ns_path(plural)))
            .unwrap();
        let mut names: Vec<String> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // CRDs a release kept (`helm.sh/resource-policy: keep`) outlive it.
        let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        if let Some(list) = self.get(crds) {
            for crd in list["items"].as_array().into_iter().flatten() {
                if crd["metadata"]["annotations"]["meta.helm.sh/release-namespace"] == self.namespace.as_str() {
                    let name = crd["metadata"]["name"].as_str().unwrap_or_default();
                    let _ = self.send(http::Method::DELETE, &format!("{crds}/{name}"), None);
                }
            }
        }
        let _ = self.send(
            http::Method::DELETE,
            &format!("/api/v1/namespaces/{}", self.namespace),
            None,
        );
    }
}

/// Poll until `path` is gone (deletion may finish after the DELETE returns).
fn gone(c: &Cluster, path: &str) -> bool {
    for _ in 0..100 {
        if c.get(path).is_none() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    false
}

fn helm() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CAPSTAN_TEST_HELM").map(PathBuf::from),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/capstan-peers/bin/helm")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

#[test]
fn install_upgrade_rollback_uninstall_webapp() {
    let Some(kc) = kubeconfig("install_upgrade_rollback_uninstall_webapp") else {
        return;
    };
    let c = Cluster::new(kc, "lifecycle");
    c.ok(&["install", "web", &webapp()]);
    let deploy = c
        .get(&format!(
            "/apis/apps/v1/namespaces/{}/deployments/web-webapp",
            c.namespace
        ))
        .expect("deployed");
    assert_eq!(deploy["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm");
    assert_eq!(deploy["metadata"]["annotations"]["meta.helm.sh/release-name"], "web");
    assert_eq!(
        deploy["metadata"]["annotations"]["meta.helm.sh/release-namespace"],
        c.namespace.as_str()
    );
    let managers: Vec<&str> = deploy["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert!(
        managers.contains(&"capstan"),
        "server-side applied by capstan: {managers:?}"
    );

    // Helm's record layout.
    assert_eq!(c.records("secrets"), vec!["sh.helm.release.v1.web.v1"]);
    let record = c.get(&c.ns_path("secrets/sh.helm.release.v1.web.v1")).unwrap();
    assert_eq!(record["type"], "helm.sh/release.v1");
    let labels = &record["metadata"]["labels"];
    assert_eq!(
        (labels["name"].as_str(), labels["owner"].as_str()),
        (Some("web"), Some("helm"))
    );
    assert_eq!(
        (labels["status"].as_str(), labels["version"].as_str()),
        (Some("deployed"), Some("1"))
    );

    // Upgrade: replicas change, and an object dropped from the chart is pruned.
    c.ok(&[
        "upgrade",
        "web",
        &webapp(),
        "--set",
        "replicaCount=3",
        "--set",
        "serviceAccount.create=false",
    ]);
    let deploy = c
        .get(&format!(
            "/apis/apps/v1/namespaces/{}/deployments/web-webapp",
            c.namespace
        ))
        .unwrap();
    assert_eq!(deploy["spec"]["replicas"], 3);
    assert!(
        c.get(&c.ns_path("serviceaccounts/web-webapp")).is_none(),
        "pruned on upgrade"
    );
    let history = c.ok(&["history", "web", "-o", "json"]);
    let history: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);

    c.ok(&["rollback", "web", "1"]);
    let deploy = c
        .get(&format!(
            "/apis/apps/v1/namespaces/{}/deployments/web-webapp",
            c.namespace
        ))
        .unwrap();
    assert_ne!(deploy["spec"]["replicas"], 3, "back to revision 1's replicas");
    assert!(
        c.get(&c.ns_path("serviceaccounts/web-webapp")).is_some(),
        "restored by the rollback"
    );
    let status = c.ok(&["status", "web", "-o", "json"]);
    assert_eq!(serde_json::from_str::<Value>(&status).unwrap()["version"], 3);

    c.ok(&["uninstall", "web"]);
    assert!(c
        .get(&format!(
            "/apis/apps/v1/namespaces/{}/deployments/web-webapp",
            c.namespace
        ))
        .is_none());
    assert!(c.get(&c.ns_path("configmaps/web-webapp")).is_none());
    assert!(c.records("secrets").is_empty(), "uninstall removes every record");
    let leases = c
        .get(&format!(
            "/apis/coordination.k8s.io/v1/namespaces/{}/leases",
            c.namespace
        ))
        .unwrap();
    assert!(
        leases["items"].as_array().unwrap().is_empty(),
        "no operation lease left behind"
    );
}

#[test]
fn configmap_storage_and_server_dry_run() {
    let Some(kc) = kubeconfig("configmap_storage_and_server_dry_run") else {
        return;
    };
    let c = Cluster::new(kc, "storage");
    let out = c.ok(&["install", "web", &webapp(), "--dry-run=server"]);
    assert!(
        out.contains("Dry run complete") || out.contains("STATUS: pending-install"),
        "{out}"
    );
    assert!(c.records("secrets").is_empty(), "a dry run records nothing");
    assert!(
        c.get(&c.ns_path("configmaps/web-webapp")).is_none(),
        "a dry run creates nothing"
    );
    // The server validates: an invalid object fails the dry run.
    let err = c.fails(&[
        "install",
        "web",
        &webapp(),
        "--dry-run=server",
        "--set",
        "service.port=not-a-port",
    ]);
    assert!(err.contains("Service") || err.contains("port"), "{err}");

    c.ok(&["install", "web", &webapp(), "--storage", "configmap"]);
    assert_eq!(c.records("configmaps"), vec!["sh.helm.release.v1.web.v1"]);
    assert!(c.records("secrets").is_empty());
    let list = c.ok(&["list", "--storage", "configmap"]);
    assert!(list.contains("web"), "{list}");
    let none = c.ok(&["list"]);
    assert!(
        !none.contains("webapp"),
        "the secret driver sees no configmap records: {none}"
    );
    c.ok(&["uninstall", "web", "--storage", "configmap"]);
    assert!(c.records("configmaps").is_empty());
}

#[test]
fn ownership_conflicts_and_take_ownership() {
    let Some(kc) = kubeconfig("ownership_conflicts_and_take_ownership") else {
        return;
    };
    let c = Cluster::new(kc, "owner");
    let stray = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-webapp"}, "data": {"x": "1"}});
    c.send(http::Method::POST, &c.ns_path("configmaps"), Some(&stray))
        .unwrap();
    let err = c.fails(&["install", "web", &webapp()]);
    assert!(
        err.contains("ConfigMap \"web-webapp\" in namespace")
            && err.contains("exists and cannot be imported into the current release")
            && err.contains("missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\""),
        "{err}"
    );
    c.ok(&[
        "install",
        "web2",
        &webapp(),
        "--take-ownership",
        "--set",
        "fullnameOverride=web-webapp",
    ]);
    let cm = c.get(&c.ns_path("configmaps/web-webapp")).unwrap();
    assert_eq!(cm["metadata"]["annotations"]["meta.helm.sh/release-name"], "web2");
}

#[test]
fn crds_in_templates_are_established_before_their_resources() {
    let Some(kc) = kubeconfig("crds_in_templates_are_established_before_their_resources") else {
        return;
    };
    let c = Cluster::new(kc, "crd");
    let chart = c.chart("widgets");
    let group = format!("{}.capstan.test", c.namespace);
    std::fs::write(
        chart.join("templates/crd.yaml"),
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.{group}\nspec:\n  group: {group}\n  scope: Namespaced\n  names: {{plural: widgets, singular: widget, kind: Widget}}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n"
        ),
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/widget.yaml"),
        format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n"),
    )
    .unwrap();
    c.ok(&["install", "widgets", chart.to_str().unwrap()]);
    let w = c
        .get(&format!("/apis/{group}/v1/namespaces/{}/widgets/w1", c.namespace))
        .expect("the custom resource");
    assert_eq!(w["spec"]["size"], 3);
    c.ok(&["uninstall", "widgets"]);
    assert!(gone(
        &c,
        &format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}")
    ));

    // A kind the server does not know is a clear error naming the object.
    std::fs::remove_file(chart.join("templates/crd.yaml")).unwrap();
    let err = c.fails(&["install", "widgets", chart.to_str().unwrap()]);
    assert!(
        err.contains("no matches for kind \"Widget\"") && err.contains("\"w1\""),
        "{err}"
    );
}

#[test]
fn helm_and_capstan_take_turns_on_one_release() {
    let Some(kc) = kubeconfig("helm_and_capstan_take_turns_on_one_release") else {
        return;
    };
    let Some(helm) = helm() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED helm interop: no helm (set CAPSTAN_TEST_HELM or run install-peers.sh)"
        );
        return;
    };
    let c = Cluster::new(kc, "interop");
    let helm_ok = |args: &[&str]| {
        let out = c.command(&helm).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "helm {args:?}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // capstan installs, helm upgrades (taking over capstan's fields), capstan sees both and rolls back.
    c.ok(&["install", "web", &webapp()]);
    helm_ok(&[
        "upgrade",
        "web",
        &webapp(),
        "--set",
        "replicaCount=2",
        "--force-conflicts",
    ]);
    let history: Value = serde_json::from_str(&c.ok(&["history", "web", "-o", "json"])).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    c.ok(&["rollback", "web", "1"]);
    let helm_history = helm_ok(&["history", "web"]);
    assert!(helm_history.contains("Rollback to 1"), "{helm_history}");
    c.ok(&["uninstall", "web"]);
    assert!(c.records("secrets").is_empty());

    // helm installs, capstan upgrades (taking Helm's fields over by itself), helm rolls back.
    helm_ok(&["install", "web", &webapp()]);
    c.ok(&["upgrade", "web", &webapp(), "--set", "replicaCount=3"]);
    let helm_history = helm_ok(&["history", "web"]);
    assert!(helm_history.contains("Upgrade complete"), "{helm_history}");
    helm_ok(&["rollback", "web", "1", "--force-conflicts"]);
    let status: Value = serde_json::from_str(&c.ok(&["status", "web", "-o", "json"])).unwrap();
    assert_eq!(status["version"], 3);
    helm_ok(&["uninstall", "web"]);
    assert!(c
        .get(&format!(
            "/apis/apps/v1/namespaces/{}/deployments/web-webapp",
            c.namespace
        ))
        .is_none());
}

#[test]
fn unreachable_or_unconfigured_cluster_is_one_clear_error() {
    // No cluster needed: nothing listens on port 1.
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_capstan"))
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .env_remove("CAPSTAN_TARGET")
        .args(["list", "--kube-apiserver", "https://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Kubernetes cluster unreachable: https://127.0.0.1:1") && err.contains("refused"),
        "{err}"
    );
    assert_eq!(err.matches("Error:").count(), 1, "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_capstan"))
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .args(["list", "--target", "kube"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no cluster configuration"), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_capstan"))
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .args(["list", "--kube-apiserver", "https://127.0.0.1:1", "--storage", "sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"sql\" is not supported"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn crds_dir_is_left_alone_on_upgrade_unless_crds_upgrade() {
    let Some(kc) = kubeconfig("crds_dir_is_left_alone_on_upgrade_unless_crds_upgrade") else {
        return;
    };
    let c = Cluster::new(kc, "crdsdir");
    let chart = c.chart("gadgets");
    std::fs::create_dir_all(chart.join("crds")).unwrap();
    let group = format!("{}.capstan.test", c.namespace);
    let crd = |column: &str| {
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.{group}\nspec:\n  group: {group}\n  scope: Namespaced\n  names: {{plural: gadgets, singular: gadget, kind: Gadget}}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    additionalPrinterColumns:\n    - {{name: {column}, type: string, jsonPath: .spec.{column}}}\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n"
        )
    };
    std::fs::write(chart.join("crds/gadget.yaml"), crd("colour")).unwrap();
    std::fs::write(
        chart.join("templates/gadget.yaml"),
        format!("apiVersion: {group}/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  colour: red\n"),
    )
    .unwrap();
    let crd_path = format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.{group}");
    let column = |c: &Cluster| {
        c.get(&crd_path).unwrap()["spec"]["versions"][0]["additionalPrinterColumns"][0]["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    c.ok(&["install", "gadgets", chart.to_str().unwrap()]);
    assert_eq!(column(&c), "colour");
    std::fs::write(chart.join("crds/gadget.yaml"), crd("shape")).unwrap();
    c.ok(&["upgrade", "gadgets", chart.to_str().unwrap()]);
    assert_eq!(column(&c), "colour", "Helm never upgrades crds/");
    c.ok(&["upgrade", "gadgets", chart.to_str().unwrap(), "--crds", "upgrade"]);
    assert_eq!(column(&c), "shape", "--crds upgrade applies them");
    c.ok(&["uninstall", "gadgets"]);
    assert!(
        c.get(&crd_path).is_some(),
        "CRDs from crds/ outlive the release, as in Helm"
    );
    let _ = c.send(http::Method::DELETE, &crd_path, None);
}

#[test]
fn lookup_reads_the_cluster_on_install_and_upgrade_but_not_in_template() {
    let Some(kc) = kubeconfig("lookup_reads_the_cluster_on_install_and_upgrade_but_not_in_template") else {
        return;
    };
    let c = Cluster::new(kc, "lookup");
    let existing = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"colour": "teal"}});
    c.send(http::Method::POST, &c.ns_path("configmaps"), Some(&existing))
        .unwrap();
    let chart = c.chart("looker");
    std::fs::write(
        chart.join("templates/copy.yaml"),
        "{{- $cm := lookup \"v1\" \"ConfigMap\" .Release.Namespace \"settings\" }}\n{{- $all := lookup \"v1\" \"ConfigMap\" .Release.Namespace \"\" }}\n{{- $missing := lookup \"v1\" \"Secret\" .Release.Namespace \"nope\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: copy\ndata:\n  colour: {{ dig \"data\" \"colour\" \"none\" $cm | quote }}\n  listed: {{ gt (len (default list $all.items)) 0 | quote }}\n  missing: {{ empty $missing | quote }}\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n  leases: {{ .Capabilities.APIVersions.Has \"coordination.k8s.io/v1/Lease\" | quote }}\n  madeup: {{ .Capabilities.APIVersions.Has \"madeup.example/v1\" | quote }}\n",
    )
    .unwrap();
    let chart = chart.to_str().unwrap();
    c.ok(&["install", "looker", chart]);
    let copy = c.get(&c.ns_path("configmaps/copy")).unwrap();
    assert_eq!(copy["data"]["colour"], "teal", "lookup found the live ConfigMap");
    assert_eq!(
        copy["data"]["listed"], "true",
        "lookup listed the namespace's ConfigMaps"
    );
    assert_eq!(copy["data"]["missing"], "true", "what does not exist is an empty map");
    // .Capabilities are the cluster's own.
    let version = c.get("/version").unwrap();
    assert_eq!(copy["data"]["kube"], version["gitVersion"]);
    assert_eq!(copy["data"]["leases"], "true");
    assert_eq!(copy["data"]["madeup"], "false");
    let rendered = c.ok(&["template", "looker", chart]);
    assert!(
        rendered.contains("colour: \"none\""),
        "template never asks the cluster:\n{rendered}"
    );
}

#[test]
fn corpus_charts_install_upgrade_roll_back_and_uninstall_cleanly() {
    let Some(kc) = kubeconfig("corpus_charts_install_upgrade_roll_back_and_uninstall_cleanly") else {
        return;
    };
    let corpus = repo().join("../shared/corpus/helm/charts");
    if !corpus.is_dir() {
        let _ = writeln!(std::io::stderr(), "SKIPPED corpus charts: no ../shared/corpus");
        return;
    }
    let c = Cluster::new(kc, "corpus");
    for (chart, release) in [
        ("kube-prometheus-stack", "kps-it"),
        ("argo-cd", "argo-it"),
        ("ingress-nginx", "nginx-it"),
    ] {
        let path = corpus.join(chart);
        let path = path.to_str().unwrap();
        // Hooks run Jobs, which need nodes; the objects are what is checked here.
        c.ok(&["install", release, path, "--no-hooks"]);
        c.ok(&["upgrade", release, path, "--no-hooks", "--set", "commonLabels.tier=it"]);
        c.ok(&["rollback", release, "1", "--no-hooks"]);
        let status: Value = serde_json::from_str(&c.ok(&["status", release, "-o", "json"])).unwrap();
        assert_eq!(
            (status["version"].as_u64(), status["info"]["status"].as_str()),
            (Some(3), Some("deployed"))
        );
        c.ok(&["uninstall", release, "--no-hooks"]);
    }
    assert!(c.records("secrets").is_empty(), "every record removed");
    for kind in ["deployments", "daemonsets", "statefulsets"] {
        let list = c
            .get(&format!("/apis/apps/v1/namespaces/{}/{kind}", c.namespace))
            .unwrap();
        assert!(
            list["items"].as_array().unwrap().is_empty(),
            "{kind} left behind: {list}"
        );
    }
    for kind in [
        "services",
        "configmaps?labelSelector=app.kubernetes.io%2Fmanaged-by%3DHelm",
        "serviceaccounts?labelSelector=app.kubernetes.io%2Fmanaged-by%3DHelm",
    ] {
        let list = c.get(&c.ns_path(kind)).unwrap();
        assert!(
            list["items"].as_array().unwrap().is_empty(),
            "{kind} left behind: {list}"
        );
    }
    let roles = c.get("/apis/rbac.authorization.k8s.io/v1/clusterroles").unwrap();
    let left: Vec<&str> = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            r["metadata"]["annotations"]["meta.helm.sh/release-namespace"]
                .as_str()
                .map(|ns| (r, ns))
        })
        .filter(|(_, ns)| *ns == c.namespace)
        .filter_map(|(r, _)| r["metadata"]["name"].as_str())
        .collect();
    assert!(left.is_empty(), "cluster-scoped objects left behind: {left:?}");
}

#[test]
fn diff_upgrade_compares_live_objects_with_a_server_dry_run() {
    let Some(kc) = kubeconfig("diff_upgrade_compares_live_objects_with_a_server_dry_run") else {
        return;
    };
    let c = Cluster::new(kc, "diff");
    c.ok(&["install", "web", &webapp()]);
    let same = c.capstan(&["diff", "upgrade", "web", &webapp(), "--detailed-exitcode"]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "no change: {}",
        String::from_utf8_lossy(&same.stdout)
    );
    // Drift made behind the release's back shows: the upgrade would undo it.
    let scale = serde_json::json!({"spec": {"replicas": 5}});
    let path = format!("/apis/apps/v1/namespaces/{}/deployments/web-webapp", c.namespace);
    c.client
        .block_on(c.client.request(
            http::Method::PATCH,
            &path,
            Some("application/merge-patch+json"),
            Some(&scale),
        ))
        .unwrap();
    let drift = c.capstan(&["diff", "upgrade", "web", &webapp(), "--detailed-exitcode"]);
    assert_eq!(drift.status.code(), Some(2));
    let text = String::from_utf8_lossy(&drift.stdout);
    assert!(
        text.contains("-  replicas: 5\n") && text.contains("+  replicas: 1\n"),
        "{text}"
    );
    // Server-side defaults are in both sides, so only what changes shows.
    assert!(!text.contains("+  progressDeadlineSeconds"), "{text}");
    // Nothing was changed by the diff.
    assert_eq!(c.get(&path).unwrap()["spec"]["replicas"], 5);
    assert_eq!(c.records("secrets").len(), 1);
}

#[test]
fn wait_timeout_names_the_unready_objects_and_rollback_on_failure_cleans_up() {
    let Some(kc) = kubeconfig("wait_timeout_names_the_unready_objects_and_rollback_on_failure_cleans_up") else {
        return;
    };
    let c = Cluster::new(kc, "wait");
    // An image no registry serves: never ready, on any cluster.
    let bad = [
        "--set",
        "image.repository=capstan.invalid/none",
        "--wait",
        "--timeout",
        "4s",
    ];
    let err = c.fails(&[&["install", "web", &webapp()][..], &bad[..]].concat());
    assert!(
        err.contains("timed out after 4s") && err.contains("Deployment") && err.contains("web-webapp"),
        "{err}"
    );
    let status: Value = serde_json::from_str(&c.ok(&["status", "web", "-o", "json"])).unwrap();
    assert_eq!(status["info"]["status"], "failed");
    c.ok(&["uninstall", "web"]);
    let err = c.fails(&[&["install", "web", &webapp(), "--rollback-on-failure"][..], &bad[..]].concat());
    assert!(err.contains("timed out"), "{err}");
    assert!(
        c.records("secrets").is_empty(),
        "--rollback-on-failure uninstalled the failed release"
    );
    assert!(gone(
        &c,
        &format!("/apis/apps/v1/namespaces/{}/deployments/web-webapp", c.namespace)
    ));
}
