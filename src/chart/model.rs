//! The in-memory chart, shaped like Helm's `chart.Chart`: metadata from
//! Chart.yaml, values, schema, templates, other files, and loaded subcharts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A loaded chart and, recursively, its subcharts from `charts/`.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// Chart.lock (or requirements.lock for apiVersion v1).
    pub lock: Option<Lock>,
    /// Every file under `templates/` (manifests, `_helpers.tpl` partials,
    /// NOTES.txt, ...), named by their path in the chart
    /// (`templates/deployment.yaml`), sorted by name.
    pub templates: Vec<File>,
    /// values.yaml parsed the way Helm reads it (every number a float64,
    /// several YAML documents merged). After
    /// [`dependencies::process`](super::dependencies::process), a chart with
    /// enabled dependencies holds its subcharts' values and imported values
    /// too, as in Helm.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// values.yaml exactly as written, for `show values`.
    pub raw_values: Option<Vec<u8>>,
    /// values.schema.json as written.
    pub schema: Option<Vec<u8>>,
    /// Every other file (README, crds/, files/, `.prov` files under charts/,
    /// and for apiVersion v1 requirements.yaml/.lock), relative path names,
    /// after `.helmignore`, in the order Helm reads them (directory walk in
    /// byte order, or archive order). Chart.yaml, values.yaml,
    /// values.schema.json, Chart.lock and templates/ and charts/ are not in here.
    pub files: Vec<File>,
    /// Subcharts loaded from `charts/` (directories and `.tgz`), in name
    /// order. After dependency processing (as in Helm): the charts no
    /// dependency names first, then one per enabled dependency in Chart.yaml
    /// order, aliased copies named by their alias.
    pub dependencies: Vec<Chart>,
}

/// One file of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    /// Shared, so that `.Files` and copies of the chart hold the bytes
    /// without copying them (a chart may carry megabytes of CRDs); a large
    /// file of a chart directory is a memory map, read only where touched.
    pub data: bytes::Bytes,
}

impl File {
    /// The contents as text (invalid UTF-8 replaced, as Go's string
    /// conversion prints it).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        lossy_text(&self.data)
    }
}

/// Bytes as text, invalid UTF-8 replaced by U+FFFD. Validating first is
/// much faster than `String::from_utf8_lossy` on the (usual) valid input.
pub fn lossy_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Chart.yaml.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, rename = "apiVersion", skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(default, rename = "appVersion", skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, rename = "kubeVersion", skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Maintainer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// One entry of Chart.yaml `dependencies:` (or requirements.yaml).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Dependency {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub repository: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, rename = "import-values", skip_serializing_if = "Vec::is_empty")]
    pub import_values: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

/// Chart.lock.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Lock {
    #[serde(default)]
    pub generated: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// CRD files: every file under `crds/` (Helm's `CRDObjects`).
    pub fn crd_files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| f.name.starts_with("crds/"))
    }

    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == "library"
    }
}
