//! `capstan rollback NAME [REVISION]` (Go: pkg/cmd/rollback.go).

use std::time::Duration;

use anyhow::anyhow;
use clap::Args;

use super::flags::{self, configuration_with};
use crate::cluster::kube::ApplyOptions;
use super::GlobalArgs;
use crate::action::rollback::{rollback, RollbackRequest};
use crate::action::upgrade::DEFAULT_HISTORY_MAX;

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The release name
    pub name: String,
    /// The revision to go back to (default: the one before the latest)
    pub revision: Option<String>,
    /// Simulate a rollback
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset", value_name = "MODE")]
    pub dry_run: Option<String>,
    /// Prevent hooks from running during rollback
    #[arg(long)]
    pub no_hooks: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s", value_parser = flags::parse_duration)]
    pub timeout: Duration,
    /// Wait until resources are ready (up to --timeout)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// With --wait, also wait for Jobs to complete
    #[arg(long)]
    pub wait_for_jobs: bool,
    /// Delete the objects this rollback created when it fails
    #[arg(long)]
    pub cleanup_on_fail: bool,
    /// Maximum number of revisions kept per release (0: no limit)
    #[arg(long, default_value_t = DEFAULT_HISTORY_MAX)]
    pub history_max: usize,
    /// On a cluster: take over fields that other field managers own (server-side apply)
    #[arg(long)]
    pub force_conflicts: bool,
}

pub fn run(global: &GlobalArgs, args: RollbackArgs) -> anyhow::Result<()> {
    let version = match &args.revision {
        None => 0,
        Some(text) => text.parse::<u32>().map_err(|_| {
            anyhow!("could not convert revision to a number: strconv.Atoi: parsing {text:?}: invalid syntax")
        })?,
    };
    let dry_run = flags::dry_run(args.dry_run.as_deref(), false)?;
    let apply = ApplyOptions {
        force_conflicts: args.force_conflicts,
        wait_for_jobs: args.wait_for_jobs,
        ..ApplyOptions::default()
    };
    let cfg = configuration_with(global, apply)?;
    let req = RollbackRequest {
        version,
        dry_run: dry_run.is_dry_run(),
        no_hooks: args.no_hooks,
        timeout: args.timeout,
        wait: flags::wait(args.wait.as_deref())?,
        cleanup_on_fail: args.cleanup_on_fail,
        history_max: args.history_max,
        ..RollbackRequest::new(&args.name, &global.namespace)
    };
    let done = rollback(&cfg, &req)?;
    super::exit_soon_with(cfg, (done, req));
    println!("Rollback was a success! Happy Helming!");
    Ok(())
}
