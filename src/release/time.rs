//! Go `time.Time` as Helm writes it in release records: RFC 3339 with
//! nanoseconds (trailing zeros trimmed) and the zone offset, `Z` for UTC, and
//! Go's zero time `0001-01-01T00:00:00Z` for "unset".

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant with the zone offset it was written with, so a record decodes
/// and re-encodes to the same text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoTime(DateTime<FixedOffset>);

impl GoTime {
    /// Go's `time.Time{}`: January 1, year 1, 00:00:00 UTC.
    pub fn zero() -> GoTime {
        let naive =
            NaiveDate::from_ymd_opt(1, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("year 1 is representable");
        GoTime(naive.and_utc().fixed_offset())
    }

    /// Now, in UTC with nanoseconds (Helm uses `time.Now()`; UTC keeps records
    /// independent of the machine's zone).
    pub fn now() -> GoTime {
        GoTime(Utc::now().fixed_offset())
    }

    /// Go's `Time.IsZero`: the instant is the zero instant, whatever the zone.
    pub fn is_zero(&self) -> bool {
        *self == GoTime::zero()
    }

    pub fn from_datetime(t: DateTime<FixedOffset>) -> GoTime {
        GoTime(t)
    }

    pub fn datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }

    /// Nanoseconds since the Unix epoch, saturating outside ±292 years.
    pub fn unix_nanos(&self) -> i64 {
        self.0.timestamp_nanos_opt().unwrap_or(if self.0.timestamp() < 0 { i64::MIN } else { i64::MAX })
    }

    /// Parse what `time.Time.UnmarshalJSON` accepts (RFC 3339, optional
    /// fraction of any length, `Z` or `±hh:mm`).
    pub fn parse_rfc3339(s: &str) -> Result<GoTime, String> {
        DateTime::parse_from_rfc3339(s).map(GoTime).map_err(|e| format!("parsing time {s:?} as RFC 3339: {e}"))
    }

    /// `t.Format(time.RFC3339Nano)`, what `MarshalJSON` writes.
    pub fn to_rfc3339_nano(&self) -> String {
        let t = self.0;
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        // Go's ".999999999": the fraction without trailing zeros, nothing if zero.
        let nanos = t.nanosecond() % 1_000_000_000;
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        // "Z07:00": Z for a zero offset, else ±hh:mm.
        let offset = t.offset().local_minus_utc();
        if offset == 0 {
            out.push('Z');
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let minutes = offset.unsigned_abs() / 60;
            out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        }
        out
    }
}

impl Default for GoTime {
    fn default() -> GoTime {
        GoTime::zero()
    }
}

impl fmt::Display for GoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339_nano())
    }
}

impl fmt::Debug for GoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GoTime({})", self.to_rfc3339_nano())
    }
}

impl Serialize for GoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339_nano())
    }
}

impl<'de> Deserialize<'de> for GoTime {
    /// Accepts RFC 3339 strings; `null` and `""` give the zero time (Go's
    /// UnmarshalJSON ignores null; Helm's Info and HookExecution decoders
    /// turn `""` into zero).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<GoTime, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s.as_deref() {
            None | Some("") => Ok(GoTime::zero()),
            Some(text) => GoTime::parse_rfc3339(text).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expectations from Go: time.Time.MarshalJSON uses RFC3339Nano.
    #[test]
    fn formats_like_go_rfc3339_nano() {
        for text in [
            "2026-11-27T13:33:19.710267496Z",
            "2026-11-27T13:33:22.00818046Z",
            "2025-06-15T10:27:45.019725+02:00",
            "2026-07-02T19:18:41Z",
            "0001-01-01T00:00:00Z",
            "2020-01-01T00:00:00.5-05:30",
        ] {
            assert_eq!(GoTime::parse_rfc3339(text).unwrap().to_rfc3339_nano(), text);
        }
        // "+00:00" is printed as Z by Go's Z07:00 layout element.
        assert_eq!(
            GoTime::parse_rfc3339("2020-01-01T00:00:00.100+00:00").unwrap().to_rfc3339_nano(),
            "2020-01-01T00:00:00.1Z"
        );
    }

    #[test]
    fn zero_is_the_instant_not_the_text() {
        assert!(GoTime::zero().is_zero());
        assert!(GoTime::default().is_zero());
        assert!(GoTime::parse_rfc3339("0001-01-01T01:00:00+01:00").unwrap().is_zero());
        assert!(!GoTime::now().is_zero());
        let t: GoTime = serde_json::from_str("\"\"").unwrap();
        assert!(t.is_zero());
        let t: GoTime = serde_json::from_str("null").unwrap();
        assert!(t.is_zero());
        assert!(serde_json::from_str::<GoTime>("\"yesterday\"").is_err());
    }
}
