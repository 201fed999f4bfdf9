//! Criterion benchmarks of the render path's hot spots, on the largest
//! chart of the shared corpus (kube-prometheus-stack): parsing its
//! templates (on one core and on every core), rendering it whole, and
//! reading its CRDs' YAML. Whole-process comparisons with helm are
//! `bench/suite.py`'s job; these show where a change moves the time.
//!
//! `cargo bench --bench render` (needs `../shared/corpus`; without it each
//! benchmark says so and measures nothing).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use capstan::chart;
use capstan::engine::gotmpl::Templates;
use capstan::engine::render::{self, RenderOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn chart_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/helm/charts/kube-prometheus-stack");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

fn parse(c: &mut Criterion) {
    let Some(dir) = chart_dir() else { return };
    let chart = chart::load(&dir).unwrap();
    let files = render::template_files(&chart);
    c.bench_function("parse kube-prometheus-stack templates, one core", |b| {
        b.iter(|| {
            let mut set = Templates::new();
            for (name, text) in &files {
                set.parse_shared(name, text.clone()).unwrap();
            }
            black_box(set)
        })
    });
    c.bench_function("parse kube-prometheus-stack templates, every core", |b| {
        b.iter(|| {
            let mut set = Templates::new();
            set.parse_files(&files).unwrap();
            black_box(set)
        })
    });
}

fn render_whole(c: &mut Criterion) {
    let Some(dir) = chart_dir() else { return };
    let mut chart = chart::load(&dir).unwrap();
    let values = capstan::values::prepare(&mut chart, &Default::default(), Default::default()).unwrap().values;
    let opts = RenderOptions {
        release: capstan::engine::context::ReleaseInfo {
            name: "rel".into(),
            namespace: "ns1".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        },
        capabilities: Default::default(),
    };
    c.bench_function("render kube-prometheus-stack", |b| {
        b.iter(|| black_box(render::render(&chart, &values, &opts).unwrap()))
    });
}

fn read_crds(c: &mut Criterion) {
    let Some(dir) = chart_dir() else { return };
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir.join("charts/crds/crds")).unwrap() {
        texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    c.bench_function("read kube-prometheus-stack CRD YAML", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(capstan::codec::yaml_read::from_str(text).unwrap());
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = parse, render_whole, read_crds
}
criterion_main!(benches);
