//! `capstan repo add|list|update|remove|index` (Helm: pkg/cmd/repo_*.go):
//! manage the configured chart repositories and their cached indexes, and
//! write a repository's index.yaml. `repo add --import-helm` copies the
//! repositories Helm knows (its repositories.yaml) in one step.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};

use super::search::OutputFormat;
use crate::chart::gostr::quote;
use crate::repo::chartrepo;
use crate::repo::helmjson::{self, GoObject};
use crate::repo::index;
use crate::repo::output::{self, Table};
use crate::repo::paths;
use crate::repo::repofile::{self, Entry, RepoFile};
use crate::repo::Paths;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RepoCommand {
    /// Add a chart repository
    Add(AddArgs),
    /// List chart repositories
    #[command(alias = "ls")]
    List(ListArgs),
    /// Update information of available charts locally from chart repositories
    #[command(alias = "up")]
    Update(UpdateArgs),
    /// Remove one or more chart repositories
    #[command(alias = "rm")]
    Remove(RemoveArgs),
    /// Generate an index file given a directory containing packaged charts
    Index(IndexArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Repository name
    pub name: Option<String>,
    /// Repository URL
    pub url: Option<String>,
    /// Chart repository username
    #[arg(long)]
    pub username: Option<String>,
    /// Chart repository password
    #[arg(long)]
    pub password: Option<String>,
    /// Read chart repository password from stdin
    #[arg(long = "password-stdin")]
    pub password_stdin: bool,
    /// Replace (overwrite) the repo if it already exists
    #[arg(long = "force-update")]
    pub force_update: bool,
    /// Identify HTTPS client using this SSL certificate file
    #[arg(long = "cert-file")]
    pub cert_file: Option<String>,
    /// Identify HTTPS client using this SSL key file
    #[arg(long = "key-file")]
    pub key_file: Option<String>,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long = "ca-file")]
    pub ca_file: Option<String>,
    /// Skip tls certificate checks for the repository
    #[arg(long = "insecure-skip-tls-verify")]
    pub insecure_skip_tls_verify: bool,
    /// Allow adding official repos that have been permanently deleted
    #[arg(long = "allow-deprecated-repos")]
    pub allow_deprecated_repos: bool,
    /// Pass credentials to all domains
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// Time to wait for the index file download to complete
    #[arg(long, default_value = "2m0s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Import every repository from Helm's repositories.yaml (its default
    /// location, or FILE) instead of adding NAME URL
    #[arg(long = "import-helm", num_args = 0..=1, require_equals = true, value_name = "FILE", conflicts_with_all = ["name", "url"])]
    pub import_helm: Option<Option<PathBuf>>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Suppress headers in the output
    #[arg(long = "no-headers")]
    pub no_headers: bool,
    /// Prints the output in the specified format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Repositories to update (all when none)
    pub names: Vec<String>,
    /// Time to wait for the index file download to complete
    #[arg(long, default_value = "2m0s", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Repositories to remove
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The directory of packaged charts
    pub dir: PathBuf,
    /// URL of chart repository
    #[arg(long, default_value = "")]
    pub url: String,
    /// Merge the generated index into the given index
    #[arg(long)]
    pub merge: Option<PathBuf>,
    /// Output in JSON format
    #[arg(long)]
    pub json: bool,
}

/// Go's time.ParseDuration for the forms people type (`120s`, `2m`, `1m30s`, `1h`, `500ms`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("time: invalid duration {}", quote(s));
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// Repositories that have been permanently deleted (Helm's deprecatedRepos).
const DEPRECATED_REPOS: [(&str, &str); 2] = [
    ("//kubernetes-charts.storage.googleapis.com", "https://charts.helm.sh/stable"),
    ("//kubernetes-charts-incubator.storage.googleapis.com", "https://charts.helm.sh/incubator"),
];

pub fn run(cmd: RepoCommand) -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    match cmd {
        RepoCommand::Add(a) => match &a.import_helm {
            Some(file) => import_helm(file.clone(), &a, &paths),
            None => add(a, &paths),
        },
        RepoCommand::List(a) => list(a, &paths),
        RepoCommand::Update(a) => update(a, &paths),
        RepoCommand::Remove(a) => remove(a, &paths),
        RepoCommand::Index(a) => {
            index::write_directory_index(&a.dir, &a.url, a.merge.as_deref(), a.json)?;
            Ok(())
        }
    }
}

fn add(a: AddArgs, paths: &Paths) -> anyhow::Result<()> {
    let (Some(name), Some(url)) = (a.name.clone(), a.url.clone()) else {
        bail!("\"capstan repo add\" requires 2 arguments: NAME URL (or --import-helm)");
    };
    if !a.allow_deprecated_repos {
        for (old, new) in DEPRECATED_REPOS {
            if url.contains(old) {
                bail!("repo {} is no longer available; try {} instead", quote(&url), quote(new));
            }
        }
    }
    let _lock = repofile::lock_config(&paths.repository_config)?;
    let mut f = RepoFile::load_or_empty(&paths.repository_config)?;
    let mut password = a.password.clone().unwrap_or_default();
    let username = a.username.clone().unwrap_or_default();
    if !username.is_empty() && password.is_empty() {
        password = if a.password_stdin {
            super::registry::read_password_stdin()?
        } else {
            rpassword::prompt_password("Password: ")?
        };
    }
    let entry = Entry {
        name: name.clone(),
        url: url.clone(),
        username,
        password,
        pass_credentials_all: a.pass_credentials,
        cert_file: a.cert_file.clone().unwrap_or_default(),
        key_file: a.key_file.clone().unwrap_or_default(),
        ca_file: a.ca_file.clone().unwrap_or_default(),
        insecure_skip_tls_verify: a.insecure_skip_tls_verify,
    };
    if name.contains('/') {
        bail!("repository name ({name}) contains '/', please specify a different name without '/'");
    }
    if !a.force_update {
        if let Some(existing) = f.get(&name) {
            if *existing != entry {
                bail!("repository name ({name}) already exists, please specify a different name");
            }
            println!("{} already exists with the same configuration, skipping", quote(&name));
            return Ok(());
        }
    }
    chartrepo::download_index_file(&entry, &paths.repository_cache, Some(a.timeout))
        .map_err(|e| anyhow!("looks like {} is not a valid chart repository or cannot be reached: {e}", quote(&url)))?;
    f.update(entry);
    f.write(&paths.repository_config)?;
    println!("{} has been added to your repositories", quote(&name));
    Ok(())
}

/// `repo add --import-helm[=FILE]`: copy Helm's configured repositories.
fn import_helm(file: Option<PathBuf>, a: &AddArgs, paths: &Paths) -> anyhow::Result<()> {
    let file = match file.or_else(paths::helm_repository_config) {
        Some(f) => f,
        None => bail!("cannot find Helm's repositories.yaml: set HELM_REPOSITORY_CONFIG or pass --import-helm=FILE"),
    };
    let helm = RepoFile::load(&file).with_context(|| format!("reading Helm's repositories from {}", file.display()))?;
    let _lock = repofile::lock_config(&paths.repository_config)?;
    let mut ours = RepoFile::load_or_empty(&paths.repository_config)?;
    let mut imported = Vec::new();
    for e in helm.repositories {
        match ours.get(&e.name) {
            Some(existing) if *existing == e => {
                println!("{} already exists with the same configuration, skipping", quote(&e.name));
                continue;
            }
            Some(_) if !a.force_update => {
                eprintln!(
                    "WARNING: not importing {}: a different repository with that name exists (use --force-update to replace it)",
                    quote(&e.name)
                );
                continue;
            }
            _ => {}
        }
        ours.update(e.clone());
        imported.push(e);
    }
    // Keep Helm's entries even when an index cannot be fetched right now.
    let mut out = std::io::stdout();
    chartrepo::update_repositories(&imported, &paths.repository_cache, Some(a.timeout), &mut out);
    ours.write(&paths.repository_config)?;
    for e in &imported {
        println!("{} has been imported from {}", quote(&e.name), file.display());
    }
    Ok(())
}

fn list(a: ListArgs, paths: &Paths) -> anyhow::Result<()> {
    // Helm ignores a missing or unreadable file here: no repositories.
    let f = RepoFile::load(&paths.repository_config).unwrap_or_default();
    if f.repositories.is_empty() && a.output == OutputFormat::Table {
        eprintln!("no repositories to show");
        return Ok(());
    }
    match a.output {
        OutputFormat::Table => {
            let mut t = Table::new(0);
            if !a.no_headers {
                t.add_row(["NAME", "URL"]);
            }
            for e in &f.repositories {
                t.add_row([e.name.as_str(), e.url.as_str()]);
            }
            println!("{}", t.render());
        }
        fmt => {
            let items: Vec<String> = f
                .repositories
                .iter()
                .map(|e| GoObject::new().string("name", &e.name).string("url", &e.url).finish())
                .collect();
            let json = helmjson::raw_list(items.iter().map(String::as_str));
            print!(
                "{}",
                if fmt == OutputFormat::Json { output::encode_json(&json) } else { output::encode_yaml(&json) }
            );
        }
    }
    Ok(())
}

fn update(a: UpdateArgs, paths: &Paths) -> anyhow::Result<()> {
    const NONE: &str = "no repositories found. You must add one before updating";
    let f = match RepoFile::load(&paths.repository_config) {
        Ok(f) => f,
        Err(crate::repo::RepoError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => bail!(NONE),
        Err(e) => bail!("failed loading file: {}: {e}", paths.repository_config.display()),
    };
    if f.repositories.is_empty() {
        bail!(NONE);
    }
    for n in &a.names {
        if !f.has(n) {
            bail!("no repositories found matching '{n}'.  Nothing will be updated");
        }
    }
    let selected: Vec<Entry> =
        f.repositories.iter().filter(|e| a.names.is_empty() || a.names.contains(&e.name)).cloned().collect();
    println!("Hang tight while we grab the latest from your chart repositories...");
    let mut out = std::io::stdout();
    let failed = chartrepo::update_repositories(&selected, &paths.repository_cache, Some(a.timeout), &mut out);
    if !failed.is_empty() {
        bail!("failed to update the following repositories: [{}]", failed.join(" "));
    }
    println!("Update Complete. ⎈Happy Helming!⎈");
    Ok(())
}

fn remove(a: RemoveArgs, paths: &Paths) -> anyhow::Result<()> {
    let _lock = repofile::lock_config(&paths.repository_config)?;
    let mut f = match RepoFile::load(&paths.repository_config) {
        Ok(f) if !f.repositories.is_empty() => f,
        _ => bail!("no repositories configured"),
    };
    for name in &a.names {
        if !f.remove(name) {
            bail!("no repo named {} found", quote(name));
        }
        f.write(&paths.repository_config)?;
        remove_cache(&paths.repository_cache, name)?;
        println!("{} has been removed from your repositories", quote(name));
    }
    Ok(())
}

fn remove_cache(root: &Path, name: &str) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(root.join(paths::cache_charts_name(name)));
    let idx = root.join(paths::cache_index_name(name));
    match std::fs::remove_file(&idx) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => bail!("can't remove index file {}: {e}", idx.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("2m0s").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("").is_err());
    }
}
