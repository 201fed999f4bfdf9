//! `capstan template [NAME] CHART`: render a chart locally, printing what
//! `helm template` prints.

use std::io::Write;

use clap::Args;

use super::{GlobalArgs, OverlayArgs, ValuesArgs};
use crate::action::template::{self as action, RenderSettings, TemplateRequest};

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// [NAME] CHART
    #[arg(num_args = 1..=2, required = true, value_names = ["NAME", "CHART"])]
    pub args: Vec<String>,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Generate the name (and omit the NAME parameter)
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Specify template used to name the release
    #[arg(long)]
    pub name_template: Option<String>,
    /// Include CRDs in the templated output
    #[arg(long)]
    pub include_crds: bool,
    /// If set, no CRDs will be installed (no effect on template output)
    #[arg(long)]
    pub skip_crds: bool,
    /// Skip tests from templated output
    #[arg(long)]
    pub skip_tests: bool,
    /// Prevent hooks from being rendered
    #[arg(long)]
    pub no_hooks: bool,
    /// Only show manifests rendered from the given templates
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// Writes the executed templates to files in output-dir instead of stdout
    #[arg(long)]
    pub output_dir: Option<std::path::PathBuf>,
    /// Use release name in the output-dir path
    #[arg(long = "release-name")]
    pub use_release_name: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall
    #[arg(long)]
    pub is_upgrade: bool,
    /// Kubernetes version used for Capabilities.KubeVersion
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// If set, disables JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
    #[command(flatten)]
    pub overlay: OverlayArgs,
    /// Chart version constraint (for charts from repositories)
    #[arg(long)]
    pub version: Option<String>,
}

pub fn run(global: &GlobalArgs, args: TemplateArgs) -> anyhow::Result<()> {
    let overlay = args.overlay.dir()?;
    let (name, chart) = release_name_and_chart(&args)?;
    let chart = super::flags::locate_chart(&chart, &args.version)?;
    let request = TemplateRequest {
        release_name: name,
        namespace: global.namespace.clone(),
        chart: chart.into(),
        values: args.values.clone().into(),
        render: RenderSettings {
            kube_version: args.kube_version.clone(),
            api_versions: args.api_versions.clone(),
            skip_schema_validation: args.skip_schema_validation,
            sub_notes: false,
            overlay,
            // `template` never asks a cluster (Helm: lookup finds nothing).
            lookup: None,
            cluster: None,
        },
        is_upgrade: args.is_upgrade,
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        no_hooks: args.no_hooks,
        show_only: args.show_only.clone(),
        output_dir: args.output_dir.clone(),
        use_release_name: args.use_release_name,
    };
    let out = action::template(&request)?;
    for w in &out.warnings {
        eprintln!("{w}");
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.stdout.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Helm's Install.NameAndChart for `template`, whose default name is
/// `release-name`.
fn release_name_and_chart(args: &TemplateArgs) -> anyhow::Result<(String, String)> {
    if args.args.len() == 2 {
        if args.generate_name {
            anyhow::bail!("cannot set --generate-name and also specify a name");
        }
        if args.name_template.is_some() {
            anyhow::bail!("cannot set --name-template and also specify a name");
        }
        return Ok((args.args[0].clone(), args.args[1].clone()));
    }
    let chart = args.args[0].clone();
    if let Some(text) = args.name_template.as_deref().filter(|t| !t.is_empty()) {
        return Ok((crate::action::template::template_name(text)?, chart));
    }
    if args.generate_name {
        return Ok((generated_name(&chart), chart));
    }
    Ok(("release-name".to_string(), chart))
}

/// `<chart base name>-<unix time>`, as Helm generates names.
pub fn generated_name(chart: &str) -> String {
    let base = std::path::Path::new(chart)
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .filter(|b| b != "." && !b.is_empty())
        .unwrap_or_else(|| "chart".into());
    let base = base.split('.').next().unwrap_or("chart").to_string();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{base}-{secs}")
}
