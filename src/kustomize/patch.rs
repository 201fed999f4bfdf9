//! Patch transformers (kustomize api/internal/builtins PatchTransformer,
//! PatchStrategicMergeTransformer, PatchJson6902Transformer): loading
//! patches from files or inline text, telling strategic merge patches from
//! JSON 6902 ones, choosing targets, and applying them.

use serde_json::Value as Json;

use super::error::KustomizeError;
use super::kustomization::Patch;
use super::{json6902, merge};
use super::node::Node;
use super::resmap::ResMap;
use super::resource::Resource;
use super::selector::Selector;
use super::target::{resources_from_bytes, Loader};

/// Resource.ApplySmPatch: merge, then restore name, namespace and kind
/// (unless the patch may change them). `false` when the patch deleted the
/// resource.
fn apply_sm_patch_to(r: &mut Resource, patch: &Resource) -> Result<bool, KustomizeError> {
    let (name, ns, kind) = (r.name(), r.namespace(), r.kind());
    if patch.name_change_allowed() || patch.kind_change_allowed() {
        r.store_previous_id();
    }
    if merge::merge(&mut r.node, &patch.node)?.is_none() {
        r.node = Node::null();
        return Ok(false);
    }
    if r.is_nil_or_empty() {
        return Ok(true);
    }
    if !patch.kind_change_allowed() {
        r.set_kind(&kind);
    }
    if !patch.name_change_allowed() {
        r.set_name(&name);
    }
    r.set_namespace(&ns);
    Ok(true)
}

/// resWrangler.ApplySmPatch: apply a normalized copy of the patch (its
/// labels and annotations as strings, the target's apiVersion) to each
/// selected resource; deleted resources leave the list.
fn apply_sm_patch_to_set(m: &mut ResMap, selected: &[usize], patch: &Resource) -> Result<(), KustomizeError> {
    let ids: Vec<_> = selected.iter().map(|&i| m.list[i].cur_id()).collect();
    let mut keep = Vec::new();
    for mut res in std::mem::take(&mut m.list) {
        if ids.iter().any(|id| *id == res.cur_id()) {
            let mut copy = patch.clone();
            copy.copy_merge_metadata_fields_from(patch);
            copy.set_gvk(&res.gvk());
            copy.set_kind(&patch.kind());
            apply_sm_patch_to(&mut res, &copy)?;
        }
        if !res.is_nil_or_empty() {
            keep.push(res);
        }
    }
    for r in keep {
        m.append(r)?;
    }
    Ok(())
}

/// SliceFromBytes for patch text: `Err` when the text is not resources.
fn sm_patches_from(text: &str) -> Result<Vec<Resource>, KustomizeError> {
    resources_from_bytes(text.as_bytes())
}

/// jsonPatchFromBytes: a JSON array, or YAML read as JSON (sigs.k8s.io/yaml).
fn json_patch_from(text: &str) -> Result<Vec<json6902::Operation>, KustomizeError> {
    if text.is_empty() {
        return Err(KustomizeError::msg("empty json patch operations"));
    }
    let v: Json = if text.starts_with('[') {
        serde_json::from_str(text).map_err(|e| KustomizeError::msg(e.to_string()))?
    } else {
        crate::kustomize::parse::yaml_to_json(text).map_err(|e| KustomizeError::msg(e.message))?
    };
    json6902::decode(&v)
}

/// Apply JSON 6902 operations to one resource (filters/patchjson6902): the
/// node as JSON, patched, read back.
fn apply_json_patch(r: &mut Resource, ops: &[json6902::Operation]) -> Result<(), KustomizeError> {
    // kioutil.GetInternalAnnotations: kept across the JSON round trip.
    let internal: Vec<(String, String)> = r
        .annotations()
        .into_iter()
        .filter(|(k, _)| {
            k.starts_with("internal.config.kubernetes.io/")
                || k == "config.kubernetes.io/path"
                || k == "config.kubernetes.io/index"
                || k == "config.k8s.io/id"
        })
        .collect();
    let mut doc = r.node.to_json()?;
    json6902::apply(&mut doc, ops)?;
    r.node = Node::from_json(&doc);
    let mut annos = r.annotations();
    for (k, v) in internal {
        annos.insert(k, v);
    }
    r.set_annotations(&annos);
    Ok(())
}

/// One `patches:` entry, configured.
pub struct PatchTransformer {
    sm: Option<Vec<Resource>>,
    json: Option<Vec<json6902::Operation>>,
    source: String,
    target: Option<Selector>,
}

impl PatchTransformer {
    /// PatchTransformerPlugin.Config.
    pub fn configure(ldr: &Loader, p: &Patch) -> Result<PatchTransformer, KustomizeError> {
        let inline = p.patch.trim().to_string();
        let (text, source) = match (inline.is_empty(), p.path.is_empty()) {
            (true, true) => return Err(KustomizeError::msg(format!("must specify one of patch and path in\n{}", describe(p)))),
            (false, false) => {
                return Err(KustomizeError::msg(format!("patch and path can't be set at the same time\n{}", describe(p))))
            }
            (false, true) => (inline.clone(), format!("[patch: {:?}]", inline)),
            (true, false) => {
                let data = ldr.load(&p.path).map_err(|e| {
                    KustomizeError::msg(format!("failed to get the patch file from path({}): {e}", p.path))
                })?;
                (String::from_utf8_lossy(&data).into_owned(), format!("[path: {:?}]", p.path))
            }
        };
        let sm = sm_patches_from(&text);
        let json = json_patch_from(&text);
        match (&sm, &json) {
            (Ok(s), Ok(j)) if !s.is_empty() && !j.is_empty() => {
                return Err(KustomizeError::msg(format!("illegally qualifies as both an SM and JSON patch: {source}")))
            }
            (Err(_), Err(_)) => return Err(KustomizeError::msg(format!("unable to parse SM or JSON patch from {source}"))),
            _ => {}
        }
        let mut t = PatchTransformer { sm: None, json: None, source, target: p.target.clone() };
        match sm {
            Ok(mut patches) => {
                for patch in patches.iter_mut() {
                    if p.options.get("allowNameChange").copied().unwrap_or(false) {
                        patch.allow_name_change();
                    }
                    if p.options.get("allowKindChange").copied().unwrap_or(false) {
                        patch.allow_kind_change();
                    }
                }
                // A nil slice (no documents) falls through to the JSON path in kustomize.
                if !patches.is_empty() {
                    t.sm = Some(patches);
                } else {
                    t.json = json.ok();
                }
            }
            Err(_) => t.json = json.ok(),
        }
        Ok(t)
    }

    pub fn transform(&self, m: &mut ResMap) -> Result<(), KustomizeError> {
        if let Some(patches) = &self.sm {
            if let Some(target) = &self.target {
                if patches.len() > 1 {
                    return Err(KustomizeError::msg(format!(
                        "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: {}",
                        self.source
                    )));
                }
                let selected = m
                    .select(target)
                    .map_err(|e| e.wrap(format!("unable to find patch target {:?} in `resources`", target.to_string())))?;
                return apply_sm_patch_to_set(m, &selected, &patches[0]);
            }
            for patch in patches {
                let id = patch.org_id();
                let i = m.index_by_id(&id).map_err(|e| {
                    e.wrap(format!("no resource matches strategic merge patch {:?}", id.to_string()))
                })?;
                apply_sm_patch_to(&mut m.list[i], patch)?;
            }
            return Ok(());
        }
        let Some(target) = &self.target else {
            return Err(KustomizeError::msg(format!("must specify a target for JSON patch {}", self.source)));
        };
        let ops = self.json.clone().unwrap_or_default();
        for i in m.select(target)? {
            m.list[i].store_previous_id();
            apply_json_patch(&mut m.list[i], &ops)?;
        }
        Ok(())
    }
}

/// The plugin config kustomize prints in errors.
fn describe(p: &Patch) -> String {
    let mut s = String::new();
    if !p.path.is_empty() {
        s.push_str(&format!("path: {}\n", p.path));
    }
    if !p.patch.is_empty() {
        s.push_str(&format!("patch: {}\n", p.patch));
    }
    s
}

/// `patchesStrategicMerge:` (PatchStrategicMergeTransformer).
pub struct StrategicMergePatches {
    patches: Vec<Resource>,
}

impl StrategicMergePatches {
    pub fn configure(ldr: &Loader, paths: &[String]) -> Result<StrategicMergePatches, KustomizeError> {
        let mut patches = Vec::new();
        for path in paths {
            // Legacy: the entry may be the patch itself.
            match sm_patches_from(path) {
                Ok(p) => patches.extend(p),
                Err(_) => {
                    let data = ldr.load(path)?;
                    let p = sm_patches_from(&String::from_utf8_lossy(&data)).map_err(|e| e.wrap(path))?;
                    patches.extend(p);
                }
            }
        }
        if patches.is_empty() {
            return Err(KustomizeError::msg(format!("patch appears to be empty; files={paths:?}, Patch=")));
        }
        Ok(StrategicMergePatches { patches })
    }

    pub fn transform(&self, m: &mut ResMap) -> Result<(), KustomizeError> {
        for patch in &self.patches {
            let i = m.index_by_id(&patch.org_id())?;
            apply_sm_patch_to_set(m, &[i], patch)?;
        }
        Ok(())
    }
}

/// `patchesJson6902:` entries (PatchJson6902Transformer).
pub struct Json6902Transformer {
    target: Selector,
    ops: Vec<json6902::Operation>,
}

impl Json6902Transformer {
    /// PatchJson6902TransformerPlugin.Config.
    pub fn configure(ldr: &Loader, p: &Patch) -> Result<Json6902Transformer, KustomizeError> {
        let Some(target) = p.target.clone() else {
            return Err(KustomizeError::msg(format!("must specify a target for patch {}", p.patch)));
        };
        if target.id.name.is_empty() {
            return Err(KustomizeError::msg("must specify the target name"));
        }
        if p.path.is_empty() && p.patch.is_empty() {
            return Err(KustomizeError::msg("empty file path and empty jsonOp"));
        }
        let text = if !p.path.is_empty() {
            if !p.patch.is_empty() {
                return Err(KustomizeError::msg("must specify a file path or jsonOp, not both"));
            }
            let t = String::from_utf8_lossy(&ldr.load(&p.path)?).into_owned();
            if t.is_empty() {
                return Err(KustomizeError::msg(format!("patch file '{}' empty seems to be empty", p.path)));
            }
            t
        } else {
            p.patch.clone()
        };
        let ops = json_patch_from(&text).map_err(|e| e.wrap(format!("decoding {text}")))?;
        if ops.is_empty() {
            return Err(KustomizeError::msg(format!("patch appears to be empty; file={}, JsonOp={text}", p.path)));
        }
        Ok(Json6902Transformer { target, ops })
    }

    pub fn transform(&self, m: &mut ResMap) -> Result<(), KustomizeError> {
        for i in m.select(&self.target)? {
            apply_json_patch(&mut m.list[i], &self.ops)?;
        }
        Ok(())
    }
}
