//! Loading a values file: Helm's YAML reader, then coalescing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::yaml_values(data);
});
