//! The objects a Jinja template sees, built from the scope map the render
//! orchestration gives every chart (`Values`, `Chart`, `Files`, `Release`,
//! `Capabilities`, `Subcharts`): the same data under lowercase, snake_case
//! names (`values`, `chart.app_version`, `release.is_install`,
//! `capabilities.api_versions.has("apps/v1")`, `files.get("x")`).
//!
//! `files` and `capabilities` follow the Go-side semantics of
//! engine/context.rs (Helm: pkg/engine/files.go, pkg/chart/common/capabilities.go).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectExt as _, ObjectRepr, Value as JValue};
use minijinja::{Error, ErrorKind, State};

use super::convert::to_jinja;
use crate::engine::context::{files_as_config, files_as_secrets, files_glob, files_lines};
use crate::engine::value::{Map, Value};

/// The names every template's context holds (besides `template`).
pub const CONTEXT_NAMES: &[&str] = &[
    "values",
    "release",
    "chart",
    "capabilities",
    "files",
    "subcharts",
    "template",
];

/// A Go field name in snake_case: `IsRoot` → `is_root`,
/// `APIVersion` → `api_version`, `URL` → `url`.
pub fn snake_case(go_name: &str) -> String {
    let chars: Vec<char> = go_name.chars().collect();
    let mut out = String::with_capacity(go_name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                None | Some('_') => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A map with snake_case keys, recursing into maps and lists of maps; the
/// contents of keys in `verbatim` (user data such as annotations) are kept
/// as they are.
fn snake_keys(v: &Value, verbatim: &[&str]) -> JValue {
    match v {
        Value::Map(m) => JValue::from(
            m.borrow()
                .iter()
                .map(|(k, v)| {
                    let child = if verbatim.contains(&k.as_str()) {
                        to_jinja(v)
                    } else {
                        snake_keys(v, verbatim)
                    };
                    (snake_case(k), child)
                })
                .collect::<BTreeMap<String, JValue>>(),
        ),
        Value::List(items) if items.iter().any(|i| matches!(i, Value::Map(_))) => JValue::from(
            items
                .iter()
                .map(|i| snake_keys(i, verbatim))
                .collect::<Vec<_>>(),
        ),
        other => to_jinja(other),
    }
}

fn field(scope: &Value, name: &str) -> Value {
    match scope {
        Value::Map(m) => m.borrow().get(name).cloned().unwrap_or(Value::Missing),
        _ => Value::Missing,
    }
}

/// A chart scope map (`Values`, `Chart`, ...) → the Jinja context entries
/// (`values`, `chart`, ...), without `template`.
pub fn scope_context(scope: &Value) -> BTreeMap<String, JValue> {
    let mut ctx = BTreeMap::new();
    ctx.insert("values".to_string(), to_jinja(&field(scope, "Values")));
    ctx.insert(
        "release".to_string(),
        snake_keys(&field(scope, "Release"), &[]),
    );
    ctx.insert(
        "chart".to_string(),
        snake_keys(&field(scope, "Chart"), &["Annotations", "ImportValues"]),
    );
    ctx.insert(
        "capabilities".to_string(),
        capabilities(&field(scope, "Capabilities")),
    );
    ctx.insert(
        "files".to_string(),
        JValue::from_object(FilesObject::from_value(&field(scope, "Files"))),
    );
    let subcharts = match field(scope, "Subcharts") {
        Value::Map(m) => m
            .borrow()
            .iter()
            .map(|(name, sub)| (name.clone(), JValue::from(scope_context(sub))))
            .collect::<BTreeMap<String, JValue>>(),
        _ => BTreeMap::new(),
    };
    ctx.insert("subcharts".to_string(), JValue::from(subcharts));
    ctx
}

/// `template`: the running template's name and its chart's templates dir.
pub fn template_value(name: &str, base_path: &str) -> JValue {
    let mut m = BTreeMap::new();
    m.insert("name".to_string(), JValue::from(name));
    m.insert("base_path".to_string(), JValue::from(base_path));
    JValue::from(m)
}

/// `capabilities`: `kube_version` (prints like Go's KubeVersion.String()),
/// `api_versions` (a list with a `has` method), `helm_version`.
fn capabilities(caps: &Value) -> JValue {
    let Value::Object(obj) = caps else {
        // Not an object (tests, or a caller with plain data): keep the data.
        return snake_keys(caps, &[]);
    };
    let get = |o: &Option<Value>, name: &str| {
        match o {
            Some(Value::Object(x)) => x.field(name).and_then(|v| v.as_str().map(str::to_string)),
            _ => None,
        }
        .unwrap_or_default()
    };
    let kv = obj.field("KubeVersion");
    let kube_version = KubeVersion {
        version: get(&kv, "Version"),
        major: get(&kv, "Major"),
        minor: get(&kv, "Minor"),
        normalized: get(&kv, "String"),
    };
    let api_versions: Vec<String> = match obj.field("APIVersions").map(|v| match v {
        Value::Object(o) => o.to_data(),
        other => other,
    }) {
        Some(Value::List(l)) => l
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    };
    let mut m = BTreeMap::new();
    m.insert(
        "kube_version".to_string(),
        JValue::from_object(kube_version),
    );
    m.insert(
        "api_versions".to_string(),
        JValue::from_object(ApiVersions(api_versions)),
    );
    m.insert(
        "helm_version".to_string(),
        snake_keys(&obj.field("HelmVersion").unwrap_or(Value::Nil), &[]),
    );
    JValue::from(m)
}

/// `capabilities.kube_version`.
#[derive(Debug)]
struct KubeVersion {
    version: String,
    major: String,
    minor: String,
    normalized: String,
}

impl Object for KubeVersion {
    fn get_value(self: &Arc<Self>, key: &JValue) -> Option<JValue> {
        Some(JValue::from(match key.as_str()? {
            "version" | "git_version" => &self.version,
            "major" => &self.major,
            "minor" => &self.minor,
            _ => return None,
        }))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["version", "major", "minor"])
    }
    /// Go: KubeVersion.String() prints the normalized version.
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = if self.normalized.is_empty() {
            &self.version
        } else {
            &self.normalized
        };
        f.write_str(shown)
    }
}

/// `capabilities.api_versions`: a list of group/versions with `has(x)`
/// (Go: VersionSet.Has); `"apps/v1" in capabilities.api_versions` works too.
#[derive(Debug)]
struct ApiVersions(Vec<String>);

impl Object for ApiVersions {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }
    fn get_value(self: &Arc<Self>, key: &JValue) -> Option<JValue> {
        self.0
            .get(key.as_usize()?)
            .map(|s| JValue::from(s.as_str()))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[JValue],
    ) -> Result<JValue, Error> {
        if method != "has" {
            return Err(Error::from(ErrorKind::UnknownMethod));
        }
        match args {
            [v] => match v.as_str() {
                Some(s) => Ok(JValue::from(self.0.iter().any(|x| x == s))),
                None => Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("api_versions.has: expected a string, got {}", v.kind()),
                )),
            },
            _ => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("api_versions.has takes 1 argument, got {}", args.len()),
            )),
        }
    }
}

/// `files`: the chart's non-template files. Iterating gives the file names,
/// `files["name"]` the contents; methods `get`, `get_bytes`, `glob`,
/// `lines`, `as_config`, `as_secrets` as Helm's `.Files`.
#[derive(Debug, Clone, Default)]
pub struct FilesObject {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl FilesObject {
    /// From `.Files` (its data view: file name → bytes).
    pub fn from_value(files: &Value) -> FilesObject {
        let data = match files {
            Value::Object(o) => o.to_data(),
            other => other.clone(),
        };
        let mut out = BTreeMap::new();
        if let Value::Map(m) = data {
            for (name, content) in m.borrow().iter() {
                let bytes: Arc<[u8]> = match content {
                    Value::Bytes(b) => Arc::from(&b[..]),
                    Value::String(s) => Arc::from(s.as_bytes()),
                    _ => continue,
                };
                out.insert(name.clone(), bytes);
            }
        }
        FilesObject {
            files: Arc::new(out),
        }
    }

    /// The data view, as `.Files` gives it to toYaml/toJson.
    pub fn to_data(&self) -> Value {
        Value::map(
            self.files
                .iter()
                .map(|(k, v)| (k.clone(), Value::Bytes(std::rc::Rc::from(&v[..]))))
                .collect::<Map>(),
        )
    }

    fn bytes(&self, name: &str) -> &[u8] {
        self.files.get(name).map(|b| &b[..]).unwrap_or_default()
    }

    /// Helm: files.Glob (a bad pattern matches everything, like `**`).
    fn glob(&self, pattern: &str) -> FilesObject {
        FilesObject { files: Arc::new(files_glob(&self.files, pattern)) }
    }

    fn entries(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), &v[..]))
    }
}

fn one_string_arg<'a>(method: &str, args: &'a [JValue]) -> Result<&'a str, Error> {
    match args {
        [v] => v.as_str().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("files.{method}: expected a string, got {}", v.kind()),
            )
        }),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("files.{method} takes 1 argument, got {}", args.len()),
        )),
    }
}

fn no_args(method: &str, args: &[JValue]) -> Result<(), Error> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("files.{method} takes no arguments, got {}", args.len()),
        ))
    }
}

impl Object for FilesObject {
    fn get_value(self: &Arc<Self>, key: &JValue) -> Option<JValue> {
        let data = self.files.get(key.as_str()?)?;
        Some(JValue::from(String::from_utf8_lossy(data).into_owned()))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.mapped_enumerator(|this| Box::new(this.files.keys().map(|k| JValue::from(k.as_str()))))
    }
    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.files.len())
    }
    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[JValue],
    ) -> Result<JValue, Error> {
        match method {
            "get" => Ok(JValue::from(
                String::from_utf8_lossy(self.bytes(one_string_arg(method, args)?)).into_owned(),
            )),
            "get_bytes" => Ok(JValue::from_bytes(
                self.bytes(one_string_arg(method, args)?).to_vec(),
            )),
            "glob" => Ok(JValue::from_object(
                self.glob(one_string_arg(method, args)?),
            )),
            "lines" => Ok(JValue::from(files_lines(self.bytes(one_string_arg(method, args)?)))),
            "as_config" => {
                no_args(method, args)?;
                Ok(JValue::from(files_as_config(self.entries())))
            }
            "as_secrets" => {
                no_args(method, args)?;
                Ok(JValue::from(files_as_secrets(self.entries())))
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_field_names_become_snake_case() {
        assert_eq!(snake_case("IsRoot"), "is_root");
        assert_eq!(snake_case("APIVersion"), "api_version");
        assert_eq!(snake_case("AppVersion"), "app_version");
        assert_eq!(snake_case("URL"), "url");
        assert_eq!(snake_case("KubeClientVersion"), "kube_client_version");
        assert_eq!(snake_case("Name"), "name");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }
}
