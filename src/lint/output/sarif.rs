//! SARIF 2.1.0 output (OASIS SARIF v2.1.0: sarifLog, run, tool.driver with
//! rules, results with ruleId, ruleIndex, level, message, locations with a
//! physicalLocation: artifactLocation.uri and, where known, region.startLine).

use serde_json::{json, Value};

use super::super::rules::RULES;
use super::super::Report;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A file path as a relative URI reference (RFC 3986): `/` separators,
/// spaces and other reserved characters percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.description},
                "defaultConfiguration": {"level": r.severity.sarif_level()},
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in &report.targets {
        for f in &t.findings {
            let mut text = String::new();
            if let Some(o) = &f.object {
                text.push_str(&o.display());
                text.push_str(": ");
            }
            if let Some(field) = &f.field {
                text.push_str(field);
                text.push_str(": ");
            }
            text.push_str(&f.message);
            // Chart-relative files are made relative to the working directory.
            let file = if f.file.is_empty() {
                t.path.clone()
            } else if t.kind == super::super::TargetKind::Manifests || t.kind == super::super::TargetKind::Kustomization {
                f.file.clone()
            } else {
                format!("{}/{}", t.path.trim_end_matches('/'), f.file)
            };
            let mut physical = json!({"artifactLocation": {"uri": uri(&file)}});
            if let Some(line) = f.line {
                physical["region"] = json!({"startLine": line});
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": f.severity.sarif_level(),
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
            });
            let mut props = serde_json::Map::new();
            if let Some(o) = &f.object {
                props.insert("object".into(), json!(o));
            }
            if let Some(field) = &f.field {
                props.insert("field".into(), json!(field));
            }
            if let Some(t) = &f.template {
                props.insert("template".into(), json!(t));
            }
            if !f.values.is_empty() {
                props.insert("values".into(), json!(f.values));
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "capstan-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "properties": {"kubeVersion": report.kube_version},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_escaped() {
        assert_eq!(uri("charts/my chart/templates/a.yaml"), "charts/my%20chart/templates/a.yaml");
        assert_eq!(uri("a\\b.yaml"), "a/b.yaml");
    }
}
