//! Best-practice checks of pod-bearing objects: image tags, resources,
//! probes, privileges, root users, host access and recommended labels.

use serde_json::Value;

use super::document::Object;
use super::finding::Severity;
use super::k8s::validate::{as_integer, FieldPath, Violation};
use super::objects::{containers, pod_template, Problem};

fn problem(severity: Severity, rule: &'static str, path: FieldPath, message: String) -> Problem {
    Problem { severity, violation: Violation::new(rule, path, message) }
}

/// The tag of an image reference, `None` when it has none; digests count
/// as pinned (`Some("@sha256:...")`).
pub fn image_tag(image: &str) -> Option<&str> {
    if let Some(i) = image.find('@') {
        return Some(&image[i..]);
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.rsplit_once(':').map(|(_, t)| t)
}

/// Run the best-practice checks on one object.
pub fn check(obj: &Object) -> Vec<Problem> {
    let mut out = Vec::new();
    let v = &obj.value;
    let Some(pt) = pod_template(v) else { return out };
    let kind = obj.kind();
    let spec = pt.spec;
    let sp = &pt.spec_path;
    let batch = matches!(kind, "Job" | "CronJob")
        || (kind == "Pod" && matches!(spec["restartPolicy"].as_str(), Some("Never" | "OnFailure")))
        || obj.hook;
    let pod_sc = &spec["securityContext"];
    for (cp, c, group) in containers(spec, sp) {
        let name = c["name"].as_str().unwrap_or("");
        if group == "ephemeralContainers" {
            continue;
        }
        if let Some(image) = c["image"].as_str() {
            match image_tag(image) {
                None => out.push(problem(Severity::Warning, "image-tag", cp.child("image"), format!("container {name:?} image {image:?} has no tag: pin a version tag or digest"))),
                Some("latest") => out.push(problem(Severity::Warning, "image-tag", cp.child("image"), format!("container {name:?} image {image:?} uses the :latest tag: pin a version tag or digest"))),
                _ => {}
            }
        }
        let res = &c["resources"];
        let mut missing = Vec::new();
        if res["requests"].as_object().is_none_or(|m| m.is_empty()) {
            missing.push("requests");
        }
        if res["limits"].as_object().is_none_or(|m| m.is_empty()) {
            missing.push("limits");
        }
        if !missing.is_empty() {
            out.push(problem(Severity::Warning, "resources", cp.clone(), format!("container {name:?} has no resource {}", missing.join(" or "))));
        }
        if group == "containers" && !batch {
            let mut missing = Vec::new();
            if c["livenessProbe"].is_null() {
                missing.push("livenessProbe");
            }
            if c["readinessProbe"].is_null() {
                missing.push("readinessProbe");
            }
            if !missing.is_empty() {
                out.push(problem(Severity::Info, "probes", cp.clone(), format!("container {name:?} has no {}", missing.join(" or "))));
            }
        }
        let sc = &c["securityContext"];
        if sc["privileged"] == Value::Bool(true) {
            out.push(problem(Severity::Warning, "privileged", cp.child("securityContext").child("privileged"), format!("container {name:?} runs privileged")));
        } else if sc["allowPrivilegeEscalation"] == Value::Bool(true) {
            out.push(problem(Severity::Warning, "privileged", cp.child("securityContext").child("allowPrivilegeEscalation"), format!("container {name:?} allows privilege escalation")));
        }
        let non_root = |s: &Value| -> Option<bool> {
            if let Some(b) = s["runAsNonRoot"].as_bool() {
                return Some(b);
            }
            as_integer(&s["runAsUser"]).map(|u| u != 0)
        };
        match non_root(sc).or_else(|| non_root(pod_sc)) {
            Some(true) => {}
            Some(false) => out.push(problem(Severity::Info, "run-as-non-root", cp.child("securityContext"), format!("container {name:?} may run as root (runAsNonRoot false or runAsUser 0)"))),
            None => out.push(problem(Severity::Info, "run-as-non-root", cp.clone(), format!("container {name:?} does not set runAsNonRoot: true (nor a non-zero runAsUser)"))),
        }
    }
    for (j, vol) in spec["volumes"].as_array().into_iter().flatten().enumerate() {
        if vol["hostPath"].is_object() {
            let path = vol["hostPath"]["path"].as_str().unwrap_or("");
            out.push(problem(Severity::Warning, "host-path", sp.child("volumes").index(j).child("hostPath"), format!("volume {:?} mounts the host path {path:?}", vol["name"].as_str().unwrap_or(""))));
        }
    }
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if spec[field] == Value::Bool(true) {
            out.push(problem(Severity::Warning, "host-namespaces", sp.child(field), format!("the pod sets {field}: true")));
        }
    }
    let labels = v["metadata"]["labels"].as_object();
    let missing: Vec<&str> = ["app.kubernetes.io/name", "app.kubernetes.io/instance"]
        .into_iter()
        .filter(|l| labels.is_none_or(|m| !m.contains_key(*l)))
        .collect();
    if !missing.is_empty() {
        out.push(problem(Severity::Info, "recommended-labels", FieldPath::root().child("metadata").child("labels"), format!("missing recommended label(s) {}", missing.join(", "))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::document::Positions;
    use serde_json::json;

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("nginx"), None);
        assert_eq!(image_tag("nginx:latest"), Some("latest"));
        assert_eq!(image_tag("registry:5000/app"), None);
        assert_eq!(image_tag("registry:5000/app:1.2"), Some("1.2"));
        assert_eq!(image_tag("app@sha256:abc"), Some("@sha256:abc"));
    }

    #[test]
    fn flags_bad_practices_and_accepts_good_ones() {
        let bad = Object {
            value: std::sync::Arc::new(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {
                "hostNetwork": true,
                "containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}],
                "volumes": [{"name": "h", "hostPath": {"path": "/var"}}]}}}})),
            file: "f".into(), template: None, line: None, positions: Positions::default(), hook: false,
        };
        let mut rules: Vec<&str> = check(&bad).iter().map(|p| p.violation.rule).collect();
        rules.sort();
        assert_eq!(rules, ["host-namespaces", "host-path", "image-tag", "privileged", "probes", "recommended-labels", "resources", "run-as-non-root"]);
        let good = Object {
            value: std::sync::Arc::new(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "d", "labels": {"app.kubernetes.io/name": "d", "app.kubernetes.io/instance": "r"}},
                "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "c", "image": "nginx:1.27",
                    "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "1"}},
                    "livenessProbe": {"tcpSocket": {"port": 80}}, "readinessProbe": {"tcpSocket": {"port": 80}}}]}}}})),
            file: "f".into(), template: None, line: None, positions: Positions::default(), hook: false,
        };
        assert!(check(&good).is_empty(), "{:?}", check(&good));
    }
}
