//! `capstan history NAME` (Go: pkg/cmd/history.go).

use clap::Args;
use serde::Serialize;

use super::flags::configuration;
use super::output::{ansic, app_version, chart_name, json_line, yaml_of, OutputFormat, Table};
use super::GlobalArgs;
use crate::action::history::{history, DEFAULT_HISTORY_LIST_MAX};
use crate::release::{GoTime, Release};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The release name
    pub name: String,
    /// Maximum number of revisions to include in history
    #[arg(long, default_value_t = DEFAULT_HISTORY_LIST_MAX)]
    pub max: usize,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Go: cmd.releaseInfo (`updated` left out when zero).
#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    pub revision: u32,
    #[serde(skip_serializing_if = "GoTime::is_zero")]
    pub updated: GoTime,
    pub status: String,
    pub chart: String,
    pub app_version: String,
    pub description: String,
}

impl HistoryEntry {
    pub fn of(r: &Release) -> HistoryEntry {
        HistoryEntry {
            revision: r.version,
            updated: r.info.last_deployed,
            status: r.info.status.to_string(),
            chart: chart_name(r),
            app_version: app_version(r),
            description: r.info.description.clone(),
        }
    }
}

pub fn run(global: &GlobalArgs, args: HistoryArgs) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let revisions = history(&cfg, &global.namespace, &args.name, args.max)?;
    let entries: Vec<HistoryEntry> = revisions.iter().map(HistoryEntry::of).collect();
    let out = match args.output {
        OutputFormat::Json => json_line(&entries)?,
        OutputFormat::Yaml => yaml_of(&entries)?,
        OutputFormat::Table => {
            let mut t = Table::new();
            t.row(["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]);
            for e in &entries {
                t.row([
                    e.revision.to_string(),
                    ansic(&e.updated),
                    e.status.clone(),
                    e.chart.clone(),
                    e.app_version.clone(),
                    e.description.clone(),
                ]);
            }
            t.render()
        }
    };
    print!("{out}");
    Ok(())
}
