//! Values: coalescing chart defaults with user values, the `--set` parser,
//! and JSON Schema validation.
