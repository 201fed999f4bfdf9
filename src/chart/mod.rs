//! Charts: the model, loading from a directory or archive, `.helmignore`
//! rules, and dependency processing (conditions, tags, aliases).

pub mod model;

pub use model::{Chart, Dependency, File, Lock, Maintainer, Metadata};
