//! Helm's chart rules (pkg/chart/v2/lint/rules at v4.1.4: chartfile.go,
//! values.go, template.go, dependencies.go, crds.go), with Helm's
//! severities, paths and message texts, plus rendering with every
//! `ci/*.yaml` values file and Kubernetes checks of what renders.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::document::{split_file, Object, Positions};
use super::finding::{Finding, Severity};
use super::LintOptions;
use crate::chart::{self, version, Chart};
use crate::codec::yaml_read;
use crate::engine::context::{Capabilities, ReleaseInfo};
use crate::engine::render::RenderOptions;
use crate::manifest;
use crate::values;

/// Parsed documents shared by the renders of one chart: renders with
/// different values files mostly produce the same documents, and a chart's
/// CRD files are the same for every render.
#[derive(Default)]
struct ParseCache {
    /// Document text (its length and hash) → its JSON, or go-yaml's
    /// error text.
    docs: Mutex<HashMap<(usize, u64), Result<Arc<Value>, String>>>,
    /// CRD file path (subchart prefix included) → its objects, read once
    /// (a render that needs a file another is reading waits for it).
    /// (`Object`s are not `Sync`, hence a lock per file, not a `OnceLock`).
    crds: Mutex<HashMap<String, Arc<Mutex<Option<Vec<Object>>>>>>,
}

impl ParseCache {
    /// Every render hashes every document it makes (argo-cd: 1.9 MB, twice
    /// per render), so the hash is a fast one; keyed with the length.
    fn key(text: &str) -> (usize, u64) {
        use std::hash::BuildHasher;
        (text.len(), foldhash::quality::FixedState::with_seed(0).hash_one(text))
    }

    fn parse(&self, text: &str) -> Result<Arc<Value>, String> {
        self.parse_new(text).0
    }

    /// The parse, and whether it was made now (not found in the cache).
    fn parse_new(&self, text: &str) -> (Result<Arc<Value>, String>, bool) {
        let key = Self::key(text);
        if let Some(hit) = self.docs.lock().unwrap().get(&key) {
            return (hit.clone(), false);
        }
        let parsed = yaml_read::from_str(text).map(Arc::new).map_err(|e| e.to_string());
        self.docs.lock().unwrap().insert(key, parsed.clone());
        (parsed, true)
    }

    /// [`ParseCache::parse`] of a document as a manifest file holds it,
    /// which also answers for the same document trimmed (as Helm's
    /// manifest split leaves it) when trimming cannot change what it says:
    /// only blank lines go before it, and no string in it ends in a line
    /// break (a block scalar that runs to the end of the document loses
    /// its final line breaks to the trim).
    fn parse_untrimmed(&self, text: &str) -> Result<Arc<Value>, String> {
        let (parsed, new) = self.parse_new(text);
        let parsed = parsed?;
        if !new {
            return Ok(parsed); // its trimmed form was registered then
        }
        let trimmed = text.trim();
        let leading = &text[..text.len() - text.trim_start().len()];
        let only_blank_lines_before = leading.is_empty() || leading.ends_with('\n');
        if trimmed.len() != text.len() && only_blank_lines_before && !has_string_ending_in_newline(&parsed) {
            self.docs.lock().unwrap().entry(Self::key(trimmed)).or_insert_with(|| Ok(parsed.clone()));
        }
        Ok(parsed)
    }
}

fn has_string_ending_in_newline(v: &Value) -> bool {
    match v {
        Value::String(s) => s.ends_with('\n'),
        Value::Array(items) => items.iter().any(has_string_ending_in_newline),
        Value::Object(m) => m.iter().any(|(k, v)| k.ends_with('\n') || has_string_ending_in_newline(v)),
        _ => false,
    }
}

/// What linting one chart produced: Helm's findings and the objects of
/// each render (by the values they were rendered with).
pub struct ChartLint {
    pub findings: Vec<Finding>,
    /// Per render: its values label, how many objects it made, and what
    /// the object checks found in them.
    pub renders: Vec<(String, usize, Vec<Finding>)>,
}

fn msg(severity: Severity, rule: &'static str, path: &str, text: impl Into<String>) -> Finding {
    Finding::new(severity, rule, path, text)
}

/// Render errors can quote whole files (`range can't iterate over map[...]`).
fn truncate(s: &str) -> String {
    const MAX: usize = 1000;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} ... ({} more bytes)", &s[..end], s.len() - end)
}

/// Known Chart.yaml fields (Helm's Metadata json tags), for the strict parse.
const CHART_FIELDS: &[&str] = &[
    "name", "home", "sources", "version", "description", "keywords", "maintainers", "icon", "apiVersion",
    "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion", "dependencies", "type",
];

/// govalidator.IsRequestURL, simplified: an absolute URL with a scheme and
/// a host (or an opaque part).
fn is_request_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else { return false };
    !scheme.is_empty()
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s.contains(char::is_whitespace)
}

/// govalidator.IsEmail, simplified.
fn is_email(s: &str) -> bool {
    let Some((user, domain)) = s.rsplit_once('@') else { return false };
    !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace)
}

/// govalidator.IsURL, simplified: a host, optionally with a scheme.
fn is_url(s: &str) -> bool {
    if s.is_empty() || s.contains(char::is_whitespace) || s.starts_with('.') {
        return false;
    }
    let rest = s.split_once("://").map(|(_, r)| r).unwrap_or(s);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && (host.contains('.') || host.starts_with("localhost"))
}

/// Masterminds StrictNewVersion: `MAJOR.MINOR.PATCH[-pre][+meta]`, no `v`.
fn strict_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && version::Version::parse(v).is_ok()
}

/// Helm's rules.Chartfile.
pub fn chartfile(dir: &Path, out: &mut Vec<Finding>) {
    let file = "Chart.yaml";
    let path = dir.join(file);
    if path.is_dir() {
        out.push(msg(Severity::Error, "chart-yaml", file, "should be a file, not a directory"));
    }
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            out.push(msg(Severity::Error, "chart-yaml", file, format!("unable to parse YAML\n\t{}", chart::error::go_io_error("open", &path.display().to_string(), &e))));
            return;
        }
    };
    let text = String::from_utf8_lossy(&raw);
    let doc = match yaml_read::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            out.push(msg(Severity::Error, "chart-yaml", file, format!("unable to parse YAML\n\terror converting YAML to JSON: {e}")));
            return;
        }
    };
    let mut md = chart::Metadata::default();
    let mut nulls = chart::metadata::NullNodes::default();
    if let Err(e) = chart::metadata::decode_metadata(&doc, &mut md, &mut nulls) {
        out.push(msg(Severity::Error, "chart-yaml", file, format!("unable to parse YAML\n\t{e}")));
        return;
    }
    let obj = doc.as_object().cloned().unwrap_or_default();
    if let Some(unknown) = obj.keys().find(|k| !CHART_FIELDS.contains(&k.as_str())) {
        out.push(msg(Severity::Warning, "chart-yaml", file, format!("failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field \"{unknown}\"")));
    }
    // Go's %T of a value read by sigs.k8s.io/yaml.
    let type_check = |key: &str| -> Option<String> {
        let t = match obj.get(key)? {
            Value::String(_) => return None,
            Value::Number(_) => "float64",
            Value::Bool(_) => "bool",
            Value::Null => "<nil>",
            Value::Array(_) => "[]interface {}",
            Value::Object(_) => "map[string]interface {}",
        };
        Some(format!("{key} should be of type string but it's of type {t}"))
    };
    let mut found: Vec<(Severity, &'static str, String)> = Vec::new();
    let mut err = |text: String| found.push((Severity::Error, "chart-yaml", text));
    if md.name.is_empty() {
        err("name is required".into());
    } else if md.name.contains('/') || md.name.contains(std::path::MAIN_SEPARATOR) {
        err(format!("chart name {:?} is invalid", md.name));
    }
    if md.api_version.is_empty() {
        err("apiVersion is required. The value must be either \"v1\" or \"v2\"".into());
    } else if md.api_version != "v1" && md.api_version != "v2" {
        err(format!("apiVersion '{}' is not valid. The value must be either \"v1\" or \"v2\"", md.api_version));
    }
    if let Some(t) = type_check("version") {
        err(t);
    }
    if md.version.is_empty() {
        err("version is required".into());
    } else {
        match version::Version::parse(&md.version) {
            Err(_) => err(format!("version '{}' is not a valid SemVer", md.version)),
            Ok(v) => {
                if let Ok(c) = version::Constraints::parse(">0.0.0-0") {
                    if !c.check(&v) {
                        err(format!("version {v} is less than or equal to 0.0.0-0"));
                    }
                }
            }
        }
    }
    if let Some(t) = type_check("appVersion") {
        err(t);
    }
    if nulls.maintainer {
        err("a maintainer entry is empty".into());
    } else if let Some(m) = md.maintainers.iter().find(|m| {
        m.name.is_empty() || (!m.email.is_empty() && !is_email(&m.email)) || (!m.url.is_empty() && !is_url(&m.url))
    }) {
        if m.name.is_empty() {
            err("each maintainer requires a name".into());
        } else if !m.email.is_empty() && !is_email(&m.email) {
            err(format!("invalid email '{}' for maintainer '{}'", m.email, m.name));
        } else {
            err(format!("invalid url '{}' for maintainer '{}'", m.url, m.name));
        }
    }
    if let Some(s) = md.sources.iter().find(|s| s.is_empty() || !is_request_url(s)) {
        err(format!("invalid source URL '{s}'"));
    }
    if md.icon.is_empty() {
        found.push((Severity::Info, "chart-icon", "icon is recommended".into()));
    } else if !is_request_url(&md.icon) {
        found.push((Severity::Error, "chart-yaml", format!("invalid icon URL '{}'", md.icon)));
    }
    if !md.chart_type.is_empty() && md.api_version != "v2" {
        found.push((Severity::Error, "chart-yaml", format!("chart type is not valid in apiVersion '{}'. It is valid in apiVersion 'v2'", md.api_version)));
    }
    if !md.dependencies.is_empty() && md.api_version != "v2" {
        found.push((Severity::Error, "chart-yaml", format!("dependencies are not valid in the Chart file with apiVersion '{}'. They are valid in apiVersion 'v2'", md.api_version)));
    }
    out.extend(found.into_iter().map(|(sev, rule, text)| msg(sev, rule, file, text)));
    if !strict_semver(&md.version) {
        out.push(msg(Severity::Warning, "chart-version-semver2", file, format!("version '{}' is not a valid SemVerV2", md.version)));
    }
}

/// Helm's rules.ValuesWithOverrides.
pub fn values_file(dir: &Path, overrides: &Map<String, Value>, skip_schema: bool, out: &mut Vec<Finding>) {
    let file = "values.yaml";
    let path = dir.join(file);
    if !path.exists() {
        out.push(msg(Severity::Info, "values", file, "file does not exist"));
        return;
    }
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            out.push(msg(Severity::Error, "values", file, format!("unable to parse YAML: {e}")));
            return;
        }
    };
    let vals = match values::files::load_values(&raw) {
        Ok(v) => v,
        Err(e) => {
            out.push(msg(Severity::Error, "values", file, format!("unable to parse YAML: {e}")));
            return;
        }
    };
    let schema = std::fs::read(dir.join("values.schema.json")).unwrap_or_default();
    if schema.is_empty() || skip_schema {
        return;
    }
    // CoalesceTables(overrides, values): the overrides win.
    let merged = values::files::merge_maps(vals, overrides.clone());
    if let Err(e) = values::schema::validate_single(&Value::Object(merged), &schema) {
        out.push(msg(Severity::Error, "values", file, e));
    }
}

/// One render: the values it used and what it produced.
struct Render {
    label: String,
    objects: Vec<Object>,
}

/// Helm's rules.Templates for one set of values, plus collecting the
/// rendered objects. Findings go to `out`.
fn templates(
    loaded: &Result<Chart, String>,
    user: &Map<String, Value>,
    label: &str,
    opts: &LintOptions,
    cache: &ParseCache,
    out: &mut Vec<Finding>,
) -> Option<Render> {
    let tdir = "templates/";
    let mut chart = match loaded {
        Ok(c) => c.clone(),
        Err(e) => {
            out.push(msg(Severity::Error, "templates", tdir, e.clone()));
            return None;
        }
    };
    // Lint ignores errors of dependency processing and coalescing (Helm
    // returns without a message).
    if chart::dependencies::process(&mut chart, user).is_err() {
        return None;
    }
    let coalesced = values::coalesce(&chart, user).ok()?;
    if !opts.skip_schema_validation {
        if let Err(e) = values::schema::validate(&chart, &coalesced.values) {
            out.push(msg(Severity::Error, "templates", tdir, e.to_string()));
            return None;
        }
    }
    let capabilities = match Capabilities::new(&opts.kube_version, &[]) {
        Ok(c) => c,
        Err(e) => {
            out.push(msg(Severity::Error, "templates", tdir, format!("invalid kube version '{}': {e}", opts.kube_version)));
            return None;
        }
    };
    let render_opts = RenderOptions {
        release: ReleaseInfo {
            name: "test-release".into(),
            namespace: opts.namespace.clone(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        },
        capabilities,
    };
    let rendered = match super::render::render(&chart, &coalesced.values, &render_opts) {
        Ok((r, _log)) => r,
        Err(e) => {
            out.push(msg(Severity::Error, "templates", tdir, truncate(&e.0)));
            return None;
        }
    };
    // Per root template: extension, indentation, YAML, selectors, List
    // annotations (Helm's loop over chart.Templates).
    // Jinja charts keep their partials (macros) in `.j2` files.
    let jinja = chart.metadata.annotations.get(crate::engine::render::ENGINE_ANNOTATION).is_some_and(|e| e == "jinja");
    for t in &chart.templates {
        let name = &t.name;
        let ext = Path::new(name).extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        if !([".yaml", ".yml", ".tpl", ".txt"].contains(&ext.as_str()) || (jinja && ext == ".j2")) {
            out.push(msg(Severity::Error, "template-extension", name, format!("file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt")));
        }
        let lower = ext.to_ascii_lowercase();
        if lower != ".yaml" && lower != ".yml" {
            continue;
        }
        let Some(content) = rendered.get(&format!("{}/{}", chart.name(), name)) else { continue };
        if content.trim().is_empty() {
            continue;
        }
        if let Some(line) = content.lines().find(|l| !l.trim().is_empty()) {
            if line.starts_with(' ') || line.starts_with('\t') {
                out.push(msg(Severity::Warning, "template-indent", name, format!("document starts with an illegal indent: {line:?}, which may cause parsing problems")));
            }
        }
        // Helm: yaml.NewYAMLOrJSONDecoder, one document at a time.
        let mut docs = Vec::new();
        let split = split_file(content);
        for doc in split.docs {
            match cache.parse_untrimmed(doc.text) {
                Ok(d) => docs.push(d),
                Err(e) => {
                    out.push(msg(Severity::Error, "template-yaml", name, format!("unable to parse YAML: error converting YAML to JSON: {e}")));
                    return None;
                }
            }
        }
        if let Some((_, message)) = split.bad_separator {
            out.push(msg(Severity::Error, "template-yaml", name, format!("unable to parse YAML: {message}")));
            return None;
        }
        for doc in docs.iter().filter(|d| d.is_object()) {
            let kind = doc["kind"].as_str().unwrap_or("");
            if matches!(kind, "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet")
                && !content.contains("matchLabels")
                && !content.contains("matchExpressions")
            {
                let name_ = doc["metadata"]["name"].as_str().unwrap_or("");
                out.push(msg(Severity::Error, "template-selector", name, format!("a {kind} must contain matchLabels or matchExpressions, and {name_:?} does not")));
            }
            if kind == "List"
                && doc["items"].as_array().into_iter().flatten().any(|i| i["metadata"]["annotations"].get("helm.sh/resource-policy").is_some())
            {
                out.push(msg(Severity::Error, "list-annotations", name, "annotation 'helm.sh/resource-policy' within List objects are ignored"));
            }
        }
    }
    // Every rendered object, subcharts included.
    let mut objects = Vec::new();
    let prefix = format!("{}/", chart.name());
    for (path, content) in &rendered {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || base == "NOTES.txt" || content.trim().is_empty() {
            continue;
        }
        let file = path.strip_prefix(&prefix).unwrap_or(path).to_string();
        for doc in manifest::split_documents(content) {
            let value = match cache.parse(doc) {
                Ok(v) => v,
                Err(e) => {
                    out.push(msg(Severity::Error, "template-yaml", &file, format!("unable to parse YAML: error converting YAML to JSON: {e}")));
                    continue;
                }
            };
            if value.is_null() {
                continue;
            }
            let hook = value["metadata"]["annotations"].get(manifest::HOOK_ANNOTATION).is_some();
            objects.push(Object { value, file: file.clone(), template: Some(path.clone()), line: None, positions: Positions::default(), hook });
        }
    }
    // CRDs of the chart and its enabled subcharts: plain files, so lines
    // are meaningful.
    crd_objects(&chart, "", cache, &mut objects);
    Some(Render { label: label.to_string(), objects })
}

fn crd_objects(chart: &Chart, prefix: &str, cache: &ParseCache, out: &mut Vec<Object>) {
    for f in chart.crd_files() {
        let lower = f.name.to_ascii_lowercase();
        if !(lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")) {
            continue;
        }
        let file = format!("{prefix}{}", f.name);
        let slot = cache.crds.lock().unwrap().entry(file.clone()).or_default().clone();
        let mut slot = slot.lock().unwrap();
        let objects = slot.get_or_insert_with(|| {
            let text = f.text();
            let mut parsed = Vec::new();
            for doc in split_file(&text).docs {
                if let Ok(value) = yaml_read::from_str(doc.text) {
                    if !value.is_null() {
                        parsed.push(Object {
                            value: Arc::new(value),
                            file: file.clone(),
                            template: None,
                            line: Some(doc.line),
                            positions: Positions::of(doc.text),
                            hook: false,
                        });
                    }
                }
            }
            parsed
        });
        out.extend(objects.iter().cloned());
    }
    for dep in &chart.dependencies {
        crd_objects(dep, &format!("{prefix}charts/{}/", dep.name()), cache, out);
    }
}

/// Helm's rules.Dependencies, given the chart `dir` loaded.
pub fn dependencies(loaded: &Result<Chart, String>, dir: &Path, out: &mut Vec<Finding>) {
    let c = match loaded {
        Ok(c) => c,
        Err(e) => {
            out.push(msg(Severity::Error, "chart-load", "", format!("unable to load chart\n\t{e}")));
            return;
        }
    };
    // Helm prints the absolute chart directory (filepath.Abs).
    let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()).display().to_string();
    let in_metadata: Vec<&str> = c.metadata.dependencies.iter().map(|d| d.name.as_str()).collect();
    let loaded: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
    let missing_meta: Vec<&str> = loaded.iter().copied().filter(|n| !in_metadata.contains(n)).collect();
    if !missing_meta.is_empty() {
        out.push(msg(Severity::Error, "chart-dependencies", &shown, format!("chart metadata is missing these dependencies: {}", missing_meta.join(","))));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut shadowing = Vec::new();
    for d in &c.metadata.dependencies {
        let key = if d.alias.is_empty() { d.name.as_str() } else { d.alias.as_str() };
        if seen.contains(&key) {
            shadowing.push(key);
        }
        seen.push(key);
    }
    if !shadowing.is_empty() {
        out.push(msg(Severity::Error, "chart-dependencies", &shown, format!("multiple dependencies with name or alias: {}", shadowing.join(","))));
    }
    let missing_dir: Vec<&str> = in_metadata.iter().copied().filter(|n| !loaded.contains(n)).collect();
    if !missing_dir.is_empty() {
        out.push(msg(Severity::Warning, "chart-dependencies", &shown, format!("chart directory is missing these dependencies: {}", missing_dir.join(","))));
    }
}

/// Helm's rules.Crds, given the chart `dir` loaded.
pub fn crds(loaded: &Result<Chart, String>, dir: &Path, out: &mut Vec<Finding>) {
    let cdir = dir.join("crds");
    if !cdir.exists() {
        return;
    }
    if !cdir.is_dir() {
        out.push(msg(Severity::Error, "crds", "crds/", "not a directory"));
        return;
    }
    let c = match loaded {
        Ok(c) => c,
        Err(e) => {
            out.push(msg(Severity::Error, "crds", "crds/", e.clone()));
            return;
        }
    };
    for f in c.crd_files() {
        let text = String::from_utf8_lossy(&f.data);
        let docs = match yaml_read::from_str_all(&text) {
            Ok(d) => d,
            Err(e) => {
                out.push(msg(Severity::Error, "crds", &f.name, format!("unable to parse YAML: error converting YAML to JSON: {e}")));
                return;
            }
        };
        for d in docs.iter().filter(|d| d.is_object()) {
            if !d["apiVersion"].as_str().unwrap_or("").starts_with("apiextensions.k8s.io") {
                out.push(msg(Severity::Error, "crds", &f.name, "apiVersion is not in 'apiextensions.k8s.io'"));
            }
            if d["kind"].as_str() != Some("CustomResourceDefinition") {
                out.push(msg(Severity::Error, "crds", &f.name, "object kind is not 'CustomResourceDefinition'"));
            }
        }
    }
}

/// The `ci/*.yaml` values files of a chart, sorted.
pub fn ci_values_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir.join("ci"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    out.sort();
    out
}

/// Lint one unpacked chart directory: Helm's rules in Helm's order
/// (lint.go RunAll), the template rules once with the user's values and
/// once more for each `ci/*.yaml`.
pub fn lint_chart_dir(dir: &Path, opts: &LintOptions, check: &(dyn Fn(&[Object]) -> Vec<Finding> + Sync)) -> ChartLint {
    let mut renders = Vec::new();
    let user = match opts.values.merge(&mut std::io::stdin().lock()) {
        Ok(u) => u,
        Err(e) => {
            let mut findings = Vec::new();
            chartfile(dir, &mut findings);
            findings.push(msg(Severity::Error, "values", "values.yaml", e.to_string()));
            return ChartLint { findings, renders };
        }
    };
    // Helm's rules.Chartfile and rules.ValuesWithOverrides, which run while
    // the first renders start (reading values.yaml and compiling its schema
    // took loki 7 ms).
    let chart_rules = || {
        let mut found = Vec::new();
        chartfile(dir, &mut found);
        values_file(dir, &user, opts.skip_schema_validation, &mut found);
        found
    };
    let mut unreadable = Vec::new();
    let default_label = if opts.values.files.is_empty() && opts.values.sets.is_empty() {
        "values.yaml".to_string()
    } else {
        "values.yaml + user values".to_string()
    };
    // Each set: its label, its values, and its file's size in bytes, to
    // start the renders likely to take longest first (the default first of
    // all).
    let mut sets: Vec<(String, Map<String, Value>, usize)> = vec![(default_label, user.clone(), usize::MAX)];
    for ci in ci_values_files(dir) {
        let rel = ci.strip_prefix(dir).unwrap_or(&ci).display().to_string();
        let read = std::fs::read(&ci).map_err(|e| e.to_string());
        match read.and_then(|raw| values::files::load_values(&raw).map(|v| (v, raw.len())).map_err(|e| e.to_string())) {
            Ok((v, size)) => sets.push((rel, values::files::merge_maps(v, user.clone()), size)),
            Err(e) => unreadable.push(msg(Severity::Error, "values", &rel, format!("unable to parse YAML: {e}"))),
        }
    }
    // Helm's rules.Templates: the templates directory, then one render per
    // values set, on every core. The chart is loaded once for every rule
    // that needs it.
    let loaded = chart::load(dir).map_err(|e| e.to_string());
    let cache = ParseCache::default();
    let tdir = "templates/";
    let tpath = dir.join("templates");
    // Per values set: its render's label, object count and object checks,
    // and the template rules' findings.
    type Outcome = (Option<(String, usize, Vec<Finding>)>, Vec<Finding>);
    let every_set = |f: Finding| -> Vec<Outcome> { sets.iter().map(|_| (None, vec![f.clone()])).collect() };
    let (mut findings, outcomes): (Vec<Finding>, Vec<Outcome>) = if !tpath.exists() {
        (chart_rules(), every_set(msg(Severity::Warning, "templates", tdir, "directory does not exist")))
    } else if !tpath.is_dir() {
        (chart_rules(), every_set(msg(Severity::Error, "templates", tdir, "not a directory")))
    } else {
        // The renders run on every core, the largest values files first: a
        // values file that sets more tends to turn on more templates, and a
        // long render started last would hold up the whole lint.
        let mut order: Vec<usize> = (0..sets.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sets[i].2));
        let (found, done) = crate::parallel::map_while(&order, crate::limits::cores(), chart_rules, |&i| {
            let (label, vals, _) = &sets[i];
            // A large chart's render fills megabytes of its thread's arena.
            crate::huge_pages::for_this_threads_arena();
            let mut local = Vec::new();
            let r = templates(&loaded, vals, label, opts, &cache, &mut local);
            let checked = r.map(|r| {
                let found = check(&r.objects);
                (r.label, r.objects.len(), found)
            });
            (checked, local)
        });
        let mut done: Vec<_> = order.into_iter().zip(done).collect();
        done.sort_by_key(|(i, _)| *i);
        (found, done.into_iter().map(|(_, outcome)| outcome).collect())
    };
    findings.append(&mut unreadable);
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for ((label, _, _), (render, local)) in sets.iter().zip(outcomes) {
        renders.extend(render);
        for mut f in local {
            f.values.push(label.clone());
            let key = format!("{:?}", f.key());
            match by_key.get(&key) {
                Some(&i) => findings[i].values.push(label.clone()),
                None => {
                    by_key.insert(key, findings.len());
                    findings.push(f);
                }
            }
        }
    }
    dependencies(&loaded, dir, &mut findings);
    crds(&loaded, dir, &mut findings);
    super::drop_unless_final((cache, loaded));
    ChartLint { findings, renders }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_and_urls() {
        assert!(strict_semver("1.2.3"));
        assert!(strict_semver("1.2.3-rc.1+b"));
        assert!(!strict_semver("v1.2.3"));
        assert!(!strict_semver("1.2"));
        assert!(is_request_url("https://example.com/icon.png"));
        assert!(!is_request_url("icon.png"));
        assert!(is_email("a@example.com"));
        assert!(!is_email("a@b"));
    }

    #[test]
    fn a_trimmed_document_reuses_its_untrimmed_parse_only_when_they_agree() {
        let cache = ParseCache::default();
        let whole = cache.parse_untrimmed("\nkind: Pod\nmetadata:\n  name: p\n").unwrap();
        assert!(Arc::ptr_eq(&whole, &cache.parse("kind: Pod\nmetadata:\n  name: p").unwrap()));
        // A block scalar at the end keeps its line break only untrimmed.
        let untrimmed = cache.parse_untrimmed("data:\n  a: |\n    x\n").unwrap();
        assert_eq!(untrimmed["data"]["a"], "x\n");
        assert_eq!(cache.parse("data:\n  a: |\n    x").unwrap()["data"]["a"], "x");
        // Trimming the first line's indentation changes the document.
        let indented = cache.parse_untrimmed("\n  a: 1\n  b: 2\n").unwrap();
        assert_eq!(indented["b"], 2.0);
        assert!(!cache.parse("a: 1\n  b: 2").is_ok_and(|v| Arc::ptr_eq(&v, &indented)));
    }

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn chartfile_messages_match_helm() {
        let dir = std::env::temp_dir().join(format!("capstan-lint-chartfile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(&dir, &[("Chart.yaml", "apiVersion: v1\nname: x\nversion: v0.1\ntype: application\nbogus: 1\n")]);
        let mut out = Vec::new();
        chartfile(&dir, &mut out);
        let texts: Vec<String> = out.iter().map(|f| format!("[{}] {}: {}", f.severity.label(), f.file, f.message)).collect();
        assert_eq!(
            texts,
            [
                "[WARNING] Chart.yaml: failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field \"bogus\"",
                "[INFO] Chart.yaml: icon is recommended",
                "[ERROR] Chart.yaml: chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'",
                "[WARNING] Chart.yaml: version 'v0.1' is not a valid SemVerV2",
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
