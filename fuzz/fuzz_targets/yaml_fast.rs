//! The fast YAML reader must read a document as the libyaml reader does,
//! or leave it to that reader.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::yaml_fast(data);
});
