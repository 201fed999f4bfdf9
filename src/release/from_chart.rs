//! The chart as a release stores it, built from a loaded [`crate::chart::Chart`]
//! (Go: the release keeps the `*chart.Chart` it was installed from; only its
//! JSON fields are written, so subcharts are not stored).

use crate::chart::Chart;

use super::error::StoreError;
use super::record::{ChartFile, ChartMetadata, ChartRecord, Dependency, Lock};
use super::time::GoTime;

impl ChartRecord {
    /// Helm's nil-vs-empty choices follow its loader (Go: pkg/chart/v2/loader
    /// LoadFiles): no templates or files is `null`, values are `null` only
    /// without a values.yaml. Mod times are not tracked by the loader: zero.
    pub fn from_chart(chart: &Chart) -> Result<ChartRecord, StoreError> {
        let files = |list: &[crate::chart::File]| {
            (!list.is_empty()).then(|| {
                list.iter()
                    .map(|f| ChartFile { name: f.name.clone(), data: f.data.to_vec(), ..ChartFile::default() })
                    .collect()
            })
        };
        let has_values = chart.raw_values.is_some() || !chart.values.is_empty();
        let dependencies = match &chart.lock {
            Some(lock) => lock.dependencies.iter().map(convert::<_, Dependency>).collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        Ok(ChartRecord {
            metadata: Some(convert::<_, ChartMetadata>(&chart.metadata)?),
            lock: chart.lock.as_ref().map(|lock| Lock {
                generated: GoTime::parse_rfc3339(&lock.generated).unwrap_or_default(),
                digest: lock.digest.clone(),
                dependencies: Some(dependencies),
                ..Lock::default()
            }),
            templates: files(&chart.templates),
            values: has_values.then(|| chart.values.clone()),
            schema: chart.schema.clone(),
            schemamodtime: GoTime::zero(),
            files: files(&chart.files),
            modtime: GoTime::zero(),
            extra: Default::default(),
        })
    }
}

/// Field-by-name conversion through JSON: the chart model and the record
/// use Helm's JSON names, so fields added to either side carry over.
fn convert<T: serde::Serialize, U: serde::de::DeserializeOwned>(from: &T) -> Result<U, StoreError> {
    serde_json::to_value(from)
        .and_then(serde_json::from_value)
        .map_err(|e| StoreError::Codec(format!("chart to release record: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{File, Metadata};
    use serde_json::json;

    #[test]
    fn a_loaded_chart_becomes_helms_chart_json() {
        let mut chart = Chart {
            metadata: Metadata {
                name: "webapp".into(),
                version: "0.1.0".into(),
                api_version: "v2".into(),
                app_version: "1.2".into(),
                ..Metadata::default()
            },
            templates: vec![File { name: "templates/cm.yaml".into(), data: b"kind: ConfigMap\n".to_vec().into() }],
            values: json!({"replicas": 1}).as_object().unwrap().clone(),
            raw_values: Some(b"replicas: 1\n".to_vec()),
            ..Chart::default()
        };
        chart.lock = Some(crate::chart::Lock {
            generated: "2025-08-13T19:31:58.340987883Z".into(),
            digest: "sha256:ab".into(),
            dependencies: vec![crate::chart::Dependency {
                name: "common".into(),
                version: "2.31.4".into(),
                repository: "oci://r".into(),
                ..Default::default()
            }],
        });
        let record = ChartRecord::from_chart(&chart).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&super::super::gojson::to_go_json(&record).unwrap()).unwrap();
        assert_eq!(
            json,
            json!({
                "metadata": {"name": "webapp", "version": "0.1.0", "apiVersion": "v2", "appVersion": "1.2"},
                "lock": {"generated": "2025-08-13T19:31:58.340987883Z", "digest": "sha256:ab",
                         "dependencies": [{"name": "common", "version": "2.31.4", "repository": "oci://r"}]},
                "templates": [{"name": "templates/cm.yaml", "data": "a2luZDogQ29uZmlnTWFwCg=="}],
                "values": {"replicas": 1},
                "schema": null,
                "schemamodtime": "0001-01-01T00:00:00Z",
                "files": null
            })
        );
        let bare = ChartRecord::from_chart(&Chart::default()).unwrap();
        assert!(bare.values.is_none() && bare.templates.is_none() && bare.lock.is_none());
    }
}
