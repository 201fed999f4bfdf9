//! Chart repositories over HTTP against a real static server on 127.0.0.1:
//! repo add/list/update/remove, search, pull, credentials, failure paths,
//! and interop with the real helm both ways.

mod repo_support;

use std::path::Path;

use repo_support::*;

fn repo_add(home: &Path, name: &str, url: &str, extra: &[&str]) -> std::process::Output {
    let mut c = capstan(home);
    c.args(["repo", "add", name, url]).args(extra);
    c.stdin(std::process::Stdio::null()).output().unwrap()
}

#[test]
fn add_list_update_search_remove() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let srv = Server::start(&t.path().join("www"), None);
    make_repo(
        &home,
        &t.path().join("www"),
        &[("web", "1.0.0"), ("web", "1.1.0"), ("web", "2.0.0-beta.1"), ("db", "0.3.0")],
        &srv.addr,
    );

    let out = repo_add(&home, "local", &srv.addr, &[]);
    assert!(out.status.success(), "{}", s(&out.stderr));
    assert_eq!(s(&out.stdout), "\"local\" has been added to your repositories\n");
    // Helm's file layout and mode.
    let cfg = std::fs::read_to_string(home.join("repositories.yaml")).unwrap();
    assert!(
        cfg.starts_with("apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n"),
        "{cfg}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.join("repositories.yaml")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(home.join("cache/repository/local-index.yaml").is_file());
    assert_eq!(std::fs::read_to_string(home.join("cache/repository/local-charts.txt")).unwrap(), "db\nweb\n");
    // Same config again: a no-op; a different URL: refused.
    let out = repo_add(&home, "local", &srv.addr, &[]);
    assert_eq!(s(&out.stdout), "\"local\" already exists with the same configuration, skipping\n");
    let out = repo_add(&home, "local", &srv.url("other"), &[]);
    assert!(s(&out.stderr).contains("repository name (local) already exists, please specify a different name"));
    let out = repo_add(&home, "a/b", &srv.addr, &[]);
    assert!(s(&out.stderr).contains("contains '/'"));

    let mut c = capstan(&home);
    c.args(["repo", "list"]);
    let out = run_ok(c);
    let url_col = format!("{:<width$}", "URL", width = srv.addr.len());
    assert_eq!(s(&out.stdout), format!("NAME \t{url_col}\nlocal\t{}\n", srv.addr));
    let mut c = capstan(&home);
    c.args(["repo", "list", "-o", "json"]);
    assert_eq!(s(&run_ok(c).stdout), format!("[{{\"name\":\"local\",\"url\":\"{}\"}}]\n", srv.addr));

    // search: newest stable by default, --devel, -l, --version, regexp.
    let mut c = capstan(&home);
    c.args(["search", "repo", "web", "-o", "json"]);
    assert_eq!(
        s(&run_ok(c).stdout),
        "[{\"name\":\"local/web\",\"version\":\"1.1.0\",\"app_version\":\"1.0\",\"description\":\"The web chart\"}]\n"
    );
    let mut c = capstan(&home);
    c.args(["search", "repo", "web", "--devel", "-o", "yaml"]);
    assert!(s(&run_ok(c).stdout).contains("version: 2.0.0-beta.1"));
    let mut c = capstan(&home);
    c.args(["search", "repo", "-l", "web"]);
    let table = s(&run_ok(c).stdout);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.starts_with("NAME     \tCHART VERSION\tAPP VERSION\tDESCRIPTION  \nlocal/web\t1.1.0        \t1.0        \tThe web chart\n"), "{table}");
    let mut c = capstan(&home);
    c.args(["search", "repo", "web", "--version", "<1.1", "-o", "json"]);
    assert!(s(&run_ok(c).stdout).contains("\"version\":\"1.0.0\""));
    let mut c = capstan(&home);
    c.args(["search", "repo", "-r", "^d.", "-o", "json"]);
    assert!(s(&run_ok(c).stdout).contains("local/db"));
    let mut c = capstan(&home);
    c.args(["search", "repo", "nothing-like-this"]);
    assert_eq!(s(&run_ok(c).stdout), "No results found\n");
    let mut c = capstan(&home);
    c.args(["search", "repo", "nothing-like-this", "--fail-on-no-result"]);
    assert!(s(&run_err(c).stderr).contains("no results found"));

    // update: all, by name, unknown name; a failing repository.
    let mut c = capstan(&home);
    c.args(["repo", "update"]);
    assert_eq!(
        s(&run_ok(c).stdout),
        "Hang tight while we grab the latest from your chart repositories...\n...Successfully got an update from the \"local\" chart repository\nUpdate Complete. ⎈Happy Helming!⎈\n"
    );
    let mut c = capstan(&home);
    c.args(["repo", "update", "nope"]);
    assert!(s(&run_err(c).stderr).contains("no repositories found matching 'nope'.  Nothing will be updated"));
    srv.set_status("/index.yaml", 500);
    let mut c = capstan(&home);
    c.args(["repo", "update", "local"]);
    let out = run_err(c);
    assert!(
        s(&out.stdout).contains("...Unable to get an update from the \"local\" chart repository"),
        "{}",
        s(&out.stdout)
    );
    assert!(s(&out.stderr).contains(&format!("failed to update the following repositories: [{}]", srv.addr)));
    // The cached index survived the failed update.
    assert!(home.join("cache/repository/local-index.yaml").is_file());

    let mut c = capstan(&home);
    c.args(["repo", "remove", "local"]);
    assert_eq!(s(&run_ok(c).stdout), "\"local\" has been removed from your repositories\n");
    assert!(!home.join("cache/repository/local-index.yaml").exists());
    let mut c = capstan(&home);
    c.args(["repo", "remove", "local"]);
    assert!(s(&run_err(c).stderr).contains("no repositories configured"));
}

#[test]
fn failures_are_clear_and_leave_nothing_behind() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let srv = Server::start(&www, None);
    // 404: no index.
    let out = repo_add(&home, "x", &srv.addr, &[]);
    let err = s(&out.stderr);
    assert!(
        err.contains(&format!("looks like \"{}\" is not a valid chart repository or cannot be reached", srv.addr)),
        "{err}"
    );
    assert!(err.contains("404 Not Found"), "{err}");
    // Unreachable host.
    let out = repo_add(&home, "x", "http://127.0.0.1:1", &[]);
    assert!(s(&out.stderr).contains("Get \"http://127.0.0.1:1/index.yaml\""), "{}", s(&out.stderr));
    // Not an index.
    std::fs::write(www.join("index.yaml"), "entries: {}\n").unwrap();
    let out = repo_add(&home, "x", &srv.addr, &[]);
    assert!(s(&out.stderr).contains("no API version specified"), "{}", s(&out.stderr));
    // Nothing was configured or cached by the failures.
    assert!(!home.join("repositories.yaml").exists());
    assert!(!home.join("cache/repository/x-index.yaml").exists());

    // A tampered archive: the index digest no longer matches.
    make_repo(&home, &www, &[("web", "1.0.0")], &srv.addr);
    assert!(repo_add(&home, "x", &srv.addr, &[]).status.success());
    let archive = www.join("web-1.0.0.tgz");
    let mut data = std::fs::read(&archive).unwrap();
    let n = data.len();
    data[n - 20] ^= 0xff;
    std::fs::write(&archive, &data).unwrap();
    let dest = t.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let mut c = capstan(&home);
    c.args(["pull", "x/web", "-d", dest.to_str().unwrap()]);
    let err = s(&run_err(c).stderr);
    assert!(err.contains("digest mismatch for"), "{err}");
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), 0, "nothing written on a bad digest");
    assert!(!home.join("cache/content").exists() || walk_count(&home.join("cache/content")) == 0);
}

fn walk_count(p: &Path) -> usize {
    std::fs::read_dir(p).unwrap().flatten().map(|e| if e.path().is_dir() { walk_count(&e.path()) } else { 1 }).sum()
}

#[test]
fn pull_by_name_url_and_repo_flag() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    let srv = Server::start(&www, None);
    make_repo(&home, &www, &[("web", "1.0.0"), ("web", "1.1.0")], &srv.addr);
    assert!(repo_add(&home, "local", &srv.addr, &[]).status.success());
    let dest = t.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let pull = |args: &[&str]| {
        let mut c = capstan(&home);
        c.arg("pull").args(args).args(["-d", dest.to_str().unwrap()]);
        run_ok(c)
    };
    pull(&["local/web"]);
    assert_eq!(std::fs::read(dest.join("web-1.1.0.tgz")).unwrap(), std::fs::read(www.join("web-1.1.0.tgz")).unwrap());
    pull(&["local/web", "--version", "~1.0"]);
    assert!(dest.join("web-1.0.0.tgz").is_file());
    std::fs::remove_file(dest.join("web-1.0.0.tgz")).unwrap();
    pull(&[&srv.url("web-1.0.0.tgz")]);
    assert!(dest.join("web-1.0.0.tgz").is_file());
    let out = pull(&["web", "--repo", &srv.addr, "--version", "1.0.0", "--verify"]);
    assert!(s(&out.stdout).starts_with("Chart Hash Verified: sha256:"), "{}", s(&out.stdout));
    // --untar into the destination.
    pull(&["local/web", "--untar"]);
    assert!(dest.join("web/Chart.yaml").is_file());
    assert!(dest.join("web/templates/cm.yaml").is_file());
    let mut c = capstan(&home);
    c.args(["pull", "local/web", "--untar", "-d", dest.to_str().unwrap()]);
    assert!(s(&run_err(c).stderr).contains("failed to untar: a file or directory with the name"));
    let mut c = capstan(&home);
    c.args(["pull", "local/nope"]);
    assert!(s(&run_err(c).stderr).contains("chart \"nope\" matching  not found in local index"));
    let mut c = capstan(&home);
    c.args(["pull", "web", "--repo", &srv.addr, "--version", "9.9.9"]);
    assert!(s(&run_err(c).stderr)
        .contains(&format!("chart \"web\" version \"9.9.9\" not found in {} repository", srv.addr)));

    // The library entry point the other commands use.
    std::env::set_var("CAPSTAN_HOME", &home);
    let p = capstan::repo::resolve_chart_ref("local/web", Some("1.0.0"), &Default::default()).unwrap();
    assert!(p.starts_with(home.join("cache/content")), "{}", p.display());
    let c = capstan::chart::load(&p).unwrap();
    assert_eq!(c.metadata.version, "1.0.0");
}

#[test]
fn credentials_go_only_to_the_repository_host() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    let cdn_root = t.path().join("cdn");
    let srv = Server::start(&www, Some(("alice", "s3cret")));
    let cdn = Server::start(&cdn_root, None);
    // Archives on another host (a CDN), index on the protected server.
    make_repo(&home, &cdn_root, &[("web", "1.0.0")], &cdn.addr);
    std::fs::create_dir_all(&www).unwrap();
    std::fs::rename(cdn_root.join("index.yaml"), www.join("index.yaml")).unwrap();

    let out = repo_add(&home, "priv", &srv.addr, &[]);
    assert!(s(&out.stderr).contains("401 Unauthorized"), "{}", s(&out.stderr));
    let mut c = capstan(&home);
    c.args(["repo", "add", "priv", &srv.addr, "--username", "alice", "--password-stdin"]);
    c.stdin(std::process::Stdio::piped());
    let mut child = c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"s3cret\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", s(&out.stderr));
    let cfg = std::fs::read_to_string(home.join("repositories.yaml")).unwrap();
    assert!(cfg.contains("  password: s3cret\n") && cfg.contains("  username: alice\n"), "{cfg}");

    let dest = t.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let mut c = capstan(&home);
    c.args(["pull", "priv/web", "-d", dest.to_str().unwrap()]);
    run_ok(c);
    assert!(dest.join("web-1.0.0.tgz").is_file());
    assert!(srv.requests().iter().any(|r| r.authorization.is_some()));
    assert!(
        cdn.requests().iter().all(|r| r.authorization.is_none()),
        "credentials leaked to another host: {:?}",
        cdn.requests()
    );

    // With --pass-credentials they follow the chart to the CDN.
    let mut c = capstan(&home);
    c.args([
        "repo",
        "add",
        "priv",
        &srv.addr,
        "--username",
        "alice",
        "--password",
        "s3cret",
        "--pass-credentials",
        "--force-update",
    ]);
    run_ok(c);
    std::fs::remove_dir_all(home.join("cache/content")).unwrap();
    std::fs::remove_file(dest.join("web-1.0.0.tgz")).unwrap();
    let mut c = capstan(&home);
    c.args(["pull", "priv/web", "-d", dest.to_str().unwrap()]);
    run_ok(c);
    assert!(cdn.requests().iter().any(|r| r.authorization.is_some()));
}

#[test]
fn import_helm_repositories() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    let srv = Server::start(&www, None);
    make_repo(&home, &www, &[("web", "1.0.0")], &srv.addr);
    let helm_file = t.path().join("helm-repositories.yaml");
    std::fs::write(
        &helm_file,
        format!("apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n  keyFile: \"\"\n  name: fromhelm\n  pass_credentials_all: false\n  password: \"\"\n  url: {}\n  username: \"\"\n", srv.addr),
    )
    .unwrap();
    let mut c = capstan(&home);
    c.args(["repo", "add", &format!("--import-helm={}", helm_file.display())]);
    let out = run_ok(c);
    assert!(s(&out.stdout).contains("\"fromhelm\" has been imported from"), "{}", s(&out.stdout));
    let mut c = capstan(&home);
    c.args(["search", "repo", "web", "-o", "json"]);
    assert!(s(&run_ok(c).stdout).contains("fromhelm/web"));
    // Helm's default location through HELM_REPOSITORY_CONFIG.
    let mut c = capstan(&home);
    c.env("HELM_REPOSITORY_CONFIG", &helm_file).args(["repo", "add", "--import-helm"]);
    assert!(s(&run_ok(c).stdout).contains("already exists with the same configuration"));
}

/// An index capstan writes serves `helm repo add` + `helm pull`; a repo
/// helm indexes serves capstan.
#[test]
fn helm_uses_capstan_repositories() {
    let Some(helm) = helm() else {
        return skip("helm_uses_capstan_repositories: no helm (run shared/tools/install-peers.sh)");
    };
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    let srv = Server::start(&www, None);
    make_repo(&home, &www, &[("web", "1.0.0"), ("web", "1.1.0")], &srv.addr);
    let mut c = helm_cmd(&helm, t.path());
    c.args(["repo", "add", "capstan-made", &srv.addr]);
    run_ok(c);
    let dest = t.path().join("helm-dest");
    std::fs::create_dir_all(&dest).unwrap();
    let mut c = helm_cmd(&helm, t.path());
    c.args(["pull", "capstan-made/web", "--version", "1.0.0", "-d", dest.to_str().unwrap()]);
    run_ok(c);
    assert_eq!(std::fs::read(dest.join("web-1.0.0.tgz")).unwrap(), std::fs::read(www.join("web-1.0.0.tgz")).unwrap());
    let mut c = helm_cmd(&helm, t.path());
    c.args(["search", "repo", "web"]);
    let helm_search = s(&run_ok(c).stdout);
    let mut c = helm_cmd(&helm, t.path());
    c.args(["repo", "list"]);
    let helm_list = s(&run_ok(c).stdout);

    // The other way: helm indexes, capstan reads; same search table.
    let mut c = helm_cmd(&helm, t.path());
    c.args(["repo", "index", www.to_str().unwrap(), "--url", &srv.addr]);
    run_ok(c);
    assert!(repo_add(&home, "capstan-made", &srv.addr, &[]).status.success());
    let mut c = capstan(&home);
    c.args(["search", "repo", "web"]);
    assert_eq!(s(&run_ok(c).stdout), helm_search);
    let mut c = capstan(&home);
    c.args(["repo", "list"]);
    assert_eq!(s(&run_ok(c).stdout), helm_list);
    let mut c = capstan(&home);
    c.args(["pull", "capstan-made/web", "-d", t.path().to_str().unwrap()]);
    run_ok(c);
    assert!(t.path().join("web-1.1.0.tgz").is_file());
}

/// HTTPS: certificates are verified; `--ca-file` trusts a CA,
/// `--insecure-skip-tls-verify` skips the check, `--cert-file`/`--key-file`
/// answer a server that wants a client certificate. Settings stored with
/// the repository apply to later downloads.
#[test]
fn tls_options() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let www = t.path().join("www");
    let tls = Tls::new(false);
    let srv = Server::start_tls(&www, &tls);
    make_repo(&home, &www, &[("web", "1.0.0")], &srv.addr);
    let ca = t.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();

    let out = repo_add(&home, "tls", &srv.addr, &[]);
    assert!(!out.status.success());
    assert!(s(&out.stderr).to_lowercase().contains("certificate"), "{}", s(&out.stderr));
    let out = repo_add(&home, "tls", &srv.addr, &["--ca-file", ca.to_str().unwrap()]);
    assert!(out.status.success(), "{}", s(&out.stderr));
    let out = repo_add(&home, "tls-insecure", &srv.addr, &["--insecure-skip-tls-verify"]);
    assert!(out.status.success(), "{}", s(&out.stderr));
    // The stored CA is used for the archive download.
    let mut c = capstan(&home);
    c.args(["pull", "tls/web", "-d", t.path().to_str().unwrap()]);
    run_ok(c);
    assert!(t.path().join("web-1.0.0.tgz").is_file());

    // Mutual TLS.
    let mtls = Tls::new(true);
    let www2 = t.path().join("www2");
    let srv2 = Server::start_tls(&www2, &mtls);
    make_repo(&home, &www2, &[("api", "2.0.0")], &srv2.addr);
    let (ca2, cert, key) = (t.path().join("ca2.pem"), t.path().join("client.pem"), t.path().join("client.key"));
    std::fs::write(&ca2, &mtls.ca_pem).unwrap();
    std::fs::write(&cert, &mtls.client_cert_pem).unwrap();
    std::fs::write(&key, &mtls.client_key_pem).unwrap();
    let out = repo_add(&home, "mtls", &srv2.addr, &["--ca-file", ca2.to_str().unwrap()]);
    assert!(!out.status.success(), "a server wanting a client certificate accepted none");
    let out = repo_add(
        &home,
        "mtls",
        &srv2.addr,
        &[
            "--ca-file",
            ca2.to_str().unwrap(),
            "--cert-file",
            cert.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", s(&out.stderr));
    let mut c = capstan(&home);
    c.args(["pull", "mtls/api", "-d", t.path().to_str().unwrap()]);
    run_ok(c);
    assert!(t.path().join("api-2.0.0.tgz").is_file());
}

/// Helm's global path flags put the repository file and the index cache
/// where they say, ahead of the environment (CAPSTAN_HOME and the
/// CAPSTAN_* variables); a later command finds the repository through the
/// same flag and nowhere else.
#[test]
fn global_path_flags_beat_the_environment() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let srv = Server::start(&t.path().join("www"), None);
    make_repo(&home, &t.path().join("www"), &[("web", "1.0.0")], &srv.addr);
    let config = t.path().join("elsewhere/repos.yaml");
    let cache = t.path().join("elsewhere/cache");
    let (config_s, cache_s) = (config.to_str().unwrap(), cache.to_str().unwrap());

    let mut c = capstan(&home);
    c.env("CAPSTAN_REPOSITORY_CONFIG", t.path().join("env-repos.yaml"));
    c.args(["repo", "add", "local", &srv.addr, "--repository-config", config_s, "--repository-cache", cache_s]);
    run_ok(c);
    assert!(std::fs::read_to_string(&config).unwrap().contains("name: local"));
    assert!(cache.join("local-index.yaml").is_file());
    assert!(!t.path().join("env-repos.yaml").exists());
    assert!(!home.join("repositories.yaml").exists());

    let mut c = capstan(&home);
    c.args(["--repository-config", config_s, "repo", "list"]);
    assert!(s(&run_ok(c).stdout).contains("local"));
    let mut c = capstan(&home);
    c.args(["repo", "list"]);
    let out = run_ok(c);
    assert_eq!(s(&out.stdout), "");
    assert_eq!(s(&out.stderr), "no repositories to show\n");
}
