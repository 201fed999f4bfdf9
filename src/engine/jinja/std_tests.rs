//! Tests of the standard library (`templates-std/`): the documentation
//! convention of its files, and the key behaviours of its macros (labels,
//! consistent selectors, defaults), rendered with the real function
//! library in a chart `app` of release `rel` in namespace `ns1`.

use std::collections::BTreeMap;

use super::{render_templates, stdlib, Renderable};
use crate::chart::{Chart, Metadata};
use crate::codec::yaml_read;
use crate::engine::context::{chart_value, Capabilities, FilesObject, ReleaseInfo};
use crate::engine::value::{Map, Value};

/// Render `text` as the template of chart `app` (version 1.0.0, appVersion
/// 2.0) with `values`; returns the parsed documents (split at `---` lines).
fn render(values: serde_json::Value, text: &str) -> Vec<serde_json::Value> {
    let out = try_render(values, text).unwrap_or_else(|e| panic!("{text}\n=> {e}"));
    out.split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| yaml_read::from_str(d).unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{d}")))
        .collect()
}

/// The text [`render`] parses, or the render error.
fn try_render(values: serde_json::Value, text: &str) -> Result<String, String> {
    let chart = Chart {
        metadata: Metadata {
            name: "app".into(),
            version: "1.0.0".into(),
            app_version: "2.0".into(),
            api_version: "v2".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let release = ReleaseInfo {
        name: "rel".into(),
        namespace: "ns1".into(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    };
    let mut scope = Map::new();
    scope.insert("Chart".into(), chart_value(&chart.metadata, true));
    scope.insert("Files".into(), FilesObject::new(&chart).to_value());
    scope.insert("Release".into(), release.to_value());
    scope.insert("Capabilities".into(), Capabilities::default().to_value());
    scope.insert("Values".into(), Value::from_json(&values));
    scope.insert("Subcharts".into(), Value::empty_map());
    let mut templates = BTreeMap::new();
    templates.insert(
        "app/templates/t.yaml".to_string(),
        Renderable {
            text: text.into(),
            vals: Value::map(scope),
            base_path: "app/templates".into(),
        },
    );
    render_templates(&templates)
        .map(|mut out| out.remove("app/templates/t.yaml").unwrap())
        .map_err(|e| e.0)
}

fn one(text: &str) -> serde_json::Value {
    let mut docs = render(serde_json::json!({}), text);
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0)
}

const IMPORTS: &str = "{% import \"std/workloads.j2\" as w %}{% import \"std/pod.j2\" as pod %}{% import \"std/network.j2\" as net %}{% import \"std/storage.j2\" as storage %}{% import \"std/rbac.j2\" as rbac %}{% import \"std/scaling.j2\" as scaling %}{% import \"std/config.j2\" as config %}{% import \"std/cluster.j2\" as cluster %}\n";

fn with_imports(body: &str) -> String {
    format!("{IMPORTS}{body}")
}

/// The documentation convention docs/reference/std.md is generated from:
/// each file opens with a `{#- ... -#}` comment; each public macro (not
/// named `_...`) is preceded immediately by a `{#- ... -#}` comment.
#[test]
fn every_file_and_public_macro_is_documented() {
    for (name, text) in stdlib::TEMPLATES {
        assert!(
            text.starts_with("{#-"),
            "{name} does not open with a {{#- ... -#}} comment"
        );
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("{% macro ") else {
                continue;
            };
            let macro_name = rest.split('(').next().unwrap();
            if macro_name.starts_with('_') {
                continue;
            }
            assert!(
                i > 0 && lines[i - 1].trim_end().ends_with("-#}"),
                "{name}: macro {macro_name} is not preceded by a {{#- ... -#}} comment"
            );
            let mut j = i - 1;
            while !lines[j].trim_start().starts_with("{#-") {
                assert!(j > 0, "{name}: the comment of {macro_name} has no start");
                j -= 1;
            }
        }
    }
}

#[test]
fn deployment_selector_matches_its_pod_labels_and_the_service() {
    let docs = render(
        serde_json::json!({}),
        &with_imports(
            "{{ w.deployment(component=\"api\", spec=pod.spec([pod.container(\"web\", \"nginx:1.27\", ports={\"http\": 8080})])) }}\n---\n{{ net.service({\"http\": 80}, component=\"api\") }}\n",
        ),
    );
    let (deploy, service) = (&docs[0], &docs[1]);
    let selector = deploy["spec"]["selector"]["matchLabels"]
        .as_object()
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(selector.clone()),
        serde_json::json!({"app.kubernetes.io/name": "app", "app.kubernetes.io/instance": "rel", "app.kubernetes.io/component": "api"})
    );
    let pod_labels = deploy["spec"]["template"]["metadata"]["labels"]
        .as_object()
        .unwrap();
    for (k, v) in selector {
        assert_eq!(pod_labels.get(k), Some(v));
    }
    assert_eq!(pod_labels["helm.sh/chart"], "app-1.0.0");
    assert_eq!(pod_labels["app.kubernetes.io/version"], "2.0");
    assert_eq!(
        deploy["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(deploy["metadata"]["name"], "rel-app");
    assert_eq!(
        service["spec"]["selector"],
        serde_json::Value::Object(selector.clone())
    );
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");
    // Kubernetes' default strategy is not spelled out.
    assert!(deploy["spec"]["strategy"].is_null());
    assert_eq!(deploy["spec"]["replicas"], 1.0);
}

#[test]
fn containers_and_pods_get_secure_defaults_that_can_be_turned_off() {
    let d = one(&with_imports(
        "{{ w.deployment(spec=pod.spec([pod.container(\"web\", \"nginx:1.27\")])) }}",
    ));
    let spec = &d["spec"]["template"]["spec"];
    let c = &spec["containers"][0];
    assert_eq!(
        c["resources"],
        serde_json::json!({"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}})
    );
    assert_eq!(
        c["securityContext"],
        serde_json::json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}})
    );
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    assert_eq!(
        spec["securityContext"],
        serde_json::json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}})
    );

    let d = one(&with_imports(
        "{{ w.deployment(spec=pod.spec([pod.container(\"web\", \"nginx:1.27\", resources={}, security_context={})], security_context={}, fs_group=10)) }}",
    ));
    let spec = &d["spec"]["template"]["spec"];
    assert!(spec["containers"][0]["resources"].is_null());
    assert!(spec["containers"][0]["securityContext"].is_null());
    assert_eq!(
        spec["securityContext"],
        serde_json::json!({"fsGroup": 10.0})
    );
}

#[test]
fn image_mappings_default_the_tag_to_the_app_version() {
    let d = one(&with_imports(
        "{{ w.pod(spec=pod.spec([pod.container(\"a\", {\"repository\": \"nginx\"}), pod.container(\"b\", {\"registry\": \"r.io\", \"repository\": \"x/y\", \"tag\": \"1\", \"digest\": \"sha256:ab\"})])) }}",
    ));
    assert_eq!(d["spec"]["containers"][0]["image"], "nginx:2.0");
    assert_eq!(d["spec"]["containers"][1]["image"], "r.io/x/y@sha256:ab");
}

#[test]
fn env_mappings_cover_values_config_maps_secrets_and_the_downward_api() {
    let d = one(&with_imports(
        "{{ w.pod(spec=pod.spec([pod.container(\"a\", \"x:1\", env={\"A\": 1, \"B\": {\"config_map\": \"cm\", \"key\": \"k\"}, \"C\": {\"secret\": \"s\", \"key\": \"p\", \"optional\": true}, \"D\": {\"field\": \"status.podIP\"}, \"E\": {\"resource\": \"limits.memory\", \"divisor\": \"1Mi\"}, \"n\": \"no\"})])) }}",
    ));
    assert_eq!(
        d["spec"]["containers"][0]["env"],
        serde_json::json!([
            {"name": "A", "value": "1"},
            {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}},
            {"name": "C", "valueFrom": {"secretKeyRef": {"name": "s", "key": "p", "optional": true}}},
            {"name": "D", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "E", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
            // YAML 1.1 words are quoted, so they stay strings.
            {"name": "n", "value": "no"},
        ])
    );
}

#[test]
fn statefulset_uses_the_headless_service_name_and_claim_templates() {
    let docs = render(
        serde_json::json!({}),
        &with_imports(
            "{{ w.statefulset(volume_claim_templates=[storage.claim_template(\"data\", \"1Gi\", storage_class=\"-\")], spec=pod.spec([pod.container(\"db\", \"postgres:17\")])) }}\n---\n{{ net.headless_service({\"db\": 5432}) }}\n",
        ),
    );
    let (set, headless) = (&docs[0], &docs[1]);
    assert_eq!(set["spec"]["serviceName"], headless["metadata"]["name"]);
    assert_eq!(headless["metadata"]["name"], "rel-app-headless");
    assert_eq!(headless["spec"]["clusterIP"], "None");
    assert_eq!(
        headless["spec"]["selector"],
        set["spec"]["selector"]["matchLabels"]
    );
    let claim = &set["spec"]["volumeClaimTemplates"][0];
    assert_eq!(claim["metadata"]["name"], "data");
    assert_eq!(claim["spec"]["storageClassName"], "");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "1Gi");
    assert_eq!(
        set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"],
        "Retain"
    );
}

#[test]
fn jobs_get_a_restart_policy_unless_they_have_one() {
    let docs = render(
        serde_json::json!({}),
        &with_imports(
            "{{ w.job(spec=pod.spec([pod.container(\"a\", \"x:1\")])) }}\n---\n{{ w.cron_job(\"0 1 * * *\", spec=pod.spec([pod.container(\"a\", \"x:1\")], restart_policy=\"Never\")) }}\n",
        ),
    );
    assert_eq!(
        docs[0]["spec"]["template"]["spec"]["restartPolicy"],
        "OnFailure"
    );
    assert_eq!(docs[0]["spec"]["backoffLimit"], 3.0);
    assert!(
        docs[0]["spec"]["selector"].is_null(),
        "Kubernetes makes a Job's selector"
    );
    let cron = &docs[1]["spec"];
    assert_eq!(cron["schedule"], "0 1 * * *");
    assert_eq!(cron["concurrencyPolicy"], "Forbid");
    assert_eq!(
        cron["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"],
        "Never"
    );
}

#[test]
fn a_workload_without_a_pod_spec_fails_clearly() {
    let message =
        try_render(serde_json::json!({}), &with_imports("{{ w.deployment() }}")).unwrap_err();
    assert!(
        message.contains("std.deployment: give the pod spec"),
        "{message}"
    );
}

#[test]
fn bindings_default_to_the_charts_service_account_and_role() {
    let docs = render(
        serde_json::json!({"fullnameOverride": "ctl"}),
        &with_imports("{{ rbac.role_binding() }}\n---\n{{ rbac.cluster_role_binding(subjects=[\"other\"]) }}\n---\n{{ rbac.cluster_role([rbac.rule([\"\"], [\"pods\"], [\"get\"])], aggregate_to=[\"view\"]) }}\n"),
    );
    assert_eq!(
        docs[0]["roleRef"],
        serde_json::json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "ctl"})
    );
    assert_eq!(
        docs[0]["subjects"],
        serde_json::json!([{"kind": "ServiceAccount", "name": "ctl", "namespace": "ns1"}])
    );
    assert_eq!(docs[1]["roleRef"]["kind"], "ClusterRole");
    assert_eq!(docs[1]["subjects"][0]["name"], "other");
    assert_eq!(
        docs[2]["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"],
        "true"
    );
    assert_eq!(docs[2]["rules"][0]["apiGroups"], serde_json::json!([""]));
}

#[test]
fn scaling_objects_target_the_workload_of_the_same_name_and_component() {
    let docs = render(
        serde_json::json!({}),
        &with_imports("{{ scaling.horizontal_pod_autoscaler(component=\"api\") }}\n---\n{{ scaling.pod_disruption_budget(component=\"api\") }}\n"),
    );
    assert_eq!(
        docs[0]["spec"]["scaleTargetRef"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "rel-app"})
    );
    assert_eq!(
        docs[0]["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        80.0
    );
    assert_eq!(docs[1]["spec"]["maxUnavailable"], 1.0);
    assert_eq!(
        docs[1]["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"],
        "api"
    );
}

#[test]
fn config_storage_and_cluster_objects() {
    let docs = render(
        serde_json::json!({}),
        &with_imports(
            "{{ config.secret({\"password\": \"s3cret\"}) }}\n---\n{{ storage.storage_class(\"ebs.csi.aws.com\", default=true) }}\n---\n{{ cluster.custom_resource_definition(\"example.io\", \"Widget\") }}\n---\n{{ net.external_name_service(\"db.example.com\") }}\n---\n{{ net.http_route([\"gw\"]) }}\n",
        ),
    );
    assert_eq!(docs[0]["data"]["password"], "czNjcmV0");
    assert_eq!(docs[0]["type"], "Opaque");
    assert_eq!(
        docs[1]["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"],
        "true"
    );
    assert_eq!(docs[1]["volumeBindingMode"], "WaitForFirstConsumer");
    assert_eq!(docs[2]["metadata"]["name"], "widgets.example.io");
    assert_eq!(docs[2]["spec"]["versions"][0]["storage"], true);
    assert_eq!(docs[3]["spec"]["type"], "ExternalName");
    assert!(docs[3]["spec"]["selector"].is_null());
    assert_eq!(
        docs[4]["spec"]["rules"][0]["backendRefs"][0],
        serde_json::json!({"name": "rel-app", "port": 80.0})
    );
    assert_eq!(
        docs[4]["metadata"]["annotations"]["capstan.io/lint-disable"],
        "k8s-unknown-kind"
    );
}
