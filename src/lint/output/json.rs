//! JSON output. The shape is stable (docs/lint.md):
//! `{"version": 1, "kubeVersion", "summary": {...}, "targets": [{"path",
//! "kind", "objects", "failed", "findings": [{"severity", "rule", "message",
//! "file", "line"?, "template"?, "object"?, "field"?, "values"?}]}]}`.

use serde_json::{json, Value};

use super::super::{Report, Severity};

pub fn render(report: &Report, strict: bool) -> String {
    let count = |s: Severity| report.targets.iter().map(|t| t.count(s)).sum::<usize>();
    let targets: Vec<Value> = report
        .targets
        .iter()
        .map(|t| {
            json!({
                "path": t.path,
                "kind": t.kind,
                "objects": t.objects,
                "failed": t.failed(strict),
                "findings": t.findings,
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "kubeVersion": report.kube_version,
        "strict": strict,
        "failed": report.failed(strict),
        "summary": {"errors": count(Severity::Error), "warnings": count(Severity::Warning), "infos": count(Severity::Info), "targets": report.targets.len()},
        "targets": targets,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
