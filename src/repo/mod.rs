//! Chart repositories, OCI registries, packaging and dependencies: what
//! Helm's pkg/repo, pkg/downloader, pkg/registry and chartutil.Save do,
//! interoperating with Helm v4.1.4 (the same index.yaml, repositories.yaml,
//! Chart.lock digest, archive layout and OCI media types).
//!
//! Public API (what the commands use):
//! - [`resolve_chart_ref`]`(reference, version, &ChartPathOptions)`: any
//!   chart reference (local path, `repo/name`, archive URL, `--repo`,
//!   `oci://`) to a local path, downloading into the content cache.
//! - [`package::package_dir`] / [`package::save`]: reproducible archives.
//! - [`index::IndexFile`], [`index::write_directory_index`]: index.yaml.
//! - [`repofile::RepoFile`], [`chartrepo::download_index_file`],
//!   [`chartrepo::update_repositories`]: configured repositories.
//! - [`search::search_repos`] / [`search::render`]: `search repo`.
//! - [`downloader::fetch_to`] / [`downloader::fetch_to_cache`] /
//!   [`downloader::expand`]: `pull`.
//! - [`oci::push`], [`oci::pull`], [`oci::login`], [`oci::logout`]: registries.
//! - [`dependency::update`] / [`dependency::build`] / [`dependency::list`].
//! - [`install_crypto_provider`]: ring as rustls' provider (call at start-up).
//! - [`Paths::from_env`]: where configuration and caches live (`$CAPSTAN_HOME`).

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
