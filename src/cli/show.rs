//! `capstan show chart|values|readme|crds|all CHART`: print parts of a chart
//! as `helm show` does (Helm: pkg/action/show.go).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::chart::{self, Chart};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ShowCommand {
    /// Show the chart's definition
    Chart(ShowArgs),
    /// Show the chart's values
    Values(ShowArgs),
    /// Show the chart's README
    Readme(ShowArgs),
    /// Show the chart's CRDs
    Crds(ShowArgs),
    /// Show all information of the chart
    All(ShowArgs),
}

// The chart to show and where to find it (Helm's chart path flags).
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A chart directory or archive, repo/name, an archive URL or oci://...
    pub chart: PathBuf,
    #[command(flatten)]
    pub path: super::pull::ChartPathArgs,
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Chart,
    Values,
    Readme,
    Crds,
    All,
}

pub fn run(cmd: ShowCommand) -> anyhow::Result<()> {
    let (part, args) = match cmd {
        ShowCommand::Chart(a) => (Part::Chart, a),
        ShowCommand::Values(a) => (Part::Values, a),
        ShowCommand::Readme(a) => (Part::Readme, a),
        ShowCommand::Crds(a) => (Part::Crds, a),
        ShowCommand::All(a) => (Part::All, a),
    };
    // A chart reference (repo/name, URL, oci://) is downloaded first.
    let source = super::flags::ChartSourceArgs { path: args.path, dependency_update: false };
    let path = super::flags::locate_chart(&args.chart.to_string_lossy(), &source, false)?;
    let chart = chart::load(std::path::Path::new(&path))?;
    print!("{}", show(&chart, part));
    Ok(())
}

fn show(chart: &Chart, part: Part) -> String {
    let mut out = String::new();
    let all = part == Part::All;
    if part == Part::Chart || all {
        let meta = serde_json::to_value(&chart.metadata).unwrap_or_default();
        out.push_str(&crate::codec::yaml_write::to_yaml(&meta));
        out.push('\n');
    }
    if part == Part::Values || all {
        if let Some(raw) = &chart.raw_values {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(raw));
            out.push('\n');
        }
    }
    if part == Part::Readme || all {
        const README_NAMES: [&str; 3] = ["readme.md", "readme.txt", "readme"];
        let readme = chart.files.iter().find(|f| README_NAMES.iter().any(|n| f.name.eq_ignore_ascii_case(n)));
        if let Some(f) = readme {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    if part == Part::Crds || all {
        for (_, content) in all_crds(chart) {
            if !content.starts_with("---") {
                out.push_str("---\n");
            }
            out.push_str(&content);
            out.push('\n');
        }
    }
    out
}

fn all_crds(chart: &Chart) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = chart
        .crd_files()
        .map(|f| (f.name.clone(), String::from_utf8_lossy(&f.data).into_owned()))
        .collect();
    for d in &chart.dependencies {
        v.extend(all_crds(d));
    }
    v
}
