//! Helm-exact data formats: YAML read with Helm's semantics (YAML 1.1 through
//! sigs.k8s.io/yaml), YAML written byte-for-byte like go-yaml v2, JSON like
//! Go's encoding/json, and TOML.

#[cfg(test)]
mod helm_diff_tests;
#[cfg(test)]
pub(crate) mod helm_oracle;
pub mod json;
pub mod toml;
pub mod yaml_read;
pub mod yaml_write;
