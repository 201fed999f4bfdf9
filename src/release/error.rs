//! Store errors, with Helm's messages where Helm has one
//! (Go: pkg/storage/driver/driver.go, pkg/action/action.go errPending).

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// Go: driver.ErrReleaseNotFound.
    #[error("release: not found")]
    NotFound { namespace: String, name: String, version: Option<u32> },

    /// Go: driver.ErrReleaseExists.
    #[error("release: already exists")]
    AlreadyExists { namespace: String, name: String, version: u32 },

    /// Go: driver.ErrInvalidKey (a record without a name or revision).
    #[error("release: invalid key")]
    InvalidKey,

    /// Go: driver.NewErrNoDeployedReleases (`"%q %s"`).
    #[error("{name:?} has no deployed releases")]
    NoDeployedReleases { namespace: String, name: String },

    /// Another operation holds the release's lease. Helm says only the first
    /// sentence (errPending); we add who holds it and since when.
    #[error(
        "another operation (install/upgrade/rollback) is in progress for release {name:?} in namespace {namespace:?} (held by pid {pid} since {since})"
    )]
    Busy { namespace: String, name: String, pid: u32, since: String },

    /// A record that does not encode or decode.
    #[error("{0}")]
    Codec(String),

    /// A bad `--filter` regex or `--selector`.
    #[error("{0}")]
    InvalidFilter(String),

    /// A store on a cluster failed (the API server's message).
    #[error("{0}")]
    Remote(String),

    #[error("local store {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("local store: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error(
        "local store {path}: schema version {found} is newer than this capstan supports ({supported}); upgrade capstan"
    )]
    SchemaTooNew { path: PathBuf, found: i64, supported: i64 },

    /// A lease we held was taken over or is gone (renewal or release found
    /// another owner).
    #[error("lost the lease on release {name:?} in namespace {namespace:?}: another operation took it over")]
    LeaseLost { namespace: String, name: String },
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound { .. })
    }

    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }

    pub(crate) fn not_found(namespace: &str, name: &str, version: Option<u32>) -> StoreError {
        StoreError::NotFound { namespace: namespace.to_string(), name: name.to_string(), version }
    }
}
