//! docs/reference/lint-rules.md: every rule of the lint rule registry
//! (src/lint/rules.rs), with its ID, usual severity and what it checks.

use std::fmt::Write;

use super::{cell, generated_note};
use crate::lint::rules::{DISABLE_ANNOTATION, RULES};

pub fn render() -> String {
    let mut out = String::new();
    out.push_str("# Lint rules\n\n");
    out.push_str(&generated_note("the rule registry in src/lint/rules.rs"));
    let _ = write!(
        out,
        "
The {} rules `capstan lint` reports, in the order of the registry: Helm's
chart rules first, then the Kubernetes API checks, consistency checks and
best practices. The severity is the one a rule usually reports at (a few of
Helm's rules report lower severities in some cases, exactly as Helm does).
See [lint.md](../lint.md) for how lint runs and its output formats.

Turn rules off for a run with `--disable ID,...`, or for one object with
the annotation `{DISABLE_ANNOTATION}: \"ID,...\"` (or `all`).

| ID | Severity | What it checks |
|---|---|---|
",
        RULES.len()
    );
    for rule in RULES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            rule.id,
            rule.severity.label().to_lowercase(),
            cell(rule.description)
        );
    }
    out
}
