//! Base64 and base32 (Sprig's `b64enc`, `b64dec`, `b32enc`, `b32dec`).
//! Encoding uses data-encoding; decoding follows Go's encoding/base64 and
//! encoding/base32 decoders so that bad input gives Go's error text, which
//! Sprig returns as the result (`illegal base64 data at input byte 4`).

use data_encoding::{BASE32, BASE64};

use super::{arg_str, FuncResult};
use crate::engine::value::{go_bytes, string_from_go_bytes, Value};

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn decode_map(alphabet: &[u8]) -> [u8; 256] {
    let mut m = [0xffu8; 256];
    for (i, c) in alphabet.iter().enumerate() {
        m[*c as usize] = i as u8;
    }
    m
}

/// Go's `base64.StdEncoding.DecodeString`; the error is the offset of the
/// first bad byte.
pub fn go_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let map = decode_map(B64_ALPHABET);
    let is_nl = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // Go: decodeQuantum
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_err = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            let v = map[c as usize];
            if v != 0xff {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if is_nl(c) {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && is_nl(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                trailing_err = Some(si);
            }
            dlen = j;
            break;
        }
        let val = (dbuf[0] as u32) << 18 | (dbuf[1] as u32) << 12 | (dbuf[2] as u32) << 6 | dbuf[3] as u32;
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(e) = trailing_err {
            return Err(e);
        }
    }
    Ok(out)
}

/// Go's `base32.StdEncoding.DecodeString` (newlines are stripped first).
pub fn go_base32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
    let map = decode_map(B32_ALPHABET);
    let stripped: Vec<u8> = input.iter().copied().filter(|c| *c != b'\n' && *c != b'\r').collect();
    let olen = stripped.len();
    let mut src: &[u8] = &stripped;
    let mut out = Vec::new();
    let mut end = false;
    while !src.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            if src.is_empty() {
                return Err(olen - src.len() - j);
            }
            let c = src[0];
            src = &src[1..];
            if c == b'=' && j >= 2 && src.len() < 8 {
                if src.len() + j < 7 {
                    return Err(olen);
                }
                for k in 0..(7 - j) {
                    if src.len() > k && src[k] != b'=' {
                        return Err(olen - src.len() + k - 1);
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(olen - src.len() - 1);
                }
                break;
            }
            dbuf[j] = map[c as usize];
            if dbuf[j] == 0xff {
                return Err(olen - src.len() - 1);
            }
            j += 1;
        }
        let b = [
            dbuf[0] << 3 | dbuf[1] >> 2,
            dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4,
            dbuf[3] << 4 | dbuf[4] >> 1,
            dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3,
            dbuf[6] << 5 | dbuf[7],
        ];
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&b[..n]);
    }
    Ok(out)
}

pub fn b64enc(a: &[Value]) -> FuncResult {
    Ok(Value::string(BASE64.encode(&go_bytes(arg_str(a, 0)))))
}

pub fn b64dec(a: &[Value]) -> FuncResult {
    Ok(Value::string(match go_base64_decode(arg_str(a, 0).as_bytes()) {
        Ok(b) => string_from_go_bytes(&b).into_owned(),
        Err(at) => format!("illegal base64 data at input byte {at}"),
    }))
}

pub fn b32enc(a: &[Value]) -> FuncResult {
    Ok(Value::string(BASE32.encode(&go_bytes(arg_str(a, 0)))))
}

pub fn b32dec(a: &[Value]) -> FuncResult {
    Ok(Value::string(match go_base32_decode(arg_str(a, 0).as_bytes()) {
        Ok(b) => string_from_go_bytes(&b).into_owned(),
        Err(at) => format!("illegal base32 data at input byte {at}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call_str, s};

    /// A one-string-argument function's string result.
    fn call(name: &str, x: &str) -> String {
        call_str(name, &[s(x)])
    }

    #[test]
    fn base64_round_trips_and_reports_like_go() {
        // strings_test.go TestBase64EncodeDecode
        assert_eq!(call("b64enc", "abcdefghijklmnopqrstuvwxyz"), "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=");
        assert_eq!(call("b64dec", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo="), "abcdefghijklmnopqrstuvwxyz");
        assert_eq!(call("b64dec", "YW\nJj"), "abc");
        assert_eq!(call("b64dec", "YWJ"), "illegal base64 data at input byte 0");
        assert_eq!(call("b64dec", "YW*j"), "illegal base64 data at input byte 2");
        assert_eq!(call("b64dec", "YQ==YQ=="), "illegal base64 data at input byte 4");
        assert_eq!(call("b64dec", "YQ="), "illegal base64 data at input byte 3");
        assert_eq!(call("b64dec", ""), "");
    }

    #[test]
    fn base32_round_trips_and_reports_like_go() {
        // strings_test.go TestBase32EncodeDecode
        assert_eq!(
            call("b32enc", "abcdefghijklmnopqrstuvwxyz"),
            "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI======"
        );
        assert_eq!(
            call("b32dec", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI======"),
            "abcdefghijklmnopqrstuvwxyz"
        );
        assert_eq!(call("b32dec", "MY======"), "f");
        assert_eq!(call("b32dec", "MZXQ===="), "fo");
        assert_eq!(call("b32dec", "MZXW6==="), "foo");
        assert_eq!(call("b32dec", "MZXW6YQ="), "foob");
        assert_eq!(call("b32dec", "MZXW6"), "illegal base32 data at input byte 0");
        assert_eq!(call("b32dec", "M1======"), "illegal base32 data at input byte 1");
    }
}
