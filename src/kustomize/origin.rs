//! Origin tracking for `buildMetadata: [originAnnotations,
//! transformerAnnotations]` (kustomize api/resource/origin.go): where each
//! resource came from (a file path, or the generator that made it) and
//! which transformers touched it, written as YAML into annotations.

use super::node::{resolve, Node, Tag};
use super::parse::parse_first_document;

/// The configuredBy part: the plugin (builtin or from a config) that acted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfiguredBy {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// resource.Origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    pub path: String,
    pub repo: String,
    pub ref_: String,
    pub configured_in: String,
    pub configured_by: ConfiguredBy,
}

/// Go path/filepath.Join followed by Clean.
pub fn join_clean(a: &str, b: &str) -> String {
    let joined = match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    };
    clean(&joined)
}

/// Go path.Clean.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(l) if *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let s = out.join("/");
    if rooted {
        format!("/{s}")
    } else if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// A scalar as go-yaml v3 writes a string (plain when it reads back as
/// the same string, else double-quoted).
fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && resolve(s) == Tag::Str
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains('\n');
    if plain_ok {
        s.to_string()
    } else {
        crate::codec::json::to_json(&serde_json::Value::String(s.to_string()))
    }
}

impl Origin {
    /// Origin.Append: a path below this origin.
    pub fn append(&self, path: &str) -> Origin {
        let mut o = self.clone();
        o.path = join_clean(&self.path, path);
        o
    }

    /// The fields as YAML lines (kyaml.Marshal), each indented by `indent`.
    fn lines(&self, indent: &str, out: &mut Vec<String>) {
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                out.push(format!("{indent}{k}: {}", scalar(v)));
            }
        };
        push("path", &self.path);
        push("repo", &self.repo);
        push("ref", &self.ref_);
        push("configuredIn", &self.configured_in);
        let b = &self.configured_by;
        if *b != ConfiguredBy::default() {
            out.push(format!("{indent}configuredBy:"));
            for (k, v) in [("apiVersion", &b.api_version), ("kind", &b.kind), ("name", &b.name), ("namespace", &b.namespace)] {
                if !v.is_empty() {
                    out.push(format!("{indent}  {k}: {}", scalar(v)));
                }
            }
        }
    }

    /// Origin.String.
    pub fn to_yaml(&self) -> String {
        let mut lines = Vec::new();
        self.lines("", &mut lines);
        if lines.is_empty() {
            return "{}\n".into();
        }
        lines.join("\n") + "\n"
    }

    fn from_node(n: &Node) -> Origin {
        let s = |k: &str| n.get(k).map(|v| v.get_value().to_string()).unwrap_or_default();
        let by = n.get("configuredBy");
        let b = |k: &str| by.and_then(|x| x.get(k)).map(|v| v.get_value().to_string()).unwrap_or_default();
        Origin {
            path: s("path"),
            repo: s("repo"),
            ref_: s("ref"),
            configured_in: s("configuredIn"),
            configured_by: ConfiguredBy { api_version: b("apiVersion"), kind: b("kind"), name: b("name"), namespace: b("namespace") },
        }
    }

    /// Resource.GetOrigin: the annotation's YAML read back.
    pub fn parse(text: &str) -> Option<Origin> {
        let n = parse_first_document(text).ok()??;
        Some(Origin::from_node(&n))
    }
}

/// Transformations.String: a YAML list of origins.
pub fn transformations_to_yaml(list: &[Origin]) -> String {
    let mut out = String::new();
    for o in list {
        let mut lines = Vec::new();
        o.lines("  ", &mut lines);
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                out.push_str("- ");
                out.push_str(&l[2..]);
            } else {
                out.push_str(l);
            }
            out.push('\n');
        }
    }
    out
}

/// Resource.GetTransformations.
pub fn parse_transformations(text: &str) -> Vec<Origin> {
    match parse_first_document(text) {
        Ok(Some(Node::Seq(items))) => items.iter().map(Origin::from_node).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_paths_like_go() {
        assert_eq!(join_clean("", "../base"), "../base");
        assert_eq!(join_clean("../base", "namespace.yaml"), "../base/namespace.yaml");
        assert_eq!(join_clean("a", "../b"), "b");
        assert_eq!(join_clean("", "./x.yaml"), "x.yaml");
    }

    #[test]
    fn writes_origins_as_kyaml_does() {
        let o = Origin {
            configured_in: "kustomization.yaml".into(),
            configured_by: ConfiguredBy { api_version: "builtin".into(), kind: "PrefixTransformer".into(), ..Default::default() },
            ..Default::default()
        };
        assert_eq!(o.to_yaml(), "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: PrefixTransformer\n");
        assert_eq!(
            transformations_to_yaml(std::slice::from_ref(&o)),
            "- configuredIn: kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: PrefixTransformer\n"
        );
        assert_eq!(Origin::parse(&o.to_yaml()), Some(o));
    }
}
