//! A chart repository's `index.yaml` (Helm: pkg/repo/v1/index.go): loading
//! with Helm's checks, version lookup with Masterminds constraints, merging,
//! `repo index` over a directory of archives, and writing byte-for-byte as
//! Helm writes it (sigs.k8s.io/yaml, or `json.MarshalIndent` for `--json`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::gotime::{self, GoTime};
use super::helmjson::{self, GoObject};
use super::urlutil;
use crate::chart::metadata::{decode_metadata, validate_metadata, NullNodes};
use crate::chart::version::{Constraints, Version};
use crate::chart::{self, Metadata};

/// The apiVersion of index and repository files.
pub const API_VERSION_V1: &str = "v1";

/// index.yaml (Helm's `IndexFile`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexFile {
    pub api_version: String,
    /// When the index was generated, as Go writes the time.
    pub generated: String,
    /// Chart name → versions, newest first once sorted.
    pub entries: BTreeMap<String, Vec<ChartVersion>>,
    pub public_keys: Vec<String>,
    pub annotations: BTreeMap<String, String>,
}

/// One chart version in an index (Helm's `ChartVersion`: the chart's
/// metadata plus where to download it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartVersion {
    pub metadata: Metadata,
    pub urls: Vec<String>,
    pub created: String,
    pub removed: bool,
    /// sha256 of the archive, lower-case hex.
    pub digest: String,
    /// Fields older Helms wrote; kept so a merged index loses nothing.
    pub checksum: String,
    pub engine: String,
    pub tiller_version: String,
    pub url: String,
}

impl ChartVersion {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn version(&self) -> &str {
        &self.metadata.version
    }
}

impl IndexFile {
    /// A new empty index (Helm's `NewIndexFile`).
    pub fn new() -> IndexFile {
        IndexFile { api_version: API_VERSION_V1.into(), generated: GoTime::now().rfc3339_nano(), ..Default::default() }
    }

    /// Load an index file (Helm's `LoadIndexFile`). Entries Helm would skip
    /// are skipped; their reasons are returned as warnings.
    pub fn load_file(path: &Path) -> Result<(IndexFile, Vec<String>)> {
        let data = std::fs::read(path).at(path)?;
        IndexFile::load(&data, &path.display().to_string())
            .map_err(|e| RepoError::msg(format!("error loading {}: {e}", path.display())))
    }

    /// Parse index data (Helm's `loadIndex`); `source` names it in warnings.
    pub fn load(data: &[u8], source: &str) -> Result<(IndexFile, Vec<String>)> {
        if data.is_empty() {
            return Err(RepoError::msg("empty index.yaml file"));
        }
        // Helm: JSON when the bytes are valid JSON, YAML otherwise.
        let doc: Value = match serde_json::from_slice(data) {
            Ok(v) => v,
            Err(_) => {
                let text = std::str::from_utf8(data)
                    .map_err(|_| RepoError::msg("error converting YAML to JSON: yaml: invalid leading UTF-8 octet"))?;
                crate::codec::yaml_read::from_str(text)
                    .map_err(|e| RepoError::msg(format!("error converting YAML to JSON: {}", e.message)))?
            }
        };
        let mut warnings = Vec::new();
        let mut index = IndexFile::default();
        let obj =
            match doc {
                Value::Object(o) => o,
                Value::Null => Map::new(),
                _ => return Err(RepoError::msg(
                    "error unmarshaling JSON: json: cannot unmarshal non-object into Go value of type repo.IndexFile",
                )),
            };
        for (key, v) in &obj {
            match key.as_str() {
                "apiVersion" => index.api_version = string_field(v, "apiVersion")?,
                "generated" => index.generated = gotime::normalize(&string_field(v, "generated")?),
                "publicKeys" => index.public_keys = string_list_field(v, "publicKeys")?,
                "annotations" => {
                    if let Value::Object(o) = v {
                        for (k, x) in o {
                            index.annotations.insert(k.clone(), string_field(x, "annotations")?);
                        }
                    }
                }
                "entries" => {
                    let Value::Object(entries) = v else {
                        if v.is_null() {
                            continue;
                        }
                        return Err(RepoError::msg("error unmarshaling JSON: json: cannot unmarshal entries into map[string]repo.ChartVersions"));
                    };
                    for (name, list) in entries {
                        let items = match list {
                            Value::Array(a) => a.clone(),
                            Value::Null => Vec::new(),
                            _ => {
                                return Err(RepoError::msg(format!(
                                    "error unmarshaling JSON: entries.{name} is not a list"
                                )))
                            }
                        };
                        let mut versions = Vec::new();
                        for item in items {
                            match decode_chart_version(&item)? {
                                None => warnings.push(format!(
                                    "skipping loading invalid entry for chart {} from {source}: empty entry",
                                    chart::gostr::quote(name)
                                )),
                                Some((cv, Err(e))) => warnings.push(format!(
                                    "skipping loading invalid entry for chart {} {} from {source}: validation: {e}",
                                    chart::gostr::quote(name),
                                    chart::gostr::quote(&cv.metadata.version)
                                )),
                                Some((cv, Ok(()))) => versions.push(cv),
                            }
                        }
                        index.entries.insert(name.clone(), versions);
                    }
                }
                _ => {}
            }
        }
        if !obj.contains_key("generated") {
            index.generated = GoTime::zero().rfc3339_nano();
        }
        index.sort_entries();
        if index.api_version.is_empty() {
            return Err(RepoError::msg("no API version specified"));
        }
        Ok((index, warnings))
    }

    /// Sort every chart's versions newest first (Helm's `SortEntries`);
    /// versions that do not parse go last.
    pub fn sort_entries(&mut self) {
        for versions in self.entries.values_mut() {
            versions.sort_by(|a, b| match (Version::parse(&a.metadata.version), Version::parse(&b.metadata.version)) {
                (Ok(x), Ok(y)) => y.compare(&x),
                (Ok(_), Err(_)) => std::cmp::Ordering::Less,
                (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
                (Err(_), Err(_)) => std::cmp::Ordering::Equal,
            });
        }
    }

    /// Whether the index has `name` at exactly `version`.
    pub fn has(&self, name: &str, version: &str) -> bool {
        self.entries.get(name).is_some_and(|vs| vs.iter().any(|v| v.metadata.version == version))
    }

    /// Helm's `IndexFile.Get`: the exact version if listed, else the newest
    /// version matching the constraint (`""` means the newest stable one).
    pub fn get(&self, name: &str, version: &str) -> Result<&ChartVersion> {
        let vs = self.entries.get(name).ok_or_else(|| RepoError::msg("no chart name found"))?;
        if vs.is_empty() {
            return Err(RepoError::msg("no chart version found"));
        }
        let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })
            .map_err(|e| RepoError::msg(e.to_string()))?;
        if !version.is_empty() {
            if let Some(v) = vs.iter().find(|v| v.metadata.version == version) {
                return Ok(v);
            }
        }
        for v in vs {
            if let Ok(parsed) = Version::parse(&v.metadata.version) {
                if constraint.check(&parsed) {
                    return Ok(v);
                }
            }
        }
        Err(RepoError::msg(format!("no chart version found for {name}-{version}")))
    }

    /// Add a chart archive (Helm's `MustAdd`): its URL is `filename` joined
    /// onto `base_url` when one is given.
    pub fn must_add(&mut self, md: &Metadata, filename: &str, base_url: &str, digest: &str) -> Result<()> {
        let mut md = md.clone();
        if md.api_version.is_empty() {
            md.api_version = "v1".into();
        }
        validate_metadata(&mut md, NullNodes::default())
            .map_err(|e| RepoError::msg(format!("validate failed for {filename}: validation: {e}")))?;
        let url = if base_url.is_empty() {
            filename.to_string()
        } else {
            let file = filename.rsplit('/').next().unwrap_or(filename);
            urlutil::url_join(base_url, &[file])
        };
        let cv = ChartVersion {
            metadata: md,
            urls: vec![url],
            created: GoTime::now().rfc3339_nano(),
            digest: digest.to_string(),
            ..Default::default()
        };
        self.entries.entry(cv.metadata.name.clone()).or_default().push(cv);
        Ok(())
    }

    /// Helm's `Merge`: add the versions of `other` this index lacks.
    pub fn merge(&mut self, other: &IndexFile) {
        for cvs in other.entries.values() {
            for cv in cvs {
                if !self.has(&cv.metadata.name, &cv.metadata.version) {
                    self.entries.entry(cv.metadata.name.clone()).or_default().push(cv.clone());
                }
            }
        }
    }

    /// encoding/json.Marshal of the index (Go struct order).
    pub fn to_json(&self) -> String {
        let mut o = GoObject::new();
        o.string("apiVersion", &self.api_version).string("generated", &gotime::normalize(&self.generated));
        let mut entries = GoObject::new();
        for (name, versions) in &self.entries {
            let items: Vec<String> = versions.iter().map(chart_version_json).collect();
            entries.raw(name, &helmjson::raw_list(items.iter().map(String::as_str)));
        }
        o.raw("entries", &entries.finish());
        o.strings_omitempty("publicKeys", &self.public_keys);
        if !self.annotations.is_empty() {
            let map: Map<String, Value> =
                self.annotations.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            o.raw("annotations", &crate::codec::json::to_json(&Value::Object(map)));
        }
        o.finish()
    }

    /// index.yaml as Helm writes it (sigs.k8s.io/yaml.Marshal).
    pub fn to_yaml(&self) -> String {
        helmjson::yaml_of_json(&self.to_json())
    }

    /// Write the index to `path` (mode 0644, atomically), as YAML or, with
    /// `json`, as `json.MarshalIndent(index, "", "  ")`.
    pub fn write_file(&self, path: &Path, json: bool) -> Result<()> {
        let data = if json { helmjson::indent(&self.to_json(), "  ") } else { self.to_yaml() };
        fsutil::write_atomic(path, data.as_bytes(), 0o644)
    }
}

/// encoding/json.Marshal of a ChartVersion: the embedded Metadata's fields,
/// then its own.
pub fn chart_version_json(cv: &ChartVersion) -> String {
    let mut o = GoObject::new();
    helmjson::metadata_fields(&mut o, &cv.metadata, true);
    o.raw("urls", &helmjson::string_list(&cv.urls));
    o.string("created", &gotime::normalize(&cv.created));
    if cv.removed {
        o.raw("removed", "true");
    }
    o.string_omitempty("digest", &cv.digest)
        .string_omitempty("checksum", &cv.checksum)
        .string_omitempty("engine", &cv.engine)
        .string_omitempty("tillerVersion", &cv.tiller_version)
        .string_omitempty("url", &cv.url);
    o.finish()
}

fn string_field(v: &Value, field: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        _ => Err(RepoError::msg(format!("error unmarshaling JSON: json: cannot unmarshal {field} into a string"))),
    }
}

fn string_list_field(v: &Value, field: &str) -> Result<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(|x| string_field(x, field)).collect(),
        Value::Null => Ok(Vec::new()),
        _ => Err(RepoError::msg(format!("error unmarshaling JSON: json: cannot unmarshal {field} into []string"))),
    }
}

/// One index entry: `None` for a null entry, else the version and whether
/// Helm's validation (minus the check Helm skips for indexes) passed.
fn decode_chart_version(item: &Value) -> Result<Option<(ChartVersion, std::result::Result<(), String>)>> {
    let obj = match item {
        Value::Null => return Ok(None),
        Value::Object(o) => o,
        _ => return Err(RepoError::msg("error unmarshaling JSON: json: cannot unmarshal non-object into Go struct field IndexFile.entries of type repo.ChartVersion")),
    };
    let mut cv = ChartVersion::default();
    let mut nulls = NullNodes::default();
    decode_metadata(item, &mut cv.metadata, &mut nulls).map_err(RepoError::msg)?;
    for (key, v) in obj {
        match key.as_str() {
            "urls" => cv.urls = string_list_field(v, "urls")?,
            "created" => cv.created = string_field(v, "created")?,
            "removed" => cv.removed = v.as_bool().unwrap_or(false),
            "digest" => cv.digest = string_field(v, "digest")?,
            "checksum" => cv.checksum = string_field(v, "checksum")?,
            "engine" => cv.engine = string_field(v, "engine")?,
            "tillerVersion" => cv.tiller_version = string_field(v, "tillerVersion")?,
            "url" => cv.url = string_field(v, "url")?,
            _ => {}
        }
    }
    cv.created = gotime::normalize(&cv.created);
    if cv.metadata.api_version.is_empty() {
        cv.metadata.api_version = "v1".into();
    }
    let valid = match validate_metadata(&mut cv.metadata, nulls) {
        // Helm lets this one through for indexes (JFrog strips aliases).
        Err(e) if e.starts_with("more than one dependency with name or alias") => Ok(()),
        other => other,
    };
    Ok(Some((cv, valid)))
}

/// Helm's `IndexDirectory`: index the `*.tgz` files in `dir` and in its
/// immediate subdirectories (Go's `**` in a glob is one level), with URLs
/// under `base_url`. Files that do not load as charts are skipped.
pub fn index_directory(dir: &Path, base_url: &str) -> Result<IndexFile> {
    let mut archives = glob_tgz(dir);
    let mut subdirs: Vec<_> = std::fs::read_dir(dir)
        .at(dir)?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        archives.extend(glob_tgz(&dir.join(&sub)).into_iter().map(|f| format!("{sub}/{f}")));
    }
    let mut index = IndexFile::new();
    for rel in archives {
        let (parent, fname) = match rel.rsplit_once('/') {
            Some((p, f)) => (p.to_string(), f.to_string()),
            None => (String::new(), rel.clone()),
        };
        let parent_url = urlutil::url_join(base_url, &[&parent]);
        let path = dir.join(&rel);
        let Ok(c) = chart::load(&path) else { continue };
        let digest = fsutil::sha256_file(&path)?;
        index
            .must_add(&c.metadata, &fname, &parent_url, &digest)
            .map_err(|e| RepoError::msg(format!("failed adding to {fname} to index: {e}")))?;
    }
    Ok(index)
}

/// `*.tgz` names directly in `dir`, sorted (Go's filepath.Glob).
fn glob_tgz(dir: &Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> =
        read.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tgz")).collect();
    names.sort();
    names
}

/// `repo index DIR [--url URL] [--merge FILE] [--json]`: write DIR/index.yaml.
pub fn write_directory_index(dir: &Path, url: &str, merge: Option<&Path>, json: bool) -> Result<()> {
    let dir = std::path::absolute(dir).at(dir)?;
    let out = dir.join("index.yaml");
    let mut index = index_directory(&dir, url)?;
    if let Some(merge) = merge {
        let old = if merge.exists() {
            IndexFile::load_file(merge).map_err(|e| e.context("merge failed"))?.0
        } else {
            // Helm creates the missing file it was asked to merge into.
            let empty = IndexFile::new();
            empty.write_file(merge, json)?;
            empty
        };
        index.merge(&old);
    }
    index.sort_entries();
    index.write_file(&out, json)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"apiVersion: v1
entries:
  nginx:
    - urls:
        - https://charts.helm.sh/stable/nginx-0.1.0.tgz
      name: nginx
      description: string
      version: 0.1.0
      home: https://github.com/something
      digest: "sha256:1234567890"
    - urls:
        - https://charts.helm.sh/stable/nginx-0.2.0.tgz
      name: nginx
      description: string
      version: 0.2.0
      home: https://github.com/something/else
      digest: "sha256:1234567890abc"
    - urls:
        - https://charts.helm.sh/stable/nginx-0.3.0-rc.1.tgz
      name: nginx
      version: 0.3.0-rc.1
  alpine:
    - urls:
        - https://charts.helm.sh/stable/alpine-1.0.0.tgz
      name: alpine
      version: 1.0.0
      created: "2016-10-06T16:23:20.499814565-06:00"
    - name: bad
      version: not-a-version
    -
generated: "2016-10-06T16:23:20.499029981-06:00"
"#;

    #[test]
    fn loads_sorts_and_gets_like_helm() {
        let (idx, warnings) = IndexFile::load(INDEX.as_bytes(), "test").unwrap();
        assert_eq!(idx.api_version, "v1");
        let versions: Vec<&str> = idx.entries["nginx"].iter().map(|v| v.version()).collect();
        assert_eq!(versions, ["0.3.0-rc.1", "0.2.0", "0.1.0"]);
        assert_eq!(idx.entries["alpine"].len(), 1);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("empty entry")));
        assert!(warnings.iter().any(|w| w.contains("\"not-a-version\"")), "{warnings:?}");
        assert_eq!(idx.entries["nginx"][0].metadata.api_version, "v1");
        // Get: newest stable without a version, exact match first, constraints.
        assert_eq!(idx.get("nginx", "").unwrap().version(), "0.2.0");
        assert_eq!(idx.get("nginx", "0.1.0").unwrap().version(), "0.1.0");
        assert_eq!(idx.get("nginx", "~0.1").unwrap().version(), "0.1.0");
        assert_eq!(idx.get("nginx", ">0.2.0-0").unwrap().version(), "0.3.0-rc.1");
        assert_eq!(idx.get("nginx", "9").unwrap_err().to_string(), "no chart version found for nginx-9");
        assert_eq!(idx.get("nope", "").unwrap_err().to_string(), "no chart name found");
        assert_eq!(IndexFile::load(b"", "x").unwrap_err().to_string(), "empty index.yaml file");
        assert_eq!(IndexFile::load(b"entries: {}\n", "x").unwrap_err().to_string(), "no API version specified");
    }

    #[test]
    fn writes_helms_yaml() {
        let (idx, _) = IndexFile::load(INDEX.as_bytes(), "test").unwrap();
        let yaml = idx.to_yaml();
        assert!(yaml.starts_with("apiVersion: v1\nentries:\n  alpine:\n  - apiVersion: v1\n    created: \"2016-10-06T16:23:20.499814565-06:00\"\n    name: alpine\n    urls:\n    - https://charts.helm.sh/stable/alpine-1.0.0.tgz\n    version: 1.0.0\n"), "{yaml}");
        assert!(yaml.ends_with("generated: \"2016-10-06T16:23:20.499029981-06:00\"\n"), "{yaml}");
        // What we write reads back the same.
        let (again, _) = IndexFile::load(yaml.as_bytes(), "again").unwrap();
        assert_eq!(again, idx);
        // JSON is Go's MarshalIndent in struct order.
        let json = helmjson::indent(&idx.to_json(), "  ");
        assert!(json.starts_with("{\n  \"apiVersion\": \"v1\",\n  \"generated\": "), "{json}");
    }

    #[test]
    fn merge_keeps_existing_versions() {
        let (mut a, _) = IndexFile::load(INDEX.as_bytes(), "a").unwrap();
        let mut b = IndexFile::new();
        let md = Metadata { name: "nginx".into(), version: "0.2.0".into(), ..Default::default() };
        b.must_add(&md, "nginx-0.2.0.tgz", "https://other", "sha").unwrap();
        let md = Metadata { name: "redis".into(), version: "1.0.0".into(), ..Default::default() };
        b.must_add(&md, "redis-1.0.0.tgz", "https://other/x/", "sha2").unwrap();
        a.merge(&b);
        assert_eq!(a.entries["nginx"].len(), 3);
        assert_eq!(a.entries["redis"][0].urls, ["https://other/x/redis-1.0.0.tgz"]);
        assert_eq!(a.entries["redis"][0].metadata.api_version, "v1");
    }
}
