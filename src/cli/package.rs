//! `capstan package CHART...`: package chart directories into versioned,
//! reproducible archives (Helm: pkg/cmd/package.go, pkg/action/package.go).
//! `SOURCE_DATE_EPOCH` pins every entry's time (see repo::package).

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use super::pull::ClientArgs;
use crate::repo::dependency::{self, DependencyOptions};
use crate::repo::package::{self, PackageOptions};
use crate::repo::Paths;

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Chart directories to package
    #[arg(value_name = "CHART_PATH")]
    pub charts: Vec<PathBuf>,
    /// Set the version on the chart to this semver version
    #[arg(long)]
    pub version: Option<String>,
    /// Set the appVersion on the chart to this version
    #[arg(long = "app-version")]
    pub app_version: Option<String>,
    /// Location to write the chart
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: PathBuf,
    /// Update dependencies from "Chart.yaml" to dir "charts/" before packaging
    #[arg(short = 'u', long = "dependency-update")]
    pub dependency_update: bool,
    /// Use a PGP private key to sign this package (not supported yet)
    #[arg(long)]
    pub sign: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

pub fn run(global: &super::GlobalArgs, args: PackageArgs) -> anyhow::Result<()> {
    if args.charts.is_empty() {
        bail!("need at least one argument, the path to the chart");
    }
    if args.sign {
        bail!("--sign is not supported yet: capstan does not write provenance (.prov) files");
    }
    let fixed_mtime = package::source_date_epoch()?;
    let destination = (args.destination.as_path() != std::path::Path::new(".")).then(|| args.destination.clone());
    for chart in &args.charts {
        let path = std::path::absolute(chart)?;
        std::fs::metadata(chart).map_err(|e| anyhow::anyhow!("stat {}: {e}", chart.display()))?;
        if args.dependency_update {
            let opts = DependencyOptions {
                chart: args.client.to_options(),
                skip_refresh: false,
                debug: global.debug,
                paths: Paths::from_env()?,
            };
            // Helm discards the manager's progress output here.
            dependency::update(&path, &opts, &mut std::io::sink())?;
        }
        let opts = PackageOptions {
            version: args.version.clone(),
            app_version: args.app_version.clone(),
            destination: destination.clone(),
            fixed_mtime,
        };
        let saved = package::package_dir(&path, &opts)?;
        println!("Successfully packaged chart and saved it to: {}", saved.display());
    }
    Ok(())
}
