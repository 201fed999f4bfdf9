//! `dependency update|build|list` (Helm: pkg/downloader/manager.go,
//! internal/resolver/resolver.go, pkg/action/dependency.go): resolve
//! Chart.yaml dependencies against repositories (HTTP, OCI, `file://`),
//! fetch them into `charts/`, and keep Chart.lock with the digest Helm
//! computes (`sha256` of `json.Marshal([requested, locked])`).
//!
//! Downloads go to `charts/tmpcharts-<pid>/` first and are moved into
//! `charts/` only when every dependency was fetched, so a failure leaves
//! `charts/` as it was.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::chartrepo::{self, MANAGER_PREFIX};
use super::downloader::{self, ChartPathOptions};
use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::gotime::GoTime;
use super::helmjson;
use super::http::HttpOptions;
use super::index::{ChartVersion, IndexFile};
use super::oci;
use super::output::Table;
use super::package::{self, FileTimes};
use super::paths::Paths;
use super::repofile::{Entry, RepoFile};
use super::urlutil;
use crate::chart::gostr::quote;
use crate::chart::version::{Constraints, Version};
use crate::chart::{self, Chart, Dependency, Lock};

/// Options of `dependency update|build` (and `package -u`).
#[derive(Debug, Clone)]
pub struct DependencyOptions {
    /// Credentials, TLS and `--plain-http` for registries; `--verify`.
    pub chart: ChartPathOptions,
    /// `--skip-refresh`: do not download repository indexes first.
    pub skip_refresh: bool,
    /// `--debug`: say more.
    pub debug: bool,
    pub paths: Paths,
}

/// Helm's `resolver.HashReq`: `sha256:` + hex sha256 of
/// `json.Marshal([2][]*Dependency{req, lock})`.
pub fn hash_req(req: &[Dependency], lock: &[Dependency]) -> String {
    let json = format!("[{},{}]", helmjson::dependencies_json(req), helmjson::dependencies_json(lock));
    format!("sha256:{}", fsutil::sha256_hex(json.as_bytes()))
}

/// Helm's `resolver.GetLocalPath`: a `file://` repository as a directory.
pub fn local_path(repo: &str, chart_dir: &Path) -> Result<PathBuf> {
    let p = repo.strip_prefix("file://").unwrap_or(repo);
    let dep = if p.starts_with('/') { PathBuf::from(p) } else { chart_dir.join(p) };
    match std::fs::metadata(&dep) {
        Ok(_) => Ok(dep),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(RepoError::msg(format!("directory {} not found", dep.display())))
        }
        Err(e) => Err(RepoError::io(&dep, e)),
    }
}

fn load_chart_dir(dir: &Path) -> Result<Chart> {
    match std::fs::metadata(dir) {
        Err(e) => return Err(RepoError::msg(format!("could not find {}: {e}", dir.display()))),
        Ok(m) if !m.is_dir() => return Err(RepoError::msg("only unpacked charts can be updated")),
        Ok(_) => {}
    }
    Ok(chart::load(dir)?)
}

/// `dependency update`: resolve, download, write Chart.lock.
pub fn update(chart_dir: &Path, opts: &DependencyOptions, out: &mut dyn Write) -> Result<()> {
    let c = load_chart_dir(chart_dir)?;
    let mut req = c.metadata.dependencies.clone();
    if req.is_empty() {
        return Ok(());
    }
    let rf = RepoFile::load_or_empty(&opts.paths.repository_config)?;
    let mut repo_names = resolve_repo_names(&mut req, &rf, chart_dir, opts, out)?;
    ensure_missing_repos(&mut repo_names, &req, opts, out)?;
    if !opts.skip_refresh {
        update_configured(&rf, opts, out);
    }
    let mut lock = resolve(&req, &repo_names, chart_dir, opts)?;
    download_all(&mut lock.dependencies, chart_dir, &rf, opts, out)?;
    lock.digest = hash_req(&req, &lock.dependencies);
    if c.lock.as_ref().is_some_and(|old| old.digest == lock.digest) {
        return Ok(());
    }
    write_lock(chart_dir, &lock, c.metadata.api_version == "v1")
}

/// `dependency build`: fetch what Chart.lock pins (or `update` without one).
pub fn build(chart_dir: &Path, opts: &DependencyOptions, out: &mut dyn Write) -> Result<()> {
    let c = load_chart_dir(chart_dir)?;
    let Some(mut lock) = c.lock.clone() else {
        return update(chart_dir, opts, out);
    };
    let mut req = c.metadata.dependencies.clone();
    let rf = RepoFile::load_or_empty(&opts.paths.repository_config)?;
    resolve_repo_names(&mut req, &rf, chart_dir, opts, out)?;
    if hash_req(&req, &lock.dependencies) != lock.digest {
        return Err(RepoError::msg(if c.metadata.api_version == "v1" {
            "the lock file (requirements.lock) is out of sync with the dependencies file (requirements.yaml). Please update the dependencies"
        } else {
            "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies"
        }));
    }
    has_all_repos(&lock.dependencies, &rf)?;
    if !opts.skip_refresh {
        update_configured(&rf, opts, out);
    }
    download_all(&mut lock.dependencies, chart_dir, &rf, opts, out)
}

fn update_configured(rf: &RepoFile, opts: &DependencyOptions, out: &mut dyn Write) {
    if rf.repositories.is_empty() {
        return;
    }
    let _ = writeln!(out, "Hang tight while we grab the latest from your chart repositories...");
    chartrepo::update_repositories(&dedupe(&rf.repositories), &opts.paths.repository_cache, None, out);
    let _ = writeln!(out, "Update Complete. ⎈Happy Helming!⎈");
}

/// Repositories with the same URL (ignoring a trailing slash) once.
fn dedupe(entries: &[Entry]) -> Vec<Entry> {
    let mut seen = std::collections::HashSet::new();
    entries.iter().filter(|e| seen.insert(e.url.trim_end_matches('/').to_string())).cloned().collect()
}

/// Helm's resolveRepoNames: map each dependency to the configured
/// repository serving it; `@name` and `alias:name` become that
/// repository's URL.
fn resolve_repo_names(
    deps: &mut [Dependency],
    rf: &RepoFile,
    chart_dir: &Path,
    opts: &DependencyOptions,
    out: &mut dyn Write,
) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    let mut missing = Vec::new();
    for dd in deps.iter_mut() {
        if dd.repository.is_empty() {
            continue;
        }
        if dd.repository.starts_with("file://") {
            local_path(&dd.repository, chart_dir)?;
            if opts.debug {
                let _ = writeln!(out, "Repository from local path: {}", dd.repository);
            }
            map.insert(dd.name.clone(), dd.repository.clone());
            continue;
        }
        if oci::is_oci(&dd.repository) {
            map.insert(dd.name.clone(), dd.repository.clone());
            continue;
        }
        let mut found = false;
        for repo in &rf.repositories {
            let alias = dd.repository.strip_prefix('@').or_else(|| dd.repository.strip_prefix("alias:"));
            if alias == Some(repo.name.as_str()) {
                dd.repository = repo.url.clone();
                map.insert(dd.name.clone(), repo.name.clone());
                found = true;
                break;
            } else if urlutil::url_equal(&repo.url, &dd.repository) {
                map.insert(dd.name.clone(), repo.name.clone());
                found = true;
                break;
            }
        }
        if !found {
            // Go's url.ParseRequestURI: an absolute URL or an absolute path.
            if url::Url::parse(&dd.repository).is_ok() || dd.repository.starts_with('/') {
                map.insert(dd.repository.clone(), dd.repository.clone());
            } else {
                missing.push(dd.repository.clone());
            }
        }
    }
    if !missing.is_empty() {
        let mut msg =
            format!("no repository definition for {}. Please add them via 'capstan repo add'", missing.join(", "));
        if missing.iter().any(|r| !r.contains("//") && !r.starts_with('@') && !r.starts_with("alias:")) {
            msg.push_str(
                "\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead of\n\"example\". Don't forget to add the repo, too ('capstan repo add').",
            );
        }
        return Err(RepoError::msg(msg));
    }
    Ok(map)
}

/// Helm's ensureMissingRepos: repositories given by URL but not configured
/// get a generated name (`helm-manager-<sha256 of the URL>`) and their
/// index is fetched into the cache.
fn ensure_missing_repos(
    names: &mut BTreeMap<String, String>,
    deps: &[Dependency],
    opts: &DependencyOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut unmanaged = Vec::new();
    for dd in deps {
        if dd.repository.is_empty() || names.contains_key(&dd.name) {
            continue;
        }
        let rn = format!("{MANAGER_PREFIX}{}", fsutil::sha256_hex(dd.repository.as_bytes()));
        names.insert(dd.name.clone(), rn.clone());
        unmanaged.push(Entry { name: rn, url: dd.repository.clone(), ..Default::default() });
    }
    if !opts.skip_refresh && !unmanaged.is_empty() {
        let _ = writeln!(out, "Getting updates for unmanaged Helm repositories...");
        chartrepo::update_repositories(&dedupe(&unmanaged), &opts.paths.repository_cache, None, out);
    }
    Ok(())
}

/// Helm's `Resolver.Resolve`: pin each dependency to the newest version
/// its constraint allows.
fn resolve(
    reqs: &[Dependency],
    repo_names: &BTreeMap<String, String>,
    chart_dir: &Path,
    opts: &DependencyOptions,
) -> Result<Lock> {
    let mut locked = Vec::with_capacity(reqs.len());
    let mut missing = Vec::new();
    let missing_text = |d: &Dependency| {
        format!("{} (repository {}, version {})", quote(&d.name), quote(&d.repository), quote(&d.version))
    };
    for d in reqs {
        let constraint = Constraints::parse(&d.version).map_err(|e| {
            RepoError::msg(format!("dependency {} has an invalid version/constraint format: {e}", quote(&d.name)))
        })?;
        let pin = |version: &str| Dependency {
            name: d.name.clone(),
            repository: d.repository.clone(),
            version: version.to_string(),
            ..Default::default()
        };
        if d.repository.is_empty() {
            local_path(&format!("charts/{}", d.name), chart_dir)?;
            locked.push(pin(&d.version));
            continue;
        }
        if d.repository.starts_with("file://") {
            let dir = local_path(&d.repository, chart_dir)?;
            let ch = chart::load(&dir)?;
            let Ok(v) = Version::parse(&ch.metadata.version) else { continue };
            if !constraint.check(&v) {
                missing.push(missing_text(d));
                continue;
            }
            locked.push(pin(&ch.metadata.version));
            continue;
        }
        let repo_name = repo_names.get(&d.name).cloned().unwrap_or_default();
        if repo_name.is_empty() {
            locked.push(pin(&d.version));
            continue;
        }
        let is_oci = oci::is_oci(&d.repository);
        // (version, has URLs) candidates, newest first.
        let candidates: Vec<(String, bool)> = if !is_oci {
            let path = opts.paths.cache_index_file(&repo_name);
            let (index, _) = IndexFile::load_file(&path).map_err(|e| {
                RepoError::msg(format!("no cached repository for {repo_name} found. (try 'capstan repo update'): {e}"))
            })?;
            let vs = index
                .entries
                .get(&d.name)
                .ok_or_else(|| RepoError::msg(format!("{} chart not found in repo {}", d.name, d.repository)))?;
            vs.iter().map(|v| (v.metadata.version.clone(), !v.urls.is_empty())).collect()
        } else if Version::parse(&d.version).is_ok() {
            vec![(d.version.clone(), true)]
        } else {
            let base = d.repository.trim_end_matches('/');
            let r = oci::OciRef::parse(&format!("{base}/{}", d.name))?;
            oci::tags(&r, &opts.chart.registry_options(&opts.paths))
                .map_err(|e| {
                    RepoError::msg(format!("could not retrieve list of tags for repository {}: {e}", d.repository))
                })?
                .into_iter()
                .map(|t| (t, true))
                .collect()
        };
        let mut chosen = None;
        for (v, has_urls) in &candidates {
            let Ok(parsed) = Version::parse(v) else { continue };
            if !has_urls {
                continue;
            }
            if constraint.check(&parsed) {
                chosen = Some(v.clone());
                break;
            }
        }
        match chosen {
            Some(v) => locked.push(pin(&v)),
            None => missing.push(missing_text(d)),
        }
    }
    if !missing.is_empty() {
        return Err(RepoError::msg(format!(
            "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
            missing.len(),
            missing.join(", ")
        )));
    }
    let digest = hash_req(reqs, &locked);
    Ok(Lock { generated: GoTime::now().rfc3339_nano(), digest, dependencies: locked })
}

/// Helm's hasAllRepos: every HTTP repository in the lock must be configured.
fn has_all_repos(deps: &[Dependency], rf: &RepoFile) -> Result<()> {
    let missing: Vec<String> = deps
        .iter()
        .filter(|d| !d.repository.is_empty() && !d.repository.starts_with("file://") && !oci::is_oci(&d.repository))
        .filter(|d| !rf.repositories.iter().any(|r| urlutil::url_equal(&r.url, d.repository.trim_end_matches('/'))))
        .map(|d| d.repository.clone())
        .collect();
    if !missing.is_empty() {
        return Err(RepoError::msg(format!(
            "no repository definition for {}. Please add the missing repos via 'capstan repo add'",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// A configured repository with its cached index.
struct CachedRepo {
    entry: Entry,
    index: Option<IndexFile>,
}

/// Helm's downloadAll + safeMoveDeps.
fn download_all(
    deps: &mut [Dependency],
    chart_dir: &Path,
    rf: &RepoFile,
    opts: &DependencyOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let repos: Vec<CachedRepo> = rf
        .repositories
        .iter()
        .map(|e| CachedRepo {
            entry: e.clone(),
            index: IndexFile::load_file(&opts.paths.cache_index_file(&e.name)).ok().map(|(i, _)| i),
        })
        .collect();
    let dest = chart_dir.join("charts");
    match std::fs::metadata(&dest) {
        Ok(m) if !m.is_dir() => {
            return Err(RepoError::msg(format!("{} is not a directory", quote(&dest.display().to_string()))))
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(&dest).at(&dest)?,
        Err(e) => return Err(RepoError::msg(format!("unable to retrieve file info for '{}': {e}", dest.display()))),
    }
    let tmp = chart_dir.join(format!("tmpcharts-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).at(&tmp)?;
    let result = fetch_all(deps, chart_dir, &dest, &tmp, &repos, opts, out);
    let result = result.and_then(|()| safe_move_deps(deps, &tmp, &dest, out));
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn fetch_all(
    deps: &mut [Dependency],
    chart_dir: &Path,
    dest: &Path,
    tmp: &Path,
    repos: &[CachedRepo],
    opts: &DependencyOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let _ = writeln!(out, "Saving {} charts", deps.len());
    let mut fetched_urls = std::collections::HashSet::new();
    let mut save_error = None;
    for dep in deps.iter_mut() {
        if dep.repository.is_empty() {
            let _ = writeln!(
                out,
                "Dependency {} did not declare a repository. Assuming it exists in the charts directory",
                dep.name
            );
            let path = dest.join(&dep.name);
            let ch = chart::load(&path)
                .map_err(|e| RepoError::msg(format!("unable to load chart '{}': {e}", path.display())))?;
            let c = Constraints::parse(&dep.version).map_err(|e| {
                RepoError::msg(format!("dependency {} has an invalid version/constraint format: {e}", dep.name))
            })?;
            let v = Version::parse(&ch.metadata.version).map_err(|e| {
                RepoError::msg(format!("invalid version {} for dependency {}: {e}", dep.version, dep.name))
            })?;
            if !c.check(&v) {
                save_error = Some(RepoError::msg(format!(
                    "dependency {} at version {} does not satisfy the constraint {}",
                    dep.name, ch.metadata.version, dep.version
                )));
                break;
            }
            continue;
        }
        if dep.repository.starts_with("file://") {
            if opts.debug {
                let _ = writeln!(out, "Archiving {} from repo {}", dep.name, dep.repository);
            }
            match tar_from_local_dir(chart_dir, dep, tmp) {
                Ok(v) => dep.version = v,
                Err(e) => {
                    save_error = Some(e);
                    break;
                }
            }
            continue;
        }
        if oci::is_oci(&dep.repository) {
            let reference = format!("{}/{}", dep.repository.trim_end_matches('/'), dep.name);
            if !fetched_urls.insert(format!("{reference}:{}", dep.version)) {
                let _ = writeln!(out, "Already downloaded {} from repo {}", dep.name, dep.repository);
                continue;
            }
            let _ = writeln!(out, "Downloading {} from repo {}", dep.name, dep.repository);
            if let Err(e) = downloader::fetch_to(&reference, Some(&dep.version), tmp, &opts.chart, &opts.paths) {
                save_error = Some(e.context(format!("could not download {reference}:{}", dep.version)));
                break;
            }
            continue;
        }
        let (url, digest, http) = match find_chart_url(&dep.name, &dep.version, &dep.repository, repos, opts) {
            Ok(x) => x,
            Err(e) => {
                save_error = Some(e.context(format!("could not find {} in {}", dep.name, dep.repository)));
                break;
            }
        };
        if !fetched_urls.insert(url.clone()) {
            let _ = writeln!(out, "Already downloaded {} from repo {}", dep.name, dep.repository);
            continue;
        }
        let _ = writeln!(out, "Downloading {} from repo {}", dep.name, dep.repository);
        let result = downloader::fetch_http(&url, &url, digest.as_deref(), http, opts.chart.verify, &opts.paths)
            .and_then(|f| {
                let data = std::fs::read(&f.path).at(&f.path)?;
                fsutil::write_atomic(&tmp.join(&f.file_name), &data, 0o644)
            });
        if let Err(e) = result {
            save_error = Some(e.context(format!("could not download {url}")));
            break;
        }
    }
    match save_error {
        Some(e) => {
            let _ = writeln!(out, "Save error occurred:  {e}");
            Err(e)
        }
        None => Ok(()),
    }
}

/// Helm's findChartURL: the archive URL, digest and HTTP settings for a
/// dependency in an HTTP repository.
fn find_chart_url(
    name: &str,
    version: &str,
    repo_url: &str,
    repos: &[CachedRepo],
    opts: &DependencyOptions,
) -> Result<(String, Option<String>, HttpOptions)> {
    for cr in repos {
        if !urlutil::url_equal(repo_url, &cr.entry.url) {
            continue;
        }
        let index = cr.index.as_ref().ok_or_else(|| {
            RepoError::msg(format!("no cached index for repository {} (run 'capstan repo update')", cr.entry.name))
        })?;
        let entries = index.entries.get(name).ok_or_else(|| RepoError::msg("entry not found"))?;
        let ve = find_versioned_entry(version, entries).ok_or_else(|| RepoError::msg("no matching version"))?;
        let url = urlutil::resolve_reference_url(repo_url, &ve.urls[0]).map_err(RepoError::msg)?;
        return Ok((url, Some(ve.digest.clone()), cr.entry.http_options()));
    }
    let http = HttpOptions {
        url: repo_url.to_string(),
        ca_file: opts.chart.ca_file.clone(),
        cert_file: opts.chart.cert_file.clone(),
        key_file: opts.chart.key_file.clone(),
        insecure_skip_tls_verify: opts.chart.insecure_skip_tls_verify,
        ..Default::default()
    };
    let (url, digest) = chartrepo::find_chart_in_repo_url(repo_url, name, version, &http)
        .map_err(|e| RepoError::msg(format!("chart {name} not found in {repo_url}: {e}")))?;
    Ok((url, Some(digest), http))
}

/// Helm's findVersionedEntry: the first entry with URLs whose version
/// equals `version` (any, when empty).
fn find_versioned_entry<'a>(version: &str, entries: &'a [ChartVersion]) -> Option<&'a ChartVersion> {
    entries.iter().find(|e| !e.urls.is_empty() && (version.is_empty() || version_equals(version, &e.metadata.version)))
}

fn version_equals(a: &str, b: &str) -> bool {
    match (Version::parse(a), Version::parse(b)) {
        (Ok(x), Ok(y)) => x.compare(&y) == std::cmp::Ordering::Equal,
        (Err(_), _) => a == b,
        _ => false,
    }
}

/// Helm's tarFromLocalDir: package a `file://` dependency into `dest`.
fn tar_from_local_dir(chart_dir: &Path, dep: &Dependency, dest: &Path) -> Result<String> {
    let orig = local_path(&dep.repository, chart_dir)?;
    let ch = chart::load(&orig)?;
    let c = Constraints::parse(&dep.version).map_err(|e| {
        RepoError::msg(format!("dependency {} has an invalid version/constraint format: {e}", dep.name))
    })?;
    let v = Version::parse(&ch.metadata.version).map_err(|e| RepoError::msg(e.to_string()))?;
    if !c.check(&v) {
        return Err(RepoError::msg(format!("can't get a valid version for dependency {}", dep.name)));
    }
    package::save(&ch, dest, &FileTimes::from_dir(&orig))?;
    Ok(ch.metadata.version)
}

/// Helm's safeMoveDeps: move what was fetched into `charts/` and delete
/// archives no longer needed (local, repository-less dependencies stay).
fn safe_move_deps(deps: &[Dependency], source: &Path, dest: &Path, out: &mut dyn Write) -> Result<()> {
    let local: std::collections::HashSet<&str> =
        deps.iter().filter(|d| d.repository.is_empty()).map(|d| d.name.as_str()).collect();
    let mut in_source = std::collections::HashSet::new();
    let dest_files: Vec<PathBuf> = std::fs::read_dir(dest).at(dest)?.flatten().map(|e| e.path()).collect();
    let mut source_files: Vec<PathBuf> = std::fs::read_dir(source).at(source)?.flatten().map(|e| e.path()).collect();
    source_files.sort();
    for src in source_files {
        if src.is_dir() {
            continue;
        }
        let name = src.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        in_source.insert(name.clone());
        if let Err(e) = chart::load(&src) {
            let _ = writeln!(out, "Could not verify {} for moving: {e} (Skipping)", src.display());
            continue;
        }
        let target = dest.join(&name);
        if let Err(e) = std::fs::rename(&src, &target) {
            let _ = writeln!(out, "Unable to move {} to charts dir {e} (Skipping)", src.display());
        }
    }
    let _ = writeln!(out, "Deleting outdated charts");
    let mut dest_files = dest_files;
    dest_files.sort();
    for f in dest_files {
        let name = f.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        if f.is_dir() || in_source.contains(&name) {
            continue;
        }
        let ch = match chart::load(&f) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(out, "Could not verify {} for deletion: {e} (Skipping)", f.display());
                continue;
            }
        };
        if local.contains(ch.metadata.name.as_str()) {
            continue;
        }
        if let Err(e) = std::fs::remove_file(&f) {
            let _ = writeln!(out, "Could not delete {}: {e} (Skipping)", f.display());
        }
    }
    Ok(())
}

/// Helm's writeLock: Chart.lock (requirements.lock for apiVersion v1),
/// refusing to write through a symbolic link.
fn write_lock(chart_dir: &Path, lock: &Lock, legacy: bool) -> Result<()> {
    let name = if legacy { "requirements.lock" } else { "Chart.lock" };
    let dest = chart_dir.join(name);
    if let Ok(m) = std::fs::symlink_metadata(&dest) {
        if m.file_type().is_symlink() {
            let link = std::fs::read_link(&dest).at(&dest)?;
            return Err(RepoError::msg(format!(
                "the {name} file is a symlink to {}",
                quote(&link.display().to_string())
            )));
        }
    }
    fsutil::write_atomic(&dest, helmjson::lock_yaml(lock).as_bytes(), 0o644)
}

/// `dependency list`: Helm's table of dependencies with their status, then
/// warnings for charts in `charts/` that Chart.yaml does not list.
pub fn list(chart_path: &Path, max_col_width: usize, out: &mut dyn Write) -> Result<()> {
    let c = chart::load(chart_path)?;
    if c.metadata.dependencies.is_empty() {
        let _ = writeln!(out, "WARNING: no dependencies at {}", chart_path.join("charts").display());
        return Ok(());
    }
    let mut t = Table::new(max_col_width);
    t.add_row(["NAME", "VERSION", "REPOSITORY", "STATUS"]);
    for d in &c.metadata.dependencies {
        t.add_row([d.name.clone(), d.version.clone(), d.repository.clone(), dependency_status(chart_path, d, &c)]);
    }
    let _ = writeln!(out, "{}", t.render());
    let _ = writeln!(out);
    print_missing(chart_path, &c.metadata.dependencies, out);
    Ok(())
}

/// Helm's dependencyStatus: `ok` (archive), `unpacked` (directory),
/// `missing`, `wrong version`, `invalid version`, `misnamed`, `corrupt`,
/// `too many matches`.
pub fn dependency_status(chart_path: &Path, dep: &Dependency, parent: &Chart) -> String {
    let charts = chart_path.join("charts");
    let prefix = format!("{}-", dep.name);
    let mut archives: Vec<PathBuf> = std::fs::read_dir(&charts)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    n.starts_with(&prefix) && n.ends_with(".tgz")
                })
                .collect()
        })
        .unwrap_or_default();
    archives.sort();
    let candidates: Vec<PathBuf> = if archives.len() > 1 {
        archives
            .into_iter()
            .filter(|a| {
                let n = a.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let v = n.trim_end_matches(".tgz").strip_prefix(&prefix).unwrap_or("");
                super::oci::is_strict_semver(v)
            })
            .collect()
    } else {
        archives
    };
    if candidates.len() > 1 {
        return "too many matches".into();
    }
    if let Some(a) = candidates.first() {
        if let Some(r) = stat_archive_for_status(a, dep) {
            return r;
        }
    }
    let Some(dep_chart) = parent.dependencies.iter().rev().find(|c| c.metadata.name == dep.name) else {
        return "missing".into();
    };
    version_status(&dep_chart.metadata.version, &dep.version).unwrap_or_else(|| "unpacked".into())
}

fn version_status(have: &str, want: &str) -> Option<String> {
    if have == want {
        return None;
    }
    let Ok(c) = Constraints::parse(want) else { return Some("invalid version".into()) };
    let Ok(v) = Version::parse(have) else { return Some("invalid version".into()) };
    (!c.check(&v)).then(|| "wrong version".into())
}

fn stat_archive_for_status(archive: &Path, dep: &Dependency) -> Option<String> {
    if !archive.exists() {
        return None;
    }
    let Ok(c) = chart::load(archive) else { return Some("corrupt".into()) };
    if c.metadata.name != dep.name {
        return Some("misnamed".into());
    }
    Some(version_status(&c.metadata.version, &dep.version).unwrap_or_else(|| "ok".into()))
}

/// Helm's printMissing.
fn print_missing(chart_path: &Path, reqs: &[Dependency], out: &mut dyn Write) {
    let charts = chart_path.join("charts");
    let Ok(read) = std::fs::read_dir(&charts) else { return };
    let mut files: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    files.sort();
    for f in files {
        let is_dir = f.is_dir();
        if !is_dir && f.extension().is_none_or(|e| e != "tgz") {
            continue;
        }
        let shown = quote(&f.display().to_string());
        match chart::load(&f) {
            Err(_) => {
                let _ = writeln!(out, "WARNING: {shown} is not a chart.");
            }
            Ok(c) => {
                if !reqs.iter().any(|d| d.name == c.metadata.name) {
                    let _ = writeln!(out, "WARNING: {shown} is not in Chart.yaml.");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_req_is_helms() {
        // json.Marshal([2][]*Dependency{req, lock}) then sha256.
        let req = vec![Dependency {
            name: "a".into(),
            version: "^1".into(),
            repository: "https://x".into(),
            alias: "b".into(),
            ..Default::default()
        }];
        let lock = vec![Dependency {
            name: "a".into(),
            version: "1.2.3".into(),
            repository: "https://x".into(),
            ..Default::default()
        }];
        let json = r#"[[{"name":"a","version":"^1","repository":"https://x","alias":"b"}],[{"name":"a","version":"1.2.3","repository":"https://x"}]]"#;
        assert_eq!(hash_req(&req, &lock), format!("sha256:{}", fsutil::sha256_hex(json.as_bytes())));
    }

    #[test]
    fn status_of_versions() {
        assert_eq!(version_status("1.2.3", "1.2.3"), None);
        assert_eq!(version_status("1.2.3", "^1"), None);
        assert_eq!(version_status("2.0.0", "^1").as_deref(), Some("wrong version"));
        assert_eq!(version_status("x", "^1").as_deref(), Some("invalid version"));
    }
}
