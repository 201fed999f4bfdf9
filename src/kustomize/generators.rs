//! ConfigMap and Secret generators (kustomize api/internal/generators and
//! api/kv): key/value pairs from env files, literals and files, the
//! generated object, and the content hash kustomize appends to its name
//! (api/hasher).

use std::collections::BTreeMap;

use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::KustomizeError;
use super::kustomization::{GeneratorArgs, GeneratorOptions};
use super::node::{Node, Scalar, Tag};
use super::resmap::ResMap;
use super::resource::Resource;
use super::target::Loader;

/// kv.loader.Load: env files, then literals, then files, in that order.
fn load_pairs(ldr: &Loader, args: &GeneratorArgs) -> Result<Vec<(String, String)>, KustomizeError> {
    let mut all = Vec::new();
    for p in &args.envs {
        let content = ldr.load(p).map_err(|e| e.wrap(format!("env source files: [{}]", args.envs.join(" "))))?;
        all.extend(
            pairs_from_env(&content).map_err(|e| e.wrap(format!("env source files: [{}]", args.envs.join(" "))))?,
        );
    }
    for s in &args.literals {
        all.push(parse_literal(s).map_err(|e| e.wrap(format!("literal sources [{}]", args.literals.join(" "))))?);
    }
    for s in &args.files {
        let (key, path) = parse_file_source(s).map_err(|e| e.wrap(format!("file sources: [{}]", args.files.join(" "))))?;
        let content = ldr.load(&path).map_err(|e| e.wrap(format!("file sources: [{}]", args.files.join(" "))))?;
        all.push((key, bytes_to_go_string(content)));
    }
    Ok(all)
}

/// File content as a Go string: bytes kept; invalid UTF-8 is detected later.
fn bytes_to_go_string(b: Vec<u8>) -> String {
    match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => {
            // Carry the raw bytes through a private marker so binaryData can
            // base64 the original bytes.
            let bytes = e.into_bytes();
            format!("\u{0}BINARY:{}", base64::engine::general_purpose::STANDARD.encode(bytes))
        }
    }
}

fn binary_bytes(v: &str) -> Option<Vec<u8>> {
    v.strip_prefix("\u{0}BINARY:").and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
}

/// keyValuesFromLines: `KEY=value` lines; blank lines and `#` comments skipped.
fn pairs_from_env(content: &[u8]) -> Result<Vec<(String, String)>, KustomizeError> {
    let mut out = Vec::new();
    // bufio.Scanner ScanLines: split at \n, drop a trailing \r.
    let text = content;
    let mut lines: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
    if lines.last().map(|l| l.is_empty()).unwrap_or(false) {
        lines.pop();
    }
    for (n, raw) in lines.into_iter().enumerate() {
        let mut line = raw;
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        let Ok(mut s) = std::str::from_utf8(line) else {
            return Err(KustomizeError::msg(format!("line {n} has invalid utf8 bytes")));
        };
        if n == 0 {
            s = s.strip_prefix('\u{feff}').unwrap_or(s);
        }
        let s = s.trim_start();
        if s.is_empty() || s.starts_with('#') {
            continue;
        }
        let (key, value) = match s.split_once('=') {
            Some((k, v)) => (k, v),
            None => (s, ""),
        };
        if !is_env_var_name(key) {
            return Err(KustomizeError::msg(format!(
                "\"{key}\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"
            )));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// validation.IsEnvVarName.
fn is_env_var_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// validation.IsConfigMapKey.
fn is_config_map_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 253 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && k != "." && k != ".." && !k.starts_with("..")
}

/// parseLiteralSource: `key=value`, surrounding quotes removed.
fn parse_literal(s: &str) -> Result<(String, String), KustomizeError> {
    if s.starts_with('=') {
        return Err(KustomizeError::msg(format!("invalid literal source {s}, expected key=value")));
    }
    let Some((k, v)) = s.split_once('=') else {
        return Err(KustomizeError::msg(format!("invalid literal source {s}, expected key=value")));
    };
    let b = v.as_bytes();
    let v = if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') { &v[1..v.len() - 1] } else { v };
    Ok((k.to_string(), v.to_string()))
}

/// ParseFileSource: `path` (key is the base name) or `key=path`.
fn parse_file_source(s: &str) -> Result<(String, String), KustomizeError> {
    match s.matches('=').count() {
        0 => {
            let base = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
            Ok((if base.is_empty() { "/".to_string() } else { base.to_string() }, s.to_string()))
        }
        1 if s.starts_with('=') => Err(KustomizeError::msg(format!(
            "missing key name for file path {:?} in source {s:?}",
            s.trim_start_matches('=')
        ))),
        1 if s.ends_with('=') => Err(KustomizeError::msg(format!(
            "missing file path for key name {:?} in source {s:?}",
            s.trim_end_matches('=')
        ))),
        1 => {
            let (k, p) = s.split_once('=').expect("one =");
            Ok((k.to_string(), p.to_string()))
        }
        _ => Err(KustomizeError::msg(format!("source {s:?} key name or file path contains '='"))),
    }
}

/// kyaml encodeBase64: standard base64, broken into 70-column lines (each
/// ending in a newline) once it is that long.
pub fn encode_base64_lines(data: &[u8]) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(data);
    let lines = enc.len() / 70 + 1;
    if lines <= 1 {
        return enc;
    }
    let mut out = String::new();
    for chunk in enc.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).expect("ascii"));
        out.push('\n');
    }
    out
}

/// A generated value node: a string (literal style when multi-line).
fn value_node(v: String) -> Node {
    let quoted = v.contains('\n');
    Node::Scalar(Scalar { value: v, tag: Tag::Str, quoted })
}

/// MakeConfigMap / MakeSecret, plus the build annotations the resource
/// factory adds (hash suffix, behavior).
pub fn generate(ldr: &Loader, args: &GeneratorArgs, secret: bool) -> Result<Resource, KustomizeError> {
    let kind = if secret { "Secret" } else { "ConfigMap" };
    if args.name.is_empty() {
        return Err(KustomizeError::msg("a configmap must have a name"));
    }
    let mut node = Node::Map(vec![(Scalar::plain("apiVersion"), Node::plain("v1")), (Scalar::plain("kind"), Node::plain(kind))]);
    let mut meta = Node::Map(vec![(Scalar::plain("name"), Node::string(args.name.clone()))]);
    if !args.namespace.is_empty() {
        meta.set("namespace", Node::string(args.namespace.clone()));
    }
    node.set("metadata", meta);
    if secret {
        let t = if args.type_.is_empty() { "Opaque" } else { &args.type_ };
        node.set("type", Node::string(t));
    }
    let pairs = load_pairs(ldr, args).map_err(|e| e.wrap("loading KV pairs"))?;
    let mut data: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in pairs {
        if !is_config_map_key(&k) {
            return Err(KustomizeError::msg(format!(
                "\"{k}\" is not a valid key name for a {kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
            )));
        }
        if data.contains_key(&k) {
            return Err(KustomizeError::msg(format!("configmap {} illegally repeats the key `{k}`", args.name)));
        }
        data.insert(k, v);
    }
    if secret {
        if !data.is_empty() {
            let mut entries = Vec::new();
            for (k, v) in &data {
                let raw = binary_bytes(v).unwrap_or_else(|| v.as_bytes().to_vec());
                entries.push((Scalar::plain(k.clone()), value_node(encode_base64_lines(&raw))));
            }
            node.set("data", Node::Map(entries));
        } else {
            node.set("data", Node::Map(Vec::new()));
        }
    } else {
        let mut text_entries = Vec::new();
        let mut bin_entries = Vec::new();
        for (k, v) in &data {
            match binary_bytes(v) {
                Some(raw) => bin_entries.push((Scalar::plain(k.clone()), value_node(encode_base64_lines(&raw)))),
                None => text_entries.push((Scalar::plain(k.clone()), value_node(v.clone()))),
            }
        }
        if !text_entries.is_empty() {
            node.set("data", Node::Map(text_entries));
        }
        if !bin_entries.is_empty() {
            node.set("binaryData", Node::Map(bin_entries));
        }
    }
    let mut r = Resource::new(node);
    if let Some(o) = &args.options {
        apply_options(&mut r, o);
    }
    // resource.Factory.makeOne with generator args.
    if !args.options.as_ref().map(|o| o.disable_name_suffix_hash).unwrap_or(false) {
        r.enable_hash_suffix();
    }
    let behavior = match args.behavior.as_str() {
        "replace" | "merge" | "create" => args.behavior.as_str(),
        _ => "unspecified",
    };
    r.set_behavior(behavior);
    Ok(r)
}

/// copyLabelsAndAnnotations and setImmutable.
fn apply_options(r: &mut Resource, o: &GeneratorOptions) {
    if let Some(labels) = &o.labels {
        for (k, v) in labels {
            let meta = r.node.entry_map("metadata").expect("map");
            let l = meta.entry_map("labels").expect("map");
            l.set(k, Node::Scalar(Scalar { value: v.clone(), tag: Tag::Str, quoted: true }));
        }
    }
    if let Some(annos) = &o.annotations {
        for (k, v) in annos {
            r.set_annotation(k, v);
        }
    }
    if o.immutable {
        r.node.set("immutable", Node::Scalar(Scalar::new("true", Tag::Bool)));
    }
}

/// hasher.encode: the first ten hex digits with vowels and easily confused
/// digits swapped out.
fn encode_hash(hex: &str) -> String {
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hasher.Hash: ConfigMaps and Secrets hash their data (and kind, type);
/// kustomize's lookup of `metadata/name` finds no such field, so the name
/// hashes as "".
pub fn hash(r: &Resource) -> Result<String, KustomizeError> {
    let kind = r.kind();
    // getNodeValues: missing fields are "", scalars their text, mappings
    // their data; a list fails to decode into a map and leaves a nil map.
    let node_values = |paths: &[&str]| -> Result<BTreeMap<String, serde_json::Value>, KustomizeError> {
        let mut out = BTreeMap::new();
        for p in paths {
            let v = match r.node.get(p) {
                None => serde_json::Value::String(String::new()),
                Some(Node::Scalar(s)) => serde_json::Value::String(s.value.clone()),
                Some(Node::Seq(_)) => serde_json::Value::Null,
                Some(n) => n.to_json()?,
            };
            out.insert(p.to_string(), v);
        }
        Ok(out)
    };
    // `.(map[string]interface{})` holds for decoded maps, nil ones included.
    let is_map = |p: &str| matches!(r.node.get(p), Some(Node::Map(_)) | Some(Node::Seq(_)));
    let encoded = match kind.as_str() {
        "ConfigMap" => {
            let v = node_values(&["metadata/name", "data", "binaryData"])?;
            let mut m = serde_json::Map::new();
            m.insert("kind".into(), "ConfigMap".into());
            m.insert("name".into(), v["metadata/name"].clone());
            m.insert("data".into(), v["data"].clone());
            if is_map("binaryData") {
                m.insert("binaryData".into(), v["binaryData"].clone());
            }
            crate::codec::json::to_json(&serde_json::Value::Object(m))
        }
        "Secret" => {
            let v = node_values(&["type", "metadata/name", "data", "stringData"])?;
            let mut m = serde_json::Map::new();
            m.insert("kind".into(), "Secret".into());
            m.insert("type".into(), v["type"].clone());
            m.insert("name".into(), v["metadata/name"].clone());
            m.insert("data".into(), v["data"].clone());
            if is_map("stringData") {
                m.insert("stringData".into(), v["stringData"].clone());
            }
            crate::codec::json::to_json(&serde_json::Value::Object(m))
        }
        _ => {
            return Err(KustomizeError::unsupported(&format!("content hash of kind {kind}")));
        }
    };
    Ok(encode_hash(&sha256_hex(&encoded)))
}

/// HashTransformer: `name-<hash>` for every generated resource that wants it.
pub fn add_hashes(m: &mut ResMap) -> Result<(), KustomizeError> {
    for r in m.list.iter_mut() {
        if r.needs_hash_suffix() {
            let h = hash(r)?;
            r.store_previous_id();
            let name = format!("{}-{h}", r.name());
            r.set_name(&name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// api/hasher/hasher_test.go TestConfigMapHash and TestSecretHash.
    #[test]
    fn hashes_like_kustomize() {
        let cases = [
            ("apiVersion: v1\nkind: ConfigMap", "6ct58987ht"),
            ("apiVersion: v1\nkind: ConfigMap\ndata:\n  one: \"\"", "9g67k2htb6"),
            ("apiVersion: v1\nkind: ConfigMap\ndata:\n  two: 2\n  one: \"\"\n  three: 3", "7757f9kkct"),
            ("apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  one: \"\"", "6mtk2m274t"),
            ("apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  two: 2\n  one: \"\"\n  three: 3", "9th7kc28dg"),
            ("apiVersion: v1\nkind: ConfigMap\ndata:\n  one: \"\"\nbinaryData:\n  two: \"\"", "698h7c7t9m"),
            ("apiVersion: v1\nkind: Secret\ntype: my-type", "5gmgkf8578"),
            ("apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  one: \"\"", "74bd68bm66"),
            ("apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  two: 2\n  one: \"\"\n  three: 3", "4gf75c7476"),
            ("apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  one: \"\"\nstringData:\n  two: 2", "c4h4264gdb"),
        ];
        for (yaml, want) in cases {
            let node = crate::kustomize::parse::parse_documents(yaml).unwrap().remove(0);
            assert_eq!(hash(&Resource::new(node)).unwrap(), want, "{yaml}");
        }
    }

    #[test]
    fn literal_sources() {
        assert_eq!(parse_literal("a=\"b c\"").unwrap(), ("a".into(), "b c".into()));
        assert_eq!(parse_literal("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_literal("=x").is_err());
    }

    #[test]
    fn file_sources() {
        assert_eq!(parse_file_source("dir/app.properties").unwrap(), ("app.properties".into(), "dir/app.properties".into()));
        assert_eq!(parse_file_source("k=dir/f").unwrap(), ("k".into(), "dir/f".into()));
        assert!(parse_file_source("a=b=c").is_err());
    }

    #[test]
    fn env_files() {
        let p = pairs_from_env(b"# c\n\nA=1\n  B=x=y\r\nC\n").unwrap();
        assert_eq!(p, vec![("A".into(), "1".into()), ("B".into(), "x=y".into()), ("C".into(), "".into())]);
    }

    #[test]
    fn base64_lines_of_70() {
        assert_eq!(encode_base64_lines(b"abc"), "YWJj");
        let long = encode_base64_lines(&[0u8; 60]);
        assert_eq!(long.lines().next().unwrap().len(), 70);
        assert!(long.ends_with('\n'));
    }
}
