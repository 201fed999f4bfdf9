//! Every input a fuzz target once crashed, hung or ran out of memory on
//! (testdata/fuzz/<target>/), and the fuzzers' seed inputs
//! (fuzz/seeds/<target>/), fed to the same entry points as the targets
//! (`capstan::fuzzing`). Each must return (errors are fine) without a
//! panic, quickly. See docs/fuzzing.md.

use std::path::Path;
use std::time::{Duration, Instant};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [root.join("testdata/fuzz").join(target), root.join("fuzz/seeds").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries {
            let path = e.unwrap().path();
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no inputs for {target}");
    for (name, data) in inputs {
        let started = Instant::now();
        run(&data);
        assert!(started.elapsed() < Duration::from_secs(20), "{name} took {:?}", started.elapsed());
    }
}

#[test]
fn gotmpl_parse() {
    replay("gotmpl_parse", capstan::fuzzing::gotmpl_parse);
}

#[test]
fn gotmpl_exec() {
    replay("gotmpl_exec", capstan::fuzzing::gotmpl_exec);
}

#[test]
fn yaml_values() {
    replay("yaml_values", capstan::fuzzing::yaml_values);
}

#[test]
fn yaml_fast() {
    replay("yaml_fast", capstan::fuzzing::yaml_fast);
}

#[test]
fn strvals() {
    replay("strvals", capstan::fuzzing::strvals);
}

#[test]
fn chart_archive() {
    replay("chart_archive", capstan::fuzzing::chart_archive);
}

#[test]
fn kustomize() {
    replay("kustomize", capstan::fuzzing::kustomize);
}

#[test]
fn release_decode() {
    replay("release_decode", capstan::fuzzing::release_decode);
}
