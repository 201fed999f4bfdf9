//! Rendered manifests: splitting template output into documents, telling
//! hooks from plain manifests, sorting in Helm's install order, and printing
//! the stream `helm template` prints.
//!
//! Matched against Helm v4: pkg/release/v1/util/{manifest.go,
//! manifest_sorter.go, kind_sorter.go} and pkg/action/action.go
//! renderResources.

use std::collections::BTreeMap;

use crate::codec::json::{json_kind, unmarshal_type_error};
use crate::codec::yaml_read;

pub mod order;

pub use order::{INSTALL_ORDER, UNINSTALL_ORDER};

/// One plain (non-hook) document.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The template path it came from, e.g. `mychart/templates/svc.yaml`.
    pub source: String,
    /// The document text (leading whitespace trimmed, as Helm keeps it).
    pub content: String,
    pub head: Head,
}

/// The identifying fields of a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub annotations: BTreeMap<String, String>,
}

/// A document annotated `helm.sh/hook`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    pub source: String,
    pub manifest: String,
    pub events: Vec<HookEvent>,
    pub weight: i64,
    pub delete_policies: Vec<String>,
    pub output_log_policies: Vec<String>,
}

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    Test,
}

impl HookEvent {
    pub fn parse(s: &str) -> Option<HookEvent> {
        Some(match s {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            // "test-success" is Helm 2's name, still accepted.
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }
}

pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// A rendered document that is not a Kubernetes object header we can read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("YAML parse error on {source_path}: {message}")]
pub struct ManifestError {
    pub source_path: String,
    pub message: String,
}

/// Split one rendered file into documents as Helm v4.1's `SplitManifests`
/// does (pkg/release/v1/util/manifest.go): the text trimmed, split on the
/// regexp `(?:^|\s*\n)---\s*`, empty pieces dropped and the rest trimmed.
/// The separator takes every blank line after its `---`, so a `---` right
/// below another is not a separator but a document of its own, as in Helm.
pub fn split_documents(text: &str) -> Vec<&str> {
    // RE2's `\s`.
    fn after_spaces(text: &str, mut at: usize) -> usize {
        let bytes = text.as_bytes();
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            at += 1;
        }
        at
    }
    let text = text.trim();
    let mut docs = vec![];
    let mut start = 0;
    if text.starts_with("---") {
        docs.push("");
        start = after_spaces(text, 3);
    }
    // A separator's `\s*\n` before the `---` only trims the piece before
    // it, which is trimmed anyway.
    let finder = memchr::memmem::Finder::new(b"\n---");
    while let Some(i) = finder.find(&text.as_bytes()[start..]) {
        docs.push(&text[start..start + i]);
        start = after_spaces(text, start + i + 4);
    }
    docs.push(&text[start..]);
    docs.into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| d.trim())
        .collect()
}

/// Hooks and manifests of a render, each sorted by kind in `order`
/// (stable: file order, then document order, breaks ties).
#[derive(Debug, Default)]
pub struct Sorted {
    pub hooks: Vec<Hook>,
    pub manifests: Vec<Manifest>,
}

/// Helm's `SortManifests`: files in path order (partials and blank files
/// skipped), documents in file order, hooks set apart.
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
    order: &[&str],
) -> Result<Sorted, ManifestError> {
    let mut sorted = Sorted::default();
    let mut docs: Vec<(&String, &str)> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        docs.extend(split_documents(content).into_iter().map(|doc| (path, doc)));
    }
    let heads = read_heads(&docs);
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let head = head.map_err(|message| ManifestError {
            source_path: path.clone(),
            message,
        })?;
        let Some(hook_types) = head.annotations.get(HOOK_ANNOTATION) else {
            sorted.manifests.push(Manifest {
                source: path.clone(),
                content: doc.to_string(),
                head,
            });
            continue;
        };
        let mut events = vec![];
        let mut unknown = false;
        for t in hook_types.split(',') {
            match HookEvent::parse(&t.trim().to_lowercase()) {
                Some(e) => events.push(e),
                None => {
                    unknown = true;
                    break;
                }
            }
        }
        if unknown {
            // Helm logs "skipping unknown hooks" and drops the document.
            continue;
        }
        let list = |key: &str| -> Vec<String> {
            head.annotations
                .get(key)
                .map(|v| v.split(',').map(|p| p.trim().to_lowercase()).collect())
                .unwrap_or_default()
        };
        sorted.hooks.push(Hook {
            name: head.name.clone(),
            kind: head.kind.clone(),
            source: path.clone(),
            manifest: doc.to_string(),
            events,
            weight: head
                .annotations
                .get(HOOK_WEIGHT_ANNOTATION)
                .and_then(|w| go_atoi(w))
                .unwrap_or(0),
            delete_policies: list(HOOK_DELETE_ANNOTATION),
            output_log_policies: list(HOOK_OUTPUT_LOG_ANNOTATION),
        });
    }
    sorted
        .manifests
        .sort_by(|a, b| order::compare_kinds(&a.head.kind, &b.head.kind, order));
    sorted
        .hooks
        .sort_by(|a, b| order::compare_kinds(&a.kind, &b.kind, order));
    Ok(sorted)
}

/// [`read_head`] of each document, on every core when there is enough
/// YAML to read (charts whose CRDs are templates render megabytes).
fn read_heads(docs: &[(&String, &str)]) -> Vec<Result<Head, String>> {
    /// Below this much YAML a helper thread costs more than it saves.
    const PARALLEL_FROM: usize = 256 * 1024;
    let total = docs.iter().map(|(_, doc)| doc.len()).sum();
    crate::parallel::map(docs, crate::parallel::threads_for(total, PARALLEL_FROM), |(_, doc)| read_head(doc))
}

/// Go's strconv.Atoi: optional sign, decimal digits, nothing else.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Read apiVersion, kind, metadata.name/namespace/annotations the way Helm
/// unmarshals its `SimpleHead` (a non-mapping document is an error, and so
/// is an annotation whose value is not a string).
pub fn read_head(doc: &str) -> Result<Head, String> {
    let value = yaml_read::from_str_head(doc).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    let obj = match &value {
        serde_json::Value::Object(o) => o,
        serde_json::Value::Null => return Ok(Head::default()),
        other => {
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: {}",
                unmarshal_type_error(other, "util.SimpleHead")
            ))
        }
    };
    let string_field = |v: Option<&serde_json::Value>, field: &str| -> Result<String, String> {
        match v {
            None | Some(serde_json::Value::Null) => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {field} of type string",
                json_kind(other)
            )),
        }
    };
    let mut head = Head {
        api_version: string_field(obj.get("apiVersion"), "SimpleHead.apiVersion")?,
        kind: string_field(obj.get("kind"), "SimpleHead.kind")?,
        ..Head::default()
    };
    if let Some(serde_json::Value::Object(meta)) = obj.get("metadata") {
        head.name = string_field(meta.get("name"), "SimpleHead.metadata.name")?;
        head.namespace = match meta.get("namespace") {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        if let Some(serde_json::Value::Object(ann)) = meta.get("annotations") {
            for (k, v) in ann {
                let v = string_field(Some(v), "SimpleHead.metadata.annotations")?;
                head.annotations.insert(k.clone(), v);
            }
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        assert_eq!(split_documents("a: 1\n---\nb: 2\n"), vec!["a: 1", "b: 2"]);
        // The separator takes the blank lines after it, so the next `---`
        // is a document (what helm 4.1.4 prints for these).
        assert_eq!(split_documents("\n\n---\na: 1\n---   \n\n---\n"), vec!["a: 1", "---"]);
        assert_eq!(split_documents("\n\n---\n\n---\n\n---\n\n---\n\n"), vec!["---", "---"]);
        assert_eq!(split_documents("---   \n\n---\nkind: A\n---kind: B\n"), vec!["---\nkind: A", "kind: B"]);
        // `---` followed by text on the same line still separates.
        assert_eq!(split_documents("a: 1\n--- # c\nb: 2"), vec!["a: 1", "# c\nb: 2"]);
        // Only at the start of a line.
        assert_eq!(split_documents("a: x---y\n"), vec!["a: x---y"]);
        assert_eq!(split_documents("a: 1\n  ---\nb: 2"), vec!["a: 1\n  ---\nb: 2"]);
    }

    #[test]
    fn heads_of_large_renders_are_read_in_order_and_the_first_error_wins() {
        let padding = format!("  padding: \"{}\"\n", "p".repeat(4000));
        let mut files = BTreeMap::new();
        for k in 0..100 {
            let kind = if k % 2 == 0 { "Service" } else { "Namespace" };
            let text = format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: n{k:03}\ndata:\n{padding}---\nkind: ConfigMap\nmetadata:\n  name: c{k:03}\n");
            files.insert(format!("c/templates/f{k:03}.yaml"), text);
        }
        let sorted = sort_manifests(&files, crate::manifest::order::INSTALL_ORDER).unwrap();
        let names: Vec<&str> = sorted.manifests.iter().map(|m| m.head.name.as_str()).collect();
        assert_eq!(names.len(), 200);
        // Namespaces, then ConfigMaps, then Services, each in file order.
        assert_eq!(&names[..3], ["n001", "n003", "n005"]);
        assert_eq!(&names[50..53], ["c000", "c001", "c002"]);
        assert_eq!(&names[150..153], ["n000", "n002", "n004"]);
        files.insert("c/templates/f090.yaml".into(), "- a list\n".into());
        files.insert("c/templates/f020.yaml".into(), "kind: [".into());
        let err = sort_manifests(&files, crate::manifest::order::INSTALL_ORDER).unwrap_err();
        assert_eq!(err.source_path, "c/templates/f020.yaml");
    }

    #[test]
    fn atoi_is_strict() {
        assert_eq!(go_atoi("-5"), Some(-5));
        assert_eq!(go_atoi("+3"), Some(3));
        assert_eq!(go_atoi(" 3"), None);
        assert_eq!(go_atoi("3.0"), None);
    }
}
