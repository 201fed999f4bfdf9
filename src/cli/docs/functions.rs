//! docs/reference/functions.md: every function of the shared library
//! (engine/funcs: its registry for the signatures, catalog.rs for the
//! descriptions), grouped by family, with the names each has in Jinja.

use std::fmt::Write;

use super::{cell, generated_note};
use crate::engine::funcs::{self, catalog, Param};
use crate::engine::jinja::library::{plan, Exposure};
use crate::engine::jinja::objects::CONTEXT_NAMES;

/// Go's text/template builtins (text/template/funcs.go builtins); those
/// the library also defines (`slice`) are the library's in capstan, as in
/// Helm, where Sprig's function map overrides Go's builtins.
const GO_BUILTINS: &[&str] = &[
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice", "print",
    "printf", "println", "html", "js", "urlquery", "call",
];

pub fn render() -> String {
    let exposures = plan(funcs::library());
    let total: usize = catalog::FAMILIES.iter().map(|f| f.functions.len()).sum();
    let mut out = String::new();
    out.push_str("# Template functions\n\n");
    out.push_str(&generated_note(
        "the function registry in src/engine/funcs (descriptions: src/engine/funcs/catalog.rs)",
    ));
    let builtins: Vec<String> = GO_BUILTINS
        .iter()
        .filter(|n| funcs::lookup(n).is_none())
        .map(|n| format!("`{n}`"))
        .collect();
    let _ = write!(
        out,
        "
The {total} functions below are Sprig v3's (less `env` and `expandenv`,
which Helm removes) and Helm's own. Both template engines use this one
library:

- **Go templates** call a function with its arguments after it,
  `{{{{ trunc 63 .Values.name }}}}`, or in a pipeline, where the piped value
  becomes the last argument: `{{{{ .Values.name | trunc 63 }}}}`.
- **Jinja** templates call it as a function, arguments in the same order,
  `trunc(63, values.name)`, or as a filter, the piped value again last:
  `values.name | trunc(63)`. The *Jinja* column gives the names: a
  camelCase function also answers to its snake_case form, and a name marked
  *(function)* or *(filter)* is only that; see [jinja.md](../jinja.md).

Signatures give the Go parameter types. An argument of another type is an
error, with Go's text (`wrong type for value; expected string; got int`);
integers are accepted for `float64` parameters.

Each engine adds its own functions, not listed below:

- Go templates: Go's builtins {builtins}; Helm's `include` and `tpl`; the
  `template`, `define` and `block` actions.
- Jinja: `include(name, ctx)` and `tpl(text, ctx)`, and minijinja's
  builtin filters and tests.

| Family | Functions |
|---|---|
",
        builtins = builtins.join(", ")
    );
    for family in catalog::FAMILIES {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} |",
            family.title,
            anchor(family.title),
            family.functions.len()
        );
    }
    for family in catalog::FAMILIES {
        let _ = write!(
            out,
            "\n## {}\n\n| Function | Description | Jinja |\n|---|---|---|\n",
            family.title
        );
        for doc in family.functions {
            let exposure = exposures.iter().find(|e| e.go_name == doc.name);
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&signature(doc)),
                cell(doc.summary),
                cell(&jinja_names(doc.name, exposure))
            );
        }
    }
    out
}

/// `trunc(n int, s string)`, `quote(values ...any)`.
fn signature(doc: &catalog::FuncDoc) -> String {
    let sig = funcs::signature(doc.name).expect("catalog.rs names registered functions");
    let names: Vec<&str> = doc.params.split_whitespace().collect();
    let mut params = vec![];
    for (i, name) in names.iter().enumerate() {
        match sig.params.get(i) {
            Some(p) => params.push(format!("{name} {}", type_name(*p))),
            None => {
                let elem = sig.variadic.map(type_name).unwrap_or("any");
                params.push(format!("{} ...{elem}", name.trim_start_matches("...")));
            }
        }
    }
    format!("{}({})", doc.name, params.join(", "))
}

fn type_name(p: Param) -> &'static str {
    match p {
        Param::Any => "any",
        Param::Map => "map[string]any",
        Param::List => "[]any",
        Param::Cert => "certificate",
        other => other.go_type(),
    }
}

/// The Jinja names of one function, each marked when it is only a
/// function or only a filter.
fn jinja_names(go_name: &str, exposure: Option<&Exposure>) -> String {
    let Some(e) = exposure else {
        return "—".into();
    };
    let mut functions: Vec<&str> = e.function_names.iter().map(String::as_str).collect();
    // library.rs registers `dict` itself (Go pairs and Jinja keywords merged).
    if go_name == "dict" && !functions.contains(&"dict") {
        functions.push("dict");
    }
    // A context variable (`values`, `release`, ...) hides a function of that name.
    functions.retain(|n| !CONTEXT_NAMES.contains(n));
    let filters: Vec<&str> = e.filter_names.iter().map(String::as_str).collect();
    let mut names: Vec<&str> = functions.clone();
    names.extend(filters.iter().filter(|n| !functions.contains(n)));
    names
        .iter()
        .map(|n| match (functions.contains(n), filters.contains(n)) {
            (true, true) => format!("`{n}`"),
            (true, false) => format!("`{n}` *(function)*"),
            _ => format!("`{n}` *(filter)*"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// GitHub's heading anchor: lower case, spaces as `-`, punctuation dropped.
pub(super) fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_show_go_types_and_variadics() {
        let doc = |n| catalog::find(n).unwrap();
        assert_eq!(signature(doc("trunc")), "trunc(n int, s string)");
        assert_eq!(signature(doc("quote")), "quote(values ...any)");
        assert_eq!(
            signature(doc("round")),
            "round(value any, precision int, roundOn ...float64)"
        );
        assert_eq!(signature(doc("now")), "now()");
    }

    #[test]
    fn jinja_names_mark_functions_and_filters() {
        let exposures = plan(funcs::library());
        let names = |n: &str| jinja_names(n, exposures.iter().find(|e| e.go_name == n));
        assert_eq!(names("toYaml"), "`toYaml`, `to_yaml`");
        assert_eq!(names("max"), "`max` *(function)*");
        assert_eq!(names("values"), "`values` *(filter)*");
        assert_eq!(names("dict"), "`dict`");
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(
            anchor("Hashes, crypto and certificates"),
            "hashes-crypto-and-certificates"
        );
        assert_eq!(anchor("Durations (Helm)"), "durations-helm");
    }
}
