//! Decoding a stored release record (base64, gzip, Helm's JSON).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::release_decode(data);
});
