//! Helm-exact data formats: YAML read with Helm's semantics (YAML 1.1 through
//! sigs.k8s.io/yaml), YAML written byte-for-byte like go-yaml v2 (`toYaml`)
//! and v3 (`toYamlPretty`), JSON like Go's encoding/json, and TOML like
//! BurntSushi/toml. Differential tests compare each with the real helm when
//! it is installed (shared/tools/install-peers.sh).

#[cfg(test)]
mod helm_diff_tests;
#[cfg(test)]
pub(crate) mod helm_oracle;
pub mod go_string;
pub mod json;
pub mod libyaml_guard;
pub mod toml;
pub mod yaml_read;
pub mod yaml_write;
