//! Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): the chunk
//! scanner, `Time.Format` and `time.Parse`, ported from Go's
//! time/format.go (nextStdChunk, appendFormat, parse).

/// One layout element (Go's std* constants).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    ISO8601TZ,
    ISO8601SecondsTZ,
    ISO8601ShortTZ,
    ISO8601ColonTZ,
    ISO8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTz,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// `.000` / `,000`: exactly `digits` digits.
    FracSecond0 { digits: usize, sep: u8 },
    /// `.999` / `,999`: up to `digits` digits, trailing zeros trimmed.
    FracSecond9 { digits: usize, sep: u8 },
}

pub const LONG_MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];
pub const LONG_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(|c| c.is_ascii_lowercase())
}

fn is_digit_at(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go `nextStdChunk`: (prefix, element, suffix) of a layout.
pub fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let l = layout.as_bytes();
    let has = |i: usize, s: &str| l.len() >= i + s.len() && &l[i..i + s.len()] == s.as_bytes();
    for i in 0..l.len() {
        let found = |std: Std, len: usize| Some((&layout[..i], Some(std), &layout[i + len..]));
        let r = match l[i] {
            b'J' if has(i, "Jan") => {
                if has(i, "January") {
                    found(Std::LongMonth, 7)
                } else if !starts_with_lower(&l[i + 3..]) {
                    found(Std::Month, 3)
                } else {
                    None
                }
            }
            b'M' if has(i, "Mon") => {
                if has(i, "Monday") {
                    found(Std::LongWeekDay, 6)
                } else if !starts_with_lower(&l[i + 3..]) {
                    found(Std::WeekDay, 3)
                } else {
                    None
                }
            }
            b'M' if has(i, "MST") => found(Std::TZ, 3),
            b'0' if l.len() >= i + 2 && (b'1'..=b'6').contains(&l[i + 1]) => {
                let std = [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year]
                    [(l[i + 1] - b'1') as usize];
                found(std, 2)
            }
            b'0' if has(i, "002") => found(Std::ZeroYearDay, 3),
            b'1' if has(i, "15") => found(Std::Hour, 2),
            b'1' => found(Std::NumMonth, 1),
            b'2' if has(i, "2006") => found(Std::LongYear, 4),
            b'2' => found(Std::Day, 1),
            b'_' if has(i, "_2") => {
                if has(i + 1, "2006") {
                    // "_2006" is a literal "_" then the year.
                    Some((&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]))
                } else {
                    found(Std::UnderDay, 2)
                }
            }
            b'_' if has(i, "__2") => found(Std::UnderYearDay, 3),
            b'3' => found(Std::Hour12, 1),
            b'4' => found(Std::Minute, 1),
            b'5' => found(Std::Second, 1),
            b'P' if has(i, "PM") => found(Std::PM, 2),
            b'p' if has(i, "pm") => found(Std::Pm, 2),
            b'-' => {
                if has(i, "-070000") {
                    found(Std::NumSecondsTz, 7)
                } else if has(i, "-07:00:00") {
                    found(Std::NumColonSecondsTZ, 9)
                } else if has(i, "-0700") {
                    found(Std::NumTZ, 5)
                } else if has(i, "-07:00") {
                    found(Std::NumColonTZ, 6)
                } else if has(i, "-07") {
                    found(Std::NumShortTZ, 3)
                } else {
                    None
                }
            }
            b'Z' => {
                if has(i, "Z070000") {
                    found(Std::ISO8601SecondsTZ, 7)
                } else if has(i, "Z07:00:00") {
                    found(Std::ISO8601ColonSecondsTZ, 9)
                } else if has(i, "Z0700") {
                    found(Std::ISO8601TZ, 5)
                } else if has(i, "Z07:00") {
                    found(Std::ISO8601ColonTZ, 6)
                } else if has(i, "Z07") {
                    found(Std::ISO8601ShortTZ, 3)
                } else {
                    None
                }
            }
            b'.' | b',' if i + 1 < l.len() && (l[i + 1] == b'0' || l[i + 1] == b'9') => {
                let ch = l[i + 1];
                let mut j = i + 1;
                while j < l.len() && l[j] == ch {
                    j += 1;
                }
                if !is_digit_at(l, j) {
                    let digits = j - (i + 1);
                    let std = if ch == b'0' {
                        Std::FracSecond0 { digits, sep: l[i] }
                    } else {
                        Std::FracSecond9 { digits, sep: l[i] }
                    };
                    Some((&layout[..i], Some(std), &layout[j..]))
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(r) = r {
            return r;
        }
    }
    (layout, None, "")
}

/// The broken-down time a layout formats.
#[derive(Clone, Debug, PartialEq)]
pub struct Parts {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    pub day: u32,
    /// 1..=366
    pub yday: u32,
    /// 0 = Sunday
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanosecond: u32,
    /// Zone abbreviation ("" for an unnamed fixed zone).
    pub zone_name: String,
    /// Seconds east of UTC.
    pub offset: i32,
}

/// Go `appendInt`: `x` zero-padded to `width` digits.
fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Go `Time.Format`.
pub fn format(p: &Parts, layout: &str) -> String {
    let mut out = String::with_capacity(layout.len() + 10);
    let mut layout = layout;
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        out.push_str(prefix);
        let Some(std) = std else { break };
        layout = suffix;
        match std {
            Std::Year => push_int(&mut out, p.year.abs() % 100, 2),
            Std::LongYear => push_int(&mut out, p.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[(p.month - 1) as usize][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[(p.month - 1) as usize]),
            Std::NumMonth => push_int(&mut out, p.month as i64, 0),
            Std::ZeroMonth => push_int(&mut out, p.month as i64, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[p.weekday as usize][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[p.weekday as usize]),
            Std::Day => push_int(&mut out, p.day as i64, 0),
            Std::UnderDay => {
                if p.day < 10 {
                    out.push(' ');
                }
                push_int(&mut out, p.day as i64, 0);
            }
            Std::ZeroDay => push_int(&mut out, p.day as i64, 2),
            Std::UnderYearDay => {
                if p.yday < 100 {
                    out.push(' ');
                    if p.yday < 10 {
                        out.push(' ');
                    }
                }
                push_int(&mut out, p.yday as i64, 0);
            }
            Std::ZeroYearDay => push_int(&mut out, p.yday as i64, 3),
            Std::Hour => push_int(&mut out, p.hour as i64, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let hr = match p.hour % 12 {
                    0 => 12,
                    h => h,
                };
                push_int(&mut out, hr as i64, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => push_int(&mut out, p.minute as i64, 0),
            Std::ZeroMinute => push_int(&mut out, p.minute as i64, 2),
            Std::Second => push_int(&mut out, p.second as i64, 0),
            Std::ZeroSecond => push_int(&mut out, p.second as i64, 2),
            Std::PM => out.push_str(if p.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if p.hour >= 12 { "pm" } else { "am" }),
            Std::ISO8601TZ
            | Std::ISO8601ColonTZ
            | Std::ISO8601SecondsTZ
            | Std::ISO8601ShortTZ
            | Std::ISO8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumShortTZ
            | Std::NumColonSecondsTZ => {
                let iso = matches!(
                    std,
                    Std::ISO8601TZ
                        | Std::ISO8601ColonTZ
                        | Std::ISO8601SecondsTZ
                        | Std::ISO8601ShortTZ
                        | Std::ISO8601ColonSecondsTZ
                );
                if p.offset == 0 && iso {
                    out.push('Z');
                    continue;
                }
                let mut zone = p.offset / 60;
                let mut abs = p.offset;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                    abs = -abs;
                } else {
                    out.push('+');
                }
                push_int(&mut out, (zone / 60) as i64, 2);
                if matches!(
                    std,
                    Std::ISO8601ColonTZ | Std::NumColonTZ | Std::ISO8601ColonSecondsTZ | Std::NumColonSecondsTZ
                ) {
                    out.push(':');
                }
                if !matches!(std, Std::NumShortTZ | Std::ISO8601ShortTZ) {
                    push_int(&mut out, (zone % 60) as i64, 2);
                }
                if matches!(
                    std,
                    Std::ISO8601SecondsTZ | Std::NumSecondsTz | Std::NumColonSecondsTZ | Std::ISO8601ColonSecondsTZ
                ) {
                    if matches!(std, Std::NumColonSecondsTZ | Std::ISO8601ColonSecondsTZ) {
                        out.push(':');
                    }
                    push_int(&mut out, (abs % 60) as i64, 2);
                }
            }
            Std::TZ => {
                if !p.zone_name.is_empty() {
                    out.push_str(&p.zone_name);
                    continue;
                }
                let mut zone = p.offset / 60;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                } else {
                    out.push('+');
                }
                push_int(&mut out, (zone / 60) as i64, 2);
                push_int(&mut out, (zone % 60) as i64, 2);
            }
            Std::FracSecond0 { digits, sep } | Std::FracSecond9 { digits, sep } => {
                let trim = matches!(std, Std::FracSecond9 { .. });
                if trim && (digits == 0 || p.nanosecond == 0) {
                    continue;
                }
                let mut frac = String::new();
                push_int(&mut frac, p.nanosecond as i64, 9);
                frac.truncate(digits.min(9));
                if trim {
                    let t = frac.trim_end_matches('0');
                    if t.is_empty() {
                        continue;
                    }
                    frac = t.to_string();
                }
                out.push(sep as char);
                out.push_str(&frac);
            }
        }
    }
    out
}

/// Go time's `quote` (used in parse and duration errors).
pub fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// What `time.Parse` found, before it is placed in a location.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanosecond: u32,
    /// The input said "Z" or "UTC".
    pub utc: bool,
    /// A numeric zone offset, in seconds east of UTC.
    pub zone_offset: Option<i32>,
    /// A zone abbreviation.
    pub zone_name: String,
}

fn parse_error(layout: &str, value: &str, layout_elem: &str, value_elem: &str, message: &str) -> String {
    if message.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            time_quote(value),
            time_quote(layout),
            time_quote(value_elem),
            time_quote(layout_elem)
        )
    } else {
        format!("parsing time {}{message}", time_quote(value))
    }
}

/// Go `getnum`: one or two digits (two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !is_digit_at(b, 0) {
        return None;
    }
    if !is_digit_at(b, 1) {
        if fixed {
            return None;
        }
        return Some(((b[0] - b'0') as i64, &s[1..]));
    }
    Some((((b[0] - b'0') * 10 + (b[1] - b'0')) as i64, &s[2..]))
}

/// Go `getnum3`: one to three digits (three when `fixed`).
fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut n = 0i64;
    let mut i = 0;
    while i < 3 && is_digit_at(b, i) {
        n = n * 10 + (b[i] - b'0') as i64;
        i += 1;
    }
    if i == 0 || fixed && i != 3 {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go time's `atoi`: an optionally signed run of digits and nothing else.
fn time_atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (x, rem) = leading_int(digits)?;
    if !rem.is_empty() || x > i64::MAX as u64 {
        return None;
    }
    Some(if neg { -(x as i64) } else { x as i64 })
}

/// Go `leadingInt`: the leading digits, failing on overflow past 2^63.
pub fn leading_int(s: &str) -> Option<(u64, &str)> {
    let mut x: u64 = 0;
    let mut i = 0;
    for &c in s.as_bytes() {
        if !c.is_ascii_digit() {
            break;
        }
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + (c - b'0') as u64;
        if x > 1 << 63 {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Go `skip`: drop `prefix` from `value` byte by byte, a run of spaces
/// matching any run of spaces.
fn skip<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let (v, p) = (value.as_bytes(), prefix.as_bytes());
    let (mut i, mut j) = (0, 0);
    while j < p.len() {
        if p[j] == b' ' {
            if i < v.len() && v[i] != b' ' {
                return None;
            }
            while j < p.len() && p[j] == b' ' {
                j += 1;
            }
            while i < v.len() && v[i] == b' ' {
                i += 1;
            }
            continue;
        }
        if i >= v.len() || v[i] != p[j] {
            return None;
        }
        i += 1;
        j += 1;
    }
    value.get(i..)
}

/// Go `lookup`: a case-insensitive (ASCII) name at the start of `val`.
fn lookup_name<'a>(tab: &[&str], val: &'a str) -> Option<(usize, &'a str)> {
    for (i, v) in tab.iter().enumerate() {
        if val.len() >= v.len() && val.is_char_boundary(v.len()) && val[..v.len()].eq_ignore_ascii_case(v) {
            return Some((i, &val[v.len()..]));
        }
    }
    None
}

/// Go `parseNanoseconds`: `value[..nbytes]` is a separator then digits.
fn parse_nanoseconds(value: &str, nbytes: usize) -> Result<u32, Option<&'static str>> {
    let b = value.as_bytes();
    if b[0] != b'.' && b[0] != b',' {
        return Err(None);
    }
    let nbytes = nbytes.min(10);
    let ns = time_atoi(&value[1..nbytes]).ok_or(None)?;
    if ns < 0 {
        return Err(Some("fractional second"));
    }
    let mut ns = ns as u64;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok(ns as u32)
}

/// Go `parseTimeZone`: the length of a zone abbreviation at the start.
fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if b.len() >= 4 && (&b[..4] == b"ChST" || &b[..4] == b"MeST") {
        return Some(4);
    }
    if &b[..3] == b"GMT" {
        if b.len() == 3 {
            return Some(3);
        }
        return Some(3 + parse_signed_offset(&value[3..]));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let n_upper = b.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match n_upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || &b[..4] == b"WITA" => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go `parseSignedOffset`: "+03" style, -23..=23.
fn parse_signed_offset(value: &str) -> usize {
    let b = value.as_bytes();
    if b.is_empty() || (b[0] != b'-' && b[0] != b'+') {
        return 0;
    }
    match leading_int(&value[1..]) {
        Some((x, rem)) if rem.len() != value.len() - 1 && x <= 23 => value.len() - rem.len(),
        _ => 0,
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days before the first of `month` in a non-leap year.
fn days_before(month: u32) -> u32 {
    (1..month).map(|m| days_in_month(m, 1)).sum()
}

/// Go `time.parse`, up to choosing the location (the caller does that).
pub fn parse(layout_in: &str, value_in: &str) -> Result<Parsed, String> {
    let mut layout = layout_in;
    let mut value = value_in;
    let mut range_err: Option<&str> = None;
    let (mut am_set, mut pm_set) = (false, false);
    let mut year = 0i64;
    let mut month: i64 = -1;
    let mut day: i64 = -1;
    let mut yday: i64 = -1;
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0u32);
    let mut p = Parsed::default();

    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = match skip(value, prefix) {
            Some(v) => v,
            None => return Err(parse_error(layout_in, value_in, prefix, value, "")),
        };
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(parse_error(layout_in, value_in, "", value, &format!(": extra text: {}", time_quote(value))));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut ok = true;
        match std {
            Std::Year => {
                if value.len() < 2 || !value.is_char_boundary(2) {
                    ok = false;
                } else {
                    match time_atoi(&value[..2]) {
                        Some(y) => {
                            year = if y >= 69 { y + 1900 } else { y + 2000 };
                            value = &value[2..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::LongYear => {
                if value.len() < 4 || !is_digit_at(value.as_bytes(), 0) || !value.is_char_boundary(4) {
                    ok = false;
                } else {
                    match time_atoi(&value[..4]) {
                        Some(y) => {
                            year = y;
                            value = &value[4..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::Month | Std::LongMonth => {
                let short: Vec<&str> = LONG_MONTHS.iter().map(|m| &m[..3]).collect();
                let tab: Vec<&str> = if std == Std::Month { short } else { LONG_MONTHS.to_vec() };
                match lookup_name(&tab, value) {
                    Some((i, rest)) => {
                        month = i as i64 + 1;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::NumMonth | Std::ZeroMonth => match getnum(value, std == Std::ZeroMonth) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = Some("month");
                    }
                }
                None => ok = false,
            },
            Std::WeekDay | Std::LongWeekDay => {
                let short: Vec<&str> = LONG_DAYS.iter().map(|d| &d[..3]).collect();
                let tab: Vec<&str> = if std == Std::WeekDay { short } else { LONG_DAYS.to_vec() };
                match lookup_name(&tab, value) {
                    Some((_, rest)) => value = rest,
                    None => ok = false,
                }
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                match getnum(value, std == Std::ZeroDay) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                match getnum3(value, std == Std::ZeroYearDay) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            Std::Hour => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = Some("hour");
                    }
                }
                None => ok = false,
            },
            Std::Hour12 | Std::ZeroHour12 => match getnum(value, std == Std::ZeroHour12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = Some("hour");
                    }
                }
                None => ok = false,
            },
            Std::Minute | Std::ZeroMinute => match getnum(value, std == Std::ZeroMinute) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = Some("minute");
                    }
                }
                None => ok = false,
            },
            Std::Second | Std::ZeroSecond => match getnum(value, std == Std::ZeroSecond) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = Some("second");
                    } else {
                        let b = value.as_bytes();
                        if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && is_digit_at(b, 1) {
                            let (_, next, _) = next_std_chunk(layout);
                            if !matches!(next, Some(Std::FracSecond0 { .. }) | Some(Std::FracSecond9 { .. })) {
                                let mut n = 2;
                                while is_digit_at(b, n) {
                                    n += 1;
                                }
                                match parse_nanoseconds(value, n) {
                                    Ok(ns) => nsec = ns,
                                    Err(Some(r)) => range_err = Some(r),
                                    Err(None) => ok = false,
                                }
                                value = &value[n..];
                            }
                        }
                    }
                }
                None => ok = false,
            },
            Std::PM | Std::Pm => {
                let (pm, am) = if std == Std::PM { ("PM", "AM") } else { ("pm", "am") };
                match value.get(..2) {
                    Some(x) if x == pm => pm_set = true,
                    Some(x) if x == am => am_set = true,
                    _ => ok = false,
                }
                if ok {
                    value = &value[2..];
                }
            }
            Std::ISO8601TZ
            | Std::ISO8601ShortTZ
            | Std::ISO8601ColonTZ
            | Std::ISO8601SecondsTZ
            | Std::ISO8601ColonSecondsTZ
                if value.starts_with('Z') =>
            {
                value = &value[1..];
                p.utc = true;
            }
            Std::ISO8601TZ
            | Std::ISO8601ShortTZ
            | Std::ISO8601ColonTZ
            | Std::ISO8601SecondsTZ
            | Std::ISO8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumShortTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumColonSecondsTZ => {
                let b = value.as_bytes();
                let parts: Option<(u8, &str, &str, &str, usize)> = match std {
                    Std::ISO8601ColonTZ | Std::NumColonTZ => {
                        (b.len() >= 6 && b[3] == b':').then(|| (b[0], &value[1..3], &value[4..6], "00", 6))
                    }
                    Std::NumShortTZ | Std::ISO8601ShortTZ => {
                        (b.len() >= 3).then(|| (b[0], &value[1..3], "00", "00", 3))
                    }
                    Std::ISO8601ColonSecondsTZ | Std::NumColonSecondsTZ => (b.len() >= 9 && b[3] == b':' && b[6] == b':')
                        .then(|| (b[0], &value[1..3], &value[4..6], &value[7..9], 9)),
                    Std::ISO8601SecondsTZ | Std::NumSecondsTz => {
                        (b.len() >= 7).then(|| (b[0], &value[1..3], &value[3..5], &value[5..7], 7))
                    }
                    _ => (b.len() >= 5).then(|| (b[0], &value[1..3], &value[3..5], "00", 5)),
                };
                match parts {
                    None => ok = false,
                    Some((sign, h, m, s, n)) => {
                        value = &value[n..];
                        match (getnum(h, true), getnum(m, true), getnum(s, true)) {
                            (Some((hr, _)), Some((mm, _)), Some((ss, _))) => {
                                if hr > 24 {
                                    range_err = Some("time zone offset hour");
                                }
                                if mm > 60 {
                                    range_err = Some("time zone offset minute");
                                }
                                if ss > 60 {
                                    range_err = Some("time zone offset second");
                                }
                                let off = ((hr * 60 + mm) * 60 + ss) as i32;
                                match sign {
                                    b'+' => p.zone_offset = Some(off),
                                    b'-' => p.zone_offset = Some(-off),
                                    _ => ok = false,
                                }
                            }
                            _ => ok = false,
                        }
                    }
                }
            }
            Std::TZ => {
                if value.starts_with("UTC") {
                    p.utc = true;
                    value = &value[3..];
                } else {
                    match parse_time_zone(value) {
                        Some(n) => {
                            p.zone_name = value[..n].to_string();
                            value = &value[n..];
                        }
                        None => ok = false,
                    }
                }
            }
            Std::FracSecond0 { digits, .. } => {
                let n = 1 + digits;
                if value.len() < n || !value.is_char_boundary(n) {
                    ok = false;
                } else {
                    match parse_nanoseconds(value, n) {
                        Ok(ns) => nsec = ns,
                        Err(Some(r)) => range_err = Some(r),
                        Err(None) => ok = false,
                    }
                    value = &value[n..];
                }
            }
            Std::FracSecond9 { .. } => {
                let b = value.as_bytes();
                if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
                    let mut i = 0;
                    while i + 1 < b.len() && b[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    match parse_nanoseconds(value, 1 + i) {
                        Ok(ns) => nsec = ns,
                        Err(Some(r)) => range_err = Some(r),
                        Err(None) => ok = false,
                    }
                    value = &value[1 + i..];
                }
            }
        }
        if let Some(r) = range_err {
            return Err(parse_error(layout_in, value_in, stdstr, value, &format!(": {r} out of range")));
        }
        if !ok {
            return Err(parse_error(layout_in, value_in, stdstr, hold, ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let mut d = 0i64;
        let mut m = 0i64;
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(layout_in, value_in, "", value, ": day-of-year out of range"));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if (days_before(m as u32 + 1) as i64) < yday {
                m += 1;
            }
            d = yday - days_before(m as u32) as i64;
        }
        if month >= 0 && month != m {
            return Err(parse_error(layout_in, value_in, "", value, ": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(layout_in, value_in, "", value, ": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in_month(month as u32, year) as i64 {
        return Err(parse_error(layout_in, value_in, "", value, ": day out of range"));
    }
    p.year = year;
    p.month = month as u32;
    p.day = day as u32;
    p.hour = hour as u32;
    p.minute = min as u32;
    p.second = sec as u32;
    p.nanosecond = nsec;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Parts {
        // Mon Jan 2 15:04:05.123456789 -0700 MST 2006: Go's reference time.
        Parts {
            year: 2006,
            month: 1,
            day: 2,
            yday: 2,
            weekday: 1,
            hour: 15,
            minute: 4,
            second: 5,
            nanosecond: 123456789,
            zone_name: "MST".into(),
            offset: -7 * 3600,
        }
    }

    #[test]
    fn formats_the_reference_time_like_go() {
        let p = parts();
        for (layout, want) in [
            ("2006-01-02", "2006-01-02"),
            ("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05-07:00"),
            ("Mon Jan _2 15:04:05 MST 2006", "Mon Jan  2 15:04:05 MST 2006"),
            ("Monday, 02-Jan-06 15:04:05 MST", "Monday, 02-Jan-06 15:04:05 MST"),
            ("3:04PM", "3:04PM"),
            ("03:04:05.000", "03:04:05.123"),
            ("15:04:05.999999999", "15:04:05.123456789"),
            ("2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.123456789 -0700 MST"),
            ("January 2, 2006", "January 2, 2006"),
            ("002 __2", "002   2"),
            ("-07 -07:00:00 Z0700", "-07 -07:00:00 -0700"),
            ("Jan jan Janx", "Jan jan Janx"),
        ] {
            assert_eq!(format(&p, layout), want, "{layout}");
        }
        let mut utc = parts();
        utc.offset = 0;
        utc.zone_name = "UTC".into();
        utc.nanosecond = 0;
        assert_eq!(format(&utc, "2006-01-02T15:04:05.999Z07:00"), "2006-01-02T15:04:05Z");
        utc.zone_name = String::new();
        assert_eq!(format(&utc, "MST"), "+0000");
    }

    #[test]
    fn parses_like_go() {
        let p = parse("2006-01-02", "2017-12-31").unwrap();
        assert_eq!((p.year, p.month, p.day), (2017, 12, 31));
        let p = parse("2006-01-02T15:04:05Z07:00", "2020-02-29T10:20:30.5+02:00").unwrap();
        assert_eq!((p.hour, p.minute, p.second, p.nanosecond, p.zone_offset), (10, 20, 30, 500000000, Some(7200)));
        let p = parse("Jan 2 3:04pm", "feb 3 12:01am").unwrap();
        assert_eq!((p.month, p.day, p.hour), (2, 3, 0));
        assert_eq!(
            parse("2006-01-02", "2017-13-01").unwrap_err(),
            r#"parsing time "2017-13-01": month out of range"#
        );
        assert_eq!(
            parse("2006-01-02", "x").unwrap_err(),
            r#"parsing time "x" as "2006-01-02": cannot parse "x" as "2006""#
        );
        assert_eq!(
            parse("2006-01-02", "2017-02-30").unwrap_err(),
            r#"parsing time "2017-02-30": day out of range"#
        );
        assert_eq!(
            parse("2006-01-02", "2017-02-03 x").unwrap_err(),
            r#"parsing time "2017-02-03 x": extra text: " x""#
        );
    }
}
