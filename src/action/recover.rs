//! `recover NAME`: take over the lock of a release whose operation died
//! (killed, power loss) and settle the revision it left pending, without
//! starting another operation. Fails at once if a live operation holds the
//! lock.

use std::time::Duration;

use super::common::{settle_interrupted, validate_release_name, ActionError, Configuration, Recovery};

/// What `recover` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    /// The pid of the operation whose stale lock was taken over, if any.
    pub lock_taken_over_from: Option<u32>,
    /// The revision that was settled, if one was pending.
    pub recovery: Option<Recovery>,
}

pub fn recover(cfg: &Configuration, namespace: &str, name: &str) -> Result<Recovered, ActionError> {
    validate_release_name(name).map_err(|_| ActionError::msg(format!("release name is invalid: {name}")))?;
    let guard = cfg.store.acquire_lock(namespace, name, Duration::from_secs(60))?;
    let holder = guard.taken_over().cloned();
    let recovery = settle_interrupted(cfg, namespace, name, holder.as_ref())?;
    guard.release()?;
    if recovery.is_none() && holder.is_none() {
        // Nothing to settle: the release must at least exist.
        cfg.store.latest(namespace, name)?;
    }
    Ok(Recovered { lock_taken_over_from: holder.map(|h| h.pid), recovery })
}
