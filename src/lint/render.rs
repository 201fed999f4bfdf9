//! Rendering a chart in Helm's lint mode (pkg/engine/engine.go with
//! `LintMode: true`): `required` logs and yields "" instead of failing, and
//! `fail` logs and yields "". Everything else is the normal render.
//!
//! The engine has no lint-mode switch, so this mirrors
//! `engine::render::render` (collect each chart's templates with its scoped
//! values, parse deepest first, execute) with those two functions replaced
//! through `Templates::add_func`. Jinja charts render normally.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::chart::Chart;
use crate::engine::context::{chart_value, FilesObject};
use crate::engine::funcs::FuncResult;
use crate::engine::gotmpl::source::Source;
use crate::engine::gotmpl::{self, CustomFunc};
use crate::engine::render::{self as engine_render, parse_order, set_template_info, RenderError, RenderOptions, Renderable};
use crate::engine::value::{Map, Value};

thread_local! {
    /// What `required` and `fail` logged in this thread's current render.
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Template files this thread parsed, by name, with their text: lint
    /// renders a chart once per values file, and each thread parses each
    /// file once. (The parses refer to `required` and `fail` above, which
    /// log to this thread's `LOG`, so any render on the thread can use them.)
    static PARSED: RefCell<Parses> = RefCell::new(Parses::default());
}

/// A thread's [`PARSED`] templates.
#[derive(Default)]
struct Parses(HashMap<String, (Source, gotmpl::Parsed)>);

impl Drop for Parses {
    /// Freeing a large chart's trees at the end of each render thread took
    /// kube-prometheus-stack's lint 8 ms; during the last input the process
    /// exits soon after and leaves that to the kernel.
    fn drop(&mut self) {
        super::drop_unless_final(std::mem::take(&mut self.0));
    }
}

/// Render in lint mode. Returns the rendered files by full template path
/// and the messages Helm would log for skipped `required`/`fail` calls.
pub fn render(
    chart: &Chart,
    values: &serde_json::Value,
    opts: &RenderOptions,
) -> Result<(BTreeMap<String, String>, Vec<String>), RenderError> {
    let engine = chart
        .metadata
        .annotations
        .get(engine_render::ENGINE_ANNOTATION)
        .map(String::as_str)
        .unwrap_or("gotmpl");
    if engine != "gotmpl" && engine != "go" {
        return engine_render::render(chart, values, opts).map(|r| (r, Vec::new()));
    }
    let release = opts.release.to_value();
    let capabilities = opts.capabilities.to_value();
    let top = Value::from_json(values);
    let mut templates = BTreeMap::new();
    collect(chart, None, &release, &capabilities, &top, &mut templates);

    LOG.with_borrow_mut(Vec::clear);
    let mut set = gotmpl::Templates::new();
    let required: CustomFunc = Rc::new(|a: &[Value]| -> FuncResult {
        let msg = a.first().and_then(Value::as_str).unwrap_or("").to_string();
        match a.get(1) {
            None | Some(Value::Nil) | Some(Value::Missing) => {
                LOG.with_borrow_mut(|log| log.push(format!("missing required value: {msg}")));
                Ok(Value::str(""))
            }
            Some(Value::String(s)) if s.is_empty() => {
                LOG.with_borrow_mut(|log| log.push(format!("missing required values: {msg}")));
                Ok(Value::str(""))
            }
            Some(v) => Ok(v.clone()),
        }
    });
    let fail: CustomFunc = Rc::new(|a: &[Value]| -> FuncResult {
        let msg = a.first().and_then(Value::as_str).unwrap_or("").to_string();
        LOG.with_borrow_mut(|log| log.push(format!("fail: {msg}")));
        Ok(Value::str(""))
    });
    set.add_func("required", required);
    set.add_func("fail", fail);

    let order = parse_order(templates.keys().cloned());
    for name in &order {
        let text = &templates[name].text;
        let kept = PARSED.with_borrow(|parsed| match parsed.0.get(name.as_str()) {
            Some((source, trees)) if source.as_bytes() == text.as_bytes() => Some(trees.clone()),
            _ => None,
        });
        match kept {
            Some(trees) => set.add_parsed(&trees),
            None => {
                let trees = set
                    .parse_to_keep(name, text.clone())
                    .map_err(|e| RenderError(parse_error(name, &e.to_string())))?;
                PARSED.with_borrow_mut(|parsed| parsed.0.insert(name.clone(), (text.clone(), trees)));
            }
        }
    }
    let mut rendered = BTreeMap::new();
    for name in &order {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let r = &templates[name];
        set_template_info(r, name);
        let out = match set.execute(name, &r.vals) {
            Ok(out) => out,
            Err(e) => {
                // The engine formats execution errors as Helm does; its
                // normal render fails the same way unless a `required` or
                // `fail` stops it first.
                return Err(match engine_render::render(chart, values, opts) {
                    Err(normal) if !normal.0.starts_with("execution error at") => normal,
                    _ => RenderError(e.to_string()),
                });
            }
        };
        rendered.insert(name.clone(), engine_render::without_no_value(out));
    }
    Ok((rendered, LOG.take()))
}

/// Helm's cleanupParseError.
fn parse_error(filename: &str, err: &str) -> String {
    let tokens: Vec<&str> = err.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {err}");
    }
    format!("parse error at ({}): {}", tokens[1], tokens[tokens.len() - 1])
}

/// Helm's recAllTpls (as `engine::render` does it).
fn collect(
    chart: &Chart,
    parent_path: Option<&str>,
    release: &Value,
    capabilities: &Value,
    parent_values: &Value,
    out: &mut BTreeMap<String, Renderable>,
) -> Value {
    let is_root = parent_path.is_none();
    let full_path = match parent_path {
        None => chart.name().to_string(),
        Some(p) => format!("{p}/charts/{}", chart.name()),
    };
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
    scope.insert("Release".into(), release.clone());
    scope.insert("Capabilities".into(), capabilities.clone());
    scope.insert("Values".into(), values.clone());
    scope.insert("Subcharts".into(), subcharts.clone());
    let scope = Value::map(scope);
    for dep in &chart.dependencies {
        let sub = collect(dep, Some(&full_path), release, capabilities, &values, out);
        if let Value::Map(m) = &subcharts {
            m.borrow_mut().insert(dep.name().to_string(), sub);
        }
    }
    let library = chart.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                text: crate::engine::render::template_source(t),
                vals: scope.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::File;
    use crate::engine::context::{Capabilities, ReleaseInfo};

    #[test]
    fn required_and_fail_do_not_stop_a_lint_render() {
        let mut c = Chart::default();
        c.metadata.name = "c".into();
        c.metadata.version = "1.0.0".into();
        c.templates.push(File {
            name: "templates/a.yaml".into(),
            data: b"x: {{ required \"need x\" .Values.x }}{{ fail \"boom\" }}\ny: {{ .Values.y }}".as_slice().into(),
        });
        let opts = RenderOptions {
            release: ReleaseInfo { name: "test-release".into(), namespace: "default".into(), revision: 1, is_install: true, is_upgrade: false },
            capabilities: Capabilities::new("v1.35.0", &[]).unwrap(),
        };
        let (out, log) = render(&c, &serde_json::json!({"y": 1}), &opts).unwrap();
        assert_eq!(out["c/templates/a.yaml"], "x: \ny: 1");
        assert_eq!(log, ["missing required value: need x", "fail: boom"]);
    }
}
