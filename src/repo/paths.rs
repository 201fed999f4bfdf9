//! Where capstan keeps repository configuration, registry credentials and
//! caches (Helm's helmpath and cli.EnvSettings, under capstan's own home).
//!
//! With `$CAPSTAN_HOME` set everything lives under it:
//! `repositories.yaml`, `registry/config.json`, `cache/repository/`
//! (`<name>-index.yaml`, `<name>-charts.txt`) and `cache/content/`
//! (downloaded charts by sha256). Otherwise configuration goes under
//! `$XDG_CONFIG_HOME/capstan` (`~/.config/capstan`) and caches under
//! `$XDG_CACHE_HOME/capstan` (`~/.cache/capstan`). Each path can be moved
//! on its own with `CAPSTAN_REPOSITORY_CONFIG`, `CAPSTAN_REPOSITORY_CACHE`,
//! `CAPSTAN_CONTENT_CACHE` and `CAPSTAN_REGISTRY_CONFIG` (as Helm's
//! `HELM_*` variables do), and by Helm's global flags, which win
//! ([`set_overrides`]).

use std::path::PathBuf;
use std::sync::OnceLock;

use super::error::{RepoError, Result};

/// Paths given on the command line (Helm's global `--repository-config`,
/// `--repository-cache`, `--content-cache` and `--registry-config`): they
/// win over the environment, as Helm's flags win over its `HELM_*`
/// variables.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub repository_config: Option<PathBuf>,
    pub repository_cache: Option<PathBuf>,
    pub content_cache: Option<PathBuf>,
    pub registry_config: Option<PathBuf>,
}

static OVERRIDES: OnceLock<Overrides> = OnceLock::new();

/// Set this process's command-line paths, once, before any is looked up
/// (the `capstan` command does, from its global flags).
pub fn set_overrides(overrides: Overrides) {
    let _ = OVERRIDES.set(overrides);
}

/// The files and directories the repository layer uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// repositories.yaml (Helm's `RepositoryConfig`).
    pub repository_config: PathBuf,
    /// Cached index files (Helm's `RepositoryCache`).
    pub repository_cache: PathBuf,
    /// Downloaded charts keyed by digest (Helm's `ContentCache`).
    pub content_cache: PathBuf,
    /// Registry credentials, Docker's config.json format (Helm's `RegistryConfig`).
    pub registry_config: PathBuf,
}

impl Paths {
    /// Everything under one directory (what `$CAPSTAN_HOME` selects).
    pub fn under(home: impl Into<PathBuf>) -> Paths {
        let home = home.into();
        Paths {
            repository_config: home.join("repositories.yaml"),
            repository_cache: home.join("cache").join("repository"),
            content_cache: home.join("cache").join("content"),
            registry_config: home.join("registry").join("config.json"),
        }
    }

    /// The paths the environment selects (see the module docs).
    pub fn from_env() -> Result<Paths> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let mut paths = if let Some(home) = var("CAPSTAN_HOME") {
            Paths::under(home)
        } else {
            let home = var("HOME");
            // The XDG spec: relative XDG_* values are invalid and ignored.
            let xdg = |name: &str, fallback: &str| -> Result<PathBuf> {
                if let Some(p) = var(name).filter(|p| p.is_absolute()) {
                    return Ok(p.join("capstan"));
                }
                match &home {
                    Some(h) => Ok(h.join(fallback).join("capstan")),
                    None => Err(RepoError::msg(format!(
                        "cannot locate capstan's files: neither CAPSTAN_HOME, {name} nor HOME is set"
                    ))),
                }
            };
            let config = xdg("XDG_CONFIG_HOME", ".config")?;
            let cache = xdg("XDG_CACHE_HOME", ".cache")?;
            Paths {
                repository_config: config.join("repositories.yaml"),
                registry_config: config.join("registry").join("config.json"),
                repository_cache: cache.join("repository"),
                content_cache: cache.join("content"),
            }
        };
        // Each path: its flag, else its variable, else the default above.
        let given = OVERRIDES.get().cloned().unwrap_or_default();
        for (path, flag, variable) in [
            (&mut paths.repository_config, given.repository_config, "CAPSTAN_REPOSITORY_CONFIG"),
            (&mut paths.repository_cache, given.repository_cache, "CAPSTAN_REPOSITORY_CACHE"),
            (&mut paths.content_cache, given.content_cache, "CAPSTAN_CONTENT_CACHE"),
            (&mut paths.registry_config, given.registry_config, "CAPSTAN_REGISTRY_CONFIG"),
        ] {
            if let Some(p) = flag.filter(|p| !p.as_os_str().is_empty()).or_else(|| var(variable)) {
                *path = p;
            }
        }
        Ok(paths)
    }

    /// The cached index of repository `name` (helmpath.CacheIndexFile).
    pub fn cache_index_file(&self, name: &str) -> PathBuf {
        self.repository_cache.join(cache_index_name(name))
    }

    /// The cached chart-name list of repository `name` (helmpath.CacheChartsFile).
    pub fn cache_charts_file(&self, name: &str) -> PathBuf {
        self.repository_cache.join(cache_charts_name(name))
    }
}

/// `<name>-index.yaml` (just `index.yaml` for an empty name).
pub fn cache_index_name(name: &str) -> String {
    if name.is_empty() {
        "index.yaml".into()
    } else {
        format!("{name}-index.yaml")
    }
}

/// `<name>-charts.txt`.
pub fn cache_charts_name(name: &str) -> String {
    if name.is_empty() {
        "charts.txt".into()
    } else {
        format!("{name}-charts.txt")
    }
}

/// Where Helm keeps its repositories.yaml on this machine:
/// `$HELM_REPOSITORY_CONFIG`, else `$HELM_CONFIG_HOME/repositories.yaml`,
/// else `$XDG_CONFIG_HOME/helm/repositories.yaml`, else
/// `~/.config/helm/repositories.yaml` (Helm: pkg/helmpath lazypath).
pub fn helm_repository_config() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = var("HELM_REPOSITORY_CONFIG") {
        return Some(p);
    }
    if let Some(p) = var("HELM_CONFIG_HOME") {
        return Some(p.join("repositories.yaml"));
    }
    if let Some(p) = var("XDG_CONFIG_HOME") {
        return Some(p.join("helm").join("repositories.yaml"));
    }
    var("HOME").map(|h| h.join(".config").join("helm").join("repositories.yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_under_a_home() {
        let p = Paths::under("/h");
        assert_eq!(p.repository_config, PathBuf::from("/h/repositories.yaml"));
        assert_eq!(p.cache_index_file("stable"), PathBuf::from("/h/cache/repository/stable-index.yaml"));
        assert_eq!(p.cache_charts_file("stable"), PathBuf::from("/h/cache/repository/stable-charts.txt"));
        assert_eq!(p.registry_config, PathBuf::from("/h/registry/config.json"));
        assert_eq!(cache_index_name(""), "index.yaml");
    }
}
