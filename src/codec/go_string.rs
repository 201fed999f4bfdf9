//! Go strings held in Rust strings. Go strings are byte strings, and a
//! Rust `str` holds only UTF-8: each byte outside valid UTF-8 (a binary
//! file read with `.Files.Get`, `b64dec` of binary data, a slice that cuts
//! a rune) is carried as one private-use character, U+10FF00 plus the byte,
//! and turned back into that byte wherever Go's answer depends on the
//! bytes (`b64enc`, the checksums, `len`, `%q`, JSON). A chart's own text
//! holding those characters (the last 256 code points of plane 16) would be
//! read as bytes too.

/// The first of the 256 private-use characters that stand for the bytes of
/// a Go string that are not UTF-8 (see [`string_from_go_bytes`]).
const RAW_BYTE_BASE: u32 = 0x10FF00;

/// A Go string from its bytes.
pub fn string_from_go_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(char::from_u32(RAW_BYTE_BASE + b as u32).expect("a plane-16 code point"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The bytes of a Go string held as [`string_from_go_bytes`] made it.
pub fn go_bytes(s: &str) -> std::borrow::Cow<'_, [u8]> {
    // Every character from U+10FF00 on starts with the byte F4.
    if !s.as_bytes().contains(&0xF4) {
        return std::borrow::Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The byte a character stands for in a string [`string_from_go_bytes`]
/// made, if it stands for one.
pub fn raw_byte(c: char) -> Option<u8> {
    (c as u32).checked_sub(RAW_BYTE_BASE).map(|b| b as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_comes_back_and_utf8_is_not_copied() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly ASCII and UTF-8 lead/continuation bytes.
                    [b'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF4, 0x8F, 0xFF, 0x00][(seed % 10) as usize]
                })
                .collect();
            let s = string_from_go_bytes(&bytes);
            assert_eq!(&*go_bytes(&s), &bytes[..], "{bytes:x?}");
        }
        assert!(matches!(string_from_go_bytes("héllo €".as_bytes()), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(go_bytes("héllo €"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(string_from_go_bytes(b"a\xffb").chars().nth(1).and_then(raw_byte), Some(0xFF));
    }
}
