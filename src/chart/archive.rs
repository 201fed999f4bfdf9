//! Reading a chart archive (`.tgz`) into memory, with Helm's path checks
//! and size limits (pkg/chart/loader/archive/archive.go). Nothing is written
//! to disk, so a rejected archive leaves nothing behind.

use std::io::{BufRead, Read};

use flate2::read::MultiGzDecoder;

use crate::engine::gofmt::strconv::quote;

/// Helm's `MaxDecompressedChartSize`: 100 MiB for all files together.
pub const DEFAULT_MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Helm's `MaxDecompressedFileSize`: 5 MiB per file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Decompressed size limits for archives (the per-file limit also applies
/// to files of a chart directory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_chart_size: u64,
    pub max_file_size: u64,
}

impl Default for Limits {
    /// Helm's sizes unless `CAPSTAN_MAX_CHART_SIZE` / `CAPSTAN_MAX_FILE_SIZE`
    /// change them (see [`crate::limits`]).
    fn default() -> Limits {
        let l = crate::limits::current();
        Limits { max_chart_size: l.max_chart_size, max_file_size: l.max_file_size }
    }
}

/// One file read out of an archive or a chart directory, named by its
/// slash path relative to the chart root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedFile {
    pub name: String,
    pub data: bytes::Bytes,
}

/// Why an archive was rejected (Helm's texts, plus the links Helm lets
/// through as empty files and capstan refuses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("gzip: invalid header")]
    GzipHeader,
    #[error("{0}")]
    Read(String),
    #[error("chart illegally contains absolute paths")]
    AbsolutePath,
    #[error("chart illegally contains content outside the base directory: {0}")]
    OutsideBase(String),
    #[error("chart illegally references parent directory")]
    ParentDirectory,
    #[error("chart contains illegally named files")]
    IllegalName,
    #[error("chart yaml not in base directory")]
    ChartYamlNotInBase,
    #[error("chart illegally contains a link: {0} (links are not allowed in chart archives)")]
    Link(String),
    #[error("chart illegally contains a special file: {0}")]
    SpecialFile(String),
    #[error("decompressed chart is larger than the maximum size {0}")]
    ChartTooLarge(u64),
    #[error("decompressed chart file {0} is larger than the maximum file size {1}")]
    FileTooLarge(String, u64),
    #[error("no files in chart archive")]
    Empty,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Go's `path.Clean` for slash paths.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base` (and `filepath.Base` on Unix): the last element, `.`
/// for an empty path, `/` for only slashes.
pub fn path_base(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Read every file of a gzipped tar chart archive into memory (Helm's
/// `LoadArchiveFiles`): the first path element (the chart directory) is
/// dropped, paths are checked, sizes are limited, a UTF-8 BOM is trimmed.
pub fn load_archive_files(input: impl Read, limits: Limits) -> Result<Vec<BufferedFile>, ArchiveError> {
    let mut remaining = limits.max_chart_size;
    load_archive_files_within(input, limits, &mut remaining)
}

/// [`load_archive_files`] drawing on a decompressed-size allowance shared
/// with other archives (the subchart archives nested in a chart, so that
/// archives inside archives cannot multiply the total).
pub fn load_archive_files_within(
    input: impl Read,
    limits: Limits,
    allowance: &mut u64,
) -> Result<Vec<BufferedFile>, ArchiveError> {
    // Check the gzip magic first so a non-gzip input reports like Go's
    // gzip.NewReader (ErrHeader).
    let mut input = std::io::BufReader::new(input);
    let head = input.fill_buf().map_err(|e| ArchiveError::Read(e.to_string()))?;
    if head.is_empty() {
        return Err(ArchiveError::Read("EOF".into()));
    }
    if head.len() < 3 || head[..3] != [0x1f, 0x8b, 0x08] {
        return Err(ArchiveError::GzipHeader);
    }
    let gz = MultiGzDecoder::new(input);
    let mut archive = tar::Archive::new(gz);
    let entries = archive.entries().map_err(|e| ArchiveError::Read(e.to_string()))?;
    let mut files = Vec::new();
    let mut remaining = (*allowance).min(i64::MAX as u64) as i64;
    for entry in entries {
        let mut entry = entry.map_err(read_error)?;
        let header_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        use tar::EntryType as T;
        match kind {
            T::Directory => continue,
            T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => continue,
            T::Regular | T::Continuous | T::GNUSparse => {}
            T::Symlink | T::Link => return Err(ArchiveError::Link(quote(&header_name))),
            _ => {
                // Old tar formats mark directories with a trailing slash.
                if header_name.ends_with('/') {
                    continue;
                }
                return Err(ArchiveError::SpecialFile(quote(&header_name)));
            }
        }
        if header_name.ends_with('/') {
            continue;
        }

        // An archive made on Windows may use backslashes.
        let delimiter = if header_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = header_name.split(delimiter).collect();
        let n = parts[1..].join(&delimiter.to_string()).replace(delimiter, "/");
        if n.starts_with('/') {
            return Err(ArchiveError::AbsolutePath);
        }
        let n = clean_path(&n);
        if n == "." {
            return Err(ArchiveError::OutsideBase(quote(&header_name)));
        }
        if n.starts_with("..") {
            return Err(ArchiveError::ParentDirectory);
        }
        if is_drive_path(&n) {
            return Err(ArchiveError::IllegalName);
        }
        if parts[0] == "Chart.yaml" {
            return Err(ArchiveError::ChartYamlNotInBase);
        }

        let size = entry.header().size().map_err(read_error)? as i64;
        if size > remaining {
            return Err(ArchiveError::ChartTooLarge(limits.max_chart_size));
        }
        if size as u64 > limits.max_file_size {
            return Err(ArchiveError::FileTooLarge(quote(&header_name), limits.max_file_size));
        }
        let mut data = Vec::with_capacity(size.max(0) as usize);
        let read = (&mut entry).take(remaining.max(0) as u64).read_to_end(&mut data).map_err(read_error)?;
        remaining -= read as i64;
        if (read as i64) < size || remaining <= 0 {
            return Err(ArchiveError::ChartTooLarge(limits.max_chart_size));
        }
        if data.starts_with(UTF8_BOM) {
            data.drain(..3);
        }
        files.push(BufferedFile { name: n, data: data.into() });
    }
    *allowance = remaining.max(0) as u64;
    if files.is_empty() {
        return Err(ArchiveError::Empty);
    }
    Ok(files)
}

fn read_error(e: std::io::Error) -> ArchiveError {
    let msg = e.to_string();
    if msg.contains("invalid gzip header") {
        return ArchiveError::GzipHeader;
    }
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return ArchiveError::Read("unexpected EOF".into());
    }
    ArchiveError::Read(msg)
}

/// Helm's `EnsureArchive`: a clear error when a file given as a chart is not
/// a gzip archive (e.g. a values file passed by mistake).
pub fn ensure_archive(name: &str, head: &[u8]) -> Result<(), String> {
    if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Ok(());
    }
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        return Err(format!("file '{name}' seems to be a YAML file, but expected a gzipped archive"));
    }
    let content_type = if std::str::from_utf8(head).is_ok()
        && !head.iter().any(|b| matches!(b, 0..=8 | 0x0b | 0x0e..=0x1a | 0x1c..=0x1f))
    {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    Err(format!("file '{name}' does not appear to be a gzipped archive; got '{content_type}'"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;

    /// Build a .tgz in memory: (path, kind, data), kind 'f' file, 'd' dir,
    /// 'l' symlink to data.
    pub(crate) fn tgz(entries: &[(&str, char, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            match kind {
                'd' => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_size(0);
                }
                'l' => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    h.set_size(0);
                    h.set_link_name(std::str::from_utf8(data).unwrap()).unwrap();
                }
                _ => {
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_size(data.len() as u64);
                }
            }
            h.set_mode(0o644);
            // Write the raw name so tests can use paths tar::Builder refuses.
            let name = path.as_bytes();
            h.as_old_mut().name[..name.len()].copy_from_slice(name);
            h.set_cksum();
            builder.append(&h, if *kind == 'f' { *data } else { &[][..] }).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn reads_files_without_the_top_directory() {
        let data = tgz(&[
            ("mychart/", 'd', b""),
            ("mychart/Chart.yaml", 'f', b"name: x\n"),
            ("mychart/templates/a.yaml", 'f', b"\xEF\xBB\xBFkind: A\n"),
        ]);
        let files = load_archive_files(&data[..], Limits::default()).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].name, "Chart.yaml");
        assert_eq!(files[1].name, "templates/a.yaml");
        assert_eq!(&files[1].data[..], b"kind: A\n");
    }

    #[test]
    fn rejects_bad_paths_and_links() {
        let e = |entries: &[(&str, char, &[u8])]| load_archive_files(&tgz(entries)[..], Limits::default()).unwrap_err();
        assert_eq!(e(&[("c//etc/passwd", 'f', b"x")]), ArchiveError::AbsolutePath);
        assert_eq!(e(&[("c/../../x", 'f', b"x")]), ArchiveError::ParentDirectory);
        assert_eq!(e(&[("c", 'f', b"x")]), ArchiveError::OutsideBase("\"c\"".into()));
        assert_eq!(e(&[("Chart.yaml", 'f', b"x")]), ArchiveError::OutsideBase("\"Chart.yaml\"".into()));
        assert_eq!(e(&[("c/C:/x", 'f', b"x")]), ArchiveError::IllegalName);
        assert_eq!(e(&[("c/link", 'l', b"/etc/passwd")]), ArchiveError::Link("\"c/link\"".into()));
        assert_eq!(e(&[("c/", 'd', b"")]), ArchiveError::Empty);
        assert_eq!(load_archive_files(&b"not gzip at all"[..], Limits::default()).unwrap_err(), ArchiveError::GzipHeader);
    }

    #[test]
    fn enforces_size_limits() {
        let big = vec![b'a'; 2000];
        let data = tgz(&[("c/a", 'f', &big), ("c/b", 'f', &big)]);
        let limits = Limits { max_chart_size: 3000, max_file_size: 2500 };
        assert_eq!(load_archive_files(&data[..], limits).unwrap_err(), ArchiveError::ChartTooLarge(3000));
        let limits = Limits { max_chart_size: 10_000, max_file_size: 1000 };
        assert_eq!(
            load_archive_files(&data[..], limits).unwrap_err().to_string(),
            "decompressed chart file \"c/a\" is larger than the maximum file size 1000"
        );
        // Exactly reaching the total limit is already too large, as in Helm.
        let limits = Limits { max_chart_size: 4000, max_file_size: 2000 };
        assert_eq!(load_archive_files(&data[..], limits).unwrap_err(), ArchiveError::ChartTooLarge(4000));
        let limits = Limits { max_chart_size: 4001, max_file_size: 2000 };
        assert_eq!(load_archive_files(&data[..], limits).unwrap().len(), 2);
    }

    #[test]
    fn base_matches_go() {
        // Go path_test.go basetests.
        for (p, want) in [("", "."), (".", "."), ("/.", "."), ("/", "/"), ("////", "/"), ("x/", "x"),
            ("abc", "abc"), ("abc/def", "def"), ("a/b/.x", ".x"), ("a/b/c.", "c."), ("a/b/c.x", "c.x")]
        {
            assert_eq!(path_base(p), want, "base {p:?}");
        }
    }

    #[test]
    fn clean_matches_go() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path("/../a"), "/a");
        assert_eq!(clean_path("a/.."), ".");
        // Go path_test.go cleantests.
        for (p, want) in [
            ("", "."),
            ("abc/", "abc"),
            ("a//c", "a/c"),
            ("a/./c/.", "a/c"),
            ("a/c/b/..", "a/c"),
            ("/../abc", "/abc"),
            ("../../abc", "../../abc"),
            ("abc/../../..", "../.."),
            ("//", "/"),
        ] {
            assert_eq!(clean_path(p), want, "clean {p:?}");
        }
    }

    #[test]
    fn ensure_archive_explains() {
        assert!(ensure_archive("x.tgz", &[0x1f, 0x8b, 0x08, 0]).is_ok());
        assert_eq!(
            ensure_archive("values.yaml", b"a: 1").unwrap_err(),
            "file 'values.yaml' seems to be a YAML file, but expected a gzipped archive"
        );
        assert_eq!(
            ensure_archive("x", b"hello").unwrap_err(),
            "file 'x' does not appear to be a gzipped archive; got 'text/plain; charset=utf-8'"
        );
    }
}
