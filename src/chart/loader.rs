//! Loading a chart from a directory or a `.tgz` archive, as Helm's
//! pkg/chart/loader/load.go and pkg/chart/v2/loader (directory.go,
//! archive.go, load.go) do, with internal/sympath's symlink-following walk.
//!
//! Differences from Helm, on purpose: symbolic links are followed only
//! while they stay inside the chart directory, a link loop is an error
//! (Helm recurses until the OS refuses), archives may not contain links
//! (Helm reads them as empty files), and subcharts are loaded in name
//! order (Helm's order is Go's random map order).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::archive::{self, BufferedFile, Limits};
use super::error::{go_io_error, ChartError};
use super::ignore::{Rules, HELM_IGNORE};
use super::log::Warning;
use super::metadata::{self, NullNodes};
use super::model::{Chart, File, Metadata};
use crate::codec::yaml_read;

/// Files at least this large are mapped rather than read (below it, a
/// read costs less than setting up a map).
const MAP_MIN_LEN: u64 = 64 * 1024;

/// A read-only map of the first `len` bytes of `file`, or None when the
/// file is small or cannot be mapped (then it is read).
fn map_file(file: &std::fs::File, len: u64) -> Option<bytes::Bytes> {
    if len < MAP_MIN_LEN {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    // SAFETY: the map is private and read-only, and chart files are not
    // expected to change while capstan runs (git maps its pack files on
    // the same assumption). Were one truncated meanwhile, reading the lost
    // pages would fault; edits in place show through, as a later read would.
    let map = unsafe { memmap2::MmapOptions::new().len(len).map(file) }.ok()?;
    Some(bytes::Bytes::from_owner(map))
}

/// Options for loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Decompressed size limits (archives; the per-file limit also applies
    /// to directories, as in Helm).
    pub limits: Limits,
}

/// A loaded chart and what Helm would have logged while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub chart: Chart,
    pub warnings: Vec<Warning>,
}

/// Load a chart directory or archive with default options; warnings are
/// dropped (use [`load_with`] to keep them).
pub fn load(path: &Path) -> Result<Chart, ChartError> {
    load_with(path, &LoadOptions::default()).map(|l| l.chart)
}

/// Load a chart directory or `.tgz` archive (Helm's `loader.Load`).
pub fn load_with(path: &Path, opts: &LoadOptions) -> Result<Loaded, ChartError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ChartError::other(go_io_error("stat", &shown, &e)))?;
    let mut warnings = Vec::new();
    let chart = if meta.is_dir() {
        load_dir(path, opts, &mut warnings)?
    } else {
        load_archive_file(path, opts, &mut warnings)?
    };
    Ok(Loaded { chart, warnings })
}

/// Parse a YAML chart file with Helm's reader, with sigs.k8s.io/yaml's
/// error wrapping.
fn parse_yaml(data: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(data)
        .map_err(|_| "error converting YAML to JSON: yaml: invalid leading UTF-8 octet".to_string())?;
    yaml_read::from_str(text).map_err(|e| format!("error converting YAML to JSON: {}", e.message))
}

/// The API version check Helm does before choosing a loader
/// (pkg/chart/loader/load.go chartBase).
fn check_api_version(chart_yaml: &[u8]) -> Result<(), ChartError> {
    let doc = parse_yaml(chart_yaml).map_err(|m| ChartError::Parse { file: "Chart.yaml".into(), message: m })?;
    let mut md = Metadata::default();
    let mut nulls = NullNodes::default();
    // Only apiVersion matters here; other fields are checked by the v2 loader.
    let api = match &doc {
        Value::Object(o) => {
            let only: serde_json::Map<String, Value> = o
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("apiVersion"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            metadata::decode_metadata(&Value::Object(only), &mut md, &mut nulls)
                .map_err(|m| ChartError::Parse { file: "Chart.yaml".into(), message: m })?;
            md.api_version
        }
        _ => String::new(),
    };
    match api.as_str() {
        "" | "v1" | "v2" => Ok(()),
        // Helm 4 loads v3 charts but cannot install or render them
        // (`helm template` says "invalid chart apiVersion"); capstan does
        // not load them at all yet.
        "v3" => Err(ChartError::other("invalid chart apiVersion")),
        _ => Err(ChartError::other("unsupported chart version")),
    }
}

/// Helm's `LoadDir`: walk the directory (following links), apply
/// `.helmignore`, read every file into memory, then build the chart.
pub fn load_dir(dir: &Path, opts: &LoadOptions, warnings: &mut Vec<Warning>) -> Result<Chart, ChartError> {
    // Go's filepath.Abs: absolute and lexically cleaned.
    let top = std::path::absolute(dir)
        .map_err(|e| ChartError::other(go_io_error("abs", &dir.display().to_string(), &e)))?;
    let top = PathBuf::from(archive::clean_path(&top.to_string_lossy()));
    let chart_yaml = top.join("Chart.yaml");
    let data = std::fs::read(&chart_yaml).map_err(|e| {
        let shown = chart_yaml.display().to_string();
        ChartError::other(format!("unable to detect chart at {shown}: {}", go_io_error("open", &shown, &e)))
    })?;
    check_api_version(&data)?;

    let mut rules = Rules::empty();
    let ignore_file = top.join(HELM_IGNORE);
    if ignore_file.exists() {
        let text = std::fs::read(&ignore_file).map_err(|e| {
            ChartError::other(go_io_error("open", &ignore_file.display().to_string(), &e))
        })?;
        rules = Rules::parse(&String::from_utf8_lossy(&text))?;
    }
    rules.add_defaults();

    let root_canon = std::fs::canonicalize(&top)
        .map_err(|e| ChartError::other(go_io_error("lstat", &top.display().to_string(), &e)))?;
    let link_roots = link_roots()?;
    let mut walker = Walker { rules, root_canon: root_canon.clone(), link_roots, to_read: Vec::new(), warnings };
    let mut stack = vec![root_canon];
    let walked = walker.walk_dir(&top, "", &mut stack);
    let to_read = std::mem::take(&mut walker.to_read);
    // The files are read on every core once there are enough of them
    // (kube-prometheus-stack has 339); errors keep the walk's order.
    let threads = if to_read.len() >= PARALLEL_READ_MIN_FILES { crate::limits::cores() } else { 1 };
    let files = crate::parallel::map(&to_read, threads, |f| f.read(opts.limits))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    walked?;
    load_files(files, opts, warnings)
}

/// Directories (separated like `PATH`) that a chart directory's symbolic
/// links may point into besides the chart itself: a repository that keeps
/// a shared library chart next to the charts linking to it.
pub const LINK_ROOTS_ENV: &str = "CAPSTAN_LINK_ROOTS";

fn link_roots() -> Result<Vec<PathBuf>, ChartError> {
    let Some(list) = std::env::var_os(LINK_ROOTS_ENV) else { return Ok(Vec::new()) };
    std::env::split_paths(&list)
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| {
            std::fs::canonicalize(&p).map_err(|e| {
                ChartError::other(format!("{LINK_ROOTS_ENV}: {}", go_io_error("lstat", &p.display().to_string(), &e)))
            })
        })
        .collect()
}

/// From this many files on, a chart directory's files are read in parallel.
const PARALLEL_READ_MIN_FILES: usize = 64;

struct Walker<'a> {
    rules: Rules,
    root_canon: PathBuf,
    /// Directories outside the chart that its links may also point into.
    link_roots: Vec<PathBuf>,
    /// The files to load, in walk order.
    to_read: Vec<FileToRead>,
    warnings: &'a mut Vec<Warning>,
}

/// A chart file found by the walk: its path, the path shown in errors and
/// its name within the chart.
struct FileToRead {
    path: PathBuf,
    shown: String,
    rel: String,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

impl Walker<'_> {
    /// Walk the entries of `dir` (relative name `rel`) in byte order, as
    /// sympath.Walk does. `stack` holds the canonical paths of the
    /// directories being walked, innermost last.
    fn walk_dir(&mut self, dir: &Path, rel: &str, stack: &mut Vec<PathBuf>) -> Result<(), ChartError> {
        let read = std::fs::read_dir(dir)
            .map_err(|e| ChartError::other(go_io_error("open", &dir.display().to_string(), &e)))?;
        let mut names: Vec<(String, Option<std::fs::FileType>)> = Vec::new();
        for entry in read {
            let entry = entry.map_err(|e| ChartError::other(go_io_error("readdirent", &dir.display().to_string(), &e)))?;
            names.push((entry.file_name().to_string_lossy().into_owned(), entry.file_type().ok()));
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in names {
            let path = dir.join(&name);
            let rel_name = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            self.visit(&path, &name, &rel_name, file_type, stack)?;
        }
        Ok(())
    }

    fn visit(
        &mut self,
        path: &Path,
        name: &str,
        rel: &str,
        file_type: Option<std::fs::FileType>,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), ChartError> {
        let shown = path.display().to_string();
        let file_type = match file_type {
            Some(t) => t,
            None => std::fs::symlink_metadata(path)
                .map_err(|e| ChartError::other(go_io_error("lstat", &shown, &e)))?
                .file_type(),
        };
        if file_type.is_file() {
            if self.rules.ignore(rel, false) {
                return Ok(());
            }
            return Ok(self.found_file(path, shown, rel));
        }
        if file_type.is_dir() {
            if self.rules.ignore(rel, true) {
                return Ok(());
            }
            // A real subdirectory's canonical path is its parent's plus its name.
            let canon = stack.last().map(|p| p.join(name)).unwrap_or_else(|| path.to_path_buf());
            stack.push(canon);
            let r = self.walk_dir(path, rel, stack);
            stack.pop();
            return r;
        }
        if !file_type.is_symlink() {
            if self.rules.ignore(rel, false) {
                return Ok(());
            }
            return Err(ChartError::other(format!(
                "cannot load irregular file {shown} as it has file mode type bits set"
            )));
        }

        // A symbolic link: Helm follows it (and logs that it did); we also
        // require it to stay inside the chart and not to loop.
        let target = std::fs::canonicalize(path).map_err(|e| {
            ChartError::other(format!("error evaluating symlink {shown}: {}", go_io_error("lstat", &shown, &e)))
        })?;
        self.warnings.push(
            Warning::info("found symbolic link in path. Contents of linked file included and used")
                .with("path", shown.clone())
                .with("resolved", target.display().to_string()),
        );
        let meta = std::fs::metadata(&target)
            .map_err(|e| ChartError::other(go_io_error("lstat", &target.display().to_string(), &e)))?;
        if meta.is_dir() {
            if self.rules.ignore(rel, true) {
                return Ok(());
            }
            self.check_inside(&shown, &target)?;
            if stack.contains(&target) {
                return Err(ChartError::other(format!(
                    "symbolic link {shown} points to {}, a directory that contains it (a link loop)",
                    target.display()
                )));
            }
            stack.push(target);
            let r = self.walk_dir(path, rel, stack);
            stack.pop();
            return r;
        }
        if self.rules.ignore(rel, false) {
            return Ok(());
        }
        self.check_inside(&shown, &target)?;
        if !meta.is_file() {
            return Err(ChartError::other(format!(
                "cannot load irregular file {shown} as it has file mode type bits set"
            )));
        }
        Ok(self.found_file(path, shown, rel))
    }

    fn found_file(&mut self, path: &Path, shown: String, rel: &str) {
        self.to_read.push(FileToRead { path: path.to_path_buf(), shown, rel: rel.to_string() });
    }

    /// Refuse a link whose target is outside the chart directory (and
    /// outside every directory of `CAPSTAN_LINK_ROOTS`).
    fn check_inside(&self, shown: &str, target: &Path) -> Result<(), ChartError> {
        if target.starts_with(&self.root_canon) || self.link_roots.iter().any(|r| target.starts_with(r)) {
            Ok(())
        } else {
            Err(ChartError::other(format!(
                "symbolic link {shown} points to {}, outside the chart directory {}; links must stay inside the chart \
                 (or inside a directory listed in {LINK_ROOTS_ENV})",
                target.display(),
                self.root_canon.display()
            )))
        }
    }
}

impl FileToRead {
    /// Read one file, refusing it past the per-file limit (checked before
    /// reading, on the open file). A large file is mapped instead of read:
    /// its pages enter memory only if something reads them, and many never
    /// are (the CRDs of a chart under `template`, most `files/`).
    fn read(&self, limits: Limits) -> Result<BufferedFile, ChartError> {
        let (path, shown, rel) = (&self.path, &self.shown, &self.rel);
        let reading = |e: std::io::Error| ChartError::other(format!("error reading {rel}: {}", go_io_error("read", shown, &e)));
        let too_large = || {
            ChartError::other(format!(
                "chart file {} is larger than the maximum file size {}",
                crate::engine::gofmt::strconv::quote(&path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                limits.max_file_size
            ))
        };
        let mut f = std::fs::File::open(path).map_err(reading)?;
        let len = f.metadata().map_err(reading)?.len();
        if len > limits.max_file_size {
            return Err(too_large());
        }
        let data = match map_file(&f, len) {
            Some(mapped) => mapped,
            None => {
                let mut data = Vec::with_capacity(len as usize);
                // Never read more than the limit, even if the file grows meanwhile.
                (&mut f).take(limits.max_file_size + 1).read_to_end(&mut data).map_err(reading)?;
                if data.len() as u64 > limits.max_file_size {
                    return Err(too_large());
                }
                bytes::Bytes::from(data)
            }
        };
        let data = if data.starts_with(UTF8_BOM) { data.slice(UTF8_BOM.len()..) } else { data };
        Ok(BufferedFile { name: rel.to_string(), data })
    }
}

/// Helm's `LoadFile`/`LoadArchive` for a `.tgz` on disk.
pub fn load_archive_file(path: &Path, opts: &LoadOptions, warnings: &mut Vec<Warning>) -> Result<Chart, ChartError> {
    let shown = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| ChartError::other(go_io_error("open", &shown, &e)))?;
    let mut head = Vec::with_capacity(512);
    (&mut f)
        .take(512)
        .read_to_end(&mut head)
        .map_err(|e| ChartError::other(format!("file '{shown}' cannot be read: {e}")))?;
    archive::ensure_archive(&shown, &head).map_err(ChartError::Other)?;
    let f = std::fs::File::open(path).map_err(|e| ChartError::other(go_io_error("open", &shown, &e)))?;
    let mut allowance = opts.limits.max_chart_size;
    let files = archive::load_archive_files_within(std::io::BufReader::new(f), opts.limits, &mut allowance).map_err(|e| match e {
        archive::ArchiveError::GzipHeader => ChartError::other(format!(
            "file '{shown}' does not appear to be a valid chart file (details: gzip: invalid header)"
        )),
        // Helm says only "unable to load chart archive"; the reason helps.
        other => ChartError::other(format!("unable to load chart archive {shown}: {other}")),
    })?;
    let Some(chart_yaml) = files.iter().find(|f| f.name == "Chart.yaml") else {
        return Err(ChartError::other("unable to detect chart version, no Chart.yaml found"));
    };
    check_api_version(&chart_yaml.data)?;
    load_files_within(files, opts, warnings, &mut allowance)
}

/// Helm's `LoadArchive` for an archive in memory (a subchart `.tgz`).
pub fn load_archive(data: &[u8], opts: &LoadOptions, warnings: &mut Vec<Warning>) -> Result<Chart, ChartError> {
    let mut allowance = opts.limits.max_chart_size;
    load_archive_within(data, opts, warnings, &mut allowance)
}

/// [`load_archive`] drawing on the decompressed-size allowance of the
/// whole chart, which its nested subchart archives share.
fn load_archive_within(
    data: &[u8],
    opts: &LoadOptions,
    warnings: &mut Vec<Warning>,
    allowance: &mut u64,
) -> Result<Chart, ChartError> {
    let files = archive::load_archive_files_within(data, opts.limits, allowance)?;
    load_files_within(files, opts, warnings, allowance)
}

/// Go's `filepath.Ext`.
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map(|i| i + 1).unwrap_or(0);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

fn parse_error(file: &str, message: String) -> ChartError {
    ChartError::Parse { file: file.to_string(), message }
}

/// Helm's `LoadFiles`: build a chart (and its subcharts) from files named
/// relative to the chart root.
pub fn load_files(files: Vec<BufferedFile>, opts: &LoadOptions, warnings: &mut Vec<Warning>) -> Result<Chart, ChartError> {
    let mut allowance = opts.limits.max_chart_size;
    load_files_within(files, opts, warnings, &mut allowance)
}

/// [`load_files`]; subchart archives draw on `allowance`, the bytes the
/// whole chart may still decompress.
fn load_files_within(
    files: Vec<BufferedFile>,
    opts: &LoadOptions,
    warnings: &mut Vec<Warning>,
    allowance: &mut u64,
) -> Result<Chart, ChartError> {
    let mut c = Chart::default();
    let mut md: Option<Metadata> = None;
    let mut nulls = NullNodes::default();

    // Chart.yaml first, wherever it is in the list.
    for f in files.iter().filter(|f| f.name == "Chart.yaml") {
        let doc = parse_yaml(&f.data).map_err(|m| parse_error("Chart.yaml", m))?;
        let m = md.get_or_insert_with(Metadata::default);
        metadata::decode_metadata(&doc, m, &mut nulls).map_err(|e| parse_error("Chart.yaml", e))?;
        if m.api_version.is_empty() {
            m.api_version = "v1".into();
        }
    }

    let mut subcharts: BTreeMap<String, Vec<BufferedFile>> = BTreeMap::new();
    for f in files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => continue,
            "Chart.lock" => {
                let doc = parse_yaml(&f.data).map_err(|m| parse_error("Chart.lock", m))?;
                c.lock = Some(metadata::decode_lock(&doc).map_err(|e| parse_error("Chart.lock", e))?);
            }
            "values.yaml" => {
                c.values = crate::values::files::load_values(&f.data)
                    .map_err(|e| parse_error("values.yaml", e.to_string()))?;
                c.raw_values = Some(f.data.into());
            }
            "values.schema.json" => c.schema = Some(f.data.into()),
            "requirements.yaml" => {
                let m = md.get_or_insert_with(Metadata::default);
                if m.api_version != "v1" {
                    warnings.push(Warning::info(
                        "Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.",
                    ));
                }
                let doc = parse_yaml(&f.data).map_err(|e| parse_error("requirements.yaml", e))?;
                metadata::decode_metadata(&doc, m, &mut nulls).map_err(|e| parse_error("requirements.yaml", e))?;
                if m.api_version == "v1" {
                    c.files.push(File { name: f.name, data: f.data.into() });
                }
            }
            "requirements.lock" => {
                let doc = parse_yaml(&f.data).map_err(|e| parse_error("requirements.lock", e))?;
                c.lock = Some(metadata::decode_lock(&doc).map_err(|e| parse_error("requirements.lock", e))?);
                let m = md.get_or_insert_with(Metadata::default);
                if m.api_version != "v1" {
                    warnings.push(Warning::info(
                        "Warning: Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.",
                    ));
                }
                if m.api_version == "v1" {
                    c.files.push(File { name: f.name, data: f.data.into() });
                }
            }
            _ if name.starts_with("templates/") => c.templates.push(File { name: f.name, data: f.data.into() }),
            _ if name.starts_with("charts/") => {
                if go_ext(name) == ".prov" {
                    c.files.push(File { name: f.name, data: f.data.into() });
                    continue;
                }
                let fname = &name["charts/".len()..];
                let cname = fname.split('/').next().unwrap_or("").to_string();
                let sub_name = fname.to_string();
                subcharts.entry(cname).or_default().push(BufferedFile { name: sub_name, data: f.data });
            }
            _ => c.files.push(File { name: f.name, data: f.data.into() }),
        }
    }

    let Some(mut md) = md else {
        return Err(ChartError::MissingChartYaml);
    };
    metadata::validate_metadata(&mut md, nulls).map_err(ChartError::Validation)?;
    c.metadata = md;
    c.templates.sort_by(|a, b| a.name.cmp(&b.name));

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let wrap = |e: ChartError| ChartError::Subchart { name: n.clone(), parent: c.metadata.name.clone(), source: Box::new(e) };
        let sub = if go_ext(&n) == ".tgz" {
            let file = &files[0];
            if file.name != n {
                return Err(ChartError::other(format!(
                    "error unpacking subchart tar in {}: expected {}, got {}",
                    c.metadata.name, n, file.name
                )));
            }
            load_archive_within(&file.data, opts, warnings, allowance).map_err(wrap)?
        } else {
            // Drop the subchart directory from each name; files directly
            // under charts/ that are not archives are not charts.
            let buff: Vec<BufferedFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(BufferedFile { name: rest.to_string(), data: f.data })
                })
                .collect();
            load_files_within(buff, opts, warnings, allowance).map_err(wrap)?
        };
        c.dependencies.push(sub);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::archive::tests::tgz;

    fn bf(name: &str, data: &str) -> BufferedFile {
        BufferedFile { name: name.into(), data: data.as_bytes().to_vec().into() }
    }

    fn load_mem(files: Vec<BufferedFile>) -> Result<Chart, ChartError> {
        load_files(files, &LoadOptions::default(), &mut Vec::new())
    }

    // Chart.yaml here is JSON (which is YAML) so these tests do not depend
    // on the YAML reader.
    const CHART: &str = r#"{"apiVersion": "v2", "name": "top", "version": "1.0.0"}"#;

    #[test]
    fn sorts_files_into_their_places() {
        let c = load_mem(vec![
            bf("templates/z.yaml", "z"),
            bf("Chart.yaml", CHART),
            bf("templates/_helpers.tpl", "h"),
            bf("templates/NOTES.txt", "n"),
            bf("crds/crd.yaml", "c"),
            bf("README.md", "r"),
            bf("values.schema.json", "{}"),
            bf("charts/sub/Chart.yaml", r#"{"name": "sub", "version": "0.1.0"}"#),
            bf("charts/sub/templates/a.yaml", "a"),
            bf("charts/_skip/Chart.yaml", "x"),
            bf("charts/sub-0.1.0.tgz.prov", "p"),
        ])
        .unwrap();
        assert_eq!(c.metadata.name, "top");
        let t: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(t, ["templates/NOTES.txt", "templates/_helpers.tpl", "templates/z.yaml"]);
        let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(f, ["crds/crd.yaml", "README.md", "charts/sub-0.1.0.tgz.prov"]);
        assert_eq!(c.schema.as_deref(), Some(&b"{}"[..]));
        assert_eq!(c.dependencies.len(), 1);
        let sub = &c.dependencies[0];
        assert_eq!(sub.metadata.name, "sub");
        assert_eq!(sub.metadata.api_version, "v1");
        assert_eq!(sub.templates[0].name, "templates/a.yaml");
    }

    #[test]
    fn helm_errors() {
        let e = load_mem(vec![bf("values.yaml", "{}")]).unwrap_err();
        assert_eq!(e.to_string(), "Chart.yaml file is missing");
        let e = load_mem(vec![
            bf("Chart.yaml", r#"{"apiVersion": "v1", "name": "chart-with-bad-subcharts", "version": "0.0.1"}"#),
            bf("charts/bad-subchart/Chart.yaml", r#"{"description": "Bad subchart"}"#),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "error unpacking subchart bad-subchart in chart-with-bad-subcharts: validation: chart.metadata.name is required"
        );
        let e = load_mem(vec![bf("Chart.yaml", r#"{"apiVersion": "v2", "name": "x", "version": "1", "type": "Library"}"#)])
            .unwrap_err();
        assert_eq!(e.to_string(), "validation: chart.metadata.type must be application or library");
        // A stray file in charts/ is an unloadable subchart, as in Helm.
        let e = load_mem(vec![bf("Chart.yaml", CHART), bf("charts/README.md", "x")]).unwrap_err();
        assert_eq!(e.to_string(), "error unpacking subchart README.md in top: Chart.yaml file is missing");
    }

    #[test]
    fn requirements_yaml_feeds_v1_dependencies() {
        let mut w = Vec::new();
        let c = load_files(
            vec![
                bf("Chart.yaml", r#"{"apiVersion": "v1", "name": "old", "version": "1.0.0"}"#),
                bf("requirements.yaml", r#"{"dependencies": [{"name": "a", "version": "1.x"}]}"#),
            ],
            &LoadOptions::default(),
            &mut w,
        )
        .unwrap();
        assert_eq!(c.metadata.dependencies.len(), 1);
        assert_eq!(c.metadata.dependencies[0].name, "a");
        assert_eq!(c.files[0].name, "requirements.yaml");
        assert!(w.is_empty());
        let mut w = Vec::new();
        load_files(
            vec![bf("Chart.yaml", CHART), bf("requirements.yaml", r#"{"dependencies": []}"#)],
            &LoadOptions::default(),
            &mut w,
        )
        .unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0].to_slog_line().starts_with("level=INFO msg=\"Warning: Dependencies are handled in Chart.yaml"));
    }

    #[test]
    fn loads_nested_archives() {
        let sub = tgz(&[
            ("sub/Chart.yaml", 'f', br#"{"apiVersion": "v2", "name": "sub", "version": "0.2.0"}"#),
            ("sub/templates/x.yaml", 'f', b"x"),
        ]);
        let top = tgz(&[("top/Chart.yaml", 'f', CHART.as_bytes()), ("top/charts/sub-0.2.0.tgz", 'f', &sub)]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("top-1.0.0.tgz");
        std::fs::write(&p, &top).unwrap();
        let c = load(&p).unwrap();
        assert_eq!(c.dependencies[0].metadata.name, "sub");
        assert_eq!(c.dependencies[0].templates[0].name, "templates/x.yaml");
        // A values file given as a chart.
        let v = dir.path().join("values.yaml");
        std::fs::write(&v, "a: 1").unwrap();
        let e = load(&v).unwrap_err().to_string();
        assert!(e.ends_with("values.yaml' seems to be a YAML file, but expected a gzipped archive"), "{e}");
        // Limits apply to nested archives too.
        let opts = LoadOptions { limits: Limits { max_chart_size: 1 << 20, max_file_size: 100 } };
        let e = load_with(&p, &opts).unwrap_err().to_string();
        assert!(e.contains("is larger than the maximum file size 100"), "{e}");
    }

    #[test]
    fn large_files_are_mapped_with_the_same_contents_and_limits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("big");
        std::fs::create_dir_all(root.join("crds")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("Chart.yaml"), CHART).unwrap();
        let body: String = (0..20_000).map(|i| format!("{i}\n")).collect();
        assert!(body.len() as u64 >= MAP_MIN_LEN);
        std::fs::write(root.join("crds/big.yaml"), format!("\u{feff}{body}")).unwrap();
        std::fs::write(root.join("templates/big.yaml"), &body).unwrap();
        let c = load(&root).unwrap();
        // The byte order mark goes, as for a file that is read.
        assert_eq!(&*c.files[0].data, body.as_bytes());
        assert_eq!(&*c.templates[0].data, body.as_bytes());
        // The per-file limit holds for mapped files too.
        let opts = LoadOptions { limits: Limits { max_chart_size: 1 << 30, max_file_size: MAP_MIN_LEN } };
        let e = load_with(&root, &opts).unwrap_err().to_string();
        assert!(e.contains("is larger than the maximum file size"), "{e}");
    }

    #[test]
    fn loads_directories_with_helmignore_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mychart");
        let w = |p: &str, s: &str| {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, s).unwrap();
        };
        w("Chart.yaml", CHART);
        w(".helmignore", "# comment\n*.bak\nignored/\n");
        w("templates/a.yaml", "a");
        w("templates/.hidden", "h");
        w("templates/a.yaml.bak", "b");
        w("ignored/x.txt", "x");
        w("files/bom.txt", "\u{feff}text");
        w("shared/one.txt", "one");
        std::os::unix::fs::symlink(root.join("shared"), root.join("linked")).unwrap();
        let loaded = load_with(&root, &LoadOptions::default()).unwrap();
        let c = loaded.chart;
        let t: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(t, ["templates/a.yaml"]);
        let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(f, [".helmignore", "files/bom.txt", "linked/one.txt", "shared/one.txt"]);
        assert_eq!(&*c.files[1].data, b"text");
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].message.starts_with("found symbolic link in path"));

        // A link leaving the chart is refused.
        let outside = dir.path().join("secret.txt");
        std::fs::write(&outside, "s").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("leak.txt")).unwrap();
        let e = load(&root).unwrap_err().to_string();
        assert!(e.contains("outside the chart directory"), "{e}");
        std::fs::remove_file(root.join("leak.txt")).unwrap();

        // A link loop is an error, not endless recursion.
        std::os::unix::fs::symlink(&root, root.join("shared/loop")).unwrap();
        let e = load(&root).unwrap_err().to_string();
        assert!(e.contains("link loop"), "{e}");
    }
}
