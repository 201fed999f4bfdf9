//! The example charts (charts-examples/): their files exist, webapp-jinja
//! renders to valid manifests, and to the same objects the real Helm
//! renders for webapp.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{render_templates, Renderable};
use crate::chart::{Chart, Metadata};
use crate::codec::yaml_read;
use crate::engine::context::{chart_value, Capabilities, FilesObject, ReleaseInfo};
use crate::engine::value::{Map, Value};

fn example_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("charts-examples")
        .join(name)
}

#[test]
fn example_charts_have_their_files() {
    let common = [
        "Chart.yaml",
        "values.yaml",
        "values.schema.json",
        ".helmignore",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/configmap.yaml",
        "templates/serviceaccount.yaml",
        "templates/ingress.yaml",
        "templates/NOTES.txt",
    ];
    for (chart, helpers) in [
        ("webapp", "templates/_helpers.tpl"),
        ("webapp-jinja", "templates/_helpers.j2"),
    ] {
        for file in common.iter().chain([&helpers]) {
            assert!(
                example_dir(chart).join(file).is_file(),
                "{chart}/{file} is missing"
            );
        }
    }
    let chart_yaml =
        std::fs::read_to_string(example_dir("webapp-jinja").join("Chart.yaml")).unwrap();
    assert!(chart_yaml.contains("\n  capstan.io/engine: jinja\n"));
    let go_chart_yaml = std::fs::read_to_string(example_dir("webapp").join("Chart.yaml")).unwrap();
    assert!(!go_chart_yaml.contains("capstan.io/engine"));
}

/// An example chart's templates with its default values (optionally
/// changed), scoped as engine/render.rs does for a root chart.
fn load_example(
    name: &str,
    release_name: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> BTreeMap<String, Renderable> {
    load_chart_dir(&example_dir(name), name, release_name, change)
}

/// A chart directory's templates, as [`load_example`] loads them.
fn load_chart_dir(
    dir: &Path,
    name: &str,
    release_name: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> BTreeMap<String, Renderable> {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let metadata: Metadata =
        serde_json::from_value(yaml_read::from_str(&read("Chart.yaml")).unwrap()).unwrap();
    let mut values = yaml_read::from_str(&read("values.yaml")).unwrap();
    change(&mut values);
    let chart = Chart {
        metadata,
        ..Default::default()
    };
    let release = ReleaseInfo {
        name: release_name.into(),
        namespace: "default".into(),
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
    let scope = Value::map(scope);
    let mut templates = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("templates")).unwrap() {
        let entry = entry.unwrap();
        let file = entry.file_name().to_string_lossy().into_owned();
        templates.insert(
            format!("{name}/templates/{file}"),
            Renderable {
                text: std::fs::read_to_string(entry.path()).unwrap().into(),
                vals: scope.clone(),
                base_path: format!("{name}/templates"),
            },
        );
    }
    templates
}

/// Every non-empty YAML document of a rendered stream (split at `---`
/// lines), parsed.
fn documents(text: &str) -> Vec<serde_json::Value> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else {
            let doc = docs.last_mut().unwrap();
            doc.push_str(line);
            doc.push('\n');
        }
    }
    docs.into_iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .map(|d| yaml_read::from_str(&d).unwrap_or_else(|e| panic!("invalid YAML ({e}):\n{d}")))
        .collect()
}

fn kind_and_name(doc: &serde_json::Value) -> (String, String) {
    (
        doc["kind"].as_str().unwrap().to_string(),
        doc["metadata"]["name"].as_str().unwrap().to_string(),
    )
}

#[test]
fn webapp_jinja_renders_valid_manifests() {
    let out = render_templates(&load_example("webapp-jinja", "demo", |_| {})).unwrap();
    let mut kinds = vec![];
    for (name, text) in &out {
        if name.ends_with("NOTES.txt") {
            assert!(
                text.contains("port-forward service/demo-webapp-jinja 8080:80"),
                "{text}"
            );
            continue;
        }
        for doc in documents(text) {
            assert_eq!(
                doc["metadata"]["labels"]["app.kubernetes.io/instance"],
                "demo"
            );
            kinds.push(kind_and_name(&doc));
        }
    }
    kinds.sort();
    let name = "demo-webapp-jinja".to_string();
    assert_eq!(
        kinds,
        [
            ("ConfigMap".into(), name.clone()),
            ("Deployment".into(), name.clone()),
            ("Service".into(), name.clone()),
            ("ServiceAccount".into(), name.clone()),
        ]
    );
    assert_eq!(out["webapp-jinja/templates/ingress.yaml"].trim(), "");

    let out = render_templates(&load_example("webapp-jinja", "demo", |v| {
        v["ingress"]["enabled"] = true.into();
        v["replicaCount"] = 3.into();
    }))
    .unwrap();
    let ingress = documents(&out["webapp-jinja/templates/ingress.yaml"]);
    assert_eq!(
        ingress[0]["spec"]["rules"][0]["host"],
        "webapp-jinja.example.local"
    );
    let deployment = documents(&out["webapp-jinja/templates/deployment.yaml"]);
    assert_eq!(deployment[0]["spec"]["replicas"], 3.0);
}

/// The two example charts are the same app: Helm's objects for webapp
/// equal capstan's Jinja objects for webapp-jinja, but for the chart name.
#[test]
#[ignore = "needs funcs and the real helm on PATH (/work/shared/tools/install-peers.sh)"]
fn webapp_jinja_renders_the_objects_helm_renders_for_webapp() {
    let helm = std::process::Command::new("helm")
        .args(["template", "demo"])
        .arg(example_dir("webapp"))
        .output()
        .expect("run helm");
    assert!(
        helm.status.success(),
        "{}",
        String::from_utf8_lossy(&helm.stderr)
    );
    let by_identity = |docs: Vec<serde_json::Value>| {
        docs.into_iter()
            .map(|d| (kind_and_name(&d), d))
            .collect::<BTreeMap<_, _>>()
    };
    let expected = by_identity(documents(&String::from_utf8(helm.stdout).unwrap()));

    let out = render_templates(&load_example("webapp-jinja", "demo", |_| {})).unwrap();
    let mut docs = vec![];
    for (name, text) in &out {
        if !name.ends_with("NOTES.txt") {
            docs.extend(documents(&text.replace("webapp-jinja", "webapp")));
        }
    }
    assert_eq!(by_identity(docs), expected);
}

/// `capstan create x --engine jinja` gives a chart that renders.
#[test]
fn created_jinja_chart_renders() {
    use crate::cli::create::{create, CreateArgs, Engine};
    let tmp = tempfile::tempdir().unwrap();
    let args = CreateArgs {
        name: tmp.path().join("x"),
        engine: Engine::Jinja,
        starter: None,
    };
    let dir = create(&args, tmp.path(), &mut vec![]).unwrap();
    let out = render_templates(&load_chart_dir(&dir, "x", "r", |_| {})).unwrap();
    let docs: Vec<_> = out
        .iter()
        .filter(|(name, _)| !name.ends_with("NOTES.txt"))
        .flat_map(|(_, text)| documents(text))
        .map(|d| kind_and_name(&d))
        .collect();
    assert_eq!(docs.len(), 4, "{docs:?}");
    assert!(docs.iter().all(|(_, name)| name == "r-x"), "{docs:?}");
}

/// Pairs of (Jinja example, its output) from a Markdown file: a ```jinja
/// block followed, with only blank lines between, by a ```text block.
fn documented_examples(markdown: &str) -> Vec<(String, String)> {
    // Each fenced block as (language, body), with blank-line adjacency.
    let mut blocks: Vec<(String, String, bool)> = vec![];
    let mut lines = markdown.lines();
    let mut only_blank_since_last = false;
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(lang) = trimmed.strip_prefix("```") else {
            if !line.trim().is_empty() {
                only_blank_since_last = false;
            }
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = vec![];
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                break;
            }
            body.push(inner.get(indent..).unwrap_or("").to_string());
        }
        blocks.push((
            lang.trim().to_string(),
            body.join("\n"),
            only_blank_since_last,
        ));
        only_blank_since_last = true;
    }
    blocks
        .windows(2)
        .filter(|w| w[0].0 == "jinja" && w[1].0 == "text" && w[1].2)
        .map(|w| (w[0].1.clone(), w[1].1.clone()))
        .collect()
}

#[test]
fn documented_examples_are_found() {
    let md = "```jinja\n{{ a }}\n```\n\n```text\nA\n```\nprose\n```jinja\nx\n```\nprose\n```text\nnot an output\n```\n  ```jinja\n  {{ b }}\n  ```\n\n  ```text\n  B\n  ```\n";
    assert_eq!(
        documented_examples(md),
        [
            ("{{ a }}".to_string(), "A".to_string()),
            ("{{ b }}".to_string(), "B".to_string())
        ]
    );
}

/// Every example of docs/jinja.md that shows its output renders that
/// output, inside charts-examples/webapp-jinja with its default values.
#[test]
fn jinja_docs_examples_render_as_documented() {
    let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/jinja.md"))
        .unwrap();
    let examples = documented_examples(&md);
    assert!(
        examples.len() >= 10,
        "found only {} examples",
        examples.len()
    );
    for (template, expected) in examples {
        let mut templates = load_example("webapp-jinja", "demo", |_| {});
        let vals = templates["webapp-jinja/templates/service.yaml"]
            .vals
            .clone();
        templates.insert(
            "webapp-jinja/templates/example.yaml".into(),
            Renderable {
                text: template.as_str().into(),
                vals,
                base_path: "webapp-jinja/templates".into(),
            },
        );
        let out = render_templates(&templates).unwrap_or_else(|e| panic!("{template}\n=> {}", e.0));
        assert_eq!(
            out["webapp-jinja/templates/example.yaml"].trim_end(),
            expected,
            "for:\n{template}"
        );
    }
}
