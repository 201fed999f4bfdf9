//! Chart.yaml, Chart.lock and requirements.yaml decoded as Helm decodes them
//! (sigs.k8s.io/yaml into Go structs: Go's encoding/json rules, with YAML
//! numbers and booleans turned into strings where the field is a string),
//! and Helm's metadata validation (pkg/chart/v2/metadata.go, dependency.go).

use serde_json::{Map, Value};

use crate::engine::gofmt::strconv::{self, quote};
use super::model::{Dependency, Lock, Maintainer, Metadata};
use super::version::Version;

/// Null entries Go keeps as nil pointers in `maintainers` / `dependencies`,
/// which Validate rejects.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullNodes {
    pub maintainer: bool,
    pub dependency: bool,
}

/// Go's `json.UnmarshalTypeError` text (Go 1.20+: the field is the path of
/// JSON keys from the root, the struct the innermost Go struct type).
fn type_error(got: &Value, strukt: &str, field: &str, go_type: &str) -> String {
    let value = crate::codec::json::json_kind(got);
    format!("json: cannot unmarshal {value} into Go struct field {strukt}.{field} of type {go_type}")
}

/// The wrapping sigs.k8s.io/yaml puts around a JSON decoding error.
fn unmarshal_error(inner: String) -> String {
    format!("error unmarshaling JSON: while decoding JSON: {inner}")
}

/// A YAML number read into a Go string field (sigs.k8s.io/yaml
/// convertToJSONableObject): go-yaml ints print in decimal, floats with
/// `FormatFloat(f, 'g', -1, 32)`. The YAML reader gives every number as a
/// float64, so an integral value is taken to have been an int.
fn number_to_string(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return (f as i64).to_string();
    }
    strconv::format_float(f, 'g', -1, 32)
}

struct Decoder {
    first_error: Option<String>,
    nulls: NullNodes,
}

impl Decoder {
    fn error(&mut self, e: String) {
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }

    fn string(&mut self, v: &Value, out: &mut String, strukt: &str, field: &str) {
        match v {
            Value::Null => {}
            Value::String(s) => *out = s.clone(),
            Value::Number(n) => *out = number_to_string(n),
            Value::Bool(b) => *out = b.to_string(),
            other => self.error(type_error(other, strukt, field, "string")),
        }
    }

    fn boolean(&mut self, v: &Value, out: &mut bool, strukt: &str, field: &str) {
        match v {
            Value::Null => {}
            Value::Bool(b) => *out = *b,
            other => self.error(type_error(other, strukt, field, "bool")),
        }
    }

    fn string_list(&mut self, v: &Value, out: &mut Vec<String>, strukt: &str, field: &str) {
        match v {
            Value::Null => out.clear(),
            Value::Array(items) => {
                out.clear();
                for item in items {
                    let mut s = String::new();
                    self.string(item, &mut s, strukt, field);
                    out.push(s);
                }
            }
            other => self.error(type_error(other, strukt, field, "[]string")),
        }
    }

    fn metadata(&mut self, obj: &Map<String, Value>, md: &mut Metadata) {
        const S: &str = "Metadata";
        for (key, v) in obj {
            let Some(field) = match_field(
                key,
                &[
                    "name", "home", "sources", "version", "description", "keywords", "maintainers",
                    "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated",
                    "annotations", "kubeVersion", "dependencies", "type",
                ],
            ) else {
                continue;
            };
            match field {
                "name" => self.string(v, &mut md.name, S, field),
                "home" => self.string(v, &mut md.home, S, field),
                "sources" => self.string_list(v, &mut md.sources, S, field),
                "version" => self.string(v, &mut md.version, S, field),
                "description" => self.string(v, &mut md.description, S, field),
                "keywords" => self.string_list(v, &mut md.keywords, S, field),
                "maintainers" => match v {
                    Value::Null => md.maintainers.clear(),
                    Value::Array(items) => {
                        md.maintainers.clear();
                        for item in items {
                            match item {
                                Value::Null => self.nulls.maintainer = true,
                                Value::Object(o) => {
                                    let mut m = Maintainer::default();
                                    self.maintainer(o, &mut m);
                                    md.maintainers.push(m);
                                }
                                other => self.error(type_error(other, S, field, "v2.Maintainer")),
                            }
                        }
                    }
                    other => self.error(type_error(other, S, field, "[]*v2.Maintainer")),
                },
                "icon" => self.string(v, &mut md.icon, S, field),
                "apiVersion" => self.string(v, &mut md.api_version, S, field),
                "condition" => self.string(v, &mut md.condition, S, field),
                "tags" => self.string(v, &mut md.tags, S, field),
                "appVersion" => self.string(v, &mut md.app_version, S, field),
                "deprecated" => self.boolean(v, &mut md.deprecated, S, field),
                "annotations" => match v {
                    Value::Null => md.annotations.clear(),
                    Value::Object(o) => {
                        for (k, x) in o {
                            let mut s = String::new();
                            self.string(x, &mut s, S, field);
                            md.annotations.insert(k.clone(), s);
                        }
                    }
                    other => self.error(type_error(other, S, field, "map[string]string")),
                },
                "kubeVersion" => self.string(v, &mut md.kube_version, S, field),
                "dependencies" => {
                    self.dependencies(v, &mut md.dependencies, S, field);
                }
                "type" => self.string(v, &mut md.chart_type, S, field),
                _ => {}
            }
        }
    }

    fn maintainer(&mut self, obj: &Map<String, Value>, m: &mut Maintainer) {
        for (key, v) in obj {
            match match_field(key, &["name", "email", "url"]) {
                Some("name") => self.string(v, &mut m.name, "Maintainer", "maintainers.name"),
                Some("email") => self.string(v, &mut m.email, "Maintainer", "maintainers.email"),
                Some("url") => self.string(v, &mut m.url, "Maintainer", "maintainers.url"),
                _ => {}
            }
        }
    }

    fn dependencies(&mut self, v: &Value, out: &mut Vec<Dependency>, strukt: &str, field: &str) {
        match v {
            Value::Null => out.clear(),
            Value::Array(items) => {
                out.clear();
                for item in items {
                    match item {
                        Value::Null => self.nulls.dependency = true,
                        Value::Object(o) => {
                            let mut d = Dependency::default();
                            self.dependency(o, &mut d, field);
                            out.push(d);
                        }
                        other => self.error(type_error(other, strukt, field, "v2.Dependency")),
                    }
                }
            }
            other => self.error(type_error(other, strukt, field, "[]*v2.Dependency")),
        }
    }

    fn dependency(&mut self, obj: &Map<String, Value>, d: &mut Dependency, parent: &str) {
        const S: &str = "Dependency";
        for (key, v) in obj {
            let Some(field) = match_field(
                key,
                &["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"],
            ) else {
                continue;
            };
            let path = format!("{parent}.{field}");
            match field {
                "name" => self.string(v, &mut d.name, S, &path),
                "version" => self.string(v, &mut d.version, S, &path),
                "repository" => self.string(v, &mut d.repository, S, &path),
                "condition" => self.string(v, &mut d.condition, S, &path),
                "tags" => self.string_list(v, &mut d.tags, S, &path),
                "enabled" => {
                    let mut b = d.enabled.unwrap_or(false);
                    if !v.is_null() {
                        self.boolean(v, &mut b, S, &path);
                        d.enabled = Some(b);
                    }
                }
                "import-values" => match v {
                    Value::Null => d.import_values.clear(),
                    Value::Array(items) => d.import_values = items.clone(),
                    other => self.error(type_error(other, S, &path, "[]interface {}")),
                },
                "alias" => self.string(v, &mut d.alias, S, &path),
                _ => {}
            }
        }
    }
}

/// Go's encoding/json field lookup: an exact key match, else a
/// case-insensitive one.
fn match_field(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    fields
        .iter()
        .find(|f| **f == key)
        .or_else(|| fields.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

/// Decode a parsed Chart.yaml (or requirements.yaml, which Helm decodes into
/// the same struct) onto `md`. The error text is sigs.k8s.io/yaml's.
pub fn decode_metadata(doc: &Value, md: &mut Metadata, nulls: &mut NullNodes) -> Result<(), String> {
    let mut d = Decoder { first_error: None, nulls: *nulls };
    match doc {
        Value::Null => {}
        Value::Object(o) => d.metadata(o, md),
        other => {
            let mut e = type_error(other, "", "", "");
            e = e.replace(" into Go struct field . of type ", " into Go value of type v2.Metadata");
            return Err(unmarshal_error(e));
        }
    }
    *nulls = d.nulls;
    match d.first_error {
        Some(e) => Err(unmarshal_error(e)),
        None => Ok(()),
    }
}

/// Decode Chart.lock / requirements.lock.
pub fn decode_lock(doc: &Value) -> Result<Lock, String> {
    let mut lock = Lock::default();
    let mut d = Decoder { first_error: None, nulls: NullNodes::default() };
    match doc {
        Value::Null => {}
        Value::Object(o) => {
            for (key, v) in o {
                match match_field(key, &["generated", "digest", "dependencies"]) {
                    Some("generated") => match v {
                        Value::Null => {}
                        Value::String(s) => lock.generated = s.clone(),
                        _ => d.error("Time.UnmarshalJSON: input is not a JSON string".into()),
                    },
                    Some("digest") => d.string(v, &mut lock.digest, "Lock", "digest"),
                    Some("dependencies") => {
                        d.dependencies(v, &mut lock.dependencies, "Lock", "dependencies")
                    }
                    _ => {}
                }
            }
        }
        other => {
            let e = type_error(other, "", "", "")
                .replace(" into Go struct field . of type ", " into Go value of type v2.Lock");
            return Err(unmarshal_error(e));
        }
    }
    match d.first_error {
        Some(e) => Err(unmarshal_error(e)),
        None => Ok(lock),
    }
}

/// Go's unicode.IsSpace.
fn go_is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}') || (c as u32 > 0xff && c.is_whitespace())
}

/// Helm's sanitizeString: spaces become ' ', non-printable characters go.
fn sanitize(s: &mut String) {
    if s.chars().all(|c| c == ' ' || (!go_is_space(c) && !c.is_control())) {
        return;
    }
    *s = s
        .chars()
        .filter_map(|c| {
            if go_is_space(c) {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect();
}

/// Helm's `aliasNameFormat`: `^[a-zA-Z0-9_-]+$`.
fn valid_alias(a: &str) -> bool {
    !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Helm's `Dependency.Validate`: sanitizes strings, checks the alias.
pub fn validate_dependency(d: &mut Dependency) -> Result<(), String> {
    sanitize(&mut d.name);
    sanitize(&mut d.version);
    sanitize(&mut d.repository);
    sanitize(&mut d.condition);
    for t in &mut d.tags {
        sanitize(t);
    }
    if !d.alias.is_empty() && !valid_alias(&d.alias) {
        return Err(format!("dependency {} has disallowed characters in the alias", quote(&d.name)));
    }
    Ok(())
}

/// Helm's `Metadata.Validate`, in its order; the error is the text after
/// `validation: `.
pub fn validate_metadata(md: &mut Metadata, nulls: NullNodes) -> Result<(), String> {
    sanitize(&mut md.name);
    sanitize(&mut md.description);
    sanitize(&mut md.home);
    sanitize(&mut md.icon);
    sanitize(&mut md.condition);
    sanitize(&mut md.tags);
    sanitize(&mut md.app_version);
    sanitize(&mut md.kube_version);
    for s in &mut md.sources {
        sanitize(s);
    }
    for s in &mut md.keywords {
        sanitize(s);
    }
    if md.api_version.is_empty() {
        return Err("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return Err("chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return Err(format!("chart.metadata.name {} is not allowed", quote(&md.name)));
    }
    if md.name != super::archive::path_base(&md.name) {
        return Err(format!("chart.metadata.name {} is invalid", quote(&md.name)));
    }
    if md.version.is_empty() {
        return Err("chart.metadata.version is required".into());
    }
    if Version::parse(&md.version).is_err() {
        return Err(format!("chart.metadata.version {} is invalid", quote(&md.version)));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return Err("chart.metadata.type must be application or library".into());
    }
    if nulls.maintainer {
        return Err("maintainers must not contain empty or null nodes".into());
    }
    for m in &mut md.maintainers {
        sanitize(&mut m.name);
        sanitize(&mut m.email);
        sanitize(&mut m.url);
    }
    if nulls.dependency {
        return Err("dependencies must not contain empty or null nodes".into());
    }
    let mut seen = std::collections::HashSet::new();
    for d in &mut md.dependencies {
        validate_dependency(d)?;
        let key = if d.alias.is_empty() { d.name.clone() } else { d.alias.clone() };
        if !seen.insert(key.clone()) {
            return Err(format!("more than one dependency with name or alias {}", quote(&key)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(v: Value) -> Result<Metadata, String> {
        let mut md = Metadata::default();
        let mut nulls = NullNodes::default();
        decode_metadata(&v, &mut md, &mut nulls)?;
        Ok(md)
    }

    #[test]
    fn numbers_and_bools_become_strings_like_sigs_yaml() {
        let md = decode(json!({"name": "x", "version": 1.0, "appVersion": 1.1, "annotations": {"a": true, "b": 3.0}})).unwrap();
        assert_eq!(md.version, "1");
        assert_eq!(md.app_version, "1.1");
        assert_eq!(md.annotations["a"], "true");
        assert_eq!(md.annotations["b"], "3");
        let md = decode(json!({"name": "x", "version": 1.23456789, "appVersion": 1e21})).unwrap();
        assert_eq!(md.version, "1.2345679");
        assert_eq!(md.app_version, "1e+21");
    }

    #[test]
    fn type_errors_read_like_go() {
        let e = decode(json!({"deprecated": "yes"})).unwrap_err();
        assert_eq!(e, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool");
        let e = decode(json!({"dependencies": [{"name": "a", "enabled": "true"}]})).unwrap_err();
        assert_eq!(e, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Dependency.dependencies.enabled of type bool");
        let e = decode(json!(["a"])).unwrap_err();
        assert_eq!(e, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type v2.Metadata");
    }

    #[test]
    fn fields_match_case_insensitively() {
        let md = decode(json!({"Name": "x", "APIVERSION": "v2"})).unwrap();
        assert_eq!(md.name, "x");
        assert_eq!(md.api_version, "v2");
    }

    fn validate(v: Value) -> Result<(), String> {
        let mut md = Metadata::default();
        let mut nulls = NullNodes::default();
        decode_metadata(&v, &mut md, &mut nulls)?;
        validate_metadata(&mut md, nulls)
    }

    #[test]
    fn validation_matches_helm() {
        // pkg/chart/v2/metadata_test.go TestValidate
        let ok = json!({"apiVersion": "v2", "name": "test", "version": "1.0"});
        assert_eq!(validate(ok.clone()), Ok(()));
        let mut no_name = ok.clone();
        no_name["name"] = json!("");
        assert_eq!(validate(no_name).unwrap_err(), "chart.metadata.name is required");
        let mut dotdot = ok.clone();
        dotdot["name"] = json!("..");
        assert_eq!(validate(dotdot).unwrap_err(), "chart.metadata.name \"..\" is not allowed");
        let mut slash = ok.clone();
        slash["name"] = json!("../../test");
        assert_eq!(validate(slash).unwrap_err(), "chart.metadata.name \"../../test\" is invalid");
        let mut bad_ver = ok.clone();
        bad_ver["version"] = json!("1.2.3.4");
        assert_eq!(validate(bad_ver).unwrap_err(), "chart.metadata.version \"1.2.3.4\" is invalid");
        let mut lib = ok.clone();
        lib["type"] = json!("Library");
        assert_eq!(validate(lib).unwrap_err(), "chart.metadata.type must be application or library");
        let mut no_api = ok.clone();
        no_api["apiVersion"] = json!("");
        assert_eq!(validate(no_api).unwrap_err(), "chart.metadata.apiVersion is required");
        let mut dup = ok.clone();
        dup["dependencies"] = json!([{"name": "bad", "alias": "nginx"}, {"name": "nginx"}]);
        assert_eq!(validate(dup).unwrap_err(), "more than one dependency with name or alias \"nginx\"");
        let mut alias = ok.clone();
        alias["dependencies"] = json!([{"name": "bad", "alias": "Wrong.Alias"}]);
        assert_eq!(validate(alias).unwrap_err(), "dependency \"bad\" has disallowed characters in the alias");
        let mut null_dep = ok.clone();
        null_dep["dependencies"] = json!([null]);
        assert_eq!(validate(null_dep).unwrap_err(), "dependencies must not contain empty or null nodes");
        let mut null_m = ok.clone();
        null_m["maintainers"] = json!([null]);
        assert_eq!(validate(null_m).unwrap_err(), "maintainers must not contain empty or null nodes");
    }

    #[test]
    fn sanitize_strips_controls() {
        let mut s = String::from("a\tb\u{7}c\nd");
        sanitize(&mut s);
        assert_eq!(s, "a bc d");
    }
}
