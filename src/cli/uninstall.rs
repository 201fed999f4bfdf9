//! `capstan uninstall NAME...` (Go: pkg/cmd/uninstall.go).

use std::time::Duration;

use anyhow::anyhow;
use clap::Args;

use super::flags::{self, configuration};
use super::GlobalArgs;
use crate::action::uninstall::{uninstall, UninstallRequest};
use crate::cluster::Propagation;

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Release names
    #[arg(required = true, value_name = "RELEASE_NAME")]
    pub names: Vec<String>,
    /// Simulate an uninstall
    #[arg(long)]
    pub dry_run: bool,
    /// Prevent hooks from running during uninstallation
    #[arg(long)]
    pub no_hooks: bool,
    /// Treat "release not found" as a successful uninstall
    #[arg(long)]
    pub ignore_not_found: bool,
    /// Remove all associated resources and mark the release as deleted, but retain the release history
    #[arg(long)]
    pub keep_history: bool,
    /// Deletion cascading strategy for the dependents: background, orphan or foreground
    #[arg(long, default_value = "background")]
    pub cascade: String,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s", value_parser = flags::parse_duration)]
    pub timeout: Duration,
    /// Add a custom description
    #[arg(long, default_value = "")]
    pub description: String,
    /// Wait until resources are deleted (up to --timeout)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
}

pub fn run(global: &GlobalArgs, args: UninstallArgs) -> anyhow::Result<()> {
    let cascade: Propagation = args.cascade.parse().map_err(|e: String| anyhow!(e))?;
    let wait = flags::wait(args.wait.as_deref())?;
    let cfg = configuration(global)?;
    for name in &args.names {
        let req = UninstallRequest {
            keep_history: args.keep_history,
            ignore_not_found: args.ignore_not_found,
            dry_run: args.dry_run,
            no_hooks: args.no_hooks,
            wait,
            timeout: args.timeout,
            cascade,
            description: args.description.clone(),
            ..UninstallRequest::new(name, &global.namespace)
        };
        let res = uninstall(&cfg, &req)?;
        if !res.info.is_empty() {
            println!("{}", res.info);
        }
        println!("release {name:?} uninstalled");
    }
    Ok(())
}
