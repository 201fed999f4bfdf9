//! Kustomize conformance ratchet: builds every case of the shared corpus
//! (`../shared/corpus/kustomize`) with `capstan::kustomize::build` and
//! compares the output byte for byte with what `kubectl kustomize`
//! (kustomize v5.7.1) printed. Fails when a case listed in
//! `tests/kustomize-passing.txt` no longer passes; prints the pass count.
//! Skips (loudly) when the corpus is not there.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/kustomize")
}

fn ratchet() -> BTreeSet<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kustomize-passing.txt");
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// The first line where two texts differ, for the failure report.
fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}: want {:?}, got {:?}", i + 1, w, g);
        }
    }
    format!("lengths differ: want {} lines, got {}", want.lines().count(), got.lines().count())
}

#[test]
fn kustomize_corpus_ratchet() {
    let dir = corpus_dir();
    let Ok(text) = std::fs::read_to_string(dir.join("cases.json")) else {
        eprintln!("SKIPPED: kustomize corpus not found at {}", dir.display());
        return;
    };
    let cases: serde_json::Value = serde_json::from_str(&text).expect("cases.json parses");
    let must_pass = ratchet();
    let mut passed = BTreeSet::new();
    let mut report = Vec::new();
    for c in cases.as_array().expect("a list of cases") {
        let name = c["case"].as_str().unwrap().to_string();
        let case_dir = dir.join(c["dir"].as_str().unwrap());
        let want = std::fs::read_to_string(dir.join(c["expect"].as_str().unwrap())).expect("golden file");
        match capstan::kustomize::build(&case_dir) {
            Ok(got) if got == want => {
                passed.insert(name);
            }
            Ok(got) => report.push(format!("{name}: {}", first_difference(&want, &got))),
            Err(e) => report.push(format!("{name}: error: {e}")),
        }
    }
    for r in &report {
        eprintln!("FAIL {r}");
    }
    eprintln!("kustomize conformance: {} passed, {} failed", passed.len(), report.len());
    let regressed: Vec<&String> = must_pass.difference(&passed).collect();
    assert!(regressed.is_empty(), "cases in tests/kustomize-passing.txt regressed: {regressed:?}");
}

/// Cases from kustomize's own tests (src/kustomize/testdata/krusty: end to
/// end tests; plugins: built-in plugin and filter tests), with kubectl's
/// output: same bytes on success, an error where kubectl failed.
#[test]
fn kustomize_krusty_cases() {
    run_case_set("krusty");
}

#[test]
fn kustomize_plugin_and_filter_cases() {
    run_case_set("plugins");
}

/// Randomly combined kustomizations (src/kustomize/testdata/fuzz).
#[test]
fn kustomize_fuzz_cases() {
    run_case_set("fuzz");
}

/// capstan's own cases (src/kustomize/testdata/extra): many fields at once,
/// scalar quoting, generators, sort options, error cases.
#[test]
fn kustomize_extra_cases() {
    run_case_set("extra");
}

fn run_case_set(set: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kustomize/testdata").join(set);
    let text = std::fs::read_to_string(dir.join("cases.json")).expect("krusty cases.json");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("cases.json parses");
    let must_pass: BTreeSet<String> = std::fs::read_to_string(dir.join("passing.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let mut passed = BTreeSet::new();
    let mut report = Vec::new();
    for c in cases.as_array().expect("list") {
        let name = c["case"].as_str().unwrap().to_string();
        let case_dir = dir.join(&name);
        let build_dir = case_dir.join(c["dir"].as_str().unwrap());
        let rc = c["rc"].as_i64().unwrap_or(0);
        let want = std::fs::read_to_string(case_dir.join("expected.yaml")).unwrap_or_default();
        match (capstan::kustomize::build(&build_dir), rc) {
            (Ok(got), 0) if got == want => {
                passed.insert(name);
            }
            (Ok(got), 0) => report.push(format!("{name}: {}", first_difference(&want, &got))),
            (Err(e), 0) => report.push(format!("{name}: error: {e}")),
            (Err(_), _) => {
                passed.insert(name);
            }
            (Ok(_), _) => report.push(format!("{name}: built, but kubectl failed")),
        }
    }
    for r in &report {
        eprintln!("FAIL {r}");
    }
    eprintln!("{set} cases: {} passed, {} failed", passed.len(), report.len());
    let regressed: Vec<&String> = must_pass.difference(&passed).collect();
    assert!(regressed.is_empty(), "{set} cases in passing.txt regressed: {regressed:?}");
}

/// Timing of the whole corpus (run with `--profile ci -- --ignored`), for the
/// side-by-side comparison with `kubectl kustomize`.
#[test]
#[ignore]
fn kustomize_corpus_timing() {
    let dir = corpus_dir();
    let Ok(text) = std::fs::read_to_string(dir.join("cases.json")) else {
        eprintln!("SKIPPED: kustomize corpus not found at {}", dir.display());
        return;
    };
    let cases: serde_json::Value = serde_json::from_str(&text).expect("cases.json parses");
    let start = std::time::Instant::now();
    for c in cases.as_array().expect("list") {
        let t = std::time::Instant::now();
        let out = capstan::kustomize::build(&dir.join(c["dir"].as_str().unwrap()));
        eprintln!("{:>8.1} ms  {} ({} bytes)", t.elapsed().as_secs_f64() * 1000.0, c["case"].as_str().unwrap(), out.map(|o| o.len()).unwrap_or(0));
    }
    eprintln!("total {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
}

/// Differential run over arbitrary directories (run with `-- --ignored`):
/// `KUSTOMIZE_DIFF_LIST` names a JSON list of `{"dir", "expected", "rc"}`
/// where `expected` is a file with kubectl's output and `rc` its exit code.
#[test]
#[ignore]
fn kustomize_diff_dirs() {
    let Some(list) = std::env::var_os("KUSTOMIZE_DIFF_LIST") else {
        eprintln!("SKIPPED: set KUSTOMIZE_DIFF_LIST");
        return;
    };
    let cases: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(list).expect("list")).expect("json");
    let (mut pass, mut fail) = (0, 0);
    for c in cases.as_array().expect("list") {
        let dir = PathBuf::from(c["dir"].as_str().unwrap());
        let rc = c["rc"].as_i64().unwrap_or(0);
        let want = std::fs::read_to_string(c["expected"].as_str().unwrap()).unwrap_or_default();
        let verdict = match (capstan::kustomize::build(&dir), rc) {
            (Ok(got), 0) if got == want => None,
            (Ok(got), 0) => Some(first_difference(&want, &got)),
            (Err(e), 0) => Some(format!("error: {e}")),
            (Err(_), _) => None,
            (Ok(_), _) => Some("built, but kubectl failed".to_string()),
        };
        match verdict {
            None => pass += 1,
            Some(v) => {
                fail += 1;
                eprintln!("FAIL {}: {v}", dir.display());
            }
        }
    }
    eprintln!("diff dirs: {pass} passed, {fail} failed");
}

/// Prints capstan's and kubectl's error texts side by side for the error
/// cases of a case set (`KUSTOMIZE_ERR_SET=extra`, run with `--ignored`).
#[test]
#[ignore]
fn kustomize_error_texts() {
    let set = std::env::var("KUSTOMIZE_ERR_SET").unwrap_or_else(|_| "extra".into());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kustomize/testdata").join(&set);
    let cases: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    for c in cases.as_array().unwrap() {
        if c["rc"].as_i64().unwrap_or(0) == 0 {
            continue;
        }
        let name = c["case"].as_str().unwrap();
        let got = capstan::kustomize::build(&dir.join(name).join(c["dir"].as_str().unwrap()));
        let want = std::fs::read_to_string(dir.join(name).join("expected.err")).unwrap_or_default();
        eprintln!("== {name}\n kubectl: {}\n capstan: {:?}", want.lines().last().unwrap_or(""), got.err().map(|e| e.to_string()));
    }
}
