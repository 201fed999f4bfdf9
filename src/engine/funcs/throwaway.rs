//! Renders that are checked and dropped, never written out or installed
//! (`lint`'s): such a process may make each costly random result once and
//! hand it to every later call, one RSA key for every certificate
//! (`certs::rsa_pool`) and one bcrypt hash per password. What the
//! templates get keeps its form (valid keys, hashes that verify) but not
//! its freshness, which nothing checks in a render no one sees. Off by
//! default: `template`, `install` and the rest make every result afresh,
//! as Helm does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// From now on, this process's renders are thrown away.
pub fn declare() {
    ACTIVE.store(true, Ordering::Release);
}

/// Whether this process's renders are thrown away.
pub fn active() -> bool {
    ACTIVE.load(Ordering::Acquire)
}

/// Results made once per (function, input) while [`active`].
static MADE: Mutex<BTreeMap<(&'static str, String), Arc<OnceLock<String>>>> = Mutex::new(BTreeMap::new());

/// `make()`, or while [`active`] the result an earlier call of `func`
/// with the same `input` made. A second caller of the same input waits
/// for the first instead of making its own; other inputs do not wait.
pub fn once_per_input(func: &'static str, input: &str, make: impl FnOnce() -> String) -> String {
    if !active() {
        return make();
    }
    let slot = {
        let mut made = MADE.lock().unwrap_or_else(|p| p.into_inner());
        made.entry((func, input.to_string())).or_default().clone()
    };
    slot.get_or_init(make).clone()
}
