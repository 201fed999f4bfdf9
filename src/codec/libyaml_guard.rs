//! A guard around libyaml-safer's event parser. libyaml-safer 0.3 panics
//! ("TODO: What is expected here?", scanner.rs scan_tag) on a tag that a
//! `,` follows inside a flow collection (`[!, a]`); go-yaml v2, which
//! Helm uses, reports "did not find expected whitespace or line break"
//! there (scannerc.go yaml_parser_scan_tag). Found by fuzzing
//! (fuzz/ yaml_values, gotmpl_exec). The panic is caught here without
//! being printed, so that callers can report go-yaml's error instead.

use std::cell::Cell;
use std::io::BufRead;
use std::sync::Once;

use libyaml_safer::{Error, Event, Parser};

/// go-yaml v2's problem text for a tag not followed by a blank.
pub const TAG_PROBLEM: &str = "did not find expected whitespace or line break";

thread_local! {
    static SILENT: Cell<bool> = const { Cell::new(false) };
}

/// Install (once) a panic hook that stays quiet while [`next_event`] runs
/// on this thread and defers to the previous hook otherwise.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !SILENT.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The parser's next event; `None` when libyaml-safer panicked (on a tag
/// followed by `,` in a flow collection: see the module docs). The parser
/// must not be used after `None`.
pub fn next_event<R: BufRead>(parser: &mut Parser<R>) -> Option<Result<Event, Error>> {
    install_hook();
    SILENT.with(|s| s.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse()));
    SILENT.with(|s| s.set(false));
    r.ok()
}

/// The 0-based line of the first `,` that ends a tag (`!`, `!foo`,
/// `!!str`) at or after byte `from` of `text`: where the scanner stopped.
pub fn tag_comma_line(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from.min(bytes.len());
    while i < bytes.len() {
        if bytes[i] == b'!' {
            let mut j = i + 1;
            while j < bytes.len() && !b" \t\r\n,[]{}".contains(&bytes[j]) {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b',' {
                return bytes[..j].iter().filter(|&&b| b == b'\n').count();
            }
            i = j;
        } else {
            i += 1;
        }
    }
    bytes[..from.min(bytes.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_before_a_comma_is_an_error_not_a_panic() {
        let mut input: &[u8] = b"a:\n  list: [!, a]\n";
        let mut parser = Parser::new();
        parser.set_input(&mut input);
        let mut panicked = false;
        for _ in 0..20 {
            match next_event(&mut parser) {
                None => {
                    panicked = true;
                    break;
                }
                Some(Err(_)) => break,
                Some(Ok(ev)) if matches!(ev.data, libyaml_safer::EventData::StreamEnd) => break,
                Some(Ok(_)) => {}
            }
        }
        assert!(panicked, "libyaml-safer no longer panics here: the guard may go");
        assert_eq!(tag_comma_line("a:\n  list: [!, a]\n", 0), 1);
        assert_eq!(tag_comma_line("x: [!!str, a]", 0), 0);
    }
}
