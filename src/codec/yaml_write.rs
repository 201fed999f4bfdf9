//! Writing YAML byte-for-byte like Helm's toYaml (sigs.k8s.io/yaml.Marshal:
//! encoding/json, then go-yaml v2's emitter).

/// What sigs.k8s.io/yaml.Marshal writes for `v` (with the final newline).
pub fn to_yaml(v: &serde_json::Value) -> String {
    let _ = v;
    unimplemented!("codec::yaml_write::to_yaml")
}
