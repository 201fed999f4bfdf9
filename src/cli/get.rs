//! `capstan get values|manifest|notes|hooks|metadata|all NAME`
//! (Go: pkg/cmd/get*.go).

use clap::{Args, Subcommand};

use super::flags::configuration;
use super::output::{color_enabled, json_line, status_text, yaml_of, OutputFormat, StatusOptions};
use super::GlobalArgs;
use crate::action::get::{self, Metadata};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum GetCommand {
    /// Download the values file for a named release
    Values(GetValuesArgs),
    /// Download the manifest for a named release
    Manifest(GetArgs),
    /// Download the notes for a named release
    Notes(GetArgs),
    /// Download all hooks for a named release
    Hooks(GetArgs),
    /// Fetch metadata for a given release
    Metadata(GetFormatArgs),
    /// Download all information for a named release
    All(GetAllArgs),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The release name
    pub name: String,
    /// Get the named release with revision
    #[arg(long, default_value_t = 0)]
    pub revision: u32,
}

#[derive(Debug, Args)]
pub struct GetFormatArgs {
    #[command(flatten)]
    pub get: GetArgs,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct GetValuesArgs {
    #[command(flatten)]
    pub get: GetFormatArgs,
    /// Dump all (computed) values
    #[arg(short = 'a', long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct GetAllArgs {
    #[command(flatten)]
    pub get: GetArgs,
    /// Go template for formatting the output (not supported yet)
    #[arg(long)]
    pub template: Option<String>,
}

pub fn run(global: &GlobalArgs, cmd: GetCommand) -> anyhow::Result<()> {
    let cfg = configuration(global)?;
    let ns = &global.namespace;
    let out = match cmd {
        GetCommand::Values(a) => {
            let rel = get::get(&cfg, ns, &a.get.get.name, a.get.get.revision)?;
            let vals = get::values(&rel, a.all)?;
            match a.get.output {
                OutputFormat::Table => {
                    let title = if a.all { "COMPUTED VALUES:" } else { "USER-SUPPLIED VALUES:" };
                    format!("{title}\n{}", yaml_of(&vals)?)
                }
                OutputFormat::Json => json_line(&vals)?,
                OutputFormat::Yaml => yaml_of(&vals)?,
            }
        }
        GetCommand::Manifest(a) => format!("{}\n", get::get(&cfg, ns, &a.name, a.revision)?.manifest),
        GetCommand::Notes(a) => {
            let rel = get::get(&cfg, ns, &a.name, a.revision)?;
            if rel.info.notes.is_empty() {
                String::new()
            } else {
                format!("NOTES:\n{}\n", rel.info.notes)
            }
        }
        GetCommand::Hooks(a) => {
            let rel = get::get(&cfg, ns, &a.name, a.revision)?;
            rel.hooks.iter().map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest)).collect()
        }
        GetCommand::Metadata(a) => {
            let rel = get::get(&cfg, ns, &a.get.name, a.get.revision)?;
            let md = Metadata::of(&rel);
            match a.output {
                OutputFormat::Table => metadata_table(&md),
                OutputFormat::Json => json_line(&md)?,
                OutputFormat::Yaml => yaml_of(&md)?,
            }
        }
        GetCommand::All(a) => {
            if a.template.is_some() {
                anyhow::bail!("get all --template is not implemented yet");
            }
            let rel = get::get(&cfg, ns, &a.get.name, a.get.revision)?;
            status_text(
                &rel,
                StatusOptions { debug: true, show_metadata: true, hide_notes: false, color: color_enabled() },
            )?
        }
    };
    print!("{out}");
    Ok(())
}

/// Go: metadataWriter.WriteTable.
fn metadata_table(md: &Metadata) -> String {
    let set = |m: &std::collections::BTreeMap<String, String>| {
        m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    };
    let method = match md.apply_method.as_str() {
        "" => "client-side apply (defaulted)".to_string(),
        "csa" => "client-side apply".to_string(),
        "ssa" => "server-side apply".to_string(),
        other => format!("unknown ({other:?})"),
    };
    format!(
        "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nLABELS: {}\nDEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\nAPPLY_METHOD: {}\n",
        md.name,
        md.chart,
        md.version,
        md.app_version,
        set(&md.annotations),
        set(&md.labels),
        md.formatted_dep_names(),
        md.namespace,
        md.revision,
        md.status,
        md.deployed_at,
        method
    )
}
