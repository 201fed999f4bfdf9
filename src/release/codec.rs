//! Helm's storage encoding of a release: base64(gzip(JSON)).
//!
//! Go: pkg/storage/driver/util.go encodeRelease/decodeRelease. The JSON is
//! written as Go's json.Marshal writes it (see [`super::gojson`]), gzip at
//! best compression, standard base64 with padding. Decoding, like Helm,
//! skips gunzip when the bytes do not start with the gzip magic (records from
//! before compression), and also accepts bare JSON text.

use std::io::{Read, Write};

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::error::StoreError;
use super::gojson::{decode_go_base64, to_go_json};
use super::record::Release;

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

/// Go: decodeRelease. `data` is Helm's encoded string (what a Secret's
/// `data.release` holds after the API's own base64 is removed).
pub fn decode_release(data: &str) -> Result<Release, StoreError> {
    release_from_json(&decode_release_json(data)?)
}

/// The JSON bytes inside an encoded record, without parsing them.
pub fn decode_release_json(data: &str) -> Result<Vec<u8>, StoreError> {
    let text = data.trim();
    // Not base64 (`{` is outside its alphabet): a record stored as bare JSON.
    if text.starts_with('{') {
        return Ok(text.as_bytes().to_vec());
    }
    let bytes = decode_go_base64(text).map_err(|e| StoreError::Codec(format!("decoding release base64: {e}")))?;
    // Go: `len(b) > 3 && bytes.Equal(b[0:3], magicGzip)`.
    if bytes.len() > 3 && bytes[..3] == MAGIC_GZIP {
        let mut json = Vec::with_capacity(bytes.len() * 4);
        // A hostile record must not decompress into all of memory.
        let max = crate::limits::current().max_release_size;
        MultiGzDecoder::new(bytes.as_slice())
            .take(max.saturating_add(1))
            .read_to_end(&mut json)
            .map_err(|e| StoreError::Codec(format!("decompressing release: {e}")))?;
        if json.len() as u64 > max {
            return Err(StoreError::Codec(format!(
                "decompressing release: the record is larger than {max} bytes (CAPSTAN_MAX_RELEASE_SIZE)"
            )));
        }
        Ok(json)
    } else {
        Ok(bytes)
    }
}
