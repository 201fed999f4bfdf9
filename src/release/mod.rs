//! Releases: the record (Helm v4's own JSON), its storage codec
//! (base64(gzip(JSON))), and the [`Store`] where records live, with the
//! `memory` and `local` (embedded SQLite) drivers and per-release operation
//! leases. The actions (install, upgrade, rollback, ...) build on [`Store`].

pub mod codec;
pub mod error;
pub mod from_chart;
pub mod gojson;
pub mod lease;
pub mod memory;
pub mod record;
pub mod selector;
pub mod sqlite;
pub mod store;
pub mod time;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod store_tests;

pub use codec::{
    decode_release, decode_release_runs, encode_release, encode_release_level, encode_release_runs, release_from_json,
    release_to_json, ReusableRuns, HELM_GZIP_LEVEL,
};
pub use error::StoreError;
pub use lease::{LeaseHolder, LockGuard};
pub use memory::MemoryStore;
pub use record::{
    release_key, ChartFile, ChartMetadata, ChartRecord, Dependency, Hook, HookDeletePolicy, HookEvent, HookExecution,
    HookOutputLogPolicy, HookPhase, Info, Lock, Maintainer, Release, Status,
};
pub use selector::LabelSelector;
pub use sqlite::{default_state_dir, SqliteStore, SCHEMA_VERSION, STATE_DB_FILE};
pub use store::{Change, ListFilter, Store, StoredObject};
pub use time::GoTime;
