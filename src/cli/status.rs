//! `capstan status NAME` (Go: pkg/cmd/status.go): the release without its
//! chart; `--show-resources` adds the live objects from the target.

use clap::Args;
use serde::Serialize;
use serde_json::{Map, Value};

use super::flags::configuration;
use super::output::{color_enabled, json_line, status_text, yaml_of, OutputFormat, StatusOptions};
use super::GlobalArgs;
use crate::action::status::status;
use crate::release::{Hook, Info, Release};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The release name
    pub name: String,
    /// Display the status of this revision
    #[arg(long, default_value_t = 0)]
    pub revision: u32,
    /// Show the release's resources as the target has them
    #[arg(long)]
    pub show_resources: bool,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// The release JSON without `chart` (Go: `rel.Chart = nil`, omitempty).
#[derive(Serialize)]
struct WithoutChart<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    info: &'a Info,
    #[serde(skip_serializing_if = "is_empty_map", serialize_with = "sorted")]
    config: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "str::is_empty")]
    manifest: &'a str,
    #[serde(skip_serializing_if = "<[Hook]>::is_empty")]
    hooks: &'a [Hook],
    #[serde(skip_serializing_if = "is_zero")]
    version: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    namespace: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    apply_method: &'a str,
}

fn is_empty_map(m: &&Map<String, Value>) -> bool {
    m.is_empty()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn sorted<S: serde::Serializer>(m: &&Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
    crate::release::gojson::sorted_map(m, s)
}

impl<'a> WithoutChart<'a> {
    fn of(rel: &'a Release) -> WithoutChart<'a> {
        WithoutChart {
            name: &rel.name,
            info: &rel.info,
            config: &rel.config,
            manifest: &rel.manifest,
            hooks: &rel.hooks,
            version: rel.version,
            namespace: &rel.namespace,
            apply_method: &rel.apply_method,
        }
    }
}

pub fn run(global: &GlobalArgs, args: StatusArgs) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let rel = status(&cfg, &global.namespace, &args.name, args.revision, args.show_resources)?;
    let out = match args.output {
        OutputFormat::Table => status_text(&rel, StatusOptions { color: color_enabled(), ..StatusOptions::default() })?,
        OutputFormat::Json => json_line(&WithoutChart::of(&rel))?,
        OutputFormat::Yaml => yaml_of(&WithoutChart::of(&rel))?,
    };
    print!("{out}");
    Ok(())
}
