//! TEMPORARY stand-in for `engine/render.rs` on the `jinja` branch only:
//! render.rs needs the Go-template engine, which is not merged yet, so this
//! file copies just the boundary items the Jinja engine and `create` use, with the
//! same names and fields. When wiring, delete this file and the `#[path]`
//! line in engine/mod.rs, and declare `pub mod render;` instead.

use super::value::Value;

/// A render that failed, with Helm's message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// The annotation by which a chart opts into the Jinja engine.
pub const ENGINE_ANNOTATION: &str = "capstan.io/engine";

/// One template to execute, with the values it sees (as render.rs).
pub struct Renderable {
    pub text: String,
    pub vals: Value,
    pub base_path: String,
}
