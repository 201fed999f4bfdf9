//! The release record: Helm v4's `release/v1.Release` JSON, field for field.
//!
//! Go: pkg/release/v1/{release,info,hook}.go, pkg/release/common/status.go,
//! pkg/chart/v2/{chart,metadata,dependency}.go, pkg/chart/common/file.go.
//! Fields keep Go's declaration order and omitempty/omitzero rules so that
//! re-encoding a record Helm wrote gives back Helm's bytes; every struct keeps
//! fields it does not know in `extra`, so a record from a newer Helm
//! round-trips. Go's nil-vs-empty distinctions that show in the JSON (`null`
//! vs `[]`) are kept with `Option`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::gojson::{
    bytes_base64, opt_bytes_base64, same_json_maps, sorted_entries, sorted_map, sorted_opt_map, sorted_values,
};
use super::time::GoTime;

/// Fields a newer Helm wrote that this version does not model.
pub type Extra = Map<String, Value>;

/// A string-valued Go enum: the known values, plus `Other` so any text
/// (including Go's zero value `""`) decodes and re-encodes unchanged.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, or `""` (Go's zero value).
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }

            /// Go's zero value `""`.
            pub fn is_unset(&self) -> bool {
                matches!(self, $name::Other(s) if s.is_empty())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s: Option<String> = Option::deserialize(d)?;
                Ok($name::from(s.as_deref().unwrap_or("")))
            }
        }
    };
}

string_enum! {
    /// Release status. Go: pkg/release/common/status.go.
    Status {
        Unknown => "unknown",
        Deployed => "deployed",
        Uninstalled => "uninstalled",
        Superseded => "superseded",
        Failed => "failed",
        Uninstalling => "uninstalling",
        PendingInstall => "pending-install",
        PendingUpgrade => "pending-upgrade",
        PendingRollback => "pending-rollback",
    }
}

impl Status {
    /// The known statuses, in Helm's declaration order.
    pub const ALL: [Status; 9] = [
        Status::Unknown,
        Status::Deployed,
        Status::Uninstalled,
        Status::Superseded,
        Status::Failed,
        Status::Uninstalling,
        Status::PendingInstall,
        Status::PendingUpgrade,
        Status::PendingRollback,
    ];

    /// Go: `Status.IsPending`: a transition, not a state.
    pub fn is_pending(&self) -> bool {
        matches!(self, Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback)
    }
}

string_enum! {
    /// When a hook fires. Go: pkg/release/v1/hook.go HookEvent.
    HookEvent {
        PreInstall => "pre-install",
        PostInstall => "post-install",
        PreDelete => "pre-delete",
        PostDelete => "post-delete",
        PreUpgrade => "pre-upgrade",
        PostUpgrade => "post-upgrade",
        PreRollback => "pre-rollback",
        PostRollback => "post-rollback",
        Test => "test",
    }
}

string_enum! {
    /// When a hook's resources are deleted. Go: HookDeletePolicy.
    HookDeletePolicy {
        HookSucceeded => "hook-succeeded",
        HookFailed => "hook-failed",
        BeforeHookCreation => "before-hook-creation",
    }
}

string_enum! {
    /// When a hook's logs are copied back. Go: HookOutputLogPolicy.
    HookOutputLogPolicy {
        OnSucceeded => "hook-succeeded",
        OnFailed => "hook-failed",
    }
}

string_enum! {
    /// Result of a hook's last run (`""` if it never ran). Go: HookPhase.
    HookPhase {
        Unknown => "Unknown",
        Running => "Running",
        Succeeded => "Succeeded",
        Failed => "Failed",
    }
}

/// The storage object prefix of a release key. Go: storage.HelmStorageType.
pub const HELM_STORAGE_TYPE: &str = "sh.helm.release.v1";

/// A deployment of a chart. Go: pkg/release/v1/release.go Release.
/// Written by hand, run by run (see [`RecordRun`]), in Go's field order
/// with its omitempty rules; the attributes below are for reading only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Release {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub info: Info,
    #[serde(default)]
    pub chart: ChartRecord,
    /// User-supplied values (overrides of the chart's defaults).
    #[serde(default)]
    pub config: Map<String, Value>,
    /// The rendered manifests (hooks excluded).
    #[serde(default)]
    pub manifest: String,
    #[serde(default)]
    pub hooks: Vec<Hook>,
    /// The revision, from 1.
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub namespace: String,
    /// Custom labels (`--labels`): not in the JSON; stores keep them beside
    /// the record, as Helm keeps them in the Secret's labels.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
    /// `"ssa"` or `"csa"`; empty means client-side apply.
    #[serde(default)]
    pub apply_method: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The runs a release's JSON is written in, in order. The local store
/// compresses each as its own gzip member, so that a run a later record
/// repeats (the chart; the values and manifest) is compressed once: an
/// install's pending and deployed records, an upgrade's superseded record
/// and a rollback's new one repeat them. Concatenated, the runs are the
/// record's JSON; a single-member gzip of it is what Helm writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRun {
    /// `{"name":…,"info":{…}` (the status changes from record to record).
    Head,
    /// `,"chart":{…}`.
    Chart,
    /// `,"config":{…},"manifest":"…"` (either may be omitted).
    ValuesAndManifest,
    /// `,"hooks":[…],"version":N,"namespace":…,"apply_method":…}` and any
    /// unknown fields (hooks change as they run).
    Tail,
}

impl RecordRun {
    pub const ALL: [RecordRun; 4] = [RecordRun::Head, RecordRun::Chart, RecordRun::ValuesAndManifest, RecordRun::Tail];
}

impl Release {
    /// Write this run's fields as entries of the record's JSON object.
    fn serialize_run<M: serde::ser::SerializeMap>(&self, run: RecordRun, m: &mut M) -> Result<(), M::Error> {
        use super::gojson::SortedValue;
        /// A map serialized with sorted keys, as Go writes `map[string]any`.
        struct Sorted<'a>(&'a Map<String, Value>);
        impl Serialize for Sorted<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                sorted_map(self.0, s)
            }
        }
        match run {
            RecordRun::Head => {
                if !self.name.is_empty() {
                    m.serialize_entry("name", &self.name)?;
                }
                m.serialize_entry("info", &self.info)
            }
            RecordRun::Chart => m.serialize_entry("chart", &self.chart),
            RecordRun::ValuesAndManifest => {
                if !self.config.is_empty() {
                    m.serialize_entry("config", &Sorted(&self.config))?;
                }
                if !self.manifest.is_empty() {
                    m.serialize_entry("manifest", &self.manifest)?;
                }
                Ok(())
            }
            RecordRun::Tail => {
                if !self.hooks.is_empty() {
                    m.serialize_entry("hooks", &self.hooks)?;
                }
                if self.version != 0 {
                    m.serialize_entry("version", &self.version)?;
                }
                if !self.namespace.is_empty() {
                    m.serialize_entry("namespace", &self.namespace)?;
                }
                if !self.apply_method.is_empty() {
                    m.serialize_entry("apply_method", &self.apply_method)?;
                }
                for (k, v) in sorted_entries(&self.extra) {
                    m.serialize_entry(k, &SortedValue(v))?;
                }
                Ok(())
            }
        }
    }

    /// Whether `other` has this release's fields of `run`.
    pub fn same_run(&self, other: &Release, run: RecordRun) -> bool {
        match run {
            RecordRun::Head => self.name == other.name && self.info == other.info,
            RecordRun::Chart => {
                // Listed in full, so that a new field is not left out.
                let ChartRecord { metadata, lock, templates, values, schema, schemamodtime, files, modtime, extra } =
                    &self.chart;
                let o = &other.chart;
                let same_values = match (values, &o.values) {
                    (Some(a), Some(b)) => same_json_maps(a, b),
                    (a, b) => a == b,
                };
                same_values
                    && *metadata == o.metadata
                    && *lock == o.lock
                    && *templates == o.templates
                    && *schema == o.schema
                    && *schemamodtime == o.schemamodtime
                    && *files == o.files
                    && *modtime == o.modtime
                    && *extra == o.extra
            }
            RecordRun::ValuesAndManifest => self.config == other.config && self.manifest == other.manifest,
            RecordRun::Tail => {
                self.hooks == other.hooks
                    && self.version == other.version
                    && self.namespace == other.namespace
                    && self.apply_method == other.apply_method
                    && self.extra == other.extra
            }
        }
    }
}

impl Serialize for Release {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for run in RecordRun::ALL {
            self.serialize_run(run, &mut m)?;
        }
        m.end()
    }
}

/// One run of a release's fields, serialized as a JSON object of its own.
pub struct RunFields<'a>(pub &'a Release, pub RecordRun);

impl Serialize for RunFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        self.0.serialize_run(self.1, &mut m)?;
        m.end()
    }
}

impl Release {
    /// The storage key, `sh.helm.release.v1.NAME.vN`. Go: storage.makeKey.
    pub fn key(&self) -> String {
        release_key(&self.name, self.version)
    }

    /// Go: `Release.SetStatus`.
    pub fn set_status(&mut self, status: Status, description: impl Into<String>) {
        self.info.status = status;
        self.info.description = description.into();
    }

    /// `NAME-VERSION` of the chart, as `helm list` and `history` show it
    /// (Go: cmd/helm/list.go formatChartName; empty metadata gives "MISSING").
    pub fn chart_name_version(&self) -> String {
        match &self.chart.metadata {
            Some(md) => format!("{}-{}", md.name, md.version),
            None => "MISSING".to_string(),
        }
    }

    /// The chart's appVersion, "" if none.
    pub fn app_version(&self) -> &str {
        self.chart.metadata.as_ref().map_or("", |md| md.app_version.as_str())
    }
}

/// `sh.helm.release.v1.NAME.vN`.
pub fn release_key(name: &str, version: u32) -> String {
    format!("{HELM_STORAGE_TYPE}.{name}.v{version}")
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero_i64(n: &i64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Release information. Go: pkg/release/v1/info.go Info (with its custom
/// JSON: zero times omitted on write, `""` times read as zero).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub first_deployed: GoTime,
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub last_deployed: GoTime,
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub deleted: GoTime,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Status::is_unset")]
    pub status: Status,
    /// The revision a rollback went back to (newer Helm; 0 if not a rollback).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub rollback_revision: u32,
    /// The rendered NOTES.txt.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Deployed resources by kind (`status --show-resources`), as Kubernetes objects.
    #[serde(default, skip_serializing_if = "Map::is_empty", serialize_with = "sorted_map")]
    pub resources: Map<String, Value>,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// A hook declared by the chart. Go: pkg/release/v1/hook.go Hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The Kubernetes kind.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Chart-relative path of the template.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<HookEvent>,
    #[serde(default)]
    pub last_run: HookExecution,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub weight: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete_policies: Vec<HookDeletePolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_log_policies: Vec<HookOutputLogPolicy>,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// The last run of a hook. Go: HookExecution (custom JSON like Info's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HookExecution {
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub started_at: GoTime,
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub completed_at: GoTime,
    /// Always written, `""` if the hook never ran.
    #[serde(default)]
    pub phase: HookPhase,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// The chart as stored in a release. Go: pkg/chart/v2/chart.go Chart (only
/// its exported, JSON-tagged fields: subcharts are not stored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartRecord {
    #[serde(default)]
    pub metadata: Option<ChartMetadata>,
    /// Chart.lock.
    #[serde(default)]
    pub lock: Option<Lock>,
    #[serde(default)]
    pub templates: Option<Vec<ChartFile>>,
    /// The chart's default values.
    #[serde(default, serialize_with = "sorted_opt_map")]
    pub values: Option<Map<String, Value>>,
    /// values.schema.json, as bytes.
    #[serde(default, with = "opt_bytes_base64")]
    pub schema: Option<Vec<u8>>,
    /// Always written (Go has no omitzero here).
    #[serde(default)]
    pub schemamodtime: GoTime,
    /// Other files (README, crds/, ...).
    #[serde(default)]
    pub files: Option<Vec<ChartFile>>,
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub modtime: GoTime,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// A file of the chart. Go: pkg/chart/common/file.go File; `data` is Go's
/// `[]byte`, i.e. base64 in JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartFile {
    #[serde(default)]
    pub name: String,
    #[serde(default, with = "bytes_base64")]
    pub data: Vec<u8>,
    #[serde(default, skip_serializing_if = "GoTime::is_zero")]
    pub modtime: GoTime,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// Chart.yaml. Go: pkg/chart/v2/metadata.go Metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartMetadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub home: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default, rename = "apiVersion", skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tags: String,
    #[serde(default, rename = "appVersion", skip_serializing_if = "String::is_empty")]
    pub app_version: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, rename = "kubeVersion", skip_serializing_if = "String::is_empty")]
    pub kube_version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub chart_type: String,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// Go: pkg/chart/v2/metadata.go Maintainer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Maintainer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// Go: pkg/chart/v2/dependency.go Dependency (name and repository are
/// always written).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enabled: bool,
    #[serde(
        default,
        rename = "import-values",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "sorted_values"
    )]
    pub import_values: Vec<Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

/// Chart.lock. Go: pkg/chart/v2/dependency.go Lock (all fields always written).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    #[serde(default)]
    pub generated: GoTime,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub dependencies: Option<Vec<Dependency>>,
    #[serde(flatten, serialize_with = "sorted_map")]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A chart built from YAML holds float64 values; the same chart read
    /// back from a stored record holds integers where the JSON has them.
    /// Its run is the same (so an upgrade reuses the stored member), and
    /// only a change in what is written makes it differ.
    #[test]
    fn chart_runs_compare_as_written() {
        let values = |v: Value| Some(v.as_object().unwrap().clone());
        let mut built = Release::default();
        built.chart.values = values(json!({"replicas": 1.0, "ratio": 0.5, "list": [2.0]}));
        let read: Release = serde_json::from_slice(&crate::release::release_to_json(&built).unwrap()).unwrap();
        assert_ne!(read.chart, built.chart, "the number types differ");
        assert!(built.same_run(&read, RecordRun::Chart));
        let mut changed = read.clone();
        changed.chart.values = values(json!({"replicas": 2, "ratio": 0.5, "list": [2]}));
        assert!(!built.same_run(&changed, RecordRun::Chart));
        changed.chart.values = read.chart.values.clone();
        changed.chart.templates = Some(vec![ChartFile::default()]);
        assert!(!built.same_run(&changed, RecordRun::Chart));
    }
}
