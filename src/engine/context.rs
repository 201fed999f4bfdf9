//! The objects every template sees besides `.Values`: `.Release`, `.Chart`,
//! `.Capabilities`, `.Files` and `.Template`, built as Helm builds them
//! (Helm: pkg/chart/common/util/values.go ToRenderValues, pkg/engine/files.go,
//! pkg/chart/common/capabilities.go).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::chart::{Chart, Metadata};

use super::value::{Map, Object, Value};

/// Release facts given to templates as `.Release`.
#[derive(Debug, Clone)]
pub struct ReleaseInfo {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl ReleaseInfo {
    /// `.Release`: a plain map, as Helm builds it.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Namespace".into(), Value::str(&self.namespace));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::Bool(self.is_install));
        m.insert("Revision".into(), Value::Int(self.revision));
        m.insert("Service".into(), Value::str("Helm"));
        Value::map(m)
    }
}

/// The Helm version capstan reports to templates, so charts that check
/// `.Capabilities.HelmVersion` behave as under the Helm we match.
pub const HELM_VERSION: &str = "v4.1.4";
const HELM_GIT_COMMIT: &str = "05fa37973dc9e42b76e1d2883494c87174b6074f";
const HELM_GO_VERSION: &str = "go1.25.9";

/// The default Kubernetes version without a cluster (Helm 4.1: client-go v0.35).
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// The API group/versions Helm's default `.Capabilities.APIVersions` holds:
/// every version registered in client-go's scheme plus apiextensions
/// (Helm: capabilities.go allKnownVersions, client-go v0.35), in the order
/// helm 4.1.4 lists them.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Capabilities`.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// As given, e.g. `v1.33.4-gke.1245000` (always with a leading `v`).
    pub kube_version: String,
    /// The version without pre-release or build suffixes, e.g. `v1.33.4`.
    pub kube_version_normalized: String,
    pub kube_major: String,
    pub kube_minor: String,
    pub api_versions: Vec<String>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities::new(DEFAULT_KUBE_VERSION, &[]).expect("default kube version parses")
    }
}

impl Capabilities {
    /// Capabilities for a Kubernetes version (`1.30`, `v1.30.2`, ...) plus
    /// extra API versions (`-a/--api-versions`), as Helm's
    /// `ParseKubeVersion` reads it (k8s.io/apimachinery ParseGeneric).
    pub fn new(kube_version: &str, extra_api_versions: &[String]) -> Result<Self, String> {
        let (major, minor, patch) = parse_generic_version(kube_version)
            .ok_or_else(|| format!("could not parse {kube_version:?} as version"))?;
        let git = if kube_version.starts_with('v') {
            kube_version.to_string()
        } else {
            format!("v{kube_version}")
        };
        let mut api_versions: Vec<String> =
            DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        api_versions.extend(extra_api_versions.iter().cloned());
        Ok(Capabilities {
            kube_version: git,
            kube_version_normalized: format!("v{major}.{minor}.{patch}"),
            kube_major: major.to_string(),
            kube_minor: minor.to_string(),
            api_versions,
        })
    }

    /// A cluster's capabilities (Go: pkg/action/action.go getCapabilities):
    /// its version as the server reports it (`gitVersion`, `major`,
    /// `minor`) and exactly the API versions it serves, no defaults.
    pub fn for_cluster(git_version: &str, major: &str, minor: &str, api_versions: Vec<String>) -> Result<Self, String> {
        let mut caps = Capabilities::new(git_version, &[])?;
        caps.kube_major = major.to_string();
        caps.kube_minor = minor.to_string();
        caps.api_versions = api_versions;
        Ok(caps)
    }

    pub fn to_value(&self) -> Value {
        Value::Object(Rc::new(CapabilitiesObject(Rc::new(self.clone()))))
    }
}

/// k8s.io/apimachinery version.ParseGeneric: `v?MAJOR.MINOR[.PATCH]` followed
/// by anything that starts with `-` or `+` (or nothing).
fn parse_generic_version(s: &str) -> Option<(u64, u64, u64)> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let end = s.find(['-', '+']).unwrap_or(s.len());
    let parts: Vec<&str> = s[..end].split('.').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let num = |p: &str| -> Option<u64> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || (p.len() > 1 && p.starts_with('0')) {
            None
        } else {
            p.parse().ok()
        }
    };
    let major = num(parts[0])?;
    let minor = num(parts[1])?;
    let patch = if parts.len() == 3 { num(parts[2])? } else { 0 };
    Some((major, minor, patch))
}

struct CapabilitiesObject(Rc<Capabilities>);

impl Object for CapabilitiesObject {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let c = &self.0;
        match name {
            "KubeVersion" => Some(Value::Object(Rc::new(KubeVersionObject(c.clone())))),
            "APIVersions" => Some(Value::Object(Rc::new(VersionSetObject(c.clone())))),
            "HelmVersion" => Some(helm_version_value()),
            _ => None,
        }
    }
    fn to_data(&self) -> Value {
        let mut m = Map::new();
        m.insert("KubeVersion".into(), KubeVersionObject(self.0.clone()).to_data());
        m.insert("APIVersions".into(), VersionSetObject(self.0.clone()).to_data());
        m.insert("HelmVersion".into(), helm_version_value());
        Value::map(m)
    }
    fn go_string(&self) -> Option<String> {
        let kv = KubeVersionObject(self.0.clone());
        Some(format!(
            "&{{{} {} {}}}",
            kv.go_string().unwrap_or_default(),
            super::gofmt::sprint_value(&VersionSetObject(self.0.clone()).to_data()),
            super::gofmt::sprint_value(&helm_version_value())
        ))
    }
}

/// `.Capabilities.HelmVersion`: Helm's version.BuildInfo.
fn helm_version_value() -> Value {
    let mut m = Map::new();
    m.insert("Version".into(), Value::str(HELM_VERSION));
    m.insert("GitCommit".into(), Value::str(HELM_GIT_COMMIT));
    m.insert("GitTreeState".into(), Value::str("clean"));
    m.insert("GoVersion".into(), Value::str(HELM_GO_VERSION));
    m.insert("KubeClientVersion".into(), Value::str("v1.35"));
    Value::map(m)
}

struct KubeVersionObject(Rc<Capabilities>);

impl Object for KubeVersionObject {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let c = &self.0;
        match name {
            "Version" | "GitVersion" => Some(Value::str(&c.kube_version)),
            "Major" => Some(Value::str(&c.kube_major)),
            "Minor" => Some(Value::str(&c.kube_minor)),
            "String" => Some(Value::str(&c.kube_version_normalized)),
            _ => None,
        }
    }
    fn to_data(&self) -> Value {
        let c = &self.0;
        let mut m = Map::new();
        m.insert("Version".into(), Value::str(&c.kube_version));
        m.insert("Major".into(), Value::str(&c.kube_major));
        m.insert("Minor".into(), Value::str(&c.kube_minor));
        Value::map(m)
    }
    /// KubeVersion implements fmt.Stringer: it prints the normalized version.
    fn go_string(&self) -> Option<String> {
        Some(self.0.kube_version_normalized.clone())
    }
}

struct VersionSetObject(Rc<Capabilities>);

impl Object for VersionSetObject {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        Some(match args {
            [Value::String(s)] => Ok(Value::Bool(self.0.api_versions.iter().any(|v| v == &**s))),
            [other] => Err(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            )),
            _ => Err(format!("wrong number of args for Has: want 1 got {}", args.len())),
        })
    }
    fn to_data(&self) -> Value {
        Value::list(self.0.api_versions.iter().map(|s| Value::str(s)).collect())
    }
    fn collection(&self) -> Option<Value> {
        Some(self.to_data())
    }
    fn len(&self) -> Option<usize> {
        Some(self.0.api_versions.len())
    }
    fn kind(&self) -> &'static str {
        "slice"
    }
}

/// `.Chart`: Helm 4 gives templates the metadata as a map keyed by the Go
/// field names, plus `IsRoot` (Helm: pkg/chart/common.go structToMap).
pub fn chart_value(metadata: &Metadata, is_root: bool) -> Value {
    let strings = |v: &[String]| Value::list(v.iter().map(|s| Value::str(s)).collect());
    let mut m = Map::new();
    m.insert("Name".into(), Value::str(&metadata.name));
    m.insert("Home".into(), Value::str(&metadata.home));
    m.insert("Sources".into(), strings(&metadata.sources));
    m.insert("Version".into(), Value::str(&metadata.version));
    m.insert("Description".into(), Value::str(&metadata.description));
    m.insert("Keywords".into(), strings(&metadata.keywords));
    m.insert(
        "Maintainers".into(),
        Value::list(
            metadata
                .maintainers
                .iter()
                .map(|mt| {
                    let mut x = Map::new();
                    x.insert("Name".into(), Value::str(&mt.name));
                    x.insert("Email".into(), Value::str(&mt.email));
                    x.insert("URL".into(), Value::str(&mt.url));
                    Value::map(x)
                })
                .collect(),
        ),
    );
    m.insert("Icon".into(), Value::str(&metadata.icon));
    m.insert("APIVersion".into(), Value::str(&metadata.api_version));
    m.insert("Condition".into(), Value::str(&metadata.condition));
    m.insert("Tags".into(), Value::str(&metadata.tags));
    m.insert("AppVersion".into(), Value::str(&metadata.app_version));
    m.insert("Deprecated".into(), Value::Bool(metadata.deprecated));
    m.insert(
        "Annotations".into(),
        Value::map(
            metadata
                .annotations
                .iter()
                .map(|(k, v)| (k.clone(), Value::str(v)))
                .collect(),
        ),
    );
    m.insert("KubeVersion".into(), Value::str(&metadata.kube_version));
    m.insert(
        "Dependencies".into(),
        Value::list(
            metadata
                .dependencies
                .iter()
                .map(|d| {
                    let mut x = Map::new();
                    x.insert("Name".into(), Value::str(&d.name));
                    x.insert("Version".into(), Value::str(&d.version));
                    x.insert("Repository".into(), Value::str(&d.repository));
                    x.insert("Condition".into(), Value::str(&d.condition));
                    x.insert("Tags".into(), strings(&d.tags));
                    x.insert("Enabled".into(), Value::Bool(d.enabled.unwrap_or(false)));
                    x.insert(
                        "ImportValues".into(),
                        Value::list(d.import_values.iter().map(Value::from_json).collect()),
                    );
                    x.insert("Alias".into(), Value::str(&d.alias));
                    Value::map(x)
                })
                .collect(),
        ),
    );
    m.insert("Type".into(), Value::str(&metadata.chart_type));
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::map(m)
}

/// `.Files`: a chart's non-template files by name (Helm's `files` map type,
/// with Get, GetBytes, Glob, Lines, AsConfig, AsSecrets).
#[derive(Clone, Default)]
pub struct FilesObject {
    /// The chart's own bytes, shared rather than copied.
    files: Rc<BTreeMap<String, bytes::Bytes>>,
}

impl FilesObject {
    pub fn new(chart: &Chart) -> Self {
        FilesObject {
            files: Rc::new(
                chart
                    .files
                    .iter()
                    .map(|f| (f.name.clone(), f.data.clone()))
                    .collect(),
            ),
        }
    }

    pub fn to_value(&self) -> Value {
        Value::Object(Rc::new(self.clone()))
    }

    fn get_bytes(&self, name: &str) -> &[u8] {
        self.files.get(name).map(|b| &b[..]).unwrap_or_default()
    }

    /// `.Files.Glob`.
    fn glob(&self, pattern: &str) -> FilesObject {
        FilesObject { files: Rc::new(files_glob(&self.files, pattern)) }
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), &v[..]))
    }
}

// Helm's pkg/engine/files.go, over any file name → bytes map: shared by this
// module's FilesObject and the Jinja engine's `files` object.

/// Helm files.Glob: the files whose names match `pattern` (gobwas/glob with
/// `/` as separator); a malformed pattern matches everything.
pub fn files_glob<V: Clone>(files: &BTreeMap<String, V>, pattern: &str) -> BTreeMap<String, V> {
    let matcher = GlobPattern::compile(pattern).unwrap_or_else(GlobPattern::any);
    files.iter().filter(|(k, _)| matcher.matches(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Helm files.Lines: one trailing newline dropped, then split on `\n`; no
/// lines for a missing or empty file.
pub fn files_lines(data: &[u8]) -> Vec<String> {
    if data.is_empty() {
        return Vec::new();
    }
    let s = super::value::string_from_go_bytes(data);
    let s = s.strip_suffix('\n').unwrap_or(&s);
    s.split('\n').map(str::to_string).collect()
}

/// Helm files.AsConfig: base names to contents, as toYaml.
pub fn files_as_config<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    files_as_yaml_map(files, |b| crate::chart::model::lossy_text(b).into_owned())
}

/// Helm files.AsSecrets: base names to base64 (StdEncoding) contents, as toYaml.
pub fn files_as_secrets<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    use base64::Engine as _;
    files_as_yaml_map(files, |b| base64::engine::general_purpose::STANDARD.encode(b))
}

fn files_as_yaml_map<'a>(
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
    encode: impl Fn(&[u8]) -> String,
) -> String {
    let mut m = serde_json::Map::new();
    for (k, v) in files {
        let base = k.rsplit('/').next().unwrap_or(k);
        m.insert(base.to_string(), serde_json::Value::String(encode(v)));
    }
    let yaml = crate::codec::yaml_write::to_yaml(&serde_json::Value::Object(m));
    yaml.strip_suffix('\n').map(str::to_string).unwrap_or(yaml)
}

impl Object for FilesObject {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        match _name {
            "AsConfig" => Some(Value::string(files_as_config(self.entries()))),
            "AsSecrets" => Some(Value::string(files_as_secrets(self.entries()))),
            _ => None,
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "Get" | "GetBytes" | "Glob" | "Lines")
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !self.has_method(name) {
            return None;
        }
        let arg = match args {
            [Value::String(s)] => s.clone(),
            [other] => {
                return Some(Err(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                )))
            }
            _ => {
                return Some(Err(format!(
                    "wrong number of args for {name}: want 1 got {}",
                    args.len()
                )))
            }
        };
        Some(Ok(match name {
            "Get" => Value::string(super::value::string_from_go_bytes(self.get_bytes(&arg)).into_owned()),
            "GetBytes" => Value::Bytes(Rc::from(self.get_bytes(&arg))),
            "Glob" => self.glob(&arg).to_value(),
            _ => Value::list(files_lines(&self.get_bytes(&arg)).into_iter().map(Value::string).collect()),
        }))
    }
    fn to_data(&self) -> Value {
        Value::map(
            self.files
                .iter()
                .map(|(k, v)| (k.clone(), Value::Bytes(Rc::from(&v[..]))))
                .collect(),
        )
    }
    fn collection(&self) -> Option<Value> {
        Some(self.to_data())
    }
    fn len(&self) -> Option<usize> {
        Some(self.files.len())
    }
    fn kind(&self) -> &'static str {
        "map"
    }
}

/// A glob as github.com/gobwas/glob compiles it with `/` as the separator:
/// `*` (any run without `/`), `**` (any run), `?` (one non-`/` char),
/// `[abc]`/`[a-z]`/`[!x]` classes, `{a,b}` alternatives, `\` escapes.
#[derive(Debug, Clone)]
pub struct GlobPattern {
    alternatives: Vec<Vec<GlobToken>>,
}

#[derive(Debug, Clone)]
enum GlobToken {
    Literal(char),
    AnyInSegment,
    Any,
    OneChar,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

impl GlobPattern {
    fn any() -> GlobPattern {
        GlobPattern { alternatives: vec![vec![GlobToken::Any]] }
    }

    /// Compile a pattern; `None` when it is malformed.
    pub fn compile(pattern: &str) -> Option<GlobPattern> {
        Some(GlobPattern { alternatives: expand_braces(pattern)?.iter().map(|p| tokenize(p)).collect::<Option<_>>()? })
    }

    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        self.alternatives.iter().any(|toks| match_tokens(toks, &chars))
    }
}

/// Expand `{a,b}` alternatives (nested allowed) into plain patterns.
fn expand_braces(p: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '{' => {
                let mut depth = 0;
                let mut parts = vec![];
                let mut start = i + 1;
                let mut j = i;
                while j < chars.len() {
                    match chars[j] {
                        '\\' => j += 1,
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                parts.push(chars[start..j].iter().collect::<String>());
                                break;
                            }
                        }
                        ',' if depth == 1 => {
                            parts.push(chars[start..j].iter().collect::<String>());
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return None;
                }
                let prefix: String = chars[..i].iter().collect();
                let suffix: String = chars[j + 1..].iter().collect();
                let mut out = vec![];
                for part in parts {
                    out.extend(expand_braces(&format!("{prefix}{part}{suffix}"))?);
                }
                return Some(out);
            }
            _ => i += 1,
        }
    }
    Some(vec![p.to_string()])
}

fn tokenize(p: &str) -> Option<Vec<GlobToken>> {
    let chars: Vec<char> = p.chars().collect();
    let mut toks = vec![];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                toks.push(GlobToken::Literal(*chars.get(i + 1)?));
                i += 2;
            }
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    toks.push(GlobToken::Any);
                    i += 2;
                } else {
                    toks.push(GlobToken::AnyInSegment);
                    i += 1;
                }
            }
            '?' => {
                toks.push(GlobToken::OneChar);
                i += 1;
            }
            '[' => {
                let mut j = i + 1;
                let negated = chars.get(j) == Some(&'!');
                if negated {
                    j += 1;
                }
                let mut ranges = vec![];
                while j < chars.len() && chars[j] != ']' {
                    let lo = chars[j];
                    if chars.get(j + 1) == Some(&'-') && chars.get(j + 2).is_some_and(|c| *c != ']') {
                        ranges.push((lo, chars[j + 2]));
                        j += 3;
                    } else {
                        ranges.push((lo, lo));
                        j += 1;
                    }
                }
                if j >= chars.len() {
                    return None;
                }
                toks.push(GlobToken::Class { negated, ranges });
                i = j + 1;
            }
            c => {
                toks.push(GlobToken::Literal(c));
                i += 1;
            }
        }
    }
    Some(toks)
}

fn match_tokens(toks: &[GlobToken], s: &[char]) -> bool {
    let Some((first, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match first {
        GlobToken::Literal(c) => s.first() == Some(c) && match_tokens(rest, &s[1..]),
        GlobToken::OneChar => s.first().is_some_and(|c| *c != '/') && match_tokens(rest, &s[1..]),
        GlobToken::Class { negated, ranges } => s.first().is_some_and(|c| {
            let inside = ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
            inside != *negated && *c != '/'
        }) && match_tokens(rest, &s[1..]),
        GlobToken::AnyInSegment => {
            for i in 0..=s.len() {
                if match_tokens(rest, &s[i..]) {
                    return true;
                }
                if i < s.len() && s[i] == '/' {
                    return false;
                }
            }
            false
        }
        GlobToken::Any => (0..=s.len()).any(|i| match_tokens(rest, &s[i..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_helpers_follow_helm_files_go() {
        // Helm: pkg/engine/files.go Lines, AsConfig, AsSecrets.
        assert_eq!(files_lines(b"a\nb\n"), ["a", "b"]);
        assert_eq!(files_lines(b"a\n\n"), ["a", ""]);
        assert_eq!(files_lines(b"a"), ["a"]);
        assert!(files_lines(b"").is_empty());
        let files = [("dir/x.txt", &b"hi\n"[..]), ("y", &b"1"[..])];
        assert_eq!(files_as_config(files.into_iter()), "x.txt: |\n  hi\n\"y\": \"1\"");
        assert_eq!(files_as_secrets(files.into_iter()), "x.txt: aGkK\n\"y\": MQ==");
        let all: BTreeMap<String, u8> = [("a/x.txt".to_string(), 1), ("b".to_string(), 2)].into();
        assert_eq!(files_glob(&all, "a/*").into_keys().collect::<Vec<_>>(), ["a/x.txt"]);
        assert_eq!(files_glob(&all, "["), all, "a bad pattern matches all");
    }

    #[test]
    fn globs_follow_gobwas_rules() {
        let g = |p: &str, s: &str| GlobPattern::compile(p).unwrap().matches(s);
        assert!(g("files/*.conf", "files/a.conf"));
        assert!(!g("files/*.conf", "files/sub/a.conf"));
        assert!(g("files/**.conf", "files/sub/a.conf"));
        assert!(g("files/**", "files/sub/a.conf"));
        assert!(g("{a,b}/*.yaml", "b/x.yaml"));
        assert!(g("config?.ini", "config1.ini"));
        assert!(g("[a-c]*", "boo"));
        assert!(!g("[!a-c]*", "boo"));
    }

    #[test]
    fn kube_versions_parse_like_apimachinery() {
        let c = Capabilities::new("1.30", &[]).unwrap();
        assert_eq!(c.kube_version, "v1.30");
        assert_eq!(c.kube_version_normalized, "v1.30.0");
        let c = Capabilities::new("v1.33.4-gke.1245000", &[]).unwrap();
        assert_eq!(c.kube_version, "v1.33.4-gke.1245000");
        assert_eq!(c.kube_version_normalized, "v1.33.4");
        assert_eq!(c.kube_minor, "33");
        assert!(Capabilities::new("banana", &[]).is_err());
    }
}
