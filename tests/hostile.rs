//! Hostile charts: each test builds a chart (directory or archive) meant to
//! crash capstan, exhaust its memory, hang it or make it read outside the
//! chart, and runs the built binary on it under a 4 GiB address-space cap
//! (`prlimit --as`). Each run must end within seconds with exit code 1 and
//! a clean error naming the chart and what was refused. See docs/limits.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;

const ADDRESS_SPACE: &str = "--as=4294967296";
/// Generous for a loaded 2-core machine; a hostile input must not get near.
const DEADLINE: Duration = Duration::from_secs(40);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn capstan(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new("prlimit");
    cmd.arg(ADDRESS_SPACE)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_capstan"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let Output { status, stdout, stderr } = cmd.output().expect("run capstan under prlimit (util-linux)");
    let took = started.elapsed();
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(
        took < DEADLINE,
        "capstan {args:?} took {took:?}; stderr: {}",
        run.stderr
    );
    run
}

/// `capstan template rel DIR` must fail with exit 1 and every one of
/// `needles` in its error.
fn refused(chart: &Path, needles: &[&str]) -> String {
    refused_with(chart, &[], needles)
}

fn refused_with(chart: &Path, env: &[(&str, &str)], needles: &[&str]) -> String {
    let run = capstan(&["template", "rel", chart.to_str().unwrap()], env);
    assert_eq!(run.code, Some(1), "exit code; stderr: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "a panic: {}", run.stderr);
    for n in needles {
        assert!(run.stderr.contains(n), "expected {n:?} in the error:\n{}", run.stderr);
    }
    run.stderr
}

/// A chart directory `name` with one template.
fn chart_dir(root: &Path, name: &str, template: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .unwrap();
    std::fs::write(dir.join("templates/t.yaml"), template).unwrap();
    dir
}

/// A template chart: the error must name the chart's template file.
fn template_refused(template: &str, needles: &[&str]) -> String {
    template_refused_with(template, &[], needles)
}

fn template_refused_with(template: &str, env: &[(&str, &str)], needles: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "hostile", template);
    let mut all = vec!["hostile/templates/t.yaml"];
    all.extend_from_slice(needles);
    refused_with(&dir, env, &all)
}

// ---- archives ----

/// One tar entry with a raw name (the tar crate refuses `..` and absolute
/// names in its own setters, which is what a hostile archive uses).
enum Entry<'a> {
    File(&'a str, &'a [u8]),
    /// A file of `size` zero bytes, streamed (gzip bombs).
    Zeros(&'a str, u64),
    Symlink(&'a str, &'a str),
}

fn raw_header(name: &str, size: u64, kind: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_old();
    let field = &mut h.as_old_mut().name;
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(kind);
    h
}

fn tgz(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for e in entries {
        match e {
            Entry::File(name, data) => {
                let mut h = raw_header(name, data.len() as u64, tar::EntryType::Regular);
                h.set_cksum();
                builder.append(&h, *data).unwrap();
            }
            Entry::Zeros(name, size) => {
                let mut h = raw_header(name, *size, tar::EntryType::Regular);
                h.set_cksum();
                builder.append(&h, std::io::repeat(0).take_bytes(*size)).unwrap();
            }
            Entry::Symlink(name, target) => {
                let mut h = raw_header(name, 0, tar::EntryType::Symlink);
                h.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
                h.set_cksum();
                builder.append(&h, std::io::empty()).unwrap();
            }
        }
    }
    builder.into_inner().unwrap().finish().unwrap()
}

trait TakeBytes: std::io::Read + Sized {
    fn take_bytes(self, n: u64) -> std::io::Take<Self> {
        self.take(n)
    }
}
impl<R: std::io::Read> TakeBytes for R {}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: mychart\nversion: 0.1.0\n";

fn archive_refused(tmp: &Path, entries: &[Entry], needles: &[&str]) -> String {
    let path = tmp.join("mychart-0.1.0.tgz");
    std::fs::write(&path, tgz(entries)).unwrap();
    // The archive's path, or for a subchart the chart's name.
    let mut all = vec!["mychart"];
    all.extend_from_slice(needles);
    refused(&path, &all)
}

#[test]
fn zip_slip_entries_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    archive_refused(
        &work,
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::File("mychart/../../escaped.txt", b"owned"),
        ],
        &["chart illegally references parent directory"],
    );
    assert!(!tmp.path().join("escaped.txt").exists());
    assert!(!work.join("escaped.txt").exists());
}

#[test]
fn absolute_entry_paths_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::File("mychart//etc/cron.d/x", b"x"),
        ],
        &["chart illegally contains absolute paths"],
    );
}

#[test]
fn links_in_archives_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::Symlink("mychart/templates/passwd.yaml", "/etc/passwd"),
        ],
        &["chart illegally contains a link", "templates/passwd.yaml"],
    );
    // A link to itself (a loop) is refused the same way, before anything follows it.
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::Symlink("mychart/loop", "loop"),
        ],
        &["chart illegally contains a link", "mychart/loop"],
    );
}

#[test]
fn gzip_bombs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // One file of 1 GiB of zeros (about 1 MiB compressed): over the
    // chart's limit, checked first as in Helm.
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::Zeros("mychart/files/zeros", 1 << 30),
        ],
        &[
            "mychart-0.1.0.tgz",
            "decompressed chart is larger than the maximum size 104857600",
        ],
    );
    // One file of 50 MiB: over the per-file limit.
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::Zeros("mychart/files/zeros", 50 << 20),
        ],
        &["mychart/files/zeros", "is larger than the maximum file size 5242880"],
    );
    // Many files under the per-file limit, together over the chart limit.
    let names: Vec<String> = (0..30).map(|i| format!("mychart/files/z{i}")).collect();
    let mut entries = vec![Entry::File("mychart/Chart.yaml", CHART_YAML)];
    entries.extend(names.iter().map(|n| Entry::Zeros(n, 4 << 20)));
    archive_refused(
        tmp.path(),
        &entries,
        &["decompressed chart is larger than the maximum size 104857600"],
    );
    // The limits are configurable.
    let path = tmp.path().join("mychart-0.1.0.tgz");
    let run = capstan(
        &["template", "rel", path.to_str().unwrap()],
        &[("CAPSTAN_MAX_CHART_SIZE", "200Mi")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn archives_nested_in_archives_share_one_size_limit() {
    let tmp = tempfile::tempdir().unwrap();
    // Each subchart archive holds 60 MiB (under the limit alone); three of
    // them hold 180 MiB.
    let names: Vec<String> = (0..15).map(|i| format!("sub/files/z{i}")).collect();
    let mut sub = vec![Entry::File(
        "sub/Chart.yaml",
        b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    )];
    sub.extend(names.iter().map(|n| Entry::Zeros(n, 4 << 20)));
    let sub = tgz(&sub);
    assert!(sub.len() < 5 << 20);
    archive_refused(
        tmp.path(),
        &[
            Entry::File("mychart/Chart.yaml", CHART_YAML),
            Entry::File("mychart/charts/a.tgz", &sub),
            Entry::File("mychart/charts/b.tgz", &sub),
            Entry::File("mychart/charts/c.tgz", &sub),
        ],
        &[
            "error unpacking subchart b.tgz in mychart",
            "decompressed chart is larger than the maximum size 104857600",
        ],
    );
}

// ---- chart directories ----

#[test]
fn links_out_of_a_chart_directory_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    let dir = chart_dir(tmp.path(), "linked", "x: {{ .Files.Get \"leak.txt\" | quote }}\n");
    std::os::unix::fs::symlink(&secret, dir.join("leak.txt")).unwrap();
    let err = refused(&dir, &["symbolic link", "leak.txt", "outside the chart directory"]);
    assert!(!err.contains("TOP SECRET"));
    // A directory link leaving the chart is refused too.
    std::fs::remove_file(dir.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
    refused(&dir, &["symbolic link", "etc", "outside the chart directory"]);
}

#[test]
fn links_may_point_into_the_directories_of_capstan_link_roots() {
    // A repository that keeps a library chart next to the charts linking
    // to it (rook: charts/library -> ../../library).
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir_all(shared.join("library/templates")).unwrap();
    std::fs::write(shared.join("library/Chart.yaml"), "apiVersion: v2\nname: library\nversion: 0.1.0\ntype: library\n").unwrap();
    std::fs::write(shared.join("library/templates/_h.tpl"), "{{ define \"lib.name\" }}from-library{{ end }}").unwrap();
    let dir = chart_dir(tmp.path(), "app", "x: {{ include \"lib.name\" . }}\n");
    std::fs::create_dir(dir.join("charts")).unwrap();
    std::os::unix::fs::symlink("../../shared/library", dir.join("charts/library")).unwrap();
    refused(&dir, &["symbolic link", "charts/library", "outside the chart directory", "CAPSTAN_LINK_ROOTS"]);
    let run = capstan(&["template", "rel", dir.to_str().unwrap()], &[("CAPSTAN_LINK_ROOTS", shared.to_str().unwrap())]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("x: from-library"), "{}", run.stdout);
    // Other directories stay out of reach.
    let run = capstan(&["template", "rel", dir.to_str().unwrap()], &[("CAPSTAN_LINK_ROOTS", "/etc")]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
}

#[test]
fn link_loops_in_a_chart_directory_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "loopy", "x: 1\n");
    std::fs::create_dir(dir.join("files")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("files/up")).unwrap();
    refused(&dir, &["symbolic link", "files/up", "link loop"]);
    // A link to itself cannot even be resolved.
    std::fs::remove_file(dir.join("files/up")).unwrap();
    std::os::unix::fs::symlink("self", dir.join("files/self")).unwrap();
    refused(&dir, &["error evaluating symlink", "files/self"]);
}

#[test]
fn files_never_reads_outside_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(
        tmp.path(),
        "files",
        "a: {{ .Files.Get \"../../../../etc/passwd\" | len }}\nb: {{ .Files.Get \"/etc/passwd\" | len }}\nc: {{ len (.Files.Glob \"../**\") }}\n",
    );
    let run = capstan(&["template", "rel", dir.to_str().unwrap()], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("a: 0\nb: 0\nc: 0\n"), "{}", run.stdout);
}

// ---- YAML ----

/// Billion laughs: ten levels of ten aliases each.
fn billion_laughs() -> String {
    let mut s =
        String::from("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(",");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s
}

#[test]
fn alias_bombs_are_refused_in_values_chart_yaml_and_rendered_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "laughs", "x: 1\n");
    std::fs::write(dir.join("values.yaml"), billion_laughs()).unwrap();
    refused(&dir, &["values.yaml", "document contains excessive aliasing"]);

    let dir = chart_dir(tmp.path(), "laughs2", "x: 1\n");
    let mut chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap();
    chart_yaml.push_str(&billion_laughs());
    std::fs::write(dir.join("Chart.yaml"), chart_yaml).unwrap();
    refused(&dir, &["Chart.yaml", "document contains excessive aliasing"]);

    let dir = chart_dir(tmp.path(), "laughs3", "{{ .Files.Get \"bomb.yaml\" }}");
    std::fs::write(dir.join("bomb.yaml"), billion_laughs()).unwrap();
    refused(
        &dir,
        &["laughs3/templates/t.yaml", "document contains excessive aliasing"],
    );

    // Few aliases of a long string: under go-yaml's alias ratio, but 99
    // copies of 4 MiB.
    let dir = chart_dir(tmp.path(), "longlaughs", "x: {{ len .Values.l }}\n");
    let values = format!("a: &a \"{}\"\nl: [{}]\n", "x".repeat(4 << 20), vec!["*a"; 99].join(","));
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    refused(
        &dir,
        &[
            "values.yaml",
            "document expands aliases into more than 67108864 bytes",
            "CAPSTAN_MAX_YAML_ALIAS_SIZE",
        ],
    );
}

#[test]
fn deep_yaml_nesting_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
    let dir = chart_dir(tmp.path(), "deep", "x: 1\n");
    std::fs::write(dir.join("values.yaml"), &deep).unwrap();
    refused(&dir, &["values.yaml", "exceeded max depth of 10000"]);

    let dir = chart_dir(tmp.path(), "deepout", "{{ .Files.Get \"deep.yaml\" }}");
    std::fs::write(dir.join("deep.yaml"), &deep).unwrap();
    refused(&dir, &["deepout/templates/t.yaml", "exceeded max depth of 10000"]);
}

// ---- templates ----

#[test]
fn deep_template_nesting_is_refused_at_parse_time() {
    template_refused(
        &format!("{}{}", "{{if 1}}".repeat(20_000), "{{end}}".repeat(20_000)),
        &["max control structure depth exceeded"],
    );
    template_refused(
        &format!("{{{{{}1{}}}}}", "(".repeat(20_000), ")".repeat(20_000)),
        &["max expression depth exceeded"],
    );
}

#[test]
fn runaway_recursion_is_refused() {
    // Helm: a nested reference name after 1000 includes of one name.
    template_refused(
        "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}",
        &[
            "error calling include",
            "rendering template has a nested reference name: a",
        ],
    );
    // Helm 4.1.4 crashes here (stack overflow).
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "tplself", "x: {{ tpl .Values.x . }}\n");
    std::fs::write(dir.join("values.yaml"), "x: \"{{ tpl .Values.x . }}\"\n").unwrap();
    refused(
        &dir,
        &["tplself/templates/t.yaml", "nested tpl calls exceed the limit of 1000"],
    );
    // Go's maxExecDepth for {{template}}.
    template_refused(
        "{{ define \"a\" }}{{ template \"a\" . }}{{ end }}{{ template \"a\" . }}",
        &["exceeded maximum template depth (100000)"],
    );
    // The include depth is configurable (Helm's 1000 by default).
    template_refused_with(
        "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}{{ include \"a\" . }}",
        &[("CAPSTAN_MAX_INCLUDE_DEPTH", "10")],
        &["nested reference name: a"],
    );
}

#[test]
fn huge_allocations_are_refused_before_they_happen() {
    // Helm 4.1.4 crashes on the first two.
    template_refused(
        "{{ repeat 2000000000 \"x\" }}",
        &["error calling repeat", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ range until 1000000000 }}{{ end }}",
        &["error calling until", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ untilStep 0 9000000000000 1 }}",
        &["error calling untilStep", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ seq 1 9000000000000 }}",
        &["error calling seq", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ randBytes 2000000000 }}",
        &["error calling randBytes", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ randAlphaNum 2000000000 }}",
        &["error calling randAlphaNum", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ indent 2000000000 \"x\" }}",
        &["error calling indent", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ $s := repeat 1000000 \"x\" }}{{ replace \"x\" (repeat 1000 \"y\") $s }}",
        &["error calling replace", "CAPSTAN_MAX_VALUE_SIZE"],
    );
}

#[test]
fn doubling_strings_and_structures_runs_out_of_budget() {
    template_refused(
        "{{ $a := \"xxxxxxxxxxxxxxxx\" }}{{ range until 60 }}{{ $a = cat $a $a }}{{ end }}",
        &["error calling cat", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    template_refused(
        "{{ $a := \"xxxxxxxxxxxxxxxx\" }}{{ range until 60 }}{{ $a = printf \"%s%s\" $a $a }}{{ end }}",
        &["error calling printf", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    // A list holding itself 2^60 times over, through sharing.
    template_refused(
        "{{ $a := list \"x\" }}{{ range until 60 }}{{ $a = list $a $a }}{{ end }}{{ toJson $a }}",
        &["error calling toJson", "CAPSTAN_MAX_VALUE_SIZE"],
    );
    // Many values, each under the limit: the render's budget ends it.
    template_refused(
        "{{ $l := list }}{{ range until 100 }}{{ $l = append $l (repeat 100000000 \"x\") }}{{ end }}",
        &["error calling repeat", "CAPSTAN_MAX_RENDER_MEMORY"],
    );
    // Output built through include.
    template_refused(
        "{{ define \"x\" }}{{ . }}{{ . }}{{ end }}{{ $a := \"xxxxxxxxxxxxxxxx\" }}{{ range until 60 }}{{ $a = include \"x\" $a }}{{ end }}",
        &["exceeded the limit of 268435456 bytes", "CAPSTAN_MAX_TEMPLATE_OUTPUT"],
    );
}

#[test]
fn runaway_loops_run_out_of_steps() {
    template_refused(
        "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}",
        &["exceeded the limit of 200000000 steps", "CAPSTAN_MAX_RENDER_STEPS"],
    );
    template_refused_with(
        "{{ range 1000 }}{{ range 1000 }}{{ end }}{{ end }}",
        &[("CAPSTAN_MAX_RENDER_STEPS", "10000")],
        &["exceeded the limit of 10000 steps"],
    );
}

#[test]
fn expensive_crypto_has_a_budget() {
    template_refused_with(
        "{{ range until 1000 }}{{ genPrivateKey \"ecdsa\" | len }}{{ end }}",
        &[("CAPSTAN_MAX_CRYPTO_COST", "5")],
        &["error calling genPrivateKey", "CAPSTAN_MAX_CRYPTO_COST"],
    );
}

#[test]
fn bad_limit_variables_are_reported() {
    let run = capstan(&["version"], &[("CAPSTAN_MAX_RENDER_MEMORY", "lots")]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("invalid CAPSTAN_MAX_RENDER_MEMORY=\"lots\""),
        "{}",
        run.stderr
    );
}

#[test]
fn output_dir_stays_inside_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "evil", "x: 1\n");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: ../../evil\nversion: 0.1.0\n",
    )
    .unwrap();
    let out = tmp.path().join("a/b/out");
    std::fs::create_dir_all(&out).unwrap();
    let run = capstan(
        &[
            "template",
            "rel",
            dir.to_str().unwrap(),
            "--output-dir",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("chart.metadata.name \"../../evil\" is invalid"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("a/evil").exists());
    let _ = std::io::stdout().flush();
}

#[test]
fn a_tag_before_a_comma_is_a_yaml_error_not_a_crash() {
    // Found by fuzzing: libyaml-safer panics here; go-yaml reports an error.
    let tmp = tempfile::tempdir().unwrap();
    let dir = chart_dir(tmp.path(), "tagged", "x: {{ .Values.list }}\n");
    std::fs::write(dir.join("values.yaml"), "a: 1\nlist: [!, a]\n").unwrap();
    refused(&dir, &["values.yaml", "yaml: line 2: did not find expected whitespace or line break"]);
}
