//! `diff upgrade|rollback|revision`: what an upgrade or rollback would
//! change, or what changed between two revisions, object by object (added,
//! removed, changed) as unified diffs of the manifests — what the
//! helm-diff plugin gives Helm users, built in. Hooks are not compared.
//! On a cluster, `diff upgrade` compares the live objects with a
//! server-side dry run of the upgrade.

use serde::Serialize;
use similar::TextDiff;

use crate::cluster::{ObjectRef, Target};
use crate::manifest;
use crate::release::Release;

use super::common::{release_content, scope_of, set_owner_metadata, ActionError, Configuration, DryRun};
use super::upgrade::{upgrade, UpgradeRequest, Upgraded};

/// How an object changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    /// helm-diff's wording.
    pub fn phrase(self) -> &'static str {
        match self {
            Change::Added => "has been added",
            Change::Removed => "has been removed",
            Change::Changed => "has changed",
        }
    }
}

/// One object's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectDiff {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub change: Change,
    /// Unified diff hunks (`@@ ... @@`, then ` `, `-`, `+` lines).
    pub diff: String,
}

impl ObjectDiff {
    pub fn id(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// A manifest document: its identity and text (without the `# Source:` line).
struct Doc {
    id: ObjectRef,
    text: String,
}

fn documents(manifest_text: &str, namespace: &str, target: &dyn Target) -> Result<Vec<Doc>, ActionError> {
    let mut out = Vec::new();
    for doc in manifest::split_documents(manifest_text) {
        let head = manifest::read_head(doc).map_err(ActionError::Failed)?;
        if head.kind.is_empty() && head.name.is_empty() {
            continue; // empty or comment-only
        }
        let ns = if target.is_cluster_scoped(&head.api_version, &head.kind) {
            String::new()
        } else if head.namespace.is_empty() {
            namespace.to_string()
        } else {
            head.namespace.clone()
        };
        let text: String = doc.lines().filter(|l| !l.starts_with("# Source: ")).map(|l| format!("{l}\n")).collect();
        out.push(Doc {
            id: ObjectRef { api_version: head.api_version, kind: head.kind, namespace: ns, name: head.name },
            text,
        });
    }
    Ok(out)
}

/// Per-object diffs from one manifest to another: changed and added
/// objects in the new manifest's order, then removed ones in the old order.
pub fn diff_manifests(
    old: &str,
    new: &str,
    namespace: &str,
    target: &dyn Target,
    context: usize,
) -> Result<Vec<ObjectDiff>, ActionError> {
    let old_docs = documents(old, namespace, target)?;
    let new_docs = documents(new, namespace, target)?;
    let mut out = Vec::new();
    let entry = |id: &ObjectRef, change: Change, from: &str, to: &str| ObjectDiff {
        api_version: id.api_version.clone(),
        kind: id.kind.clone(),
        namespace: id.namespace.clone(),
        name: id.name.clone(),
        change,
        diff: TextDiff::from_lines(from, to).unified_diff().context_radius(context).to_string(),
    };
    for n in &new_docs {
        match old_docs.iter().find(|o| o.id.same_object(&n.id)) {
            // The text holds the apiVersion line, so a new version shows.
            Some(o) if o.text == n.text => {}
            Some(o) => out.push(entry(&n.id, Change::Changed, &o.text, &n.text)),
            None => out.push(entry(&n.id, Change::Added, "", &n.text)),
        }
    }
    for o in &old_docs {
        if !new_docs.iter().any(|n| n.id.same_object(&o.id)) {
            out.push(entry(&o.id, Change::Removed, &o.text, ""));
        }
    }
    Ok(out)
}

/// Default lines of context around each change.
pub const DEFAULT_CONTEXT: usize = 3;

/// What `upgrade` would change: the latest revision against a dry-run
/// upgrade (no release and `allow_unreleased`: everything is added).
pub fn diff_upgrade(
    cfg: &Configuration,
    req: &UpgradeRequest,
    allow_unreleased: bool,
    context: usize,
) -> Result<Vec<ObjectDiff>, ActionError> {
    let current = match cfg.store.latest(&req.namespace, &req.name) {
        Ok(rel) => Some(rel),
        Err(e) if e.is_not_found() && allow_unreleased => None,
        Err(e) if e.is_not_found() => {
            return Err(ActionError::msg(format!(
                "release {:?} not found in namespace {:?} (use --allow-unreleased to diff against nothing)",
                req.name, req.namespace
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let dry = UpgradeRequest { dry_run: DryRun::Client, install: current.is_none(), ..req.clone() };
    let proposed = match upgrade(cfg, &dry)? {
        Upgraded::Upgraded(i) | Upgraded::Installed(i) => i.release,
    };
    if let Some(live) = live_diff(cfg, current.as_ref(), &proposed, context)? {
        return Ok(live);
    }
    let old = current.as_ref().map_or("", |r| r.manifest.as_str());
    diff_manifests(old, &proposed.manifest, &req.namespace, cfg.target.as_ref(), context)
}

/// On a cluster: the live objects against what the upgrade would make of
/// them (a server-side dry run), so defaults, other managers' fields and
/// drift show as they really are; `None` on targets that cannot preview.
fn live_diff(
    cfg: &Configuration,
    current: Option<&Release>,
    proposed: &Release,
    context: usize,
) -> Result<Option<Vec<ObjectDiff>>, ActionError> {
    let target = cfg.target.as_ref();
    let mut new_objects = target.build(&proposed.manifest, &proposed.namespace)?;
    set_owner_metadata(&mut new_objects, &proposed.name, &proposed.namespace);
    let scope = scope_of(proposed);
    let Some(previews) = target.preview(&scope, &new_objects)? else { return Ok(None) };
    let old_objects = match current {
        Some(c) => target.build(&c.manifest, &c.namespace)?,
        None => Vec::new(),
    };
    let mut ids: Vec<ObjectRef> = old_objects.iter().map(|r| r.id.clone()).collect();
    for n in &new_objects {
        if !ids.iter().any(|i| i.same_object(&n.id)) {
            ids.push(n.id.clone());
        }
    }
    let live = target.get(&scope, &ids)?;
    let text = |objects: &[crate::cluster::Resource]| -> String {
        objects.iter().map(|r| format!("---\n{}", crate::codec::yaml_write::to_yaml(&comparable(&r.body)))).collect()
    };
    diff_manifests(&text(&live), &text(&previews), &proposed.namespace, target, context).map(Some)
}

/// An object without what the server changes on every write (Go: the
/// fields `kubectl diff` users mask): managed fields, resource version,
/// generation, uid, creation time, and status.
fn comparable(body: &serde_json::Value) -> serde_json::Value {
    let mut body = body.clone();
    if let Some(obj) = body.as_object_mut() {
        obj.remove("status");
        if let Some(md) = obj.get_mut("metadata").and_then(serde_json::Value::as_object_mut) {
            for key in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"] {
                md.remove(key);
            }
        }
    }
    body
}

/// What `rollback NAME REV` would change: the latest revision against REV.
pub fn diff_rollback(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    revision: u32,
    context: usize,
) -> Result<Vec<ObjectDiff>, ActionError> {
    let latest = release_content(cfg, namespace, name, 0)?;
    let to = revision_of(cfg, namespace, name, revision)?;
    diff_manifests(&latest.manifest, &to.manifest, namespace, cfg.target.as_ref(), context)
}

/// What changed from revision `a` to revision `b`.
pub fn diff_revisions(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    a: u32,
    b: u32,
    context: usize,
) -> Result<Vec<ObjectDiff>, ActionError> {
    let from = revision_of(cfg, namespace, name, a)?;
    let to = revision_of(cfg, namespace, name, b)?;
    diff_manifests(&from.manifest, &to.manifest, namespace, cfg.target.as_ref(), context)
}

fn revision_of(cfg: &Configuration, namespace: &str, name: &str, revision: u32) -> Result<Release, ActionError> {
    if revision == 0 {
        return Err(ActionError::msg("invalid release revision"));
    }
    release_content(cfg, namespace, name, revision).map_err(|e| {
        if e.is_not_found() {
            ActionError::msg(format!("release {name:?} has no revision {revision}"))
        } else {
            e
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::LocalTarget;
    use crate::release::MemoryStore;
    use std::sync::Arc;

    #[test]
    fn per_object_changes() {
        let target = LocalTarget::new(Arc::new(MemoryStore::new()));
        let old = "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: one\n---\n# Source: c/templates/gone.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\n# Source: c/templates/same.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n";
        let new = "---\n# Source: c/templates/same.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: two\n---\n# Source: c/templates/new.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: other\n";
        let diffs = diff_manifests(old, new, "ns", &target, 3).unwrap();
        let summary: Vec<_> = diffs.iter().map(|d| (d.kind.as_str(), d.namespace.as_str(), d.change)).collect();
        assert_eq!(
            summary,
            vec![
                ("ConfigMap", "ns", Change::Changed),
                ("Deployment", "other", Change::Added),
                ("Secret", "ns", Change::Removed)
            ]
        );
        assert!(diffs[0].diff.contains("-  k: one\n+  k: two\n"), "{}", diffs[0].diff);
        assert!(diffs[0].diff.starts_with("@@ "));
        assert!(diffs[2].diff.contains("-kind: Secret\n"));
        assert!(diff_manifests(old, old, "ns", &target, 3).unwrap().is_empty());
    }
}
