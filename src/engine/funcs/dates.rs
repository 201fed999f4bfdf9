//! Go time values for templates (`time.Time`, `time.Duration`) and Sprig's
//! date functions (date.go). Civil-time arithmetic is our own (Go's range
//! of years); time zone rules come from jiff (the system tz database).

use std::rc::Rc;
use std::sync::LazyLock;
use std::time::Instant;

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::conv::parse_int;
use super::golayout::{self, Parts, LONG_DAYS, LONG_MONTHS};
use super::{arg_str, call_err, FuncResult};
use crate::engine::value::{Object, Value};

pub const DURATION_TYPE: &str = "time.Duration";
pub const TIME_TYPE: &str = "time.Time";

const NANOS_PER_SEC: i64 = 1_000_000_000;
/// Unix seconds of Go's zero Time, January 1, year 1, 00:00:00 UTC.
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// Where a time is shown: Go's `*time.Location`.
#[derive(Clone, Debug)]
pub enum Location {
    Utc,
    /// The process's local zone (`time.Local`).
    Local,
    /// A named IANA zone from `time.LoadLocation`.
    Named(TimeZone),
    /// `time.FixedZone(name, offset)`.
    Fixed(String, i32),
}

static LOCAL_ZONE: LazyLock<TimeZone> = LazyLock::new(TimeZone::system);
static PROCESS_START: LazyLock<Instant> = LazyLock::new(Instant::now);

impl Location {
    /// Go `time.LoadLocation`.
    pub fn load(name: &str) -> Option<Location> {
        match name {
            "" | "UTC" => Some(Location::Utc),
            "Local" => Some(Location::Local),
            _ => TimeZone::get(name).ok().map(Location::Named),
        }
    }

    /// The zone abbreviation and offset (seconds east) at a Unix second.
    pub fn lookup(&self, unix: i64) -> (String, i32) {
        let tz = match self {
            Location::Utc => return ("UTC".into(), 0),
            Location::Fixed(name, off) => return (name.clone(), *off),
            Location::Local => &*LOCAL_ZONE,
            Location::Named(tz) => tz,
        };
        let clamped = unix.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
        let ts = Timestamp::from_second(clamped).unwrap_or(Timestamp::UNIX_EPOCH);
        let info = tz.to_offset_info(ts);
        (info.abbreviation().to_string(), info.offset().seconds())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A Go `time.Time`.
#[derive(Clone, Debug)]
pub struct GoTime {
    pub unix: i64,
    pub nsec: u32,
    pub loc: Location,
    /// Nanoseconds since process start, for times read from the clock
    /// (Go prints it as ` m=+0.001`).
    pub mono: Option<i64>,
}

impl GoTime {
    pub fn now() -> GoTime {
        let start = *PROCESS_START;
        let ts = Timestamp::now();
        GoTime {
            unix: ts.as_second(),
            nsec: ts.subsec_nanosecond().max(0) as u32,
            loc: Location::Local,
            mono: Some(start.elapsed().as_nanos() as i64),
        }
    }

    pub fn from_unix(sec: i64, loc: Location) -> GoTime {
        GoTime { unix: sec, nsec: 0, loc, mono: None }
    }

    /// Go's zero `time.Time{}` (UTC).
    pub fn zero() -> GoTime {
        GoTime::from_unix(ZERO_TIME_UNIX, Location::Utc)
    }

    /// Go `time.Date` (normalizing, and resolving the local time in `loc`).
    #[allow(clippy::too_many_arguments)]
    pub fn date(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32, nsec: u32, loc: Location) -> GoTime {
        let days = days_from_civil(year, month, day);
        let local = days * 86400 + hour as i64 * 3600 + min as i64 * 60 + sec as i64;
        let (_, off1) = loc.lookup(local);
        let mut unix = local - off1 as i64;
        let (_, off2) = loc.lookup(unix);
        if off2 != off1 {
            unix = local - off2 as i64;
        }
        GoTime { unix, nsec, loc, mono: None }
    }

    /// The time shown in another location (Go `In`; drops the monotonic
    /// reading).
    pub fn in_location(&self, loc: Location) -> GoTime {
        GoTime { loc, mono: None, ..self.clone() }
    }

    pub fn parts(&self) -> Parts {
        let (zone_name, offset) = self.loc.lookup(self.unix);
        let local = self.unix + offset as i64;
        let days = local.div_euclid(86400);
        let secs = local.rem_euclid(86400);
        let (year, month, day) = civil_from_days(days);
        let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
        let weekday = (days + 4).rem_euclid(7) as u32; // 1970-01-01 was a Thursday
        Parts {
            year,
            month,
            day,
            yday,
            weekday,
            hour: (secs / 3600) as u32,
            minute: (secs % 3600 / 60) as u32,
            second: (secs % 60) as u32,
            nanosecond: self.nsec,
            zone_name,
            offset,
        }
    }

    pub fn format(&self, layout: &str) -> String {
        golayout::format(&self.parts(), layout)
    }

    /// Nanoseconds since the Unix epoch (saturating like Go's UnixNano is not).
    fn unix_nano(&self) -> i128 {
        self.unix as i128 * NANOS_PER_SEC as i128 + self.nsec as i128
    }

    /// Go `t.Add(d)` (keeps the monotonic reading).
    pub fn add(&self, d: i64) -> GoTime {
        let total = self.unix_nano() + d as i128;
        GoTime {
            unix: total.div_euclid(NANOS_PER_SEC as i128) as i64,
            nsec: total.rem_euclid(NANOS_PER_SEC as i128) as u32,
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m.saturating_add(d)),
        }
    }

    /// Go `t.Sub(u)`, saturating.
    pub fn sub(&self, u: &GoTime) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let d = self.unix_nano() - u.unix_nano();
        d.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// Go `time.Since(t)`.
    pub fn since(&self) -> i64 {
        GoTime::now().sub(self)
    }

    /// Go `Time.String()`.
    pub fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m2 = m.unsigned_abs();
            let (m1, m2) = (m2 / 1_000_000_000, m2 % 1_000_000_000);
            let (m0, m1) = (m1 / 1_000_000_000, m1 % 1_000_000_000);
            s.push_str(" m=");
            s.push(sign);
            if m0 != 0 {
                s.push_str(&format!("{m0}{m1:09}"));
            } else {
                s.push_str(&m1.to_string());
            }
            s.push_str(&format!(".{m2:09}"));
        }
        s
    }
}

impl Object for GoTime {
    fn type_name(&self) -> &str {
        TIME_TYPE
    }

    fn field(&self, name: &str) -> Option<Value> {
        let p = self.parts();
        Some(match name {
            "Year" => Value::Int(p.year),
            "Month" => Value::str(LONG_MONTHS[(p.month - 1) as usize]),
            "Day" => Value::Int(p.day as i64),
            "Hour" => Value::Int(p.hour as i64),
            "Minute" => Value::Int(p.minute as i64),
            "Second" => Value::Int(p.second as i64),
            "Nanosecond" => Value::Int(p.nanosecond as i64),
            "YearDay" => Value::Int(p.yday as i64),
            "Weekday" => Value::str(LONG_DAYS[p.weekday as usize]),
            "Unix" => Value::Int64(self.unix),
            "UnixMilli" => Value::Int64((self.unix_nano() / 1_000_000) as i64),
            "UnixMicro" => Value::Int64((self.unix_nano() / 1_000) as i64),
            "UnixNano" => Value::Int64(self.unix_nano() as i64),
            "UTC" => time_value(self.in_location(Location::Utc)),
            "Local" => time_value(self.in_location(Location::Local)),
            "IsZero" => Value::Bool(self.unix == ZERO_TIME_UNIX && self.nsec == 0),
            "String" => Value::string(self.go_string()),
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "Format" | "Add" | "AddDate" | "Sub" | "Before" | "After" | "Equal" | "Round" | "Truncate")
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let want = |n: usize| -> Result<(), String> {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!("wrong number of args for {name}: want {n} got {}", args.len()))
            }
        };
        let arg_time = |v: &Value| -> Result<GoTime, String> {
            as_time(v).ok_or_else(|| format!("wrong type for value; expected time.Time; got {}", v.type_name()))
        };
        let arg_duration = |v: &Value| -> Result<i64, String> {
            as_duration_object(v)
                .ok_or_else(|| format!("wrong type for value; expected time.Duration; got {}", v.type_name()))
        };
        let result = (|| -> Result<Value, String> {
            match name {
                "Format" => {
                    want(1)?;
                    match &args[0] {
                        Value::String(l) => Ok(Value::string(self.format(l))),
                        v => Err(format!("wrong type for value; expected string; got {}", v.type_name())),
                    }
                }
                "Add" => {
                    want(1)?;
                    Ok(time_value(self.add(arg_duration(&args[0])?)))
                }
                "Sub" => {
                    want(1)?;
                    Ok(duration_value(self.sub(&arg_time(&args[0])?)))
                }
                "Before" | "After" | "Equal" => {
                    want(1)?;
                    let other = arg_time(&args[0])?;
                    let (a, b) = (self.unix_nano(), other.unix_nano());
                    Ok(Value::Bool(match name {
                        "Before" => a < b,
                        "After" => a > b,
                        _ => a == b,
                    }))
                }
                "AddDate" => {
                    want(3)?;
                    let n: Vec<i64> = args
                        .iter()
                        .map(|v| match v {
                            Value::Int(i) => Ok(*i),
                            v => Err(format!("wrong type for value; expected int; got {}", v.type_name())),
                        })
                        .collect::<Result<_, _>>()?;
                    let p = self.parts();
                    // Go normalizes month overflow into years, days into months.
                    let months = p.month as i64 - 1 + n[1];
                    let year = p.year + n[0] + months.div_euclid(12);
                    let month = months.rem_euclid(12) as u32 + 1;
                    let base = GoTime::date(year, month, 1, p.hour, p.minute, p.second, p.nanosecond, self.loc.clone());
                    Ok(time_value(base.add((p.day as i64 - 1 + n[2]) * 86400 * NANOS_PER_SEC)))
                }
                "Round" | "Truncate" => {
                    want(1)?;
                    let d = arg_duration(&args[0])?;
                    if d <= 0 {
                        return Ok(time_value(GoTime { mono: None, ..self.clone() }));
                    }
                    // Relative to the zero time, as Go does.
                    let since_zero = self.unix_nano() - ZERO_TIME_UNIX as i128 * NANOS_PER_SEC as i128;
                    let r = since_zero.rem_euclid(d as i128);
                    let delta = if name == "Round" && r + r >= d as i128 { d as i128 - r } else { -r };
                    let t = self.add(delta as i64);
                    Ok(time_value(GoTime { mono: None, ..t }))
                }
                _ => Err(format!("can't call method {name}")),
            }
        })();
        Some(result)
    }

    fn to_data(&self) -> Value {
        // encoding/json writes RFC 3339 with nanoseconds.
        Value::string(self.format("2006-01-02T15:04:05.999999999Z07:00"))
    }

    fn go_string(&self) -> Option<String> {
        Some(GoTime::go_string(self))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// A Go `time.Duration`.
#[derive(Clone, Copy, Debug)]
pub struct GoDuration(pub i64);

impl Object for GoDuration {
    fn type_name(&self) -> &str {
        DURATION_TYPE
    }

    fn kind(&self) -> &'static str {
        "int64"
    }

    fn is_empty(&self) -> bool {
        self.0 == 0
    }

    fn field(&self, name: &str) -> Option<Value> {
        let d = self.0;
        Some(match name {
            "Nanoseconds" => Value::Int64(d),
            "Microseconds" => Value::Int64(d / 1_000),
            "Milliseconds" => Value::Int64(d / 1_000_000),
            "Seconds" => Value::Float((d / NANOS_PER_SEC) as f64 + (d % NANOS_PER_SEC) as f64 / 1e9),
            "Minutes" => Value::Float((d / 60_000_000_000) as f64 + (d % 60_000_000_000) as f64 / 60e9),
            "Hours" => Value::Float((d / 3_600_000_000_000) as f64 + (d % 3_600_000_000_000) as f64 / 3600e9),
            "String" => Value::string(go_duration_string(d)),
            "Abs" => duration_value(if d >= 0 { d } else if d == i64::MIN { i64::MAX } else { -d }),
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "Round" | "Truncate")
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !self.has_method(name) {
            return None;
        }
        let m = match args {
            [v] => match as_duration_object(v) {
                Some(m) => m,
                None => {
                    return Some(Err(format!(
                        "wrong type for value; expected time.Duration; got {}",
                        v.type_name()
                    )))
                }
            },
            _ => return Some(Err(format!("wrong number of args for {name}: want 1 got {}", args.len()))),
        };
        Some(Ok(duration_value(if name == "Round" {
            super::helm::go_duration_round(self.0, m)
        } else {
            super::helm::go_duration_truncate(self.0, m)
        })))
    }

    fn to_data(&self) -> Value {
        Value::Int64(self.0)
    }

    fn go_string(&self) -> Option<String> {
        Some(go_duration_string(self.0))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

pub fn time_value(t: GoTime) -> Value {
    Value::Object(Rc::new(t))
}

pub fn duration_value(nanos: i64) -> Value {
    Value::Object(Rc::new(GoDuration(nanos)))
}

/// A `time.Time` argument (declared `Param::Time`).
fn as_time(v: &Value) -> Option<GoTime> {
    match v {
        Value::Object(o) => o.as_any()?.downcast_ref::<GoTime>().cloned(),
        _ => None,
    }
}

fn as_duration_object(v: &Value) -> Option<i64> {
    match v {
        Value::Object(o) => o.as_any()?.downcast_ref::<GoDuration>().map(|d| d.0),
        _ => None,
    }
}

/// Go `Duration.String()`: "1h2m3.5s", "1.5ms", "0s".
pub fn go_duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    // fmtFrac: the fraction of v/10^prec without trailing zeros.
    fn frac(v: u64, prec: u32) -> (String, u64) {
        let mut digits = String::new();
        let mut v = v;
        let mut print = false;
        for _ in 0..prec {
            let digit = v % 10;
            print = print || digit != 0;
            if print {
                digits.insert(0, (b'0' + digit as u8) as char);
            }
            v /= 10;
        }
        if print {
            digits.insert(0, '.');
        }
        (digits, v)
    }
    let mut out;
    if u < NANOS_PER_SEC as u64 {
        let (unit, prec) = match u {
            0 => return "0s".into(),
            u if u < 1_000 => ("ns", 0),
            u if u < 1_000_000 => ("µs", 3),
            _ => ("ms", 6),
        };
        let (f, whole) = frac(u, prec);
        out = format!("{whole}{f}{unit}");
    } else {
        let (f, secs) = frac(u, 9);
        u = secs;
        out = format!("{}{f}s", u % 60);
        u /= 60;
        if u > 0 {
            out = format!("{}m{out}", u % 60);
            u /= 60;
            if u > 0 {
                out = format!("{u}h{out}");
            }
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go `time.ParseDuration`, with its error texts.
pub fn parse_go_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", golayout::time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let pl = s.len();
        let (v, rest) = golayout::leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = pl != s.len();
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.starts_with('.') {
            s = &s[1..];
            let pl = s.len();
            // leadingFraction: stop accumulating on overflow.
            let mut overflow = false;
            let mut i = 0;
            for &c in s.as_bytes() {
                if !c.is_ascii_digit() {
                    break;
                }
                i += 1;
                if overflow {
                    continue;
                }
                if f > (i64::MAX as u64) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + (c - b'0') as u64;
                if y > 1 << 63 {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            s = &s[i..];
            post = pl != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s.bytes().position(|c| c == b'.' || c.is_ascii_digit()).unwrap_or(s.len());
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", golayout::time_quote(orig)));
        }
        let u = &s[..i];
        s = &s[i..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    golayout::time_quote(u),
                    golayout::time_quote(orig)
                ))
            }
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        let mut v = v * unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(d as i64)
}

// ---- Sprig date functions ----

/// Sprig `dateInZone`'s reading of its date argument: times, Unix seconds
/// as int/int64, anything else is now.
fn date_arg(v: &Value) -> GoTime {
    match v {
        Value::Int(i) | Value::Int64(i) => GoTime::from_unix(*i, Location::Local),
        v => as_time(v).unwrap_or_else(GoTime::now),
    }
}

fn format_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let loc = Location::load(zone).unwrap_or(Location::Utc);
    date_arg(date).in_location(loc).format(layout)
}

pub fn date(a: &[Value]) -> FuncResult {
    Ok(Value::string(format_in_zone(arg_str(a, 0), &a[1], "Local")))
}

pub fn date_in_zone(a: &[Value]) -> FuncResult {
    Ok(Value::string(format_in_zone(arg_str(a, 0), &a[1], arg_str(a, 2))))
}

pub fn html_date(a: &[Value]) -> FuncResult {
    Ok(Value::string(format_in_zone("2006-01-02", &a[0], "Local")))
}

pub fn html_date_in_zone(a: &[Value]) -> FuncResult {
    Ok(Value::string(format_in_zone("2006-01-02", &a[0], arg_str(a, 1))))
}

pub fn date_modify(a: &[Value]) -> FuncResult {
    let t = as_time(&a[1]).unwrap_or_else(GoTime::zero);
    Ok(match parse_go_duration(arg_str(a, 0)) {
        Ok(d) => time_value(t.add(d)),
        Err(_) => a[1].clone(),
    })
}

pub fn must_date_modify(a: &[Value]) -> FuncResult {
    let t = as_time(&a[1]).unwrap_or_else(GoTime::zero);
    let d = parse_go_duration(arg_str(a, 0)).map_err(call_err)?;
    Ok(time_value(t.add(d)))
}

pub fn now(_: &[Value]) -> FuncResult {
    Ok(time_value(GoTime::now()))
}

/// `ago`: time since the date, rounded to seconds.
pub fn ago(a: &[Value]) -> FuncResult {
    let t = match &a[0] {
        Value::Int(i) | Value::Int64(i) => GoTime::from_unix(*i, Location::Local),
        v => as_time(v).unwrap_or_else(GoTime::now),
    };
    let d = super::helm::go_duration_round(t.since(), NANOS_PER_SEC);
    Ok(Value::string(go_duration_string(d)))
}

/// `duration SECONDS`: only int64 and numeric strings count; others are 0.
pub fn duration(a: &[Value]) -> FuncResult {
    let n = match &a[0] {
        Value::String(s) => parse_int(s, 10).unwrap_or(0),
        Value::Int64(i) => *i,
        _ => 0,
    };
    Ok(Value::string(go_duration_string(n.wrapping_mul(NANOS_PER_SEC))))
}

/// `durationRound`: the largest unit of a duration ("2h", "3mo", "1y").
pub fn duration_round(a: &[Value]) -> FuncResult {
    let d: i64 = match &a[0] {
        Value::String(s) => parse_go_duration(s).unwrap_or(0),
        Value::Int64(i) => *i,
        v => as_time(v).map(|t| t.since()).unwrap_or(0),
    };
    let u = d.unsigned_abs();
    let hour = 3_600_000_000_000u64;
    let (year, month, day, minute, second) = (hour * 24 * 365, hour * 24 * 30, hour * 24, 60_000_000_000u64, 1_000_000_000u64);
    let s = if u > year {
        format!("{}y", u / year)
    } else if u > month {
        format!("{}mo", u / month)
    } else if u > day {
        format!("{}d", u / day)
    } else if u > hour {
        format!("{}h", u / hour)
    } else if u > minute {
        format!("{}m", u / minute)
    } else if u > second {
        format!("{}s", u / second)
    } else {
        "0s".to_string()
    };
    Ok(Value::string(s))
}

/// Go `time.ParseInLocation(layout, value, loc)`.
pub fn parse_in_location(layout: &str, value: &str, loc: Location) -> Result<GoTime, String> {
    let p = golayout::parse(layout, value)?;
    let date = |loc: Location| GoTime::date(p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanosecond, loc);
    if p.utc {
        return Ok(date(Location::Utc));
    }
    if let Some(offset) = p.zone_offset {
        let mut t = date(Location::Utc);
        t.unix -= offset as i64;
        let (name, local_off) = loc.lookup(t.unix);
        if local_off == offset && (p.zone_name.is_empty() || name == p.zone_name) {
            return Ok(t.in_location(loc));
        }
        return Ok(t.in_location(Location::Fixed(p.zone_name.clone(), offset)));
    }
    if !p.zone_name.is_empty() {
        let mut t = date(Location::Utc);
        // Go looks the abbreviation up in the location's zones.
        for probe in [t.unix, t.unix - 182 * 86400, t.unix + 182 * 86400] {
            let (name, off) = loc.lookup(probe);
            if name == p.zone_name {
                t.unix -= off as i64;
                return Ok(t.in_location(loc));
            }
        }
        let mut offset = 0;
        if p.zone_name.len() > 3 && p.zone_name.starts_with("GMT") {
            offset = p.zone_name[3..].parse::<i32>().unwrap_or(0) * 3600;
        }
        return Ok(t.in_location(Location::Fixed(p.zone_name.clone(), offset)));
    }
    Ok(date(loc))
}

pub fn to_date(a: &[Value]) -> FuncResult {
    let t = parse_in_location(arg_str(a, 0), arg_str(a, 1), Location::Local).unwrap_or_else(|_| GoTime::zero());
    Ok(time_value(t))
}

pub fn must_to_date(a: &[Value]) -> FuncResult {
    let t = parse_in_location(arg_str(a, 0), arg_str(a, 1), Location::Local).map_err(call_err)?;
    Ok(time_value(t))
}

pub fn unix_epoch(a: &[Value]) -> FuncResult {
    let t = as_time(&a[0]).unwrap_or_else(GoTime::zero);
    Ok(Value::string(t.unix.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, printed, s};
    use super::*;
    use crate::engine::gofmt::sprint_value;

    #[test]
    fn durations_print_like_go() {
        for (n, want) in [
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (4 * 60 * NANOS_PER_SEC + 5 * NANOS_PER_SEC, "4m5s"),
            (3_600 * NANOS_PER_SEC + 1, "1h0m0.000000001s"),
            (-90 * NANOS_PER_SEC, "-1m30s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(go_duration_string(n), want);
        }
        assert_eq!(parse_go_duration("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(parse_go_duration("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse_go_duration("300ms"), Ok(300_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("1"), Err("time: missing unit in duration \"1\"".into()));
        assert_eq!(parse_go_duration("1x"), Err("time: unknown unit \"x\" in duration \"1x\"".into()));
        assert_eq!(parse_go_duration(""), Err("time: invalid duration \"\"".into()));
    }

    #[test]
    fn sprig_duration_functions() {
        // date_test.go TestDuration / TestDurationRound
        assert_eq!(printed("duration", &[s("3600")]), "1h0m0s");
        assert_eq!(printed("duration", &[Value::Int64(61)]), "1m1s");
        assert_eq!(printed("duration", &[Value::Int(61)]), "0s");
        assert_eq!(printed("durationRound", &[s("2h5s")]), "2h");
        assert_eq!(printed("durationRound", &[s("24h5s")]), "1d");
        assert_eq!(printed("durationRound", &[s("3600h")]), "5mo");
        assert_eq!(printed("durationRound", &[s("9000h")]), "1y");
        assert_eq!(printed("durationRound", &[s("-3h")]), "3h");
        assert_eq!(printed("durationRound", &[Value::Int64(5_000_000_000)]), "5s");
    }

    #[test]
    fn dates_format_in_zones() {
        // date_test.go TestHtmlDate / TestDateInZone: 1136239445 is the
        // reference time, Mon Jan 2 15:04:05 MST 2006.
        let ts = Value::Int64(1136239445);
        assert_eq!(printed("htmlDateInZone", &[ts.clone(), s("UTC")]), "2006-01-02");
        assert_eq!(
            printed("dateInZone", &[s("2006-01-02 15:04:05 MST"), ts.clone(), s("UTC")]),
            "2006-01-02 22:04:05 UTC"
        );
        assert_eq!(
            printed("dateInZone", &[s("2006-01-02 15:04:05 MST -0700"), Value::Int(1136239445), s("America/Denver")]),
            "2006-01-02 15:04:05 MST -0700"
        );
        // Unknown zones fall back to UTC.
        assert_eq!(printed("dateInZone", &[s("15:04 MST"), ts.clone(), s("Nowhere/Else")]), "22:04 UTC");
        assert_eq!(printed("date_in_zone", &[s("Jan 2"), ts, s("UTC")]), "Jan 2");
    }

    #[test]
    fn to_date_and_modify() {
        // date_test.go TestToDate / TestUnixEpoch / TestDateModify
        let t = call("toDate", &[s("2006-01-02T15:04:05Z07:00"), s("2017-12-31T10:00:00+00:00")]).unwrap();
        assert_eq!(printed("unixEpoch", &[t.clone()]), "1514714400");
        let later = call("dateModify", &[s("1h30m"), t.clone()]).unwrap();
        assert_eq!(printed("unixEpoch", &[later]), "1514719800");
        let same = call("dateModify", &[s("bogus"), t.clone()]).unwrap();
        assert_eq!(printed("unixEpoch", &[same]), "1514714400");
        assert_eq!(
            call("mustDateModify", &[s("bogus"), t.clone()]),
            Err(call_err("time: invalid duration \"bogus\""))
        );
        assert_eq!(printed("dateInZone", &[s("2006-01-02 15:04 MST"), t, s("UTC")]), "2017-12-31 10:00 UTC");
        let bad = call("toDate", &[s("2006-01-02"), s("nope")]).unwrap();
        assert_eq!(sprint_value(&bad), "0001-01-01 00:00:00 +0000 UTC");
        assert_eq!(
            call("mustToDate", &[s("2006-01-02"), s("nope")]),
            Err(call_err("parsing time \"nope\" as \"2006-01-02\": cannot parse \"nope\" as \"2006\""))
        );
        let d = call("toDate", &[s("2006-01-02 MST"), s("2020-06-01 UTC")]).unwrap();
        assert_eq!(sprint_value(&d), "2020-06-01 00:00:00 +0000 UTC");
    }

    #[test]
    fn now_is_a_time_with_a_monotonic_reading() {
        let t = call("now", &[]).unwrap();
        assert_eq!(t.type_name(), "time.Time");
        assert!(sprint_value(&t).contains(" m=+"));
        let year = printed("date", &[s("2006"), t.clone()]);
        assert!(year.parse::<i32>().unwrap() >= 2024);
        assert_eq!(printed("ago", &[t]), "0s");
    }

    #[test]
    fn civil_conversions_round_trip() {
        for days in [-719_162i64, -1, 0, 1, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
    }
}
