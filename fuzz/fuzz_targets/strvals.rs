//! The `--set` family of parsers (Helm's strvals).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::strvals(data);
});
