//! The `kube` target and the Kubernetes release stores: a real cluster,
//! through kube-rs.
//!
//! - [`connect`]: kubeconfig, contexts, in-cluster config, Helm's flags.
//! - [`client`]: the synchronous client (raw JSON requests, discovery).
//! - [`target`]: [`KubeTarget`], server-side apply, delete, wait, hooks.
//! - [`store`]: [`KubeStore`], Helm's `secret` and `configmap` drivers,
//!   record for record, so Helm and capstan share releases.
//!
//! All kube-rs code of the crate lives here, so the render path never
//! links against the network.

pub mod client;
pub mod connect;
pub mod store;
pub mod target;

use thiserror::Error;

pub use client::{KubeClient, ResourceInfo};
pub use connect::ConnectOptions;
pub use store::{KubeStore, StorageDriver};
pub use target::{ApplyOptions, KubeTarget};

/// Failures talking to a cluster.
#[derive(Debug, Error)]
pub enum KubeError {
    /// No usable configuration.
    #[error("{0}")]
    Config(String),

    /// The server could not be reached (Go: helm's "Kubernetes cluster
    /// unreachable").
    #[error("Kubernetes cluster unreachable: {server}: {message}")]
    Unreachable { server: String, message: String },

    /// The server answered with an error status.
    #[error("{}", api_message(*.code, .reason, .message))]
    Api { code: u16, reason: String, message: String },

    /// Discovery does not know the kind (Go: meta.NoKindMatchError).
    #[error("no matches for kind {kind:?} in version {api_version:?}: ensure CRDs are installed first")]
    UnknownKind { api_version: String, kind: String },

    #[error("{0}")]
    Other(String),
}

fn api_message(code: u16, reason: &str, message: &str) -> String {
    match (code, message.is_empty()) {
        (401, _) => format!(
            "Kubernetes cluster unreachable: the server has asked for the client to provide credentials (401 {reason}): \
             check the kubeconfig user or --kube-token"
        ),
        (_, true) => format!("the server answered {code} {reason}"),
        (_, false) => message.to_string(),
    }
}

impl KubeError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, KubeError::Api { code: 404, .. })
    }

    pub fn is_already_exists(&self) -> bool {
        matches!(self, KubeError::Api { code: 409, reason, .. } if reason == "AlreadyExists")
    }

    /// 409 Conflict: a stale resourceVersion or a server-side apply conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, KubeError::Api { code: 409, reason, .. } if reason == "Conflict")
    }
}
