//! Actions: what a command does, end to end, independent of the command
//! line. `template` renders; the release actions (install, upgrade,
//! rollback, uninstall, history, status, list, get, diff, recover, test)
//! work on a [`crate::release::Store`] and a [`crate::cluster::Target`]
//! given in a [`Configuration`], as Helm's pkg/action does with its
//! Configuration.

pub mod common;
pub mod diff;
pub mod get;
pub mod history;
pub mod hooks;
pub mod install;
pub mod list;
pub mod recover;
pub mod release_testing;
pub mod rollback;
pub mod status;
pub mod template;
pub mod uninstall;
pub mod upgrade;

pub use common::{ActionError, Configuration, DryRun};
