//! Values: user values (`-f` files and the `--set` family), coalescing them
//! with chart defaults, and JSON Schema validation.
//!
//! Public API:
//! - [`UserValues`]: the user's `-f` files and `--set*` entries (builder:
//!   `UserValues::new().file("a.yaml").set(SetKind::Set, "a=1")`).
//!   [`UserValues::merge`] is Helm's `values.Options.MergeValues`: files in
//!   order (`-` reads the given stdin reader; [`UserValues::merge_with`]
//!   takes a file reader), then every `--set-json`,
//!   `--set`, `--set-string`, `--set-file`, `--set-literal` (Helm applies
//!   the kinds in this fixed order, each kind's entries in the order given).
//! - [`prepare`]`(&mut Chart, &user, PrepareOptions) -> Result<Coalesced>`:
//!   everything `helm template`/`install` does between loading the chart and
//!   rendering, in Helm's order (installable check, deprecation warning,
//!   dependencies present, dependency processing, coalescing, schema
//!   validation). [`prepare_with_log`] also keeps the log lines written
//!   before a failure, as Helm prints them.
//! - [`coalesce`]`(&Chart, &user) -> Result<Coalesced>`: Helm's
//!   `CoalesceValues` alone: the top-level `.Values` tree (file and JSON
//!   numbers are f64, `--set` integers i64; a subchart's values are under
//!   its name or alias, `global` copied in), plus the warnings Helm logs.
//! - [`schema::validate`]`(&Chart, &values)`: Helm's `ValidateAgainstSchema`
//!   over the chart and every subchart, with Helm 4's message.
//! - [`files::load_values`] reads a values document stream like Helm;
//!   [`strvals`] is the `--set` grammar.
//!
//! Warnings are [`chart::Warning`]s; `to_string()` gives the line Helm 4
//! prints to stderr (`level=INFO msg="..."`).

pub(crate) mod coalesce;
pub mod files;
pub mod schema;
pub mod strvals;
pub(crate) mod tree;

use std::io::Read;

use serde_json::{Map, Value};

use crate::chart::{self, Chart, ChartError, Warning};

pub use coalesce::TypeMismatch;
pub use schema::SchemaError;

/// Errors from user values, coalescing and validation; each displays what
/// Helm prints after `Error: `.
#[derive(Debug, thiserror::Error)]
pub enum ValuesError {
    /// A values file that cannot be read (`open x.yaml: no such file or directory`).
    #[error("{0}")]
    Read(String),
    #[error("failed to parse {path}: {source}")]
    Parse { path: String, source: files::LoadValuesError },
    #[error("failed parsing --set-json data JSON: {0}")]
    SetJsonObject(String),
    #[error("failed parsing --set-json data {0}")]
    SetJson(String),
    #[error("failed parsing --set data: {0}")]
    Set(String),
    #[error("failed parsing --set-string data: {0}")]
    SetString(String),
    #[error("failed parsing --set-file data: {0}")]
    SetFile(String),
    #[error("failed parsing --set-literal data: {0}")]
    SetLiteral(String),
    #[error(transparent)]
    TypeMismatch(#[from] TypeMismatch),
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// Which `--set` flag an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`
    Set,
    /// `--set-string`
    String,
    /// `--set-file`
    File,
    /// `--set-json`
    Json,
    /// `--set-literal`
    Literal,
}

/// The values a user gives on the command line.
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    /// `-f/--values` paths in order; `-` is stdin.
    pub files: Vec<String>,
    /// `--set*` entries in the order given.
    pub sets: Vec<(SetKind, String)>,
}

/// Go's `os.ReadFile` error text.
fn read_error(path: &str, e: &std::io::Error) -> String {
    chart::error::go_io_error("open", path, e)
}

impl UserValues {
    pub fn new() -> UserValues {
        UserValues::default()
    }

    /// Add a `-f` file (`-` for stdin).
    pub fn file(mut self, path: impl Into<String>) -> UserValues {
        self.files.push(path.into());
        self
    }

    /// Add a `--set`-family entry.
    pub fn set(mut self, kind: SetKind, entry: impl Into<String>) -> UserValues {
        self.sets.push((kind, entry.into()));
        self
    }

    /// Helm's `MergeValues`, reading files from disk and `-` from `stdin`
    /// (the process's standard input, or any reader in tests).
    pub fn merge(&self, stdin: &mut dyn Read) -> Result<Map<String, Value>, ValuesError> {
        let mut read = |path: &str| -> Result<Vec<u8>, String> {
            if path.trim() == "-" {
                let mut buf = Vec::new();
                stdin.read_to_end(&mut buf).map_err(|e| e.to_string())?;
                return Ok(buf);
            }
            if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("oci://") {
                return Err(format!("reading values from a URL is not supported yet: {path}"));
            }
            std::fs::read(path).map_err(|e| read_error(path, &e))
        };
        self.merge_with(&mut read)
    }

    /// Helm's `MergeValues` with a custom file reader (for tests and for
    /// callers that resolve paths themselves).
    pub fn merge_with(
        &self,
        read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Map<String, Value>, ValuesError> {
        let mut base = Map::new();
        for path in &self.files {
            let raw = read(path).map_err(ValuesError::Read)?;
            let current =
                files::load_values(&raw).map_err(|source| ValuesError::Parse { path: path.clone(), source })?;
            base = files::merge_maps(base, current);
        }
        let of = |kind: SetKind| self.sets.iter().filter(move |(k, _)| *k == kind).map(|(_, s)| s.as_str());
        for value in of(SetKind::Json) {
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let parsed: Map<String, Value> = serde_json::from_str(trimmed)
                    .map_err(|_| ValuesError::SetJsonObject(value.to_string()))?;
                let parsed = match json_numbers_to_f64(Value::Object(parsed)) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                base = files::merge_maps(base, parsed);
            } else {
                strvals::parse_json(value, &mut base).map_err(|_| ValuesError::SetJson(value.to_string()))?;
            }
        }
        for value in of(SetKind::Set) {
            strvals::parse_into(value, &mut base).map_err(ValuesError::Set)?;
        }
        for value in of(SetKind::String) {
            strvals::parse_into_string(value, &mut base).map_err(ValuesError::SetString)?;
        }
        for value in of(SetKind::File) {
            let mut reader = |p: &str| -> Result<Value, String> {
                let bytes = read(p)?;
                Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
            };
            strvals::parse_into_file(value, &mut base, &mut reader).map_err(ValuesError::SetFile)?;
        }
        for value in of(SetKind::Literal) {
            strvals::parse_literal_into(value, &mut base).map_err(ValuesError::SetLiteral)?;
        }
        Ok(base)
    }
}

/// JSON numbers as Go's encoding/json decodes them into `any`: float64.
fn json_numbers_to_f64(v: Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => {
            serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0)).map(Value::Number).unwrap_or(Value::Null)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(json_numbers_to_f64).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, json_numbers_to_f64(v))).collect()),
        other => other,
    }
}

/// Coalesced values and what Helm logged while producing them.
#[derive(Debug, Clone)]
pub struct Coalesced {
    /// The top-level `.Values` (an object). Each subchart's values are under
    /// its name (or alias), with `global` copied in.
    pub values: Value,
    pub warnings: Vec<Warning>,
}

/// Helm's `CoalesceValues(chart, user)`.
pub fn coalesce(chart: &Chart, user: &Map<String, Value>) -> Result<Coalesced, ValuesError> {
    let mut warnings = Vec::new();
    let u = tree::map_from_json(user);
    let out = coalesce::coalesce_values(chart, Some(&u), &mut coalesce::Log { warnings: &mut warnings })?;
    Ok(Coalesced { values: Value::Object(tree::map_to_json(&out)), warnings })
}

/// Options for [`prepare`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PrepareOptions {
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// What `helm template`/`install` does between loading the chart and
/// rendering, in Helm's order (pkg/cmd/install.go runInstall, then
/// pkg/action/install.go RunWithContext):
/// 1. only `application` charts install (`library charts are not installable`);
/// 2. a deprecated chart logs `this chart is deprecated`;
/// 3. every dependency in Chart.yaml must be under `charts/`;
/// 4. dependencies are processed (conditions, tags, aliases, imports);
/// 5. values are coalesced;
/// 6. values are validated against the schemas (unless skipped).
///
/// `user` is the result of [`UserValues::merge`] (which Helm does before
/// loading the chart).
/// The chart is changed by step 4, as in Helm. The returned warnings
/// include step 2's, in the order Helm logs them; use [`prepare_with_log`]
/// to also get the ones logged before a failure.
pub fn prepare(chart: &mut Chart, user: &Map<String, Value>, opts: PrepareOptions) -> Result<Coalesced, ValuesError> {
    let mut warnings = Vec::new();
    let values = prepare_with_log(chart, user, opts, &mut warnings)?;
    Ok(Coalesced { values, warnings })
}

/// [`prepare`], appending what Helm logs to `log` as it goes, so the
/// lines logged before a failure are kept (Helm prints them, then
/// `level=ERROR msg="chart dependencies processing failed" ...` when that
/// step fails, then the error).
pub fn prepare_with_log(
    chart: &mut Chart,
    user: &Map<String, Value>,
    opts: PrepareOptions,
    log: &mut Vec<Warning>,
) -> Result<Value, ValuesError> {
    prepare_dependencies(chart, user, log)?;
    coalesce_and_validate(chart, user, opts, log)
}

/// The first half of [`prepare_with_log`]: check that the chart can be
/// installed and its dependencies are present, and drop the subcharts the
/// values switch off. After this the chart's set of templates is final.
pub fn prepare_dependencies(chart: &mut Chart, user: &Map<String, Value>, log: &mut Vec<Warning>) -> Result<(), ValuesError> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(ChartError::NotInstallable(other.to_string()).into()),
    }
    if chart.metadata.deprecated {
        log.push(Warning::warn("this chart is deprecated"));
    }
    if !chart.metadata.dependencies.is_empty() {
        chart::dependencies::check(chart).map_err(|e| {
            ChartError::Other(format!(
                "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {e}"
            ))
        })?;
    }
    if let Err(e) = chart::dependencies::process_with_log(chart, user, log) {
        log.push(Warning::error("chart dependencies processing failed").with("error", e.to_string()));
        return Err(ChartError::Other(format!("chart dependencies processing failed: {e}")).into());
    }
    Ok(())
}

/// The second half of [`prepare_with_log`]: the coalesced values, checked
/// against the charts' schemas.
pub fn coalesce_and_validate(
    chart: &Chart,
    user: &Map<String, Value>,
    opts: PrepareOptions,
    log: &mut Vec<Warning>,
) -> Result<Value, ValuesError> {
    let mut coalesced = coalesce(chart, user)?;
    log.append(&mut coalesced.warnings);
    if !opts.skip_schema_validation {
        schema::validate(chart, &coalesced.values)?;
    }
    Ok(coalesced.values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_applies_helm_order() {
        let files = std::collections::HashMap::from([
            ("a.json", r#"{"x": 1, "keep": {"a": 1}}"#),
            ("b.json", r#"{"x": 2, "keep": {"b": 2}}"#),
            ("content.txt", "file content"),
        ]);
        let mut read = |p: &str| files.get(p).map(|s| s.as_bytes().to_vec()).ok_or(format!("open {p}: no such file or directory"));
        // Given out of order on purpose: Helm applies --set-json, --set,
        // --set-string, --set-file, --set-literal in that order.
        let u = UserValues::new()
            .file("a.json")
            .file("b.json")
            .set(SetKind::Literal, "lit=a,b")
            .set(SetKind::String, "s=5")
            .set(SetKind::Set, "s=7,n=7,x=3")
            .set(SetKind::Json, r#"j={"k":[1,2]}"#)
            .set(SetKind::Json, r#"{"obj": 1}"#)
            .set(SetKind::File, "f=content.txt");
        let v = u.merge_with(&mut read).unwrap();
        assert_eq!(
            Value::Object(v.clone()),
            json!({"x": 3, "keep": {"a": 1.0, "b": 2.0}, "s": "5", "n": 7, "j": {"k": [1.0, 2.0]}, "obj": 1.0,
                   "f": "file content", "lit": "a,b"})
        );
        assert!(v["n"].is_i64());
        assert!(v["obj"].is_f64());
    }

    #[test]
    fn merge_error_texts() {
        let mut read = |p: &str| -> Result<Vec<u8>, String> { Err(format!("open {p}: no such file or directory")) };
        let e = UserValues::new().file("missing.yaml").merge_with(&mut read).unwrap_err();
        assert_eq!(e.to_string(), "open missing.yaml: no such file or directory");
        let e = UserValues::new().set(SetKind::Set, "a,b").merge_with(&mut read).unwrap_err();
        assert_eq!(e.to_string(), "failed parsing --set data: key \"a\" has no value (cannot end with ,)");
        let e = UserValues::new().set(SetKind::Json, "{bad").merge_with(&mut read).unwrap_err();
        assert_eq!(e.to_string(), "failed parsing --set-json data JSON: {bad");
        let e = UserValues::new().set(SetKind::Json, "a=[1").merge_with(&mut read).unwrap_err();
        assert_eq!(e.to_string(), "failed parsing --set-json data a=[1");
        let e = UserValues::new().set(SetKind::File, "a=nofile").merge_with(&mut read).unwrap_err();
        assert_eq!(e.to_string(), "failed parsing --set-file data: open nofile: no such file or directory");
    }

    #[test]
    fn stdin_is_read_for_dash() {
        let mut stdin = std::io::Cursor::new(br#"{"from": "stdin"}"#.to_vec());
        let v = UserValues::new().file("-").merge(&mut stdin).unwrap();
        assert_eq!(v["from"], json!("stdin"));
    }

    fn chart(name: &str, values: Value) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        c.metadata.api_version = "v2".into();
        c.values = values.as_object().unwrap().clone();
        c
    }

    #[test]
    fn prepare_runs_helms_steps() {
        let mut lib = chart("lib", json!({}));
        lib.metadata.chart_type = "library".into();
        assert_eq!(
            prepare(&mut lib, &Map::new(), PrepareOptions::default()).unwrap_err().to_string(),
            "library charts are not installable"
        );

        let mut c = chart("top", json!({"a": 1.0}));
        c.metadata.dependencies = serde_json::from_value(json!([{"name": "sub", "version": "1.0.0"}])).unwrap();
        assert_eq!(
            prepare(&mut c, &Map::new(), PrepareOptions::default()).unwrap_err().to_string(),
            "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: sub"
        );

        let mut sub = chart("sub", json!({"port": 80.0, "global": {"g": "sub"}}));
        sub.schema = Some(br#"{"properties": {"port": {"type": "integer", "maximum": 100}}}"#.to_vec());
        c.dependencies = vec![sub];
        c.metadata.deprecated = true;
        let user = json!({"global": {"g": "user"}, "sub": {"port": 8080}}).as_object().unwrap().clone();
        let mut log = Vec::new();
        let mut bad = c.clone();
        let bad_user = json!({"sub": 5}).as_object().unwrap().clone();
        let e = prepare_with_log(&mut bad, &bad_user, PrepareOptions::default(), &mut log).unwrap_err();
        assert_eq!(e.to_string(), "chart dependencies processing failed: type mismatch on sub: %!t(int64=5)");
        assert_eq!(
            log.iter().map(|w| w.to_slog_line()).collect::<Vec<_>>(),
            [
                "level=WARN msg=\"this chart is deprecated\"",
                "level=ERROR msg=\"chart dependencies processing failed\" error=\"type mismatch on sub: %!t(int64=5)\""
            ]
        );
        let e = prepare(&mut c.clone(), &user, PrepareOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "values don't meet the specifications of the schema(s) in the following chart(s):\nsub:\n- at '/port': maximum: got 8,080, want 100\n"
        );
        let out = prepare(&mut c, &user, PrepareOptions { skip_schema_validation: true }).unwrap();
        assert_eq!(out.values, json!({"a": 1.0, "global": {"g": "user"}, "sub": {"port": 8080, "global": {"g": "user"}}}));
        assert_eq!(out.warnings[0].to_slog_line(), "level=WARN msg=\"this chart is deprecated\"");
    }
}
