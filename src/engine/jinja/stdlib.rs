//! The standard Jinja library (`templates-std/`), embedded in the binary and
//! importable by any Jinja chart as `std/<file>`:
//! `{% import "std/workloads.j2" as std %}`.
//!
//! Files by area: meta (names, labels, metadata), pod (pod spec pieces),
//! workloads, network, config, storage, rbac, cluster, scaling. Each file
//! starts with a `{#- ... -#}` comment describing it, and each public macro
//! is preceded by a `{#- ... -#}` comment describing it and its parameters
//! (docs/reference/std.md is generated from them); macros named `_...` are
//! private.

/// The name prefix that selects the standard library.
pub const PREFIX: &str = "std/";

/// Every file of `templates-std/`, by import name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "std/meta.j2",
        include_str!("../../../templates-std/meta.j2"),
    ),
    ("std/pod.j2", include_str!("../../../templates-std/pod.j2")),
    (
        "std/workloads.j2",
        include_str!("../../../templates-std/workloads.j2"),
    ),
    (
        "std/network.j2",
        include_str!("../../../templates-std/network.j2"),
    ),
    (
        "std/config.j2",
        include_str!("../../../templates-std/config.j2"),
    ),
    (
        "std/storage.j2",
        include_str!("../../../templates-std/storage.j2"),
    ),
    (
        "std/rbac.j2",
        include_str!("../../../templates-std/rbac.j2"),
    ),
    (
        "std/cluster.j2",
        include_str!("../../../templates-std/cluster.j2"),
    ),
    (
        "std/scaling.j2",
        include_str!("../../../templates-std/scaling.j2"),
    ),
];

/// The source of a standard library template.
pub fn get(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_templates_std_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates-std");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".j2"))
            .map(|n| format!("{PREFIX}{n}"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        for (name, text) in TEMPLATES {
            let file = dir.join(name.strip_prefix(PREFIX).unwrap());
            assert_eq!(std::fs::read_to_string(file).unwrap(), *text);
        }
    }
}
