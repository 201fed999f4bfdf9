//! The error type of the repository layer: Helm's texts where Helm has one,
//! plus the cause (status, host, digest) a user needs to act on it.

use std::path::PathBuf;

use crate::chart::ChartError;

/// Why a repository, registry, packaging or dependency operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A failure Helm describes with a sentence of its own.
    #[error("{0}")]
    Message(String),
    /// (The io::Error is shown, not chained, so `{:#}` prints it once.)
    #[error("{}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A server answered with something other than 200 (Helm's getter text,
    /// followed by a hint for the statuses users trip over).
    #[error("failed to fetch {url} : {status}{}", status_hint(*code))]
    HttpStatus { url: String, status: String, code: u16 },
    /// The host could not be reached or the connection failed.
    #[error("{0}")]
    Network(String),
    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    Digest { what: String, expected: String, actual: String },
}

fn status_hint(code: u16) -> &'static str {
    match code {
        401 => " (the server wants credentials: pass --username/--password, or add them to the repository)",
        403 => " (the server refused these credentials)",
        404 => " (not found: check the URL, or run 'capstan repo update')",
        _ => "",
    }
}

pub type Result<T, E = RepoError> = std::result::Result<T, E>;

impl RepoError {
    pub fn msg(s: impl Into<String>) -> RepoError {
        RepoError::Message(s.into())
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> RepoError {
        RepoError::Io { path: path.into(), err: source }
    }

    /// Prefix the message with context, keeping the kind where it matters.
    pub fn context(self, ctx: impl std::fmt::Display) -> RepoError {
        RepoError::Message(format!("{ctx}: {self}"))
    }
}

/// Attach a path to an io::Error.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::result::Result<T, std::io::Error> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| RepoError::io(path, e))
    }
}
