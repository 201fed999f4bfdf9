//! Rendering a chart's templates: the context every template sees, and the
//! engines (Go templates and Jinja) behind one boundary.

pub mod budget;
pub mod context;
pub mod funcs;
pub mod gofmt;
pub mod gotmpl;
pub mod jinja;
pub mod render;
pub mod value;

pub use value::{Map, Object, Value};
