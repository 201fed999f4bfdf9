//! `--overlay DIR`: a kustomization as the post-renderer of a chart's
//! rendered template files, with Helm 4's post-renderer contract.
//!
//! Go: helm v4.1.4 pkg/action/action.go renderResources, annotateAndMerge
//! and splitAndDeannotate. The rendered files (manifests and hooks; not
//! NOTES.txt, not the chart's `crds/`) are merged into one stream, each
//! document annotated with the file it came from; the overlay builds with
//! that stream as its in-memory resource file `chart.yaml`; the result is
//! split back into files by the annotation (objects the overlay generated
//! go to `generated-by-postrender-<i>.yaml`), and only then are hooks set
//! apart and manifests sorted. So hook annotations survive, patches may
//! add or change them, and `# Source:` lines still name the templates.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

use super::{build_with, InputResources, KustomizeError, Options};
use crate::codec::yaml_write;

/// The file name under which the overlay sees the rendered chart.
pub const INPUT_NAME: &str = "chart.yaml";

/// The annotation that carries a document's template path through the
/// overlay (Helm's `filenameAnnotation`).
pub const FILENAME_ANNOTATION: &str = "postrenderer.helm.sh/postrender-filename";

/// Rendered files after the overlay, and what kustomize warned about.
#[derive(Debug, Default)]
pub struct PostRendered {
    pub files: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// Run the kustomization in `dir` over the rendered `files` (template path
/// → rendered text).
pub fn post_render(dir: &Path, files: &BTreeMap<String, String>) -> Result<PostRendered, KustomizeError> {
    let input = annotate_and_merge(files)?;
    let opts = Options {
        load_restrictions_none: false,
        input: Some(InputResources {
            name: INPUT_NAME.to_string(),
            yaml: input,
        }),
    };
    let build = build_with(dir, &opts)?;
    Ok(PostRendered {
        files: split_and_deannotate(build.objects)?,
        warnings: build.warnings,
    })
}

/// Go: annotateAndMerge. Partials and blank files are skipped; every
/// document gets the file annotation.
fn annotate_and_merge(files: &BTreeMap<String, String>) -> Result<String, KustomizeError> {
    let mut out = String::new();
    for (name, content) in files {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        let docs = super::parse::parse_documents(&fix_doc_separators(content))
            .map_err(|e| KustomizeError::msg(format!("parsing {name}: {e}")))?;
        for doc in docs {
            let mut json = doc
                .to_json()
                .map_err(|e| KustomizeError::msg(format!("parsing {name}: {e}")))?;
            let Some(object) = json.as_object_mut() else {
                return Err(KustomizeError::msg(format!(
                    "parsing {name}: a document is not a mapping"
                )));
            };
            let metadata = object
                .entry("metadata")
                .or_insert_with(|| Json::Object(Default::default()));
            let Some(metadata) = metadata.as_object_mut() else {
                return Err(KustomizeError::msg(format!(
                    "parsing {name}: metadata is not a mapping"
                )));
            };
            let annotations = metadata
                .entry("annotations")
                .or_insert_with(|| Json::Object(Default::default()));
            let Some(annotations) = annotations.as_object_mut() else {
                return Err(KustomizeError::msg(format!(
                    "parsing {name}: metadata.annotations is not a mapping"
                )));
            };
            annotations.insert(FILENAME_ANNOTATION.to_string(), Json::String(name.clone()));
            if !out.is_empty() {
                out.push_str("---\n");
            }
            out.push_str(&to_yaml(&json, name)?);
        }
    }
    Ok(out)
}

/// Go: fixDocSeparators: `---apiVersion: v1` (a separator whose newline a
/// `{{-` ate) becomes `---\napiVersion: v1`.
fn fix_doc_separators(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    for (i, line) in content.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.strip_prefix("---") {
            Some(rest) if !rest.is_empty() && !rest.starts_with([' ', '\t', '\r']) => {
                out.push_str("---\n");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Go: splitAndDeannotate: group the built objects by their file
/// annotation, in output order, and drop the annotation (and an
/// `annotations` map it leaves empty, which Helm keeps as `{}`).
fn split_and_deannotate(objects: Vec<Json>) -> Result<BTreeMap<String, String>, KustomizeError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (i, mut object) in objects.into_iter().enumerate() {
        let mut name = None;
        if let Some(metadata) = object.get_mut("metadata").and_then(Json::as_object_mut) {
            if let Some(annotations) = metadata.get_mut("annotations").and_then(Json::as_object_mut) {
                name = annotations
                    .remove(FILENAME_ANNOTATION)
                    .and_then(|v| v.as_str().map(str::to_string));
                if annotations.is_empty() {
                    metadata.remove("annotations");
                }
            }
        }
        let name = name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("generated-by-postrender-{i}.yaml"));
        let yaml = to_yaml(&object, &name)?;
        let file = files.entry(name).or_default();
        if !file.is_empty() {
            file.push_str("---\n");
        }
        file.push_str(&yaml);
    }
    Ok(files)
}

fn to_yaml(json: &Json, name: &str) -> Result<String, KustomizeError> {
    yaml_write::try_to_yaml(json).map_err(|e| KustomizeError::msg(format!("writing {name}: {}", e.message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(n, c)| (n.to_string(), c.to_string())).collect()
    }

    fn overlay_dir(kustomization: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kustomization.yaml"), kustomization).unwrap();
        dir
    }

    #[test]
    fn documents_go_back_to_their_files_without_the_annotation() {
        let dir = overlay_dir("namePrefix: prod-\n");
        let input = files(&[
            ("web/templates/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"),
            (
                "web/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    keep: x\n",
            ),
            ("web/templates/_helpers.tpl", "not yaml: [\n"),
        ]);
        let out = post_render(dir.path(), &input).unwrap();
        assert_eq!(
            out.files.keys().collect::<Vec<_>>(),
            ["web/templates/cm.yaml", "web/templates/svc.yaml"]
        );
        assert_eq!(
            out.files["web/templates/cm.yaml"],
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    keep: x\n  name: prod-b\n"
        );
        assert_eq!(
            out.files["web/templates/svc.yaml"],
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-web\n"
        );
    }

    #[test]
    fn generated_objects_get_a_generated_file_name() {
        let dir = overlay_dir(
            "configMapGenerator:\n- name: extra\n  literals:\n  - a=b\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
        );
        let input = files(&[(
            "web/templates/svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
        )]);
        let out = post_render(dir.path(), &input).unwrap();
        let generated: Vec<_> = out
            .files
            .keys()
            .filter(|k| k.starts_with("generated-by-postrender-"))
            .collect();
        assert_eq!(generated.len(), 1, "{:?}", out.files);
        assert!(out.files[generated[0]].contains("name: extra"));
    }

    #[test]
    fn a_separator_eaten_by_trimming_is_repaired() {
        assert_eq!(
            fix_doc_separators("a: 1\n---b: 2\n--- # c\n"),
            "a: 1\n---\nb: 2\n--- # c\n"
        );
    }

    #[test]
    fn a_broken_template_output_names_its_file() {
        let dir = overlay_dir("namePrefix: p-\n");
        let input = files(&[("web/templates/bad.yaml", "a: [\n")]);
        let err = post_render(dir.path(), &input).unwrap_err().to_string();
        assert!(err.contains("web/templates/bad.yaml"), "{err}");
    }
}
