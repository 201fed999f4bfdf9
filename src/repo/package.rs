//! `capstan package`: a chart directory to a `NAME-VERSION.tgz` archive the
//! way Helm 4 writes one (pkg/action/package.go, pkg/chart/v2/util/save.go).
//!
//! The archive is reproducible: the same chart files with the same
//! modification times give the same bytes. As in Helm 4 each entry carries
//! its source file's modification time (rounded to the second, as Go's tar
//! writer does), Chart.lock carries its `generated` time, and the gzip
//! header has no time, so nothing depends on the clock. With
//! `SOURCE_DATE_EPOCH` set (the reproducible-builds convention) every entry
//! gets that time instead, so a fresh checkout packages to the same bytes.
//!
//! Layout, as Helm's `Save`: `name/Chart.yaml` (re-serialised from the
//! parsed metadata, keys sorted), `name/Chart.lock` (apiVersion v2),
//! `name/values.yaml` (as written), `name/values.schema.json`, templates,
//! other files, then each subchart under `name/charts/<subchart name>/`
//! (subchart archives are stored expanded, as Helm does). Entries are USTAR
//! headers byte-for-byte like Go's archive/tar (mode 0644, uid/gid 0), the
//! gzip header carries Helm's extra field and the comment `Helm`.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};

use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::gotime::GoTime;
use super::helmjson;
use crate::chart::ignore::{Rules, HELM_IGNORE};
use crate::chart::version::Version;
use crate::chart::{self, Chart};

/// Helm's gzip extra field (pkg/chart/v2/util/save.go headerBytes).
const HELM_GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

/// What `package` may change and where it writes.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// `--version`: set the chart version.
    pub version: Option<String>,
    /// `--app-version`: set the appVersion.
    pub app_version: Option<String>,
    /// `-d/--destination` (the current directory when `None`).
    pub destination: Option<PathBuf>,
    /// One modification time for every entry (`SOURCE_DATE_EPOCH`).
    pub fixed_mtime: Option<i64>,
}

/// The `SOURCE_DATE_EPOCH` the environment sets, if any.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| RepoError::msg(format!("SOURCE_DATE_EPOCH must be whole seconds since 1970, got {s:?}"))),
        _ => Ok(None),
    }
}

/// Package the chart directory `dir` (Helm's `Package.Run`): load it with
/// `.helmignore` applied, apply `--version`/`--app-version`, check that
/// every Chart.yaml dependency is in `charts/`, and write the archive.
/// Returns the archive's path.
pub fn package_dir(dir: &Path, opts: &PackageOptions) -> Result<PathBuf> {
    let meta = std::fs::metadata(dir).at(dir)?;
    if !meta.is_dir() {
        return Err(RepoError::msg(format!("{}: only chart directories can be packaged", dir.display())));
    }
    let mut chart = chart::load(dir)?;
    if let Some(v) = &opts.version {
        chart.metadata.version = v.clone();
    }
    Version::parse(&chart.metadata.version).map_err(|e| RepoError::msg(e.to_string()))?;
    if let Some(v) = &opts.app_version {
        chart.metadata.app_version = v.clone();
    }
    if !chart.metadata.dependencies.is_empty() {
        chart::dependencies::check(&chart)?;
    }
    let dest = match &opts.destination {
        Some(d) => d.clone(),
        None => std::env::current_dir().at(".")?,
    };
    let times = match opts.fixed_mtime {
        Some(t) => FileTimes::fixed(t),
        None => FileTimes::from_dir(dir),
    };
    save(&chart, &dest, &times)
}

/// Helm's `chartutil.Save`: write `chart` as `<out_dir>/<name>-<version>.tgz`
/// (atomically: a failure leaves no partial archive). Returns the path.
pub fn save(chart: &Chart, out_dir: &Path, times: &FileTimes) -> Result<PathBuf> {
    validate_name(&chart.metadata.name)?;
    let file = out_dir.join(format!("{}-{}.tgz", chart.metadata.name, chart.metadata.version));
    match std::fs::metadata(out_dir) {
        Ok(m) if !m.is_dir() => return Err(RepoError::msg(format!("is not a directory: {}", out_dir.display()))),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(out_dir).at(out_dir)?,
        Err(e) => return Err(RepoError::msg(format!("stat {}: {e}", out_dir.display()))),
    }
    let data = archive(chart, times)?;
    fsutil::write_atomic(&file, &data, 0o644)?;
    Ok(std::path::absolute(&file).unwrap_or(file))
}

/// The archive bytes of `chart` (Helm's `Save` without the file).
pub fn archive(chart: &Chart, times: &FileTimes) -> Result<Vec<u8>> {
    let mut tar = TarWriter::default();
    write_chart(&mut tar, chart, "", times)?;
    let tar = tar.finish();
    // Go's gzip.Writer: no name, no time (zero ModTime writes 0), OS 255,
    // XFL 0 at the default level; Helm sets Extra and Comment.
    let gz: GzEncoder<Vec<u8>> = GzBuilder::new()
        .extra(HELM_GZIP_EXTRA.to_vec())
        .comment("Helm")
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::default());
    let mut gz = gz;
    gz.write_all(&tar).map_err(|e| RepoError::msg(format!("compressing the chart: {e}")))?;
    gz.finish().map_err(|e| RepoError::msg(format!("compressing the chart: {e}")))
}

/// Helm's validateName: a chart name may not move the archive elsewhere.
fn validate_name(name: &str) -> Result<()> {
    let base = name.rsplit('/').next().unwrap_or(name);
    if base != name || name.is_empty() || name == "." || name == ".." {
        return Err(RepoError::msg(format!("{} is not a valid chart name", crate::chart::gostr::quote(name))));
    }
    Ok(())
}

/// Helm's writeTarContents.
fn write_chart(tar: &mut TarWriter, c: &Chart, prefix: &str, times: &FileTimes) -> Result<()> {
    validate_name(&c.metadata.name)?;
    let base = if prefix.is_empty() { c.metadata.name.clone() } else { format!("{prefix}/{}", c.metadata.name) };
    let chart_time = times.time("Chart.yaml");

    tar.add(&format!("{base}/Chart.yaml"), helmjson::metadata_yaml(&c.metadata).as_bytes(), chart_time);
    if c.metadata.api_version == "v2" {
        if let Some(lock) = &c.lock {
            // Helm stamps Chart.lock with its `generated` time.
            let t = match (times.fixed, GoTime::parse(&lock.generated)) {
                (Some(t), _) => t,
                (None, Some(g)) if !g.is_zero() => g.unix_rounded(),
                _ => chart_time,
            };
            tar.add(&format!("{base}/Chart.lock"), helmjson::lock_yaml(lock).as_bytes(), t);
        }
    }
    if let Some(raw) = &c.raw_values {
        tar.add(&format!("{base}/values.yaml"), raw, times.time("values.yaml"));
    }
    if let Some(schema) = &c.schema {
        if serde_json::from_slice::<serde::de::IgnoredAny>(schema).is_err() {
            return Err(RepoError::msg("invalid JSON in values.schema.json"));
        }
        tar.add(&format!("{base}/values.schema.json"), schema, times.time("values.schema.json"));
    }
    // Helm writes templates in its directory walk's order (entries sorted
    // within each directory); the loader keeps them sorted by full path.
    let mut templates: Vec<&chart::File> = c.templates.iter().collect();
    templates.sort_by(|a, b| a.name.split('/').cmp(b.name.split('/')));
    for f in templates.into_iter().chain(&c.files) {
        tar.add(&format!("{base}/{}", f.name), &f.data, times.time(&f.name));
    }
    let sub_prefix = format!("{base}/charts");
    for (i, dep) in c.dependencies.iter().enumerate() {
        let sub_times = times.subchart(i);
        write_chart(tar, dep, &sub_prefix, &sub_times)?;
    }
    Ok(())
}

/// Modification times of a chart's files as Helm's loader records them
/// (file times for a directory, header times for an archive), with the
/// same view of subcharts as the loader, so each entry of a packaged chart
/// gets its source's time.
#[derive(Debug, Clone, Default)]
pub struct FileTimes {
    times: BTreeMap<String, i64>,
    subcharts: Vec<FileTimes>,
    fixed: Option<i64>,
}

impl FileTimes {
    /// One time for everything.
    pub fn fixed(secs: i64) -> FileTimes {
        FileTimes { fixed: Some(secs), ..Default::default() }
    }

    /// The times of a chart directory's files, walked as the loader walks
    /// it (sorted, links followed, top-level `.helmignore` applied).
    pub fn from_dir(dir: &Path) -> FileTimes {
        let mut rules = std::fs::read(dir.join(HELM_IGNORE))
            .ok()
            .and_then(|t| Rules::parse(&String::from_utf8_lossy(&t)).ok())
            .unwrap_or_else(Rules::empty);
        rules.add_defaults();
        let mut times = BTreeMap::new();
        walk(dir, "", &rules, &mut times, 0);
        let root = dir.to_path_buf();
        let fetch = move |rel: &str| std::fs::read(root.join(rel)).ok();
        FileTimes::from_times(times, "", &fetch)
    }

    /// The times recorded in a chart archive's headers.
    pub fn from_archive(data: &[u8]) -> FileTimes {
        let mut times = BTreeMap::new();
        let mut nested: HashMap<String, Vec<u8>> = HashMap::new();
        let gz = flate2::read::MultiGzDecoder::new(data);
        let mut ar = tar::Archive::new(gz);
        if let Ok(entries) = ar.entries() {
            for entry in entries.flatten() {
                let mut entry = entry;
                if !matches!(entry.header().entry_type(), tar::EntryType::Regular | tar::EntryType::Continuous) {
                    continue;
                }
                let raw = String::from_utf8_lossy(&entry.path_bytes()).replace('\\', "/");
                let Some((_, name)) = raw.split_once('/') else { continue };
                let name = chart::archive::clean_path(name);
                let mtime = entry.header().mtime().unwrap_or(0) as i64;
                if name.ends_with(".tgz") {
                    let mut buf = Vec::new();
                    if entry.read_to_end(&mut buf).is_ok() {
                        nested.insert(name.clone(), buf);
                    }
                }
                times.insert(name, mtime);
            }
        }
        let fetch = move |rel: &str| nested.get(rel).cloned();
        FileTimes::from_times(times, "", &fetch)
    }

    /// Split `charts/` into subcharts the way the loader does
    /// (pkg/chart/v2/loader/load.go LoadFiles): grouped by the first path
    /// element in name order, `_`/`.` names skipped, `.prov` files kept as
    /// plain files, `.tgz` names read as archives.
    fn from_times(times: BTreeMap<String, i64>, base: &str, fetch: &dyn Fn(&str) -> Option<Vec<u8>>) -> FileTimes {
        let mut groups: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (name, t) in &times {
            let Some(fname) = name.strip_prefix("charts/") else { continue };
            if name.ends_with(".prov") {
                continue;
            }
            let cname = fname.split('/').next().unwrap_or("").to_string();
            groups.entry(cname).or_default().insert(fname.to_string(), *t);
        }
        let mut subcharts = Vec::new();
        for (cname, files) in groups {
            if cname.starts_with('_') || cname.starts_with('.') {
                continue;
            }
            let full = format!("{base}charts/{cname}");
            let sub = if cname.ends_with(".tgz") {
                fetch(&full).map(|d| FileTimes::from_archive(&d)).unwrap_or_default()
            } else {
                let inner: BTreeMap<String, i64> = files
                    .into_iter()
                    .filter_map(|(n, t)| n.split_once('/').map(|(_, rest)| (rest.to_string(), t)))
                    .collect();
                FileTimes::from_times(inner, &format!("{full}/"), fetch)
            };
            subcharts.push(sub);
        }
        FileTimes { times, subcharts, fixed: None }
    }

    /// The time of the file `name` (relative to the chart root); files the
    /// walk did not see get Chart.yaml's time.
    fn time(&self, name: &str) -> i64 {
        if let Some(t) = self.fixed {
            return t;
        }
        self.times.get(name).or_else(|| self.times.get("Chart.yaml")).copied().unwrap_or(0)
    }

    /// The times of the `i`-th loaded subchart.
    fn subchart(&self, i: usize) -> FileTimes {
        if let Some(t) = self.fixed {
            return FileTimes::fixed(t);
        }
        match self.subcharts.get(i) {
            Some(s) => s.clone(),
            // Should not happen (the same walk as the loader); keep the
            // parent's Chart.yaml time so the result stays deterministic.
            None => FileTimes::fixed(self.time("Chart.yaml")),
        }
    }
}

/// The loader's directory walk (chart/loader.rs Walker), recording times.
fn walk(dir: &Path, rel: &str, rules: &Rules, out: &mut BTreeMap<String, i64>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<String> = read.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let rel_name = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            if !rules.ignore(&rel_name, true) {
                walk(&path, &rel_name, rules, out, depth + 1);
            }
            continue;
        }
        if rules.ignore(&rel_name, false) {
            continue;
        }
        let t = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| GoTime::from_unix(d.as_secs() as i64, d.subsec_nanos()).unix_rounded())
            .unwrap_or(0);
        out.insert(rel_name, t);
    }
}

/// A tar stream written header-for-header like Go's archive/tar Writer with
/// Helm's headers (`Name`, `Mode: 0644`, `Size`, `ModTime`): USTAR, with the
/// USTAR prefix field for long names and a PAX record when even that fails.
#[derive(Debug, Default)]
struct TarWriter {
    out: Vec<u8>,
}

const BLOCK: usize = 512;

impl TarWriter {
    fn add(&mut self, name: &str, data: &[u8], mtime: i64) {
        let mtime = mtime.max(0);
        let ascii = name.is_ascii();
        if name.len() <= 100 && ascii {
            self.header(name, "", data.len() as u64, mtime, b'0');
        } else if let Some((prefix, suffix)) = split_ustar_path(name) {
            self.header(suffix, prefix, data.len() as u64, mtime, b'0');
        } else {
            // Go: writePAXHeader with a "path" record, then the main header
            // with the name made ASCII and cut to the field.
            let record = pax_record("path", name);
            let (dir, file) = match name.rfind('/') {
                Some(i) => (&name[..=i], &name[i + 1..]),
                None => ("", name),
            };
            let pax_name = clean_join(dir, &format!("PaxHeaders.0/{file}"));
            let pax_name: String = pax_name.chars().filter(char::is_ascii).collect();
            let pax_name = pax_name.get(..100).unwrap_or(&pax_name).trim_end_matches('/').to_string();
            self.header(&pax_name, "", record.len() as u64, 0, b'x');
            self.body(record.as_bytes());
            let main: String = name.chars().filter(char::is_ascii).collect();
            self.header(&main, "", data.len() as u64, mtime, b'0');
        }
        self.body(data);
    }

    fn header(&mut self, name: &str, prefix: &str, size: u64, mtime: i64, flag: u8) {
        let mut b = [0u8; BLOCK];
        put_str(&mut b[0..100], name);
        put_octal(&mut b[100..108], if flag == b'x' { 0 } else { 0o644 });
        put_octal(&mut b[108..116], 0);
        put_octal(&mut b[116..124], 0);
        put_octal(&mut b[124..136], size);
        put_octal(&mut b[136..148], mtime as u64);
        b[156] = flag;
        b[257..263].copy_from_slice(b"ustar\0");
        b[263..265].copy_from_slice(b"00");
        if flag != b'x' {
            put_octal(&mut b[329..337], 0);
            put_octal(&mut b[337..345], 0);
        }
        put_str(&mut b[345..500], prefix);
        // Checksum with the field as spaces, written as six octal digits,
        // NUL, space (Go: block.setFormat).
        b[148..156].copy_from_slice(b"        ");
        let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
        put_octal(&mut b[148..155], sum);
        b[155] = b' ';
        self.out.extend_from_slice(&b);
    }

    fn body(&mut self, data: &[u8]) {
        self.out.extend_from_slice(data);
        let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
        self.out.extend(std::iter::repeat_n(0u8, pad));
    }

    /// Two zero blocks end the archive (no padding to a record size, as Go).
    fn finish(mut self) -> Vec<u8> {
        self.out.extend(std::iter::repeat_n(0u8, 2 * BLOCK));
        self.out
    }
}

/// Go's formatString: copy, NUL-terminate when there is room.
fn put_str(field: &mut [u8], s: &str) {
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s.as_bytes()[..n]);
}

/// Go's formatOctal: zero-padded octal leaving room for a trailing NUL.
fn put_octal(field: &mut [u8], x: u64) {
    let s = format!("{x:o}");
    let width = field.len() - 1;
    let padded = if s.len() < width { format!("{}{s}", "0".repeat(width - s.len())) } else { s };
    put_str(field, &padded);
}

/// Go's archive/tar splitUSTARPath.
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    const NAME_SIZE: usize = 100;
    const PREFIX_SIZE: usize = 155;
    let mut length = name.len();
    if length <= NAME_SIZE || !name.is_ascii() {
        return None;
    } else if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let nlen = name.len() - i - 1;
    if i == 0 || nlen > NAME_SIZE || nlen == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Go's archive/tar formatPAXRecord.
fn pax_record(key: &str, value: &str) -> String {
    let base = key.len() + value.len() + 3;
    let mut size = base + base.to_string().len();
    let mut rec = format!("{size} {key}={value}\n");
    if rec.len() != size {
        size = rec.len();
        rec = format!("{size} {key}={value}\n");
    }
    rec
}

/// path.Join for the PAX header name.
fn clean_join(dir: &str, file: &str) -> String {
    chart::archive::clean_path(&format!("{dir}{file}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ustar_headers_match_go() {
        let mut t = TarWriter::default();
        t.add("mychart/Chart.yaml", b"name: x\n", 1_700_000_000);
        let out = t.finish();
        assert_eq!(out.len(), 512 * 4);
        let h = &out[..512];
        assert_eq!(&h[..19], b"mychart/Chart.yaml\0");
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[108..116], b"0000000\0");
        assert_eq!(&h[124..136], b"00000000010\0");
        assert_eq!(&h[136..148], format!("{:011o}\0", 1_700_000_000).as_bytes());
        assert_eq!(h[156], b'0');
        assert_eq!(&h[257..265], b"ustar\x0000");
        assert_eq!(&h[329..345], b"0000000\x000000000\x00");
        // The tar crate agrees on the checksum.
        let parsed = tar::Header::from_byte_slice(h);
        assert_eq!(
            parsed.cksum().unwrap() as u64,
            h.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { b as u64 }).sum::<u64>()
        );
        assert_eq!(&h[155..156], b" ");
    }

    #[test]
    fn long_names_use_the_ustar_prefix_or_pax() {
        let long = format!("chart/{}/file.yaml", "d".repeat(120));
        assert_eq!(split_ustar_path(&long), Some((&long[..126], "file.yaml")));
        let mut t = TarWriter::default();
        t.add(&long, b"x", 0);
        let out = t.finish();
        let mut ar = tar::Archive::new(&out[..]);
        let names: Vec<String> =
            ar.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(names, std::slice::from_ref(&long));

        let unsplittable = format!("chart/{}", "f".repeat(200));
        let mut t = TarWriter::default();
        t.add(&unsplittable, b"y", 0);
        let out = t.finish();
        let mut ar = tar::Archive::new(&out[..]);
        let names: Vec<String> =
            ar.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(names, [unsplittable]);
        assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
    }

    #[test]
    fn gzip_header_is_helms() {
        let c = Chart {
            metadata: crate::chart::Metadata {
                api_version: "v2".into(),
                name: "x".into(),
                version: "1.0.0".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let data = archive(&c, &FileTimes::fixed(0)).unwrap();
        // ID, deflate, FEXTRA|FCOMMENT, MTIME 0, XFL 0, OS 255.
        assert_eq!(&data[..10], &[0x1f, 0x8b, 8, 0x14, 0, 0, 0, 0, 0, 255]);
        let xlen = u16::from_le_bytes([data[10], data[11]]) as usize;
        assert_eq!(&data[12..12 + xlen], HELM_GZIP_EXTRA);
        assert_eq!(&data[12 + xlen..12 + xlen + 5], b"Helm\0");
    }
}
