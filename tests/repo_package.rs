//! `capstan package` and `repo index`: reproducible archives in Helm 4's
//! layout, read by the real helm; index.yaml as Helm writes it.

mod repo_support;

use std::path::Path;

use repo_support::*;

fn package(home: &Path, chart: &Path, dest: &Path, extra: &[&str]) -> std::path::PathBuf {
    let mut c = capstan(home);
    c.args(["package", chart.to_str().unwrap(), "-d", dest.to_str().unwrap()]).args(extra);
    let out = run_ok(c);
    let line = s(&out.stdout);
    let path = line.trim().strip_prefix("Successfully packaged chart and saved it to: ").expect(&line).to_string();
    std::path::PathBuf::from(path)
}

#[test]
fn same_input_gives_the_same_bytes() {
    let t = tempfile::tempdir().unwrap();
    let chart = make_chart(t.path(), "web", "1.2.3");
    let a = package(t.path(), &chart, &t.path().join("a"), &[]);
    let b = package(t.path(), &chart, &t.path().join("b"), &[]);
    assert_eq!(a.file_name().unwrap(), "web-1.2.3.tgz");
    let (da, db) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(da, db, "two packagings of the same files differ");

    // Helm 4 stamps entries with the files' times, so touching a file
    // changes the archive; SOURCE_DATE_EPOCH pins every time.
    let f = std::fs::File::options().append(true).open(chart.join("values.yaml")).unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000)).unwrap();
    let c = package(t.path(), &chart, &t.path().join("c"), &[]);
    assert_ne!(std::fs::read(&c).unwrap(), da);
    let mut cmd = capstan(t.path());
    cmd.env("SOURCE_DATE_EPOCH", "1700000000").args([
        "package",
        chart.to_str().unwrap(),
        "-d",
        t.path().join("d").to_str().unwrap(),
    ]);
    run_ok(cmd);
    let f = std::fs::File::options().append(true).open(chart.join("Chart.yaml")).unwrap();
    f.set_modified(std::time::SystemTime::now()).unwrap();
    let mut cmd = capstan(t.path());
    cmd.env("SOURCE_DATE_EPOCH", "1700000000").args([
        "package",
        chart.to_str().unwrap(),
        "-d",
        t.path().join("e").to_str().unwrap(),
    ]);
    run_ok(cmd);
    let d = std::fs::read(t.path().join("d/web-1.2.3.tgz")).unwrap();
    let e = std::fs::read(t.path().join("e/web-1.2.3.tgz")).unwrap();
    assert_eq!(d, e, "SOURCE_DATE_EPOCH archives differ");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&d[..]));
    for entry in ar.entries().unwrap() {
        assert_eq!(entry.unwrap().header().mtime().unwrap(), 1_700_000_000);
    }
}

#[test]
fn layout_follows_helm_and_helmignore_is_honoured() {
    let t = tempfile::tempdir().unwrap();
    let chart = make_chart(t.path(), "web", "1.0.0");
    let out = package(t.path(), &chart, t.path(), &["--version", "2.0.0-rc.1", "--app-version", "9.9"]);
    assert!(out.ends_with("web-2.0.0-rc.1.tgz"), "{}", out.display());
    let data = std::fs::read(&out).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&data[..]));
    let mut names = Vec::new();
    let mut chart_yaml = String::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().display().to_string();
        if name == "web/Chart.yaml" {
            std::io::Read::read_to_string(&mut e, &mut chart_yaml).unwrap();
        }
        assert_eq!(e.header().mode().unwrap(), 0o644);
        names.push(name);
    }
    // Helm's Save order: Chart.yaml, values.yaml, templates, other files.
    assert_eq!(names, ["web/Chart.yaml", "web/values.yaml", "web/templates/cm.yaml", "web/.helmignore"]);
    // Chart.yaml re-serialised with sorted keys, as sigs.k8s.io/yaml does.
    assert_eq!(
        chart_yaml,
        "apiVersion: v2\nappVersion: \"9.9\"\ndescription: The web chart\nkeywords:\n- web\n- demo\nname: web\nversion: 2.0.0-rc.1\n"
    );
    // Errors Helm gives.
    let mut c = capstan(t.path());
    c.args(["package", chart.to_str().unwrap(), "--version", "not-semver"]);
    assert!(s(&run_err(c).stderr).contains("Error: invalid semantic version"));
    let mut c = capstan(t.path());
    c.arg("package");
    assert!(s(&run_err(c).stderr).contains("need at least one argument, the path to the chart"));
    write_files(&chart, &[("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n- name: db\n  version: 1.x\n  repository: https://example.com\n")]);
    let mut c = capstan(t.path());
    c.args(["package", chart.to_str().unwrap(), "-d", t.path().to_str().unwrap()]);
    assert!(s(&run_err(c).stderr).contains("found in Chart.yaml, but missing in charts/ directory: db"));
}

/// Corpus charts packaged by capstan: the real helm reads them, renders
/// them as it renders the directory, and shows the same chart.
#[test]
fn helm_reads_capstan_archives() {
    let Some(helm) = helm() else {
        return skip("helm_reads_capstan_archives: no helm (run shared/tools/install-peers.sh)");
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/helm/charts");
    let corpus = if corpus.is_dir() { corpus } else { Path::new("/work/shared/corpus/helm/charts").to_path_buf() };
    if !corpus.is_dir() {
        return skip("helm_reads_capstan_archives: corpus not found");
    }
    let t = tempfile::tempdir().unwrap();
    for name in ["ingress-nginx", "kube-state-metrics", "helmtest-subchart", "argo-cd"] {
        let dir = corpus.join(name);
        let archive = package(t.path(), &dir, &t.path().join("out"), &[]);
        let mut c = helm_cmd(&helm, t.path());
        c.args(["package", dir.to_str().unwrap(), "-d", t.path().join("helm-out").to_str().unwrap()]);
        run_ok(c);
        let theirs = t.path().join("helm-out").join(archive.file_name().unwrap());
        // Helm's own archive of the same directory has the same files,
        // times and modes (entry order aside).
        assert_eq!(entries(&archive), entries(&theirs), "{name}: archive entries");
        // And helm reads ours as it reads its own.
        for cmd in [vec!["show", "chart"], vec!["template", "rel", "--namespace", "ns1"]] {
            let run = |a: &Path| {
                let mut c = helm_cmd(&helm, t.path());
                c.args(&cmd[..cmd.len().min(2)]);
                c.arg(a);
                c.args(&cmd[cmd.len().min(2)..]);
                s(&run_ok(c).stdout)
            };
            assert_eq!(run(&archive), run(&theirs), "{name}: helm {cmd:?}");
        }
        // capstan renders its archive as helm does.
        let mut c = capstan(t.path());
        c.args(["template", "rel", archive.to_str().unwrap(), "--namespace", "ns1"]);
        let ours = s(&run_ok(c).stdout);
        let mut c = helm_cmd(&helm, t.path());
        c.args(["template", "rel", archive.to_str().unwrap(), "--namespace", "ns1"]);
        assert_eq!(ours, s(&run_ok(c).stdout), "{name}: capstan template of the archive");
    }
}

/// (name, mtime, mode, content) of every entry, sorted.
fn entries(p: &Path) -> Vec<(String, u64, u32, Vec<u8>)> {
    let data = std::fs::read(p).unwrap();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(&data[..]));
    let mut v: Vec<_> = ar
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut buf).unwrap();
            (e.path().unwrap().display().to_string(), e.header().mtime().unwrap(), e.header().mode().unwrap(), buf)
        })
        .collect();
    v.sort();
    v
}

/// Strip the times Helm and capstan stamp with the clock.
fn without_times(index: &str) -> String {
    index
        .lines()
        .map(|l| {
            let trimmed = l.trim_start();
            if trimmed.starts_with("created:") || trimmed.starts_with("generated:") {
                format!("{}<time>", &l[..l.len() - trimmed.len() + trimmed.find(':').unwrap() + 1])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn repo_index_matches_helm() {
    let t = tempfile::tempdir().unwrap();
    let repo = t.path().join("repo");
    let src = t.path().join("src");
    for (n, v) in [("web", "1.0.0"), ("web", "1.1.0"), ("db", "0.1.0")] {
        let c = make_chart(&src, n, v);
        package(t.path(), &c, &repo, &[]);
        std::fs::remove_dir_all(c).unwrap();
    }
    // One archive in a subdirectory (Helm indexes one level down).
    let c = make_chart(&src, "cache", "3.0.0");
    package(t.path(), &c, &repo.join("extra"), &[]);
    std::fs::write(repo.join("not-a-chart.tgz"), b"junk").unwrap();
    let mut c = capstan(t.path());
    c.args(["repo", "index", repo.to_str().unwrap(), "--url", "https://charts.example.com/stable"]);
    run_ok(c);
    let ours = std::fs::read_to_string(repo.join("index.yaml")).unwrap();
    assert!(ours.contains("  - https://charts.example.com/stable/extra/cache-3.0.0.tgz\n"), "{ours}");
    assert!(ours.contains("    digest: "), "{ours}");
    let web_pos = ours.find("version: 1.1.0").unwrap();
    assert!(web_pos < ours.find("version: 1.0.0").unwrap(), "newest first");

    let Some(helm) = helm() else {
        return skip("repo_index_matches_helm: no helm to compare with");
    };
    let mut c = helm_cmd(&helm, t.path());
    c.args(["repo", "index", repo.to_str().unwrap(), "--url", "https://charts.example.com/stable"]);
    run_ok(c);
    let theirs = std::fs::read_to_string(repo.join("index.yaml")).unwrap();
    assert_eq!(without_times(&ours), without_times(&theirs));

    // --merge keeps entries of the old index; --json writes MarshalIndent.
    let old = t.path().join("old.yaml");
    std::fs::write(&old, "apiVersion: v1\nentries:\n  legacy:\n  - name: legacy\n    version: 0.0.1\n    urls: [https://old/legacy-0.0.1.tgz]\n    created: \"2020-01-01T00:00:00Z\"\ngenerated: \"2020-01-01T00:00:00Z\"\n").unwrap();
    for (tool, out) in [("capstan", "ours"), ("helm", "theirs")] {
        let mut c = if tool == "capstan" { capstan(t.path()) } else { helm_cmd(&helm, t.path()) };
        c.args(["repo", "index", repo.to_str().unwrap(), "--merge", old.to_str().unwrap(), "--json"]);
        run_ok(c);
        std::fs::rename(repo.join("index.yaml"), t.path().join(out)).unwrap();
    }
    let ours = std::fs::read_to_string(t.path().join("ours")).unwrap();
    let theirs = std::fs::read_to_string(t.path().join("theirs")).unwrap();
    let norm = |s: &str| {
        regex::Regex::new(r#""(created|generated)": "[^"]*""#).unwrap().replace_all(s, "\"$1\": <t>").into_owned()
    };
    // The merged legacy entry keeps its time in both.
    assert!(ours.contains("\"created\": \"2020-01-01T00:00:00Z\""), "{ours}");
    assert_eq!(norm(&ours), norm(&theirs));
}

/// Each entry carries its source's time: files of the chart and of a
/// subchart directory from the file system, files of a subchart archive
/// from its tar headers (Helm 4's Save), rounded to the second.
#[test]
fn entry_times_come_from_their_sources() {
    let t = tempfile::tempdir().unwrap();
    let set = |p: &Path, secs: u64| {
        let f = std::fs::File::options().append(true).open(p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_millis(secs * 1000 + 600)).unwrap();
    };
    let sub = make_chart(t.path(), "sub", "0.1.0");
    let mut c = capstan(t.path());
    c.env("SOURCE_DATE_EPOCH", "1500000000").args([
        "package",
        sub.to_str().unwrap(),
        "-d",
        t.path().join("subpkg").to_str().unwrap(),
    ]);
    run_ok(c);
    let app = make_chart(t.path(), "app", "1.0.0");
    std::fs::create_dir_all(app.join("charts")).unwrap();
    std::fs::copy(t.path().join("subpkg/sub-0.1.0.tgz"), app.join("charts/sub-0.1.0.tgz")).unwrap();
    make_chart(&app.join("charts"), "inner", "0.2.0");
    for (p, secs) in [
        ("Chart.yaml", 1_600_000_000),
        ("values.yaml", 1_600_000_100),
        ("templates/cm.yaml", 1_600_000_200),
        ("charts/inner/Chart.yaml", 1_600_000_300),
        ("charts/inner/templates/cm.yaml", 1_600_000_400),
    ] {
        set(&app.join(p), secs);
    }
    let out = package(t.path(), &app, &t.path().join("out"), &[]);
    let got: std::collections::BTreeMap<String, u64> = entries(&out).into_iter().map(|(n, m, _, _)| (n, m)).collect();
    // .6 s rounds up, as Go's Time.Round(time.Second).
    assert_eq!(got["app/Chart.yaml"], 1_600_000_001);
    assert_eq!(got["app/values.yaml"], 1_600_000_101);
    assert_eq!(got["app/templates/cm.yaml"], 1_600_000_201);
    assert_eq!(got["app/charts/inner/Chart.yaml"], 1_600_000_301);
    assert_eq!(got["app/charts/inner/templates/cm.yaml"], 1_600_000_401);
    assert_eq!(got["app/charts/sub/Chart.yaml"], 1_500_000_000);
    assert_eq!(got["app/charts/sub/templates/cm.yaml"], 1_500_000_000);
    assert!(!got.contains_key("app/notes.bak"), "{got:?}");
}
