//! `capstan lint`: Helm's chart rules, Kubernetes API validation of every
//! rendered or given object for a chosen Kubernetes release, removed and
//! deprecated apiVersions, consistency across objects and best practices;
//! reported as text (Helm-like), JSON or SARIF 2.1.0.
//!
//! Public API: [`lint`]`(&[Input], &LintOptions) -> Report`; [`Report`]
//! holds one [`TargetReport`] per chart, kustomization or manifest set, each
//! a list of [`Finding`]s. [`output`] renders a report.

pub mod chart;
pub mod crosscheck;
pub mod document;
pub mod finding;
pub mod k8s;
pub mod objects;
pub mod output;
pub mod practices;
pub mod render;
pub mod rules;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use serde::Serialize;

pub use finding::{Finding, ObjectRef, Severity};

use document::{split_file, Object, Positions};
use k8s::crd::CrdIndex;
use k8s::schema::{self, Release};

/// The default `--kube-version` (Helm's default capabilities).
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// How to lint.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub kube_version: String,
    pub values: crate::values::UserValues,
    pub namespace: String,
    pub with_subcharts: bool,
    pub skip_schema_validation: bool,
    /// Rule IDs turned off for this run.
    pub disabled: Vec<String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            kube_version: DEFAULT_KUBE_VERSION.into(),
            values: Default::default(),
            namespace: "default".into(),
            with_subcharts: false,
            skip_schema_validation: false,
            disabled: Vec::new(),
        }
    }
}

/// One thing to lint, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A path to detect: chart directory or archive, kustomization
    /// directory, manifest file or directory.
    Auto(PathBuf),
    /// A path that holds plain manifests (`--filename`).
    Manifests(PathBuf),
}

/// What a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Chart,
    Kustomization,
    Manifests,
}

/// The findings for one chart, kustomization or manifest path.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub path: String,
    pub kind: TargetKind,
    /// How many objects were checked (rendered or read).
    pub objects: usize,
    pub findings: Vec<Finding>,
}

impl TargetReport {
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// Helm's rule: a chart fails when a finding is an error (or, strict,
    /// a warning).
    pub fn failed(&self, strict: bool) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error || (strict && f.severity == Severity::Warning))
    }
}

/// The result of a lint run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The Kubernetes release the objects were checked against (`v1.35`).
    #[serde(rename = "kubeVersion")]
    pub kube_version: String,
    pub targets: Vec<TargetReport>,
}

impl Report {
    pub fn failed(&self, strict: bool) -> bool {
        self.targets.iter().any(|t| t.failed(strict))
    }
}

fn is_chart_archive(p: &Path) -> bool {
    let s = p.to_string_lossy();
    p.is_file() && (s.ends_with(".tgz") || s.ends_with(".tar.gz"))
}

fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"].iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Manifest files under a path: the file itself, or every `.yaml`, `.yml`
/// and `.json` file below a directory, sorted.
fn manifest_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Read manifest files into objects; YAML errors become findings.
fn read_manifests(files: &[PathBuf], findings: &mut Vec<Finding>) -> Vec<Object> {
    let mut objects = Vec::new();
    for path in files {
        let shown = path.display().to_string();
        let text = match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                findings.push(Finding::new(Severity::Error, "yaml", &shown, format!("cannot read: {e}")));
                continue;
            }
        };
        let split = split_file(&text);
        if let Some((line, message)) = &split.bad_separator {
            let mut f = Finding::new(Severity::Error, "yaml", &shown, message.clone());
            f.line = Some(*line);
            findings.push(f);
        }
        for doc in split.docs {
            match crate::codec::yaml_read::from_str(doc.text) {
                Ok(value) => {
                    if value.is_null() {
                        continue;
                    }
                    objects.push(Object {
                        value: value.into(),
                        file: shown.clone(),
                        template: None,
                        line: Some(doc.line),
                        positions: Positions::of(doc.text),
                        hook: false,
                    });
                }
                Err(e) => {
                    let mut f = Finding::new(
                        Severity::Error,
                        "yaml",
                        &shown,
                        format!("error converting YAML to JSON: {}", e.message),
                    );
                    f.line = Some(doc.line + e.line.or_else(|| yaml_error_line(&e.message)).unwrap_or(1) - 1);
                    findings.push(f);
                }
            }
        }
    }
    objects
}

/// The line in go-yaml's `yaml: line N: ...`.
fn yaml_error_line(message: &str) -> Option<usize> {
    let rest = message.split("line ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The per-object problems of objects already checked, by document: the
/// renders of one chart with different values files share one parsed
/// document (`Arc`) per distinct text, and checking one is a pure function
/// of the document, whether it is a hook and the CRDs in view. Renders that
/// end together share the work: each thread checks the objects no other
/// has started, then waits for the ones others are checking.
#[derive(Default)]
pub struct CheckCache {
    state: Mutex<Checked>,
    published: Condvar,
}

/// Document address, CRDs in view, hook.
type CheckKey = (usize, u64, bool);

#[derive(Default)]
struct Checked {
    /// Finished checks. Each keeps its document, so that no other document
    /// can take its address.
    done: HashMap<CheckKey, (Arc<serde_json::Value>, Vec<objects::Problem>)>,
    /// Checks some thread is running.
    started: HashSet<CheckKey>,
}

impl CheckCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Checked> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The problems of `object`, checked here unless another thread has
    /// them or is checking them; `None` when another thread is.
    fn check_or_skip(
        &self,
        key: CheckKey,
        object: &Object,
        check: impl Fn() -> Vec<objects::Problem>,
    ) -> Option<Vec<objects::Problem>> {
        {
            let mut state = self.lock();
            if let Some((_, problems)) = state.done.get(&key) {
                return Some(problems.clone());
            }
            if !state.started.insert(key) {
                return None;
            }
        }
        // Withdraws the claim if `check` panics, so no thread waits forever.
        struct Claim<'a>(&'a CheckCache, CheckKey);
        impl Drop for Claim<'_> {
            fn drop(&mut self) {
                self.0.lock().started.remove(&self.1);
                self.0.published.notify_all();
            }
        }
        let claim = Claim(self, key);
        let problems = check();
        self.lock().done.insert(key, (Arc::clone(&object.value), problems.clone()));
        drop(claim);
        Some(problems)
    }

    /// The problems of an object another thread was checking: waits for
    /// them, or checks here if that thread gave up.
    fn wait_for(&self, key: CheckKey, check: impl Fn() -> Vec<objects::Problem>) -> Vec<objects::Problem> {
        let mut state = self.lock();
        loop {
            if let Some((_, problems)) = state.done.get(&key) {
                return problems.clone();
            }
            if !state.started.contains(&key) {
                drop(state);
                return check();
            }
            state = self.published.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Run the object checks on one input's objects (one render of a chart,
/// or one set of manifests).
pub fn check_objects(objects: &[Object], release: &Release, namespace: &str, disabled: &[String]) -> Vec<Finding> {
    check_objects_cached(objects, release, namespace, disabled, &CheckCache::default())
}

/// [`check_objects`], reusing the per-object problems in `cache`.
pub fn check_objects_cached(
    objects: &[Object],
    release: &Release,
    namespace: &str,
    disabled: &[String],
    cache: &CheckCache,
) -> Vec<Finding> {
    // The CRDs in view, by their documents.
    let address = |o: &Object| Arc::as_ptr(&o.value) as usize;
    let mut crds = CrdIndex::default();
    let mut crd_hash = std::collections::hash_map::DefaultHasher::new();
    for o in objects.iter().filter(|o| o.kind() == "CustomResourceDefinition") {
        crds.add(&o.value);
        std::hash::Hasher::write_usize(&mut crd_hash, address(o));
    }
    let crd_key = std::hash::Hasher::finish(&crd_hash);
    let key = |o: &Object| (address(o), crd_key, o.hook);
    let check = |o: &Object| {
        let mut found = objects::check(o, release, &crds);
        found.extend(practices::check(o));
        found
    };
    let mut problems: Vec<(usize, objects::Problem)> = Vec::new();
    let mut elsewhere = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        match cache.check_or_skip(key(o), o, || check(o)) {
            Some(found) => problems.extend(found.into_iter().map(|p| (i, p))),
            None => elsewhere.push(i),
        }
    }
    for i in elsewhere {
        let o = &objects[i];
        problems.extend(cache.wait_for(key(o), || check(o)).into_iter().map(|p| (i, p)));
    }
    problems.sort_by_key(|(i, _)| *i);
    problems.extend(crosscheck::check(objects, namespace));
    // Duplicates: same group, kind, namespace and name (hooks apart).
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        if o.hook || !o.value.is_object() || o.name().is_empty() {
            continue;
        }
        let group = o.api_version().rsplit_once('/').map(|(g, _)| g).unwrap_or("").to_string();
        let ns = if o.namespace().is_empty() { namespace.to_string() } else { o.namespace().to_string() };
        let key = (group, o.kind().to_string(), ns, o.name().to_string());
        if let Some(first) = seen.get(&key) {
            let first = &objects[*first];
            problems.push((i, objects::Problem {
                severity: Severity::Error,
                violation: k8s::validate::Violation::new(
                    "duplicate-object",
                    k8s::validate::FieldPath::root().child("metadata").child("name"),
                    format!("{} is defined twice (also in {})", o.reference().display(), first.template.as_deref().unwrap_or(&first.file)),
                ),
            }));
        } else {
            seen.insert(key, i);
        }
    }
    let mut out = Vec::new();
    for (i, p) in problems {
        let o = &objects[i];
        let rule = p.violation.rule;
        let own = o.disabled_rules();
        if disabled.iter().any(|d| d == rule) || own.iter().any(|d| d == rule || (d == "all" && !matches!(rule, "yaml" | "k8s-object"))) {
            continue;
        }
        let mut f = Finding::new(p.severity, rule, &o.file, p.violation.message);
        f.line = o.line_of(&p.violation.path);
        f.template = o.template.clone();
        f.object = o.value.is_object().then(|| o.reference());
        f.field = (!p.violation.path.is_root()).then(|| p.violation.path.to_string());
        out.push(f);
    }
    out
}

/// The release of the catalogue for `--kube-version`.
pub fn release_for(kube_version: &str) -> Result<Release, String> {
    let v = schema::parse_kube_version(kube_version)
        .ok_or_else(|| format!("invalid kube version {kube_version:?}: expected a version like v1.35.0"))?;
    Ok(schema::catalog().release(v))
}

/// Whether a one-shot process ([`crate::one_shot`]) is on the last input of
/// its lint, after which it exits: what it built for that input is then
/// left to the kernel, not freed piece by piece.
static FINAL_INPUT: AtomicBool = AtomicBool::new(false);

/// Drop `value`, or leave it to the kernel during the last input.
fn drop_unless_final<T>(value: T) {
    if FINAL_INPUT.load(Ordering::Relaxed) {
        std::mem::forget(value);
    }
}

/// Lint every input.
pub fn lint(inputs: &[Input], opts: &LintOptions) -> Result<Report, String> {
    let release = release_for(&opts.kube_version)?;
    let mut targets = Vec::new();
    // Every `--filename` path is one input together, as `kubectl apply -f a -f b`
    // is one apply: a CRD in one file validates custom resources in another.
    let explicit: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Manifests(p) => Some(p.clone()),
            Input::Auto(_) => None,
        })
        .collect();
    if !explicit.is_empty() {
        targets.push(lint_manifests(&explicit, &release, opts));
    }
    let last_chart = inputs.iter().rposition(|i| matches!(i, Input::Auto(_)));
    for (at, input) in inputs.iter().enumerate() {
        match input {
            Input::Manifests(_) => {}
            Input::Auto(p) => {
                FINAL_INPUT.store(crate::one_shot::active() && Some(at) == last_chart, Ordering::Relaxed);
                if !p.exists() {
                    return Err(format!("stat {}: no such file or directory", p.display()));
                }
                if p.is_dir() && p.join("Chart.yaml").exists() || is_chart_archive(p) {
                    targets.extend(lint_chart(p, &release, opts));
                } else if p.is_dir() && kustomization_file(p).is_some() {
                    targets.push(lint_kustomization(p, &release, opts));
                } else {
                    targets.push(lint_manifests(std::slice::from_ref(p), &release, opts));
                }
            }
        }
    }
    Ok(Report { kube_version: format!("v{}.{}", release.version.0, release.version.1), targets })
}

fn filter_disabled(findings: Vec<Finding>, disabled: &[String]) -> Vec<Finding> {
    findings.into_iter().filter(|f| !disabled.iter().any(|d| d == f.rule)).collect()
}

fn lint_manifests(paths: &[PathBuf], release: &Release, opts: &LintOptions) -> TargetReport {
    let mut findings = Vec::new();
    let files: Vec<PathBuf> = paths.iter().flat_map(|p| manifest_files(p)).collect();
    let objects = read_manifests(&files, &mut findings);
    findings.extend(check_objects(&objects, release, &opts.namespace, &opts.disabled));
    TargetReport {
        path: paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        kind: TargetKind::Manifests,
        objects: objects.len(),
        findings: filter_disabled(findings, &opts.disabled),
    }
}

/// Kustomizations are built (as `capstan kustomize DIR`), and the objects
/// of the build are checked; findings name the kustomization file.
fn lint_kustomization(dir: &Path, release: &Release, opts: &LintOptions) -> TargetReport {
    let mut findings = Vec::new();
    let kfile = kustomization_file(dir).unwrap_or_else(|| dir.join("kustomization.yaml"));
    let shown = kfile.display().to_string();
    let objects: Vec<Object> = match crate::kustomize::build_with(dir, &crate::kustomize::Options::default()) {
        Ok(build) => {
            for w in build.warnings {
                findings.push(Finding::new(Severity::Warning, "kustomize", &shown, w));
            }
            build
                .objects
                .into_iter()
                .map(|value| Object {
                    value: value.into(),
                    file: shown.clone(),
                    template: None,
                    line: None,
                    positions: Positions::default(),
                    hook: false,
                })
                .collect()
        }
        Err(e) => {
            findings.push(Finding::new(Severity::Error, "kustomize", &shown, format!("kustomize build failed: {e}")));
            Vec::new()
        }
    };
    findings.extend(check_objects(&objects, release, &opts.namespace, &opts.disabled));
    TargetReport { path: dir.display().to_string(), kind: TargetKind::Kustomization, objects: objects.len(), findings: filter_disabled(findings, &opts.disabled) }
}

/// A chart archive is unpacked into a temporary directory first, as
/// `helm lint` does (pkg/action/lint.go lintChart).
struct Unpacked(PathBuf);

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unpack_archive(path: &Path) -> Result<(Unpacked, PathBuf), String> {
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let files = crate::chart::archive::load_archive_files(std::io::Cursor::new(data), crate::chart::Limits::default())
        .map_err(|e| e.to_string())?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let tmp = std::env::temp_dir().join(format!("capstan-lint-{}-{nanos}", std::process::id()));
    let guard = Unpacked(tmp.clone());
    let mut top = None;
    for f in files {
        // load_archive_files strips the top directory; keep one of our own.
        let name = f.name.trim_start_matches('/');
        let target = tmp.join("chart").join(name);
        if !target.starts_with(&tmp) {
            return Err(format!("chart archive entry {name:?} leaves the chart"));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, &f.data).map_err(|e| e.to_string())?;
        top = Some(tmp.join("chart"));
    }
    let dir = top.ok_or_else(|| "empty chart archive".to_string())?;
    Ok((guard, dir))
}

fn lint_chart(path: &Path, release: &Release, opts: &LintOptions) -> Vec<TargetReport> {
    let mut reports = Vec::new();
    let shown = path.display().to_string();
    let (guard, dir) = if is_chart_archive(path) {
        match unpack_archive(path) {
            Ok((g, d)) => (Some(g), d),
            Err(e) => {
                return vec![TargetReport {
                    path: shown,
                    kind: TargetKind::Chart,
                    objects: 0,
                    findings: vec![Finding::new(Severity::Error, "chart-load", "", format!("unable to load chart\n\t{e}"))],
                }];
            }
        }
    } else {
        (None, path.to_path_buf())
    };
    // Each render's objects are checked on its thread, as it ends.
    let cache = CheckCache::default();
    let check = |objs: &[Object]| check_objects_cached(objs, release, &opts.namespace, &opts.disabled, &cache);
    let lint = chart::lint_chart_dir(&dir, opts, &check);
    let mut findings = lint.findings;
    let mut objects = 0;
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (label, count, checked) in lint.renders {
        objects = objects.max(count);
        for mut f in checked {
            let key = format!("{:?}", f.key());
            match by_key.get(&key) {
                Some(&i) => findings[i].values.push(label.clone()),
                None => {
                    f.values.push(label.clone());
                    by_key.insert(key, findings.len());
                    findings.push(f);
                }
            }
        }
    }
    drop_unless_final(cache);
    drop(guard);
    reports.push(TargetReport { path: shown, kind: TargetKind::Chart, objects, findings: filter_disabled(findings, &opts.disabled) });
    if opts.with_subcharts {
        // Helm: every directory or archive under charts/ is linted too.
        let mut subs: Vec<PathBuf> = std::fs::read_dir(path.join("charts"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").exists() || is_chart_archive(p))
            .collect();
        subs.sort();
        for s in subs {
            reports.extend(lint_chart(&s, release, opts));
        }
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(yaml: &str) -> Object {
        let value = crate::codec::yaml_read::from_str(yaml).unwrap();
        let (file, positions) = ("f.yaml".into(), Positions::default());
        Object { value: Arc::new(value), file, template: None, line: None, positions, hook: false }
    }

    /// Renders that end together split the checks between their threads
    /// and each still reports every problem of its own objects, in order.
    #[test]
    fn threads_sharing_a_cache_find_what_one_thread_finds() {
        let release = release_for(DEFAULT_KUBE_VERSION).unwrap();
        let objects: Vec<Object> = (0..40)
            .map(|i| {
                object(&format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: {i}\n  strategy:\n    type: RollingUpdates\n  selector:\n    matchLabels: {{app: a}}\n  template:\n    metadata:\n      labels: {{app: a}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        imagePullPolicy: Sometimes\n"
                ))
            })
            .collect();
        let alone = check_objects(&objects, &release, "default", &[]);
        assert!(alone.iter().any(|f| f.message.contains("RollingUpdates")), "{alone:?}");
        for _ in 0..5 {
            let cache = CheckCache::default();
            // Each render has its own objects sharing the parsed documents.
            let (mine, theirs) = (objects.clone(), objects.clone());
            let (a, b) = std::thread::scope(|s| {
                let (release, cache) = (&release, &cache);
                let a = s.spawn(move || check_objects_cached(&mine, release, "default", &[], cache));
                let b = s.spawn(move || check_objects_cached(&theirs, release, "default", &[], cache));
                (a.join().unwrap(), b.join().unwrap())
            });
            assert_eq!(a, alone);
            assert_eq!(b, alone);
            // Every object was checked once, by one thread or the other.
            let state = cache.lock();
            assert_eq!(state.done.len(), objects.len());
            assert!(state.started.is_empty());
        }
    }
}
