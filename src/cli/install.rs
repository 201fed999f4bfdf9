//! `capstan install [NAME] CHART` and `capstan upgrade NAME CHART`, with
//! Helm 4's flags and output (pkg/cmd/install.go, pkg/cmd/upgrade.go).

use std::time::Duration;

use anyhow::{anyhow, bail};
use clap::Args;

use super::flags::{self, configuration_with};
use crate::action::DryRun;
use crate::cluster::kube::ApplyOptions;
use super::output::{color_enabled, json_line, status_text, yaml_of, OutputFormat, StatusOptions};
use super::{GlobalArgs, OverlayArgs, ValuesArgs};
use crate::action::install::{install, InstallRequest};
use crate::action::template::RenderSettings;
use crate::action::upgrade::{upgrade, UpgradeRequest, Upgraded, DEFAULT_HISTORY_MAX};
use crate::release::Release;

// Flags install and upgrade share (Go: addInstallFlags and upgrade's).
#[derive(Debug, Clone, Args)]
pub struct CommonInstallArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Simulate the operation without recording anything: client or server
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset", value_name = "MODE")]
    pub dry_run: Option<String>,
    /// Prevent hooks from running
    #[arg(long)]
    pub no_hooks: bool,
    /// Time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, default_value = "5m0s", value_parser = flags::parse_duration)]
    pub timeout: Duration,
    /// Wait until resources are ready (up to --timeout): watcher, hookOnly or legacy
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// With --wait, also wait for Jobs to complete
    #[arg(long)]
    pub wait_for_jobs: bool,
    /// Roll back (or uninstall, on install) when the operation fails
    #[arg(long, alias = "atomic")]
    pub rollback_on_failure: bool,
    /// Add a custom description
    #[arg(long, default_value = "")]
    pub description: String,
    /// Labels for the release record (key=value,...; on upgrade `key=null` removes one)
    #[arg(short = 'l', long = "labels", value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Do not show the chart's notes in the output
    #[arg(long)]
    pub hide_notes: bool,
    /// Do not install the chart's CRDs (same as --crds skip)
    #[arg(long)]
    pub skip_crds: bool,
    /// What to do with the chart's crds/: install (create missing ones, as Helm), upgrade (also update existing ones), skip
    #[arg(long, value_enum, default_value_t = CrdPolicy::Install)]
    pub crds: CrdPolicy,
    /// Render subchart notes along with the parent's
    #[arg(long = "render-subchart-notes")]
    pub sub_notes: bool,
    /// Disable JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Create the release namespace if not present
    #[arg(long)]
    pub create_namespace: bool,
    #[command(flatten)]
    pub source: flags::ChartSourceArgs,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    #[command(flatten)]
    pub overlay: OverlayArgs,
    /// On a cluster: take over fields that other field managers own (server-side apply)
    #[arg(long)]
    pub force_conflicts: bool,
    /// On a cluster: adopt existing objects that this release does not own
    #[arg(long)]
    pub take_ownership: bool,
}

/// `--crds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CrdPolicy {
    Install,
    Upgrade,
    Skip,
}

impl CommonInstallArgs {
    fn skip_crds(&self) -> bool {
        self.skip_crds || self.crds == CrdPolicy::Skip
    }

    fn upgrade_crds(&self) -> bool {
        !self.skip_crds && self.crds == CrdPolicy::Upgrade
    }

    /// How a cluster applies this command's objects.
    fn apply_options(&self, dry_run: DryRun) -> ApplyOptions {
        ApplyOptions {
            force_conflicts: self.force_conflicts,
            take_ownership: self.take_ownership,
            server_dry_run: dry_run == DryRun::Server,
            wait_for_jobs: self.wait_for_jobs,
            update_unowned: self.upgrade_crds(),
            ..ApplyOptions::default()
        }
    }

    fn render_settings(&self) -> anyhow::Result<RenderSettings> {
        Ok(RenderSettings {
            skip_schema_validation: self.skip_schema_validation,
            sub_notes: self.sub_notes,
            overlay: self.overlay.dir()?,
            ..RenderSettings::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// [NAME] CHART
    #[arg(num_args = 1..=2, required = true, value_names = ["NAME", "CHART"])]
    pub args: Vec<String>,
    #[command(flatten)]
    pub common: CommonInstallArgs,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long)]
    pub name_template: Option<String>,
    /// Reuse the name of an uninstalled or failed release
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The release name
    pub name: String,
    /// The chart (a directory or .tgz)
    pub chart: String,
    #[command(flatten)]
    pub common: CommonInstallArgs,
    /// If the release does not exist, install it
    #[arg(short = 'i', long)]
    pub install: bool,
    /// Reuse the last release's values and merge in the new ones
    #[arg(long)]
    pub reuse_values: bool,
    /// Reset the values to the chart's defaults
    #[arg(long)]
    pub reset_values: bool,
    /// Reset to the chart's defaults, then apply the last release's values and the new ones
    #[arg(long)]
    pub reset_then_reuse_values: bool,
    /// Maximum number of revisions kept per release (0: no limit)
    #[arg(long, default_value_t = DEFAULT_HISTORY_MAX)]
    pub history_max: usize,
    /// Delete the objects this upgrade created when it fails
    #[arg(long)]
    pub cleanup_on_fail: bool,
}

/// Go: Install.NameAndChart.
fn name_and_chart(args: &InstallArgs) -> anyhow::Result<(String, String)> {
    if args.args.len() == 2 {
        if args.generate_name {
            bail!("cannot set --generate-name and also specify a name");
        }
        if args.name_template.is_some() {
            bail!("cannot set --name-template and also specify a name");
        }
        return Ok((args.args[0].clone(), args.args[1].clone()));
    }
    let chart = args.args[0].clone();
    if let Some(text) = args.name_template.as_deref().filter(|t| !t.is_empty()) {
        return Ok((crate::action::template::template_name(text)?, chart));
    }
    if !args.generate_name {
        bail!("must either provide a name or specify --generate-name");
    }
    Ok((super::template::generated_name(&chart), chart))
}

pub fn run_install(global: &GlobalArgs, args: InstallArgs) -> anyhow::Result<()> {
    let out = (|| -> anyhow::Result<String> {
        let (name, chart) = name_and_chart(&args)?;
        let c = &args.common;
        let chart = flags::locate_chart(&chart, &c.source, global.debug)?;
        let dry_run = flags::dry_run(c.dry_run.as_deref(), false)?;
        let cfg = configuration_with(global, c.apply_options(dry_run))?;
        flags::check_dry_run(&cfg, dry_run)?;
        let req = InstallRequest {
            values: flags::merge_values(&c.values)?,
            create_namespace: c.create_namespace,
            dry_run,
            replace: args.replace,
            no_hooks: c.no_hooks,
            timeout: c.timeout,
            wait: flags::wait(c.wait.as_deref())? || c.rollback_on_failure,
            rollback_on_failure: c.rollback_on_failure,
            description: c.description.clone(),
            labels: flags::labels(&c.labels)?,
            skip_crds: c.skip_crds(),
            upgrade_crds: c.upgrade_crds(),
            render: c.render_settings()?,
            ..InstallRequest::new(name, &global.namespace, chart)
        };
        let installed = install(&cfg, &req)?;
        let out = print_release(&installed.release, c.output, global.debug, c.hide_notes);
        super::exit_soon_with(cfg, (installed, req));
        out
    })()
    .map_err(|e| anyhow!("INSTALLATION FAILED: {e:#}"))?;
    print!("{out}");
    Ok(())
}

pub fn run_upgrade(global: &GlobalArgs, args: UpgradeArgs) -> anyhow::Result<()> {
    let c = &args.common;
    let chart = flags::locate_chart(&args.chart, &c.source, global.debug)?;
    let dry_run = flags::dry_run(c.dry_run.as_deref(), false)?;
    let cfg = configuration_with(global, c.apply_options(dry_run))?;
    flags::check_dry_run(&cfg, dry_run)?;
    let req = UpgradeRequest {
        values: flags::merge_values(&c.values)?,
        install: args.install,
        reuse_values: args.reuse_values,
        reset_values: args.reset_values,
        reset_then_reuse_values: args.reset_then_reuse_values,
        history_max: args.history_max,
        cleanup_on_fail: args.cleanup_on_fail,
        dry_run,
        no_hooks: c.no_hooks,
        timeout: c.timeout,
        wait: flags::wait(c.wait.as_deref())? || c.rollback_on_failure,
        rollback_on_failure: c.rollback_on_failure,
        description: c.description.clone(),
        labels: flags::labels(&c.labels)?,
        skip_crds: c.skip_crds(),
        upgrade_crds: c.upgrade_crds(),
        create_namespace: c.create_namespace,
        render: c.render_settings()?,
        ..UpgradeRequest::new(&args.name, &global.namespace, &chart)
    };
    // Go: the install path returns runInstall's error as it is.
    let installing = args.install
        && match cfg.store.latest(&global.namespace, &args.name) {
            Ok(last) => last.info.status == crate::release::Status::Uninstalled,
            Err(e) => e.is_not_found(),
        };
    let outcome = upgrade(&cfg, &req);
    let mut out = String::new();
    let done = match outcome {
        Err(e) if installing => return Err(e.into()),
        Err(e) => return Err(anyhow!("UPGRADE FAILED: {e}")),
        Ok(done) => done,
    };
    match &done {
        Upgraded::Installed(i) => {
            if c.output == OutputFormat::Table {
                out.push_str(&format!("Release {:?} does not exist. Installing it now.\n", args.name));
            }
            out.push_str(&print_release(&i.release, c.output, global.debug, c.hide_notes)?);
        }
        Upgraded::Upgraded(i) => {
            if c.output == OutputFormat::Table {
                out.push_str(&format!("Release {:?} has been upgraded. Happy Helming!\n", args.name));
            }
            out.push_str(&print_release(&i.release, c.output, global.debug, c.hide_notes)?);
        }
    }
    super::exit_soon_with(cfg, (done, req));
    print!("{out}");
    Ok(())
}

/// Go: statusPrinter for install/upgrade (the chart stays in JSON/YAML).
fn print_release(rel: &Release, format: OutputFormat, debug: bool, hide_notes: bool) -> anyhow::Result<String> {
    match format {
        OutputFormat::Table => {
            status_text(rel, StatusOptions { debug, show_metadata: false, hide_notes, color: color_enabled() })
        }
        OutputFormat::Json => json_line(rel),
        OutputFormat::Yaml => yaml_of(rel),
    }
}
