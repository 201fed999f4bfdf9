//! Checks across the objects of one input: workload selectors against their
//! pod template labels, Services against the pod templates they should
//! select, and references to ConfigMaps, Secrets, PersistentVolumeClaims and
//! ServiceAccounts that the input does not define.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::document::Object;
use super::finding::Severity;
use super::k8s::validate::{FieldPath, Violation};
use super::objects::{containers, pod_template, Problem};

/// A label selector (`matchLabels` + `matchExpressions`) matches `labels`
/// (Go: metav1.LabelSelectorAsSelector + Matches).
pub fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    let get = |k: &str| labels.get(k).and_then(Value::as_str);
    for (k, v) in selector["matchLabels"].as_object().into_iter().flatten() {
        if get(k) != v.as_str() {
            return false;
        }
    }
    for expr in selector["matchExpressions"].as_array().into_iter().flatten() {
        let key = expr["key"].as_str().unwrap_or("");
        let values: Vec<&str> = expr["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let ok = match expr["operator"].as_str().unwrap_or("") {
            "In" => get(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => get(key).is_none_or(|v| !values.contains(&v)),
            "Exists" => labels.contains_key(key),
            "DoesNotExist" => !labels.contains_key(key),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Labels controllers add to the pods they create (so no template has them).
const CONTROLLER_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
    "pod-template-hash",
    "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/controller-uid",
    "job-name",
    "controller-uid",
];

/// `selector` (a plain map, as Services have) is a subset of `labels`;
/// labels that controllers add to pods match any template.
fn map_selector_matches(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v) || CONTROLLER_LABELS.contains(&k.as_str()))
}

/// Run the cross-object checks; returns (object index, problem) pairs.
pub fn check(objects: &[Object], default_namespace: &str) -> Vec<(usize, Problem)> {
    let mut out = Vec::new();
    let ns_of = |o: &Object| -> String {
        let ns = o.namespace();
        if ns.is_empty() { default_namespace.to_string() } else { ns.to_string() }
    };
    // What the input defines.
    let mut defined: HashSet<(&str, String, String)> = HashSet::new();
    for o in objects {
        let kind = o.kind();
        let key_kind = match kind {
            "ConfigMap" | "Secret" | "PersistentVolumeClaim" | "ServiceAccount" => kind,
            _ => "",
        };
        if !key_kind.is_empty() {
            defined.insert((key_kind, ns_of(o), o.name().to_string()));
        }
        // Objects that make Secrets (cert-manager Certificates, SealedSecrets ...).
        if let Some(s) = o.value["spec"]["secretName"].as_str() {
            defined.insert(("Secret", ns_of(o), s.to_string()));
        }
        if kind == "SealedSecret" || kind == "ExternalSecret" {
            defined.insert(("Secret", ns_of(o), o.name().to_string()));
            if let Some(t) = o.value["spec"]["target"]["name"].as_str() {
                defined.insert(("Secret", ns_of(o), t.to_string()));
            }
        }
    }
    let templates: Vec<(usize, String, &Map<String, Value>)> = objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| pod_template(&o.value).and_then(|pt| pt.labels.map(|l| (i, ns_of(o), l))))
        .collect();

    for (i, o) in objects.iter().enumerate() {
        let v = &o.value;
        let kind = o.kind();
        let root = FieldPath::root();
        // Workload selectors.
        if matches!(kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController") {
            let sel = &v["spec"]["selector"];
            if let Some(pt) = pod_template(v) {
                let empty = Map::new();
                let labels = pt.labels.unwrap_or(&empty);
                let ok = if kind == "ReplicationController" {
                    sel.as_object().is_none_or(|s| map_selector_matches(s, labels))
                } else {
                    sel.is_null() || selector_matches(sel, labels)
                };
                if !ok {
                    let path = pt.meta_path.clone().unwrap_or(root.clone()).child("labels");
                    out.push((i, Problem {
                        severity: Severity::Error,
                        violation: Violation::new("selector-mismatch", path, format!("Invalid value: selector does not match template labels (selector {}, labels {})", compact(sel), compact(&Value::Object(labels.clone())))),
                    }));
                }
            }
        }
        // Services.
        if kind == "Service" && v["spec"]["type"].as_str() != Some("ExternalName") {
            if let Some(sel) = v["spec"]["selector"].as_object().filter(|s| !s.is_empty()) {
                let ns = ns_of(o);
                let found = templates.iter().any(|(_, tns, labels)| *tns == ns && map_selector_matches(sel, labels));
                if !found {
                    out.push((i, Problem {
                        severity: Severity::Warning,
                        violation: Violation::new("service-selector", root.child("spec").child("selector"), format!("selector {} matches no pod template in the input", compact(&v["spec"]["selector"]))),
                    }));
                }
            }
        }
        // References.
        if let Some(pt) = pod_template(v) {
            let ns = ns_of(o);
            let mut refs: Vec<(&'static str, &'static str, FieldPath, String)> = Vec::new();
            let spec = pt.spec;
            let sp = &pt.spec_path;
            if let Some(sa) = spec["serviceAccountName"].as_str().or(spec["serviceAccount"].as_str()) {
                if !sa.is_empty() && sa != "default" {
                    refs.push(("ServiceAccount", "missing-serviceaccount", sp.child("serviceAccountName"), sa.to_string()));
                }
            }
            for (j, s) in spec["imagePullSecrets"].as_array().into_iter().flatten().enumerate() {
                if let Some(n) = s["name"].as_str() {
                    refs.push(("Secret", "missing-secret", sp.child("imagePullSecrets").index(j), n.to_string()));
                }
            }
            for (j, vol) in spec["volumes"].as_array().into_iter().flatten().enumerate() {
                let vp = sp.child("volumes").index(j);
                if vol["configMap"].is_object() && vol["configMap"]["optional"] != Value::Bool(true) {
                    if let Some(n) = vol["configMap"]["name"].as_str() {
                        refs.push(("ConfigMap", "missing-configmap", vp.child("configMap").child("name"), n.to_string()));
                    }
                }
                if vol["secret"].is_object() && vol["secret"]["optional"] != Value::Bool(true) {
                    if let Some(n) = vol["secret"]["secretName"].as_str() {
                        refs.push(("Secret", "missing-secret", vp.child("secret").child("secretName"), n.to_string()));
                    }
                }
                if let Some(n) = vol["persistentVolumeClaim"]["claimName"].as_str() {
                    refs.push(("PersistentVolumeClaim", "missing-pvc", vp.child("persistentVolumeClaim").child("claimName"), n.to_string()));
                }
                for (k, src) in vol["projected"]["sources"].as_array().into_iter().flatten().enumerate() {
                    let pp = vp.child("projected").child("sources").index(k);
                    for (field, kind, rule) in [("configMap", "ConfigMap", "missing-configmap"), ("secret", "Secret", "missing-secret")] {
                        if src[field].is_object() && src[field]["optional"] != Value::Bool(true) {
                            if let Some(n) = src[field]["name"].as_str() {
                                refs.push((kind, rule, pp.child(field).child("name"), n.to_string()));
                            }
                        }
                    }
                }
            }
            for (cp, c, _) in containers(spec, sp) {
                for (j, e) in c["env"].as_array().into_iter().flatten().enumerate() {
                    for (field, kind, rule) in [("configMapKeyRef", "ConfigMap", "missing-configmap"), ("secretKeyRef", "Secret", "missing-secret")] {
                        let r = &e["valueFrom"][field];
                        if r.is_object() && r["optional"] != Value::Bool(true) {
                            if let Some(n) = r["name"].as_str() {
                                refs.push((kind, rule, cp.child("env").index(j).child("valueFrom").child(field).child("name"), n.to_string()));
                            }
                        }
                    }
                }
                for (j, e) in c["envFrom"].as_array().into_iter().flatten().enumerate() {
                    for (field, kind, rule) in [("configMapRef", "ConfigMap", "missing-configmap"), ("secretRef", "Secret", "missing-secret")] {
                        let r = &e[field];
                        if r.is_object() && r["optional"] != Value::Bool(true) {
                            if let Some(n) = r["name"].as_str() {
                                refs.push((kind, rule, cp.child("envFrom").index(j).child(field).child("name"), n.to_string()));
                            }
                        }
                    }
                }
            }
            for (kind, rule, path, name) in refs {
                if name.is_empty() || defined.contains(&(kind, ns.clone(), name.clone())) {
                    continue;
                }
                out.push((i, Problem {
                    severity: Severity::Warning,
                    violation: Violation::new(rule, path, format!("{kind} {name:?} is not defined in the input")),
                }));
            }
        }
    }
    out
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::document::Positions;
    use serde_json::json;

    fn obj(v: Value) -> Object {
        Object { value: v.into(), file: "f.yaml".into(), template: None, line: None, positions: Positions::default(), hook: false }
    }

    #[test]
    fn selectors() {
        let labels = json!({"app": "a", "tier": "web"});
        let labels = labels.as_object().unwrap();
        assert!(selector_matches(&json!({"matchLabels": {"app": "a"}}), labels));
        assert!(!selector_matches(&json!({"matchLabels": {"app": "b"}}), labels));
        assert!(selector_matches(&json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}), labels));
        assert!(!selector_matches(&json!({"matchExpressions": [{"key": "x", "operator": "Exists"}]}), labels));
        // Services may select the per-pod labels StatefulSets add.
        let sel = json!({"app": "a", "statefulset.kubernetes.io/pod-name": "a-0"});
        assert!(map_selector_matches(sel.as_object().unwrap(), labels));
    }

    #[test]
    fn finds_mismatches_and_dangling_references() {
        let objects = vec![
            obj(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {"metadata": {"labels": {"app": "y"}},
                "spec": {"serviceAccountName": "sa", "containers": [{"name": "c", "envFrom": [{"configMapRef": {"name": "cm"}}, {"secretRef": {"name": "s", "optional": true}}]}],
                         "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}}}})),
            obj(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": {"app": "x"}}})),
            obj(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s2"}, "spec": {"selector": {"app": "y"}}})),
            obj(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})),
        ];
        let got: Vec<(usize, &str, String)> = check(&objects, "default")
            .into_iter()
            .map(|(i, p)| (i, p.violation.rule, p.violation.path.to_string()))
            .collect();
        assert!(got.contains(&(0, "selector-mismatch", "spec.template.metadata.labels".into())), "{got:?}");
        assert!(got.contains(&(1, "service-selector", "spec.selector".into())), "{got:?}");
        assert!(got.contains(&(0, "missing-serviceaccount", "spec.template.spec.serviceAccountName".into())), "{got:?}");
        assert!(got.contains(&(0, "missing-pvc", "spec.template.spec.volumes[0].persistentVolumeClaim.claimName".into())), "{got:?}");
        assert_eq!(got.len(), 4, "{got:?}");
    }
}
