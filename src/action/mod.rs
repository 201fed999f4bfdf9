//! Actions: what a command does, end to end, independent of the command
//! line (`template` today; install, upgrade, rollback ... later).

pub mod template;
