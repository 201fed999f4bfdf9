//! Test-only: ask the real `helm` (installed by shared/tools/install-peers.sh)
//! what a template pipeline prints for given file contents, so codec output
//! can be compared with Helm's own. Tests skip when helm is not installed.

use std::path::PathBuf;
use std::process::Command;

/// The helm binary: $CAPSTAN_HELM, ~/.cache/capstan-peers/bin/helm, or none.
pub fn helm_binary() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CAPSTAN_HELM") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var("HOME").ok()?;
    let p = PathBuf::from(home).join(".cache/capstan-peers/bin/helm");
    p.exists().then_some(p)
}

/// For each input text, what `{{ $.Files.Get <file> | <pipeline> }}` prints
/// in `helm template` (e.g. pipeline `fromYaml | toJson`). `None` without helm.
pub fn helm_eval(pipeline: &str, inputs: &[String]) -> Option<Vec<String>> {
    use base64::Engine;
    let helm = helm_binary()?;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::create_dir_all(root.join("in")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: oracle\nversion: 0.1.0\n").unwrap();
    // Results are base64-encoded comments so Helm's manifest parsing never
    // sees them as YAML.
    let template = format!(
        "{{{{- range $name, $_ := .Files.Glob \"in/*\" }}}}\n# {{{{ base $name }}}} {{{{ $.Files.Get $name | {pipeline} | b64enc }}}}\n{{{{- end }}}}\n"
    );
    std::fs::write(root.join("templates/t.yaml"), template).unwrap();
    for (i, text) in inputs.iter().enumerate() {
        std::fs::write(root.join(format!("in/{i:06}")), text).unwrap();
    }
    let out = Command::new(helm).arg("template").arg("r").arg(root).output().expect("run helm");
    assert!(out.status.success(), "helm failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut results = vec![String::new(); inputs.len()];
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("# ") else { continue };
        let mut parts = rest.splitn(2, ' ');
        let (Some(name), b64) = (parts.next(), parts.next().unwrap_or("")) else { continue };
        let Ok(idx) = name.parse::<usize>() else { continue };
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).expect("base64 from helm");
        results[idx] = String::from_utf8(bytes).expect("utf-8 from helm");
    }
    Some(results)
}

/// What each template expression (a pipeline giving a string, e.g.
/// `printf "%05d" 3`) renders to in `helm template`. `None` without helm.
pub fn helm_exprs(exprs: &[String]) -> Option<Vec<String>> {
    use base64::Engine;
    let helm = helm_binary()?;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("Chart.yaml"), "apiVersion: v2\nname: oracle\nversion: 0.1.0\n").unwrap();
    let mut template = String::new();
    for (i, e) in exprs.iter().enumerate() {
        template.push_str(&format!("# {i} {{{{ {e} | b64enc }}}}\n"));
    }
    std::fs::write(root.join("templates/t.yaml"), template).unwrap();
    let out = Command::new(helm).arg("template").arg("r").arg(root).output().expect("run helm");
    assert!(out.status.success(), "helm failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut results = vec![None; exprs.len()];
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("# ") else { continue };
        let mut parts = rest.splitn(2, ' ');
        let (Some(name), b64) = (parts.next(), parts.next().unwrap_or("")) else { continue };
        let Ok(idx) = name.parse::<usize>() else { continue };
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).expect("base64 from helm");
        results[idx] = Some(String::from_utf8(bytes).expect("utf-8 from helm"));
    }
    Some(results.into_iter().map(|r| r.expect("every expression rendered")).collect())
}
