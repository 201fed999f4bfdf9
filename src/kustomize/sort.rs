//! Output order (kustomize SortOrderTransformer): `legacy` (the default)
//! orders by kind (Namespace first, webhooks last, see [`resource::Gvk`])
//! then group/version/kind, namespace and name; `fifo` keeps input order.

use super::error::KustomizeError;
use super::kustomization::SortOptions;
use super::resmap::ResMap;
use super::resource::{Gvk, ResId, ORDER_FIRST, ORDER_LAST};

fn gvk_sort_string(g: &Gvk) -> String {
    let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
    format!("{}_{}_{}", or(&g.group, "~G"), or(&g.version, "~V"), or(&g.kind, "~K"))
}

fn id_sort_string(id: &ResId) -> String {
    let ns = if id.namespace.is_empty() { "~X" } else { &id.namespace };
    let nm = if id.name.is_empty() { "~N" } else { &id.name };
    format!("{}|{ns}|{nm}", id.gvk)
}

/// legacyIDSorter.Less as an ordering (a total order on distinct ids).
fn legacy_cmp(a: &ResId, b: &ResId, first: &[String], last: &[String]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let order = |k: &str| -> i64 {
        if let Some(i) = first.iter().position(|x| x == k) {
            return -(first.len() as i64) + i as i64;
        }
        if let Some(i) = last.iter().position(|x| x == k) {
            return 1 + i as i64;
        }
        0
    };
    if a.gvk != b.gvk {
        let (i1, i2) = (order(&a.gvk.kind), order(&b.gvk.kind));
        if i1 != i2 {
            return i1.cmp(&i2);
        }
        let (s1, s2) = (gvk_sort_string(&a.gvk), gvk_sort_string(&b.gvk));
        if a.gvk.kind == "Namespace" && b.gvk.kind == "Namespace" && (a.gvk.group.is_empty() || b.gvk.group.is_empty()) {
            return s2.cmp(&s1);
        }
        return s1.cmp(&s2);
    }
    let o = id_sort_string(a).cmp(&id_sort_string(b));
    if o == Ordering::Equal {
        Ordering::Equal
    } else {
        o
    }
}

/// applySortOrder: the kustomization's sortOptions, else legacy.
pub fn apply_sort_options(m: &mut ResMap, opts: Option<&SortOptions>) -> Result<(), KustomizeError> {
    let (order, first, last) = match opts {
        None => ("legacy".to_string(), None, None),
        Some(o) => {
            let order = if o.order.is_empty() { "fifo".to_string() } else { o.order.clone() };
            if order != "fifo" && order != "legacy" {
                return Err(KustomizeError::msg("the field 'sortOptions.order' must be one of [fifo, legacy]"));
            }
            if order == "fifo" && o.has_legacy_options {
                return Err(KustomizeError::msg(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                ));
            }
            if o.has_legacy_options {
                (order, Some(o.order_first.clone().unwrap_or_default()), Some(o.order_last.clone().unwrap_or_default()))
            } else {
                (order, None, None)
            }
        }
    };
    if order != "legacy" {
        return Ok(());
    }
    let first: Vec<String> = first.unwrap_or_else(|| ORDER_FIRST.iter().map(|s| s.to_string()).collect());
    let last: Vec<String> = last.unwrap_or_else(|| ORDER_LAST.iter().map(|s| s.to_string()).collect());
    let mut items: Vec<_> = std::mem::take(&mut m.list).into_iter().map(|r| (r.cur_id(), r)).collect();
    items.sort_by(|(a, _), (b, _)| legacy_cmp(a, b, &first, &last));
    for (_, r) in items {
        m.append(r).map_err(|e| e.wrap("SortOrderTransformer: Failed to append to resources"))?;
    }
    Ok(())
}
