//! Checks of one object: is it an object, is its apiVersion served, does it
//! match its API type (or its CRD), and the format rules the API server
//! applies on top of the types (names, labels, ports).

use serde_json::{Map, Value};

use super::document::Object;
use super::finding::Severity;
use super::k8s::apis::{self, ApiStatus};
use super::k8s::crd::CrdIndex;
use super::k8s::formats;
use super::k8s::schema::Release;
use super::k8s::validate::{FieldPath, Validator, Violation};

/// One problem with a severity.
#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub violation: Violation,
}

fn err(v: Violation) -> Problem {
    Problem { severity: Severity::Error, violation: v }
}

/// A workload's pod template: the path of the pod spec, the spec and the
/// template's labels.
pub struct PodTemplate<'a> {
    pub spec_path: FieldPath,
    pub spec: &'a Value,
    pub labels: Option<&'a Map<String, Value>>,
    /// The path of the template's metadata (`spec.template.metadata`).
    pub meta_path: Option<FieldPath>,
}

/// The pod template of a Pod, workload, Job, CronJob or PodTemplate.
pub fn pod_template(obj: &Value) -> Option<PodTemplate<'_>> {
    let kind = obj["kind"].as_str()?;
    let root = FieldPath::root();
    let (tpl_path, tpl) = match kind {
        "Pod" => {
            return Some(PodTemplate {
                spec_path: root.child("spec"),
                spec: &obj["spec"],
                labels: obj["metadata"]["labels"].as_object(),
                meta_path: None,
            })
        }
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            (root.child("spec").child("template"), &obj["spec"]["template"])
        }
        "CronJob" => (
            root.child("spec").child("jobTemplate").child("spec").child("template"),
            &obj["spec"]["jobTemplate"]["spec"]["template"],
        ),
        "PodTemplate" => (root.child("template"), &obj["template"]),
        _ => return None,
    };
    if !tpl.is_object() {
        return None;
    }
    Some(PodTemplate {
        spec_path: tpl_path.child("spec"),
        spec: &tpl["spec"],
        labels: tpl["metadata"]["labels"].as_object(),
        meta_path: Some(tpl_path.child("metadata")),
    })
}

/// Every container of a pod spec (init, regular and ephemeral) with its path.
pub fn containers<'a>(spec: &'a Value, spec_path: &FieldPath) -> Vec<(FieldPath, &'a Value, &'static str)> {
    let mut out = Vec::new();
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, c) in spec[field].as_array().into_iter().flatten().enumerate() {
            out.push((spec_path.child(field).index(i), c, field));
        }
    }
    out
}

/// Helm's validateMetadataNameFunc (pkg/chart/v2/lint/rules/template.go),
/// which follows the API server's per-kind name rules.
fn name_rule(kind: &str) -> fn(&str) -> Vec<String> {
    match kind.to_ascii_lowercase().as_str() {
        "service" => formats::dns1035_label,
        "namespace" => formats::dns1123_label,
        "certificatesigningrequest" => |_| Vec::new(),
        "role" | "clusterrole" | "rolebinding" | "clusterrolebinding" => formats::path_segment_name,
        _ => formats::dns1123_subdomain,
    }
}

/// Check one object. `release` is the chosen Kubernetes release; `crds`
/// the CRDs of the whole input.
pub fn check(obj: &Object, release: &Release, crds: &CrdIndex) -> Vec<Problem> {
    let mut out = Vec::new();
    let v = &obj.value;
    let root = FieldPath::root();
    let Some(map) = v.as_object() else {
        out.push(err(Violation::new(
            "k8s-object",
            root,
            format!("the document is not a Kubernetes object (a YAML mapping) but a {}", super::k8s::validate::json_type(v)),
        )));
        return out;
    };
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    if api_version.is_empty() || kind.is_empty() {
        let missing = if api_version.is_empty() { "apiVersion" } else { "kind" };
        out.push(err(Violation::new("k8s-object", root.child(missing), format!("{missing} is not set: the document is not a Kubernetes object"))));
        return out;
    }
    if kind == "List" || kind.ends_with("List") && map.contains_key("items") {
        return out;
    }
    // apiVersion served?
    let mut removed = false;
    match apis::check(api_version, kind, release) {
        ApiStatus::Ok => {}
        ApiStatus::Deprecated(m) => out.push(Problem {
            severity: Severity::Warning,
            violation: Violation::new("api-deprecated", root.child("apiVersion"), m),
        }),
        ApiStatus::Removed(m) => {
            removed = true;
            out.push(err(Violation::new("api-removed", root.child("apiVersion"), m)))
        }
    }
    // The type.
    if let Some(schema) = release.root(api_version, kind) {
        let mut val = Validator::new(release);
        val.object(v, schema);
        out.extend(val.out.into_iter().map(err));
    } else if crds.defines(api_version, kind) {
        out.extend(crds.validate(v, api_version, kind).into_iter().map(err));
        if let Some(meta) = release.definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") {
            let mut val = Validator::new(release);
            val.value(&v["metadata"], meta, &root.child("metadata"));
            out.extend(val.out.into_iter().map(err));
        }
    } else if !removed {
        let mut msg = format!(
            "no API in Kubernetes v{}.{} serves kind {kind:?} in {api_version:?}, and no CustomResourceDefinition in the input defines it",
            release.version.0, release.version.1
        );
        let others = crds.other_versions(api_version, kind);
        let builtin = release.api_versions_of(kind);
        if let Some(o) = others.first().or(builtin.first()) {
            msg.push_str(&format!("; {kind} is served in {o}"));
        }
        out.push(Problem { severity: Severity::Warning, violation: Violation::new("k8s-unknown-kind", root.child("kind"), msg) });
        // Unknown kinds (a kubeconfig, a CR without its CRD) follow rules
        // lint does not know: nothing more to check.
        return out;
    } else {
        return out;
    }
    // metadata
    let meta = &v["metadata"];
    let meta_path = root.child("metadata");
    let name = meta["name"].as_str().unwrap_or("");
    if name.is_empty() {
        if meta["generateName"].as_str().unwrap_or("").is_empty() {
            out.push(err(Violation::new("k8s-name", meta_path.child("name"), "Required value: name or generateName is required (resource name may not be empty)")));
        }
    } else {
        let errs = name_rule(kind)(name);
        if !errs.is_empty() {
            out.push(err(Violation::new(
                "k8s-name",
                meta_path.child("name"),
                format!("Invalid value: {name:?}: {}", errs.join(", ")),
            )));
        }
    }
    if let Some(ns) = meta["namespace"].as_str().filter(|s| !s.is_empty()) {
        let errs = formats::dns1123_label(ns);
        if !errs.is_empty() {
            out.push(err(Violation::new("k8s-name", meta_path.child("namespace"), format!("Invalid value: {ns:?}: {}", errs.join(", ")))));
        }
    }
    check_labels(meta, &meta_path, &mut out);
    // Pod templates: their labels, container names and ports.
    if let Some(pt) = pod_template(v) {
        if let Some(mp) = &pt.meta_path {
            let tpl_meta = match kind {
                "CronJob" => &v["spec"]["jobTemplate"]["spec"]["template"]["metadata"],
                "PodTemplate" => &v["template"]["metadata"],
                _ => &v["spec"]["template"]["metadata"],
            };
            check_labels(tpl_meta, mp, &mut out);
        }
        check_pod_spec(pt.spec, &pt.spec_path, &mut out);
    }
    // Selectors.
    for sel_path in [root.child("spec").child("selector")] {
        let sel = &v["spec"]["selector"];
        let labels = if kind == "Service" || kind == "ReplicationController" { sel.as_object() } else { sel["matchLabels"].as_object() };
        let base = if kind == "Service" || kind == "ReplicationController" { sel_path.clone() } else { sel_path.child("matchLabels") };
        for (k, val) in labels.into_iter().flatten() {
            label_pair(k, val, &base, &mut out);
        }
    }
    if kind == "Service" {
        for (i, p) in v["spec"]["ports"].as_array().into_iter().flatten().enumerate() {
            let pp = root.child("spec").child("ports").index(i);
            if let Some(n) = super::k8s::validate::as_integer(&p["port"]) {
                port_num(n, &pp.child("port"), &mut out);
            }
            // The API server makes a targetPort of 0 or "" the port
            // (SetDefaults_Service) before it validates.
            match &p["targetPort"] {
                Value::String(s) if s.is_empty() => {}
                Value::String(s) => port_name(s, &pp.child("targetPort"), &mut out),
                t => {
                    if let Some(n) = super::k8s::validate::as_integer(t).filter(|&n| n != 0) {
                        port_num(n, &pp.child("targetPort"), &mut out);
                    }
                }
            }
            if let Some(n) = super::k8s::validate::as_integer(&p["nodePort"]) {
                if n != 0 {
                    port_num(n, &pp.child("nodePort"), &mut out);
                }
            }
        }
    }
    out
}

fn label_pair(k: &str, val: &Value, base: &FieldPath, out: &mut Vec<Problem>) {
    let errs = formats::qualified_name(k);
    if !errs.is_empty() {
        out.push(err(Violation::new("k8s-label", base.key(k), format!("Invalid value: {k:?}: {}", errs.join(", ")))));
    }
    if let Some(s) = val.as_str() {
        let errs = formats::label_value(s);
        if !errs.is_empty() {
            out.push(err(Violation::new("k8s-label", base.key(k), format!("Invalid value: {s:?}: {}", errs.join(", ")))));
        }
    }
}

fn check_labels(meta: &Value, meta_path: &FieldPath, out: &mut Vec<Problem>) {
    for (k, val) in meta["labels"].as_object().into_iter().flatten() {
        label_pair(k, val, &meta_path.child("labels"), out);
    }
    for k in meta["annotations"].as_object().into_iter().flatten().map(|(k, _)| k) {
        let errs = formats::qualified_name(&k.to_ascii_lowercase());
        if !errs.is_empty() {
            out.push(err(Violation::new("k8s-label", meta_path.child("annotations").key(k), format!("Invalid value: {k:?}: {}", errs.join(", ")))));
        }
    }
}

fn port_num(n: i64, path: &FieldPath, out: &mut Vec<Problem>) {
    let errs = formats::port_number(n);
    if !errs.is_empty() {
        out.push(err(Violation::new("k8s-port", path.clone(), format!("Invalid value: {n}: {}", errs.join(", ")))));
    }
}

fn port_name(s: &str, path: &FieldPath, out: &mut Vec<Problem>) {
    let errs = formats::port_name(s);
    if !errs.is_empty() {
        out.push(err(Violation::new("k8s-port", path.clone(), format!("Invalid value: {s:?}: {}", errs.join(", ")))));
    }
}

fn check_pod_spec(spec: &Value, spec_path: &FieldPath, out: &mut Vec<Problem>) {
    for (cpath, c, _) in containers(spec, spec_path) {
        if let Some(name) = c["name"].as_str() {
            let errs = formats::dns1123_label(name);
            if !errs.is_empty() {
                out.push(err(Violation::new("k8s-name", cpath.child("name"), format!("Invalid value: {name:?}: {}", errs.join(", ")))));
            }
        }
        for (i, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
            let pp = cpath.child("ports").index(i);
            if let Some(n) = super::k8s::validate::as_integer(&p["containerPort"]) {
                port_num(n, &pp.child("containerPort"), out);
            }
            if let Some(n) = super::k8s::validate::as_integer(&p["hostPort"]) {
                if n != 0 {
                    port_num(n, &pp.child("hostPort"), out);
                }
            }
            if let Some(name) = p["name"].as_str() {
                port_name(name, &pp.child("name"), out);
            }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            for kind in ["httpGet", "tcpSocket", "grpc"] {
                let port = &c[probe][kind]["port"];
                let path = cpath.child(probe).child(kind).child("port");
                match port {
                    Value::String(s) => port_name(s, &path, out),
                    other => {
                        if let Some(n) = super::k8s::validate::as_integer(other) {
                            port_num(n, &path, out);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::document::Positions;
    use crate::lint::k8s::schema::catalog;
    use serde_json::json;

    fn run(v: Value) -> Vec<(Severity, String, String)> {
        let obj = Object { value: v.into(), file: "x.yaml".into(), template: None, line: Some(1), positions: Positions::default(), hook: false };
        let r = catalog().release((1, 35));
        check(&obj, &r, &CrdIndex::default())
            .into_iter()
            .map(|p| (p.severity, p.violation.rule.to_string(), p.violation.path.to_string()))
            .collect()
    }

    #[test]
    fn names_labels_and_ports() {
        let out = run(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "1svc", "labels": {"bad key!": "ok", "ok": "bad value!"}},
            "spec": {"ports": [{"port": 70000, "targetPort": "Http"}], "selector": {"app": "x"}}
        }));
        let rules: Vec<(&str, &str)> = out.iter().map(|(_, r, p)| (r.as_str(), p.as_str())).collect();
        assert!(rules.contains(&("k8s-name", "metadata.name")), "{rules:?}");
        assert!(rules.contains(&("k8s-label", "metadata.labels[bad key!]")), "{rules:?}");
        assert!(rules.contains(&("k8s-label", "metadata.labels[ok]")), "{rules:?}");
        assert!(rules.contains(&("k8s-port", "spec.ports[0].port")), "{rules:?}");
        assert!(rules.contains(&("k8s-port", "spec.ports[0].targetPort")), "{rules:?}");
        assert_eq!(rules.len(), 5, "{rules:?}");
        // A targetPort of 0 or "" is defaulted to the port, not rejected.
        for target in [json!(0), json!("")] {
            let out = run(json!({
                "apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
                "spec": {"ports": [{"port": 80, "targetPort": target}], "selector": {"app": "x"}}
            }));
            assert!(!out.iter().any(|(_, r, _)| r == "k8s-port"), "{out:?}");
        }
    }

    #[test]
    fn removed_unknown_and_missing_name() {
        let out = run(json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {}}));
        assert_eq!(out, vec![(Severity::Error, "api-removed".into(), "apiVersion".into())]);
        let out = run(json!({"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "t"}}));
        assert_eq!(out, vec![(Severity::Warning, "k8s-unknown-kind".into(), "kind".into())]);
        let out = run(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}));
        assert_eq!(out, vec![(Severity::Error, "k8s-name".into(), "metadata.name".into())]);
        let out = run(json!(["a"]));
        assert_eq!(out[0].1, "k8s-object");
    }
}
