//! Dependency processing as `helm template`/`install` does it
//! (pkg/action/install.go CheckDependencies, pkg/chart/v2/util/
//! dependencies.go ProcessDependencies): which subcharts are enabled
//! (conditions, tags), aliases (one chart aliased twice is two subcharts),
//! and import-values (child values copied into the parent).
//!
//! Faithful details worth knowing:
//! - `enabled:` in Chart.yaml has no effect: Helm sets every dependency
//!   enabled before applying tags and conditions.
//! - A condition is a comma-separated list of value paths; the first that
//!   resolves to a boolean decides. Paths are not trimmed after the comma.
//! - Conditions of a nested subchart are looked up below the parent's key
//!   (`sub.x.enabled`) in the parent's coalesced values.
//! - A chart under `charts/` that matches no dependency (by name and
//!   version range) is kept; a disabled one is removed from the chart.
//! - After processing, a chart with enabled dependencies has its values
//!   replaced by the merge of its own and its subcharts' values plus the
//!   imported ones (Helm's processImportValues with merge on).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::error::ChartError;
use super::log::Warning;
use super::model::{Chart, Dependency};
use super::version::is_compatible_range;
use crate::values::coalesce::{self, Log};
use crate::values::tree::{self, MapRef, Node};

/// Helm's `action.CheckDependencies`: every dependency declared in
/// Chart.yaml (or requirements.yaml) must have a chart of that name under
/// `charts/`.
pub fn check(chart: &Chart) -> Result<(), ChartError> {
    let missing: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ChartError::MissingDependencies(missing))
    }
}

/// Helm's `ProcessDependencies(chart, values)`: enable/disable and alias
/// subcharts from the user's values, drop disabled ones, then import
/// values. `user_values` are the merged user values (`-f`, `--set`...).
/// Returns what Helm logs on the way.
pub fn process(chart: &mut Chart, user_values: &Map<String, Value>) -> Result<Vec<Warning>, ChartError> {
    let mut warnings = Vec::new();
    process_with_log(chart, user_values, &mut warnings)?;
    Ok(warnings)
}

/// [`process`], appending what Helm logs to `log` as it goes (so the
/// lines logged before a failure are kept).
pub fn process_with_log(
    chart: &mut Chart,
    user_values: &Map<String, Value>,
    log: &mut Vec<Warning>,
) -> Result<(), ChartError> {
    let v = tree::map_from_json(user_values);
    process_enabled(chart, &v, "", log)?;
    process_import_values_recursive(chart, log)
}

/// Helm's `processDependencyTags`.
fn process_tags(reqs: &mut [Dependency], cvals: &MapRef, warnings: &mut Vec<Warning>) {
    let Ok(vt) = tree::table(cvals, "tags") else { return };
    for r in reqs.iter_mut() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tree::get(&vt, k) {
                None => {}
                Some(Node::Leaf(b)) if b.is_boolean() => {
                    if b.as_bool() == Some(true) {
                        has_true = true
                    } else {
                        has_false = true
                    }
                }
                Some(_) => warnings.push(
                    Warning::warn("returned non-bool value").with("tag", k.clone()).with("chart", r.name.clone()),
                ),
            }
        }
        if !has_true && has_false {
            r.enabled = Some(false);
        } else if has_true || !has_false {
            r.enabled = Some(true);
        }
    }
}

/// Helm's `processDependencyConditions`.
fn process_conditions(reqs: &mut [Dependency], cvals: &MapRef, cpath: &str, warnings: &mut Vec<Warning>) {
    for r in reqs.iter_mut() {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(v) = tree::path_value(cvals, &format!("{cpath}{c}")) {
                if let Node::Leaf(b) = &v {
                    if let Some(b) = b.as_bool() {
                        r.enabled = Some(b);
                        break;
                    }
                }
                warnings.push(
                    Warning::warn("returned non-bool value").with("path", c.to_string()).with("chart", r.name.clone()),
                );
            }
        }
    }
}

/// Helm's `processDependencyEnabled`.
fn process_enabled(c: &mut Chart, v: &MapRef, path: &str, warnings: &mut Vec<Warning>) -> Result<(), ChartError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    // Charts under charts/ that no dependency names stay as they are; each
    // dependency takes (a copy of, when aliased more than once) the first
    // chart matching its name and version range. Charts are moved, not
    // copied, where Helm's shallow copies allow it (they carry every file).
    let existing = std::mem::take(&mut c.dependencies);
    let listed = |e: &Chart, reqs: &[Dependency]| {
        reqs.iter().any(|req| e.name() == req.name && is_compatible_range(&req.version, &e.metadata.version))
    };
    let unlisted: Vec<bool> = existing.iter().map(|e| !listed(e, &c.metadata.dependencies)).collect();
    let picks: Vec<Option<usize>> = c
        .metadata
        .dependencies
        .iter()
        .map(|req| {
            existing
                .iter()
                .position(|e| e.name() == req.name && is_compatible_range(&req.version, &e.metadata.version))
        })
        .collect();
    let mut uses = vec![0usize; existing.len()];
    for p in picks.iter().flatten() {
        uses[*p] += 1;
    }
    let mut slots: Vec<Option<Chart>> = existing.into_iter().map(Some).collect();
    let mut chart_deps: Vec<Chart> = Vec::new();
    for (i, slot) in slots.iter_mut().enumerate() {
        if unlisted[i] {
            if let Some(ch) = slot.take() {
                chart_deps.push(ch);
            }
        }
    }
    for (req, pick) in c.metadata.dependencies.iter_mut().zip(&picks) {
        if let Some(i) = *pick {
            uses[i] -= 1;
            let mut ch = if uses[i] == 0 { slots[i].take() } else { slots[i].clone() };
            if let Some(ch) = ch.as_mut() {
                if !req.alias.is_empty() {
                    ch.metadata.name = req.alias.clone();
                }
            }
            chart_deps.extend(ch);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;

    for lr in c.metadata.dependencies.iter_mut() {
        lr.enabled = Some(true);
    }
    let cvals = coalesce::coalesce_values(c, Some(v), &mut Log { warnings: &mut *warnings })
        .map_err(|e| ChartError::other(e.to_string()))?;
    process_tags(&mut c.metadata.dependencies, &cvals, warnings);
    process_conditions(&mut c.metadata.dependencies, &cvals, path, warnings);

    let rm: HashSet<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| r.enabled == Some(false))
        .map(|r| r.name.clone())
        .collect();
    c.dependencies.retain(|n| !rm.contains(n.name()));
    c.metadata.dependencies.retain(|n| !rm.contains(&n.name));

    for t in c.dependencies.iter_mut() {
        let subpath = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &subpath, warnings)?;
    }
    Ok(())
}

/// Helm's `pathToMap`: `a.b` and a table become `{a: {b: table}}`.
fn path_to_map(path: &str, data: MapRef) -> MapRef {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = tree::new_map();
        tree::set(&m, part, Node::Map(cur));
        cur = m;
    }
    cur
}

/// Helm's `processImportValues` with merge on (as ProcessDependencies
/// calls it).
fn process_import_values(c: &mut Chart, warnings: &mut Vec<Warning>) -> Result<(), ChartError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = coalesce::merge_values(c, None, &mut Log { warnings: &mut *warnings }).map_err(|e| ChartError::other(e.to_string()))?;
    let b = tree::new_map();
    for r in c.metadata.dependencies.iter_mut() {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Object(iv) => {
                    let show = |k: &str| iv.get(k).map(crate::chart::gostr::sprint).unwrap_or_else(|| "<nil>".into());
                    let child = show("child");
                    let parent = show("parent");
                    outiv.push(serde_json::json!({"child": child, "parent": parent}));
                    match tree::table(&cvals, &format!("{}.{}", r.name, child)) {
                        Ok(vv) => coalesce::merge_tables(&mut Log { warnings: &mut *warnings }, &b, &path_to_map(&parent, vv)),
                        Err(e) => warnings.push(
                            Warning::warn("ImportValues missing table from chart")
                                .with("chart", r.name.clone())
                                .with("error", e),
                        ),
                    }
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    outiv.push(serde_json::json!({"child": child, "parent": "."}));
                    match tree::table(&cvals, &format!("{}.{}", r.name, child)) {
                        Ok(vm) => coalesce::merge_tables(&mut Log { warnings: &mut *warnings }, &b, &vm),
                        Err(e) => warnings.push(Warning::warn("ImportValues missing table").with("error", e)),
                    }
                }
                _ => {}
            }
        }
        r.import_values = outiv;
    }
    // Imported values rank below the parent's own values. (Helm copies
    // cvals first so that it shares nothing with b: with nothing imported,
    // as in most charts, there is nothing to share or merge.)
    let cvals = if b.borrow().is_empty() {
        cvals
    } else {
        let cvals = tree::deep_copy_map(&cvals);
        coalesce::merge_tables(&mut Log { warnings: &mut *warnings }, &cvals, &b);
        cvals
    };
    c.values = tree::map_to_json(&cvals);
    Ok(())
}

/// Helm's `processDependencyImportValues`: children first.
fn process_import_values_recursive(c: &mut Chart, warnings: &mut Vec<Warning>) -> Result<(), ChartError> {
    for d in c.dependencies.iter_mut() {
        process_import_values_recursive(d, warnings)?;
    }
    process_import_values(c, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chart(name: &str, version: &str, values: Value, deps: Value, subs: Vec<Chart>) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.metadata.version = version.into();
        c.metadata.api_version = "v2".into();
        c.values = values.as_object().unwrap().clone();
        c.metadata.dependencies = serde_json::from_value(deps).unwrap();
        c.dependencies = subs;
        c
    }

    fn names(c: &Chart) -> Vec<&str> {
        c.dependencies.iter().map(|d| d.name()).collect()
    }

    #[test]
    fn check_reports_missing_dependencies() {
        let c = chart("top", "1.0.0", json!({}), json!([{"name": "a"}, {"name": "b"}]), vec![]);
        assert_eq!(
            check(&c).unwrap_err().to_string(),
            "found in Chart.yaml, but missing in charts/ directory: a, b"
        );
    }

    #[test]
    fn conditions_tags_and_first_bool_wins() {
        let subs = vec![
            chart("a", "1.0.0", json!({}), json!([]), vec![]),
            chart("b", "1.0.0", json!({}), json!([]), vec![]),
            chart("c", "1.0.0", json!({}), json!([]), vec![]),
            chart("d", "1.0.0", json!({}), json!([]), vec![]),
            chart("extra", "1.0.0", json!({}), json!([]), vec![]),
        ];
        let mut c = chart(
            "top",
            "1.0.0",
            json!({"a": {"enabled": false}, "b": {"enabled": "yes"}, "tags": {"front": false, "back": true}}),
            json!([
                {"name": "a", "version": "1.x", "condition": "a.enabled", "enabled": true},
                {"name": "b", "version": "1.x", "condition": "missing.flag,b.enabled,c.on"},
                {"name": "c", "version": "1.x", "tags": ["front"]},
                {"name": "d", "version": "1.x", "tags": ["front", "back"]}
            ]),
            subs,
        );
        let w = process(&mut c, &json!({"c": {"on": true}}).as_object().unwrap().clone()).unwrap();
        // a: condition false; b: first bool among its paths is c.on = true
        // (b.enabled is not a bool: warned); c: only false tags; d: one true tag.
        assert_eq!(names(&c), ["extra", "b", "d"]);
        let md: Vec<&str> = c.metadata.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(md, ["b", "d"]);
        assert_eq!(
            w.iter().map(|w| w.to_slog_line()).collect::<Vec<_>>(),
            ["level=WARN msg=\"returned non-bool value\" path=b.enabled chart=b"]
        );
    }

    #[test]
    fn alias_twice_gives_two_subcharts_and_nested_conditions_use_parent_path() {
        let grandchild = chart("grandchild", "1.0.0", json!({"from": "default"}), json!([]), vec![]);
        let child = chart(
            "child",
            "1.0.0",
            json!({}),
            json!([{"name": "grandchild", "version": "1.0.0", "condition": "grandchild.enabled"}]),
            vec![grandchild],
        );
        let mut c = chart(
            "top",
            "1.0.0",
            json!({"foo": {"grandchild": {"from": "foo"}}, "bar": {"grandchild": {"enabled": false}}}),
            json!([
                {"name": "child", "alias": "foo", "version": "1.0.0"},
                {"name": "child", "alias": "bar", "version": "1.0.0"}
            ]),
            vec![child],
        );
        process(&mut c, &Map::new()).unwrap();
        assert_eq!(names(&c), ["foo", "bar"]);
        assert_eq!(names(&c.dependencies[0]), ["grandchild"]);
        assert!(c.dependencies[1].dependencies.is_empty(), "bar.grandchild.enabled=false removes it");
        assert_eq!(c.metadata.dependencies[0].name, "foo");
    }

    #[test]
    fn import_values_both_forms() {
        let sub = chart(
            "sub",
            "1.0.0",
            json!({"exports": {"data": {"fromExports": 1.0}}, "cfg": {"port": 80.0, "host": "h"}}),
            json!([]),
            vec![],
        );
        let mut c = chart(
            "top",
            "1.0.0",
            json!({"imported": {"host": "parent-wins"}}),
            json!([{"name": "sub", "version": "1.0.0", "import-values": [
                "data",
                {"child": "cfg", "parent": "imported"},
                {"child": "nope", "parent": "x"}
            ]}]),
            vec![sub],
        );
        let w = process(&mut c, &Map::new()).unwrap();
        assert_eq!(c.values["fromExports"], json!(1.0));
        assert_eq!(c.values["imported"], json!({"host": "parent-wins", "port": 80.0}));
        // After processing, the parent's values hold its subcharts' too.
        assert_eq!(c.values["sub"]["cfg"]["port"], json!(80.0));
        assert_eq!(
            c.metadata.dependencies[0].import_values,
            vec![
                json!({"child": "exports.data", "parent": "."}),
                json!({"child": "cfg", "parent": "imported"}),
                json!({"child": "nope", "parent": "x"})
            ]
        );
        assert_eq!(
            w.iter().map(|w| w.to_slog_line()).collect::<Vec<_>>(),
            ["level=WARN msg=\"ImportValues missing table from chart\" chart=sub error=\"\\\"nope\\\" is not a table\""]
        );
    }

    #[test]
    fn unmatched_version_keeps_the_chart_unaliased() {
        let sub = chart("sub", "2.0.0", json!({}), json!([]), vec![]);
        let mut c = chart(
            "top",
            "1.0.0",
            json!({}),
            json!([{"name": "sub", "alias": "renamed", "version": "1.x"}]),
            vec![sub],
        );
        process(&mut c, &Map::new()).unwrap();
        assert_eq!(names(&c), ["sub"]);
    }
}
