//! Charts: the model, loading from a directory or archive, `.helmignore`
//! rules, and dependency processing (conditions, tags, aliases).
//!
//! Public API:
//! - [`load`]`(&Path) -> Result<Chart, ChartError>` loads a chart directory
//!   or `.tgz` (Helm's `loader.Load`); [`load_with`] takes [`LoadOptions`]
//!   (archive size limits) and also returns the messages Helm logs while
//!   loading ([`Warning`], printable in Helm's slog form).
//! - [`dependencies::check`] is Helm's `CheckDependencies` (every dependency in
//!   Chart.yaml must be present under `charts/`), and
//!   [`dependencies::process`]`(&mut Chart, &user_values)` is Helm's
//!   `ProcessDependencies`: conditions, tags, aliases, import-values, and
//!   removal of disabled subcharts.
//! - [`version`] holds Helm's (Masterminds) version and constraint rules;
//!   [`kube_version_satisfies`] is the `kubeVersion:` check.
//! - [`ignore::go_filepath_match`] is Go's `filepath.Match`.
//!
//! Errors display Helm's own texts (what `helm` prints after `Error: `).

pub mod archive;
pub mod dependencies;
pub mod error;
pub(crate) mod gostr;
pub mod ignore;
pub mod loader;
pub mod log;
pub mod metadata;
pub mod model;
pub mod version;

pub use archive::Limits;
pub use error::ChartError;
pub use loader::{load, load_with, LoadOptions, Loaded};
pub use log::{Level, Warning};
pub use model::{Chart, Dependency, File, Lock, Maintainer, Metadata};

/// Helm's kubeVersion check (pkg/action/action.go renderResources): whether
/// `version` (e.g. `v1.35.0`) satisfies the chart's `kubeVersion` constraint.
pub fn kube_version_satisfies(constraint: &str, version: &str) -> bool {
    version::is_compatible_range(constraint, version)
}
