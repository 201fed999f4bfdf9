//! Operation leases: one install/upgrade/rollback/uninstall per release at a
//! time. A lease names its holder (pid, process start time, host) and an
//! expiry; another operation may take it over once it has expired or once
//! its holder is known to be gone, so a crashed operation never leaves the
//! release stuck (unlike Helm's permanent "another operation is in progress").

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::DateTime;

use super::error::StoreError;
use super::time::GoTime;

/// Who held (or holds) a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    pub token: String,
    pub pid: u32,
    /// The holder's process start time (Linux `/proc/PID/stat` field 22), to
    /// tell a reused pid from the holder; 0 if unknown.
    pub pid_start: u64,
    pub host: String,
    /// Unix milliseconds.
    pub acquired_at_ms: i64,
    /// Unix milliseconds; past this the lease may be taken over.
    pub expires_at_ms: i64,
}

impl LeaseHolder {
    /// A new holder for this process, valid for `ttl` from now.
    pub(crate) fn for_this_process(ttl: Duration) -> LeaseHolder {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let me = this_process();
        let now = now_ms();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        LeaseHolder {
            token: format!("{}-{}-{}-{}", me.pid, me.start, now, n),
            pid: me.pid,
            pid_start: me.start,
            host: me.host,
            acquired_at_ms: now,
            expires_at_ms: now.saturating_add(duration_ms(ttl)),
        }
    }

    /// Expired, or held by a process of this host that no longer runs.
    pub(crate) fn is_stale(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms || holder_is_gone(self)
    }

    /// When the lease was taken, as RFC 3339.
    pub fn acquired_at(&self) -> String {
        DateTime::from_timestamp_millis(self.acquired_at_ms)
            .map(|t| GoTime::from_datetime(t.fixed_offset()).to_rfc3339_nano())
            .unwrap_or_else(|| self.acquired_at_ms.to_string())
    }

    pub(crate) fn busy_error(&self, namespace: &str, name: &str) -> StoreError {
        StoreError::Busy {
            namespace: namespace.to_string(),
            name: name.to_string(),
            pid: self.pid,
            since: self.acquired_at(),
        }
    }
}

/// What a driver does for a [`LockGuard`].
pub(crate) trait LeaseBackend: Send + Sync {
    /// Set a new expiry if `token` still holds the lease, else `LeaseLost`.
    fn renew(&self, namespace: &str, name: &str, token: &str, expires_at_ms: i64) -> Result<(), StoreError>;
    /// Drop the lease if `token` still holds it, else `LeaseLost`.
    fn release(&self, namespace: &str, name: &str, token: &str) -> Result<(), StoreError>;
}

/// A held lease; dropping it releases the lease.
pub struct LockGuard {
    namespace: String,
    name: String,
    holder: LeaseHolder,
    ttl: Duration,
    taken_over: Option<LeaseHolder>,
    backend: Arc<dyn LeaseBackend>,
    released: bool,
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("holder", &self.holder)
            .field("taken_over", &self.taken_over)
            .finish()
    }
}

impl LockGuard {
    pub(crate) fn new(
        namespace: &str,
        name: &str,
        holder: LeaseHolder,
        ttl: Duration,
        taken_over: Option<LeaseHolder>,
        backend: Arc<dyn LeaseBackend>,
    ) -> LockGuard {
        LockGuard {
            namespace: namespace.to_string(),
            name: name.to_string(),
            holder,
            ttl,
            taken_over,
            backend,
            released: false,
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// This lease's holder record.
    pub fn holder(&self) -> &LeaseHolder {
        &self.holder
    }

    /// The stale lease this one replaced: a previous operation crashed or
    /// timed out, so a pending revision it left should be settled.
    pub fn taken_over(&self) -> Option<&LeaseHolder> {
        self.taken_over.as_ref()
    }

    /// Extend the lease by its ttl from now; `LeaseLost` if another
    /// operation took it over meanwhile.
    pub fn renew(&mut self) -> Result<(), StoreError> {
        let expires = now_ms().saturating_add(duration_ms(self.ttl));
        self.backend.renew(&self.namespace, &self.name, &self.holder.token, expires)?;
        self.holder.expires_at_ms = expires;
        Ok(())
    }

    /// Release now, reporting a lease that was lost.
    pub fn release(mut self) -> Result<(), StoreError> {
        self.released = true;
        self.backend.release(&self.namespace, &self.name, &self.holder.token)
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if !self.released {
            // Nothing to do on failure: a lost lease is someone else's now.
            let _ = self.backend.release(&self.namespace, &self.name, &self.holder.token);
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

struct ProcessIdentity {
    pid: u32,
    start: u64,
    host: String,
}

fn this_process() -> ProcessIdentity {
    let pid = std::process::id();
    ProcessIdentity { pid, start: process_start(pid).unwrap_or(0), host: host_name() }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

/// A process's start time in clock ticks since boot, `None` if the process
/// does not exist or is a zombie (killed but not yet reaped).
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if matches!(fields.first(), Some(&"Z") | Some(&"X")) {
        return None;
    }
    // Field 22 of the line; `rest` starts at field 3.
    fields.get(19)?.parse().ok()
}

/// True only when we can tell: same host, Linux `/proc`, and the pid is gone
/// or now belongs to a process started at another time.
fn holder_is_gone(holder: &LeaseHolder) -> bool {
    if !cfg!(target_os = "linux") || holder.host != host_name() || !std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    match process_start(holder.pid) {
        None => true,
        Some(start) => holder.pid_start != 0 && start != holder.pid_start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_gone() {
        let me = LeaseHolder::for_this_process(Duration::from_secs(60));
        assert!(!me.is_stale(now_ms()));
        assert!(me.is_stale(me.expires_at_ms), "expired at its expiry");
        if cfg!(target_os = "linux") {
            assert_ne!(me.pid_start, 0);
            let mut child = std::process::Command::new("true").spawn().unwrap();
            let pid = child.id();
            child.wait().unwrap();
            let dead = LeaseHolder { pid, pid_start: 1, ..me.clone() };
            assert!(dead.is_stale(now_ms()));
            let reused = LeaseHolder { pid_start: me.pid_start + 1, ..me.clone() };
            assert!(reused.is_stale(now_ms()), "same pid, other start time: a reused pid");
            let elsewhere = LeaseHolder { host: "another-host".into(), ..dead };
            assert!(!elsewhere.is_stale(now_ms()), "cannot judge another host's processes");
        }
    }
}
