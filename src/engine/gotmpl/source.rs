//! Template text that parse trees share: UTF-8 held in a [`bytes::Bytes`],
//! so a chart file's own buffer (or memory map) becomes the template's text
//! without a copy, and each text node is a cheap slice of it.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// Valid UTF-8 bytes, shared by reference count.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Source(Bytes);

impl Source {
    /// `bytes` as text, when they are valid UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<Source, std::str::Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(Source(bytes))
    }

    /// The part of this text that `part` (a slice of it) covers, sharing
    /// the same bytes; None when `part` does not lie within this text.
    pub fn slice_of(&self, part: &str) -> Option<Source> {
        // An empty part may point anywhere: it needs no bytes.
        if part.is_empty() {
            return Some(Source::default());
        }
        let base = self.0.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        let inside = at >= base && at + part.len() <= base + self.0.len();
        inside.then(|| Source(self.0.slice_ref(part.as_bytes())))
    }
}

impl Deref for Source {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: every constructor checks or inherits UTF-8 validity, and
        // `slice_of` cuts at the bounds of a `&str` within the text, which
        // are character boundaries.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        Source(Bytes::from(s))
    }
}

impl From<&str> for Source {
    fn from(s: &str) -> Source {
        Source(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_the_text_and_refuse_foreign_strings() {
        let s = Source::from("héllo {{ . }}".to_string());
        let part = &s[1..6];
        let cut = s.slice_of(part).unwrap();
        assert_eq!(&*cut, "éllo");
        assert_eq!(cut.as_ptr(), part.as_ptr(), "no copy");
        assert!(s.slice_of("elsewhere").is_none());
        assert_eq!(&*s.slice_of("").unwrap(), "");
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(Source::from_utf8(Bytes::from_static(b"a\xffb")).is_err());
        assert_eq!(&*Source::from_utf8(Bytes::from_static(b"ok")).unwrap(), "ok");
    }
}
