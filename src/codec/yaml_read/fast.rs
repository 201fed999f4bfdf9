//! A fast reader for the plain block YAML that Kubernetes manifests, CRDs
//! and `toYaml` output are written in: block mappings and sequences,
//! one-line plain and quoted scalars, literal and folded block scalars
//! (`|`, `>`, with `-` or `+`) and the empty flow collections `{}` and `[]`.
//!
//! It never decides anything the full reader would decide differently: it
//! builds the same JSON (scalars go through the same go-yaml resolution)
//! or gives up, and then the libyaml-based reader reads the document.
//! Giving up is the answer to anything else: anchors, aliases, tags, flow
//! collections, multi-line scalars, tabs, document markers,
//! unusual characters, odd indentation, and every error.

use serde_json::Value as Json;

use super::{format_float32_key, json_f64, resolve, Resolved};

/// Nesting deeper than this is left to the full reader (it grows its stack).
const MAX_DEPTH: usize = 64;
/// libyaml refuses simple keys longer than 1024 characters.
const MAX_KEY_LEN: usize = 1000;

/// Which values of a document the reader builds. Values it does not build
/// are still read and checked (so it gives up exactly when it would
/// otherwise), then left out: a skipped mapping or sequence reads as an
/// empty one, a skipped mapping entry is not there at all.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Everything.
    All,
    /// A manifest's head (Helm's `SimpleHead`): `apiVersion`, `kind` and
    /// `metadata`'s `name`, `namespace` and `annotations`.
    Head,
    /// Inside a head's `metadata`.
    HeadMetadata,
    /// Nothing.
    Skip,
}

impl Keep {
    /// What to build of the value of `key` in a mapping read with `self`.
    fn entry(self, key: &str) -> Keep {
        match (self, key) {
            (Keep::All, _) => Keep::All,
            (Keep::Head, "apiVersion" | "kind") => Keep::All,
            (Keep::Head, "metadata") => Keep::HeadMetadata,
            (Keep::HeadMetadata, "name" | "namespace" | "annotations") => Keep::All,
            _ => Keep::Skip,
        }
    }

    /// What to build of the items of a sequence read with `self`.
    fn item(self) -> Keep {
        if self == Keep::All {
            Keep::All
        } else {
            Keep::Skip
        }
    }
}

/// The JSON of the single document `text` (the same whether or not it ends
/// with a line break), or `None` when the full reader must decide.
pub(super) fn read(text: &str) -> Option<Json> {
    read_keeping(text, Keep::All)
}

/// [`read`], building only what `keep` asks for.
pub(super) fn read_keeping(text: &str, keep: Keep) -> Option<Json> {
    // libyaml-safer takes a leading 0xEF byte for the start of a byte order
    // mark and refuses the input when the mark is not one.
    if text.as_bytes().first() == Some(&0xEF) {
        return None;
    }
    if !plain_text(text) {
        return None;
    }
    let mut lines = LineBuffer::take();
    let is_marker = |l: &[u8]| l.starts_with(b"---") || l.starts_with(b"...") || l.starts_with(b"%");
    let (mut first_marker, mut markers) = (0, 0);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        let bytes = &text.as_bytes()[start..end];
        let indent = leading_spaces(bytes);
        if indent == 0 && is_marker(bytes) {
            if markers == 0 {
                first_marker = lines.0.len();
            }
            markers += 1;
        }
        let content = bytes.get(indent).is_some_and(|&b| b != b'#');
        lines.0.push(LineSpan { start, end, indent, content });
        start = end + 1;
    }
    if lines.0.last().is_some_and(|l| l.start == l.end) {
        lines.0.pop();
    }
    let mut r = Reader { text, lines, at: 0, depth: 0, keep };
    // One `---` line with only comments and blank lines before it starts
    // the document (files of one object under a header comment, as CRDs
    // are published). Any other marker or directive is the full reader's.
    if markers > 0 {
        let m = first_marker;
        let line = r.raw(m);
        let opens = line.starts_with("---") && line[3..].trim_end_matches(' ').is_empty();
        if !opens || markers > 1 || r.peek_content().is_some_and(|c| c < m) {
            return None;
        }
        r.at = m + 1;
    }
    let Some(first) = r.next_content() else {
        return Some(Json::Null);
    };
    let line = r.line(first);
    let value = if line.text.starts_with(['{', '[']) {
        let (value, after) = flow_node(line.text, 0)?;
        end_of_line(after)?;
        value
    } else {
        r.block_node(line)?
    };
    // Everything must have been read.
    match r.next_content() {
        None => Some(value),
        Some(_) => None,
    }
}

/// Whether every character of `text` is [`plain_char`]: a block of ASCII
/// bytes at a time, and character by character through a block with
/// anything else in it.
fn plain_text(text: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let plain_ascii = |b: u8| b == b'\n' || (b' '..=b'~').contains(&b);
    // `at` is always at a character's start.
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + BLOCK).min(bytes.len());
        if bytes[at..end].iter().fold(true, |all, &b| all & plain_ascii(b)) {
            at = end;
            continue;
        }
        for c in text[at..].chars() {
            if !plain_char(c) {
                return false;
            }
            at += c.len_utf8();
            if at >= end {
                break;
            }
        }
    }
    true
}

/// The number of spaces `bytes` starts with (eight at a time: manifests
/// nest deep).
fn leading_spaces(bytes: &[u8]) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut n = 0;
    while let Some(word) = bytes.get(n..n + 8) {
        if u64::from_ne_bytes(word.try_into().expect("eight bytes")) != SPACES {
            break;
        }
        n += 8;
    }
    n + bytes[n..].iter().take_while(|&&b| b == b' ').count()
}

/// Characters the fast reader takes as they are: printable ASCII, line
/// feeds and printable non-ASCII (no tabs, CRs, NEL, BOM, line separators,
/// C1 controls or noncharacters, which YAML treats specially).
fn plain_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\u{2028}' | '\u{2029}' => false,
        '\u{A0}'..='\u{D7FF}' => true,
        '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        '\u{10000}'.. => true,
        _ => false,
    }
}

/// A line split into its indentation and the rest.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// A line of the document, measured once as the text is split.
#[derive(Clone, Copy)]
struct LineSpan {
    /// Byte range, without the line break.
    start: usize,
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Not blank and not only a comment.
    content: bool,
}

/// A document's lines, in a buffer each thread reuses: a fresh large Vec
/// per document made glibc consolidate its free lists every time (most of
/// the cost of reading many small manifests).
struct LineBuffer(Vec<LineSpan>);

thread_local! {
    static LINE_BUFFER: std::cell::Cell<Vec<LineSpan>> = const { std::cell::Cell::new(Vec::new()) };
}

impl LineBuffer {
    fn take() -> LineBuffer {
        let mut v = LINE_BUFFER.with(|b| b.take());
        v.clear();
        LineBuffer(v)
    }
}

impl Drop for LineBuffer {
    fn drop(&mut self) {
        let v = std::mem::take(&mut self.0);
        // Keep a buffer of ordinary size; let a huge one go.
        if v.capacity() <= 1 << 16 {
            LINE_BUFFER.with(|b| b.set(v));
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    lines: LineBuffer,
    /// The next line not yet read.
    at: usize,
    depth: usize,
    /// What to build of the node being read.
    keep: Keep,
}

/// Whether a line's text starts a sequence entry.
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

impl<'a> Reader<'a> {
    /// Line `i` without its line break.
    fn raw(&self, i: usize) -> &'a str {
        let l = self.lines.0[i];
        &self.text[l.start..l.end]
    }

    /// Whether line `i` has only spaces.
    fn is_blank(&self, i: usize) -> bool {
        let l = self.lines.0[i];
        l.start + l.indent == l.end
    }

    fn len(&self) -> usize {
        self.lines.0.len()
    }

    fn line(&self, i: usize) -> Line<'a> {
        let l = self.lines.0[i];
        Line {
            indent: l.indent,
            text: &self.text[l.start + l.indent..l.end],
        }
    }

    /// The index of the next line with content (not blank, not only a
    /// comment), without consuming it.
    fn peek_content(&self) -> Option<usize> {
        self.lines.0[self.at.min(self.len())..].iter().position(|l| l.content).map(|p| p + self.at)
    }

    fn next_content(&mut self) -> Option<usize> {
        let i = self.peek_content()?;
        self.at = i + 1;
        Some(i)
    }

    /// The block node whose first line (already consumed) is `line`.
    fn block_node(&mut self, line: Line<'a>) -> Option<Json> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let out = if is_entry(line.text) {
            self.sequence(line)
        } else {
            self.mapping(line)
        };
        self.depth -= 1;
        out
    }

    /// A block mapping whose first entry is `first` (its key at column
    /// `first.indent`); later entries are lines at the same indentation.
    fn mapping(&mut self, first: Line<'a>) -> Option<Json> {
        let indent = first.indent;
        let mut map = serde_json::Map::new();
        let mut line = first;
        let keep = self.keep;
        loop {
            let (key, rest) = split_key(line.text)?;
            self.keep = keep.entry(&key);
            let value = self.value_after(rest, indent);
            let kept = self.keep != Keep::Skip;
            self.keep = keep;
            let value = value?;
            if kept {
                map.insert(key, value);
            }
            match self.peek_content() {
                Some(i) => {
                    let next = self.line(i);
                    if next.indent < indent {
                        break;
                    }
                    if next.indent > indent || is_entry(next.text) {
                        return None;
                    }
                    self.at = i + 1;
                    line = next;
                }
                None => break,
            }
        }
        Some(Json::Object(map))
    }

    /// A block sequence whose first entry is `first` (`-` at column
    /// `first.indent`).
    fn sequence(&mut self, first: Line<'a>) -> Option<Json> {
        let indent = first.indent;
        let mut items = Vec::new();
        let mut line = first;
        let keep = self.keep;
        self.keep = keep.item();
        let items_read = self.sequence_items(indent, &mut line, &mut items);
        self.keep = keep;
        items_read?;
        Some(Json::Array(items))
    }

    fn push_item(&self, items: &mut Vec<Json>, item: Json) {
        if self.keep != Keep::Skip {
            items.push(item);
        }
    }

    /// The entries of a block sequence at `indent`, from `line` on.
    fn sequence_items(&mut self, indent: usize, line: &mut Line<'a>, items: &mut Vec<Json>) -> Option<()> {
        loop {
            let rest = &line.text[1..];
            let content = rest.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                let item = self.nested(indent, false)?;
                self.push_item(items, item);
            } else if is_entry(content) {
                return None; // `- - x`
            } else if starts_mapping(content) {
                // `- key: value`: a mapping at the key's column.
                let column = indent + 1 + (rest.len() - content.len());
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                let m = self.mapping(Line {
                    indent: column,
                    text: content,
                });
                self.depth -= 1;
                self.push_item(items, m?);
            } else {
                let item = self.scalar_value(content, indent)?;
                self.push_item(items, item);
            }
            match self.peek_content() {
                Some(i) => {
                    let next = self.line(i);
                    if next.indent < indent {
                        break;
                    }
                    if next.indent > indent {
                        return None;
                    }
                    if !is_entry(next.text) {
                        // The next key of a mapping the sequence is the value of
                        // (at the same indentation), or an error.
                        break;
                    }
                    self.at = i + 1;
                    *line = next;
                }
                None => break,
            }
        }
        Some(())
    }

    /// The value after `key:` (`rest` is what follows the colon) of a
    /// mapping at `indent`.
    fn value_after(&mut self, rest: &'a str, indent: usize) -> Option<Json> {
        let content = rest.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            return self.nested(indent, true);
        }
        if content.len() == rest.len() {
            return None; // no space after the colon
        }
        self.scalar_value(content, indent)
    }

    /// The value on the lines after an entry with nothing after its
    /// indicator: a more indented block node, a sequence at the same
    /// indentation (a mapping's value only), or null.
    fn nested(&mut self, indent: usize, in_mapping: bool) -> Option<Json> {
        let Some(i) = self.peek_content() else {
            return Some(Json::Null);
        };
        let next = self.line(i);
        if in_mapping && next.indent == indent && is_entry(next.text) {
            self.at = i + 1;
            return self.block_node(next);
        }
        if next.indent <= indent {
            return Some(Json::Null);
        }
        self.at = i + 1;
        if is_entry(next.text) || split_key(next.text).is_some() {
            return self.block_node(next);
        }
        // A scalar or flow collection on a line of its own.
        if next.text.starts_with('|') {
            return None;
        }
        self.scalar_value(next.text, indent)
    }

    /// A scalar written after `key: ` or `- ` in a node at `indent`.
    fn scalar_value(&mut self, content: &'a str, indent: usize) -> Option<Json> {
        let value = match content.as_bytes()[0] {
            b'|' | b'>' => return self.block_scalar(content, indent),
            b'"' | b'\'' => Json::String(self.quoted_lines(content, indent)?),
            b'{' | b'[' => {
                let (value, after) = flow_node(content, self.depth)?;
                end_of_line(after)?;
                value
            }
            _ => {
                let text = self.plain_lines(content, indent)?;
                resolved_json(resolve("", &text).ok()?)?
            }
        };
        // A more indented line after a one-line scalar would continue it.
        if let Some(i) = self.peek_content() {
            if self.line(i).indent > indent {
                return None;
            }
        }
        Some(value)
    }

    /// A plain scalar starting with `content` in a node at `indent`, with
    /// its continuation lines (more indented than `indent`) folded as YAML
    /// folds them: one line break becomes a space, `n` more become `n`
    /// line feeds.
    fn plain_lines(&mut self, content: &'a str, indent: usize) -> Option<std::borrow::Cow<'a, str>> {
        let first = plain_scalar(content)?;
        if has_key_indicator(first) {
            return None;
        }
        if first.len() < content.trim_end_matches(' ').len() {
            return Some(first.into()); // a comment ends it
        }
        let mut text = std::borrow::Cow::Borrowed(first);
        let mut breaks = 0;
        let mut i = self.at;
        while i < self.len() {
            let line = self.line(i);
            if line.text.is_empty() {
                breaks += 1;
                i += 1;
                continue;
            }
            if line.indent <= indent {
                break;
            }
            if line.text.starts_with('#') {
                break; // a comment ends it
            }
            if is_entry(line.text) {
                return None;
            }
            let piece = without_comment(line.text);
            if has_key_indicator(piece) {
                return None; // a key inside a multi-line scalar
            }
            let commented = piece.len() < line.text.trim_end_matches(' ').len();
            let folded = text.to_mut();
            if breaks == 0 {
                folded.push(' ');
            }
            for _ in 0..breaks {
                folded.push('\n');
            }
            folded.push_str(piece);
            breaks = 0;
            i += 1;
            self.at = i;
            if commented {
                break; // a comment ends it
            }
        }
        Some(text)
    }

    /// A quoted scalar starting with `content` in a node at `indent`,
    /// closed on this line or a later one. Line breaks fold as in plain
    /// scalars (spaces around them dropped); an escaped line break is
    /// left to libyaml.
    fn quoted_lines(&mut self, content: &'a str, indent: usize) -> Option<String> {
        fn parse(double: bool, text: &str) -> Option<(String, &str)> {
            if double {
                double_quoted(text)
            } else {
                single_quoted(text)
            }
        }
        let double = content.starts_with('"');
        if let Some((value, after)) = parse(double, content) {
            end_of_line(after)?;
            return Some(value);
        }
        let mut folded = content.trim_end_matches(' ').to_string();
        let mut breaks = 0;
        let mut i = self.at;
        loop {
            if folded.ends_with('\\') {
                return None;
            }
            if i >= self.len() {
                return None;
            }
            let line = self.line(i);
            i += 1;
            if line.text.is_empty() {
                breaks += 1;
                continue;
            }
            if line.indent <= indent {
                return None;
            }
            if breaks == 0 {
                folded.push(' ');
            }
            for _ in 0..breaks {
                folded.push('\n');
            }
            breaks = 0;
            folded.push_str(line.text);
            if let Some((value, after)) = parse(double, &folded) {
                end_of_line(after)?;
                self.at = i;
                return Some(value);
            }
            folded.truncate(folded.trim_end_matches(' ').len());
        }
    }

    /// A literal (`|`, `|-`, `|+`) or folded (`>`, `>-`, `>+`) block
    /// scalar of an entry in a node at `indent`; `header` starts with `|`
    /// or `>`.
    fn block_scalar(&mut self, header: &str, indent: usize) -> Option<Json> {
        let folded = header.starts_with('>');
        let after = &header[1..];
        let (chomp, after) = match after.as_bytes().first() {
            Some(b'-') => (Chomp::Strip, &after[1..]),
            Some(b'+') => (Chomp::Keep, &after[1..]),
            _ => (Chomp::Clip, after),
        };
        end_of_line(after)?;
        // The content's indentation is its first non-blank line's.
        let first = (self.at..self.len()).find(|&i| !self.is_blank(i));
        let block_indent = first.map_or(0, |i| self.line(i).indent);
        if first.is_none() || block_indent <= indent {
            // No content: an empty string, unless line breaks are kept.
            let end = first.unwrap_or(self.len());
            if matches!(chomp, Chomp::Keep) || (self.at..end).any(|i| !self.raw(i).is_empty()) {
                return None;
            }
            self.at = end;
            return Some(Json::String(String::new()));
        }
        let first = first?;
        if (self.at..first).any(|i| self.raw(i).len() > block_indent) {
            return None;
        }
        // libyaml's scan_block_scalar: each content line is preceded by the
        // break that ended the line before it and by the breaks of the
        // blank lines between them. A folded scalar turns that one break
        // into a space, or drops it before blank lines, unless either line
        // is more indented than the block (starts with a space).
        let mut out = String::new();
        let mut blank_lines = 0;
        let mut previous_more_indented = None; // None before the first line
        let mut end = self.at;
        for i in self.at..self.len() {
            let raw = self.raw(i);
            let line = self.line(i);
            if line.text.is_empty() {
                if raw.len() > block_indent {
                    return None; // spaces beyond the indentation: content
                }
                blank_lines += 1;
            } else if line.indent < block_indent {
                break;
            } else {
                let text = &raw[block_indent..];
                let more_indented = text.starts_with(' ');
                match previous_more_indented {
                    None => {}
                    Some(false) if folded && !more_indented => {
                        if blank_lines == 0 {
                            out.push(' ');
                        }
                    }
                    Some(_) => out.push('\n'),
                }
                out.extend(std::iter::repeat_n('\n', blank_lines));
                blank_lines = 0;
                out.push_str(text);
                previous_more_indented = Some(more_indented);
            }
            end = i + 1;
        }
        self.at = end;
        // The line breaks after the last content line: one per line after
        // it, plus its own unless it ends the input without one (libyaml
        // reads none there: `a: |\n  x` at the end of a split manifest or a
        // `fromYaml` text is "x").
        let unbroken = end == self.len() && !self.text.ends_with('\n');
        let breaks = blank_lines + usize::from(!unbroken);
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip if breaks > 0 => out.push('\n'),
            Chomp::Clip => {}
            Chomp::Keep => out.extend(std::iter::repeat_n('\n', breaks)),
        }
        Some(Json::String(out))
    }
}

enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// A flow collection or scalar closed on this line (`[a, "b"]`,
/// `{k: v}`): its value and what follows. Flow plain scalars end at
/// `,[]{}`; a colon inside one, `[k: v]` pairs, trailing commas and
/// comments inside are left to libyaml.
fn flow_node(text: &str, depth: usize) -> Option<(Json, &str)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let text = text.trim_start_matches(' ');
    match text.as_bytes().first()? {
        b'[' => {
            let mut items = Vec::new();
            let after = flow_entries(&text[1..], ']', |rest| {
                let (item, after) = flow_node(rest, depth + 1)?;
                items.push(item);
                Some(after)
            })?;
            Some((Json::Array(items), after))
        }
        b'{' => {
            let mut map = serde_json::Map::new();
            let after = flow_entries(&text[1..], '}', |rest| {
                let (key, after) = flow_key(rest)?;
                let (value, after) = flow_node(after, depth + 1)?;
                map.insert(key, value);
                Some(after)
            })?;
            Some((Json::Object(map), after))
        }
        b'"' => double_quoted(text).map(|(s, after)| (Json::String(s), after)),
        b'\'' => single_quoted(text).map(|(s, after)| (Json::String(s), after)),
        _ => {
            let (plain, after) = flow_plain(text)?;
            Some((resolved_json(resolve("", plain).ok()?)?, after))
        }
    }
}

/// The entries of a flow collection, `text` starting after its opening
/// bracket: each read by `entry` (which returns what follows it), separated
/// by commas, up to `close`. Returns what follows `close`. A trailing comma
/// is left to libyaml.
fn flow_entries<'t>(text: &'t str, close: char, mut entry: impl FnMut(&'t str) -> Option<&'t str>) -> Option<&'t str> {
    let mut rest = text.trim_start_matches(' ');
    if let Some(after) = rest.strip_prefix(close) {
        return Some(after);
    }
    loop {
        let after = entry(rest)?.trim_start_matches(' ');
        let Some(after) = after.strip_prefix(',') else {
            return after.strip_prefix(close);
        };
        rest = after.trim_start_matches(' ');
        if rest.starts_with(close) {
            return None;
        }
    }
}

/// A flow plain scalar: up to `,`, `]` or `}`, or a `: ` (a key's end).
fn flow_plain(text: &str) -> Option<(&str, &str)> {
    // In a flow collection `?` and `:` always start a key or a value.
    if text.starts_with(['?', ':']) {
        return None;
    }
    plain_scalar(text)?;
    let end = text.find([',', '[', ']', '{', '}', ':', '#']).unwrap_or(text.len());
    let rest = &text[end..];
    if rest.starts_with(['[', '{', '#']) || (rest.starts_with(':') && !rest[1..].starts_with(' ')) {
        return None;
    }
    let plain = text[..end].trim_end_matches(' ');
    (!plain.is_empty()).then_some((plain, rest))
}

/// A flow mapping key and what follows its `: `.
fn flow_key(text: &str) -> Option<(String, &str)> {
    let (key, after) = match text.as_bytes().first()? {
        b'"' => {
            let (k, after) = double_quoted(text)?;
            (Resolved::Str(k), after)
        }
        b'\'' => {
            let (k, after) = single_quoted(text)?;
            (Resolved::Str(k), after)
        }
        _ => {
            let (k, after) = flow_plain(text)?;
            (resolve("", k).ok()?, after)
        }
    };
    let after = after.strip_prefix(": ")?;
    Some((key_string(key)?, after))
}

/// Whether a sequence entry's content is `key: ...` (a compact mapping).
fn starts_mapping(content: &str) -> bool {
    split_key(content).is_some()
}

/// `key: rest` (or `key:` at the end): the key as go-yaml stringifies it
/// and what follows the colon. Plain keys end at the first `: `.
fn split_key(text: &str) -> Option<(String, &str)> {
    let (key, rest) = match text.as_bytes().first()? {
        b'"' => {
            let (k, after) = double_quoted(text)?;
            (Resolved::Str(k), after.strip_prefix(':')?)
        }
        b'\'' => {
            let (k, after) = single_quoted(text)?;
            (Resolved::Str(k), after.strip_prefix(':')?)
        }
        _ => {
            let colon = key_colon(text)?;
            let key = &text[..colon];
            if key.is_empty() || key.ends_with(' ') || plain_scalar(key)? != key {
                return None;
            }
            (resolve("", key).ok()?, &text[colon + 1..])
        }
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key_string(key)?, rest))
}

/// A resolved key as sigs.k8s.io/yaml stringifies it; `None` for null,
/// uint64 and merge keys (errors or merges) and overlong keys.
fn key_string(key: Resolved) -> Option<String> {
    Some(match key {
        Resolved::Str(s) if s.len() <= MAX_KEY_LEN => s,
        Resolved::Int(i) => i.to_string(),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Float(f) if f.is_finite() => format_float32_key(f),
        _ => return None,
    })
}

/// A one-line plain scalar: the text up to a comment, without trailing
/// spaces; `None` when it starts with an indicator.
fn plain_scalar(content: &str) -> Option<&str> {
    let bytes = content.as_bytes();
    match bytes.first()? {
        b'-' | b'?' | b':' => {
            if bytes.get(1).is_none_or(|&b| b == b' ') {
                return None;
            }
        }
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
        | b'`' => return None,
        _ => {}
    }
    Some(without_comment(content))
}

/// A plain scalar line up to a comment, without trailing spaces.
fn without_comment(content: &str) -> &str {
    let bytes = content.as_bytes();
    let comment = memchr::memchr_iter(b'#', bytes).find(|&i| i > 0 && bytes[i - 1] == b' ');
    content[..comment.map_or(content.len(), |i| i - 1)].trim_end_matches(' ')
}

/// The first colon of `text` followed by a space or the end: where a
/// plain key ends.
fn key_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b':', bytes).find(|&i| bytes.get(i + 1).is_none_or(|&b| b == b' '))
}

/// Whether a plain scalar's line has a `key: ` in it (or ends with a colon).
fn has_key_indicator(text: &str) -> bool {
    key_colon(text).is_some()
}

/// Nothing but spaces and a comment may follow a scalar on its line.
fn end_of_line(after: &str) -> Option<()> {
    let rest = after.trim_start_matches(' ');
    (rest.is_empty() || (rest.starts_with('#') && rest.len() < after.len())).then_some(())
}

/// A single-quoted scalar closed on this line: its value and what follows.
fn single_quoted(text: &str) -> Option<(String, &str)> {
    let body = &text[1..];
    let mut out = String::new();
    let mut rest = body;
    loop {
        let q = rest.find('\'')?;
        out.push_str(&rest[..q]);
        if rest[q + 1..].starts_with('\'') {
            out.push('\'');
            rest = &rest[q + 2..];
        } else {
            return Some((out, &rest[q + 1..]));
        }
    }
}

/// A double-quoted scalar closed on this line, with YAML's escapes.
fn double_quoted(text: &str) -> Option<(String, &str)> {
    let body = &text[1..];
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                let simple = match e {
                    '0' => Some('\0'),
                    'a' => Some('\x07'),
                    'b' => Some('\x08'),
                    't' => Some('\t'),
                    'n' => Some('\n'),
                    'v' => Some('\x0B'),
                    'f' => Some('\x0C'),
                    'r' => Some('\r'),
                    'e' => Some('\x1B'),
                    ' ' => Some(' '),
                    '"' => Some('"'),
                    '/' => Some('/'),
                    '\\' => Some('\\'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{A0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    _ => None,
                };
                match (simple, e) {
                    (Some(c), _) => out.push(c),
                    (None, 'x' | 'u' | 'U') => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut code = 0u32;
                        for _ in 0..n {
                            let (_, h) = chars.next()?;
                            code = code * 16 + h.to_digit(16)?;
                        }
                        out.push(char::from_u32(code)?);
                    }
                    _ => return None,
                }
            }
            _ => out.push(c),
        }
    }
    None
}

/// A resolved plain scalar as JSON (what the full reader's `scalar_to_json`
/// gives), `None` where that would record a conversion error.
fn resolved_json(r: Resolved) -> Option<Json> {
    Some(match r {
        Resolved::Null => Json::Null,
        Resolved::Bool(b) => Json::Bool(b),
        Resolved::Int(i) => json_f64(i as f64),
        Resolved::Uint(u) => json_f64(u as f64),
        Resolved::Float(f) if f.is_finite() => json_f64(f),
        Resolved::Float(_) => return None,
        Resolved::Str(s) => Json::String(s),
        Resolved::Merge => Json::String("<<".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::read_first_document;
    use super::read;

    /// The fast reader either gives what libyaml's reader gives or gives up.
    fn agrees(doc: &str) -> bool {
        let text = if doc.ends_with('\n') || doc.is_empty() {
            doc.to_string()
        } else {
            format!("{doc}\n")
        };
        match read(&text) {
            Some(fast) => {
                let full = read_first_document(&text);
                assert_eq!(full.as_ref().ok(), Some(&fast), "fast reader differs on:\n{text}");
                // The same without the final line break, as from_str reads it.
                let bare = text.strip_suffix('\n').unwrap_or(&text);
                if let Some(fast_bare) = read(bare) {
                    assert_eq!(read_first_document(bare).ok(), Some(fast_bare), "fast reader differs without the final line break:\n{text}");
                }
                // And a head read agrees on the head (`check_fast_reader`).
                crate::codec::yaml_read::check_fast_reader(&text);
                true
            }
            None => {
                crate::codec::yaml_read::check_fast_reader(&text);
                false
            }
        }
    }

    #[test]
    fn reads_manifest_yaml_as_libyaml_does() {
        let taken = [
            "a: 1\nb: x\n",
            "a:\n  b: true\n  c: ~\n  d: 0x1F\n  e: 1e3\n  f: '0777'\n  g: 0777\n",
            "list:\n- a\n- b: 1\n  c: 2\n-   d: 3\n    e: []\n",
            "k:\n- x\nnext: y\n",
            "s: \"tab\\there \\u00e9 \\x41 \\\"q\\\" \\\\ \"\n",
            "s: 'it''s'  # comment\n",
            "text: |-\n  line one\n\n    indented\n  last\nafter: 1\n",
            "text: |\n  kept\n\n\nafter: 1\n",
            "text: |+\n  kept\n\n\nafter: 1\n",
            "- |\n  in a list\n- plain\n",
            "e: {}\nf: []\ng:\n",
            "url: http://x:80/y#frag\nc: a#b\n",
            "yes: on\nNo: off\n1: one\n1.5: x\ntrue: t\n",
            "# only a comment\n",
            "a: {b: 1, 'c': [x, \"y\", 2, true], d: {}}\nb: [ ]\nc:\n  {}\nd:\n  [a, b]\n",
            "- {key: app, operator: In, values: [prometheus]}\n- [metadata, name]\n",
            "k:\n  on the next line\n  and on\nl: 2\n",
            "q: 'one,\n   two  \n\n  # three'\nd: \"a\n  b \\\" \\t c\"\n",
            "p: role of `Services`,\n  `Tasks`, or 'x'.\n",
            "n: null\n  # commented: out\n  # - more\nm: 1\n",
            "{}\n",
            "[a, {b: c}]\n",
            "e: |\n\nf: |-\ng: 1\n",
            "d: one\n  two\n\n   three\n\n\n  four # c\nnext: 1\n",
            "- a\n  b\n- c\n",
            "- k: a\n    b\n  j: 2\n",
            "",
            "  indented: root\n  second: 2\n",
            "a: b # c\n# comment\n  # indented comment\nd: e\n",
            "---\na: 1\n",
            "# header\n\n# more\n---  \nkind: CustomResourceDefinition\nspec:\n  x: 1\n",
            "---\n",
            "---\n# only a comment\n",
            // Folded block scalars: lines fold into spaces, blank lines
            // into breaks, more-indented lines keep theirs.
            "f: >-\n  one\n  two\n\n  three\n\n\n  four\nnext: 1\n",
            "f: >\n  a\n    more\n    indented\n  b\n  c\n\n    d\n  e\nnext: 1\n",
            "f: >+\n\n  lead\n  x\n\n\nnext: 1\n",
            "- >\n  in a list\n  folded\n- >-\n  x\n",
            "f: >\n  location / {\n    return 200;\n  }\ng: >-\n\n",
        ];
        for doc in taken {
            assert!(agrees(doc), "fast reader gave up on:\n{doc}");
        }
    }

    /// Block scalars of every header, with and without blank lines after
    /// them and a final line break: the fast reader reads each as libyaml
    /// does (`agrees` also reads it without the final break) or gives up.
    #[test]
    fn block_scalars_at_the_end_read_as_libyaml_does() {
        let mut read = 0;
        for header in ["|", "|-", "|+", ">", ">-", ">+", "|2", "|2-", "|+2"] {
            for body in ["  x", "  x\n  y", "  x\n\n  y", "   x\n  y"] {
                for tail in ["", "\n", "\n  ", "\n\n", "\n \n"] {
                    for (before, after) in [("a: ", ""), ("- ", ""), ("a:\n  b: ", ""), ("a: ", "\nb: 1")] {
                        let indented = if before.starts_with("a:\n") { body.replace("  ", "    ") } else { body.to_string() };
                        read += usize::from(agrees(&format!("{before}{header}\n{indented}{tail}{after}")));
                    }
                }
            }
        }
        assert!(read > 300, "the fast reader read only {read}");
    }

    #[test]
    fn a_head_read_builds_only_the_head() {
        let doc = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    x: y\n  annotations:\n    \
                   helm.sh/hook: pre-install\n    w: '5'\nspec:\n  containers:\n  - name: c\n";
        let head = super::read_keeping(doc, super::Keep::Head).unwrap();
        assert_eq!(
            head,
            serde_json::json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "a", "annotations": {"helm.sh/hook": "pre-install", "w": "5"}}})
        );
        // A sequence at the root is still one (Helm's error names its type).
        assert_eq!(super::read_keeping("- a\n- b\n", super::Keep::Head).unwrap(), serde_json::json!([]));
        // What is skipped is still checked: the head reader gives up where the full one does.
        assert!(super::read_keeping("kind: X\nspec:\n  a: &x 1\n", super::Keep::Head).is_none());
    }

    #[test]
    fn leaves_everything_else_to_libyaml() {
        let refused = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\n",
            "a: [1, 2, ]\n",
            "a: [k: v]\n",
            "a: {b: 1 # c\n}\n",
            "a: [x:y]\n",
            "a: [?x, b]\n",
            "\u{f69a}: x\n",
            "a: {:x: 1}\n",
            "a: >2\n  folded\n",
            "a: |2\n  x\n",
            "a: multi\n  - line\n",
            "a: multi # c\n  line\n",
            "a: multi\n  line: x\n",
            "a: \"open \\\n  escaped break\"\n",
            "a: 'open\nquote'\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: 1\n---\nb: 2\n",
            "---\na: 1\n---\n",
            "---\na: 1\n...\n",
            "x: 1\n---\na: 1\n",
            "--- a\n",
            "--- # c\na: 1\n",
            "---\t\na: 1\n",
            "%YAML 1.1\n---\na: 1\n",
            "a: 1\n- b\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: b: c\n",
            "a: .nan\n",
            "~: x\n",
            "plain scalar\n",
            "- - nested\n",
            "a:b\n",
            "? complex\n: key\n",
            "a: x\u{2028}y\n",
            "a: 1\n \n  b: 2\n",
        ];
        for doc in refused {
            assert!(!agrees(doc), "fast reader should leave this to libyaml:\n{doc}");
        }
    }

    /// Every YAML document of the shared corpus (charts, values, CRDs,
    /// kustomizations and the golden outputs): the fast reader agrees with
    /// libyaml's reader on each one it reads.
    #[test]
    fn agrees_with_libyaml_on_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        if !root.is_dir() {
            eprintln!("SKIPPED: no corpus at {}", root.display());
            return;
        }
        let (mut docs, mut taken) = (0, 0);
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.to_string_lossy();
                if !(name.ends_with(".yaml")
                    || name.ends_with(".yml")
                    || name.ends_with(".golden")
                    || name.ends_with(".txt"))
                {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for doc in crate::manifest::split_documents(&text) {
                    docs += 1;
                    if agrees(doc) {
                        taken += 1;
                    }
                }
                // Whole files too: a leading `---` after a header comment.
                agrees(&text);
            }
        }
        eprintln!("fast YAML reader: {taken} of {docs} corpus documents read, all as libyaml reads them");
        assert!(docs > 1000 && taken * 2 > docs, "{taken} of {docs}");
    }
}
