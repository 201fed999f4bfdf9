//! The template lexer: splits template text into text and action tokens.
//!
//! A port of the state machine in Go's text/template/parse/lex.go (the
//! synchronous version): same token kinds, same trim-marker handling
//! (`{{- ` / ` -}}`), same line counting and the same error texts, so that
//! the parser reports errors at the lines Go reports them. Go's states
//! become functions that return the token (a state that hands over to
//! another calls it), and the common ASCII runs (spaces, words, quoted
//! strings) are scanned on bytes.

use crate::engine::gofmt::strconv;

/// Kinds of tokens. Keywords sort after `Keyword`, as in Go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords appear after all the rest.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "." => ItemType::Dot,
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

/// One token: its kind, byte position, text and starting line. An error
/// token's text is empty: its message is [`Lexer::error_message`].
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub typ: ItemType,
    pub pos: usize,
    pub val: &'a str,
    pub line: usize,
}

impl std::fmt::Display for Item<'_> {
    /// Go: item.String(), used in "unexpected ..." parse errors (not for
    /// error tokens, whose message the lexer keeps).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.typ {
            ItemType::Eof => f.write_str("EOF"),
            ItemType::Error => f.write_str(self.val),
            t if t > ItemType::Keyword => write!(f, "<{}>", self.val),
            _ => {
                if self.val.len() > 10 {
                    // %.10q: the first ten runes, quoted, then "...".
                    let head: String = self.val.chars().take(10).collect();
                    write!(f, "{}...", strconv::quote(&head))
                } else {
                    f.write_str(&strconv::quote(self.val))
                }
            }
        }
    }
}

/// The number of newlines in `s`.
fn count_lines(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}

/// Byte classes: ASCII letters, digits and `_` (the ASCII runes Go's
/// isAlphaNumeric accepts), and Go's isSpace.
const WORD: u8 = 1;
const SPACE: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] = WORD;
        } else if is_space(c as char) {
            t[b] = SPACE;
        }
        b += 1;
    }
    t
};

/// How many bytes at the start of `s` are ASCII letters, digits or `_`:
/// the common case of an identifier, scanned without decoding runes.
fn ascii_word_len(s: &str) -> usize {
    s.bytes().position(|b| CLASS[b as usize] != WORD).unwrap_or(s.len())
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const SPACE_CHARS: &[char] = &[' ', '\t', '\r', '\n'];
/// The trim marker plus the space before or after it.
const TRIM_MARKER_LEN: usize = 2;

/// The scanner state (Go: parse.lexer).
pub struct Lexer<'a> {
    /// The text still to scan from; emptied by an error, as Go does.
    input: &'a str,
    left_delim: &'a str,
    right_delim: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    inside_action: bool,
    pub break_ok: bool,
    pub continue_ok: bool,
    /// The message of the last error token (the parser stops at the first).
    error: String,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Self {
        Lexer {
            input,
            left_delim: LEFT_DELIM,
            right_delim: RIGHT_DELIM,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            inside_action: false,
            break_ok: true,
            continue_ok: true,
            error: String::new(),
        }
    }

    /// The message of the error token last returned.
    pub fn error_message(&self) -> &str {
        &self.error
    }

    #[inline]
    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    #[inline]
    fn next(&mut self) -> Option<char> {
        match self.input.as_bytes().get(self.pos) {
            None => {
                self.at_eof = true;
                None
            }
            // ASCII, nearly all of a template, without decoding a rune.
            Some(&b) if b.is_ascii() => {
                self.pos += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                Some(b as char)
            }
            Some(_) => {
                let c = self.rest().chars().next()?;
                self.pos += c.len_utf8();
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    /// Go: backup steps back one rune, but never after EOF was seen.
    #[inline]
    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            let before = self.input.as_bytes()[self.pos - 1];
            if before.is_ascii() {
                self.pos -= 1;
                if before == b'\n' {
                    self.line -= 1;
                }
            } else if let Some(c) = self.input[..self.pos].chars().next_back() {
                self.pos -= c.len_utf8();
            }
        }
    }

    /// The token from `start` to `pos` (Go: thisItem).
    #[inline]
    fn emit(&mut self, typ: ItemType) -> Item<'a> {
        let item = Item {
            typ,
            pos: self.start,
            val: &self.input[self.start..self.pos],
            line: self.start_line,
        };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn ignore(&mut self) {
        self.line += count_lines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        loop {
            match self.next() {
                Some(c) if valid.contains(c) => {}
                _ => break,
            }
        }
        self.backup();
    }

    #[cold]
    fn errorf(&mut self, msg: String) -> Item<'a> {
        let item = Item {
            typ: ItemType::Error,
            pos: self.start,
            val: "",
            line: self.start_line,
        };
        self.error = msg;
        self.start = 0;
        self.pos = 0;
        self.input = &self.input[..0];
        item
    }

    /// The next token (Go: nextItem).
    pub fn next_item(&mut self) -> Item<'a> {
        if self.inside_action {
            self.lex_inside_action()
        } else {
            self.lex_text()
        }
    }

    fn lex_text(&mut self) -> Item<'a> {
        loop {
            let Some(x) = find_left_delim(self.rest(), self.left_delim) else {
                break;
            };
            if x > 0 {
                self.pos += x;
                let mut trim_length = 0;
                let delim_end = self.pos + self.left_delim.len();
                if has_left_trim_marker(&self.input[delim_end..]) {
                    trim_length = right_trim_length(&self.input[self.start..self.pos]);
                }
                self.pos -= trim_length;
                self.line += count_lines(&self.input[self.start..self.pos]);
                let item = self.emit(ItemType::Text);
                self.pos += trim_length;
                self.ignore();
                if !item.val.is_empty() {
                    return item;
                }
            }
            // A comment returns to scanning text.
            if let Some(item) = self.lex_left_delim() {
                return item;
            }
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += count_lines(&self.input[self.start..self.pos]);
            return self.emit(ItemType::Text);
        }
        self.emit(ItemType::Eof)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(self.right_delim) {
            return (true, true);
        }
        if rest.starts_with(self.right_delim) {
            return (true, false);
        }
        (false, false)
    }

    /// The left delimiter, or None after a comment (back to text).
    fn lex_left_delim(&mut self) -> Option<Item<'a>> {
        self.pos += self.left_delim.len();
        let trim_space = has_left_trim_marker(self.rest());
        let after_marker = if trim_space { TRIM_MARKER_LEN } else { 0 };
        if self.input[self.pos + after_marker..].starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.ignore();
            return self.lex_comment();
        }
        let item = self.emit(ItemType::LeftDelim);
        self.inside_action = true;
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Some(item)
    }

    /// Skips a comment: None, or the error token.
    fn lex_comment(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.rest().find(RIGHT_COMMENT) else {
            return Some(self.errorf("unclosed comment".into()));
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim_space) = self.at_right_delim();
        if !delim {
            return Some(self.errorf("comment ends before closing delimiter".into()));
        }
        self.line += count_lines(&self.input[self.start..self.pos]);
        // Comments are not emitted (text/template does not set ParseComments).
        self.emit(ItemType::Comment);
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right_delim.len();
        if trim_space {
            self.pos += left_trim_length(self.rest());
        }
        self.ignore();
        None
    }

    fn lex_right_delim(&mut self) -> Item<'a> {
        let (_, trim_space) = self.at_right_delim();
        if trim_space {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right_delim.len();
        let item = self.emit(ItemType::RightDelim);
        if trim_space {
            self.pos += left_trim_length(self.rest());
            self.ignore();
        }
        self.inside_action = false;
        item
    }

    fn lex_inside_action(&mut self) -> Item<'a> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match r {
            r if is_space(r) => {
                self.backup(); // Put space back in case we have " -}}".
                self.lex_space()
            }
            '=' => self.emit(ItemType::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(ItemType::Declare)
            }
            '|' => self.emit(ItemType::Pipe),
            '"' => self.lex_quote(b'"', ItemType::String, "unterminated quoted string"),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_variable(),
            '\'' => self.lex_quote(b'\'', ItemType::CharConstant, "unterminated character constant"),
            '.' => {
                // Special look-ahead for ".field" so we don't break backup().
                if let Some(&b) = self.input.as_bytes().get(self.pos) {
                    if !b.is_ascii_digit() {
                        return self.lex_field_or_variable(ItemType::Field);
                    }
                }
                self.backup();
                self.lex_number()
            }
            '+' | '-' | '0'..='9' => {
                self.backup();
                self.lex_number()
            }
            r if is_alpha_numeric(r) => {
                self.backup();
                self.lex_identifier()
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(ItemType::RightParen)
            }
            r if r.is_ascii() && !r.is_ascii_control() => self.emit(ItemType::Char),
            r => self.errorf(format!(
                "unrecognized character in action: {}",
                unicode_plus(r)
            )),
        }
    }

    /// Entered at a space rune.
    fn lex_space(&mut self) -> Item<'a> {
        let bytes = self.input.as_bytes();
        let from = self.pos;
        let mut end = from;
        while let Some(&b) = bytes.get(end) {
            if CLASS[b as usize] != SPACE {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            end += 1;
        }
        if end == bytes.len() {
            self.at_eof = true; // Go's peek read EOF here.
        }
        self.pos = end;
        let num_spaces = end - from;
        // A trim-marked closing delimiter starts with a space: check for the
        // '-' that might follow.
        let before = &self.input[self.pos - 1..];
        if has_right_trim_marker(before) && before[TRIM_MARKER_LEN..].starts_with(self.right_delim)
        {
            self.backup(); // Before the space.
            if num_spaces == 1 {
                return self.lex_right_delim();
            }
        }
        self.emit(ItemType::Space)
    }

    /// Scans the rest of an identifier's runes from `pos`; returns the
    /// rune after it (None at EOF), as Go's loop of next() leaves it.
    fn scan_word(&mut self) -> Option<char> {
        loop {
            self.pos += ascii_word_len(self.rest());
            match self.input.as_bytes().get(self.pos) {
                None => {
                    self.at_eof = true;
                    return None;
                }
                Some(&b) if b.is_ascii() => return Some(b as char),
                Some(_) => {
                    let c = self.rest().chars().next()?;
                    if !is_alpha_numeric(c) {
                        return Some(c);
                    }
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn lex_identifier(&mut self) -> Item<'a> {
        let r = self.scan_word();
        let word = &self.input[self.start..self.pos];
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", unicode_plus_opt(r)));
        }
        if let Some(kw) = keyword(word) {
            if (kw == ItemType::Break && !self.break_ok)
                || (kw == ItemType::Continue && !self.continue_ok)
            {
                return self.emit(ItemType::Identifier);
            }
            return self.emit(kw);
        }
        if word.starts_with('.') {
            return self.emit(ItemType::Field);
        }
        if word == "true" || word == "false" {
            return self.emit(ItemType::Bool);
        }
        self.emit(ItemType::Identifier)
    }

    fn lex_variable(&mut self) -> Item<'a> {
        if self.at_terminator() {
            return self.emit(ItemType::Variable);
        }
        self.lex_field_or_variable(ItemType::Variable)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Item<'a> {
        if self.at_terminator() {
            if typ == ItemType::Variable {
                return self.emit(ItemType::Variable);
            }
            return self.emit(ItemType::Dot);
        }
        let r = self.scan_word();
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", unicode_plus_opt(r)));
        }
        self.emit(typ)
    }

    /// Whether the next rune may end an identifier (Go: atTerminator).
    #[inline]
    fn at_terminator(&mut self) -> bool {
        match self.input.as_bytes().get(self.pos) {
            None => {
                self.at_eof = true; // Go's peek read EOF here.
                true
            }
            Some(&b) if is_space(b as char) || matches!(b, b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => self.rest().starts_with(self.right_delim),
        }
    }

    /// A quoted string or character constant, after its opening quote:
    /// a backslash escapes any rune but a newline.
    fn lex_quote(&mut self, quote: u8, typ: ItemType, unterminated: &str) -> Item<'a> {
        let bytes = self.input.as_bytes();
        let mut p = self.pos;
        loop {
            // Bytes of a multi-byte rune are never quotes, backslashes or
            // newlines, so stepping over them one by one is stepping over
            // the rune.
            match bytes.get(p) {
                Some(&b) if b == quote => {
                    self.pos = p + 1;
                    return self.emit(typ);
                }
                Some(b'\\') => match bytes.get(p + 1) {
                    Some(b'\n') | None => {
                        p += 1;
                        break;
                    }
                    Some(_) => p += 2,
                },
                Some(b'\n') | None => break,
                Some(_) => p += 1,
            }
        }
        // Unterminated: read the bad rune as Go does, for the line count.
        self.pos = p;
        self.next();
        self.errorf(unterminated.into())
    }

    fn lex_raw_quote(&mut self) -> Item<'a> {
        let rest = self.rest();
        let Some(x) = memchr::memchr(b'`', rest.as_bytes()) else {
            self.line += count_lines(rest);
            self.pos = self.input.len();
            self.at_eof = true;
            return self.errorf("unterminated raw quoted string".into());
        };
        self.line += count_lines(&rest[..x]);
        self.pos += x + 1;
        self.emit(ItemType::RawString)
    }

    fn lex_number(&mut self) -> Item<'a> {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.errorf(format!(
                "bad number syntax: {}",
                strconv::quote(&text)
            ));
        }
        if let Some('+' | '-') = self.peek() {
            // Complex: 1+2i. No spaces, must end in 'i'.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = self.input[self.start..self.pos].to_string();
                return self.errorf(format!(
                    "bad number syntax: {}",
                    strconv::quote(&text)
                ));
            }
            return self.emit(ItemType::Complex);
        }
        self.emit(ItemType::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            // Note: Leading 0 does not mean octal in floats.
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 10 + 1 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 16 + 6 + 1 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        // Is it imaginary?
        self.accept("i");
        // Next thing mustn't be alphanumeric.
        if let Some(c) = self.peek() {
            if is_alpha_numeric(c) {
                self.next();
                return false;
            }
        }
        true
    }
}

const fn is_space(r: char) -> bool {
    matches!(r, ' ' | '\t' | '\r' | '\n')
}

/// Go: isAlphaNumeric (underscore, unicode letters and digits).
pub fn is_alpha_numeric(r: char) -> bool {
    r == '_' || r.is_alphabetic() || is_unicode_digit(r)
}

/// Go's unicode.IsDigit is the Nd category; `char::is_numeric` is wider
/// (it includes Nl and No), so approximate Nd by excluding the common
/// non-decimal numerics.
fn is_unicode_digit(r: char) -> bool {
    if r.is_ascii() {
        return r.is_ascii_digit();
    }
    r.is_numeric() && r.to_digit(10).is_none() && !is_non_decimal_numeric(r) || r.is_ascii_digit()
}

fn is_non_decimal_numeric(r: char) -> bool {
    // Superscripts, subscripts, fractions, roman numerals, circled numbers.
    matches!(r as u32,
        0x00B2 | 0x00B3 | 0x00B9 | 0x00BC..=0x00BE | 0x2070..=0x209F | 0x2150..=0x218F
        | 0x2460..=0x24FF | 0x2776..=0x2793 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303A
        | 0x3192..=0x3195 | 0x3220..=0x3229 | 0x3248..=0x324F | 0x3251..=0x325F
        | 0x3280..=0x3289 | 0x32B1..=0x32BF)
}

/// Where `delim` starts in `text`: for the usual `{{`, with a searcher
/// built once rather than per text section.
fn find_left_delim(text: &str, delim: &str) -> Option<usize> {
    static USUAL: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(LEFT_DELIM));
    if delim == LEFT_DELIM {
        USUAL.find(text.as_bytes())
    } else {
        memchr::memmem::find(text.as_bytes(), delim.as_bytes())
    }
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

fn right_trim_length(s: &str) -> usize {
    s.len() - s.trim_end_matches(SPACE_CHARS).len()
}

fn left_trim_length(s: &str) -> usize {
    s.len() - s.trim_start_matches(SPACE_CHARS).len()
}

/// Go's `%#U`: `U+0023 '#'` (the quoted rune only when printable).
pub fn unicode_plus(r: char) -> String {
    if strconv::is_print(r) {
        format!("U+{:04X} '{}'", r as u32, r)
    } else {
        format!("U+{:04X}", r as u32)
    }
}

fn unicode_plus_opt(r: Option<char>) -> String {
    match r {
        Some(c) => unicode_plus(c),
        // Go formats eof (-1) with %#U as "U+FFFFFFFFFFFFFFFF".
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_name(t: ItemType) -> &'static str {
        use ItemType::*;
        match t {
            Error => "error",
            Bool => "bool",
            Char => "char",
            CharConstant => "charconst",
            Comment => "comment",
            Complex => "complex",
            Assign => "=",
            Declare => ":=",
            Eof => "EOF",
            Field => "field",
            Identifier => "identifier",
            LeftDelim => "left delim",
            LeftParen => "(",
            Number => "number",
            Pipe => "pipe",
            RawString => "raw string",
            RightDelim => "right delim",
            RightParen => ")",
            Space => "space",
            String => "string",
            Text => "text",
            Variable => "variable",
            _ => "keyword",
        }
    }

    fn lex_all(input: &str) -> Vec<(ItemType, String)> {
        let mut l = Lexer::new(input);
        let mut out = vec![];
        loop {
            let it = l.next_item();
            let done = matches!(it.typ, ItemType::Eof | ItemType::Error);
            let val = if it.typ == ItemType::Error { l.error_message() } else { it.val };
            out.push((it.typ, val.to_string()));
            if done {
                break;
            }
        }
        out
    }

    fn compact(items: &[(ItemType, String)]) -> String {
        items
            .iter()
            .map(|(t, v)| format!("{}:{}", kind_name(*t), v))
            .collect::<Vec<_>>()
            .join(" ")
    }

    use ItemType as I;

    // Cases from Go's text/template/parse/lex_test.go (lexTests).
    #[test]
    fn lex_tests_from_go() {
        let cases: &[(&str, &[(ItemType, &str)])] = &[
            ("", &[(I::Eof, "")]),
            (" \t\n", &[(I::Text, " \t\n"), (I::Eof, "")]),
            (
                "now is the time",
                &[(I::Text, "now is the time"), (I::Eof, "")],
            ),
            (
                "hello-{{/* this is a comment */}}-world",
                &[(I::Text, "hello-"), (I::Text, "-world"), (I::Eof, "")],
            ),
            (
                "{{,@% }}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Char, ","),
                    (I::Char, "@"),
                    (I::Char, "%"),
                    (I::Space, " "),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{((3))}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::LeftParen, "("),
                    (I::LeftParen, "("),
                    (I::Number, "3"),
                    (I::RightParen, ")"),
                    (I::RightParen, ")"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{}}",
                &[(I::LeftDelim, "{{"), (I::RightDelim, "}}"), (I::Eof, "")],
            ),
            (
                "{{for}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Identifier, "for"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{block \"foo\" .}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Block, "block"),
                    (I::Space, " "),
                    (I::String, "\"foo\""),
                    (I::Space, " "),
                    (I::Dot, "."),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{\"abc \\n\\t\\\" \"}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::String, "\"abc \\n\\t\\\" \""),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{`abc\n\\t`}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::RawString, "`abc\n\\t`"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Number, "1"),
                    (I::Space, " "),
                    (I::Number, "02"),
                    (I::Space, " "),
                    (I::Number, "0x14"),
                    (I::Space, " "),
                    (I::Number, "0X14"),
                    (I::Space, " "),
                    (I::Number, "-7.2i"),
                    (I::Space, " "),
                    (I::Number, "1e3"),
                    (I::Space, " "),
                    (I::Number, "1E3"),
                    (I::Space, " "),
                    (I::Number, "+1.2e-4"),
                    (I::Space, " "),
                    (I::Number, "4.2i"),
                    (I::Space, " "),
                    (I::Complex, "1+2i"),
                    (I::Space, " "),
                    (I::Number, "1_2"),
                    (I::Space, " "),
                    (I::Number, "0x1.e_fp4"),
                    (I::Space, " "),
                    (I::Number, "0X1.E_FP4"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::CharConstant, "'a'"),
                    (I::Space, " "),
                    (I::CharConstant, "'\\n'"),
                    (I::Space, " "),
                    (I::CharConstant, "'\\''"),
                    (I::Space, " "),
                    (I::CharConstant, "'\\\\'"),
                    (I::Space, " "),
                    (I::CharConstant, "'\\u00FF'"),
                    (I::Space, " "),
                    (I::CharConstant, "'\\xFF'"),
                    (I::Space, " "),
                    (I::CharConstant, "'本'"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{true false}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Bool, "true"),
                    (I::Space, " "),
                    (I::Bool, "false"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{.}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Dot, "."),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{nil}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Nil, "nil"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{.x . .2 .x.y.z}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Field, ".x"),
                    (I::Space, " "),
                    (I::Dot, "."),
                    (I::Space, " "),
                    (I::Number, ".2"),
                    (I::Space, " "),
                    (I::Field, ".x"),
                    (I::Field, ".y"),
                    (I::Field, ".z"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{range if else end with}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Range, "range"),
                    (I::Space, " "),
                    (I::If, "if"),
                    (I::Space, " "),
                    (I::Else, "else"),
                    (I::Space, " "),
                    (I::End, "end"),
                    (I::Space, " "),
                    (I::With, "with"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Variable, "$c"),
                    (I::Space, " "),
                    (I::Declare, ":="),
                    (I::Space, " "),
                    (I::Identifier, "printf"),
                    (I::Space, " "),
                    (I::Variable, "$"),
                    (I::Space, " "),
                    (I::Variable, "$hello"),
                    (I::Space, " "),
                    (I::Variable, "$23"),
                    (I::Space, " "),
                    (I::Variable, "$"),
                    (I::Space, " "),
                    (I::Variable, "$var"),
                    (I::Field, ".Field"),
                    (I::Space, " "),
                    (I::Field, ".Method"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{$x = 3}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Variable, "$x"),
                    (I::Space, " "),
                    (I::Assign, "="),
                    (I::Space, " "),
                    (I::Number, "3"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{$x.y.z}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Variable, "$x"),
                    (I::Field, ".y"),
                    (I::Field, ".z"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro",
                &[
                    (I::Text, "intro "),
                    (I::LeftDelim, "{{"),
                    (I::Identifier, "echo"),
                    (I::Space, " "),
                    (I::Identifier, "hi"),
                    (I::Space, " "),
                    (I::Number, "1.2"),
                    (I::Space, " "),
                    (I::Pipe, "|"),
                    (I::Identifier, "noargs"),
                    (I::Pipe, "|"),
                    (I::Identifier, "args"),
                    (I::Space, " "),
                    (I::Number, "1"),
                    (I::Space, " "),
                    (I::String, "\"hi\""),
                    (I::RightDelim, "}}"),
                    (I::Text, " outro"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{$v := 3}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Variable, "$v"),
                    (I::Space, " "),
                    (I::Declare, ":="),
                    (I::Space, " "),
                    (I::Number, "3"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{$v , $w := 3}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Variable, "$v"),
                    (I::Space, " "),
                    (I::Char, ","),
                    (I::Space, " "),
                    (I::Variable, "$w"),
                    (I::Space, " "),
                    (I::Declare, ":="),
                    (I::Space, " "),
                    (I::Number, "3"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "{{(.X).Y}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::LeftParen, "("),
                    (I::Field, ".X"),
                    (I::RightParen, ")"),
                    (I::Field, ".Y"),
                    (I::RightDelim, "}}"),
                    (I::Eof, ""),
                ],
            ),
            (
                "hello- {{- 3 -}} -world",
                &[
                    (I::Text, "hello-"),
                    (I::LeftDelim, "{{"),
                    (I::Number, "3"),
                    (I::RightDelim, "}}"),
                    (I::Text, "-world"),
                    (I::Eof, ""),
                ],
            ),
            (
                "hello- {{- /* hello */ -}} -world",
                &[(I::Text, "hello-"), (I::Text, "-world"), (I::Eof, "")],
            ),
            // errors
            (
                "#{{\u{1}}}",
                &[
                    (I::Text, "#"),
                    (I::LeftDelim, "{{"),
                    (I::Error, "unrecognized character in action: U+0001"),
                ],
            ),
            ("{{", &[(I::LeftDelim, "{{"), (I::Error, "unclosed action")]),
            (
                "{{range",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Range, "range"),
                    (I::Error, "unclosed action"),
                ],
            ),
            (
                "{{\"\n\"}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Error, "unterminated quoted string"),
                ],
            ),
            (
                "{{`xx}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Error, "unterminated raw quoted string"),
                ],
            ),
            (
                "{{'\n}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Error, "unterminated character constant"),
                ],
            ),
            (
                "{{3k}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Error, "bad number syntax: \"3k\""),
                ],
            ),
            (
                "{{(3}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::LeftParen, "("),
                    (I::Number, "3"),
                    (I::Error, "unclosed left paren"),
                ],
            ),
            (
                "{{3)}}",
                &[
                    (I::LeftDelim, "{{"),
                    (I::Number, "3"),
                    (I::Error, "unexpected right paren"),
                ],
            ),
            (
                "hello-{.}}-world",
                &[(I::Text, "hello-{.}}-world"), (I::Eof, "")],
            ),
            (
                "hello-{{/*/}}-world",
                &[(I::Text, "hello-"), (I::Error, "unclosed comment")],
            ),
            (
                "hello-{{/* */ }}-world",
                &[
                    (I::Text, "hello-"),
                    (I::Error, "comment ends before closing delimiter"),
                ],
            ),
            (
                "{{a#}}",
                &[(I::LeftDelim, "{{"), (I::Error, "bad character U+0023 '#'")],
            ),
        ];
        for (input, want) in cases {
            let got = lex_all(input);
            let want: Vec<(ItemType, String)> =
                want.iter().map(|(t, v)| (*t, v.to_string())).collect();
            assert_eq!(compact(&got), compact(&want), "input {input:?}");
        }
    }

    #[test]
    fn break_and_continue_become_identifiers_when_disabled() {
        let mut l = Lexer::new("{{break}}");
        l.break_ok = false;
        l.next_item();
        assert_eq!(l.next_item().typ, ItemType::Identifier);
    }

    // Go: TestPos in lex_test.go, positions and lines of items.
    #[test]
    fn positions_and_lines() {
        let mut l = Lexer::new("0123{{hello}}xyz");
        let a = l.next_item();
        assert_eq!((a.typ, a.pos, a.line), (ItemType::Text, 0, 1));
        let b = l.next_item();
        assert_eq!((b.typ, b.pos), (ItemType::LeftDelim, 4));
        let c = l.next_item();
        assert_eq!((c.typ, c.pos), (ItemType::Identifier, 6));
        let d = l.next_item();
        assert_eq!((d.typ, d.pos), (ItemType::RightDelim, 11));
        let e = l.next_item();
        assert_eq!((e.typ, e.pos), (ItemType::Text, 13));
        let mut l = Lexer::new("a\nb{{\n.x\n}}");
        l.next_item();
        l.next_item();
        l.next_item(); // space (newline)
        let f = l.next_item();
        assert_eq!((f.typ, f.line), (ItemType::Field, 3));
    }

    #[test]
    fn item_display_like_go() {
        let it = Item {
            typ: ItemType::String,
            pos: 0,
            val: "\"abcdefghijkl\"",
            line: 1,
        };
        assert_eq!(it.to_string(), "\"\\\"abcdefghi\"...");
        let it = Item {
            typ: ItemType::End,
            pos: 0,
            val: "end",
            line: 1,
        };
        assert_eq!(it.to_string(), "<end>");
        let it = Item {
            typ: ItemType::Char,
            pos: 0,
            val: "}",
            line: 1,
        };
        assert_eq!(it.to_string(), "\"}\"");
    }
}
