//! `test NAME`: run a release's `test` hooks through the hook machinery
//! of install ([`super::hooks`]), record their last runs in the release,
//! and read the test Pods' logs (`--logs`).
//!
//! Go: pkg/action/release_testing.go (ReleaseTesting.Run, GetPodLogs) and
//! pkg/cmd/release_testing.go (the `--filter` syntax).

use std::time::Duration;

use crate::release::{Hook, HookEvent, Release};

use super::common::{validate_release_name, ActionError, Configuration, OperationLock, DEFAULT_TIMEOUT};
use super::hooks::{exec_hooks_delayed, hook_namespace, hook_pods, HookCleanup};

/// Which hooks `--filter` selects by name (Go: Filters[IncludeNameFilter]
/// and Filters[ExcludeNameFilter]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestFilters {
    /// `name=N`: only these run (when any are given).
    pub include: Vec<String>,
    /// `!name=N` (or `! name=N`): these never run.
    pub exclude: Vec<String>,
}

impl TestFilters {
    /// Parse `--filter` values, already split at commas. Go: an item with
    /// prefix `name=` includes, one matching `^!\s?name=` excludes, any
    /// other item is ignored.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> TestFilters {
        let mut filters = TestFilters::default();
        for item in items {
            let item = item.as_ref();
            if let Some(name) = item.strip_prefix("name=") {
                filters.include.push(name.to_string());
            } else if let Some(rest) = item.strip_prefix('!') {
                // Go: regexp `^!\s?name=`: at most one whitespace character.
                let rest = rest.strip_prefix(|c: char| c.is_ascii_whitespace()).unwrap_or(rest);
                if let Some(name) = rest.strip_prefix("name=") {
                    filters.exclude.push(name.to_string());
                }
            }
        }
        filters
    }

    /// Whether a hook of this name is tested (Go: GetPodLogs' checks).
    pub fn selects(&self, name: &str) -> bool {
        !self.exclude.iter().any(|n| n == name) && (self.include.is_empty() || self.include.iter().any(|n| n == name))
    }

    /// Split hooks into (skipped, executing) as Go's Run does: excluded
    /// hooks first, then, with include filters, those not included.
    fn partition(&self, hooks: Vec<Hook>) -> (Vec<Hook>, Vec<Hook>) {
        let mut skipped = Vec::new();
        let mut executing = hooks;
        if !self.exclude.is_empty() {
            let (out, keep): (Vec<Hook>, Vec<Hook>) =
                executing.into_iter().partition(|h| self.exclude.contains(&h.name));
            skipped.extend(out);
            executing = keep;
        }
        if !self.include.is_empty() {
            let (keep, out): (Vec<Hook>, Vec<Hook>) =
                executing.into_iter().partition(|h| self.include.contains(&h.name));
            skipped.extend(out);
            executing = keep;
        }
        (skipped, executing)
    }
}

/// What `test` is asked to do (Go: action.ReleaseTesting's fields).
#[derive(Debug, Clone)]
pub struct TestRequest {
    pub namespace: String,
    pub name: String,
    /// How long each test hook may take.
    pub timeout: Duration,
    pub filters: TestFilters,
}

impl TestRequest {
    pub fn new(name: impl Into<String>, namespace: impl Into<String>) -> TestRequest {
        TestRequest {
            namespace: namespace.into(),
            name: name.into(),
            timeout: DEFAULT_TIMEOUT,
            filters: TestFilters::default(),
        }
    }
}

/// Tests that ran: the release as recorded afterwards, whether every test
/// passed, and the cleanup still to do. Call [`TestRun::finish`] once the
/// status and logs are printed: it deletes test hooks by policy and
/// releases the operation lock.
#[derive(Debug)]
pub struct TestRun {
    pub release: Release,
    /// The first failing test's error (Go: the error Run returns).
    pub outcome: Result<(), String>,
    cleanup: HookCleanup,
    lock: OperationLock,
}

impl TestRun {
    /// Clean up (delete test hooks by policy) and release the lock.
    pub fn finish(self, cfg: &Configuration) -> Result<(), ActionError> {
        let cleaned = self.cleanup.run(cfg).map_err(ActionError::Failed);
        let flushed = cfg.target.flush().map_err(ActionError::from);
        let released = self.lock.release();
        cleaned.and(flushed).and(released)
    }
}

/// Run the `test` hooks of the latest revision of a release and record
/// their last runs in it (Go: ReleaseTesting.Run). An `Err` means the
/// release could not be tested at all; failing tests are in
/// [`TestRun::outcome`].
pub fn run_tests(cfg: &Configuration, req: &TestRequest) -> Result<TestRun, ActionError> {
    validate_release_name(&req.name)
        .map_err(|_| ActionError::msg(format!("releaseTest: Release name is invalid: {}", req.name)))?;
    // `release: not found` before taking a lock for a release that is not there.
    cfg.store.latest(&req.namespace, &req.name)?;
    let lock = OperationLock::acquire(cfg, &req.namespace, &req.name, req.timeout)?;
    let mut rel = match cfg.store.latest(&req.namespace, &req.name) {
        Ok(rel) => rel,
        Err(e) => {
            lock.release()?;
            return Err(e.into());
        }
    };
    let (skipped, executing) = req.filters.partition(std::mem::take(&mut rel.hooks));
    rel.hooks = executing;
    let (cleanup, outcome) = exec_hooks_delayed(cfg, &mut rel, &HookEvent::Test, req.timeout);
    // Go: `rel.Hooks = append(skippedHooks, rel.Hooks...)`, then Update.
    let mut hooks = skipped;
    hooks.append(&mut rel.hooks);
    rel.hooks = hooks;
    let recorded = cfg.target.flush().map_err(ActionError::from).and_then(|()| Ok(cfg.store.update(&rel)?));
    let run = TestRun { release: rel, outcome, cleanup, lock };
    if let Err(e) = recorded {
        // Go ignores a failed Update after a failed test; we report it.
        run.finish(cfg)?;
        return Err(e);
    }
    Ok(run)
}

/// One test Pod's logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodLogs {
    pub pod: String,
    pub logs: String,
}

/// The logs of the selected test hooks' Pods, by weight then name (Go:
/// GetPodLogs, which reads the Pod named like each test hook). A Job test
/// hook gives the logs of its Pods; other kinds have none. Stops at the
/// first Pod whose logs cannot be read, returning those read before it.
pub fn test_pod_logs(
    cfg: &Configuration,
    rel: &Release,
    filters: &TestFilters,
) -> (Vec<PodLogs>, Result<(), ActionError>) {
    let mut tests: Vec<&Hook> =
        rel.hooks.iter().filter(|h| h.events.contains(&HookEvent::Test) && filters.selects(&h.name)).collect();
    // Go: sort.Stable(hookByWeight): weight, then name.
    tests.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name)));
    let mut out = Vec::new();
    for hook in tests {
        let read = || -> Result<Vec<PodLogs>, crate::cluster::TargetError> {
            let namespace = hook_namespace(cfg, &rel.namespace, hook)?;
            let mut logs = Vec::new();
            for pod in hook_pods(cfg, &namespace, hook)? {
                logs.push(PodLogs { logs: cfg.target.pod_logs(&namespace, &pod)?, pod });
            }
            Ok(logs)
        };
        match read() {
            Ok(logs) => out.extend(logs),
            Err(e @ crate::cluster::TargetError::Unsupported(_)) => return (out, Err(e.into())),
            Err(e) => {
                return (out, Err(ActionError::msg(format!("unable to get pod logs for {}: {e}", hook.name))));
            }
        }
    }
    (out, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(name: &str) -> Hook {
        Hook { name: name.into(), events: vec![HookEvent::Test], ..Hook::default() }
    }

    fn names(hooks: &[Hook]) -> Vec<&str> {
        hooks.iter().map(|h| h.name.as_str()).collect()
    }

    // Go: pkg/cmd/release_testing.go: `name=` includes, `^!\s?name=`
    // excludes, anything else is ignored.
    #[test]
    fn parses_filters_like_helm() {
        let f = TestFilters::parse(&["name=a", "!name=b", "! name=c", "!  name=d", "label=x", "name="]);
        assert_eq!(f.include, vec!["a".to_string(), String::new()]);
        assert_eq!(f.exclude, vec!["b".to_string(), "c".to_string()]);
        assert_eq!(TestFilters::parse(&["!\tname=t"]).exclude, vec!["t".to_string()]);
        assert_eq!(TestFilters::parse::<&str>(&[]), TestFilters::default());
    }

    #[test]
    fn selects_by_include_and_exclude() {
        let none = TestFilters::default();
        assert!(none.selects("anything"));
        let f = TestFilters::parse(&["name=a", "name=b", "!name=b"]);
        assert!(f.selects("a"));
        assert!(!f.selects("b"), "exclusion wins");
        assert!(!f.selects("c"), "not included");
        let only_exclude = TestFilters::parse(&["!name=x"]);
        assert!(only_exclude.selects("y") && !only_exclude.selects("x"));
    }

    // Go: Run keeps skipped hooks first when it puts the hooks back.
    #[test]
    fn partition_puts_excluded_then_not_included_first() {
        let hooks = vec![hook("a"), hook("b"), hook("c"), hook("d")];
        let (skipped, executing) = TestFilters::parse(&["!name=c", "name=a", "name=d"]).partition(hooks.clone());
        assert_eq!(names(&skipped), vec!["c", "b"]);
        assert_eq!(names(&executing), vec!["a", "d"]);
        let (skipped, executing) = TestFilters::default().partition(hooks);
        assert!(skipped.is_empty());
        assert_eq!(names(&executing), vec!["a", "b", "c", "d"]);
    }
}
