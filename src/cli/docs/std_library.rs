//! docs/reference/std.md: the standard Jinja library, from the files
//! engine/jinja/stdlib.rs embeds (`TEMPLATES`).
//!
//! Convention for templates-std/ files: each starts with a `{#- ... -#}`
//! comment describing it; each public macro is immediately preceded by a
//! `{#- ... -#}` comment describing it and its parameters; macros whose
//! name starts with `_` are private and left out. A file or public macro
//! without its comment is an error, so the reference stays complete.

use std::fmt::Write;
use std::sync::LazyLock;

use regex::Regex;

use super::generated_note;
use crate::engine::jinja::stdlib::TEMPLATES;

/// A templates-std file that breaks the documentation convention.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StdDocError {
    #[error("{file}: the file must start with a {{#- ... -#}} comment describing it")]
    NoFileComment { file: String },
    #[error("{file}: macro {name} must be preceded by a {{#- ... -#}} comment describing it and its parameters")]
    NoMacroComment { file: String, name: String },
    #[error("{file}: unclosed {what}")]
    Unclosed { file: String, what: &'static str },
}

/// One documented file.
#[derive(Debug, PartialEq, Eq)]
pub struct StdFile {
    pub name: String,
    pub description: String,
    pub macros: Vec<StdMacro>,
}

/// One public macro.
#[derive(Debug, PartialEq, Eq)]
pub struct StdMacro {
    pub name: String,
    /// The parameter list as written, without the parentheses.
    pub params: String,
    pub description: String,
}

pub fn render() -> Result<String, StdDocError> {
    let files = TEMPLATES
        .iter()
        .map(|(name, text)| parse(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = String::new();
    out.push_str("# The standard library (`std/`)\n\n");
    out.push_str(&generated_note(
        "templates-std/ (the files src/engine/jinja/stdlib.rs embeds)",
    ));
    out.push_str(
        "
The standard library is a set of Jinja macros built into capstan. A chart
using the Jinja engine imports a file by its name, `std/<file>`:

```jinja
{% import \"std/workloads.j2\" as std %}
```

Imported macros run with the caller's context (`values`, `release`,
`chart`, ...). See [jinja.md](../jinja.md) for the engine; macros whose
name starts with `_` are private and not listed here.

| File | Macros |
|---|---|
",
    );
    for file in &files {
        let names: Vec<String> = file
            .macros
            .iter()
            .map(|m| format!("`{}`", m.name))
            .collect();
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} |",
            file.name,
            super::functions::anchor(&file.name),
            names.join(", ")
        );
    }
    for file in &files {
        let _ = write!(out, "\n## {}\n\n{}", file.name, block(&file.description));
        for m in &file.macros {
            let _ = write!(
                out,
                "\n### {}\n\n```jinja\n{{% macro {}({}) %}}\n```\n\n{}",
                m.name,
                m.name,
                m.params,
                block(&m.description)
            );
        }
    }
    Ok(out)
}

/// A description as written (line breaks and indentation carry meaning:
/// parameter lists, examples), preformatted.
fn block(text: &str) -> String {
    format!("```text\n{text}\n```\n")
}

static MACRO_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(").unwrap());

/// Read the documentation of one library file.
pub fn parse(name: &str, text: &str) -> Result<StdFile, StdDocError> {
    let file = name.to_string();
    let comments = comment_spans(text).ok_or_else(|| StdDocError::Unclosed {
        file: file.clone(),
        what: "{# comment",
    })?;
    let first = comments
        .first()
        .filter(|(start, _)| text[..*start].trim().is_empty());
    let Some(&(file_start, file_end)) = first else {
        return Err(StdDocError::NoFileComment { file });
    };
    let mut macros = vec![];
    for caps in MACRO_TAG.captures_iter(text) {
        let tag = caps.get(0).unwrap();
        if comments
            .iter()
            .any(|&(s, e)| s <= tag.start() && tag.start() < e)
        {
            continue;
        }
        let macro_name = caps[1].to_string();
        let params = balanced_params(&text[tag.end()..]).ok_or_else(|| StdDocError::Unclosed {
            file: file.clone(),
            what: "macro parameter list",
        })?;
        if macro_name.starts_with('_') {
            continue;
        }
        // The comment that ends right before the tag (only white space between).
        let before = text[..tag.start()].trim_end();
        let doc = comments
            .iter()
            .find(|&&(s, e)| e == before.len() && s != file_start)
            .ok_or_else(|| StdDocError::NoMacroComment {
                file: file.clone(),
                name: macro_name.clone(),
            })?;
        macros.push(StdMacro {
            name: macro_name,
            params: params.split_whitespace().collect::<Vec<_>>().join(" "),
            description: comment_text(text, doc.0, doc.1),
        });
    }
    Ok(StdFile {
        name: file,
        description: comment_text(text, file_start, file_end),
        macros,
    })
}

/// The byte ranges of every `{# ... #}` comment; `None` if one is unclosed.
fn comment_spans(text: &str) -> Option<Vec<(usize, usize)>> {
    let mut spans = vec![];
    let mut at = 0;
    while let Some(off) = text[at..].find("{#") {
        let start = at + off;
        let end = start + 2 + text[start + 2..].find("#}")? + 2;
        spans.push((start, end));
        at = end;
    }
    Some(spans)
}

/// The text up to the `)` closing a macro's parameter list (quotes and
/// nested brackets respected).
fn balanced_params(rest: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')') if depth == 0 => return Some(&rest[..i]),
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The text of the comment at `start..end` of `text`: delimiters and
/// whitespace-control dashes removed, and the lines after the first
/// dedented to the column where the first line's text starts (`{#- Text`
/// continued by lines aligned under `Text`), or by their common
/// indentation when that is less or the first line is empty.
fn comment_text(text: &str, start: usize, end: usize) -> String {
    let comment = &text[start..end];
    let body = &comment[2..comment.len() - 2];
    let opening = 2 + usize::from(body.starts_with(['-', '+']));
    let inner = body.strip_prefix(['-', '+']).unwrap_or(body);
    let inner = inner.strip_suffix(['-', '+']).unwrap_or(inner);
    let mut lines: Vec<&str> = inner.lines().collect();
    let first_raw = lines.first().copied().unwrap_or_default();
    let first = first_raw.trim().to_string();
    let rest = if lines.is_empty() {
        vec![]
    } else {
        lines.split_off(1)
    };
    let common = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let column = start - text[..start].rfind('\n').map_or(0, |i| i + 1);
    let text_column = column + opening + (first_raw.len() - first_raw.trim_start().len());
    let indent = if first.is_empty() {
        common
    } else {
        common.min(text_column)
    };
    let mut out: Vec<String> = vec![];
    if !first.is_empty() {
        out.push(first);
    }
    out.extend(
        rest.iter()
            .map(|l| l.get(indent..).unwrap_or("").trim_end().to_string()),
    );
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "{#-\n  std/x.j2: things.\n\n  More about them.\n-#}\n{% from \"std/meta.j2\" import name %}\n\n{#- A thing.\n    size  how big (default 1)\n      more on size -#}\n{% macro thing(size=1, extra={}, f=(\"a)\")) %}x{% endmacro %}\n{% macro _private() %}{% endmacro %}\n{#- Other: {% macro inside_a_comment() %} -#}\n{%- macro other() -%}{%- endmacro %}\n";

    #[test]
    fn reads_file_and_macro_comments() {
        let doc = parse("std/x.j2", LIB).unwrap();
        assert_eq!(doc.description, "std/x.j2: things.\n\nMore about them.");
        let names: Vec<&str> = doc.macros.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["thing", "other"]);
        assert_eq!(doc.macros[0].params, "size=1, extra={}, f=(\"a)\")");
        assert_eq!(
            doc.macros[0].description,
            "A thing.\nsize  how big (default 1)\n  more on size"
        );
        assert_eq!(
            doc.macros[1].description,
            "Other: {% macro inside_a_comment() %}"
        );
    }

    #[test]
    fn a_public_macro_without_comment_is_an_error() {
        let err = parse("std/x.j2", "{#- x -#}\n{% macro a() %}{% endmacro %}\n").unwrap_err();
        assert_eq!(
            err,
            StdDocError::NoMacroComment {
                file: "std/x.j2".into(),
                name: "a".into()
            }
        );
        let err = parse("std/x.j2", "{% macro a() %}{% endmacro %}\n").unwrap_err();
        assert_eq!(
            err,
            StdDocError::NoFileComment {
                file: "std/x.j2".into()
            }
        );
        assert!(parse("std/x.j2", "{#- x -#}\n{% macro _a() %}{% endmacro %}\n").is_ok());
    }

    #[test]
    fn every_embedded_file_follows_the_convention() {
        let text = render().unwrap();
        for (name, _) in TEMPLATES {
            assert!(text.contains(&format!("\n## {name}\n")), "{name}");
        }
    }
}
