//! What lint reports: findings with a severity, a stable rule ID, the file
//! (and template), the object and the field they are about.

use serde::Serialize;

/// Helm's lint severities (pkg/chart/v2/lint/support/message.go), in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// Helm's label: `INFO`, `WARNING`, `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }

    /// SARIF 2.1.0 `level`.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Info => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    /// `Kind/name` or `Kind/namespace/name`.
    pub fn display(&self) -> String {
        let kind = if self.kind.is_empty() { "<no kind>" } else { &self.kind };
        let name = if self.name.is_empty() { "<no name>" } else { &self.name };
        if self.namespace.is_empty() {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{}/{name}", self.namespace)
        }
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable rule ID (see [`super::rules::RULES`]).
    pub rule: &'static str,
    pub message: String,
    /// The file: a manifest path as given, or for charts a path relative to
    /// the chart (`Chart.yaml`, `templates/deployment.yaml`, `templates/`).
    pub file: String,
    /// 1-based line in `file`, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// For rendered charts: the template (`mychart/templates/x.yaml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    /// The field path in the object (`spec.template.spec.containers[0].image`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For charts: the values each finding was seen with (`values.yaml`,
    /// `ci/x-values.yaml`, or the user's `-f/--set` values).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl Finding {
    pub fn new(severity: Severity, rule: &'static str, file: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            severity,
            rule,
            message: message.into(),
            file: file.into(),
            line: None,
            template: None,
            object: None,
            field: None,
            values: Vec::new(),
        }
    }

    /// The identity used to merge the same finding seen with several values
    /// files.
    pub(crate) fn key(&self) -> (Severity, &'static str, &str, Option<&ObjectRef>, Option<&str>, &str) {
        (self.severity, self.rule, &self.file, self.object.as_ref(), self.field.as_deref(), &self.message)
    }
}
