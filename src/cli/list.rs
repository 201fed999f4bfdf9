//! `capstan list` (Go: pkg/cmd/list.go).

use clap::Args;
use serde::Serialize;

use super::flags::configuration;
use super::output::{
    app_version, chart_name, color_enabled, color_header, color_namespace, color_status, go_format, go_string,
    json_line, yaml_of, OutputFormat, Table,
};
use super::GlobalArgs;
use crate::action::list::{list, ListRequest, DEFAULT_LIST_MAX};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output short (quiet) listing format
    #[arg(short = 'q', long)]
    pub short: bool,
    /// Don't print headers when using the default output format
    #[arg(long)]
    pub no_headers: bool,
    /// Format time using a Go time layout, e.g. "2006-01-02 15:04:05Z0700"
    #[arg(long, default_value = "")]
    pub time_format: String,
    /// Sort by release date
    #[arg(short = 'd', long = "date")]
    pub by_date: bool,
    /// Reverse the sort order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// Show releases of every status (the default when no status flag is given)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Show uninstalled releases (if 'uninstall --keep-history' was used)
    #[arg(long)]
    pub uninstalled: bool,
    /// Show superseded releases
    #[arg(long)]
    pub superseded: bool,
    /// Show releases that are currently being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
    /// Show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// Show failed releases
    #[arg(long)]
    pub failed: bool,
    /// Show pending releases
    #[arg(long)]
    pub pending: bool,
    /// List releases across all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Maximum number of releases to fetch
    #[arg(short = 'm', long, default_value_t = DEFAULT_LIST_MAX)]
    pub max: usize,
    /// Next release index in the list, used to offset from start value
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// A regular expression; only releases whose name matches are listed
    #[arg(short = 'f', long)]
    pub filter: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', and '!='
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Go: cmd.releaseElement (`revision` is a string).
#[derive(Debug, Serialize)]
pub struct ListEntry {
    pub name: String,
    pub namespace: String,
    pub revision: String,
    pub updated: String,
    pub status: String,
    pub chart: String,
    pub app_version: String,
}

pub fn run(global: &GlobalArgs, args: ListArgs) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let req = ListRequest {
        namespace: (!args.all_namespaces).then(|| global.namespace.clone()),
        all: args.all,
        deployed: args.deployed,
        failed: args.failed,
        pending: args.pending,
        superseded: args.superseded,
        uninstalled: args.uninstalled,
        uninstalling: args.uninstalling,
        filter: args.filter.clone(),
        selector: args.selector.clone(),
        max: args.max,
        offset: args.offset,
        by_date: args.by_date,
        reverse: args.reverse,
    };
    let releases = list(&cfg, &req)?;
    if args.short {
        let names: Vec<&str> = releases.iter().map(|r| r.name.as_str()).collect();
        let out = match args.output {
            OutputFormat::Json => json_line(&names)?,
            OutputFormat::Yaml => yaml_of(&names)?,
            OutputFormat::Table => names.iter().map(|n| format!("{n}\n")).collect(),
        };
        print!("{out}");
        return Ok(());
    }
    let entries: Vec<ListEntry> = releases
        .iter()
        .map(|r| ListEntry {
            name: r.name.clone(),
            namespace: r.namespace.clone(),
            revision: r.version.to_string(),
            updated: if r.info.last_deployed.is_zero() {
                "-".into()
            } else if args.time_format.is_empty() {
                go_string(&r.info.last_deployed)
            } else {
                go_format(&r.info.last_deployed, &args.time_format)
            },
            status: r.info.status.to_string(),
            chart: chart_name(r),
            app_version: app_version(r),
        })
        .collect();
    let out = match args.output {
        OutputFormat::Json => json_line(&entries)?,
        OutputFormat::Yaml => yaml_of(&entries)?,
        OutputFormat::Table => {
            let color = color_enabled();
            let mut t = Table::new();
            if !args.no_headers {
                t.row(
                    ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]
                        .map(|h| color_header(h, color)),
                );
            }
            for (e, r) in entries.iter().zip(&releases) {
                t.row([
                    e.name.clone(),
                    color_namespace(&e.namespace, color),
                    e.revision.clone(),
                    e.updated.clone(),
                    color_status(&r.info.status, color),
                    e.chart.clone(),
                    e.app_version.clone(),
                ]);
            }
            // Go: uitable prints nothing for a table without rows.
            if args.no_headers && entries.is_empty() {
                "\n".to_string()
            } else {
                t.render()
            }
        }
    };
    print!("{out}");
    Ok(())
}
