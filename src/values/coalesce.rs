//! Coalescing values: a chart's defaults under the values given to it, its
//! subcharts' defaults under the parent's values for them, and `global`
//! copied down into every subchart. A port of Helm's
//! pkg/chart/common/util/coalesce.go (CoalesceValues, MergeValues,
//! CoalesceTables, MergeTables) as of Helm v4.1.4, keeping Go's map sharing
//! (see `tree`), its null handling (coalescing deletes a key the values set
//! to null; merging keeps the null; a chart default that is null is kept)
//! and the warnings it logs.

use crate::chart::log::Warning;
use crate::chart::Chart;

use super::tree::{self, MapRef, Node};

/// Where coalescing reports what Helm logs with `log.Printf` (printed by
/// Helm 4 as `level=INFO msg="..."`).
pub(crate) struct Log<'a> {
    pub warnings: &'a mut Vec<Warning>,
}

impl Log<'_> {
    fn printf(&mut self, msg: String) {
        self.warnings.push(Warning::info(msg));
    }
}

/// A value that is not a table where a subchart's table must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("type mismatch on {name}: {shown}")]
pub struct TypeMismatch {
    pub name: String,
    /// Go's `%t` of the value (`%!t(string=x)` for a non-bool).
    pub shown: String,
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// Go's `%t` of a value.
fn go_percent_t(v: &Node) -> String {
    match v {
        Node::Leaf(l) if l.is_boolean() => l.to_string(),
        Node::Null => "%!t(<nil>)".into(),
        other => format!("%!t({}={})", other.type_name(), other.sprint()),
    }
}

/// Helm's `CoalesceValues(chrt, vals)`: the values of a chart and all its
/// subcharts; `vals` is copied first.
pub(crate) fn coalesce_values(ch: &Chart, vals: Option<&MapRef>, log: &mut Log) -> Result<MapRef, TypeMismatch> {
    let copy = vals.map(tree::deep_copy_map).unwrap_or_else(tree::new_map);
    coalesce(log, ch, copy, "", false)
}

/// Helm's `MergeValues(chrt, vals)`: like coalescing, but nulls are kept.
pub(crate) fn merge_values(ch: &Chart, vals: Option<&MapRef>, log: &mut Log) -> Result<MapRef, TypeMismatch> {
    let copy = vals.map(tree::deep_copy_map).unwrap_or_else(tree::new_map);
    coalesce(log, ch, copy, "", true)
}

fn coalesce(log: &mut Log, ch: &Chart, dest: MapRef, prefix: &str, merge: bool) -> Result<MapRef, TypeMismatch> {
    coalesce_chart_values(log, ch, &dest, prefix, merge);
    coalesce_deps(log, ch, dest, prefix, merge)
}

fn coalesce_deps(log: &mut Log, ch: &Chart, dest: MapRef, prefix: &str, merge: bool) -> Result<MapRef, TypeMismatch> {
    for sub in &ch.dependencies {
        let name = sub.name();
        let dvmap = match tree::get(&dest, name) {
            None => {
                let m = tree::new_map();
                tree::set(&dest, name, Node::Map(m.clone()));
                m
            }
            Some(Node::Map(m)) => m,
            Some(other) => return Err(TypeMismatch { name: name.to_string(), shown: go_percent_t(&other) }),
        };
        let sub_prefix = concat_prefix(prefix, ch.name());
        coalesce_globals(log, &dvmap, &dest, &sub_prefix);
        let merged = coalesce(log, sub, dvmap, &sub_prefix, merge)?;
        tree::set(&dest, name, Node::Map(merged));
    }
    Ok(dest)
}

/// Helm's `coalesceGlobals`: copy the parent's `global` into the subchart's
/// values; the parent's entries win.
fn coalesce_globals(log: &mut Log, dest: &MapRef, src: &MapRef, prefix: &str) {
    let dg = match tree::get(dest, "global") {
        None => tree::new_map(),
        Some(Node::Map(m)) => m,
        Some(_) => {
            log.printf("warning: skipping globals because destination global is not a table.".into());
            return;
        }
    };
    let sg = match tree::get(src, "global") {
        None => tree::new_map(),
        Some(Node::Map(m)) => m,
        Some(_) => {
            log.printf("warning: skipping globals because source global is not a table.".into());
            return;
        }
    };
    for (key, val) in tree::entries(&sg) {
        if let Node::Map(val_map) = &val {
            let vv = tree::shallow_copy_map(val_map);
            match tree::get(&dg, &key) {
                None => tree::set(&dg, &key, Node::Map(vv)),
                Some(Node::Map(destv)) => {
                    // Merge top-down: the parent's global table wins.
                    coalesce_tables_full_key(log, &vv, &destv, &concat_prefix(prefix, &key), true);
                    tree::set(&dg, &key, Node::Map(vv));
                }
                Some(_) => log.printf(format!(
                    "Conflict: cannot merge map onto non-map for {}. Skipping.",
                    crate::engine::gofmt::strconv::quote(&key)
                )),
            }
        } else if matches!(tree::get(&dg, &key), Some(Node::Map(_))) {
            log.printf(format!("key {key} is table. Skipping"));
        } else {
            tree::set(&dg, &key, val);
        }
    }
    tree::set(dest, "global", Node::Map(dg));
}

/// Helm's `childChartMergeTrue`: a key naming one of the chart's
/// subcharts is merged (nulls kept) so the subchart can see them.
fn child_chart_merge_true(ch: &Chart, key: &str, merge: bool) -> bool {
    merge || ch.dependencies.iter().any(|d| d.name() == key)
}

/// Helm's `coalesceValues`: the chart's own defaults under `v`.
fn coalesce_chart_values(log: &mut Log, ch: &Chart, v: &MapRef, prefix: &str, merge: bool) {
    let sub_prefix = concat_prefix(prefix, ch.name());
    // A fresh copy of the chart's values, so the chart is never altered.
    let vc = tree::map_from_json(&ch.values);
    for (key, val) in tree::entries(&vc) {
        match tree::get(v, &key) {
            Some(value) => {
                if value.is_null() && !merge {
                    // A null from the user removes the chart's key.
                    v.borrow_mut().remove(&key);
                } else if let Node::Map(dest) = &value {
                    match &val {
                        Node::Map(src) => {
                            let merge = child_chart_merge_true(ch, &key, merge);
                            coalesce_tables_full_key(log, dest, src, &concat_prefix(&sub_prefix, &key), merge);
                        }
                        Node::Null => {}
                        _ => log.printf(format!("warning: skipped value for {sub_prefix}.{key}: Not a table.")),
                    }
                }
            }
            // Chart defaults the values do not have are copied, nulls
            // included (Helm 4.1.4; later Helm drops the nulls here).
            None => tree::set(v, &key, val),
        }
    }
}

/// Helm's `CoalesceTables(dst, src)`: dst wins; nulls in dst delete.
/// (Helm's dependency processing only uses the merging form; upgrade's
/// --reuse-values uses this one.)
pub(crate) fn coalesce_tables(log: &mut Log, dst: &MapRef, src: &MapRef) {
    coalesce_tables_full_key(log, dst, src, "", false);
}

/// Helm's `MergeTables(dst, src)`: dst wins; nulls are kept.
pub(crate) fn merge_tables(log: &mut Log, dst: &MapRef, src: &MapRef) {
    coalesce_tables_full_key(log, dst, src, "", true);
}

/// Helm's `coalesceTablesFullKey`: merge src into dst, dst authoritative.
fn coalesce_tables_full_key(log: &mut Log, dst: &MapRef, src: &MapRef, prefix: &str, merge: bool) {
    let src_original_non_nil: std::collections::HashSet<String> =
        src.borrow().iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect();
    for (key, val) in tree::entries(dst) {
        if val.is_null() {
            tree::set(src, &key, Node::Null);
        }
    }
    for (key, val) in tree::entries(src) {
        let full_key = concat_prefix(prefix, &key);
        let dv = tree::get(dst, &key);
        match dv {
            Some(Node::Null) if !merge && src_original_non_nil.contains(&key) => {
                // The user nulled a default: drop the key.
                dst.borrow_mut().remove(&key);
            }
            None => tree::set(dst, &key, val),
            Some(dv) => {
                if let Node::Map(val_map) = &val {
                    if let Node::Map(dv_map) = &dv {
                        coalesce_tables_full_key(log, dv_map, val_map, &full_key, merge);
                    } else {
                        log.printf(format!(
                            "warning: cannot overwrite table with non table for {full_key} ({})",
                            val.sprint()
                        ));
                    }
                } else if matches!(dv, Node::Map(_)) && !val.is_null() {
                    log.printf(format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                        val.sprint()
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    pub(crate) fn chart(name: &str, values: Value, deps: Vec<Chart>) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        c.metadata.api_version = "v2".into();
        c.values = values.as_object().unwrap().clone();
        c.dependencies = deps;
        c
    }

    fn run(c: &Chart, user: Value) -> (Value, Vec<String>) {
        let mut w = Vec::new();
        let u = tree::map_from_json(user.as_object().unwrap());
        let out = coalesce_values(c, Some(&u), &mut Log { warnings: &mut w }).unwrap();
        (Value::Object(tree::map_to_json(&out)), w.into_iter().map(|w| w.message).collect())
    }

    #[test]
    fn user_values_win_and_null_deletes() {
        // Modelled on Helm's coalesce_test.go TestCoalesceValues.
        let c = chart(
            "moby",
            json!({"name": "moby", "nested": {"a": 1.0, "b": 2.0, "gone": "x"}, "top": "t", "keep": null, "list": [1.0]}),
            vec![],
        );
        let (v, w) = run(&c, json!({"name": "user", "nested": {"b": 3, "gone": null}, "top": null, "new": 1}));
        // A user null deletes the default; a null default stays (Helm 4.1.4).
        assert_eq!(v, json!({"name": "user", "nested": {"a": 1.0, "b": 3}, "new": 1, "list": [1.0], "keep": null}));
        assert!(w.is_empty());
    }

    #[test]
    fn globals_flow_into_subcharts() {
        let sub = chart("sub", json!({"global": {"a": "sub", "s": "subonly"}, "x": 1.0}), vec![]);
        let c = chart("top", json!({"global": {"a": "top", "t": {"deep": 1.0}}, "sub": {"x": 2.0}}), vec![sub]);
        let (v, _) = run(&c, json!({"global": {"u": "user"}}));
        assert_eq!(v["global"], json!({"a": "top", "t": {"deep": 1.0}, "u": "user"}));
        assert_eq!(
            v["sub"],
            json!({"global": {"a": "top", "s": "subonly", "t": {"deep": 1.0}, "u": "user"}, "x": 2.0})
        );
    }

    #[test]
    fn nested_global_tables_are_shared_as_in_go() {
        // The parent's global.a is copied one level into the subchart, so
        // global.a.b is one map in both and the subchart's default leaks up
        // into the parent's values, as it does in Helm.
        let sub = chart("sub", json!({"global": {"a": {"b": {"fromsub": 1.0}}}}), vec![]);
        let c = chart("top", json!({"global": {"a": {"b": {"fromtop": 1.0}}}}), vec![sub]);
        let (v, _) = run(&c, json!({}));
        assert_eq!(v["global"], json!({"a": {"b": {"fromsub": 1.0, "fromtop": 1.0}}}));
        assert_eq!(v["sub"]["global"], json!({"a": {"b": {"fromsub": 1.0, "fromtop": 1.0}}}));
    }

    #[test]
    fn warnings_match_helm() {
        // The keycloak case: a subchart default that is a scalar where the
        // destination is a table.
        let c = chart("postgresql", json!({"tls": {"autoGenerated": false}}), vec![]);
        let (v, w) = run(&c, json!({"tls": {"autoGenerated": {"enabled": true}}}));
        assert_eq!(v["tls"]["autoGenerated"], json!({"enabled": true}));
        assert_eq!(
            w,
            ["warning: destination for postgresql.tls.autoGenerated is a table. Ignoring non-table value (false)"]
        );
        let c = chart("c", json!({"t": {"x": {"y": 1.0}}, "s": 5.0}), vec![]);
        let (v, w) = run(&c, json!({"t": {"x": "str"}, "s": {"a": 1}}));
        assert_eq!(v["t"]["x"], json!("str"));
        assert_eq!(v["s"], json!({"a": 1}));
        assert_eq!(
            w,
            ["warning: skipped value for c.s: Not a table.", "warning: cannot overwrite table with non table for c.t.x (map[y:1])"]
        );
    }

    #[test]
    fn subchart_key_that_is_not_a_table_is_an_error() {
        let c = chart("top", json!({}), vec![chart("sub", json!({}), vec![])]);
        let mut w = Vec::new();
        let u = tree::map_from_json(json!({"sub": "oops"}).as_object().unwrap());
        let e = coalesce_values(&c, Some(&u), &mut Log { warnings: &mut w }).unwrap_err();
        assert_eq!(e.to_string(), "type mismatch on sub: %!t(string=oops)");
    }

    #[test]
    fn merge_keeps_nulls() {
        let c = chart("c", json!({"a": 1.0, "b": {"c": null}}), vec![]);
        let mut w = Vec::new();
        let u = tree::map_from_json(json!({"a": null}).as_object().unwrap());
        let out = merge_values(&c, Some(&u), &mut Log { warnings: &mut w }).unwrap();
        assert_eq!(Value::Object(tree::map_to_json(&out)), json!({"a": null, "b": {"c": null}}));
    }

    #[test]
    fn coalesce_tables_like_helm() {
        // Helm's TestCoalesceTables.
        let dst = tree::map_from_json(json!({
            "name": "Ishmael",
            "address": {"street": "123 Spouter Inn Ct.", "city": "Nantucket", "country": null},
            "details": {"friends": ["Tashtego"]},
            "boat": "pequod",
            "hole": null,
        }).as_object().unwrap());
        let src = tree::map_from_json(json!({
            "occupation": "whaler",
            "address": {"state": "MA", "street": "234 Spouter Inn Ct.", "country": "US"},
            "details": "empty",
            "boat": {"mast": true},
            "hole": "black",
        }).as_object().unwrap());
        let mut w = Vec::new();
        coalesce_tables(&mut Log { warnings: &mut w }, &dst, &src);
        assert_eq!(
            Value::Object(tree::map_to_json(&dst)),
            json!({
                "name": "Ishmael",
                "occupation": "whaler",
                "address": {"street": "123 Spouter Inn Ct.", "city": "Nantucket", "state": "MA"},
                "details": {"friends": ["Tashtego"]},
                "boat": "pequod",
            })
        );
    }
}
