//! Finding and fetching a chart by reference (Helm: pkg/downloader
//! chart_downloader.go, pkg/action ChartPathOptions.LocateChart): a local
//! path, `repo/name` from a configured repository's cached index, an
//! `http(s)://` archive URL, a chart in a repository given by `--repo`, or
//! `oci://registry/path/name[:tag|@digest]`.
//!
//! Downloads land in the content cache keyed by sha256
//! (`<content>/<xx>/<hex>.chart`, Helm 4's layout). Unlike Helm 4.1.4,
//! which trusts the index's digest as a cache key without checking it,
//! every download is checked against the digest the index (or the OCI
//! manifest) gives, and nothing is cached or written when it differs.

use std::path::{Path, PathBuf};

use super::chartrepo;
use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::http::{self, HttpOptions};
use super::index::IndexFile;
use super::oci::{self, RegistryOptions};
use super::paths::Paths;
use super::repofile::{Entry, RepoFile};
use super::urlutil;

/// How to find and fetch a chart (Helm's `ChartPathOptions`).
#[derive(Debug, Clone, Default)]
pub struct ChartPathOptions {
    /// `--repo`: a repository URL to look the chart up in.
    pub repo_url: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    /// `--plain-http` (OCI registries).
    pub plain_http: bool,
    pub pass_credentials_all: bool,
    /// `--verify`: fail unless the download is checked against a digest
    /// from the index or registry. (PGP provenance files are not checked.)
    pub verify: bool,
    /// `--devel`: with no version, allow pre-releases.
    pub devel: bool,
}

impl ChartPathOptions {
    /// The registry options these flags select.
    pub fn registry_options(&self, paths: &Paths) -> RegistryOptions {
        RegistryOptions {
            username: self.username.clone(),
            password: self.password.clone(),
            plain_http: self.plain_http,
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            credentials_file: paths.registry_config.clone(),
        }
    }

    fn http_options(&self, url: &str) -> HttpOptions {
        HttpOptions {
            url: url.to_string(),
            username: self.username.clone().unwrap_or_default(),
            password: self.password.clone().unwrap_or_default(),
            pass_credentials_all: self.pass_credentials_all,
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            ..Default::default()
        }
    }

    /// The version to look for: `--version`, else `>0.0.0-0` with `--devel`.
    pub fn effective_version(&self, version: Option<&str>) -> String {
        match version.map(str::trim) {
            Some(v) if !v.is_empty() => v.to_string(),
            _ if self.devel => ">0.0.0-0".into(),
            _ => String::new(),
        }
    }
}

/// A chart fetched into the content cache.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The archive in the content cache.
    pub path: PathBuf,
    /// The file name Helm would save it as (`name-version.tgz`, or the
    /// URL's last path element).
    pub file_name: String,
    /// `sha256:<hex>` of the archive.
    pub digest: String,
    /// Whether the digest was checked against one the source published.
    pub verified: bool,
    /// Lines for stderr (OCI `Pulled:`/`Digest:`, warnings).
    pub messages: Vec<String>,
}

/// Where a reference points once resolved.
#[derive(Debug, Clone)]
enum Source {
    Http { url: String, digest: Option<String>, http: HttpOptions },
    Oci { reference: String, version: String },
}

/// Helm's `LocateChart`: an existing local path is returned as an absolute
/// path; anything else is resolved, downloaded into the content cache and
/// that archive's path returned. `version` is a version or constraint.
pub fn resolve_chart_ref(reference: &str, version: Option<&str>, opts: &ChartPathOptions) -> Result<PathBuf> {
    let paths = Paths::from_env()?;
    locate_chart(reference, version, opts, &paths)
}

/// [`resolve_chart_ref`] with explicit paths.
pub fn locate_chart(reference: &str, version: Option<&str>, opts: &ChartPathOptions, paths: &Paths) -> Result<PathBuf> {
    let name = reference.trim();
    if opts.repo_url.is_none() && !oci::is_oci(name) {
        let p = Path::new(name);
        if p.exists() {
            return std::path::absolute(p).at(p);
        }
        if p.is_absolute() || name.starts_with('.') {
            return Err(RepoError::msg(format!("path {} not found", crate::chart::gostr::quote(name))));
        }
    }
    let fetched = fetch_to_cache(name, version, opts, paths)?;
    for m in &fetched.messages {
        eprintln!("{m}");
    }
    Ok(fetched.path)
}

/// Resolve `reference` and download it into the content cache (Helm's
/// `DownloadToCache`, plus `--repo` handling).
pub fn fetch_to_cache(
    reference: &str,
    version: Option<&str>,
    opts: &ChartPathOptions,
    paths: &Paths,
) -> Result<Fetched> {
    let version = opts.effective_version(version);
    let source = resolve(reference, &version, opts, paths)?;
    match source {
        Source::Http { url, digest, http } => fetch_http(reference, &url, digest.as_deref(), http, opts.verify, paths),
        Source::Oci { reference, version } => {
            let reg = opts.registry_options(paths);
            let target = oci::resolve(&reference, &version, &reg)?;
            let pulled = oci::pull_exact(&target, &reg)?;
            let actual = fsutil::sha256_hex(&pulled.data);
            check_is_chart(&pulled.data, &pulled.reference)?;
            let path = cache_put(paths, &actual, &pulled.data)?;
            // Helm names the file after the reference: `name-tag.tgz`.
            let base = target.repository.rsplit('/').next().unwrap_or("chart");
            let file_name = match &target.tag {
                Some(tag) => format!("{base}-{tag}.tgz"),
                None => format!("{}-{}.tgz", pulled.metadata.name, pulled.metadata.version),
            };
            let mut messages = pulled.warnings.clone();
            messages.push(format!("Pulled: {}", pulled.reference));
            messages.push(format!("Digest: {}", pulled.manifest_digest));
            Ok(Fetched { path, file_name, digest: format!("sha256:{actual}"), verified: true, messages })
        }
    }
}

/// Download an archive URL into the content cache, checked against
/// `digest` (`sha256:<hex>` or bare hex) when one is known; with `verify`
/// a missing digest is an error. A cached copy with that digest is used
/// without downloading.
pub fn fetch_http(
    reference: &str,
    url: &str,
    digest: Option<&str>,
    http: HttpOptions,
    verify: bool,
    paths: &Paths,
) -> Result<Fetched> {
    let want = digest.map(strip_algorithm).filter(|d| !d.is_empty()).map(str::to_string);
    if let Some(d) = &want {
        check_digest_format(d)?;
        if let Some(p) = cache_get(paths, d) {
            return Ok(Fetched {
                path: p,
                file_name: url_file_name(url)?,
                digest: format!("sha256:{}", d.to_ascii_lowercase()),
                verified: true,
                messages: Vec::new(),
            });
        }
    } else if verify {
        return Err(RepoError::msg(format!("cannot verify {reference}: the repository index gives no digest for it")));
    }
    let http = HttpOptions { accept: Some("application/gzip,application/octet-stream".into()), ..http };
    let data = http::get(url, &http)?;
    let actual = fsutil::sha256_hex(&data);
    if let Some(d) = &want {
        if !d.eq_ignore_ascii_case(&actual) {
            return Err(RepoError::Digest {
                what: url.to_string(),
                expected: format!("sha256:{}", d.to_ascii_lowercase()),
                actual: format!("sha256:{actual}"),
            });
        }
    }
    check_is_chart(&data, url)?;
    let path = cache_put(paths, &actual, &data)?;
    Ok(Fetched {
        path,
        file_name: url_file_name(url)?,
        digest: format!("sha256:{actual}"),
        verified: want.is_some(),
        messages: Vec::new(),
    })
}

/// Fetch `reference` and save it in `dest` under the name Helm uses
/// (Helm's `DownloadTo`). Returns the saved file and what was fetched.
pub fn fetch_to(
    reference: &str,
    version: Option<&str>,
    dest: &Path,
    opts: &ChartPathOptions,
    paths: &Paths,
) -> Result<(PathBuf, Fetched)> {
    let fetched = fetch_to_cache(reference, version, opts, paths)?;
    let data = std::fs::read(&fetched.path).at(&fetched.path)?;
    let target = dest.join(&fetched.file_name);
    fsutil::write_atomic(&target, &data, 0o644)?;
    Ok((target, fetched))
}

/// Helm's `ResolveChartVersion` (with `--repo` folded in).
fn resolve(reference: &str, version: &str, opts: &ChartPathOptions, paths: &Paths) -> Result<Source> {
    if let Some(repo_url) = &opts.repo_url {
        let ho = opts.http_options(repo_url);
        let (url, digest) = chartrepo::find_chart_in_repo_url(repo_url, reference, version, &ho)?;
        // Credentials follow only to the repository's own host (Helm: LocateChart).
        return Ok(Source::Http { url, digest: Some(digest), http: ho });
    }
    if oci::is_oci(reference) {
        return Ok(Source::Oci { reference: reference.to_string(), version: version.to_string() });
    }
    let rf = RepoFile::load_or_empty(&paths.repository_config)?;
    if let Ok(u) = url::Url::parse(reference) {
        if u.has_host() && !u.path().is_empty() {
            // An archive URL: use the settings of the repository that lists it.
            if let Some(entry) = scan_repos_for_url(reference, &rf, paths) {
                let mut http = entry.http_options();
                if let Some(u) = &opts.username {
                    http.username = u.clone();
                    http.password = opts.password.clone().unwrap_or_default();
                }
                return Ok(Source::Http { url: reference.to_string(), digest: None, http });
            }
            return Ok(Source::Http { url: reference.to_string(), digest: None, http: opts.http_options(reference) });
        }
    }
    let Some((repo_name, chart_name)) = reference.split_once('/') else {
        return Err(RepoError::msg(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {reference}"
        )));
    };
    let entry = rf.get(repo_name).ok_or_else(|| RepoError::msg(format!("repo {repo_name} not found")))?;
    if entry.url.is_empty() {
        return Err(RepoError::msg(format!("no URL found for repository {repo_name}")));
    }
    let idx_path = paths.cache_index_file(&entry.name);
    let (index, _) = IndexFile::load_file(&idx_path)
        .map_err(|e| RepoError::msg(format!("no cached repo found. (try 'capstan repo update'): {e}")))?;
    let cv = index.get(chart_name, version).map_err(|e| {
        RepoError::msg(format!(
            "chart {} matching {version} not found in {} index. (try 'capstan repo update'): {e}",
            crate::chart::gostr::quote(chart_name),
            entry.name
        ))
    })?;
    let first = cv.urls.first().ok_or_else(|| {
        RepoError::msg(format!("chart {} has no downloadable URLs", crate::chart::gostr::quote(reference)))
    })?;
    let url = urlutil::resolve_reference_url(&entry.url, first)
        .map_err(|_| RepoError::msg(format!("invalid chart URL format: {reference}")))?;
    Ok(Source::Http { url, digest: Some(cv.digest.clone()), http: entry.http_options() })
}

/// The configured repository whose cached index lists `url` (Helm's
/// scanReposForURL; repositories without a cache are skipped).
fn scan_repos_for_url(url: &str, rf: &RepoFile, paths: &Paths) -> Option<Entry> {
    for entry in &rf.repositories {
        let Ok((index, _)) = IndexFile::load_file(&paths.cache_index_file(&entry.name)) else { continue };
        for versions in index.entries.values() {
            for v in versions {
                if v.urls.iter().any(|u| urlutil::url_equal(url, u)) {
                    return Some(entry.clone());
                }
            }
        }
    }
    None
}

fn strip_algorithm(d: &str) -> &str {
    d.split_once(':').map(|(_, h)| h).unwrap_or(d)
}

fn check_digest_format(hexd: &str) -> Result<()> {
    if hexd.len() != 64 || !hexd.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(RepoError::msg(format!("invalid digest length: {}", hexd.len() / 2)));
    }
    Ok(())
}

/// The cached archive for a digest, if present and intact.
fn cache_get(paths: &Paths, hexd: &str) -> Option<PathBuf> {
    let p = cache_file(paths, hexd);
    let data = std::fs::read(&p).ok()?;
    (!data.is_empty() && fsutil::sha256_hex(&data).eq_ignore_ascii_case(hexd)).then_some(p)
}

fn cache_put(paths: &Paths, hexd: &str, data: &[u8]) -> Result<PathBuf> {
    let p = cache_file(paths, hexd);
    fsutil::write_atomic(&p, data, 0o644)?;
    Ok(p)
}

/// `<content>/<first byte>/<hex>.chart` (Helm's DiskCache layout).
fn cache_file(paths: &Paths, hexd: &str) -> PathBuf {
    let hexd = hexd.to_ascii_lowercase();
    paths.content_cache.join(&hexd[..2.min(hexd.len())]).join(format!("{hexd}.chart"))
}

/// The archive must load as a chart (limits and path checks included)
/// before anything keeps it.
fn check_is_chart(data: &[u8], what: &str) -> Result<()> {
    crate::chart::loader::load_archive(data, &Default::default(), &mut Vec::new())
        .map(|_| ())
        .map_err(|e| RepoError::msg(format!("{what} is not a valid chart archive: {e}")))
}

/// The last path element of a URL (Helm: `filepath.Base(u.Path)`).
fn url_file_name(u: &str) -> Result<String> {
    let parsed = url::Url::parse(u).map_err(|e| RepoError::msg(format!("invalid chart URL format: {u}: {e}")))?;
    let last = parsed.path_segments().and_then(|mut s| s.next_back()).unwrap_or("");
    let name = percent_decode(last);
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\\') {
        return Err(RepoError::msg(format!("cannot name the download of {u}: no file name in the URL")));
    }
    Ok(name)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Helm's `chartutil.ExpandFile` for `pull --untar`: unpack the archive
/// into `dir/<chart name>/` (the name from its Chart.yaml). The files are
/// written to a temporary directory first and moved into place whole.
pub fn expand(dir: &Path, archive: &Path) -> Result<PathBuf> {
    // `a/.` → `a` (create_dir_all and rename dislike a trailing `.`).
    let dir: PathBuf = dir.components().collect();
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    let dir = dir.as_path();
    let data = std::fs::read(archive).at(archive)?;
    let files = crate::chart::archive::load_archive_files(&data[..], Default::default())
        .map_err(|e| RepoError::msg(e.to_string()))?;
    let chart_yaml =
        files.iter().find(|f| f.name == "Chart.yaml").ok_or_else(|| RepoError::msg("chart name not specified"))?;
    let doc = crate::codec::yaml_read::from_str(&String::from_utf8_lossy(&chart_yaml.data))
        .map_err(|e| RepoError::msg(format!("cannot load Chart.yaml: {}", e.message)))?;
    let name = doc.get("name").and_then(|v| v.as_str()).unwrap_or("").to_string();
    if name.is_empty() {
        return Err(RepoError::msg("chart name not specified"));
    }
    if name == "." || name == ".." {
        return Err(RepoError::msg(format!("chart name {} is not allowed", crate::chart::gostr::quote(&name))));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(RepoError::msg(format!(
            "chart name {} must not contain path separators",
            crate::chart::gostr::quote(&name)
        )));
    }
    std::fs::create_dir_all(dir).at(dir)?;
    let target = dir.join(&name);
    let tmp = fsutil::temp_sibling(&target);
    let result = (|| -> Result<()> {
        for f in &files {
            // Names are cleaned and checked by the archive reader (no
            // absolute paths, no `..`).
            let out = tmp.join(&f.name);
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent).at(parent)?;
            }
            std::fs::write(&out, &f.data).at(&out)?;
        }
        if target.exists() {
            // Helm writes into an existing directory; merge the same way.
            copy_tree(&tmp, &target)?;
            std::fs::remove_dir_all(&tmp).at(&tmp)?;
        } else {
            std::fs::rename(&tmp, &target).at(&target)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result.map(|_| target)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).at(from)? {
        let entry = entry.at(from)?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            std::fs::create_dir_all(&dst).at(&dst)?;
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).at(&dst)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_returned_as_is() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path().join("home"));
        let chart = dir.path().join("mychart");
        std::fs::create_dir_all(&chart).unwrap();
        let got = locate_chart(chart.to_str().unwrap(), None, &ChartPathOptions::default(), &paths).unwrap();
        assert_eq!(got, chart);
        let e = locate_chart("./nope", None, &ChartPathOptions::default(), &paths).unwrap_err();
        assert_eq!(e.to_string(), "path \"./nope\" not found");
        let e = locate_chart("justname", None, &ChartPathOptions::default(), &paths).unwrap_err();
        assert_eq!(e.to_string(), "non-absolute URLs should be in form of repo_name/path_to_chart, got: justname");
        let e = locate_chart("stable/nginx", None, &ChartPathOptions::default(), &paths).unwrap_err();
        assert_eq!(e.to_string(), "repo stable not found");
    }

    #[test]
    fn file_names_come_from_urls() {
        assert_eq!(url_file_name("https://x/charts/a-1.0.0.tgz?token=1").unwrap(), "a-1.0.0.tgz");
        assert_eq!(url_file_name("https://x/a%20b.tgz").unwrap(), "a b.tgz");
        assert!(url_file_name("https://x/").is_err());
        assert_eq!(ChartPathOptions { devel: true, ..Default::default() }.effective_version(None), ">0.0.0-0");
        assert_eq!(ChartPathOptions { devel: true, ..Default::default() }.effective_version(Some("1.0")), "1.0");
    }
}
