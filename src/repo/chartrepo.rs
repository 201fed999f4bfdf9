//! Talking to one HTTP chart repository (Helm: pkg/repo/v1/chartrepo.go):
//! download and cache its index, find a chart's URL in it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{RepoError, Result};
use super::fsutil;
use super::http::{self, HttpOptions};
use super::index::IndexFile;
use super::paths::{cache_charts_name, cache_index_name};
use super::repofile::Entry;
use super::urlutil;

/// Download `entry`'s index.yaml, check it parses as Helm's loader
/// requires, and cache it as `<name>-index.yaml` (plus `<name>-charts.txt`,
/// the chart names) in `cache_dir`. Nothing is written unless the index is
/// valid. Returns the cached index's path and its load warnings.
pub fn download_index_file(
    entry: &Entry,
    cache_dir: &Path,
    timeout: Option<Duration>,
) -> Result<(PathBuf, Vec<String>)> {
    let (data, index, warnings) = fetch_index(entry, timeout)?;
    let mut names: Vec<&str> = index.entries.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut charts = String::new();
    for n in names {
        charts.push_str(n);
        charts.push('\n');
    }
    fsutil::write_atomic(&cache_dir.join(cache_charts_name(&entry.name)), charts.as_bytes(), 0o644)?;
    let path = cache_dir.join(cache_index_name(&entry.name));
    fsutil::write_atomic(&path, &data, 0o644)?;
    Ok((path, warnings))
}

/// Download and parse a repository's index without caching it.
pub fn fetch_index(entry: &Entry, timeout: Option<Duration>) -> Result<(Vec<u8>, IndexFile, Vec<String>)> {
    let index_url = urlutil::resolve_reference_url(&entry.url, "index.yaml").map_err(RepoError::msg)?;
    let opts = HttpOptions { timeout, ..entry.http_options() };
    let data = http::get(&index_url, &opts)?;
    let (index, warnings) = IndexFile::load(&data, &entry.url)?;
    Ok((data, index, warnings))
}

/// Helm's `FindChartInRepoURL`: the absolute URL of `chart` (at `version`,
/// a constraint, or the newest stable) in the repository at `repo_url`,
/// with its digest.
pub fn find_chart_in_repo_url(
    repo_url: &str,
    chart: &str,
    version: &str,
    opts: &HttpOptions,
) -> Result<(String, String)> {
    let entry = Entry {
        url: repo_url.to_string(),
        username: opts.username.clone(),
        password: opts.password.clone(),
        pass_credentials_all: opts.pass_credentials_all,
        ca_file: path_str(&opts.ca_file),
        cert_file: path_str(&opts.cert_file),
        key_file: path_str(&opts.key_file),
        insecure_skip_tls_verify: opts.insecure_skip_tls_verify,
        ..Default::default()
    };
    let (_, index, _) = fetch_index(&entry, opts.timeout).map_err(|e| {
        RepoError::msg(format!(
            "looks like {} is not a valid chart repository or cannot be reached: {e}",
            crate::chart::gostr::quote(repo_url)
        ))
    })?;
    let mut what = format!("chart {}", crate::chart::gostr::quote(chart));
    if !version.is_empty() {
        what = format!("{what} version {}", crate::chart::gostr::quote(version));
    }
    let cv =
        index.get(chart, version).map_err(|_| RepoError::msg(format!("{what} not found in {repo_url} repository")))?;
    let Some(first) = cv.urls.first() else {
        return Err(RepoError::msg(format!("{what} has no downloadable URLs")));
    };
    let abs = urlutil::resolve_reference_url(repo_url, first)
        .map_err(|e| RepoError::msg(format!("failed to make chart URL absolute: {e}")))?;
    Ok((abs, cv.digest.clone()))
}

fn path_str(p: &Option<PathBuf>) -> String {
    p.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
}

/// Download the index of each repository, printing Helm's progress lines
/// (`repo update`, `dependency update`). Returns the URLs that failed.
/// `shown` names a repository in the messages (Helm shows the URL for the
/// generated `helm-manager-*` names).
pub fn update_repositories(
    entries: &[Entry],
    cache_dir: &Path,
    timeout: Option<Duration>,
    out: &mut dyn Write,
) -> Vec<String> {
    // Fetch in parallel (as Helm does); report in configuration order.
    let results: Vec<Result<(PathBuf, Vec<String>)>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            entries.iter().map(|e| s.spawn(move || download_index_file(e, cache_dir, timeout))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(RepoError::msg("the download thread panicked"))))
            .collect()
    });
    let mut failed = Vec::new();
    for (e, result) in entries.iter().zip(results) {
        let managed = e.name.starts_with(MANAGER_PREFIX);
        match result {
            Ok(_) if managed => {
                let _ = writeln!(
                    out,
                    "...Successfully got an update from the {} chart repository",
                    crate::chart::gostr::quote(&e.url)
                );
            }
            Ok(_) => {
                let _ = writeln!(
                    out,
                    "...Successfully got an update from the {} chart repository",
                    crate::chart::gostr::quote(&e.name)
                );
            }
            Err(err) if managed => {
                let _ = writeln!(
                    out,
                    "...Unable to get an update from the {} chart repository:\n\t{err}",
                    crate::chart::gostr::quote(&e.url)
                );
                failed.push(e.url.clone());
            }
            Err(err) => {
                let _ = writeln!(
                    out,
                    "...Unable to get an update from the {} chart repository ({}):\n\t{err}",
                    crate::chart::gostr::quote(&e.name),
                    e.url
                );
                failed.push(e.url.clone());
            }
        }
    }
    failed
}

/// The prefix of repository names generated for dependency repositories
/// that are not configured (Helm's managerKeyPrefix).
pub const MANAGER_PREFIX: &str = "helm-manager-";
