//! `capstan template [NAME] CHART`: render a chart locally, printing what
//! `helm template` prints.

use std::io::Write;

use clap::Args;

use super::{flags, GlobalArgs, OverlayArgs, ValuesArgs};
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
    #[command(flatten)]
    pub source: flags::ChartSourceArgs,
    #[command(flatten)]
    pub install: InstallOnlyArgs,
}

// The install flags `helm template` also takes. Those about a cluster or
// a release record change nothing in what it prints, as in Helm; the rest
// are checked as Helm checks them. (Not a doc comment: clap would make it
// template's about text.)
#[derive(Debug, Clone, Default, Args)]
pub struct InstallOnlyArgs {
    /// client (the default) or server; server needs a cluster, which template does not use
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unset", value_name = "MODE")]
    pub dry_run: Option<String>,
    /// Deprecated: validate against a cluster (--dry-run=server)
    #[arg(long, hide = true)]
    pub validate: bool,
    /// Render the NOTES.txt of subcharts too
    #[arg(long = "render-subchart-notes")]
    pub sub_notes: bool,
    /// DNS lookups in templates (not supported: getHostByName returns "")
    #[arg(long)]
    pub enable_dns: bool,
    /// Labels for the release record, key=value[,...] (no effect on template)
    #[arg(short = 'l', long = "labels", value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Wait strategy (no effect on template)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_name = "STRATEGY")]
    pub wait: Option<String>,
    /// Timeout for cluster operations (no effect on template)
    #[arg(long, value_parser = flags::parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Release description (no effect on template)
    #[arg(long)]
    pub description: Option<String>,
    /// No effect on template (install flag)
    #[arg(long)]
    pub create_namespace: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub wait_for_jobs: bool,
    /// No effect on template (install flag)
    #[arg(long, alias = "atomic")]
    pub rollback_on_failure: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub hide_notes: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub replace: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub force_conflicts: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub force_replace: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub take_ownership: bool,
    /// No effect on template (install flag)
    #[arg(long)]
    pub disable_openapi_validation: bool,
}

impl InstallOnlyArgs {
    /// Refuse what template cannot do; check the syntax of the others.
    fn check(&self) -> anyhow::Result<()> {
        if self.validate || flags::dry_run(self.dry_run.as_deref(), true)? == crate::action::DryRun::Server {
            anyhow::bail!(
                "--dry-run=server (and --validate) needs a cluster; `capstan template` renders without one \
                 (`capstan install --dry-run=server` validates against a cluster)"
            );
        }
        if self.enable_dns {
            anyhow::bail!("--enable-dns is not supported: getHostByName in templates always returns \"\"");
        }
        flags::labels(&self.labels)?;
        flags::wait(self.wait.as_deref())?;
        Ok(())
    }
}

pub fn run(global: &GlobalArgs, args: TemplateArgs) -> anyhow::Result<()> {
    args.install.check()?;
    let overlay = args.overlay.dir()?;
    let (name, chart) = release_name_and_chart(&args)?;
    let chart = flags::locate_chart(&chart, &args.source, global.debug)?;
    let request = TemplateRequest {
        release_name: name,
        namespace: global.namespace.clone(),
        chart: chart.into(),
        values: args.values.clone().into(),
        render: RenderSettings {
            kube_version: args.kube_version.clone(),
            api_versions: args.api_versions.clone(),
            skip_schema_validation: args.skip_schema_validation,
            sub_notes: args.install.sub_notes,
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
