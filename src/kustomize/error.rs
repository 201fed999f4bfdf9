//! The error type of a kustomize build.

/// Why a kustomization could not be built. The message follows kustomize's
/// own wording where the corpus or users are likely to see it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KustomizeError {
    /// Any build failure, with kustomize-like text.
    #[error("{0}")]
    Msg(String),
    /// Remote bases and resources (URLs, git) need the network.
    #[error("{0}: remote resources are not supported offline")]
    Remote(String),
    /// A feature kustomize has that capstan does not implement.
    #[error("{0} is not supported")]
    Unsupported(String),
}

impl KustomizeError {
    pub fn msg(m: impl Into<String>) -> KustomizeError {
        KustomizeError::Msg(m.into())
    }

    /// kyaml errors.WrapPrefixf: `prefix: err`.
    pub fn wrap(self, prefix: impl AsRef<str>) -> KustomizeError {
        match self {
            KustomizeError::Msg(m) => KustomizeError::Msg(format!("{}: {m}", prefix.as_ref())),
            other => KustomizeError::Msg(format!("{}: {other}", prefix.as_ref())),
        }
    }
}

impl From<super::node::NodeError> for KustomizeError {
    fn from(e: super::node::NodeError) -> KustomizeError {
        KustomizeError::Msg(e.0)
    }
}

impl From<super::parse::ParseError> for KustomizeError {
    fn from(e: super::parse::ParseError) -> KustomizeError {
        KustomizeError::Msg(e.0)
    }
}
