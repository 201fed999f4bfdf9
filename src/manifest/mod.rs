//! Rendered manifests: splitting into documents, hooks, install order, and
//! printing like `helm template`.
