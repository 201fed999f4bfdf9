//! `crds:` (kustomize api/internal/accumulator loadconfigfromcrds.go):
//! OpenAPI definitions of custom types whose `x-kubernetes-*` extensions
//! add field specs (annotations, label selectors, identity names and
//! object references) to the transformer configuration.

use serde_json::Value as Json;

use super::error::KustomizeError;
use super::fieldspec::{merge_one, FieldSpec, NameBackReferences, TransformerConfig};
use super::resource::Gvk;
use super::target::Loader;

fn props(def: &Json) -> Option<&serde_json::Map<String, Json>> {
    def.get("Schema")?.get("properties")?.as_object()
}

fn ext<'a>(p: &'a Json, key: &str) -> Option<&'a str> {
    p.get(key).and_then(|v| v.as_str())
}

fn load_crd(tc: &mut TransformerConfig, gvk: &Gvk, defs: &serde_json::Map<String, Json>, type_name: &str, path: &[String]) -> Result<(), KustomizeError> {
    let Some(def) = defs.get(type_name) else { return Ok(()) };
    let Some(properties) = props(def) else { return Ok(()) };
    for (name, p) in properties {
        let mut full = path.to_vec();
        full.push(name.clone());
        let fs = FieldSpec { gvk: gvk.clone(), path: full.join("/"), create: false };
        if ext(p, "x-kubernetes-annotation").is_some() {
            merge_one(&mut tc.common_annotations, fs.clone())?;
        }
        if ext(p, "x-kubernetes-label-selector").is_some() {
            merge_one(&mut tc.common_labels, fs.clone())?;
        }
        if ext(p, "x-kubernetes-identity").is_some() {
            merge_one(&mut tc.name_prefix, fs.clone())?;
        }
        if let (Some(version), Some(kind)) = (ext(p, "x-kubernetes-object-ref-api-version"), ext(p, "x-kubernetes-object-ref-kind")) {
            let name_key = ext(p, "x-kubernetes-object-ref-name-key").unwrap_or("name");
            let target = Gvk::new("", version, kind);
            let referrer = FieldSpec { gvk: gvk.clone(), path: format!("{}/{name_key}", full.join("/")), create: false };
            match tc.name_reference.iter_mut().find(|n| n.gvk == target) {
                Some(n) => merge_one(&mut n.referrers, referrer)?,
                None => tc.name_reference.push(NameBackReferences { gvk: target, referrers: vec![referrer] }),
            }
        }
        if let Some(r) = p.get("$ref").and_then(|v| v.as_str()) {
            load_crd(tc, gvk, defs, r, &full)?;
        }
    }
    Ok(())
}

/// LoadConfigFromCRDs.
pub fn load_config_from_crds(ldr: &Loader, paths: &[String]) -> Result<TransformerConfig, KustomizeError> {
    let mut tc = TransformerConfig::default();
    for path in paths {
        let data = ldr.load(path)?;
        let text = String::from_utf8_lossy(&data);
        let v: Json = if text.starts_with('{') {
            serde_json::from_str(&text).map_err(|e| KustomizeError::msg(e.to_string()))
        } else {
            crate::kustomize::parse::yaml_to_json(&text).map_err(|e| KustomizeError::msg(e.message))
        }
        .map_err(|e| e.wrap(format!("unable to parse open API definition from '{path}'")))?;
        let Some(defs) = v.as_object() else { continue };
        let mut names: Vec<&String> = defs.keys().collect();
        names.sort();
        for name in names {
            let def = &defs[name];
            let Some(p) = props(def) else { continue };
            if !(p.contains_key("kind") && p.contains_key("apiVersion") && p.contains_key("metadata")) {
                continue;
            }
            let kind = name.rsplit('.').next().unwrap_or(name);
            let mut one = TransformerConfig::default();
            load_crd(&mut one, &Gvk::from_kind(kind), defs, name, &[])?;
            tc = tc.merge(&one)?;
        }
    }
    Ok(tc)
}
