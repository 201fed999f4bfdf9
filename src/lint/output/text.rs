//! Text output in `helm lint`'s layout (pkg/cmd/lint.go):
//! `==> Linting PATH`, one `[SEVERITY] path: message` line per finding,
//! then `N chart(s) linted, M chart(s) failed`. Object findings add the
//! object, the field, the line and the rule ID.

use super::super::{Finding, Report, Severity, TargetKind};

/// One finding as a line (or lines, for Helm's multi-line messages).
pub fn finding_line(f: &Finding) -> String {
    let mut location = f.file.clone();
    if let Some(line) = f.line {
        location.push_str(&format!(":{line}"));
    }
    let mut s = format!("[{}] {location}: ", f.severity.label());
    if let Some(o) = &f.object {
        s.push_str(&o.display());
        s.push_str(": ");
    }
    if let Some(field) = &f.field {
        s.push_str(field);
        s.push_str(": ");
    }
    s.push_str(&f.message);
    // Helm's own chart rules print exactly Helm's text; ours name the rule.
    if f.object.is_some() || !is_helm_rule(f.rule) {
        s.push_str(&format!(" ({})", f.rule));
    }
    if !f.values.is_empty() && f.values.iter().any(|v| v != "values.yaml") {
        s.push_str(&format!(" [values: {}]", f.values.join(", ")));
    }
    s
}

fn is_helm_rule(rule: &str) -> bool {
    matches!(
        rule,
        "chart-yaml" | "chart-icon" | "chart-version-semver2" | "chart-load" | "chart-dependencies" | "values" | "templates"
            | "template-extension" | "template-indent" | "template-yaml" | "template-selector" | "list-annotations" | "crds"
    )
}

/// The whole report. `quiet` prints only warnings and errors (Helm:
/// `--quiet`); `strict` counts warnings as failures.
pub fn render(report: &Report, strict: bool, quiet: bool) -> String {
    let mut out = String::new();
    let mut charts = 0;
    let mut failed_charts = 0;
    let mut failed_other = 0;
    for t in &report.targets {
        let failed = t.failed(strict);
        if t.kind == TargetKind::Chart {
            charts += 1;
            if failed {
                failed_charts += 1;
            }
        } else if failed {
            failed_other += 1;
        }
        let shown: Vec<&Finding> =
            t.findings.iter().filter(|f| !quiet || f.severity >= Severity::Warning).collect();
        if quiet && shown.is_empty() {
            continue;
        }
        out.push_str(&format!("==> Linting {}\n", t.path));
        for f in shown {
            out.push_str(&finding_line(f));
            out.push('\n');
        }
        out.push('\n');
    }
    let others = report.targets.len() - charts;
    let mut summary = Vec::new();
    if charts > 0 || others == 0 {
        summary.push(format!("{charts} chart(s) linted, {failed_charts} chart(s) failed"));
    }
    if others > 0 {
        summary.push(format!("{others} manifest set(s) linted, {failed_other} failed"));
    }
    let total = |s: Severity| report.targets.iter().map(|t| t.count(s)).sum::<usize>();
    if !quiet {
        out.push_str(&format!(
            "{} error(s), {} warning(s), {} info(s) for Kubernetes {}\n",
            total(Severity::Error),
            total(Severity::Warning),
            total(Severity::Info),
            report.kube_version
        ));
    }
    out.push_str(&summary.join("; "));
    out.push('\n');
    out
}

/// Helm's closing line (printed after `Error: ` when something failed).
pub fn summary(report: &Report, strict: bool) -> String {
    let charts = report.targets.iter().filter(|t| t.kind == TargetKind::Chart).count();
    let failed = report.targets.iter().filter(|t| t.failed(strict)).count();
    if charts == report.targets.len() {
        format!("{charts} chart(s) linted, {failed} chart(s) failed")
    } else {
        format!("{} target(s) linted, {failed} failed", report.targets.len())
    }
}
