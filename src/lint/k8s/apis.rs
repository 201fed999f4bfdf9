//! Removed and deprecated apiVersions.
//!
//! The table holds the removals of Kubernetes' "Deprecated API Migration
//! Guide" (kubernetes/website content/en/docs/reference/using-api/
//! deprecation-guide.md) with the deprecation releases of the API's
//! prerelease-lifecycle data (k8s.io/api `zz_generated.prerelease-lifecycle.go`:
//! APILifecycleDeprecated / APILifecycleRemoved / APILifecycleReplacement).
//! Anything else that one release of the embedded catalogue serves and the
//! chosen release does not is reported from the catalogue itself.

use super::schema::{catalog, Release};

/// One deprecated apiVersion of a kind.
#[derive(Debug, Clone, Copy)]
pub struct Deprecation {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub deprecated: (u32, u32),
    pub removed: (u32, u32),
    /// The apiVersion to use instead (same kind), if any.
    pub replacement: Option<&'static str>,
}

const fn d(
    api_version: &'static str,
    kind: &'static str,
    deprecated: (u32, u32),
    removed: (u32, u32),
    replacement: Option<&'static str>,
) -> Deprecation {
    Deprecation { api_version, kind, deprecated, removed, replacement }
}

const APPS: Option<&str> = Some("apps/v1");
const NET: Option<&str> = Some("networking.k8s.io/v1");
const FLOW: Option<&str> = Some("flowcontrol.apiserver.k8s.io/v1");

pub const DEPRECATIONS: &[Deprecation] = &[
    // v1.16
    d("extensions/v1beta1", "NetworkPolicy", (1, 9), (1, 16), NET),
    d("extensions/v1beta1", "DaemonSet", (1, 8), (1, 16), APPS),
    d("extensions/v1beta1", "Deployment", (1, 8), (1, 16), APPS),
    d("extensions/v1beta1", "ReplicaSet", (1, 8), (1, 16), APPS),
    d("extensions/v1beta1", "PodSecurityPolicy", (1, 10), (1, 16), Some("policy/v1beta1")),
    d("apps/v1beta1", "Deployment", (1, 8), (1, 16), APPS),
    d("apps/v1beta1", "StatefulSet", (1, 8), (1, 16), APPS),
    d("apps/v1beta1", "ReplicaSet", (1, 8), (1, 16), APPS),
    d("apps/v1beta2", "DaemonSet", (1, 9), (1, 16), APPS),
    d("apps/v1beta2", "Deployment", (1, 9), (1, 16), APPS),
    d("apps/v1beta2", "StatefulSet", (1, 9), (1, 16), APPS),
    d("apps/v1beta2", "ReplicaSet", (1, 9), (1, 16), APPS),
    // v1.22
    d("extensions/v1beta1", "Ingress", (1, 14), (1, 22), NET),
    d("networking.k8s.io/v1beta1", "Ingress", (1, 19), (1, 22), NET),
    d("networking.k8s.io/v1beta1", "IngressClass", (1, 19), (1, 22), NET),
    d("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", (1, 16), (1, 22), Some("admissionregistration.k8s.io/v1")),
    d("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", (1, 16), (1, 22), Some("admissionregistration.k8s.io/v1")),
    d("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", (1, 16), (1, 22), Some("apiextensions.k8s.io/v1")),
    d("apiregistration.k8s.io/v1beta1", "APIService", (1, 19), (1, 22), Some("apiregistration.k8s.io/v1")),
    d("authentication.k8s.io/v1beta1", "TokenReview", (1, 19), (1, 22), Some("authentication.k8s.io/v1")),
    d("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", (1, 19), (1, 22), Some("authorization.k8s.io/v1")),
    d("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", (1, 19), (1, 22), Some("authorization.k8s.io/v1")),
    d("authorization.k8s.io/v1beta1", "SubjectAccessReview", (1, 19), (1, 22), Some("authorization.k8s.io/v1")),
    d("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", (1, 19), (1, 22), Some("authorization.k8s.io/v1")),
    d("certificates.k8s.io/v1beta1", "CertificateSigningRequest", (1, 19), (1, 22), Some("certificates.k8s.io/v1")),
    d("coordination.k8s.io/v1beta1", "Lease", (1, 19), (1, 22), Some("coordination.k8s.io/v1")),
    d("rbac.authorization.k8s.io/v1beta1", "ClusterRole", (1, 17), (1, 22), Some("rbac.authorization.k8s.io/v1")),
    d("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", (1, 17), (1, 22), Some("rbac.authorization.k8s.io/v1")),
    d("rbac.authorization.k8s.io/v1beta1", "Role", (1, 17), (1, 22), Some("rbac.authorization.k8s.io/v1")),
    d("rbac.authorization.k8s.io/v1beta1", "RoleBinding", (1, 17), (1, 22), Some("rbac.authorization.k8s.io/v1")),
    d("scheduling.k8s.io/v1beta1", "PriorityClass", (1, 14), (1, 22), Some("scheduling.k8s.io/v1")),
    d("storage.k8s.io/v1beta1", "CSIDriver", (1, 19), (1, 22), Some("storage.k8s.io/v1")),
    d("storage.k8s.io/v1beta1", "CSINode", (1, 17), (1, 22), Some("storage.k8s.io/v1")),
    d("storage.k8s.io/v1beta1", "StorageClass", (1, 19), (1, 22), Some("storage.k8s.io/v1")),
    d("storage.k8s.io/v1beta1", "VolumeAttachment", (1, 19), (1, 22), Some("storage.k8s.io/v1")),
    // v1.25
    d("batch/v1beta1", "CronJob", (1, 21), (1, 25), Some("batch/v1")),
    d("discovery.k8s.io/v1beta1", "EndpointSlice", (1, 21), (1, 25), Some("discovery.k8s.io/v1")),
    d("events.k8s.io/v1beta1", "Event", (1, 22), (1, 25), Some("events.k8s.io/v1")),
    d("autoscaling/v2beta1", "HorizontalPodAutoscaler", (1, 22), (1, 25), Some("autoscaling/v2")),
    d("policy/v1beta1", "PodDisruptionBudget", (1, 21), (1, 25), Some("policy/v1")),
    d("policy/v1beta1", "PodSecurityPolicy", (1, 21), (1, 25), None),
    d("node.k8s.io/v1beta1", "RuntimeClass", (1, 22), (1, 25), Some("node.k8s.io/v1")),
    // v1.26
    d("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", (1, 23), (1, 26), FLOW),
    d("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", (1, 23), (1, 26), FLOW),
    d("autoscaling/v2beta2", "HorizontalPodAutoscaler", (1, 23), (1, 26), Some("autoscaling/v2")),
    // v1.27
    d("storage.k8s.io/v1beta1", "CSIStorageCapacity", (1, 24), (1, 27), Some("storage.k8s.io/v1")),
    // v1.29
    d("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", (1, 26), (1, 29), FLOW),
    d("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", (1, 26), (1, 29), FLOW),
    // v1.32
    d("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", (1, 29), (1, 32), FLOW),
    d("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", (1, 29), (1, 32), FLOW),
];

/// What lint says about an apiVersion/kind for a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiStatus {
    /// Served and not deprecated (or not a built-in API at all).
    Ok,
    /// Served, deprecated: the message (the API server's warning text).
    Deprecated(String),
    /// Not served by this release.
    Removed(String),
}

fn v(x: (u32, u32)) -> String {
    format!("v{}.{}", x.0, x.1)
}

/// Check `apiVersion`/`kind` against the table and the catalogue.
pub fn check(api_version: &str, kind: &str, release: &Release) -> ApiStatus {
    let now = release.version;
    if let Some(dep) = DEPRECATIONS.iter().find(|x| x.api_version == api_version && x.kind == kind) {
        // Go: k8s.io/apiserver/pkg/endpoints/deprecation WarningMessage.
        let mut msg = format!(
            "{api_version} {kind} is deprecated in {}+, unavailable in {}+",
            v(dep.deprecated),
            v(dep.removed)
        );
        match dep.replacement {
            Some(r) => msg.push_str(&format!("; use {r} {kind}")),
            None => msg.push_str("; there is no replacement"),
        }
        if now >= dep.removed {
            return ApiStatus::Removed(msg);
        }
        if now >= dep.deprecated {
            return ApiStatus::Deprecated(msg);
        }
        return ApiStatus::Ok;
    }
    if release.serves(api_version, kind) {
        return ApiStatus::Ok;
    }
    let serving: Vec<(u32, u32)> = catalog()
        .releases()
        .iter()
        .copied()
        .filter(|r| catalog().release(*r).serves(api_version, kind))
        .collect();
    let (Some(first), Some(last)) = (serving.first(), serving.last()) else {
        return ApiStatus::Ok;
    };
    let alternatives: Vec<String> =
        release.api_versions_of(kind).into_iter().filter(|a| a != api_version).collect();
    let mut msg = if *first > now {
        format!("{api_version} {kind} is not served by Kubernetes {} (first served in {})", v(now), v(*first))
    } else {
        format!("{api_version} {kind} is not served by Kubernetes {} (last served in {})", v(now), v(*last))
    };
    if let Some(a) = alternatives.first() {
        msg.push_str(&format!("; use {a} {kind}"));
    }
    ApiStatus::Removed(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minor: u32) -> Release {
        catalog().release((1, minor))
    }

    #[test]
    fn table_removals_name_the_replacement() {
        match check("batch/v1beta1", "CronJob", &at(35)) {
            ApiStatus::Removed(m) => {
                assert_eq!(m, "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(check("extensions/v1beta1", "Ingress", &at(35)), ApiStatus::Removed(m) if m.contains("networking.k8s.io/v1 Ingress")));
        assert!(matches!(check("policy/v1beta1", "PodDisruptionBudget", &at(25)), ApiStatus::Removed(_)));
        assert!(matches!(check("autoscaling/v2beta2", "HorizontalPodAutoscaler", &at(25)), ApiStatus::Deprecated(_)));
        assert!(matches!(check("autoscaling/v2beta2", "HorizontalPodAutoscaler", &at(26)), ApiStatus::Removed(_)));
        assert!(matches!(check("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", &at(30)), ApiStatus::Deprecated(_)));
        assert!(matches!(check("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", &at(32)), ApiStatus::Removed(_)));
    }

    #[test]
    fn served_and_unknown_apis_are_ok() {
        assert_eq!(check("apps/v1", "Deployment", &at(35)), ApiStatus::Ok);
        assert_eq!(check("example.com/v1", "Thing", &at(35)), ApiStatus::Ok);
    }

    #[test]
    fn catalogue_finds_versions_not_served() {
        // autoscaling/v2 HPA is served everywhere; v1beta1 of resource.k8s.io
        // is not served by v1.25 (added later).
        match check("resource.k8s.io/v1", "ResourceClaim", &at(25)) {
            ApiStatus::Removed(m) => assert!(m.contains("not served by Kubernetes v1.25 (first served in"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
