//! Rendering every template of a chart and its subcharts, as Helm's engine
//! does (Helm: pkg/engine/engine.go render, recAllTpls, sortTemplates,
//! reformatExecErrorMsg, cleanupParseError).
//!
//! Each chart's templates see `.Values` scoped to that chart, its own
//! `.Chart` and `.Files`, and the shared `.Release` and `.Capabilities`.
//! Templates are parsed into one set, deepest charts first, so that a parent
//! chart's `define` wins over a subchart's of the same name.

use std::collections::BTreeMap;

use crate::chart::Chart;

use super::context::{chart_value, Capabilities, FilesObject, ReleaseInfo};
use super::gotmpl;
use super::value::{Map, Value};

/// Everything a render needs besides the chart and its values.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release: ReleaseInfo,
    pub capabilities: Capabilities,
}

/// A render that failed, with Helm's message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// The annotation by which a chart opts into the Jinja engine.
pub const ENGINE_ANNOTATION: &str = "capstan.io/engine";

/// One template to execute, with the values it sees: a map with `Values`,
/// `Chart`, `Files`, `Release`, `Capabilities`, `Subcharts`, shared by all
/// templates of one chart; the engine sets `Template` before each one.
pub struct Renderable {
    pub text: gotmpl::source::Source,
    pub vals: Value,
    pub base_path: String,
}

/// Render `chart` with its coalesced values (the top-level `.Values`).
/// Returns every template's output by its full path
/// (`chart/charts/sub/templates/x.yaml`), partials excluded.
pub fn render(
    chart: &Chart,
    values: &serde_json::Value,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    render_computing_values(chart, opts, || Ok::<_, std::convert::Infallible>(values)).map_err(|e| match e {
        RenderFailure::Values(never) => match never {},
        RenderFailure::Render(e) => e,
    })
}

/// Why [`render_computing_values`] failed.
#[derive(Debug)]
pub enum RenderFailure<E> {
    /// Computing the values failed (the templates' errors do not count
    /// then, as Helm renders only once the values are ready).
    Values(E),
    Render(RenderError),
}

/// [`render`], with the values computed by `values` on this thread while
/// other cores parse the templates, which do not depend on them (Helm
/// coalesces and validates the values, then parses, then executes).
pub fn render_computing_values<V: std::borrow::Borrow<serde_json::Value>, E>(
    chart: &Chart,
    opts: &RenderOptions,
    values: impl FnOnce() -> Result<V, E>,
) -> Result<BTreeMap<String, String>, RenderFailure<E>> {
    render_parsed_ahead(chart, opts, None, values)
}

/// [`render_computing_values`] using the parses `ahead` started.
pub fn render_parsed_ahead<V: std::borrow::Borrow<serde_json::Value>, E>(
    chart: &Chart,
    opts: &RenderOptions,
    ahead: Option<ParseAhead>,
    values: impl FnOnce() -> Result<V, E>,
) -> Result<BTreeMap<String, String>, RenderFailure<E>> {
    let engine = engine_of(chart);
    let go = matches!(engine, "gotmpl" | "go");
    let mut set = gotmpl::Templates::new();
    let files = if go { template_files(chart) } else { Vec::new() };
    let (values, parsed) = match ahead {
        Some(ahead) if go => ahead.parse_while(&mut set, &files, values),
        _ => set.parse_files_while(&files, values),
    };
    let values = values.map_err(RenderFailure::Values)?;
    parsed.map_err(|(i, e)| RenderFailure::Render(RenderError(cleanup_parse_error(&files[i].0, &e.to_string()))))?;
    let top = TopValues {
        release: opts.release.to_value(),
        capabilities: opts.capabilities.to_value(),
        values: Value::from_json(values.borrow()),
    };
    // Everything the templates build counts against one budget.
    let _budget = super::budget::Scope::begin(crate::limits::current());
    let mut templates = BTreeMap::new();
    collect_templates(chart, None, &top, &top.values, &mut templates);
    let rendered = match engine {
        "gotmpl" | "go" => execute_go_templates(&set, files.iter().map(|(name, _)| name), &templates),
        "jinja" => super::jinja::render_templates(&templates),
        other => Err(RenderError(format!(
            "chart {} asks for template engine {other:?} ({ENGINE_ANNOTATION}); capstan provides \"gotmpl\" (the default) and \"jinja\"",
            chart.name()
        ))),
    };
    // The template trees: freeing loki's took a fifteenth of its render.
    crate::one_shot::drop_or_leave(set);
    rendered.map_err(RenderFailure::Render)
}

/// The template engine `chart` asks for (its annotation), "gotmpl" by default.
fn engine_of(chart: &Chart) -> &str {
    chart.metadata.annotations.get(ENGINE_ANNOTATION).map(String::as_str).unwrap_or("gotmpl")
}

/// Parses of a chart's templates, started on other cores as soon as the
/// chart is loaded: processing its dependencies and computing its values
/// do not need them (Helm parses after both), and those took a sixth of a
/// large chart's render.
pub struct ParseAhead(crate::parallel::Ahead<(String, gotmpl::source::Source), gotmpl::SentParse>);

impl ParseAhead {
    /// Below this much template text another core costs more than it saves.
    const FROM: usize = 64 * 1024;

    /// Start on the templates of `chart` and every subchart (those that
    /// dependency processing leaves out are dropped when the render asks),
    /// when there is another core and enough text; None otherwise.
    pub fn start(chart: &Chart) -> Option<ParseAhead> {
        if !matches!(engine_of(chart), "gotmpl" | "go") {
            return None;
        }
        let files = template_files(chart);
        let total = files.iter().map(|(_, text)| text.len()).sum();
        let helpers = crate::parallel::threads_for(total, Self::FROM).saturating_sub(1);
        if helpers == 0 {
            return None;
        }
        Some(ParseAhead(crate::parallel::Ahead::start(files, helpers, gotmpl::parse_file_to_send)))
    }

    /// Parse `files` into `set` using the parses made ahead, running
    /// `meanwhile` on this thread first. A file is taken from the parses
    /// made ahead when it has the same name and the same text (a subchart
    /// an alias renamed is parsed again under its new name).
    fn parse_while<R>(
        self,
        set: &mut gotmpl::Templates,
        files: &[(String, gotmpl::source::Source)],
        meanwhile: impl FnOnce() -> R,
    ) -> (R, Result<(), (usize, gotmpl::Error)>) {
        let made_as: Vec<Option<usize>> = {
            let index: std::collections::HashMap<(&str, usize), usize> = (self.0.items().iter().enumerate())
                .map(|(i, (name, text))| ((name.as_str(), text.as_ptr() as usize), i))
                .collect();
            files.iter().map(|(name, text)| index.get(&(name.as_str(), text.as_ptr() as usize)).copied()).collect()
        };
        let mut wanted = vec![false; self.0.items().len()];
        for i in made_as.iter().flatten() {
            wanted[*i] = true;
        }
        self.0.keep_only(|i| wanted[i]);
        let result = meanwhile();
        let mut made = self.0.finish();
        let parsed = set.parse_files_made_ahead(files, |i| made_as[i].and_then(|j| made[j].take()));
        (result, parsed)
    }
}

/// Every template file a render parses, by full path, in Helm's parse
/// order (see [`parse_order`]).
pub fn template_files(chart: &Chart) -> Vec<(String, gotmpl::source::Source)> {
    fn collect(chart: &Chart, full_path: &str, out: &mut Vec<(String, gotmpl::source::Source)>) {
        for dep in &chart.dependencies {
            collect(dep, &subchart_path(full_path, dep), out);
        }
        out.extend(rendered_files(chart).map(|t| (format!("{full_path}/{}", t.name), template_source(t))));
    }
    let mut files = Vec::new();
    collect(chart, chart.name(), &mut files);
    let mut texts: std::collections::HashMap<String, gotmpl::source::Source> = files.into_iter().collect();
    parse_order(texts.keys().cloned())
        .into_iter()
        .map(|name| {
            let text = texts.remove(&name).unwrap_or_default();
            (name, text)
        })
        .collect()
}

/// A subchart's full path under its parent's (Helm: `parent/charts/sub`).
fn subchart_path(parent: &str, sub: &Chart) -> String {
    format!("{parent}/charts/{}", sub.name())
}

/// The files of a chart that take part in a render: its templates; a
/// library chart contributes only its partials.
fn rendered_files(chart: &Chart) -> impl Iterator<Item = &crate::chart::File> {
    let library = chart.is_library();
    chart.templates.iter().filter(move |t| !library || t.name.rsplit('/').next().unwrap_or(&t.name).starts_with('_'))
}

struct TopValues {
    release: Value,
    capabilities: Value,
    values: Value,
}

/// Helm's recAllTpls: build the values each chart's templates see and
/// collect its templates under the chart's full path. Returns the chart's
/// scope map (used as the parent's `.Subcharts.<name>`).
fn collect_templates(
    chart: &Chart,
    parent_path: Option<&str>,
    top: &TopValues,
    parent_values: &Value,
    out: &mut BTreeMap<String, Renderable>,
) -> Value {
    let is_root = parent_path.is_none();
    let full_path = match parent_path {
        None => chart.name().to_string(),
        Some(p) => subchart_path(p, chart),
    };
    // The root sees all values; a subchart the table under its name (or an
    // empty map when there is none or it is not a table).
    let values = if is_root {
        parent_values.clone()
    } else {
        match parent_values {
            Value::Map(m) => match m.borrow().get(chart.name()) {
                Some(v @ Value::Map(_)) => v.clone(),
                _ => Value::empty_map(),
            },
            _ => Value::empty_map(),
        }
    };
    let subcharts = Value::empty_map();
    let mut scope = Map::new();
    scope.insert("Chart".into(), chart_value(&chart.metadata, is_root));
    scope.insert("Files".into(), FilesObject::new(chart).to_value());
    scope.insert("Release".into(), top.release.clone());
    scope.insert("Capabilities".into(), top.capabilities.clone());
    scope.insert("Values".into(), values.clone());
    scope.insert("Subcharts".into(), subcharts.clone());
    let scope = Value::map(scope);

    for dep in &chart.dependencies {
        let sub = collect_templates(dep, Some(&full_path), top, &values, out);
        if let Value::Map(m) = &subcharts {
            m.borrow_mut().insert(dep.name().to_string(), sub);
        }
    }

    for t in rendered_files(chart) {
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                text: template_source(t),
                vals: scope.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    scope
}

/// A template file's text, sharing the chart's bytes when they are valid
/// UTF-8 (else a copy with U+FFFD, as Go's string conversion prints them).
pub fn template_source(file: &crate::chart::File) -> gotmpl::source::Source {
    gotmpl::source::Source::from_utf8(file.data.clone())
        .unwrap_or_else(|_| gotmpl::source::Source::from(file.text().into_owned()))
}

/// Helm's sortTemplates: deepest paths first; at equal depth, reverse
/// lexical order. Templates are parsed and executed in this order.
pub fn parse_order(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = names.collect();
    keys.sort_by(|a, b| {
        let (da, db) = (a.matches('/').count(), b.matches('/').count());
        db.cmp(&da).then_with(|| b.cmp(a))
    });
    keys
}

/// Execute each parsed template (partials excepted) in `order`.
fn execute_go_templates<'a>(
    set: &gotmpl::Templates,
    order: impl Iterator<Item = &'a String>,
    templates: &BTreeMap<String, Renderable>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut rendered = BTreeMap::new();
    for name in order {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let r = &templates[name];
        set_template_info(r, name);
        let out = set
            .execute(name, &r.vals)
            .map_err(|e| RenderError(reformat_exec_error(name, &e)))?;
        rendered.insert(name.clone(), without_no_value(out));
    }
    Ok(rendered)
}

/// Helm deletes the "<no value>" Go prints for missing values. Most
/// output has none, and is then returned as it is rather than copied.
pub fn without_no_value(out: String) -> String {
    if memchr::memmem::find(out.as_bytes(), b"<no value>").is_some() {
        out.replace("<no value>", "")
    } else {
        out
    }
}

/// Set `.Template` (Name, BasePath) in a template's scope before running it.
pub fn set_template_info(r: &Renderable, name: &str) {
    if let Value::Map(m) = &r.vals {
        let mut t = Map::new();
        t.insert("Name".into(), Value::str(name));
        t.insert("BasePath".into(), Value::str(&r.base_path));
        m.borrow_mut().insert("Template".into(), Value::map(t));
    }
}

/// Helm's cleanupParseError: `parse error at (LOCATION): MESSAGE`.
fn cleanup_parse_error(filename: &str, err: &str) -> String {
    let tokens: Vec<&str> = err.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {err}");
    }
    format!("parse error at ({}): {}", tokens[1], tokens[tokens.len() - 1])
}

const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// Helm's reformatExecErrorMsg: a `fail`/`required` message becomes
/// `execution error at (LOCATION): MESSAGE`; otherwise the error's chain
/// is printed as a location / node / message trace, or as Go formats it
/// when Helm cannot read the chain.
fn reformat_exec_error(filename: &str, err: &gotmpl::Error) -> String {
    let text = err.to_string();
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {text}");
    }
    if let Some(warning) = helm_warning(tokens[2]) {
        return format!("execution error at ({}): {warning}", tokens[1]);
    }
    trace_exec_error(err).unwrap_or(text)
}

/// Helm's warnRegex `HELM_ERR_START((?s).*)HELM_ERR_END`: from the first
/// start to the last end.
fn helm_warning(text: &str) -> Option<&str> {
    let after = &text[text.find(WARN_START)? + WARN_START.len()..];
    Some(&after[..after.rfind(WARN_END)?])
}

/// The trace Helm builds by walking the error's chain (errors.Unwrap), one
/// TraceableError per level, repeats dropped. An include's error is the
/// nested template's own, and the walk goes on into it; any other failed
/// function's error (tpl's wrapper included) is not text/template's, and
/// Helm then keeps the error as it is (None).
fn trace_exec_error(err: &gotmpl::Error) -> Option<String> {
    let mut out = String::new();
    let mut last = String::new();
    let mut level = err;
    loop {
        let piece = traceable_error(&level.to_string())?;
        if piece != last {
            out.push_str(&piece);
            last = piece;
        }
        match (level.kind(), level.function(), level.cause()) {
            (gotmpl::ErrorKind::Exec, Some(_), Some(nested)) if level.message().is_empty() => level = nested,
            (gotmpl::ErrorKind::Exec, Some(_), _) => return None,
            // text/template's own errors wrap nothing.
            _ => break,
        }
    }
    Some(out.trim().to_string())
}

/// Helm's parseTemplateExecErrorString and TraceableError.String for one
/// level's text: `LOCATION\n  executing "T" at <NODE>:\n    MESSAGE\n`,
/// the message cut before a nested ` template:`.
fn traceable_error(text: &str) -> Option<String> {
    let remainder = text.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(format!("{text}\n"));
    }
    let cut = |msg: &str| msg[..msg.find(" template:").unwrap_or(msg.len())].to_string();
    let executing = || -> Option<(String, String, String)> {
        let (name, after) = remainder.split_once(": executing ")?;
        let (func, after) = after.strip_prefix('"')?.split_once('"')?;
        let (node, msg) = after.strip_prefix(" at <")?.split_once(">: ")?;
        Some((name.to_string(), format!("executing \"{func}\" at <{node}>:"), cut(msg)))
    };
    let (location, executed, message) = match executing() {
        Some(parts) => parts,
        None => {
            let sep = remainder.rfind(": ")?;
            (remainder[..sep].to_string(), String::new(), cut(&remainder[sep + 2..]))
        }
    };
    let mut piece = String::new();
    if !location.is_empty() {
        piece.push_str(&format!("{location}\n  "));
    }
    if !executed.is_empty() {
        piece.push_str(&format!("{executed}\n    "));
    }
    if !message.is_empty() {
        piece.push_str(&format!("{message}\n"));
    }
    Some(piece)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_with(template: &str) -> Chart {
        use crate::chart::File;
        let mut c = Chart::default();
        c.metadata.name = "c".into();
        c.metadata.version = "0.1.0".into();
        c.templates = vec![File { name: "templates/t.yaml".into(), data: template.as_bytes().to_vec().into() }];
        c.files = vec![
            File { name: "crds/a.yaml".into(), data: b"aa".as_slice().into() },
            File { name: "crds/b.yaml".into(), data: b"bbb".as_slice().into() },
            File { name: "README.md".into(), data: b"r".as_slice().into() },
            File { name: "files/bin".into(), data: b"\x00\xff\xfeab\xc3\xa9\xe2\x82".as_slice().into() },
        ];
        c
    }

    fn options() -> RenderOptions {
        RenderOptions {
            release: ReleaseInfo {
                name: "r".into(),
                namespace: "ns".into(),
                revision: 1,
                is_install: true,
                is_upgrade: false,
            },
            capabilities: Capabilities::default(),
        }
    }

    fn render_one(template: &str) -> String {
        let out = render(&chart_with(template), &serde_json::json!({}), &options()).unwrap();
        out["c/templates/t.yaml"].clone()
    }

    #[test]
    fn values_fail_before_templates_as_helm_renders_only_with_values() {
        // Big enough for the parse to run on other cores meanwhile.
        let chart = chart_with(&format!("{{{{ if }}}}{}", " ".repeat(100_000)));
        let r = render_computing_values(&chart, &options(), || Err::<serde_json::Value, _>("bad values"));
        assert!(matches!(r, Err(RenderFailure::Values("bad values"))), "{r:?}");
        match render_computing_values(&chart, &options(), || Ok::<_, ()>(serde_json::json!({}))) {
            Err(RenderFailure::Render(e)) => {
                assert_eq!(e.0, "parse error at (c/templates/t.yaml:1): missing value for if")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn files_and_api_versions_range_len_and_index_like_go_maps_and_slices() {
        // Helm's files is a map type and VersionSet a slice type: range,
        // len and index see their elements.
        assert_eq!(
            render_one(r#"{{ range $p, $b := .Files.Glob "crds/*.yaml" }}{{ $p }}={{ len $b }} {{ end }}"#),
            "crds/a.yaml=2 crds/b.yaml=3 "
        );
        assert_eq!(render_one(r#"{{ len (.Files.Glob "crds/*") }}"#), "2");
        assert_eq!(render_one(r#"{{ index (.Files.Glob "crds/*") "crds/b.yaml" | len }}"#), "3");
        assert_eq!(render_one(r#"{{ index .Capabilities.APIVersions 0 }}"#), "v1");
    }

    #[test]
    fn files_and_api_versions_are_false_and_empty_with_no_elements_like_go_maps_and_slices() {
        // text/template's truth and Sprig's empty take a map or slice type
        // by its length: bitnami charts write `if (.Files.Glob "files/x")`.
        let t = r#"{{ if .Files.Glob "none/*" }}y{{ else }}n{{ end }} {{ if .Files.Glob "crds/*" }}y{{ else }}n{{ end }} "#;
        assert_eq!(render_one(t), "n y ");
        assert_eq!(
            render_one(r#"{{ and (.Files.Glob "none/*") 1 }} {{ not (.Files.Glob "none/*") }} {{ empty (.Files.Glob "none/*") }}"#),
            "map[] true true"
        );
        assert_eq!(render_one(r#"{{ default "d" (.Files.Glob "none/*") }} {{ empty .Files }}"#), "d false");
        assert_eq!(render_one(r#"{{ if .Capabilities.APIVersions }}y{{ end }}"#), "y");
        // Sprig's list functions take any slice type (external-secrets:
        // `has "monitoring.coreos.com/v1/ServiceMonitor" .Capabilities.APIVersions`),
        // and the list is in helm 4.1.4's order.
        assert_eq!(
            render_one(r#"{{ has "v1" .Capabilities.APIVersions }} {{ has "x/v9" .Capabilities.APIVersions }} {{ last .Capabilities.APIVersions }}"#),
            "true false apiextensions.k8s.io/v1"
        );
        assert_eq!(
            render_one(r#"{{ .Capabilities.APIVersions | sortAlpha | first }} {{ join "," (slice .Capabilities.APIVersions 0 2) }}"#),
            "admissionregistration.k8s.io/v1 v1,admissionregistration.k8s.io/v1"
        );
        assert_eq!(
            render_one(r#"{{ kindOf .Files }} {{ kindOf .Capabilities.APIVersions }} {{ kindOf .Capabilities }}"#),
            "map slice ptr"
        );
    }

    #[test]
    fn binary_files_keep_their_bytes_through_go_strings() {
        // What helm 4 prints for a file holding 00 ff fe 'a' 'b' 'é' e2 82
        // (a cut rune): Go strings are bytes, so b64enc, len, the sums,
        // quote and a slice inside a rune see the file's bytes; JSON writes
        // each stray byte as U+FFFD.
        let get = r#"(.Files.Get "files/bin")"#;
        assert_eq!(
            render_one(&format!("{{{{ {get} | b64enc }}}} {{{{ len {get} }}}} {{{{ {get} | adler32sum }}}}")),
            "AP/+YWLDqeKC 9 443549073"
        );
        assert_eq!(
            render_one(&format!("{{{{ {get} | sha256sum }}}}")),
            "fb59f067abf73ac538f98b178d2c67d19a7e2d6c37201cd08dd4356eadac2b9b"
        );
        assert_eq!(render_one(&format!("{{{{ {get} | quote }}}}")), r#""\x00\xff\xfeabé\xe2\x82""#);
        assert_eq!(render_one(&format!("{{{{ printf \"%x\" {get} }}}}")), "00fffe6162c3a9e282");
        assert_eq!(render_one(&format!("{{{{ dict \"a\" {get} | toJson }}}}")), r#"{"a":"\u0000\ufffd\ufffdabé\ufffd\ufffd"}"#);
        assert_eq!(render_one(&format!("{{{{ {get} | b64enc | b64dec | b64enc }}}}")), "AP/+YWLDqeKC");
        assert_eq!(render_one(r#"{{ "héllo" | trunc 2 | b64enc }} {{ "\xff\x00ab" | b64enc }}"#), "aMM= /wBhYg==");
    }

    #[test]
    fn parse_order_puts_deep_paths_first_then_reverse_lexical() {
        let names = ["a/templates/b.yaml", "a/charts/c/templates/x.yaml", "a/templates/a.yaml"];
        assert_eq!(
            parse_order(names.iter().map(|s| s.to_string())),
            vec!["a/charts/c/templates/x.yaml", "a/templates/b.yaml", "a/templates/a.yaml"]
        );
    }

    fn render_error(template: &str) -> String {
        render(&chart_with(template), &serde_json::json!({}), &options()).unwrap_err().0
    }

    #[test]
    fn fail_messages_become_execution_errors() {
        // What helm 4.1.4 prints.
        assert_eq!(render_error("\n  {{ fail \"Please define x\" }}"), "execution error at (c/templates/t.yaml:2:5): Please define x");
        assert_eq!(render_error("{{ fail \"a\\nb\" }}"), "execution error at (c/templates/t.yaml:1:3): a\nb");
    }

    #[test]
    fn exec_errors_are_traced_as_helm_walks_their_chain() {
        // What helm 4.1.4 prints. text/template's own error: one level.
        assert_eq!(
            render_error("{{ .Values.a.b }}"),
            "c/templates/t.yaml:1:10\n  executing \"c/templates/t.yaml\" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b"
        );
        // An include of a missing template: the walk reaches Go's error.
        assert_eq!(
            render_error("{{ define \"h\" }}{{ include \"nope\" . }}{{ end }}{{ include \"h\" . }}"),
            "c/templates/t.yaml:1:50\n  executing \"c/templates/t.yaml\" at <include \"h\" .>:\n    error calling include:\n\
             c/templates/t.yaml:1:19\n  executing \"h\" at <include \"nope\" .>:\n    error calling include:\n\
             template: no template \"nope\" associated with template \"gotpl\""
        );
        // A function's own error is not text/template's: kept as Go prints it.
        assert_eq!(
            render_error("{{ index (list 1) 5 }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <index (list 1) 5>: error calling index: index out of range: 5"
        );
        assert_eq!(
            render_error("{{ tpl \"{{ .x.y }}\" . }}"),
            "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <tpl \"{{ .x.y }}\" .>: error calling tpl: \
             error during tpl function execution for \"{{ .x.y }}\": template: gotpl:1:5: executing \"gotpl\" at <.x.y>: \
             nil pointer evaluating interface {}.y"
        );
    }

    #[test]
    fn parse_errors_keep_location_and_last_message() {
        assert_eq!(
            cleanup_parse_error("c/templates/x.yaml", "template: c/templates/x.yaml:7: function \"foo\" not defined"),
            "parse error at (c/templates/x.yaml:7): function \"foo\" not defined"
        );
    }
}
