//! Running a release's hooks for one event (pre/post install, upgrade,
//! rollback, delete): in order of weight, then kind (install order), then
//! name; each hook's resources are created on the target and watched until
//! done, its last run is recorded in the release, and its delete policies
//! (`before-hook-creation` by default, `hook-succeeded`, `hook-failed`)
//! are applied.
//!
//! Go: pkg/action/hooks.go execHookWithDelayedShutdown, hookByWeight,
//! deleteHookByPolicy, hookSetDeletePolicy. Helm's code orders equal
//! weights by name over a kind-sorted list; we order by kind before name,
//! as Helm's documentation and the issue describe.

use std::cmp::Ordering;
use std::time::Duration;

use crate::cluster::{Propagation, ReleaseScope, TargetError};
use crate::manifest::{order::compare_kinds, INSTALL_ORDER};
use crate::release::{
    GoTime, Hook, HookDeletePolicy, HookEvent, HookExecution, HookOutputLogPolicy, HookPhase, Release,
};

use super::common::{scope_of, Configuration};

/// The order hooks of one event run in.
pub fn hook_order(a: &Hook, b: &Hook) -> Ordering {
    a.weight
        .cmp(&b.weight)
        .then_with(|| compare_kinds(&a.kind, &b.kind, INSTALL_ORDER))
        .then_with(|| a.name.cmp(&b.name))
}

/// Run every hook of `rel` for `event`, then clean up at once (Go:
/// execHook). On failure the error text says which hook failed and why;
/// the hooks' last runs are updated in `rel` either way (the caller
/// records the release).
pub fn exec_hooks(cfg: &Configuration, rel: &mut Release, event: &HookEvent, timeout: Duration) -> Result<(), String> {
    let (cleanup, outcome) = exec_hooks_delayed(cfg, rel, event, timeout);
    cleanup.run(cfg)?;
    outcome
}

/// What is left to do once hooks ran: copy logs of succeeded hooks that
/// ask for it and delete hooks by policy. `test` runs it after printing
/// the status and the test Pods' logs, so a `hook-succeeded` delete policy
/// does not remove a Pod before its logs are read (Go:
/// ExecuteShutdownFunc).
#[must_use = "run the cleanup"]
#[derive(Debug, Default)]
pub struct HookCleanup {
    namespace: String,
    scope: Option<ReleaseScope>,
    timeout: Duration,
    /// Hooks that succeeded, in the order they ran.
    succeeded: Vec<Hook>,
    /// The hook that failed, if one did.
    failed: Option<Hook>,
}

impl HookCleanup {
    /// Nothing to do.
    pub fn none() -> HookCleanup {
        HookCleanup::default()
    }

    /// Go: the functions execHookWithDelayedShutdown returns. After a
    /// failure: delete the failed hook by `hook-failed` (a failure to is
    /// only reported) and the hooks before it by `hook-succeeded`. After
    /// success: for each hook, last first, copy its logs by policy
    /// `hook-succeeded` and delete it by `hook-succeeded`.
    pub fn run(self, cfg: &Configuration) -> Result<(), String> {
        let Some(scope) = &self.scope else { return Ok(()) };
        let delete = |hook: &Hook, policy: &HookDeletePolicy| {
            delete_by_policy(cfg, scope, &self.namespace, hook, policy, self.timeout)
        };
        if let Some(failed) = &self.failed {
            if let Err(e) = delete(failed, &HookDeletePolicy::HookFailed) {
                cfg.warn(&format!("error deleting the hook resource on hook failure: {e}"));
            }
            for hook in &self.succeeded {
                delete(hook, &HookDeletePolicy::HookSucceeded)?;
            }
            return Ok(());
        }
        for hook in self.succeeded.iter().rev() {
            output_logs_by_policy(cfg, &self.namespace, hook, &HookOutputLogPolicy::OnSucceeded);
            delete(hook, &HookDeletePolicy::HookSucceeded)?;
        }
        Ok(())
    }
}

/// Run every hook of `rel` for `event` in [`hook_order`], stopping at the
/// first failure; returns the cleanup still to run and the outcome (Go:
/// execHookWithDelayedShutdown).
pub fn exec_hooks_delayed(
    cfg: &Configuration,
    rel: &mut Release,
    event: &HookEvent,
    timeout: Duration,
) -> (HookCleanup, Result<(), String>) {
    let mut order: Vec<usize> = (0..rel.hooks.len()).filter(|&i| rel.hooks[i].events.contains(event)).collect();
    order.sort_by(|&a, &b| hook_order(&rel.hooks[a], &rel.hooks[b]));
    let scope = scope_of(rel);
    let mut cleanup =
        HookCleanup { namespace: rel.namespace.clone(), scope: Some(scope.clone()), timeout, ..HookCleanup::default() };
    for &i in &order {
        // Go: hookSetDeletePolicy (stored in the release, as Helm does).
        if rel.hooks[i].delete_policies.is_empty() {
            rel.hooks[i].delete_policies = vec![HookDeletePolicy::BeforeHookCreation];
        }
        if let Err(e) =
            delete_by_policy(cfg, &scope, &rel.namespace, &rel.hooks[i], &HookDeletePolicy::BeforeHookCreation, timeout)
        {
            return (HookCleanup::none(), Err(e));
        }
        let hook = &rel.hooks[i];
        let resources = match cfg.target.build(&hook.manifest, &rel.namespace) {
            Ok(r) => r,
            Err(e) => {
                let msg = format!("unable to build kubernetes object for {event} hook {}: {e}", hook.path);
                return (HookCleanup::none(), Err(msg));
            }
        };
        rel.hooks[i].last_run =
            HookExecution { started_at: GoTime::now(), phase: HookPhase::Running, ..HookExecution::default() };
        let outcome = cfg.target.run_hook(&scope, &resources, timeout);
        rel.hooks[i].last_run.completed_at = GoTime::now();
        if let Err(e) = outcome {
            rel.hooks[i].last_run.phase = HookPhase::Failed;
            output_logs_by_policy(cfg, &rel.namespace, &rel.hooks[i], &HookOutputLogPolicy::OnFailed);
            cleanup.failed = Some(rel.hooks[i].clone());
            return (cleanup, Err(format!("hook {}: {e}", rel.hooks[i].path)));
        }
        rel.hooks[i].last_run.phase = HookPhase::Succeeded;
        cleanup.succeeded.push(rel.hooks[i].clone());
    }
    (cleanup, Ok(()))
}

/// The Pods whose logs a hook's output log policy copies: the hook itself
/// if it is a Pod, a Job's Pods, nothing for other kinds (Go:
/// outputLogsByPolicy).
pub fn hook_pods(cfg: &Configuration, namespace: &str, hook: &Hook) -> Result<Vec<String>, TargetError> {
    match hook.kind.as_str() {
        "Pod" => Ok(vec![hook.name.clone()]),
        "Job" => cfg.target.job_pods(namespace, &hook.name),
        _ => Ok(Vec::new()),
    }
}

/// The namespace a hook's objects live in: its manifest's, else the
/// release's (Go: deriveNamespace).
pub fn hook_namespace(cfg: &Configuration, release_namespace: &str, hook: &Hook) -> Result<String, TargetError> {
    let resources = cfg.target.build(&hook.manifest, release_namespace)?;
    Ok(resources.first().map_or_else(|| release_namespace.to_string(), |r| r.id.namespace.clone()))
}

/// Copy a hook's Pod logs to the user (stderr, where Helm's log writer
/// goes) if the hook has `policy` in `helm.sh/hook-output-log-policy`.
/// Failing to is reported, never fatal (Go: "error outputting logs for
/// hook failure").
fn output_logs_by_policy(cfg: &Configuration, release_namespace: &str, hook: &Hook, policy: &HookOutputLogPolicy) {
    if !hook.output_log_policies.contains(policy) {
        return;
    }
    let copy = || -> Result<(), TargetError> {
        let namespace = hook_namespace(cfg, release_namespace, hook)?;
        for pod in hook_pods(cfg, &namespace, hook)? {
            let logs = cfg.target.pod_logs(&namespace, &pod)?;
            if !logs.is_empty() {
                cfg.warn(logs.strip_suffix('\n').unwrap_or(&logs));
            }
        }
        Ok(())
    };
    if let Err(e) = copy() {
        cfg.warn(&format!("error outputting logs for hook {}: {e}", hook.name));
    }
}

/// Delete a hook's resources if it has `policy` (never a CRD: deleting one
/// would cascade to all its objects).
fn delete_by_policy(
    cfg: &Configuration,
    scope: &ReleaseScope,
    release_namespace: &str,
    hook: &Hook,
    policy: &HookDeletePolicy,
    timeout: Duration,
) -> Result<(), String> {
    if hook.kind == "CustomResourceDefinition" || !hook.delete_policies.contains(policy) {
        return Ok(());
    }
    let resources = cfg
        .target
        .build(&hook.manifest, release_namespace)
        .map_err(|e| format!("unable to build kubernetes object for deleting hook {}: {e}", hook.path))?;
    let ids: Vec<_> = resources.into_iter().map(|r| r.id).collect();
    cfg.target.delete(scope, &ids, Propagation::Background).map_err(|e| e.to_string())?;
    cfg.target.wait_for_delete(scope, &ids, timeout).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    use crate::cluster::LocalTarget;
    use crate::release::{MemoryStore, Store};

    /// A configuration on the local target whose messages are kept.
    fn local() -> (Configuration, Arc<Mutex<Vec<String>>>) {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let target = Arc::new(LocalTarget::new(store.clone()));
        let said = Arc::new(Mutex::new(Vec::new()));
        let keep = said.clone();
        (Configuration::new(store, target).with_log(move |m| keep.lock().unwrap().push(m.to_string())), said)
    }

    fn test_pod(name: &str, weight: i64, annotations: &str) -> Hook {
        Hook {
            name: name.into(),
            kind: "Pod".into(),
            path: format!("c/templates/{name}.yaml"),
            manifest: format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations:\n    x: y\n{annotations}"
            ),
            events: vec![HookEvent::Test],
            weight,
            ..Hook::default()
        }
    }

    fn live(cfg: &Configuration) -> Vec<String> {
        let ids: Vec<_> = ["a", "b"]
            .iter()
            .map(|n| crate::cluster::ObjectRef {
                api_version: "v1".into(),
                kind: "Pod".into(),
                namespace: "ns".into(),
                name: n.to_string(),
            })
            .collect();
        let scope = ReleaseScope { namespace: "ns".into(), name: "rel".into(), revision: 1 };
        cfg.target.get(&scope, &ids).unwrap().into_iter().map(|r| r.id.name).collect()
    }

    fn release(hooks: Vec<Hook>) -> Release {
        Release { name: "rel".into(), namespace: "ns".into(), version: 1, hooks, ..Release::default() }
    }

    // Go: execHookWithDelayedShutdown deletes `hook-succeeded` hooks only
    // when the returned function runs (after `test` read the logs).
    #[test]
    fn cleanup_is_delayed_until_run() {
        let (cfg, _) = local();
        let mut rel = release(vec![test_pod("b", 0, ""), test_pod("a", 0, "")]);
        rel.hooks[0].delete_policies = vec![HookDeletePolicy::HookSucceeded];
        let (cleanup, outcome) = exec_hooks_delayed(&cfg, &mut rel, &HookEvent::Test, Duration::from_secs(1));
        outcome.unwrap();
        assert_eq!(live(&cfg), vec!["a", "b"], "both still there before the cleanup");
        assert!(rel.hooks.iter().all(|h| h.last_run.phase == HookPhase::Succeeded));
        assert_eq!(rel.hooks[1].delete_policies, vec![HookDeletePolicy::BeforeHookCreation], "default recorded");
        cleanup.run(&cfg).unwrap();
        assert_eq!(live(&cfg), vec!["a"]);
    }

    #[test]
    fn a_failed_hook_stops_the_run_and_is_deleted_by_hook_failed() {
        let (cfg, _) = local();
        let mut rel = release(vec![test_pod("a", 0, "    capstan.io/local-hook-result: fail\n"), test_pod("b", 1, "")]);
        rel.hooks[0].delete_policies = vec![HookDeletePolicy::HookFailed];
        let (cleanup, outcome) = exec_hooks_delayed(&cfg, &mut rel, &HookEvent::Test, Duration::from_secs(1));
        let err = outcome.unwrap_err();
        assert!(err.starts_with("hook c/templates/a.yaml: Pod a failed"), "{err}");
        assert_eq!(rel.hooks[0].last_run.phase, HookPhase::Failed);
        assert!(rel.hooks[1].last_run.started_at.is_zero(), "b never ran");
        assert_eq!(live(&cfg), vec!["a"]);
        cleanup.run(&cfg).unwrap();
        assert!(live(&cfg).is_empty());
    }

    // Go: outputLogsByPolicy; failing to read logs is reported, not fatal.
    #[test]
    fn output_log_policy_reports_that_the_local_target_has_no_logs() {
        let (cfg, said) = local();
        let mut rel = release(vec![test_pod("a", 0, ""), test_pod("b", 0, "")]);
        rel.hooks[0].output_log_policies = vec![HookOutputLogPolicy::OnSucceeded];
        rel.hooks[1].output_log_policies = vec![HookOutputLogPolicy::OnFailed];
        exec_hooks(&cfg, &mut rel, &HookEvent::Test, Duration::from_secs(1)).unwrap();
        let said = said.lock().unwrap();
        assert_eq!(said.len(), 1, "only the succeeded policy applies: {said:?}");
        assert!(
            said[0].starts_with("error outputting logs for hook a: no logs for a: the local target runs no containers")
        );
    }

    fn hook(name: &str, kind: &str, weight: i64) -> Hook {
        Hook { name: name.into(), kind: kind.into(), weight, ..Hook::default() }
    }

    #[test]
    fn weight_then_kind_then_name() {
        let mut hooks = vec![
            hook("b", "Job", 0),
            hook("a", "Job", 0),
            hook("z", "ConfigMap", 0),
            hook("first", "Job", -5),
            hook("late", "ServiceAccount", 10),
        ];
        hooks.sort_by(hook_order);
        let names: Vec<_> = hooks.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, vec!["first", "z", "a", "b", "late"]);
    }
}
