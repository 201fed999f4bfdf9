//! Go `time.Time` values as they appear in Helm's files (index.yaml
//! `generated`/`created`, Chart.lock `generated`, repositories.yaml): parsed
//! from RFC 3339 and written back the way Go's `Time.MarshalJSON` writes
//! them (RFC 3339 with trailing-zero-trimmed nanoseconds, `Z` for UTC).

use chrono::{DateTime, FixedOffset, Local, Offset, TimeZone, Utc};

/// An instant with the zone offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoTime {
    inner: DateTime<FixedOffset>,
}

impl GoTime {
    /// Now, in the local zone (Go's `time.Now()`).
    pub fn now() -> GoTime {
        let now = Local::now();
        GoTime { inner: now.with_timezone(&now.offset().fix()) }
    }

    /// Now, in UTC (Go's `time.Now().UTC()`).
    pub fn now_utc() -> GoTime {
        GoTime { inner: Utc::now().fixed_offset() }
    }

    /// An instant from Unix seconds and nanoseconds, in the local zone (a
    /// file's modification time as Go's `FileInfo.ModTime()` reports it).
    pub fn from_unix_local(secs: i64, nanos: u32) -> GoTime {
        let utc = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap_or_default();
        let local = utc.with_timezone(&Local);
        GoTime { inner: local.with_timezone(&local.offset().fix()) }
    }

    /// Go's zero time, `0001-01-01T00:00:00Z`.
    pub fn zero() -> GoTime {
        let utc = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single().expect("year 1 is representable");
        GoTime { inner: utc.fixed_offset() }
    }

    /// An instant from Unix seconds and nanoseconds, in UTC.
    pub fn from_unix(secs: i64, nanos: u32) -> GoTime {
        let utc = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap_or_default();
        GoTime { inner: utc.fixed_offset() }
    }

    /// Parse RFC 3339 with optional fractional seconds (what Go's
    /// `Time.UnmarshalJSON` accepts).
    pub fn parse(s: &str) -> Option<GoTime> {
        DateTime::parse_from_rfc3339(s).ok().map(|inner| GoTime { inner })
    }

    pub fn is_zero(&self) -> bool {
        self.inner.timestamp() == GoTime::zero().inner.timestamp() && self.inner.timestamp_subsec_nanos() == 0
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.inner.timestamp()
    }

    /// Go's `t.Round(time.Second).Unix()` (halves round up).
    pub fn unix_rounded(&self) -> i64 {
        self.inner.timestamp() + i64::from(self.inner.timestamp_subsec_nanos() >= 500_000_000)
    }

    /// `time.RFC3339Nano` (what MarshalJSON writes).
    pub fn rfc3339_nano(&self) -> String {
        let mut s = self.inner.format("%Y-%m-%dT%H:%M:%S").to_string();
        let nanos = self.inner.timestamp_subsec_nanos();
        if nanos > 0 {
            let frac = format!("{nanos:09}");
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push_str(&self.zone());
        s
    }

    /// `time.RFC3339` (whole seconds).
    pub fn rfc3339(&self) -> String {
        let mut s = self.inner.format("%Y-%m-%dT%H:%M:%S").to_string();
        s.push_str(&self.zone());
        s
    }

    fn zone(&self) -> String {
        let off = self.inner.offset().local_minus_utc();
        if off == 0 {
            return "Z".into();
        }
        let sign = if off < 0 { '-' } else { '+' };
        let off = off.abs();
        format!("{sign}{:02}:{:02}", off / 3600, (off % 3600) / 60)
    }
}

/// A time string from a file, normalised the way Go re-marshals it; an
/// empty or unparsable string is Go's zero time.
pub fn normalize(s: &str) -> String {
    GoTime::parse(s).unwrap_or_else(GoTime::zero).rfc3339_nano()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_go_marshal_json() {
        // Go: time.Time.MarshalJSON uses RFC3339Nano (trailing zeros trimmed).
        assert_eq!(normalize("2016-10-06T16:23:20.499814565-06:00"), "2016-10-06T16:23:20.499814565-06:00");
        assert_eq!(normalize("2016-10-06T16:23:20.500000000Z"), "2016-10-06T16:23:20.5Z");
        assert_eq!(normalize("2016-10-06T16:23:20+00:00"), "2016-10-06T16:23:20Z");
        assert_eq!(normalize(""), "0001-01-01T00:00:00Z");
        assert!(GoTime::parse("").is_none());
        assert!(GoTime::zero().is_zero());
        let t = GoTime::parse("2020-01-01T00:00:00.5Z").unwrap();
        assert_eq!(t.unix_rounded(), t.unix() + 1);
        assert_eq!(t.rfc3339(), "2020-01-01T00:00:00Z");
    }
}
