//! The rule catalogue: every rule ID lint can report, its usual severity and
//! a one-line description (used by `--disable`, the SARIF `rules` table and
//! docs/lint.md).

use super::finding::Severity;

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    /// The severity it is usually reported at (a few rules mix severities
    /// exactly as Helm does; this is the highest).
    pub severity: Severity,
    pub description: &'static str,
}

const fn rule(id: &'static str, severity: Severity, description: &'static str) -> Rule {
    Rule { id, severity, description }
}

use Severity::{Error, Info, Warning};

/// Every rule, chart rules (Helm's) first.
pub const RULES: &[Rule] = &[
    // Helm's chart rules (pkg/chart/v2/lint/rules).
    rule("chart-yaml", Error, "Chart.yaml parses and has a valid name, apiVersion, version, maintainers, sources, icon, type and dependencies (Helm: chartfile.go)"),
    rule("chart-icon", Info, "Chart.yaml has an icon (Helm: icon is recommended)"),
    rule("chart-version-semver2", Warning, "Chart.yaml version is strict SemVer 2 (Helm)"),
    rule("chart-load", Error, "the chart loads (Helm: unable to load chart)"),
    rule("chart-dependencies", Error, "dependencies in Chart.yaml and in charts/ agree and are unique (Helm: dependencies.go)"),
    rule("values", Error, "values.yaml exists, parses and meets values.schema.json (Helm: values.go)"),
    rule("templates", Error, "templates/ exists and every template renders (Helm: template.go)"),
    rule("template-extension", Error, "template files end in .yaml, .yml, .tpl or .txt (Helm)"),
    rule("template-indent", Warning, "rendered documents do not start indented (Helm)"),
    rule("template-yaml", Error, "rendered templates are valid YAML (Helm: unable to parse YAML)"),
    rule("template-selector", Error, "Deployments, ReplicaSets, DaemonSets and StatefulSets declare matchLabels or matchExpressions (Helm)"),
    rule("list-annotations", Error, "no helm.sh/resource-policy annotation inside List items (Helm)"),
    rule("crds", Error, "files in crds/ are CustomResourceDefinitions of apiextensions.k8s.io (Helm: crds.go)"),
    rule("kustomize", Error, "kustomization directories are built as `capstan kustomize` builds them; a build that fails is an error, kustomize's deprecation warnings are warnings"),
    rule("duplicate-object", Error, "no two objects of one input share apiVersion group, kind, namespace and name"),
    // Kubernetes API validation.
    rule("yaml", Error, "manifest files are valid YAML"),
    rule("k8s-object", Error, "every document is a Kubernetes object with apiVersion and kind"),
    rule("k8s-unknown-field", Error, "no fields the API type does not have"),
    rule("k8s-type", Error, "every field has the API type's JSON type (and integer range)"),
    rule("k8s-enum", Error, "enumerated fields hold a supported value"),
    rule("k8s-required", Error, "required fields are set"),
    rule("k8s-name", Error, "object names are valid for their kind (DNS-1123 subdomain/label, DNS-1035 label, path segment)"),
    rule("k8s-label", Error, "label keys and values, annotation keys and selectors are valid"),
    rule("k8s-quantity", Error, "resource quantities parse (e.g. 100m, 1Gi)"),
    rule("k8s-port", Error, "port numbers are in range and port names are valid IANA service names"),
    rule("k8s-unknown-kind", Warning, "the apiVersion/kind is served by the chosen Kubernetes version or defined by a CRD in the input"),
    rule("api-removed", Error, "the apiVersion is not served by the chosen Kubernetes version (removed or not yet added)"),
    rule("api-deprecated", Warning, "the apiVersion is deprecated in the chosen Kubernetes version"),
    // Consistency within the input.
    rule("selector-mismatch", Error, "a workload's selector matches its pod template labels"),
    rule("service-selector", Warning, "a Service's selector matches some pod template in the input"),
    rule("missing-configmap", Warning, "referenced ConfigMaps are in the input"),
    rule("missing-secret", Warning, "referenced Secrets are in the input"),
    rule("missing-pvc", Warning, "referenced PersistentVolumeClaims are in the input"),
    rule("missing-serviceaccount", Warning, "referenced ServiceAccounts are in the input"),
    // Best practices.
    rule("image-tag", Warning, "container images name a tag (not :latest) or a digest"),
    rule("resources", Warning, "containers set resource requests and limits"),
    rule("probes", Info, "long-running containers have liveness and readiness probes"),
    rule("privileged", Warning, "containers are not privileged and do not allow privilege escalation"),
    rule("run-as-non-root", Info, "pods or containers set runAsNonRoot: true (or run as a non-zero user)"),
    rule("host-path", Warning, "pods do not mount hostPath volumes"),
    rule("host-namespaces", Warning, "pods do not use hostNetwork, hostPID or hostIPC"),
    rule("recommended-labels", Info, "objects carry app.kubernetes.io/name and app.kubernetes.io/instance labels"),
];

/// The rule with this ID.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The annotation by which one object turns rules off:
/// `capstan.io/lint-disable: "image-tag,resources"` (or `all`).
pub const DISABLE_ANNOTATION: &str = "capstan.io/lint-disable";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for id in ids {
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{id}");
        }
    }
}
