//! `capstan lint PATH...`: lint charts, kustomizations and manifests
//! (docs/lint.md). Exit 1 when a target fails (an error, or a warning with
//! `--strict`), 2 on usage errors.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{GlobalArgs, ValuesArgs};
use crate::lint::{self, output, Input, LintOptions};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Charts (directories or .tgz), kustomization directories, or manifest
    /// files and directories
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Lint these paths as plain Kubernetes manifests (files or directories)
    #[arg(long = "filename", value_name = "PATH")]
    pub filename: Vec<PathBuf>,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Kubernetes version to validate objects against (and for .Capabilities.KubeVersion)
    #[arg(long, default_value = lint::DEFAULT_KUBE_VERSION)]
    pub kube_version: String,
    /// Fail on lint warnings
    #[arg(long)]
    pub strict: bool,
    /// Lint dependent charts
    #[arg(long)]
    pub with_subcharts: bool,
    /// Print only warnings and errors
    #[arg(long)]
    pub quiet: bool,
    /// If set, disables JSON schema validation of values
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Turn off rules by ID (comma-separated or repeated)
    #[arg(long = "disable", value_delimiter = ',', value_name = "RULE")]
    pub disable: Vec<String>,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
    pub output: output::Format,
}

pub fn run(global: &GlobalArgs, args: LintArgs) -> anyhow::Result<()> {
    for id in &args.disable {
        if lint::rules::find(id).is_none() {
            // clap's usage errors exit 2; so does this one.
            eprintln!("Error: unknown lint rule {id:?} (see docs/lint.md for the rule IDs)");
            std::process::exit(2);
        }
    }
    // Lint's renders are checked and dropped: one RSA key serves every
    // certificate they make, one bcrypt hash every use of a password.
    crate::engine::funcs::throwaway::declare();
    // A path that does not exist here is a chart reference (repo/name,
    // URL, oci://) to download first, as for template and install.
    let mut inputs = Vec::new();
    for p in &args.paths {
        let local = if p.exists() {
            p.clone()
        } else {
            PathBuf::from(super::flags::locate_chart(&p.to_string_lossy(), &Default::default(), false)?)
        };
        inputs.push(Input::Auto(local));
    }
    inputs.extend(args.filename.iter().cloned().map(Input::Manifests));
    if inputs.is_empty() {
        inputs.push(Input::Auto(PathBuf::from(".")));
    }
    let opts = LintOptions {
        kube_version: args.kube_version.clone(),
        values: args.values.clone().into(),
        namespace: global.namespace.clone(),
        with_subcharts: args.with_subcharts,
        skip_schema_validation: args.skip_schema_validation,
        disabled: args.disable.clone(),
    };
    let report = lint::lint(&inputs, &opts).map_err(anyhow::Error::msg)?;
    let text = match args.output {
        output::Format::Text => output::text::render(&report, args.strict, args.quiet),
        output::Format::Json => output::json::render(&report, args.strict),
        output::Format::Sarif => output::sarif::render(&report),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    if report.failed(args.strict) {
        anyhow::bail!("{}", output::text::summary(&report, args.strict));
    }
    Ok(())
}
