//! `capstan dependency update|build|list [CHART]` (Helm:
//! pkg/cmd/dependency*.go): manage a chart's `charts/` and Chart.lock.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::pull::ClientArgs;
use crate::repo::dependency::{self, DependencyOptions};
use crate::repo::Paths;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum DependencyCommand {
    /// Update charts/ based on the contents of Chart.yaml
    #[command(alias = "up")]
    Update(DependencyArgs),
    /// Rebuild the charts/ directory based on the Chart.lock file
    Build(DependencyArgs),
    /// List the dependencies for the given chart
    #[command(alias = "ls")]
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct DependencyArgs {
    /// The chart directory (default: the current directory)
    pub chart: Option<PathBuf>,
    /// Verify the packages against the digests their repositories publish
    #[arg(long)]
    pub verify: bool,
    /// Keyring containing public keys (provenance files are not checked yet)
    #[arg(long, hide = true)]
    pub keyring: Option<PathBuf>,
    /// Do not refresh the local repository cache
    #[arg(long = "skip-refresh")]
    pub skip_refresh: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The chart (default: the current directory)
    pub chart: Option<PathBuf>,
    /// Maximum column width for output table
    #[arg(long = "max-col-width", default_value_t = 80)]
    pub max_col_width: usize,
}

impl DependencyArgs {
    pub fn options(&self, debug: bool) -> anyhow::Result<DependencyOptions> {
        let mut chart = self.client.to_options();
        chart.verify = self.verify;
        Ok(DependencyOptions { chart, skip_refresh: self.skip_refresh, debug, paths: Paths::from_env()? })
    }
}

fn chart_dir(p: &Option<PathBuf>) -> PathBuf {
    p.clone().unwrap_or_else(|| PathBuf::from("."))
}

pub fn run(global: &super::GlobalArgs, cmd: DependencyCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    match cmd {
        DependencyCommand::Update(a) => dependency::update(&chart_dir(&a.chart), &a.options(global.debug)?, &mut out)?,
        DependencyCommand::Build(a) => dependency::build(&chart_dir(&a.chart), &a.options(global.debug)?, &mut out)?,
        DependencyCommand::List(a) => dependency::list(&chart_dir(&a.chart), a.max_col_width, &mut out)?,
    }
    Ok(())
}
