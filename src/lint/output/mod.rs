//! Report formats: text (Helm's `helm lint` layout), JSON (a stable shape,
//! documented in docs/lint.md) and SARIF 2.1.0.

pub mod json;
pub mod sarif;
pub mod text;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}
