//! Helm's Go structs written as Go's encoding/json writes them: fields in
//! struct order, `omitempty` where Helm's tags say so, HTML-safe string
//! escapes. Used for the Chart.lock digest (resolver.HashReq), the OCI
//! config blob, and (read back as YAML) Chart.yaml, Chart.lock and
//! index.yaml, which Helm writes with sigs.k8s.io/yaml.Marshal.

use serde_json::Value;

use super::gotime;
use crate::chart::{Dependency, Lock, Maintainer, Metadata};
use crate::codec::json::{to_json, write_string};

/// A JSON object built field by field, in the order given (a Go struct).
#[derive(Debug)]
pub struct GoObject {
    out: String,
    empty: bool,
}

impl Default for GoObject {
    fn default() -> Self {
        GoObject::new()
    }
}

impl GoObject {
    pub fn new() -> GoObject {
        GoObject { out: String::from("{"), empty: true }
    }

    /// A field whose value is already JSON.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_string(&mut self.out, key, true);
        self.out.push(':');
        self.out.push_str(json);
        self
    }

    pub fn string(&mut self, key: &str, v: &str) -> &mut Self {
        let mut s = String::new();
        write_string(&mut s, v, true);
        self.raw(key, &s)
    }

    /// `json:",omitempty"` on a string.
    pub fn string_omitempty(&mut self, key: &str, v: &str) -> &mut Self {
        if v.is_empty() {
            return self;
        }
        self.string(key, v)
    }

    /// `json:",omitempty"` on a []string.
    pub fn strings_omitempty(&mut self, key: &str, v: &[String]) -> &mut Self {
        if v.is_empty() {
            return self;
        }
        self.raw(key, &string_list(v))
    }

    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// A JSON array of strings.
pub fn string_list(v: &[String]) -> String {
    let mut s = String::from("[");
    for (i, item) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        write_string(&mut s, item, true);
    }
    s.push(']');
    s
}

/// A JSON array of already-written elements.
pub fn raw_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(item);
    }
    s.push(']');
    s
}

/// pkg/chart/v2.Maintainer.
pub fn maintainer_json(m: &Maintainer) -> String {
    GoObject::new()
        .string_omitempty("name", &m.name)
        .string_omitempty("email", &m.email)
        .string_omitempty("url", &m.url)
        .finish()
}

/// pkg/chart/v2.Dependency: `name` and `repository` are always written.
pub fn dependency_json(d: &Dependency) -> String {
    let mut o = GoObject::new();
    o.string("name", &d.name).string_omitempty("version", &d.version).string("repository", &d.repository);
    o.string_omitempty("condition", &d.condition).strings_omitempty("tags", &d.tags);
    if d.enabled == Some(true) {
        o.raw("enabled", "true");
    }
    if !d.import_values.is_empty() {
        let items: Vec<String> = d.import_values.iter().map(to_json).collect();
        o.raw("import-values", &raw_list(items.iter().map(String::as_str)));
    }
    o.string_omitempty("alias", &d.alias);
    o.finish()
}

/// A `[]*Dependency` (a nil slice is written `null`, an empty one `[]`).
pub fn dependencies_json(deps: &[Dependency]) -> String {
    let items: Vec<String> = deps.iter().map(dependency_json).collect();
    raw_list(items.iter().map(String::as_str))
}

/// pkg/chart/v2.Metadata. `with_dependencies` false is what Helm's Save
/// writes for apiVersion v1 charts (their dependencies live in
/// requirements.yaml).
pub fn metadata_json(md: &Metadata, with_dependencies: bool) -> String {
    let mut o = GoObject::new();
    metadata_fields(&mut o, md, with_dependencies);
    o.finish()
}

/// The fields of Metadata, for structs that embed it (index entries).
pub fn metadata_fields(o: &mut GoObject, md: &Metadata, with_dependencies: bool) {
    o.string_omitempty("name", &md.name)
        .string_omitempty("home", &md.home)
        .strings_omitempty("sources", &md.sources)
        .string_omitempty("version", &md.version)
        .string_omitempty("description", &md.description)
        .strings_omitempty("keywords", &md.keywords);
    if !md.maintainers.is_empty() {
        let items: Vec<String> = md.maintainers.iter().map(maintainer_json).collect();
        o.raw("maintainers", &raw_list(items.iter().map(String::as_str)));
    }
    o.string_omitempty("icon", &md.icon)
        .string_omitempty("apiVersion", &md.api_version)
        .string_omitempty("condition", &md.condition)
        .string_omitempty("tags", &md.tags)
        .string_omitempty("appVersion", &md.app_version);
    if md.deprecated {
        o.raw("deprecated", "true");
    }
    if !md.annotations.is_empty() {
        let map: serde_json::Map<String, Value> =
            md.annotations.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        o.raw("annotations", &to_json(&Value::Object(map)));
    }
    o.string_omitempty("kubeVersion", &md.kube_version);
    if with_dependencies && !md.dependencies.is_empty() {
        o.raw("dependencies", &dependencies_json(&md.dependencies));
    }
    o.string_omitempty("type", &md.chart_type);
}

/// pkg/chart/v2.Lock (the time re-written as Go writes it).
pub fn lock_json(lock: &Lock) -> String {
    GoObject::new()
        .string("generated", &gotime::normalize(&lock.generated))
        .string("digest", &lock.digest)
        .raw("dependencies", &dependencies_json(&lock.dependencies))
        .finish()
}

/// sigs.k8s.io/yaml.Marshal of a value whose JSON is `json`.
pub fn yaml_of_json(json: &str) -> String {
    let v: Value = serde_json::from_str(json).expect("helmjson writes valid JSON");
    crate::codec::yaml_write::to_yaml(&v)
}

/// Chart.yaml as Helm's Save writes it.
pub fn metadata_yaml(md: &Metadata) -> String {
    yaml_of_json(&metadata_json(md, md.api_version != "v1"))
}

/// Chart.lock as Helm writes it.
pub fn lock_yaml(lock: &Lock) -> String {
    yaml_of_json(&lock_json(lock))
}

/// Go's json.Indent(dst, src, "", indent) over compact JSON (what
/// json.MarshalIndent produces from Marshal's output).
pub fn indent(compact: &str, indent: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    // Empty collections stay `{}` / `[]`.
                    out.push(chars.next().unwrap_or(close));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_json_matches_go_struct_tags() {
        let d = Dependency { name: "a".into(), version: "1.x".into(), ..Default::default() };
        // Go: name and repository have no omitempty.
        assert_eq!(dependency_json(&d), r#"{"name":"a","version":"1.x","repository":""}"#);
        let d = Dependency {
            name: "b".into(),
            repository: "https://x/<y>".into(),
            enabled: Some(false),
            tags: vec!["t".into()],
            alias: "c".into(),
            ..Default::default()
        };
        assert_eq!(
            dependency_json(&d),
            r#"{"name":"b","repository":"https://x/\u003cy\u003e","tags":["t"],"alias":"c"}"#
        );
    }

    #[test]
    fn metadata_yaml_is_sorted_like_sigs_yaml() {
        let md = Metadata {
            api_version: "v2".into(),
            name: "mychart".into(),
            version: "0.1.0".into(),
            app_version: "1.16.0".into(),
            description: "A Helm chart for Kubernetes".into(),
            chart_type: "application".into(),
            ..Default::default()
        };
        assert_eq!(
            metadata_yaml(&md),
            "apiVersion: v2\nappVersion: 1.16.0\ndescription: A Helm chart for Kubernetes\nname: mychart\ntype: application\nversion: 0.1.0\n"
        );
    }

    #[test]
    fn indent_matches_marshal_indent() {
        assert_eq!(
            indent(r#"{"a":[1,{"b":"x,y"}],"c":{},"d":[]}"#, "  "),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,y\"\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}"
        );
    }
}
