//! Shared by the lifecycle end-to-end tests: a `capstan` command on a
//! temporary CAPSTAN_HOME (local target, no kubeconfig), and small test
//! charts written to disk.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// A private state directory and HOME for one test.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn state_db(&self) -> PathBuf {
        self.path().join("state").join("state.db")
    }

    /// `capstan` with CAPSTAN_HOME and HOME in the temporary directory,
    /// the local target chosen explicitly, and no kubeconfig.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// [`Home::cmd`] as a std Command (to spawn and kill).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("capstan"));
        cmd.env("CAPSTAN_HOME", self.path().join("state"))
            .env("HOME", self.path())
            .env("CAPSTAN_TARGET", "local")
            .env_remove("KUBECONFIG")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .env_remove("HELM_NAMESPACE")
            .env_remove("CAPSTAN_TEST_PAUSE_AT")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Run and require success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "capstan {args:?} failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run and require failure with exit code 1; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "capstan {args:?} should fail:\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// `history NAME -o json`, parsed.
    pub fn history(&self, name: &str) -> Vec<Value> {
        let text = self.ok(&["history", name, "-o", "json"]);
        serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().clone()
    }

    /// `history NAME -n NAMESPACE -o json`, parsed.
    pub fn history_in(&self, name: &str, namespace: &str) -> Vec<Value> {
        let text = self.ok(&["history", name, "-n", namespace, "-o", "json"]);
        serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().clone()
    }

    /// (revision, status) of every revision.
    pub fn statuses(&self, name: &str) -> Vec<(u64, String)> {
        self.history(name)
            .iter()
            .map(|h| (h["revision"].as_u64().unwrap(), h["status"].as_str().unwrap().to_string()))
            .collect()
    }

    /// The kinds/names of a release's live objects on the local target.
    pub fn live_objects(&self, namespace: &str, name: &str) -> Vec<String> {
        use capstan::release::{SqliteStore, Store};
        let store = SqliteStore::open(self.state_db()).unwrap();
        store.objects(namespace, name, 0).unwrap().iter().map(|o| format!("{}/{}", o.kind, o.name)).collect()
    }
}

/// The bundled example chart.
pub fn webapp() -> String {
    format!("{}/charts-examples/webapp", env!("CARGO_MANIFEST_DIR"))
}

/// A chart with hooks for every event whose outcome the values decide
/// (`capstan.io/local-hook-result`), optional objects (`extra`, a `kept`
/// one with `helm.sh/resource-policy: keep`), and notes.
pub fn hooked_chart(dir: &Path) -> String {
    let root = dir.join("hooked");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: hooked\nversion: 0.1.0\nappVersion: \"1.0\"\n")
        .unwrap();
    std::fs::write(
        root.join("values.yaml"),
        "message: hello\nextra: false\nkeep: false\nhooks:\n  preInstall: succeed\n  postInstall: succeed\n  preUpgrade: succeed\n  postUpgrade: succeed\n  preRollback: succeed\n  preDelete: succeed\n",
    )
    .unwrap();
    std::fs::write(
        root.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  message: {{ .Values.message | quote }}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("templates/extra.yaml"),
        "{{- if .Values.extra }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-extra\nstringData:\n  a: b\n{{- end }}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("templates/kept.yaml"),
        "{{- if .Values.keep }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-kept\n  annotations:\n    helm.sh/resource-policy: keep\n{{- end }}\n",
    )
    .unwrap();
    let hook = |event: &str, key: &str, name: &str, weight: i32, policy: &str| {
        format!(
            "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{{{ .Release.Name }}}}-{name}\n  annotations:\n    helm.sh/hook: {event}\n    helm.sh/hook-weight: \"{weight}\"\n{policy}    capstan.io/local-hook-result: {{{{ .Values.hooks.{key} }}}}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: c\n          image: busybox\n"
        )
    };
    let mut hooks = String::new();
    hooks.push_str(&hook("pre-install", "preInstall", "pre-install-b", 5, ""));
    hooks.push_str(&hook("pre-install", "preInstall", "pre-install-a", -5, ""));
    hooks.push_str(&hook(
        "post-install",
        "postInstall",
        "post-install",
        0,
        "    helm.sh/hook-delete-policy: hook-succeeded\n",
    ));
    hooks.push_str(&hook("pre-upgrade", "preUpgrade", "pre-upgrade", 0, ""));
    hooks.push_str(&hook("post-upgrade", "postUpgrade", "post-upgrade", 0, ""));
    hooks.push_str(&hook("pre-rollback", "preRollback", "pre-rollback", 0, ""));
    hooks.push_str(&hook("pre-delete", "preDelete", "pre-delete", 0, ""));
    std::fs::write(root.join("templates/hooks.yaml"), hooks).unwrap();
    std::fs::write(root.join("templates/NOTES.txt"), "Release {{ .Release.Name }} says {{ .Values.message }}.\n")
        .unwrap();
    root.to_string_lossy().into_owned()
}
