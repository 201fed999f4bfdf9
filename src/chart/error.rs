//! Errors of chart loading and dependency processing. Each displays the
//! text Helm prints after `Error: `.

use super::archive::ArchiveError;
use super::ignore::IgnoreError;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// Helm's `ValidationError` (metadata checks).
    #[error("validation: {0}")]
    Validation(String),
    /// A subchart under `charts/` failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart { name: String, parent: String, source: Box<ChartError> },
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// A chart file that does not parse (`cannot load values.yaml: ...`).
    #[error("cannot load {file}: {message}")]
    Parse { file: String, message: String },
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Ignore(#[from] IgnoreError),
    /// Dependencies listed in Chart.yaml with no chart under `charts/`
    /// (Helm's action.CheckDependencies).
    #[error("found in Chart.yaml, but missing in charts/ directory: {}", .0.join(", "))]
    MissingDependencies(Vec<String>),
    /// A chart whose type cannot be installed (`library charts are not installable`).
    #[error("{0} charts are not installable")]
    NotInstallable(String),
    /// Any other failure, with Helm's text where Helm has one.
    #[error("{0}")]
    Other(String),
}

impl ChartError {
    pub(crate) fn other(msg: impl Into<String>) -> ChartError {
        ChartError::Other(msg.into())
    }
}

/// Go's text for an OS error (`open X: no such file or directory`).
pub(crate) fn go_io_error(op: &str, path: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "no such file or directory".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            };
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                None => s,
            }
        }
    };
    format!("{op} {path}: {text}")
}
