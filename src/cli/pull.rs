//! `capstan pull CHART...`: download a chart from a repository, a URL or an
//! OCI registry, optionally unpacked (Helm: pkg/cmd/pull.go,
//! pkg/action/pull.go). Also holds the chart-locating flags other commands
//! share (Helm's addChartPathOptionsFlags).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;

use crate::repo::downloader::{self, ChartPathOptions};
use crate::repo::Paths;

// Where to find a chart and how to reach it (Helm's ChartPathOptions flags).
#[derive(Debug, Clone, Default, Args)]
pub struct ChartPathArgs {
    /// Version constraint for the chart (e.g. 1.1.1 or ^2.0.0); the newest
    /// version when not set
    #[arg(long)]
    pub version: Option<String>,
    /// Verify the download against the digest the repository or registry publishes
    #[arg(long)]
    pub verify: bool,
    /// Location of public keys used for verification (provenance files are not checked yet)
    #[arg(long, hide = true)]
    pub keyring: Option<PathBuf>,
    /// Chart repository URL where to locate the requested chart
    #[arg(long = "repo")]
    pub repo_url: Option<String>,
    #[command(flatten)]
    pub client: ClientArgs,
    /// Pass credentials to all domains
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// Use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored
    #[arg(long)]
    pub devel: bool,
}

// Credentials and TLS flags for repositories and registries.
#[derive(Debug, Clone, Default, Args)]
pub struct ClientArgs {
    /// Chart repository username where to locate the requested chart
    #[arg(long)]
    pub username: Option<String>,
    /// Chart repository password where to locate the requested chart
    #[arg(long)]
    pub password: Option<String>,
    /// Identify HTTPS client using this SSL certificate file
    #[arg(long = "cert-file")]
    pub cert_file: Option<PathBuf>,
    /// Identify HTTPS client using this SSL key file
    #[arg(long = "key-file")]
    pub key_file: Option<PathBuf>,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long = "ca-file")]
    pub ca_file: Option<PathBuf>,
    /// Skip tls certificate checks for the chart download
    #[arg(long = "insecure-skip-tls-verify")]
    pub insecure_skip_tls_verify: bool,
    /// Use insecure HTTP connections for the chart download
    #[arg(long = "plain-http")]
    pub plain_http: bool,
}

impl ClientArgs {
    /// As chart path options (credentials, TLS, plain HTTP).
    pub fn to_options(&self) -> ChartPathOptions {
        ChartPathOptions {
            username: self.username.clone(),
            password: self.password.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            ca_file: self.ca_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            plain_http: self.plain_http,
            ..Default::default()
        }
    }
}

impl ChartPathArgs {
    pub fn to_options(&self) -> ChartPathOptions {
        ChartPathOptions {
            repo_url: self.repo_url.clone(),
            pass_credentials_all: self.pass_credentials,
            verify: self.verify,
            devel: self.devel,
            ..self.client.to_options()
        }
    }
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Chart references: repo/name, an archive URL, or oci://registry/path/name
    #[arg(required = true, value_name = "CHART")]
    pub charts: Vec<String>,
    #[command(flatten)]
    pub path: ChartPathArgs,
    /// Untar the chart after downloading it
    #[arg(long)]
    pub untar: bool,
    /// Fetch the provenance file, but don't perform verification (not supported yet)
    #[arg(long)]
    pub prov: bool,
    /// If untar is specified, the name of the directory into which the chart is expanded
    #[arg(long, default_value = ".")]
    pub untardir: PathBuf,
    /// Location to write the chart. If this and untardir are specified, untardir is appended to this
    #[arg(short = 'd', long, default_value = ".")]
    pub destination: PathBuf,
}

pub fn run(args: PullArgs) -> anyhow::Result<()> {
    if args.prov {
        bail!("--prov is not supported yet: capstan does not handle provenance (.prov) files");
    }
    let paths = Paths::from_env()?;
    let opts = args.path.to_options();
    for chart in &args.charts {
        pull_one(chart, &args, &opts, &paths)?;
    }
    Ok(())
}

fn pull_one(chart: &str, args: &PullArgs, opts: &ChartPathOptions, paths: &Paths) -> anyhow::Result<()> {
    let version = args.path.version.as_deref();
    if !args.untar {
        std::fs::create_dir_all(&args.destination).with_context(|| args.destination.display().to_string())?;
        let (_, fetched) = downloader::fetch_to(chart, version, &args.destination, opts, paths)?;
        report(&fetched, opts.verify);
        return Ok(());
    }
    // Helm: untar into untardir (under the destination when relative),
    // refusing to overwrite an existing directory for the chart.
    let ud = if args.untardir.is_absolute() { args.untardir.clone() } else { args.destination.join(&args.untardir) };
    let base = chart.trim_end_matches('/').rsplit('/').next().unwrap_or(chart);
    let ud_check = if ud == Path::new(".") { PathBuf::from(base) } else { ud.join(base) };
    if ud_check.exists() {
        bail!("failed to untar: a file or directory with the name {} already exists", ud_check.display());
    }
    let fetched = downloader::fetch_to_cache(chart, version, opts, paths)?;
    report(&fetched, opts.verify);
    downloader::expand(&ud, &fetched.path).context("failed to untar")?;
    Ok(())
}

fn report(fetched: &downloader::Fetched, verify: bool) {
    for m in &fetched.messages {
        eprintln!("{m}");
    }
    if verify {
        println!("Chart Hash Verified: {}", fetched.digest);
    }
}
