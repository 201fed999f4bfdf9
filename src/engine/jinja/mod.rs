//! The Jinja template engine (minijinja), for charts that opt in with the
//! Chart.yaml annotation `capstan.io/engine: jinja`.
//!
//! Every file under a chart's `templates/` is a Jinja template, rendered to
//! the same path → text map the Go engine produces. Files whose name starts
//! with `_` are partials: never rendered on their own, but importable.
//!
//! **Names in `import`, `from`, `include`, `extends` and `include()`**
//! resolve in this order:
//! 1. `std/...` is the standard library embedded from `templates-std/`;
//! 2. a name relative to the importing template's chart `templates/`
//!    directory (`"_helpers.j2"`, `"sub/_x.j2"`), when that file exists;
//! 3. otherwise the name as written: a full template path such as
//!    `webapp/charts/db/templates/_helpers.j2` (a subchart's partial).
//!
//! The context is the same data the Go engine sees, under lowercase names
//! (see [`objects`]); undefined values are errors naming template and line.
//! Whitespace: `trim_blocks` and `lstrip_blocks` are on (a line holding only
//! a block tag leaves nothing behind) and the trailing newline is kept.
//! `none` prints as nothing, so `key: {{ value }}` with a null value reads
//! back as YAML null; booleans print as `true`/`false`.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use minijinja::value::{Value as JValue, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

use super::funcs::{self, Func};
use super::render::{RenderError, Renderable};
use super::value::Value;

pub mod convert;
pub mod library;
pub mod objects;
pub mod stdlib;

#[cfg(test)]
mod example_tests;
#[cfg(test)]
mod std_tests;
#[cfg(test)]
mod tests;

/// How deep `include()`/`tpl()` may nest before the render stops.
pub const MAX_INCLUDE_DEPTH: usize = 64;

/// The step budget of one template render (minijinja fuel: roughly one
/// unit per executed instruction).
pub const FUEL_PER_TEMPLATE: u64 = 50_000_000;

/// The most text one render may produce, all templates together.
pub const MAX_OUTPUT_BYTES: usize = 256 * 1024 * 1024;

/// Render every non-partial template with the Jinja engine.
/// Returns each template's output by its full path.
pub fn render_templates(
    templates: &BTreeMap<String, Renderable>,
) -> Result<BTreeMap<String, String>, RenderError> {
    render_with_library(templates, funcs::library())
}

/// [`render_templates`] with a given function library (tests use their own).
pub fn render_with_library(
    templates: &BTreeMap<String, Renderable>,
    library: &HashMap<&'static str, Func>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let env = environment(templates, library)?;
    // Templates of one chart share one scope map: convert it once.
    let mut scopes: HashMap<usize, BTreeMap<String, JValue>> = HashMap::new();
    let mut rendered = BTreeMap::new();
    let mut total = 0usize;
    for (name, t) in templates {
        if is_partial(name) {
            continue;
        }
        let key = match &t.vals {
            Value::Map(m) => Rc::as_ptr(m) as *const () as usize,
            _ => 0,
        };
        let mut ctx = scopes
            .entry(key)
            .or_insert_with(|| objects::scope_context(&t.vals))
            .clone();
        ctx.insert(
            "template".to_string(),
            objects::template_value(name, &t.base_path),
        );
        let tmpl = env
            .get_template(name)
            .map_err(|e| RenderError(describe(&e)))?;
        let out = tmpl
            .render(JValue::from(ctx))
            .map_err(|e| RenderError(describe_in(&e, name)))?;
        total += out.len();
        if total > MAX_OUTPUT_BYTES {
            return Err(RenderError(format!(
                "rendering stopped at {name}: the chart's output exceeds {} MiB",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            )));
        }
        rendered.insert(name.clone(), out);
    }
    Ok(rendered)
}

/// A template whose file name starts with `_`.
pub fn is_partial(name: &str) -> bool {
    name.rsplit('/').next().unwrap_or(name).starts_with('_')
}

/// Where imported names resolve (see the module docs).
struct Resolver {
    /// Template name → its chart's templates directory.
    base_paths: HashMap<String, String>,
    names: HashSet<String>,
}

impl Resolver {
    fn join<'s>(&self, name: &'s str, parent: &'s str) -> Cow<'s, str> {
        if name.starts_with(stdlib::PREFIX) {
            return Cow::Borrowed(name);
        }
        if let Some(base) = self.base_paths.get(parent) {
            let relative = format!("{base}/{}", name.strip_prefix("./").unwrap_or(name));
            if self.names.contains(&relative) {
                return Cow::Owned(relative);
            }
        }
        Cow::Borrowed(name)
    }
}

/// The minijinja environment for one render: every template of the chart
/// (and subcharts) compiled, the standard library, the function library,
/// and the engine functions.
fn environment(
    templates: &BTreeMap<String, Renderable>,
    library: &HashMap<&'static str, Func>,
) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    // Keep minijinja's expression details in errors ("`values.b` is
    // undefined") in release builds too; by default they are debug-only.
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| RenderError(e.to_string()))?,
    );
    env.set_fuel(Some(FUEL_PER_TEMPLATE));
    env.set_formatter(|out, state, value| {
        match value.kind() {
            ValueKind::None => Ok(()),
            // YAML's spelling, not Python's True/False.
            ValueKind::Bool => out
                .write_str(if value.is_true() { "true" } else { "false" })
                .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string())),
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    env.set_loader(|name| Ok(stdlib::get(name).map(str::to_string)));
    let resolver = Arc::new(Resolver {
        base_paths: templates
            .iter()
            .map(|(k, t)| (k.clone(), t.base_path.clone()))
            .collect(),
        names: templates.keys().cloned().collect(),
    });
    env.set_path_join_callback(move |name, parent| resolver.join(name, parent));

    library::register(&mut env, library);
    env.add_function("include", include);
    env.add_function("tpl", tpl);
    if !library.contains_key("lookup") {
        env.add_function("lookup", lookup);
    }

    for (name, t) in templates {
        env.add_template_owned(name.clone(), t.text.to_string())
            .map_err(|e| RenderError(describe(&e)))?;
    }
    Ok(env)
}

thread_local! {
    static INCLUDE_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of include/tpl nesting while alive.
struct DepthGuard;

impl DepthGuard {
    fn enter(what: &str) -> Result<DepthGuard, Error> {
        INCLUDE_DEPTH.with(|d| {
            if d.get() >= MAX_INCLUDE_DEPTH {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{what}: nesting deeper than {MAX_INCLUDE_DEPTH} levels (an include or tpl loop?)"),
                ));
            }
            d.set(d.get() + 1);
            Ok(DepthGuard)
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        INCLUDE_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The context a nested render sees: the calling template's context
/// objects, with the entries of `extra` (a map) added or replaced.
fn nested_context(state: &State, what: &str, extra: Option<JValue>) -> Result<JValue, Error> {
    let mut ctx = BTreeMap::new();
    for name in objects::CONTEXT_NAMES {
        if let Some(v) = state.lookup(name) {
            ctx.insert(name.to_string(), v);
        }
    }
    if let Some(extra) = extra.filter(|e| !e.is_none() && !e.is_undefined()) {
        if extra.kind() != ValueKind::Map {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "{what}: the context must be a mapping, got {}",
                    extra.kind()
                ),
            ));
        }
        for key in extra.try_iter()? {
            let v = extra.get_item(&key)?;
            ctx.insert(key.to_string(), v);
        }
    }
    Ok(JValue::from(ctx))
}

/// `include(name, ctx=none)`: render another template (resolved like
/// `import`) and return its text, so it can be piped:
/// `{{ include("_labels.j2") | nindent(4) }}`.
fn include(state: &State, name: &str, ctx: Option<JValue>) -> Result<String, Error> {
    let _depth = DepthGuard::enter("include")?;
    let tmpl = state.get_template(name)?;
    let ctx = nested_context(state, "include", ctx)?;
    tmpl.render(ctx).map_err(|e| {
        Error::new(ErrorKind::BadInclude, format!("include({name:?}) failed")).with_source(e)
    })
}

/// `tpl(text, ctx=none)`: render a string as a template (Helm's `tpl`),
/// with the calling template's context; it may import partials by the same
/// rules as the calling template.
fn tpl(state: &State, text: &str, ctx: Option<JValue>) -> Result<String, Error> {
    let _depth = DepthGuard::enter("tpl")?;
    let ctx = nested_context(state, "tpl", ctx)?;
    state
        .env()
        .render_named_str(state.name(), text, ctx)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, "tpl failed").with_source(e))
}

/// `lookup(api_version, kind, namespace, name)`: without a cluster (as in
/// `helm template`) it finds nothing and returns an empty mapping.
fn lookup(api_version: &str, kind: &str, namespace: &str, name: &str) -> JValue {
    let _ = (api_version, kind, namespace, name);
    JValue::from(BTreeMap::<String, JValue>::new())
}

/// A minijinja error as one message, Helm style:
/// `execution error at (chart/templates/x.yaml:12): undefined value: ...`,
/// followed by the errors it was caused by.
pub fn describe(err: &Error) -> String {
    let mut out = describe_one(err);
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        match s.downcast_ref::<Error>() {
            Some(inner) => out.push_str(&format!("\n  {}", describe_one(inner))),
            None => out.push_str(&format!("\n  {s}")),
        }
        source = s.source();
    }
    out
}

/// [`describe`], saying which template was rendering when the error came
/// from another one (a partial's macro, the standard library).
fn describe_in(err: &Error, rendering: &str) -> String {
    let text = describe(err);
    if err.name() == Some(rendering) {
        text
    } else {
        format!("{text}\n  (while rendering {rendering})")
    }
}

fn describe_one(err: &Error) -> String {
    let kind = err.kind();
    let what = match kind {
        ErrorKind::SyntaxError | ErrorKind::BadEscape | ErrorKind::InvalidDelimiter => {
            "parse error"
        }
        _ => "execution error",
    };
    let message = match (kind, err.detail()) {
        (ErrorKind::OutOfFuel, _) => format!(
            "the template ran more than capstan's step budget ({FUEL_PER_TEMPLATE} steps); is there a runaway loop?"
        ),
        // Function failures (and `fail`/`required`) carry their own text.
        (ErrorKind::InvalidOperation, Some(d)) => d.to_string(),
        (kind, Some(d)) => format!("{kind}: {d}"),
        (kind, None) => kind.to_string(),
    };
    match (err.name(), err.line()) {
        (Some(name), Some(line)) => format!("{what} at ({name}:{line}): {message}"),
        (Some(name), None) => format!("{what} in ({name}): {message}"),
        _ => format!("{what}: {message}"),
    }
}
