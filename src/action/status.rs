//! `status NAME`: a release revision, with (`--show-resources`) the live
//! state of its objects on the target, grouped as Helm groups them
//! (`version/Kind`). Go: pkg/action/status.go, pkg/kube/client.go Get.

use serde_json::{Map, Value};

use crate::cluster::ReleaseScope;
use crate::release::Release;

use super::common::{release_content, ActionError, Configuration};

pub fn status(
    cfg: &Configuration,
    namespace: &str,
    name: &str,
    revision: u32,
    show_resources: bool,
) -> Result<Release, ActionError> {
    let mut rel = release_content(cfg, namespace, name, revision)?;
    if show_resources {
        rel.info.resources = resources(cfg, &rel)?;
    }
    Ok(rel)
}

/// The live objects of the revision's manifest, by `version/Kind` (Go:
/// `gvk.Version + "/" + gvk.Kind`), each in manifest order.
pub fn resources(cfg: &Configuration, rel: &Release) -> Result<Map<String, Value>, ActionError> {
    let objects = cfg.target.build(&rel.manifest, &rel.namespace)?;
    let ids: Vec<_> = objects.iter().map(|o| o.id.clone()).collect();
    let scope = ReleaseScope { namespace: rel.namespace.clone(), name: rel.name.clone(), revision: rel.version };
    let live = cfg.target.get(&scope, &ids)?;
    let mut out = Map::new();
    for obj in live {
        let key = format!("{}/{}", obj.id.version(), obj.id.kind);
        match out.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(items) => items.push(obj.body),
            _ => unreachable!("entries are arrays"),
        }
    }
    Ok(out)
}
