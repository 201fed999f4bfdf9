//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), one per
//! input format a stranger controls. Each takes raw bytes, runs them
//! through the real code path with small resource limits, and ignores
//! ordinary errors: only a panic, a hang or runaway memory is a finding.
//! tests/fuzz_regressions.rs feeds every input the fuzzers once crashed on
//! to the same functions. See docs/fuzzing.md.

use crate::engine::budget;
use crate::engine::gotmpl::{Limits as TemplateLimits, Templates};
use crate::engine::value::Value;
use crate::limits::Limits;

/// Split at the first NUL byte: two inputs in one.
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Limits small enough that one input runs in milliseconds.
fn small_limits() -> Limits {
    Limits {
        max_render_bytes: 16 << 20,
        max_render_steps: 200_000,
        max_crypto_cost: 2,
        ..Limits::default()
    }
}

/// The Go-template lexer and parser.
pub fn gotmpl_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut set = Templates::new();
    if set.parse("t", &text).is_ok() {
        // A tree that parsed prints back (Go: Tree.String) without panicking.
        let _ = set.parse("again", &text);
    }
}

/// The executor: a template, then (after a NUL byte) YAML values for dot.
pub fn gotmpl_exec(data: &[u8]) {
    let (template, values) = split(data);
    let text = String::from_utf8_lossy(template);
    let limits = small_limits();
    let _scope = budget::Scope::begin(&limits);
    let mut set = Templates::new();
    set.set_limits(TemplateLimits {
        include_depth: 50,
        tpl_depth: 50,
        template_depth: 200,
        max_steps: limits.max_render_steps,
        max_output: 1 << 20,
    });
    if set.parse("t", &text).is_err() {
        return;
    }
    let values = crate::codec::yaml_read::from_str(&String::from_utf8_lossy(values)).unwrap_or_default();
    let mut dot = crate::engine::value::Map::new();
    dot.insert("Values".into(), Value::from_json(&values));
    let _ = set.execute("t", &Value::map(dot));
}

/// A values file: Helm's YAML reader, then coalescing with a chart whose
/// defaults are the same document.
pub fn yaml_values(data: &[u8]) {
    let Ok(values) = crate::values::files::load_values(data) else {
        return;
    };
    let mut chart = crate::chart::Chart::default();
    chart.metadata.name = "fuzz".into();
    chart.values = values.clone();
    let _ = crate::values::coalesce(&chart, &values);
}

/// The fast YAML reader against the libyaml one: same JSON, or it gives up.
pub fn yaml_fast(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        crate::codec::yaml_read::check_fast_reader(text);
    }
}

/// The `--set`, `--set-string`, `--set-json` and `--set-literal` parsers.
pub fn strvals(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = crate::values::strvals::parse(&text);
    let _ = crate::values::strvals::parse_string(&text);
    let _ = crate::values::strvals::parse_literal(&text);
    let mut dest = serde_json::Map::new();
    let _ = crate::values::strvals::parse_json(&text, &mut dest);
}

/// A chart archive (`.tgz`) loaded from memory.
pub fn chart_archive(data: &[u8]) {
    let opts = crate::chart::LoadOptions {
        limits: crate::chart::Limits {
            max_chart_size: 8 << 20,
            max_file_size: 1 << 20,
        },
    };
    let _ = crate::chart::loader::load_archive(data, &opts, &mut Vec::new());
}

/// A kustomization file; then (after a NUL byte) two YAML documents, the
/// second strategically merged into the first.
pub fn kustomize(data: &[u8]) {
    let (kustomization, patch) = split(data);
    let _ = crate::kustomize::kustomization::Kustomization::parse(&String::from_utf8_lossy(kustomization));
    let Ok(docs) = crate::kustomize::parse::parse_documents(&String::from_utf8_lossy(patch)) else {
        return;
    };
    if let [dest, patch, ..] = docs.as_slice() {
        let mut dest = dest.clone();
        let _ = crate::kustomize::merge::merge(&mut dest, patch);
    }
}

/// A stored release record (base64 of gzipped JSON, or bare JSON).
pub fn release_decode(data: &[u8]) {
    let _ = crate::release::codec::decode_release(&String::from_utf8_lossy(data));
    let _ = crate::release::codec::release_from_json(data);
}
