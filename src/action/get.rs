//! `get values|manifest|notes|hooks|metadata|all`: parts of a stored
//! release revision. Go: pkg/action/get.go, get_values.go, get_metadata.go.

use std::collections::BTreeMap;

use chrono::Timelike;

use serde::Serialize;
use serde_json::Value;

use crate::release::{Dependency, Release};

use super::common::{chart_from_record, release_content, ActionError, Configuration};

/// A release revision (0: the latest).
pub fn get(cfg: &Configuration, namespace: &str, name: &str, revision: u32) -> Result<Release, ActionError> {
    release_content(cfg, namespace, name, revision)
}

/// The user-supplied values (`null` when none, as Helm's nil map), or with
/// `all` the computed values (Go: CoalesceValues(rel.Chart, rel.Config)).
pub fn values(rel: &Release, all: bool) -> Result<Value, ActionError> {
    if all {
        return computed_values(rel);
    }
    Ok(if rel.config.is_empty() { Value::Null } else { Value::Object(rel.config.clone()) })
}

pub fn computed_values(rel: &Release) -> Result<Value, ActionError> {
    let chart = chart_from_record(&rel.chart);
    let coalesced = crate::values::coalesce(&chart, &rel.config).map_err(|e| ActionError::msg(e.to_string()))?;
    Ok(coalesced.values)
}

/// Go: action.Metadata, fields in its order.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    pub name: String,
    pub chart: String,
    pub version: String,
    #[serde(rename = "appVersion")]
    pub app_version: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    pub namespace: String,
    pub revision: u32,
    pub status: String,
    #[serde(rename = "deployedAt")]
    pub deployed_at: String,
    #[serde(rename = "applyMethod", skip_serializing_if = "String::is_empty")]
    pub apply_method: String,
}

impl Metadata {
    /// Go: GetMetadata.Run.
    pub fn of(rel: &Release) -> Metadata {
        let md = rel.chart.metadata.clone().unwrap_or_default();
        let deployed = rel.info.last_deployed.datetime();
        // Go: time.RFC3339 ("2006-01-02T15:04:05Z07:00"), no fraction.
        let deployed_at =
            crate::release::GoTime::from_datetime(deployed.with_nanosecond(0).unwrap_or(deployed)).to_rfc3339_nano();
        Metadata {
            name: rel.name.clone(),
            chart: md.name.clone(),
            version: md.version.clone(),
            app_version: md.app_version.clone(),
            annotations: md.annotations.clone(),
            labels: rel.labels.clone(),
            dependencies: md.dependencies.clone(),
            namespace: rel.namespace.clone(),
            revision: rel.version,
            status: rel.info.status.to_string(),
            deployed_at,
            apply_method: rel.apply_method.clone(),
        }
    }

    /// Go: Metadata.FormattedDepNames: sorted names, comma separated.
    pub fn formatted_dep_names(&self) -> String {
        let mut names: Vec<&str> = self.dependencies.iter().map(|d| d.name.as_str()).collect();
        names.sort_unstable();
        names.join(",")
    }
}
