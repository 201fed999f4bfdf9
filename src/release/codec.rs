//! Helm's storage encoding of a release: base64(gzip(JSON)).
//!
//! Go: pkg/storage/driver/util.go encodeRelease/decodeRelease. The JSON is
//! written as Go's json.Marshal writes it (see [`super::gojson`]), gzip at
//! best compression, standard base64 with padding. Decoding, like Helm,
//! skips gunzip when the bytes do not start with the gzip magic (records from
//! before compression), and also accepts bare JSON text.

use std::io::{Read, Write};
use std::sync::Arc;

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};

use super::error::StoreError;
use super::gojson::{decode_go_base64, to_go_json};
use super::record::{RecordRun, Release, RunFields};

/// Go: driver.magicGzip.
const MAGIC_GZIP: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The record's JSON, byte-for-byte what Helm's json.Marshal writes.
pub fn release_to_json(rel: &Release) -> Result<Vec<u8>, StoreError> {
    to_go_json(rel).map_err(|e| StoreError::Codec(format!("encoding release {:?}: {e}", rel.name)))
}

/// Parse a record's JSON (unknown fields are kept in `extra`).
pub fn release_from_json(json: &[u8]) -> Result<Release, StoreError> {
    serde_json::from_slice(json).map_err(|e| StoreError::Codec(format!("decoding release JSON: {e}")))
}

/// Go: encodeRelease: base64(gzip(json)), gzip.BestCompression.
pub fn encode_release(rel: &Release) -> Result<String, StoreError> {
    encode_release_level(rel, HELM_GZIP_LEVEL)
}

/// Helm's gzip level (gzip.BestCompression).
pub const HELM_GZIP_LEVEL: u32 = 9;

/// [`encode_release`] at another gzip level (0-9). Any level decodes the
/// same in Helm; level 9 costs ~8x level 1's time on a 5 MB record.
pub fn encode_release_level(rel: &Release, level: u32) -> Result<String, StoreError> {
    use base64::Engine;
    let json = release_to_json(rel)?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::new(level.min(9)));
    gz.write_all(&json).and_then(|_| gz.finish()).map_or_else(
        |e| Err(StoreError::Codec(format!("compressing release: {e}"))),
        |bytes| Ok(base64::engine::general_purpose::STANDARD.encode(bytes)),
    )
}

/// The compressed gzip members of a record's chart run and of its values
/// and manifest run ([`RecordRun`]), for reuse in another record that
/// repeats them.
#[derive(Debug, Clone)]
pub struct ReusableRuns {
    pub chart: Arc<[u8]>,
    pub values_and_manifest: Arc<[u8]>,
}

/// Marks a gzip member holding a reusable run, in its header's comment.
fn run_mark(run: RecordRun) -> Option<&'static [u8]> {
    match run {
        RecordRun::Chart => Some(b"capstan record run: chart"),
        RecordRun::ValuesAndManifest => Some(b"capstan record run: values and manifest"),
        RecordRun::Head | RecordRun::Tail => None,
    }
}

/// A run's JSON text: its part of the record's object (see [`RecordRun`]).
fn run_json(rel: &Release, run: RecordRun) -> Result<Vec<u8>, StoreError> {
    let object = to_go_json(&RunFields(rel, run))
        .map_err(|e| StoreError::Codec(format!("encoding release {:?}: {e}", rel.name)))?;
    // `{…}` of the run's fields alone becomes the record's text for them.
    let fields = &object[1..object.len() - 1];
    let mut text = Vec::with_capacity(fields.len() + 2);
    match run {
        RecordRun::Head => text.push(b'{'),
        _ if !fields.is_empty() => text.push(b','),
        _ => {}
    }
    text.extend_from_slice(fields);
    if run == RecordRun::Tail {
        text.push(b'}');
    }
    Ok(text)
}

/// [`encode_release_level`] as one gzip member per [`RecordRun`] (Go's
/// gzip reader, like ours, reads the members as one stream). `reuse` may
/// offer the compressed member of a run another record repeats. Returns
/// the encoded record and its reusable members.
pub fn encode_release_runs(
    rel: &Release,
    level: u32,
    reuse: impl Fn(RecordRun) -> Option<Arc<[u8]>>,
) -> Result<(String, ReusableRuns), StoreError> {
    use base64::Engine;
    let members = RecordRun::ALL
        .into_iter()
        .map(|run| {
            let mark = run_mark(run);
            if let Some(member) = mark.and_then(|_| reuse(run)) {
                return Ok(member);
            }
            let json = run_json(rel, run)?;
            let mut builder = GzBuilder::new();
            if let Some(mark) = mark {
                builder = builder.comment(mark);
            }
            let mut enc = builder.write(Vec::with_capacity(json.len() / 4 + 64), Compression::new(level.min(9)));
            enc.write_all(&json)
                .and_then(|_| enc.finish())
                .map(Arc::from)
                .map_err(|e| StoreError::Codec(format!("compressing release: {e}")))
        })
        .collect::<Result<Vec<Arc<[u8]>>, StoreError>>()?;
    let body = base64::engine::general_purpose::STANDARD.encode(members.concat());
    // Members are in RecordRun::ALL order.
    Ok((body, ReusableRuns { chart: members[1].clone(), values_and_manifest: members[2].clone() }))
}

/// [`decode_release`], also giving the reusable members when the record was
/// written by [`encode_release_runs`] and its runs check out.
pub fn decode_release_runs(data: &str) -> Result<(Release, Option<ReusableRuns>), StoreError> {
    let (json, bytes, members) = decode_members(data)?;
    let rel = release_from_json(&json)?;
    let runs = (members.len() == RecordRun::ALL.len()
        && RecordRun::ALL.iter().zip(&members).all(|(&run, m)| m.comment.as_deref() == run_mark(run)))
    .then(|| {
        // The head and tail must be this record's own, so that the two runs
        // between them are exactly its chart, values and manifest.
        let text = |i: usize| &json[members[i].text..members.get(i + 1).map_or(json.len(), |m| m.text)];
        let ours = |i: usize| run_json(&rel, RecordRun::ALL[i]).is_ok_and(|j| j == text(i));
        let chart_run = text(1).starts_with(b",\"chart\":");
        let values_run = text(2).is_empty() || text(2).starts_with(b",\"config\":") || text(2).starts_with(b",\"manifest\":");
        (chart_run && values_run && ours(0) && ours(3))
            .then(|| ReusableRuns {
                chart: Arc::from(&bytes[members[1].bytes.clone()]),
                values_and_manifest: Arc::from(&bytes[members[2].bytes.clone()]),
            })
    })
    .flatten();
    Ok((rel, runs))
}

/// Go: decodeRelease. `data` is Helm's encoded string (what a Secret's
/// `data.release` holds after the API's own base64 is removed).
pub fn decode_release(data: &str) -> Result<Release, StoreError> {
    release_from_json(&decode_release_json(data)?)
}

/// The JSON bytes inside an encoded record, without parsing them.
pub fn decode_release_json(data: &str) -> Result<Vec<u8>, StoreError> {
    Ok(decode_members(data)?.0)
}

/// A gzip member of an encoded record.
struct Member {
    /// Its compressed bytes, in the decoded base64.
    bytes: std::ops::Range<usize>,
    /// Its header's comment.
    comment: Option<Vec<u8>>,
    /// Where its text starts in the JSON.
    text: usize,
}

/// An encoded record's JSON, its base64-decoded bytes and their gzip
/// members (none when the record is not compressed).
fn decode_members(data: &str) -> Result<(Vec<u8>, Vec<u8>, Vec<Member>), StoreError> {
    let text = data.trim();
    // Not base64 (`{` is outside its alphabet): a record stored as bare JSON.
    if text.starts_with('{') {
        return Ok((text.as_bytes().to_vec(), Vec::new(), Vec::new()));
    }
    let bytes = decode_go_base64(text).map_err(|e| StoreError::Codec(format!("decoding release base64: {e}")))?;
    // Go: `len(b) > 3 && bytes.Equal(b[0:3], magicGzip)`.
    if bytes.len() <= 3 || bytes[..3] != MAGIC_GZIP {
        return Ok((bytes, Vec::new(), Vec::new()));
    }
    // A hostile record must not decompress into all of memory.
    let max = crate::limits::current().max_release_size;
    let mut json = Vec::with_capacity(bytes.len() * 4);
    let mut members = Vec::new();
    let mut at = 0;
    // Go's gzip reader reads concatenated members as one stream.
    while at < bytes.len() {
        let start = json.len();
        let mut member = flate2::bufread::GzDecoder::new(&bytes[at..]);
        (&mut member)
            .take((max + 1).saturating_sub(start as u64))
            .read_to_end(&mut json)
            .map_err(|e| StoreError::Codec(format!("decompressing release: {e}")))?;
        if json.len() as u64 > max {
            return Err(StoreError::Codec(format!(
                "decompressing release: the record is larger than {max} bytes (CAPSTAN_MAX_RELEASE_SIZE)"
            )));
        }
        let comment = member.header().and_then(|h| h.comment()).map(<[u8]>::to_vec);
        let end = bytes.len() - member.into_inner().len();
        members.push(Member { bytes: at..end, comment, text: start });
        at = end;
    }
    Ok((json, bytes, members))
}
