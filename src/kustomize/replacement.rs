//! `replacements:` (kustomize api/filters/replacement): copy a value from a
//! source resource's field (or a literal) into target fields, optionally
//! one delimited part of it, creating target fields on request.

use serde_json::Value as Json;

use super::error::KustomizeError;
use super::node::Node;
use super::paths::{get_mut_at, lookup, path_match, smarter_split, Create};
use super::resmap::ResMap;
use super::resource::{Gvk, ResId, Resource};
use super::selector::{LabelSelector, Selector};
use super::target::Loader;

/// FieldOptions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldOptions {
    pub delimiter: String,
    pub index: i64,
    pub create: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub id: ResId,
    pub field_path: String,
    pub options: Option<FieldOptions>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetSelector {
    pub select: Option<Selector>,
    pub reject: Vec<Selector>,
    pub field_paths: Vec<String>,
    pub options: Option<FieldOptions>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replacement {
    pub source: Option<Source>,
    pub source_value: Option<String>,
    pub targets: Option<Vec<TargetSelector>>,
}

/// A JSON object field, matched case-insensitively as encoding/json does.
fn field<'a>(v: &'a Json, name: &str) -> Option<&'a Json> {
    let obj = v.as_object()?;
    obj.get(name).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)).filter(|v| !v.is_null())
}

fn string(v: &Json, name: &str) -> String {
    field(v, name).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

fn options(v: &Json) -> Option<FieldOptions> {
    let o = field(v, "options")?;
    Some(FieldOptions {
        delimiter: string(o, "delimiter"),
        index: field(o, "index").and_then(|x| x.as_f64()).map(|f| f as i64).unwrap_or(0),
        create: field(o, "create").and_then(|x| x.as_bool()).unwrap_or(false),
    })
}

fn res_id(v: &Json) -> ResId {
    ResId::new(Gvk::new(string(v, "group"), string(v, "version"), string(v, "kind")), string(v, "name"), string(v, "namespace"))
}

fn parse_replacement(v: &Json) -> Result<Replacement, KustomizeError> {
    let mut r = Replacement::default();
    if let Some(s) = field(v, "source") {
        r.source = Some(Source { id: res_id(s), field_path: string(s, "fieldPath"), options: options(s) });
    }
    if let Some(sv) = field(v, "sourceValue") {
        r.source_value = Some(sv.as_str().map(str::to_string).unwrap_or_else(|| sv.to_string()));
    }
    if let Some(ts) = field(v, "targets") {
        let mut targets = Vec::new();
        for t in ts.as_array().cloned().unwrap_or_default() {
            targets.push(TargetSelector {
                select: field(&t, "select").map(Selector::from_json),
                reject: field(&t, "reject").and_then(|x| x.as_array()).map(|a| a.iter().map(Selector::from_json).collect()).unwrap_or_default(),
                field_paths: field(&t, "fieldPaths")
                    .and_then(|x| x.as_array())
                    .map(|a| a.iter().map(|s| s.as_str().unwrap_or("").to_string()).collect())
                    .unwrap_or_default(),
                options: options(&t),
            });
        }
        r.targets = Some(targets);
    }
    Ok(r)
}

/// ReplacementTransformerPlugin.Config: inline replacements and `path:` files
/// (one replacement or a list).
pub fn configure(ldr: &Loader, list: &[Json]) -> Result<Vec<Replacement>, KustomizeError> {
    let mut out = Vec::new();
    for item in list {
        let path = string(item, "path");
        let inline = field(item, "source").is_some() || field(item, "targets").map(|t| !t.as_array().map(|a| a.is_empty()).unwrap_or(true)).unwrap_or(false);
        if !path.is_empty() && inline {
            return Err(KustomizeError::msg("cannot specify both path and inline replacement"));
        }
        if path.is_empty() {
            out.push(parse_replacement(item)?);
            continue;
        }
        let data = ldr.load(&path)?;
        let v = crate::kustomize::parse::yaml_to_json(&String::from_utf8_lossy(&data)).map_err(|e| KustomizeError::msg(e.message))?;
        match &v {
            Json::Array(items) => {
                for i in items {
                    out.push(parse_replacement(i)?);
                }
            }
            Json::Object(_) => out.push(parse_replacement(&v)?),
            _ => {
                return Err(KustomizeError::msg(format!(
                    "unsupported replacement type encountered within replacement path: {}",
                    if v.is_null() { "invalid" } else { "string" }
                )))
            }
        }
    }
    Ok(out)
}

/// utils.MakeResIds: current id, then previous ids.
fn ids_of(r: &Resource) -> Vec<ResId> {
    let mut ids = vec![r.cur_id()];
    ids.extend(r.prev_ids());
    ids
}

/// Filter: each replacement in order.
pub fn apply(m: &mut ResMap, reps: &[Replacement]) -> Result<(), KustomizeError> {
    for r in reps {
        if (r.source_value.is_none() && r.source.is_none()) || r.targets.is_none() {
            return Err(KustomizeError::msg("replacements must specify a source and at least one target"));
        }
        let value = source_value(m, r)?;
        apply_targets(m, &value, r.targets.as_deref().unwrap_or(&[]))?;
    }
    Ok(())
}

fn source_value(m: &ResMap, r: &Replacement) -> Result<Node, KustomizeError> {
    if r.source_value.is_some() && r.source.is_some() {
        return Err(KustomizeError::msg("value and resource selectors are mutually exclusive"));
    }
    if let Some(v) = &r.source_value {
        return Ok(Node::plain(v.clone()));
    }
    let src = r.source.as_ref().expect("source");
    let mut found: Option<&Resource> = None;
    for res in &m.list {
        if ids_of(res).iter().any(|id| id.is_selected_by(&src.id)) {
            if found.is_some() {
                return Err(KustomizeError::msg(format!("multiple matches for selector {}", describe_source(src))));
            }
            found = Some(res);
        }
    }
    let Some(res) = found else {
        return Err(KustomizeError::msg(format!("nothing selected by {}", describe_source(src))));
    };
    let fp = if src.field_path.is_empty() { "metadata.name".to_string() } else { src.field_path.clone() };
    let parts = smarter_split(&fp, '.');
    let node = lookup(&res.node, &parts).map_err(|e| e.wrap("error looking up replacement source"))?;
    let node = match node {
        Some(n) if !n.is_nil_or_empty() => n.clone(),
        _ => return Err(KustomizeError::msg(format!("fieldPath `{fp}` is missing for replacement source {}", src.id))),
    };
    refine(src.options.as_ref(), node)
}

/// SourceSelector.String.
fn describe_source(s: &Source) -> String {
    let mut parts = vec![s.id.to_string()];
    if !s.field_path.is_empty() {
        parts.push(s.field_path.clone());
    }
    if let Some(o) = &s.options {
        if !o.delimiter.is_empty() || o.create {
            parts.push(format!("{}({}), create={}", o.delimiter, o.index, o.create));
        }
    }
    parts.join(":")
}

/// getRefinedValue: one part of a delimited source value.
fn refine(opts: Option<&FieldOptions>, node: Node) -> Result<Node, KustomizeError> {
    let Some(o) = opts.filter(|o| !o.delimiter.is_empty()) else { return Ok(node) };
    let Node::Scalar(mut s) = node else {
        return Err(KustomizeError::msg("delimiter option can only be used with scalar nodes"));
    };
    let parts: Vec<&str> = s.value.split(o.delimiter.as_str()).collect();
    if o.index < 0 || o.index as usize >= parts.len() {
        return Err(KustomizeError::msg(format!("options.index {} is out of bounds for value {}", o.index, s.value)));
    }
    s.value = parts[o.index as usize].to_string();
    Ok(Node::Scalar(s))
}

fn apply_targets(m: &mut ResMap, value: &Node, targets: &[TargetSelector]) -> Result<(), KustomizeError> {
    for t in targets {
        let Some(select) = &t.select else {
            return Err(KustomizeError::msg("target must specify resources to select"));
        };
        let field_paths = if t.field_paths.is_empty() { vec!["metadata.name".to_string()] } else { t.field_paths.clone() };
        for res in m.list.iter_mut() {
            let ids = ids_of(res);
            if !select_by_anno_and_label(res, select, &t.reject)? {
                continue;
            }
            let rejected = t.reject.iter().any(|r| r.id != ResId::default() && ids.iter().any(|id| id.is_selected_by(&r.id)));
            if ids.iter().any(|id| id.is_selected_by(&select.id)) && !rejected {
                copy_value_to_target(res, value, t, &field_paths)?;
            }
        }
    }
    Ok(())
}

fn select_by_anno_and_label(r: &Resource, select: &Selector, rejects: &[Selector]) -> Result<bool, KustomizeError> {
    let matches = |s: &Selector| -> Result<bool, KustomizeError> {
        Ok(LabelSelector::parse(&s.annotation_selector)?.matches(&r.annotations())
            && LabelSelector::parse(&s.label_selector)?.matches(&r.labels()))
    };
    if !matches(select)? {
        return Ok(false);
    }
    for rej in rejects {
        if rej.annotation_selector.is_empty() && rej.label_selector.is_empty() {
            continue;
        }
        if matches(rej)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn copy_value_to_target(res: &mut Resource, value: &Node, t: &TargetSelector, field_paths: &[String]) -> Result<(), KustomizeError> {
    for fp in field_paths {
        let create = match (&t.options, value) {
            (Some(o), Node::Scalar(_)) if o.create => Create::Scalar,
            (Some(o), Node::Map(_)) if o.create => Create::Map,
            (Some(o), Node::Seq(_)) if o.create => Create::Seq,
            _ => Create::No,
        };
        let err_text = if create != Create::No {
            format!("unable to find or create field {fp:?} in replacement target")
        } else {
            format!("unable to find field {fp:?} in replacement target")
        };
        let addrs = path_match(&mut res.node, &smarter_split(fp, '.'), create).map_err(|e| e.wrap(&err_text))?;
        if addrs.is_empty() {
            return Err(KustomizeError::msg(err_text));
        }
        for a in addrs {
            let target = get_mut_at(&mut res.node, &a).expect("address from path_match");
            set_field_value(t.options.as_ref(), target, value)?;
        }
    }
    Ok(())
}

/// setFieldValue: scalars keep their tag and take the value's text;
/// anything else is replaced by the value.
fn set_field_value(opts: Option<&FieldOptions>, target: &mut Node, value: &Node) -> Result<(), KustomizeError> {
    let mut value = value.clone();
    if let Some(o) = opts.filter(|o| !o.delimiter.is_empty()) {
        let Node::Scalar(ts) = &*target else {
            return Err(KustomizeError::msg("delimiter option can only be used with scalar nodes"));
        };
        let mut tv: Vec<String> = ts.value.split(o.delimiter.as_str()).map(str::to_string).collect();
        let v = value.get_value().to_string();
        if o.index < 0 {
            tv.insert(0, v);
        } else if o.index as usize >= tv.len() {
            tv.push(v);
        } else {
            tv[o.index as usize] = v;
        }
        if let Node::Scalar(s) = &mut value {
            s.value = tv.join(&o.delimiter);
        }
    }
    match target {
        Node::Scalar(ts) => ts.value = value.value().to_string(),
        other => *other = value,
    }
    Ok(())
}
