//! Every chart of the shared Helm corpus loads, and every corpus case goes
//! through Helm's pre-render steps (user values, dependency processing,
//! coalescing, schema validation) with Helm's outcome: the four charts Helm
//! rejects before rendering fail with Helm's message (golden `.err`), the
//! others succeed and log what Helm logs (the case's `stderr`).
//!
//! The corpus lives outside the repository (`../shared/corpus`); without it
//! the tests say so and pass.

use std::path::{Path, PathBuf};

use capstan::chart::{self, LoadOptions};
use capstan::values::{self, UserValues};
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/helm");
    if dir.join("cases.json").exists() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: no Helm corpus at {}", dir.display());
        None
    }
}

/// The charts Helm rejects before rendering, and the golden file with its reason.
const REJECTED: &[(&str, &str)] = &[
    ("helmtest-chart-with-bad-subcharts", "golden/helmtest-chart-with-bad-subcharts.err"),
    ("helmtest-chart-with-schema-and-subchart", "golden/helmtest-chart-with-schema-and-subchart.err"),
    ("helmtest-chart-with-schema-negative", "golden/helmtest-chart-with-schema-negative.err"),
    ("helmtest-lib-chart", "golden/helmtest-lib-chart.err"),
];

/// Load, merge values and prepare as `helm template` does; the error text
/// Helm would print, or the coalesced values and the logged lines.
fn run_case(dir: &Path, chart_dir: &str, values_files: &[String]) -> Result<(Value, Vec<String>), String> {
    let mut user = UserValues::new();
    for f in values_files {
        user = user.file(dir.join(f).to_string_lossy().into_owned());
    }
    // Helm merges user values before loading the chart.
    let user = user.merge(&mut std::io::empty()).map_err(|e| e.to_string())?;
    let loaded = chart::load_with(&dir.join(chart_dir), &LoadOptions::default()).map_err(|e| e.to_string())?;
    let mut chart = loaded.chart;
    let out = values::prepare(&mut chart, &user, Default::default()).map_err(|e| e.to_string())?;
    let mut lines: Vec<String> = loaded.warnings.iter().map(|w| w.to_slog_line()).collect();
    lines.extend(out.warnings.iter().map(|w| w.to_slog_line()));
    Ok((out.values, lines))
}

#[test]
fn every_corpus_chart_loads_or_fails_like_helm() {
    let Some(dir) = corpus() else { return };
    let mut loaded = 0;
    for entry in std::fs::read_dir(dir.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match chart::load(&path) {
            Ok(c) => {
                assert!(!c.metadata.name.is_empty(), "{name}");
                assert!(!c.metadata.version.is_empty(), "{name}");
                loaded += 1;
            }
            Err(e) => {
                let golden = REJECTED
                    .iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or_else(|| panic!("{name} failed to load: {e}"));
                let want = std::fs::read_to_string(dir.join(golden.1)).unwrap();
                assert_eq!(format!("Error: {e}\n"), want, "{name}");
            }
        }
    }
    assert!(loaded >= 38, "only {loaded} charts loaded");
}

#[test]
fn every_corpus_case_prepares_like_helm() {
    let Some(dir) = corpus() else { return };
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["case"].as_str().unwrap();
        let chart_dir = case["chart"].as_str().unwrap();
        let files: Vec<String> =
            case["values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let chart_name = chart_dir.trim_start_matches("charts/");
        let rejected = REJECTED.iter().find(|(n, _)| *n == chart_name);
        match (run_case(&dir, chart_dir, &files), rejected) {
            (Err(e), Some((_, golden))) => {
                let want = std::fs::read_to_string(dir.join(golden)).unwrap();
                if format!("Error: {e}\n") != want {
                    failures.push(format!("{name}: error\n{e}\nwant\n{want}"));
                }
            }
            (Ok(_), Some(_)) => failures.push(format!("{name}: Helm rejects it, capstan accepted it")),
            (Err(e), None) => failures.push(format!("{name}: {e}")),
            (Ok((values, lines)), None) => {
                assert!(values.is_object());
                let want = case["stderr"].as_str().unwrap_or("");
                let got: String = lines.iter().map(|l| format!("{l}\n")).collect();
                if got != want {
                    failures.push(format!("{name}: logged\n{got}want\n{want}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn aliased_twice_chart_gets_two_subcharts_with_their_values() {
    let Some(dir) = corpus() else { return };
    let (values, _) = run_case(&dir, "charts/helmtest-chart-with-dependency-aliased-twice", &[]).unwrap();
    assert_eq!(values["foo"]["grandchild"]["from"], "foo");
    assert_eq!(values["bar"]["grandchild"]["from"], "bar");
}

#[test]
fn disabled_subcharts_are_removed() {
    let Some(dir) = corpus() else { return };
    let mut c = chart::load(&dir.join("charts/kube-prometheus-stack")).unwrap();
    let user = serde_json::Map::new();
    values::prepare(&mut c, &user, Default::default()).unwrap();
    let names: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
    // windows exporter is off by default (condition windowsMonitoring.enabled).
    assert!(!names.contains(&"prometheus-windows-exporter"), "{names:?}");
    assert!(names.contains(&"grafana"), "{names:?}");
}

/// On-CPU time of this thread in nanoseconds (Linux), so the benchmark is
/// meaningful on a busy machine too.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Not a test: times load + dependencies + coalesce + schema validation of
/// kube-prometheus-stack (target: under 20 ms in release).
/// `cargo test --profile ci --test chart_corpus -- --ignored --nocapture bench`
#[test]
#[ignore]
fn bench_kube_prometheus_stack_load_and_coalesce() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("charts/kube-prometheus-stack");
    let user = serde_json::Map::new();
    let runs = 20;
    let mut best = std::time::Duration::MAX;
    let mut cpu_total = 0;
    for _ in 0..runs {
        let cpu = thread_cpu_ns();
        let t = std::time::Instant::now();
        let mut c = chart::load(&path).unwrap();
        values::prepare(&mut c, &user, Default::default()).unwrap();
        best = best.min(t.elapsed());
        if let (Some(a), Some(b)) = (cpu, thread_cpu_ns()) {
            cpu_total += b - a;
        }
    }
    println!(
        "kube-prometheus-stack load + dependencies + coalesce + schema: best wall time of {runs}: {best:?}; mean CPU time: {:.2} ms",
        cpu_total as f64 / runs as f64 / 1e6
    );
}
