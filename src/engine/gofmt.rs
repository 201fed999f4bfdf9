//! Go's fmt printing of template values: `%v` (what `{{ . }}` prints),
//! `print`/`println`/`printf` with Go's verbs and flags.
//!
//! Matched against Go's fmt/print.go and fmt/format.go (doPrint, doPrintln,
//! doPrintf, printArg, printValue, fmtInteger, fmtFloat, fmtString, fmtBytes,
//! badVerb, the %!(EXTRA …) tail), and checked against helm 4.1.4's printf.

pub mod strconv;

use super::value::Value;

/// What Go's `fmt.Sprint(v)` prints for one value (`%v`), except that a
/// missing value prints `<no value>` as text/template does.
pub fn sprint_value(v: &Value) -> String {
    if matches!(v, Value::Missing) {
        return "<no value>".into();
    }
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// Go's fmt.Sprint (the template `print`): operands printed with %v, with a
/// space between two operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// Go's fmt.Sprintln (the template `println`): spaces between all operands
/// and a final newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// Go's fmt.Sprintf (the template `printf`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// fmt.fmtFlags plus width and precision.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: usize,
    prec: usize,
}

/// Go's pp: the output buffer and the current verb's flags.
#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    /// argNumber saw an explicit `[n]`: skip the EXTRA check.
    reordered: bool,
    good_arg_num: bool,
}

const LDIGITS: &[u8; 16] = b"0123456789abcdef";
const UDIGITS: &[u8; 16] = b"0123456789ABCDEF";

/// parsenum: a decimal number in s[start..end], refusing crazy lengths.
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: usize = 0;
    let mut is_num = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > 1_000_000 {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as usize;
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

/// parseArgNumber: `[n]` → (index, bytes consumed, ok).
fn parse_arg_number(s: &[u8]) -> (isize, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width as isize - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// intFromArg: an int operand for `*` width or precision.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (mut num, mut ok) = match &args[arg_num] {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&num) {
        num = 0;
        ok = false;
    }
    (num, ok, arg_num + 1)
}

impl Printer {
    // ---- padding (format.go) ----

    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(pad);
        }
    }

    /// pad / padString: width counted in runes, left or right.
    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    fn fmt_boolean(&mut self, v: bool) {
        self.pad(if v { "true" } else { "false" });
    }

    /// format.go fmtInteger.
    fn fmt_integer_base(&mut self, u: u64, base: u32, is_signed: bool, verb: char, digits: &[u8; 16]) {
        let negative = is_signed && (u as i64) < 0;
        let mut u = if negative { (u as i64).unsigned_abs() } else { u };
        // Two ways to ask for extra leading zero digits: %.3d or %03d.
        // If both are specified the zero flag is ignored.
        let mut prec: usize = 0;
        if self.f.prec_present {
            prec = self.f.prec;
            // Precision 0 and value 0 means "print nothing" but padding.
            if prec == 0 && u == 0 {
                let old_zero = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid;
                self.write_padding(w);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        let b = base as u64;
        loop {
            rev.push(digits[(u % b) as usize]);
            u /= b;
            if u == 0 {
                break;
            }
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 => {
                    if rev.last() != Some(&b'0') {
                        rev.push(b'0');
                    }
                }
                16 => {
                    rev.push(if digits[10] == b'A' { b'X' } else { b'x' });
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8(rev).expect("ascii digits");
        // Left zero padding was handled like precision above.
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old_zero;
    }

    /// format.go fmtUnicode: U+0078, or U+0078 'x' with #.
    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("{u:X}");
        while s.len() < prec {
            s.insert(0, '0');
        }
        s.insert_str(0, "U+");
        if self.f.sharp && u <= 0x10FFFF {
            if let Some(c) = char::from_u32(u as u32) {
                if strconv::is_print(c) {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
            }
        }
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old_zero;
    }

    fn rune_of(u: u64) -> char {
        if u > 0x10FFFF {
            return '\u{FFFD}';
        }
        char::from_u32(u as u32).unwrap_or('\u{FFFD}')
    }

    /// format.go fmtFloat.
    fn fmt_float_with(&mut self, v: f64, verb: char, prec: i32) {
        let prec = if self.f.prec_present { self.f.prec as i32 } else { prec };
        let conv_verb = if verb == 'F' { 'f' } else { verb };
        let formatted = strconv::format_float(v, conv_verb, prec, 64);
        let mut num: Vec<char> = Vec::with_capacity(formatted.len() + 1);
        if formatted.starts_with('-') || formatted.starts_with('+') {
            num.extend(formatted.chars());
        } else {
            num.push('+');
            num.extend(formatted.chars());
        }
        // space flag: a leading space instead of a plus sign unless plus is set.
        if self.f.space && num[0] == '+' && !self.f.plus {
            num[0] = ' ';
        }
        // Infinities and NaN are not padded with zeros.
        if num[1] == 'I' || num[1] == 'N' {
            let old_zero = self.f.zero;
            self.f.zero = false;
            if num[1] == 'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            let s: String = num.into_iter().collect();
            self.pad(&s);
            self.f.zero = old_zero;
            return;
        }
        // The sharp flag forces a decimal point and keeps trailing zeros.
        if self.f.sharp && verb != 'b' {
            let mut digits: i32 = 0;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = prec;
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<char> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    '.' => has_point = true,
                    'p' | 'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    'e' | 'E' if verb != 'x' && verb != 'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != '0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == '0' {
                    digits -= 1;
                }
                num.push('.');
            }
            while digits > 0 {
                num.push('0');
                digits -= 1;
            }
            num.extend(tail);
        }
        if self.f.plus || num[0] != '+' {
            // Zero padding goes between the sign and the digits.
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(num[0]);
                let n = self.f.wid - num.len();
                self.write_padding(n);
                self.buf.extend(num[1..].iter());
                return;
            }
            let s: String = num.into_iter().collect();
            self.pad(&s);
            return;
        }
        let s: String = num[1..].iter().collect();
        self.pad(&s);
    }

    /// format.go truncate + fmtS.
    fn fmt_s(&mut self, s: &str) {
        let s = if self.f.prec_present {
            match s.char_indices().nth(self.f.prec) {
                Some((i, _)) => &s[..i],
                None => s,
            }
        } else {
            s
        };
        let s = s.to_string();
        self.pad(&s);
    }

    /// format.go fmtSbx: hex of the bytes, `% x` spaced, `#` with 0x.
    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 16]) {
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                let w = self.f.wid;
                self.write_padding(w);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
        let x = if digits[10] == b'A' { 'X' } else { 'x' };
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(x);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(x);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xF) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            let n = self.f.wid - width;
            self.write_padding(n);
        }
    }

    /// format.go fmtQ.
    fn fmt_q(&mut self, s: &str) {
        let s = if self.f.prec_present {
            match s.char_indices().nth(self.f.prec) {
                Some((i, _)) => &s[..i],
                None => s,
            }
        } else {
            s
        };
        if self.f.sharp && strconv::can_backquote(s) {
            let q = format!("`{s}`");
            self.pad(&q);
            return;
        }
        let q = if self.f.plus { strconv::quote_to_ascii(s) } else { strconv::quote(s) };
        self.pad(&q);
    }

    // ---- print.go ----

    /// badVerb: `%!d(string=foo)`, `%!d(<nil>)`.
    fn bad_verb(&mut self, verb: char, arg: Option<&Value>) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match arg {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                self.print_arg(v, 'v');
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
    }

    fn fmt_bool(&mut self, v: bool, verb: char, arg: &Value) {
        match verb {
            't' | 'v' => self.fmt_boolean(v),
            _ => self.bad_verb(verb, Some(arg)),
        }
    }

    /// fmt0x64: hex with (or without) a leading 0x, whatever `#` says.
    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer_base(v, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    fn fmt_integer(&mut self, v: u64, is_signed: bool, verb: char, arg: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !is_signed {
                    self.fmt_0x64(v, true);
                } else {
                    self.fmt_integer_base(v, 10, is_signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer_base(v, 10, is_signed, verb, LDIGITS),
            'b' => self.fmt_integer_base(v, 2, is_signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer_base(v, 8, is_signed, verb, LDIGITS),
            'x' => self.fmt_integer_base(v, 16, is_signed, verb, LDIGITS),
            'X' => self.fmt_integer_base(v, 16, is_signed, verb, UDIGITS),
            'c' => {
                let c = Self::rune_of(v);
                self.pad(&c.to_string());
            }
            'q' => {
                let q = strconv::quote_rune(Self::rune_of(v), self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, Some(arg)),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: char, arg: &Value) {
        match verb {
            'v' => self.fmt_float_with(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_with(v, verb, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float_with(v, verb, 6),
            _ => self.bad_verb(verb, Some(arg)),
        }
    }

    fn fmt_string(&mut self, v: &str, verb: char, arg: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(v);
                } else {
                    self.fmt_s(v);
                }
            }
            's' => self.fmt_s(v),
            'x' => self.fmt_sbx(&crate::codec::go_string::go_bytes(v), LDIGITS),
            'X' => self.fmt_sbx(&crate::codec::go_string::go_bytes(v), UDIGITS),
            'q' => self.fmt_q(v),
            _ => self.bad_verb(verb, Some(arg)),
        }
    }

    /// print.go fmtBytes for a `[]uint8`.
    fn fmt_bytes(&mut self, v: &[u8], verb: char) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str("[]byte{");
                    for (i, &c) in v.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_0x64(c as u64, true);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, &c) in v.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer_base(c as u64, 10, false, verb, LDIGITS);
                    }
                    self.buf.push(']');
                }
            }
            's' => {
                let s = crate::codec::yaml_read::go_lossy_utf8(v);
                self.fmt_s(&s);
            }
            'x' => self.fmt_sbx(v, LDIGITS),
            'X' => self.fmt_sbx(v, UDIGITS),
            'q' => {
                let s = crate::codec::yaml_read::go_lossy_utf8(v);
                self.fmt_q(&s);
            }
            _ => {
                // printValue of a byte slice: each element with the verb.
                self.buf.push('[');
                for (i, &c) in v.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    let elem = Value::Int64(c as i64);
                    self.fmt_integer(c as u64, false, verb, &elem);
                }
                self.buf.push(']');
            }
        }
    }

    /// printArg: one top-level operand.
    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.type_name();
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(arg, verb);
                return;
            }
            _ => {}
        }
        self.print_value(arg, verb, 0);
    }

    /// fmtPointer: maps, lists and objects have an address; Go prints it
    /// in hex (it differs run to run, as ours does).
    fn fmt_pointer(&mut self, arg: &Value, verb: char) {
        let addr = match arg {
            Value::Map(m) => std::rc::Rc::as_ptr(m) as *const u8 as usize,
            Value::List(l) => std::rc::Rc::as_ptr(l) as *const u8 as usize,
            Value::Object(o) => std::rc::Rc::as_ptr(o) as *const u8 as usize,
            _ => {
                self.bad_verb(verb, Some(arg));
                return;
            }
        };
        self.fmt_0x64(addr as u64, !self.f.sharp);
    }

    /// printValue: values inside lists and maps get the same verb; a nil
    /// element prints `<nil>` whatever the verb.
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            Value::Missing | Value::Nil => {
                if depth == 0 {
                    self.print_arg(v, verb);
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, v),
            Value::Float(f) => self.fmt_float(*f, verb, v),
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::Bytes(b) => self.fmt_bytes(b, verb),
            Value::List(items) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (i, x) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, x) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) => {
                let m = m.borrow();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                // fmtsort: string keys in order (a BTreeMap already is).
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    let key = Value::str(k);
                    self.print_value(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(x, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => {
                // A Stringer: handleMethods prints String() for v s x X q.
                if let Some(s) = o.go_string() {
                    if matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') && !self.f.sharp_v {
                        self.fmt_string(&s, verb, v);
                        return;
                    }
                }
                let data = o.to_data();
                self.print_value(&data, verb, depth + 1);
            }
        }
    }

    /// argNumber: an explicit `[n]` index before a width, precision or verb.
    fn arg_number(&mut self, arg_num: usize, format: &[u8], i: usize, num_args: usize) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && 0 <= index && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    /// doPrintf.
    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num: usize = 0;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format_loop: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            // Process one verb.
            i += 1;
            self.f = Flags::default();
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    // Zero padding only to the left: `-` cancels `0`.
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        // Fast path: a lower-case verb right after the flags.
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format_loop;
                        }
                        break;
                    }
                }
                i += 1;
            }

            // Explicit argument index?
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());

            // Width.
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.f.wid = w.unsigned_abs() as usize;
                after_index = false;
            } else {
                let (w, present, next) = parse_num(fb, i, end);
                self.f.wid = w;
                self.f.wid_present = present;
                i = next;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }

            // Precision.
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    self.f.prec_present = ok;
                    self.f.prec = p.max(0) as usize;
                    // Negative precisions make no sense.
                    if p < 0 {
                        self.f.prec_present = false;
                    }
                    if !ok {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, present, next) = parse_num(fb, i, end);
                    i = next;
                    self.f.prec = if present { p } else { 0 };
                    self.f.prec_present = true;
                }
            }

            if !after_index {
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, args.len());
            }
            let _ = after_index;

            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }

            let verb = format[i..].chars().next().expect("in bounds");
            i += verb.len_utf8();

            if verb == '%' {
                // Percent does not absorb operands and ignores width and precision.
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
            } else if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }

        // Extra operands, unless they were addressed out of order.
        if !self.reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which `%v` uses for float64:
/// the shortest digits that round-trip, in exponent form when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `100000`, `1.5e-05`).
pub fn format_float_g(f: f64) -> String {
    strconv::format_float(f, 'g', -1, 64)
}

#[cfg(test)]
mod tests;
