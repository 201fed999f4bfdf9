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

use crate::cluster::Propagation;
use crate::manifest::{order::compare_kinds, INSTALL_ORDER};
use crate::release::{GoTime, Hook, HookDeletePolicy, HookEvent, HookExecution, HookPhase, Release};

use super::common::{scope_of, Configuration};

/// The order hooks of one event run in.
pub fn hook_order(a: &Hook, b: &Hook) -> Ordering {
    a.weight
        .cmp(&b.weight)
        .then_with(|| compare_kinds(&a.kind, &b.kind, INSTALL_ORDER))
        .then_with(|| a.name.cmp(&b.name))
}

/// Run every hook of `rel` for `event`. On failure the error text says
/// which hook failed and why; the hooks' last runs are updated in `rel`
/// either way (the caller records the release).
pub fn exec_hooks(cfg: &Configuration, rel: &mut Release, event: &HookEvent, timeout: Duration) -> Result<(), String> {
    let mut order: Vec<usize> = (0..rel.hooks.len()).filter(|&i| rel.hooks[i].events.contains(event)).collect();
    order.sort_by(|&a, &b| hook_order(&rel.hooks[a], &rel.hooks[b]));
    let scope = scope_of(rel);
    for (n, &i) in order.iter().enumerate() {
        // Go: hookSetDeletePolicy (stored in the release, as Helm does).
        if rel.hooks[i].delete_policies.is_empty() {
            rel.hooks[i].delete_policies = vec![HookDeletePolicy::BeforeHookCreation];
        }
        delete_by_policy(cfg, rel, i, &HookDeletePolicy::BeforeHookCreation, timeout)?;
        let hook = &rel.hooks[i];
        let resources = cfg
            .target
            .build(&hook.manifest, &rel.namespace)
            .map_err(|e| format!("unable to build kubernetes object for {event} hook {}: {e}", hook.path))?;
        rel.hooks[i].last_run =
            HookExecution { started_at: GoTime::now(), phase: HookPhase::Running, ..HookExecution::default() };
        let outcome = cfg.target.run_hook(&scope, &resources, timeout);
        rel.hooks[i].last_run.completed_at = GoTime::now();
        if let Err(e) = outcome {
            rel.hooks[i].last_run.phase = HookPhase::Failed;
            let path = rel.hooks[i].path.clone();
            if let Err(del) = delete_by_policy(cfg, rel, i, &HookDeletePolicy::HookFailed, timeout) {
                cfg.warn(&format!("error deleting the hook resource on hook failure: {del}"));
            }
            for &prior in &order[..n] {
                delete_by_policy(cfg, rel, prior, &HookDeletePolicy::HookSucceeded, timeout)?;
            }
            return Err(format!("hook {path}: {e}"));
        }
        rel.hooks[i].last_run.phase = HookPhase::Succeeded;
    }
    for &i in order.iter().rev() {
        delete_by_policy(cfg, rel, i, &HookDeletePolicy::HookSucceeded, timeout)?;
    }
    Ok(())
}

/// Delete a hook's resources if it has `policy` (never a CRD: deleting one
/// would cascade to all its objects).
fn delete_by_policy(
    cfg: &Configuration,
    rel: &Release,
    i: usize,
    policy: &HookDeletePolicy,
    timeout: Duration,
) -> Result<(), String> {
    let hook = &rel.hooks[i];
    if hook.kind == "CustomResourceDefinition" || !hook.delete_policies.contains(policy) {
        return Ok(());
    }
    let resources = cfg
        .target
        .build(&hook.manifest, &rel.namespace)
        .map_err(|e| format!("unable to build kubernetes object for deleting hook {}: {e}", hook.path))?;
    let ids: Vec<_> = resources.into_iter().map(|r| r.id).collect();
    let scope = scope_of(rel);
    cfg.target.delete(&scope, &ids, Propagation::Background).map_err(|e| e.to_string())?;
    cfg.target.wait_for_delete(&scope, &ids, timeout).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
