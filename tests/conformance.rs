//! Helm conformance ratchet: renders every case of the shared corpus
//! (`../shared/corpus/helm`) with the capstan binary and compares the output
//! with what Helm v4.1.4 printed. Fails when a case listed in
//! `tests/conformance-passing.txt` no longer passes; prints the pass count.
//!
//! Comparison as the corpus README defines it: deterministic cases must be
//! byte-identical; nondeterministic ones byte-identical except the documents
//! from the listed templates, which must have the same apiVersion, kind and
//! key paths; error cases must fail.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use capstan::codec::yaml_read;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/helm")
}

struct Case {
    name: String,
    argv: Vec<String>,
    expect: String,
    deterministic: bool,
    unstable_sources: BTreeSet<String>,
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("cases.json")).expect("cases.json");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("cases.json parses");
    cases
        .as_array()
        .expect("a list of cases")
        .iter()
        .map(|c| Case {
            name: c["case"].as_str().unwrap().to_string(),
            argv: c["command"].as_str().unwrap().split_whitespace().skip(1).map(String::from).collect(),
            expect: c["expect"].as_str().unwrap().to_string(),
            deterministic: c["deterministic"].as_bool().unwrap_or(true),
            unstable_sources: c["nondeterministic_sources"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// Split a stream on `---` lines, keeping non-blank documents.
fn split_docs(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "---" {
            docs.push(String::new());
        } else {
            docs.last_mut().unwrap().push_str(line);
        }
    }
    docs.into_iter().filter(|d| !d.trim().is_empty()).collect()
}

fn source_of(doc: &str) -> Option<&str> {
    doc.lines().find_map(|l| l.strip_prefix("# Source: ")).map(str::trim)
}

fn key_paths(v: &serde_json::Value, prefix: String, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                key_paths(x, format!("{prefix}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                key_paths(x, format!("{prefix}[{i}]"), out);
            }
        }
        _ => {
            out.insert(prefix);
        }
    }
}

fn shape(doc: &str) -> Option<(String, String, BTreeSet<String>)> {
    let v = yaml_read::from_str(doc).ok()?;
    let mut paths = BTreeSet::new();
    key_paths(&v, String::new(), &mut paths);
    Some((v["apiVersion"].to_string(), v["kind"].to_string(), paths))
}

fn masked_equal(got: &str, want: &str, unstable: &BTreeSet<String>) -> bool {
    let (g, w) = (split_docs(got), split_docs(want));
    g.len() == w.len()
        && g.iter().zip(&w).all(|(a, b)| match source_of(b) {
            Some(s) if unstable.contains(s) => shape(a).is_some() && shape(a) == shape(b),
            _ => a == b,
        })
}

fn run_case(dir: &Path, case: &Case) -> Result<(), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(&case.argv)
        .current_dir(dir)
        .env_remove("KUBECONFIG")
        .output()
        .map_err(|e| format!("could not run capstan: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if case.expect == "error" {
        return if out.status.success() { Err("should have failed".into()) } else { Ok(()) };
    }
    if !out.status.success() {
        return Err(format!("failed: {}", stderr.lines().last().unwrap_or_default()));
    }
    let got = String::from_utf8_lossy(&out.stdout);
    let want = std::fs::read_to_string(dir.join(&case.expect)).map_err(|e| e.to_string())?;
    if got == want || (!case.deterministic && masked_equal(&got, &want, &case.unstable_sources)) {
        Ok(())
    } else {
        Err("output differs".into())
    }
}

#[test]
fn helm_corpus_does_not_regress() {
    let dir = corpus_dir();
    if !dir.join("cases.json").exists() {
        eprintln!("SKIPPED: no corpus at {}", dir.display());
        return;
    }
    let ratchet_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-passing.txt");
    let ratchet: BTreeSet<String> = std::fs::read_to_string(&ratchet_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let cases = load_cases(&dir);
    let mut passed = vec![];
    let mut regressions = vec![];
    for case in &cases {
        match run_case(&dir, case) {
            Ok(()) => passed.push(case.name.clone()),
            Err(why) if ratchet.contains(&case.name) => regressions.push(format!("{}: {why}", case.name)),
            Err(_) => {}
        }
    }
    println!("helm conformance: {} of {} cases pass", passed.len(), cases.len());
    let newly: Vec<&String> = passed.iter().filter(|p| !ratchet.contains(*p)).collect();
    if !newly.is_empty() {
        println!("newly passing (add to tests/conformance-passing.txt): {newly:?}");
    }
    assert!(regressions.is_empty(), "regressed cases:\n{}", regressions.join("\n"));
}
