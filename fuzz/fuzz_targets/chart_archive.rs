//! Loading a chart archive (.tgz) from bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::chart_archive(data);
});
