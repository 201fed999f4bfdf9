//! Chart repositories, OCI registries, packaging and dependencies: what
//! Helm's pkg/repo, pkg/downloader, pkg/registry and chartutil.Save do,
//! interoperating with Helm v4.1.4 (the same index.yaml, repositories.yaml,
//! Chart.lock digest, archive layout and OCI media types).

pub mod chartrepo;
pub mod dependency;
pub mod downloader;
pub mod error;
pub mod fsutil;
pub mod gotime;
pub mod helmjson;
pub mod http;
pub mod index;
pub mod oci;
pub mod output;
pub mod package;
pub mod paths;
pub mod repofile;
pub mod runtime;
pub mod search;
pub mod urlutil;

pub use downloader::{resolve_chart_ref, ChartPathOptions};
pub use error::{RepoError, Result};
pub use paths::Paths;
pub use runtime::install_crypto_provider;
