//! The Go-template executor: the input is a template and values (YAML),
//! split at the first NUL byte.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::gotmpl_exec(data);
});
