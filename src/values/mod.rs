//! Values: coalescing chart defaults with user values, the `--set` parser,
//! and JSON Schema validation.

pub(crate) mod coalesce;
pub mod files;
pub(crate) mod tree;
pub mod strvals;
