//! A kustomization file, and a strategic merge patch of one resource by
//! another (the input split at the first NUL byte).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    capstan::fuzzing::kustomize(data);
});
