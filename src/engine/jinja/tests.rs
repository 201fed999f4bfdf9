//! Tests of the Jinja engine through its public entry point, with scopes
//! built as engine/render.rs builds them.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::chart::{Chart, File, Metadata};
use crate::engine::context::{chart_value, Capabilities, FilesObject, ReleaseInfo};
use crate::engine::funcs::{Func, FuncError};
use crate::engine::value::{Map, Value};

fn metadata(name: &str) -> Metadata {
    let mut m = Metadata {
        name: name.into(),
        version: "1.2.3+build.4".into(),
        app_version: "2.0".into(),
        api_version: "v2".into(),
        ..Default::default()
    };
    m.annotations
        .insert("capstan.io/engine".into(), "jinja".into());
    m.annotations
        .insert("example.com/MixedCase".into(), "kept".into());
    m
}

fn release() -> ReleaseInfo {
    ReleaseInfo {
        name: "rel".into(),
        namespace: "ns1".into(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    }
}

/// A chart scope as render.rs collect_templates builds it.
fn scope(chart: &Chart, values: Value, is_root: bool, subcharts: Map) -> Value {
    let mut s = Map::new();
    s.insert("Chart".into(), chart_value(&chart.metadata, is_root));
    s.insert("Files".into(), FilesObject::new(chart).to_value());
    s.insert("Release".into(), release().to_value());
    s.insert("Capabilities".into(), Capabilities::default().to_value());
    s.insert("Values".into(), values);
    s.insert("Subcharts".into(), Value::map(subcharts));
    Value::map(s)
}

fn values(json: serde_json::Value) -> Value {
    Value::from_json(&json)
}

/// Templates of one root chart named `c` (paths relative to its templates/).
fn chart_templates(scope_value: &Value, files: &[(&str, &str)]) -> BTreeMap<String, Renderable> {
    files
        .iter()
        .map(|(path, text)| {
            (
                format!("c/templates/{path}"),
                Renderable {
                    text: (*text).into(),
                    vals: scope_value.clone(),
                    base_path: "c/templates".into(),
                },
            )
        })
        .collect()
}

fn simple_chart() -> Chart {
    Chart {
        metadata: metadata("c"),
        files: vec![
            File {
                name: "files/a.conf".into(),
                data: b"alpha\nbeta\n".to_vec().into(),
            },
            File {
                name: "files/b.txt".into(),
                data: b"bee".to_vec().into(),
            },
            File {
                name: "README.md".into(),
                data: b"readme".to_vec().into(),
            },
        ],
        ..Default::default()
    }
}

/// Render templates of chart `c` with the given values and a library.
fn render_c(
    vals: serde_json::Value,
    files: &[(&str, &str)],
    lib: &HashMap<&'static str, Func>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let chart = simple_chart();
    let s = scope(&chart, values(vals), true, Map::new());
    render_with_library(&chart_templates(&s, files), lib)
}

fn render_one(vals: serde_json::Value, text: &str) -> Result<String, String> {
    render_c(vals, &[("t.yaml", text)], &test_library())
        .map(|m| m["c/templates/t.yaml"].clone())
        .map_err(|e| e.0)
}

fn string_arg(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Missing | Value::Nil => String::new(),
        other => format!("{other:?}"),
    }
}

/// Small stand-ins for library functions, enough to exercise the adapter
/// and the std macros before engine/funcs is merged.
fn test_library() -> HashMap<&'static str, Func> {
    fn indent_by(n: &Value, s: &str) -> String {
        let pad = " ".repeat(match n {
            Value::Int(i) | Value::Int64(i) => *i as usize,
            _ => 0,
        });
        // Sprig indent: pad every line.
        format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
    }
    fn indent(a: &[Value]) -> Result<Value, FuncError> {
        match a {
            [n, s] => Ok(Value::string(indent_by(n, &string_arg(s)))),
            _ => Err(FuncError::Arg(format!(
                "wrong number of args for indent: want 2 got {}",
                a.len()
            ))),
        }
    }
    fn nindent(a: &[Value]) -> Result<Value, FuncError> {
        match a {
            [n, s] => Ok(Value::string(format!("\n{}", indent_by(n, &string_arg(s))))),
            _ => Err(FuncError::Arg("wrong number of args for nindent".into())),
        }
    }
    fn trim(a: &[Value]) -> Result<Value, FuncError> {
        Ok(Value::string(string_arg(&a[0]).trim().to_string()))
    }
    fn quote(a: &[Value]) -> Result<Value, FuncError> {
        Ok(Value::string(
            a.iter()
                .map(|v| format!("{:?}", string_arg(v)))
                .collect::<Vec<_>>()
                .join(" "),
        ))
    }
    fn upper(a: &[Value]) -> Result<Value, FuncError> {
        Ok(Value::string(string_arg(&a[0]).to_uppercase()))
    }
    /// Only flat maps of scalars: enough for labels and annotations.
    fn to_yaml(a: &[Value]) -> Result<Value, FuncError> {
        let Value::Map(m) = &a[0] else {
            return Err(FuncError::Call("test toYaml: maps only".into()));
        };
        let lines: Vec<String> = m
            .borrow()
            .iter()
            .map(|(k, v)| format!("{k}: {}", string_arg(v)))
            .collect();
        Ok(Value::string(lines.join("\n")))
    }
    fn default(a: &[Value]) -> Result<Value, FuncError> {
        match a {
            [d, v] => Ok(if v.is_true() { v.clone() } else { d.clone() }),
            _ => Err(FuncError::Arg("wrong number of args for default".into())),
        }
    }
    fn required(a: &[Value]) -> Result<Value, FuncError> {
        match a {
            [msg, v] if v.is_nil() => Err(FuncError::Call(format!(
                "HELM_ERR_START{}HELM_ERR_END",
                string_arg(msg)
            ))),
            [_, v] => Ok(v.clone()),
            _ => Err(FuncError::Arg("wrong number of args for required".into())),
        }
    }
    fn kind_of(a: &[Value]) -> Result<Value, FuncError> {
        Ok(Value::str(a[0].kind_name()))
    }
    let mut m: HashMap<&'static str, Func> = HashMap::new();
    m.insert("indent", indent);
    m.insert("nindent", nindent);
    m.insert("trim", trim);
    m.insert("quote", quote);
    m.insert("upper", upper);
    m.insert("toYaml", to_yaml);
    m.insert("default", default);
    m.insert("required", required);
    m.insert("kindOf", kind_of);
    m
}

#[test]
fn values_release_and_template_objects() {
    let out = render_one(
        serde_json::json!({"replicaCount": 3, "image": {"tag": "v1"}}),
        "{{ values.replicaCount }} {{ values.image.tag }} {{ release.name }} {{ release.namespace }} \
         {{ release.revision }} {{ release.is_install }} {{ release.is_upgrade }} {{ release.service }} \
         {{ template.name }} {{ template.base_path }}",
    )
    .unwrap();
    assert_eq!(
        out,
        "3 v1 rel ns1 1 true false Helm c/templates/t.yaml c/templates"
    );
}

#[test]
fn chart_object_has_snake_case_fields_and_verbatim_annotations() {
    let out = render_one(
        serde_json::json!({}),
        "{{ chart.name }} {{ chart.version }} {{ chart.app_version }} {{ chart.api_version }} {{ chart.is_root }} \
         {{ chart.annotations['example.com/MixedCase'] }} {{ chart.deprecated }}",
    )
    .unwrap();
    assert_eq!(out, "c 1.2.3+build.4 2.0 v2 true kept false");
}

#[test]
fn capabilities_object() {
    let out = render_one(
        serde_json::json!({}),
        "{{ capabilities.kube_version }} {{ capabilities.kube_version.version }} \
         {{ capabilities.kube_version.major }}.{{ capabilities.kube_version.minor }} \
         {{ capabilities.api_versions.has('apps/v1') }} {{ capabilities.api_versions.has('nope/v9') }} \
         {{ 'batch/v1' in capabilities.api_versions }} {{ capabilities.helm_version.version }}",
    )
    .unwrap();
    assert_eq!(out, "v1.35.0 v1.35.0 1.35 true false true v4.1.4");
}

#[test]
fn files_object_methods() {
    let out = render_one(
        serde_json::json!({}),
        "{{ files.get('files/b.txt') }}|{{ files.get('missing') }}|\
         {% for line in files.lines('files/a.conf') %}[{{ line }}]{% endfor %}|\
         {% for name in files.glob('files/*') %}{{ name }};{% endfor %}|\
         {{ files.get_bytes('files/b.txt') | length }}|{{ files['README.md'] }}",
    )
    .unwrap();
    assert_eq!(out, "bee||[alpha][beta]|files/a.conf;files/b.txt;|3|readme");
}

#[test]
fn files_as_config_and_as_secrets() {
    let out = render_one(
        serde_json::json!({}),
        "{{ files.glob('files/b.txt').as_config() }}\n{{ files.glob('files/b.txt').as_secrets() }}",
    )
    .unwrap();
    // Helm: files.go AsConfig/AsSecrets (base names, toYaml without the final newline).
    assert_eq!(out, "b.txt: bee\nb.txt: YmVl");
}

#[test]
fn maps_iterate_in_sorted_key_order() {
    let out = render_one(
        serde_json::json!({"m": {"zeta": 1, "alpha": 2, "mid": 3}}),
        "{% for k, v in values.m | items %}{{ k }}={{ v }},{% endfor %}",
    )
    .unwrap();
    assert_eq!(out, "alpha=2,mid=3,zeta=1,");
}

#[test]
fn strict_undefined_names_template_line_and_expression() {
    let err = render_one(
        serde_json::json!({"b": {}}),
        "line1\nline2\n{{ values.b.c }}\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "execution error at (c/templates/t.yaml:3): undefined value: `values.b.c` is undefined"
    );
    // `is defined` and default still work on missing keys.
    let out = render_one(
        serde_json::json!({}),
        "{{ values.x is defined }} {{ values.x | default('d') }}",
    )
    .unwrap();
    assert_eq!(out, "false d");
}

#[test]
fn errors_in_imported_macros_name_both_templates() {
    let err = render_c(
        serde_json::json!({}),
        &[
            ("_h.j2", "{% macro m() %}\n{{ values.nope }}{% endmacro %}"),
            ("a.yaml", "{% import '_h.j2' as h %}{{ h.m() }}"),
        ],
        &test_library(),
    )
    .unwrap_err();
    assert_eq!(
        err.0,
        "execution error at (c/templates/_h.j2:2): undefined value: `values.nope` is undefined\n  (while rendering c/templates/a.yaml)"
    );
}

#[test]
fn parse_errors_name_the_template() {
    let err = render_one(serde_json::json!({}), "ok\n{% if %}").unwrap_err();
    assert!(
        err.starts_with("parse error at (c/templates/t.yaml:2): syntax error: "),
        "{err}"
    );
}

#[test]
fn none_prints_as_nothing() {
    let out = render_one(serde_json::json!({"n": null}), "key: {{ values.n }}").unwrap();
    assert_eq!(out, "key: ");
}

#[test]
fn integral_floats_print_as_integers() {
    // Values files give float64 numbers; Jinja prints them as YAML authors expect.
    let chart = simple_chart();
    let mut v = Map::new();
    v.insert("replicas".into(), Value::Float(2.0));
    v.insert("ratio".into(), Value::Float(0.5));
    let s = scope(&chart, Value::map(v), true, Map::new());
    let out = render_with_library(
        &chart_templates(
            &s,
            &[("t.yaml", "{{ values.replicas }} {{ values.ratio }}")],
        ),
        &test_library(),
    )
    .unwrap();
    assert_eq!(out["c/templates/t.yaml"], "2 0.5");
}

#[test]
fn library_filters_take_the_piped_value_last() {
    // Go: `"x" | indent 4` == `indent 4 "x"`.
    let out = render_one(
        serde_json::json!({"s": "a\nb"}),
        "{{ values.s | indent(2) }}|{{ indent(2, values.s) }}|{{ values.s | nindent(2) }}|{{ 'q' | quote }}|{{ values.s | kind_of }}",
    )
    .unwrap();
    assert_eq!(out, "  a\n  b|  a\n  b|\n  a\n  b|\"q\"|string");
    // The library's default wins over Jinja's: empty values are replaced too (Sprig semantics).
    let out = render_one(
        serde_json::json!({"e": ""}),
        "{{ values.e | default('d') }} {{ values.nope | default('d') }}",
    )
    .unwrap();
    assert_eq!(out, "d d");
}

#[test]
fn required_and_fail_messages_read_like_helms() {
    let err = render_one(
        serde_json::json!({}),
        "a\n{{ values.host | required('host is required') }}",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "execution error at (c/templates/t.yaml:2): host is required"
    );
}

#[test]
fn partials_are_not_rendered_but_importable_relative_to_templates_dir() {
    let out = render_c(
        serde_json::json!({"who": "world"}),
        &[
            ("_helpers.j2", "{% macro greet(x) %}hello {{ x }} from {{ chart.name }}{% endmacro %}"),
            ("sub/_more.j2", "{% macro more() %}more {{ values.who }}{% endmacro %}"),
            ("a.yaml", "{% import '_helpers.j2' as h %}{% from 'sub/_more.j2' import more %}{{ h.greet(values.who) }}; {{ more() }}"),
            ("sub/b.yaml", "{% import '_helpers.j2' as h %}{{ h.greet('b') }}"),
        ],
        &test_library(),
    )
    .unwrap();
    assert_eq!(
        out.keys().collect::<Vec<_>>(),
        ["c/templates/a.yaml", "c/templates/sub/b.yaml"]
    );
    assert_eq!(out["c/templates/a.yaml"], "hello world from c; more world");
    // Names are relative to templates/, not to the importing file's directory.
    assert_eq!(out["c/templates/sub/b.yaml"], "hello b from c");
}

#[test]
fn subcharts_resolve_their_own_partials_and_parents_reach_them_by_full_path() {
    let sub = Chart {
        metadata: metadata("sub"),
        ..Default::default()
    };
    let parent = Chart {
        metadata: metadata("c"),
        ..Default::default()
    };
    let sub_scope = scope(
        &sub,
        values(serde_json::json!({"port": 8080})),
        false,
        Map::new(),
    );
    let mut subcharts = Map::new();
    subcharts.insert("sub".into(), sub_scope.clone());
    let parent_scope = scope(
        &parent,
        values(serde_json::json!({"sub": {"port": 8080}})),
        true,
        subcharts,
    );
    let mut templates = chart_templates(
        &parent_scope,
        &[
            ("_helpers.j2", "{% macro who() %}parent {{ chart.name }}{% endmacro %}"),
            (
                "p.yaml",
                "{% import '_helpers.j2' as h %}{% import 'c/charts/sub/templates/_helpers.j2' as s %}\
                 {{ h.who() }} / {{ s.who() }} / {{ subcharts.sub.values.port }} {{ subcharts.sub.chart.is_root }}",
            ),
        ],
    );
    for (path, text) in [
        (
            "_helpers.j2",
            "{% macro who() %}sub {{ chart.name }}{% endmacro %}",
        ),
        (
            "s.yaml",
            "{% import '_helpers.j2' as h %}{{ h.who() }} {{ values.port }} {{ chart.is_root }}",
        ),
    ] {
        templates.insert(
            format!("c/charts/sub/templates/{path}"),
            Renderable {
                text: text.into(),
                vals: sub_scope.clone(),
                base_path: "c/charts/sub/templates".into(),
            },
        );
    }
    let out = render_with_library(&templates, &test_library()).unwrap();
    assert_eq!(out["c/charts/sub/templates/s.yaml"], "sub sub 8080 false");
    // A macro from the subchart's partial runs with the caller's context.
    assert_eq!(out["c/templates/p.yaml"], "parent c / sub c / 8080 false");
}

#[test]
fn include_renders_a_template_to_text_with_extra_context() {
    let out = render_c(
        serde_json::json!({"name": "web"}),
        &[
            ("_labels.j2", "app: {{ values.name }}\ntier: {{ tier | default('none') }}"),
            ("a.yaml", "labels:{{ include('_labels.j2', {'tier': 'front'}) | nindent(2) }}\nplain: {{ include('_labels.j2') | upper }}"),
        ],
        &test_library(),
    )
    .unwrap();
    assert_eq!(
        out["c/templates/a.yaml"],
        "labels:\n  app: web\n  tier: front\nplain: APP: WEB\nTIER: NONE"
    );
}

#[test]
fn include_loops_stop_with_a_clear_error() {
    let err = render_c(
        serde_json::json!({}),
        &[
            ("_loop.j2", "{{ include('_loop.j2') }}"),
            ("a.yaml", "{{ include('_loop.j2') }}"),
        ],
        &test_library(),
    )
    .unwrap_err();
    assert!(
        err.0.contains(&format!(
            "include: nesting deeper than {MAX_INCLUDE_DEPTH} levels"
        )),
        "{}",
        err.0
    );
}

#[test]
fn include_of_a_missing_template_is_an_error() {
    let err = render_one(serde_json::json!({}), "{{ include('_nope.j2') }}").unwrap_err();
    assert!(err.contains("template not found"), "{err}");
    assert!(
        err.starts_with("execution error at (c/templates/t.yaml:1)"),
        "{err}"
    );
}

#[test]
fn tpl_renders_values_as_templates() {
    let out = render_c(
        serde_json::json!({"greeting": "hi {{ release.name }} {{ extra | default('') }}", "n": 2}),
        &[
            ("_h.j2", "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"),
            (
                "a.yaml",
                "{{ tpl(values.greeting) }}|{{ tpl(values.greeting, {'extra': 'x'}) }}|\
                 {{ tpl(\"{% import '_h.j2' as h %}{{ h.twice(values.n) }}\") }}",
            ),
        ],
        &test_library(),
    )
    .unwrap();
    assert_eq!(out["c/templates/a.yaml"], "hi rel |hi rel x|22");
}

#[test]
fn lookup_finds_nothing_without_a_cluster() {
    let out = render_one(
        serde_json::json!({}),
        "{{ lookup('v1', 'Secret', 'ns', 'x') | length }}",
    )
    .unwrap();
    assert_eq!(out, "0");
}

#[test]
fn whitespace_control_drops_block_tag_lines() {
    let out = render_one(
        serde_json::json!({"on": true, "items": ["a", "b"]}),
        "spec:\n  {% if values.on %}\n  enabled: true\n  {% endif %}\n  items:\n  {% for i in values['items'] %}\n    - {{ i }}\n  {% endfor %}\n",
    )
    .unwrap();
    assert_eq!(out, "spec:\n  enabled: true\n  items:\n    - a\n    - b\n");
}

#[test]
fn std_labels_macros_need_no_library() {
    let out = render_c(
        serde_json::json!({}),
        &[(
            "a.yaml",
            "{% import 'std/meta.j2' as meta %}[{{ meta.fullname() }}]\n{{ meta.labels() }}\n--\n{{ meta.selector_labels('web') }}",
        )],
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(
        out["c/templates/a.yaml"],
        "[rel-c]\nhelm.sh/chart: c-1.2.3_build.4\napp.kubernetes.io/name: c\napp.kubernetes.io/instance: rel\n\
         app.kubernetes.io/version: \"2.0\"\napp.kubernetes.io/managed-by: Helm\n--\n\
         app.kubernetes.io/name: c\napp.kubernetes.io/instance: rel\napp.kubernetes.io/component: web"
    );
}

#[test]
fn std_fullname_follows_overrides() {
    let render = |vals: serde_json::Value| {
        render_c(
            vals,
            &[(
                "a.yaml",
                "{% import 'std/meta.j2' as meta %}{{ meta.name() }} {{ meta.fullname() }}",
            )],
            &HashMap::new(),
        )
        .unwrap()["c/templates/a.yaml"]
            .clone()
    };
    assert_eq!(render(serde_json::json!({})), "c rel-c");
    assert_eq!(
        render(serde_json::json!({"nameOverride": "web"})),
        "web rel-web"
    );
    assert_eq!(
        render(serde_json::json!({"fullnameOverride": "x".repeat(70) + "-"})),
        format!("c {}", "x".repeat(63))
    );
    // A release name that already contains the chart name is used as is.
    assert_eq!(render(serde_json::json!({"nameOverride": "el"})), "el rel");
    // std/workloads.j2 re-exports the naming macros of std/meta.j2.
    let out = render_c(
        serde_json::json!({}),
        &[(
            "a.yaml",
            "{% import 'std/workloads.j2' as std %}{{ std.name() }} {{ std.fullname() }}",
        )],
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(out["c/templates/a.yaml"], "c rel-c");
}

#[test]
fn std_workloads_render_objects() {
    let out = render_c(
        serde_json::json!({}),
        &[(
            "a.yaml",
            // trim_blocks eats the newline after `{% endcall %}`: hence the empty line.
            "{% import 'std/workloads.j2' as std %}\
             {% call std.deployment(replicas=2, pod_annotations={'a': 'b'}) %}\n\
             containers:\n  - name: app\n    image: nginx\n\
             {% endcall %}\n\n---\n\
             {{ std.service([{'name': 'http', 'port': 80}], component='web') }}\n---\n\
             {{ std.config_map({'k': 'v'}, name='cfg') }}\n---\n\
             {{ std.service_account(automount=false) }}\n",
        )],
        // The std library uses the shared functions (toYaml, regexMatch, ...).
        crate::engine::funcs::library(),
    )
    .unwrap();
    let expected = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-c
  labels:
    helm.sh/chart: c-1.2.3_build.4
    app.kubernetes.io/name: c
    app.kubernetes.io/instance: rel
    app.kubernetes.io/version: "2.0"
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: c
      app.kubernetes.io/instance: rel
  template:
    metadata:
      annotations:
        a: b
      labels:
        helm.sh/chart: c-1.2.3_build.4
        app.kubernetes.io/name: c
        app.kubernetes.io/instance: rel
        app.kubernetes.io/version: "2.0"
        app.kubernetes.io/managed-by: Helm
    spec:
      containers:
        - name: app
          image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: rel-c
  labels:
    helm.sh/chart: c-1.2.3_build.4
    app.kubernetes.io/name: c
    app.kubernetes.io/instance: rel
    app.kubernetes.io/component: web
    app.kubernetes.io/version: "2.0"
    app.kubernetes.io/managed-by: Helm
spec:
  type: ClusterIP
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
  selector:
    app.kubernetes.io/name: c
    app.kubernetes.io/instance: rel
    app.kubernetes.io/component: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels:
    helm.sh/chart: c-1.2.3_build.4
    app.kubernetes.io/name: c
    app.kubernetes.io/instance: rel
    app.kubernetes.io/version: "2.0"
    app.kubernetes.io/managed-by: Helm
data:
  k: v
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: rel-c
  labels:
    helm.sh/chart: c-1.2.3_build.4
    app.kubernetes.io/name: c
    app.kubernetes.io/instance: rel
    app.kubernetes.io/version: "2.0"
    app.kubernetes.io/managed-by: Helm
automountServiceAccountToken: false
"#;
    assert_eq!(out["c/templates/a.yaml"], expected);
}

#[test]
fn jinja_builtins_without_a_library_twin_remain() {
    let out = render_one(
        serde_json::json!({"l": [3, 1, 2], "s": "web"}),
        "{{ '%s-%d' | format(values.s, 3) }} {{ values.l | length }} {{ values.l | sort | join(',') }} {{ values.s is endingwith('b') }}",
    )
    .unwrap();
    assert_eq!(out, "web-3 3 1,2,3 true");
}
