//! The error type of a kustomize build.

/// Why a kustomization could not be built. The message follows kustomize's
/// own wording where the corpus or users are likely to see it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KustomizeError {
    /// Any build failure, with kustomize-like text.
    #[error("{0}")]
    Msg(String),
    /// Remote bases and resources (URLs, git) need the network; the text
    /// names the URL and where it was referenced.
    #[error("{0}")]
    Remote(String),
    /// A feature kustomize has that capstan does not implement.
    #[error("{0}")]
    Unsupported(String),
}

impl KustomizeError {
    pub fn msg(m: impl Into<String>) -> KustomizeError {
        KustomizeError::Msg(m.into())
    }

    /// A remote resource or base that cannot be fetched offline.
    pub fn remote(url: &str) -> KustomizeError {
        KustomizeError::Remote(format!("{url}: remote resources are not supported offline"))
    }

    /// A kustomize feature capstan does not implement.
    pub fn unsupported(what: &str) -> KustomizeError {
        KustomizeError::Unsupported(format!("{what} is not supported"))
    }

    /// kyaml errors.WrapPrefixf: `prefix: err`, keeping the kind of error.
    pub fn wrap(self, prefix: impl AsRef<str>) -> KustomizeError {
        let p = prefix.as_ref();
        match self {
            KustomizeError::Msg(m) => KustomizeError::Msg(format!("{p}: {m}")),
            KustomizeError::Remote(m) => KustomizeError::Remote(format!("{p}: {m}")),
            KustomizeError::Unsupported(m) => KustomizeError::unsupported(&format!("{p}: {m}")),
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
