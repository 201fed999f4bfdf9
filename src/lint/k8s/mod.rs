//! Kubernetes API knowledge: the API types of each release (generated from
//! the Kubernetes OpenAPI schemas, see `gen_schemas.py`), validation of an
//! object against them and against CRD schemas, name/label/quantity formats,
//! and removed or deprecated apiVersions.

pub mod apis;
pub mod crd;
pub mod formats;
pub mod schema;
pub mod validate;
