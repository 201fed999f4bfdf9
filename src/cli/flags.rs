//! What the release commands share: opening the store and target for a
//! command (`--target`, `CAPSTAN_TARGET`, kubeconfig discovery, the one
//! announcement line), and Helm's flag value syntaxes (`--timeout 5m0s`,
//! `--dry-run[=client|server]`, `--wait[=watcher]`, `-l a=b,c=d`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail};

use super::GlobalArgs;
use crate::action::{Configuration, DryRun};
use crate::cluster::kube::{ApplyOptions, KubeClient, KubeStore, KubeTarget, StorageDriver};
use crate::cluster::{choose_target, ChosenTarget, LocalTarget, TargetChoice};
use crate::release::{SqliteStore, Store};

/// The store and target for a release command. With no target asked for
/// and no kubeconfig, the local target is used and said so on stderr.
pub fn configuration(global: &GlobalArgs) -> anyhow::Result<Configuration> {
    configuration_with(global, ApplyOptions::default())
}

/// [`configuration`] with the flags that change how a cluster applies
/// objects (`--force-conflicts`, `--take-ownership`, ...).
pub fn configuration_with(global: &GlobalArgs, apply: ApplyOptions) -> anyhow::Result<Configuration> {
    let chosen = target_choice(global)?;
    match chosen.choice {
        TargetChoice::Kube { .. } => {
            let driver = storage_driver(global)?;
            let client = Arc::new(KubeClient::connect(&global.kube.connect_options())?);
            if global.debug {
                client.report_requests_on_drop();
            }
            if chosen.defaulted {
                eprintln!("capstan: using the cluster at {} ({})", client.server(), client.source());
            }
            let store: Arc<dyn Store> = Arc::new(KubeStore::new(client.clone(), driver));
            let target = Arc::new(KubeTarget::new(client, ApplyOptions { progress: true, ..apply }));
            Ok(Configuration::new(store, target).with_log(|msg| eprintln!("{msg}")))
        }
        TargetChoice::Local => {
            if let Some(storage) = global.storage.as_deref().filter(|s| *s != "local") {
                bail!("--storage {storage} needs a cluster; the local target keeps releases in its own store");
            }
            let store = SqliteStore::open_default()?;
            if chosen.defaulted {
                eprintln!("capstan: no kubeconfig found, using the local target (state in {})", store.path().display());
            }
            let store: Arc<dyn Store> = Arc::new(store);
            let target = Arc::new(LocalTarget::new(store.clone()));
            Ok(Configuration::new(store, target).with_log(|msg| eprintln!("{msg}")))
        }
    }
}

/// `--dry-run=server` asks a cluster to validate: the local target has none.
pub fn check_dry_run(cfg: &Configuration, dry_run: DryRun) -> anyhow::Result<()> {
    if dry_run == DryRun::Server && cfg.target.name() != "kube" {
        bail!("--dry-run=server needs a cluster (the kube target); use --dry-run=client on the local target");
    }
    Ok(())
}

/// `--target`, else kube when a cluster is named by a flag or a kubeconfig
/// is found, else local.
fn target_choice(global: &GlobalArgs) -> anyhow::Result<ChosenTarget> {
    let mut chosen =
        choose_target(global.target.as_deref(), &|k| std::env::var(k).ok()).map_err(|e| anyhow!(e))?;
    if chosen.defaulted && chosen.choice == TargetChoice::Local && global.kube.names_a_cluster() {
        chosen.choice = TargetChoice::Kube { source: "command-line flags".into() };
    }
    Ok(chosen)
}

/// `--storage` / `CAPSTAN_STORAGE`, else `HELM_DRIVER`, else secret.
fn storage_driver(global: &GlobalArgs) -> anyhow::Result<StorageDriver> {
    let (name, from) = match &global.storage {
        Some(s) => (s.clone(), "--storage"),
        None => (std::env::var("HELM_DRIVER").unwrap_or_default(), "HELM_DRIVER"),
    };
    StorageDriver::parse(&name).ok_or_else(|| {
        anyhow!("{from} {name:?} is not supported on a cluster: use \"secret\" (the default) or \"configmap\"")
    })
}

/// The namespace when `-n` is not given: the kubeconfig context's on the
/// kube target (Go: helm's EnvSettings.Namespace), else "default".
pub fn default_namespace(global: &GlobalArgs) -> String {
    let kube = matches!(target_choice(global), Ok(ChosenTarget { choice: TargetChoice::Kube { .. }, .. }));
    kube.then(|| crate::cluster::kube::connect::context_namespace(&global.kube.connect_options(), &|k| std::env::var(k).ok()))
        .flatten()
        .unwrap_or_else(|| "default".to_string())
}

/// Go's time.ParseDuration, for `--timeout`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let nanos = crate::engine::funcs::dates::parse_go_duration(s)?;
    if nanos < 0 {
        return Err(format!("negative duration {s:?}"));
    }
    Ok(Duration::from_nanos(nanos as u64))
}

/// Go: cmdGetDryRunFlagStrategy (`--dry-run` alone means client, with a
/// deprecation warning; booleans are accepted too). `template` is always a
/// dry run: there "none" and false are refused.
pub fn dry_run(value: Option<&str>, is_template: bool) -> anyhow::Result<DryRun> {
    let template_refuses = |v: &str| anyhow!("invalid dry-run value ({v:?}). Must be \"server\" or \"client\"");
    Ok(match value {
        None if is_template => DryRun::Client,
        None => DryRun::None,
        Some("none") if is_template => return Err(template_refuses("none")),
        Some("none") => DryRun::None,
        Some("unset") => {
            eprintln!("level=WARN msg=\"--dry-run is deprecated and should be replaced with '--dry-run=client'\"");
            DryRun::Client
        }
        Some("client") => DryRun::Client,
        Some("server") => DryRun::Server,
        Some(other) => {
            let b = parse_go_bool(other).ok_or_else(|| {
                anyhow!("invalid dry-run value ({other:?}). Must be \"none\", \"server\", or \"client\"")
            })?;
            if is_template && !b {
                return Err(template_refuses(other));
            }
            let mode = if b { DryRun::Client } else { DryRun::None };
            eprintln!(
                "level=WARN msg=\"boolean '--dry-run={other}' flag is deprecated and must be replaced with '--dry-run={}'\"",
                if b { "client" } else { "none" }
            );
            mode
        }
    })
}

/// Go: strconv.ParseBool.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Go: waitValue.Set: `--wait` alone is `watcher`; `hookOnly` (the
/// default) waits only for hooks. Returns whether to wait for resources.
pub fn wait(value: Option<&str>) -> anyhow::Result<bool> {
    match value {
        None | Some("hookOnly") | Some("false") => Ok(false),
        Some("watcher") | Some("legacy") | Some("true") => Ok(true),
        Some(other) => {
            bail!("invalid wait input {other:?}. Valid inputs are watcher, hookOnly, and legacy")
        }
    }
}

/// pflag StringToString (`-l a=b,c=d`, repeatable).
pub fn labels(entries: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in entries {
        if entry.is_empty() {
            continue;
        }
        let (k, v) = entry.split_once('=').ok_or_else(|| anyhow!("{entry} must be formatted as key=value"))?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// Merge the user's values flags (Helm: values.Options.MergeValues).
pub fn merge_values(values: &super::ValuesArgs) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let user: crate::values::UserValues = values.clone().into();
    Ok(user.merge(&mut std::io::stdin().lock())?)
}

// Where a command's chart comes from (Helm's chart path flags and
// `--dependency-update`). Plain comments: clap would take a doc comment
// as the about text of every command that flattens this.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ChartSourceArgs {
    #[command(flatten)]
    pub path: super::pull::ChartPathArgs,
    /// Update the chart's dependencies first if some are missing from charts/
    #[arg(long)]
    pub dependency_update: bool,
}

/// Helm's LocateChart for commands that take a chart: a local directory or
/// archive as it is; `repo/name` (a configured repository or `--repo`), an
/// archive URL or `oci://...` downloaded into the cache, at `--version` (a
/// version or constraint) when given. With `--dependency-update`, a chart
/// directory whose dependencies are not all in charts/ gets them as
/// `dependency update` would (its output goes to stderr).
pub fn locate_chart(reference: &str, source: &ChartSourceArgs, debug: bool) -> anyhow::Result<String> {
    let opts = source.path.to_options();
    let path = crate::repo::resolve_chart_ref(reference, source.path.version.as_deref(), &opts)?;
    if source.dependency_update && path.is_dir() {
        let chart = crate::chart::load(&path)?;
        if !chart.metadata.dependencies.is_empty() && crate::chart::dependencies::check(&chart).is_err() {
            let options = crate::repo::dependency::DependencyOptions {
                chart: opts,
                skip_refresh: false,
                debug,
                paths: crate::repo::Paths::from_env()?,
            };
            crate::repo::dependency::update(&path, &options, &mut std::io::stderr())?;
        }
    }
    Ok(path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_values() {
        assert_eq!(parse_duration("5m0s").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("5").is_err());
        assert_eq!(dry_run(None, false).unwrap(), DryRun::None);
        assert_eq!(dry_run(Some("server"), false).unwrap(), DryRun::Server);
        assert_eq!(dry_run(Some("true"), false).unwrap(), DryRun::Client);
        assert!(dry_run(Some("maybe"), false).is_err());
        // `template` is always a dry run.
        assert_eq!(dry_run(None, true).unwrap(), DryRun::Client);
        assert_eq!(dry_run(Some("none"), false).unwrap(), DryRun::None);
        assert_eq!(dry_run(Some("none"), true).unwrap_err().to_string(), "invalid dry-run value (\"none\"). Must be \"server\" or \"client\"");
        assert!(dry_run(Some("false"), true).is_err());
        assert!(wait(Some("watcher")).unwrap());
        assert!(!wait(None).unwrap());
        assert!(wait(Some("soon")).is_err());
        let l = labels(&["a=1".into(), "b=x=y".into()]).unwrap();
        assert_eq!(l.get("b").map(String::as_str), Some("x=y"));
        assert!(labels(&["novalue".into()]).is_err());
    }
}
