//! `dependency update|build|list` against a real HTTP repository, a second
//! (unconfigured) repository and `file://` charts; Chart.lock digests
//! compared with the real helm's.

mod repo_support;

use std::path::{Path, PathBuf};

use repo_support::*;

struct Fixture {
    _t: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    app: PathBuf,
    srv: Server,
    other: Server,
}

fn fixture() -> Fixture {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().to_path_buf();
    let home = root.join("home");
    let srv = Server::start(&root.join("www"), None);
    let other = Server::start(&root.join("other"), None);
    make_repo(
        &home,
        &root.join("www"),
        &[("db", "0.1.0"), ("db", "0.1.5"), ("db", "0.2.0"), ("cache", "1.0.0")],
        &srv.addr,
    );
    make_repo(&home, &root.join("other"), &[("queue", "3.1.0")], &other.addr);
    let mut c = capstan(&home);
    c.args(["repo", "add", "local", &srv.addr]);
    run_ok(c);
    make_chart(&root, "lib", "0.1.0");
    let app = root.join("app");
    write_files(
        &app,
        &[
            (
                "Chart.yaml",
                &format!(
                    "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: db\n  version: ~0.1.0\n  repository: {}\n  condition: db.enabled\n- name: cache\n  version: \">=1.0.0\"\n  repository: \"@local\"\n  alias: memo\n- name: lib\n  version: 0.1.0\n  repository: file://../lib\n  tags: [base]\n- name: queue\n  version: ^3\n  repository: {}\n",
                    srv.addr, other.addr
                ),
            ),
            ("values.yaml", "db:\n  enabled: true\n"),
            ("templates/x.yaml", "kind: X\n"),
        ],
    );
    Fixture { _t: t, root, home, app, srv, other }
}

fn charts_dir(app: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(app.join("charts"))
        .map(|r| r.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn lock_digest(app: &Path) -> String {
    let lock = std::fs::read_to_string(app.join("Chart.lock")).unwrap();
    lock.lines().find_map(|l| l.strip_prefix("digest: ")).unwrap().to_string()
}

#[test]
fn update_build_and_list() {
    let f = fixture();
    let mut c = capstan(&f.home);
    c.args(["dependency", "update", f.app.to_str().unwrap()]);
    let out = s(&run_ok(c).stdout);
    assert!(out.contains("Getting updates for unmanaged Helm repositories..."), "{out}");
    assert!(
        out.contains(&format!("...Successfully got an update from the \"{}\" chart repository", f.other.addr)),
        "{out}"
    );
    assert!(out.contains("Saving 4 charts\n"), "{out}");
    assert!(out.contains(&format!("Downloading db from repo {}\n", f.srv.addr)), "{out}");
    assert!(out.ends_with("Deleting outdated charts\n"), "{out}");
    assert_eq!(charts_dir(&f.app), ["cache-1.0.0.tgz", "db-0.1.5.tgz", "lib-0.1.0.tgz", "queue-3.1.0.tgz"]);
    let lock = std::fs::read_to_string(f.app.join("Chart.lock")).unwrap();
    // Helm's lock: resolved versions, `@local` written as the URL.
    let expect_deps = format!(
        "dependencies:\n- name: db\n  repository: {0}\n  version: 0.1.5\n- name: cache\n  repository: {0}\n  version: 1.0.0\n- name: lib\n  repository: file://../lib\n  version: 0.1.0\n- name: queue\n  repository: {1}\n  version: 3.1.0\ndigest: sha256:",
        f.srv.addr, f.other.addr
    );
    assert!(lock.starts_with(&expect_deps), "{lock}");
    assert!(lock.contains("\ngenerated: \""), "{lock}");
    assert!(!f.app.read_dir().unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with("tmpcharts")));

    // list: ok for archives; missing; wrong version; stray files.
    let list = |app: &Path| {
        let mut c = capstan(&f.home);
        c.args(["dependency", "list", app.to_str().unwrap()]);
        s(&run_ok(c).stdout)
    };
    let l = list(&f.app);
    assert!(l.starts_with("NAME \tVERSION\tREPOSITORY"), "{l}");
    for line in l.lines().skip(1).take(4) {
        assert!(line.trim_end().ends_with("\tok"), "{l}");
    }
    std::fs::remove_file(f.app.join("charts/cache-1.0.0.tgz")).unwrap();
    std::fs::rename(f.app.join("charts/db-0.1.5.tgz"), f.root.join("db-0.1.5.tgz")).unwrap();
    std::fs::copy(f.root.join("www/db-0.2.0.tgz"), f.app.join("charts/db-0.2.0.tgz")).unwrap();
    make_chart(&f.app.join("charts"), "stray", "0.1.0");
    let l = list(&f.app);
    assert!(l.lines().any(|x| x.starts_with("db ") && x.trim_end().ends_with("wrong version")), "{l}");
    assert!(l.lines().any(|x| x.starts_with("cache") && x.trim_end().ends_with("missing")), "{l}");
    assert!(l.contains("/charts/stray\" is not in Chart.yaml."), "{l}");
    std::fs::remove_dir_all(f.app.join("charts/stray")).unwrap();

    // build needs every HTTP repository configured (as Helm's does).
    let mut c = capstan(&f.home);
    c.args(["dependency", "build", f.app.to_str().unwrap()]);
    let err = s(&run_err(c).stderr);
    assert!(
        err.contains(&format!("no repository definition for {}. Please add the missing repos", f.other.addr)),
        "{err}"
    );
    let mut c = capstan(&f.home);
    c.args(["repo", "add", "other", &f.other.addr]);
    run_ok(c);
    // build: back to exactly what the lock says; outdated archives go.
    let mut c = capstan(&f.home);
    c.args(["dependency", "build", f.app.to_str().unwrap()]);
    run_ok(c);
    assert_eq!(charts_dir(&f.app), ["cache-1.0.0.tgz", "db-0.1.5.tgz", "lib-0.1.0.tgz", "queue-3.1.0.tgz"]);
    assert_eq!(
        std::fs::read(f.app.join("charts/db-0.1.5.tgz")).unwrap(),
        std::fs::read(f.root.join("db-0.1.5.tgz")).unwrap()
    );

    // A changed Chart.yaml makes the lock stale for build.
    let chart_yaml = std::fs::read_to_string(f.app.join("Chart.yaml")).unwrap();
    std::fs::write(f.app.join("Chart.yaml"), chart_yaml.replace("~0.1.0", "~0.2.0")).unwrap();
    let mut c = capstan(&f.home);
    c.args(["dependency", "build", f.app.to_str().unwrap()]);
    assert!(s(&run_err(c).stderr)
        .contains("the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml)"));

    // A version nobody has: an error, and charts/ stays as it was.
    std::fs::write(f.app.join("Chart.yaml"), chart_yaml.replace("~0.1.0", "^7")).unwrap();
    let before = charts_dir(&f.app);
    let mut c = capstan(&f.home);
    c.args(["dependency", "update", f.app.to_str().unwrap()]);
    let err = s(&run_err(c).stderr);
    assert!(err.contains("can't get a valid version for 1 subchart(s): \"db\""), "{err}");
    assert_eq!(charts_dir(&f.app), before);

    // A download that fails half-way (the archive vanished) leaves charts/ alone.
    std::fs::write(f.app.join("Chart.yaml"), chart_yaml.replace("~0.1.0", "0.2.0")).unwrap();
    std::fs::remove_file(f.root.join("www/db-0.2.0.tgz")).unwrap();
    let mut c = capstan(&f.home);
    c.args(["dependency", "update", f.app.to_str().unwrap(), "--skip-refresh"]);
    let out = run_err(c);
    assert!(s(&out.stderr).contains("404 Not Found"), "{}", s(&out.stderr));
    assert_eq!(charts_dir(&f.app), before);
    assert!(!f.app.read_dir().unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with("tmpcharts")));
}

#[test]
fn package_with_dependency_update() {
    let f = fixture();
    let mut c = capstan(&f.home);
    c.args(["package", "-u", f.app.to_str().unwrap(), "-d", f.root.to_str().unwrap()]);
    run_ok(c);
    let ch = capstan::chart::load(&f.root.join("app-1.0.0.tgz")).unwrap();
    let mut names: Vec<&str> = ch.dependencies.iter().map(|d| d.metadata.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["cache", "db", "lib", "queue"]);
    assert!(ch.lock.is_some());
}

#[test]
fn template_with_dependency_update_fetches_missing_dependencies_first() {
    let f = fixture();
    // Without the flag, Helm's error and nothing fetched.
    let mut c = capstan(&f.home);
    c.args(["template", "r", f.app.to_str().unwrap()]);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("You may need to run `helm dependency build`"));
    assert!(charts_dir(&f.app).is_empty());
    let mut c = capstan(&f.home);
    c.args(["template", "r", f.app.to_str().unwrap(), "--dependency-update"]);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("# Source: app/templates/x.yaml"));
    assert_eq!(charts_dir(&f.app), ["cache-1.0.0.tgz", "db-0.1.5.tgz", "lib-0.1.0.tgz", "queue-3.1.0.tgz"]);
    // `--repo` finds a chart in a repository that is not configured; `show`
    // takes the same flags (`helm show values repo/chart --version ...`).
    let mut c = capstan(&f.home);
    c.args(["template", "r", "queue", "--repo", &f.other.addr, "--version", "^3"]);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut c = capstan(&f.home);
    c.args(["show", "chart", "local/db", "--version", "0.1.5"]);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("version: 0.1.5"), "{}", String::from_utf8_lossy(&out.stdout));
    let mut c = capstan(&f.home);
    c.args(["show", "chart", "queue", "--repo", &f.other.addr]);
    let out = c.output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: queue"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `dependency update` writes the same Chart.lock digest as `helm
/// dependency update`, and helm builds from capstan's lock.
#[test]
fn lock_digest_matches_helm() {
    let Some(helm) = helm() else {
        return skip("lock_digest_matches_helm: no helm (run shared/tools/install-peers.sh)");
    };
    let f = fixture();
    let mut c = capstan(&f.home);
    c.args(["dependency", "update", f.app.to_str().unwrap()]);
    run_ok(c);
    let ours = lock_digest(&f.app);
    let ours_charts = charts_dir(&f.app);
    let without_generated =
        |l: &str| l.lines().filter(|x| !x.starts_with("generated: ")).collect::<Vec<_>>().join("\n");
    let ours_lock = without_generated(&std::fs::read_to_string(f.app.join("Chart.lock")).unwrap());

    let mut c = helm_cmd(&helm, &f.root);
    c.args(["repo", "add", "local", &f.srv.addr]);
    run_ok(c);
    // `build` wants every repository configured, in both tools.
    let mut c = helm_cmd(&helm, &f.root);
    c.args(["repo", "add", "other", &f.other.addr]);
    run_ok(c);
    let mut c = capstan(&f.home);
    c.args(["repo", "add", "other", &f.other.addr]);
    run_ok(c);
    std::fs::remove_dir_all(f.app.join("charts")).unwrap();
    std::fs::remove_file(f.app.join("Chart.lock")).unwrap();
    let mut c = helm_cmd(&helm, &f.root);
    c.args(["dependency", "update", f.app.to_str().unwrap()]);
    run_ok(c);
    assert_eq!(lock_digest(&f.app), ours, "Chart.lock digest");
    assert_eq!(charts_dir(&f.app), ours_charts);
    // `dependency list` prints what helm prints.
    let mut c = helm_cmd(&helm, &f.root);
    c.args(["dependency", "list", f.app.to_str().unwrap()]);
    let theirs = s(&run_ok(c).stdout);
    let mut c = capstan(&f.home);
    c.args(["dependency", "list", f.app.to_str().unwrap()]);
    assert_eq!(s(&run_ok(c).stdout), theirs);
    let helm_lock = std::fs::read_to_string(f.app.join("Chart.lock")).unwrap();
    assert_eq!(without_generated(&helm_lock), ours_lock, "Chart.lock text");

    // helm's lock drives capstan's build, and the other way round.
    std::fs::remove_dir_all(f.app.join("charts")).unwrap();
    let mut c = capstan(&f.home);
    c.args(["dependency", "build", f.app.to_str().unwrap()]);
    run_ok(c);
    assert_eq!(charts_dir(&f.app), ours_charts);
    assert_eq!(
        std::fs::read_to_string(f.app.join("Chart.lock")).unwrap(),
        helm_lock,
        "build must not rewrite the lock"
    );
    std::fs::remove_dir_all(f.app.join("charts")).unwrap();
    let mut c = capstan(&f.home);
    c.args(["dependency", "update", f.app.to_str().unwrap()]);
    run_ok(c);
    // Same digest: capstan leaves helm's lock file as it was.
    assert_eq!(std::fs::read_to_string(f.app.join("Chart.lock")).unwrap(), helm_lock);
    std::fs::remove_dir_all(f.app.join("charts")).unwrap();
    let mut c = helm_cmd(&helm, &f.root);
    c.args(["dependency", "build", f.app.to_str().unwrap()]);
    run_ok(c);
    assert_eq!(charts_dir(&f.app), ours_charts);
}
