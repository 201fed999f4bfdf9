//! OCI registries against a real registry on 127.0.0.1: Debian's
//! `docker-registry` (the CNCF distribution registry), started per test.
//! Skipped, visibly, when it is not installed (`apt-get install
//! docker-registry`). Checks push/pull both ways with the real helm, the
//! manifest byte-for-byte against helm's, logins, and OCI dependencies.

mod repo_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use repo_support::*;

struct Registry {
    child: Child,
    host: String,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn registry_binary() -> Option<PathBuf> {
    ["/usr/bin/docker-registry", "/usr/local/bin/docker-registry"].iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Start a registry; with `auth`, htpasswd basic auth for that user.
fn start_registry(auth: Option<(&str, &str)>) -> Option<Registry> {
    let bin = registry_binary()?;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let host = format!("127.0.0.1:{port}");
    let mut config = format!(
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {host}\n",
        dir.path().join("data").display()
    );
    if let Some((u, p)) = auth {
        let hash = bcrypt::hash(p, 4).unwrap();
        std::fs::write(dir.path().join("htpasswd"), format!("{u}:{hash}\n")).unwrap();
        config.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: test\n    path: {}\n",
            dir.path().join("htpasswd").display()
        ));
    }
    std::fs::write(dir.path().join("config.yml"), config).unwrap();
    let child = Command::new(bin)
        .arg("serve")
        .arg(dir.path().join("config.yml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let reg = Registry { child, host, _dir: dir };
    for _ in 0..100 {
        if std::net::TcpStream::connect(&reg.host).is_ok() {
            return Some(reg);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("docker-registry did not start on {}", reg.host);
}

macro_rules! registry_or_skip {
    ($auth:expr, $what:expr) => {
        match start_registry($auth) {
            Some(r) => r,
            None => return skip(&format!("{}: no docker-registry (apt-get install docker-registry)", $what)),
        }
    };
}

/// GET a manifest as raw bytes (what the registry stores).
fn manifest_bytes(host: &str, repo: &str, tag: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET /v2/{repo}/manifests/{tag} HTTP/1.0\r\nHost: {host}\r\nAccept: application/vnd.oci.image.manifest.v1+json\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let pos = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(buf.starts_with(b"HTTP/1.0 200") || buf.starts_with(b"HTTP/1.1 200"), "{}", s_(&buf[..pos]));
    buf[pos + 4..].to_vec()
}

fn s_(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn packaged(home: &Path, dir: &Path, name: &str, version: &str) -> PathBuf {
    let c = make_chart(&dir.join("src"), name, version);
    let mut cmd = capstan(home);
    cmd.args(["package", c.to_str().unwrap(), "-d", dir.to_str().unwrap()]);
    run_ok(cmd);
    dir.join(format!("{name}-{version}.tgz"))
}

#[test]
fn push_and_pull_with_helm_both_ways() {
    let reg = registry_or_skip!(None, "push_and_pull_with_helm_both_ways");
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let archive = packaged(&home, t.path(), "web", "1.2.0+build.7");
    let remote = format!("oci://{}/charts", reg.host);
    let mut c = capstan(&home);
    c.args(["push", archive.to_str().unwrap(), &remote, "--plain-http"]);
    let out = run_ok(c);
    let err = s(&out.stderr);
    assert!(err.starts_with(&format!("Pushed: {}/charts/web:1.2.0_build.7\nDigest: sha256:", reg.host)), "{err}");
    assert!(err.contains("contains an underscore."), "{err}");

    // The manifest is the one helm writes for the same file.
    let ours = manifest_bytes(&reg.host, "charts/web", "1.2.0_build.7");
    let m: serde_json::Value = serde_json::from_slice(&ours).unwrap();
    assert_eq!(m["config"]["mediaType"], "application/vnd.cncf.helm.config.v1+json");
    assert_eq!(m["layers"][0]["mediaType"], "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
    assert_eq!(m["annotations"]["org.opencontainers.image.title"], "web");
    assert_eq!(m["annotations"]["org.opencontainers.image.version"], "1.2.0+build.7");

    // capstan pulls it back: by tag, by constraint, by digest.
    let dest = t.path().join("dest");
    std::fs::create_dir_all(&dest).unwrap();
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/web"), "--version", "~1.2", "--plain-http", "-d", dest.to_str().unwrap()]);
    let out = run_ok(c);
    assert!(s(&out.stderr).contains(&format!("Pulled: {}/charts/web:1.2.0_build.7", reg.host)), "{}", s(&out.stderr));
    assert_eq!(std::fs::read(dest.join("web-1.2.0_build.7.tgz")).unwrap(), std::fs::read(&archive).unwrap());
    let digest = s(&out.stderr).lines().find_map(|l| l.strip_prefix("Digest: ")).unwrap().to_string();
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/web@{digest}"), "--plain-http", "--untar", "-d", dest.to_str().unwrap()]);
    run_ok(c);
    assert!(dest.join("web/Chart.yaml").is_file());
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/web"), "--version", "^9", "--plain-http"]);
    assert!(s(&run_err(c).stderr).contains("could not locate a version matching provided version string ^9"));
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/nothere:1.0.0"), "--plain-http"]);
    assert!(!s(&run_err(c).stderr).is_empty());

    let Some(helm) = helm() else {
        return skip("push_and_pull_with_helm_both_ways (helm part): no helm");
    };
    // helm pulls what capstan pushed: the same bytes.
    let hdest = t.path().join("helm-dest");
    std::fs::create_dir_all(&hdest).unwrap();
    let mut c = helm_cmd(&helm, t.path());
    c.args([
        "pull",
        &format!("{remote}/web"),
        "--version",
        "1.2.0+build.7",
        "--plain-http",
        "-d",
        hdest.to_str().unwrap(),
    ]);
    run_ok(c);
    assert_eq!(std::fs::read(hdest.join("web-1.2.0+build.7.tgz")).unwrap(), std::fs::read(&archive).unwrap());

    // helm pushing the same file writes the same manifest bytes.
    let mut c = helm_cmd(&helm, t.path());
    c.args(["push", archive.to_str().unwrap(), &format!("oci://{}/helm-pushed", reg.host), "--plain-http"]);
    run_ok(c);
    let theirs = manifest_bytes(&reg.host, "helm-pushed/web", "1.2.0_build.7");
    assert_eq!(s_(&ours), s_(&theirs));

    // A chart helm packaged and pushed: capstan pulls and renders it as helm does.
    let src = make_chart(&t.path().join("hsrc"), "api", "0.3.0");
    let mut c = helm_cmd(&helm, t.path());
    c.args(["package", src.to_str().unwrap(), "-d", t.path().to_str().unwrap()]);
    run_ok(c);
    let mut c = helm_cmd(&helm, t.path());
    c.args(["push", t.path().join("api-0.3.0.tgz").to_str().unwrap(), &remote, "--plain-http"]);
    run_ok(c);
    let pdir = t.path().join("pulled");
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/api"), "--plain-http", "--untar", "-d", pdir.to_str().unwrap()]);
    run_ok(c);
    let mut c = capstan(&home);
    c.args(["template", "rel", pdir.join("api").to_str().unwrap(), "--namespace", "ns1"]);
    let ours = s(&run_ok(c).stdout);
    let mut c = helm_cmd(&helm, t.path());
    c.args(["template", "rel", &format!("{remote}/api"), "--version", "0.3.0", "--plain-http", "--namespace", "ns1"]);
    assert_eq!(ours, s(&run_ok(c).stdout));
    // The library entry point resolves oci:// references.
    std::env::set_var("CAPSTAN_HOME", &home);
    let opts = capstan::repo::ChartPathOptions { plain_http: true, ..Default::default() };
    let p = capstan::repo::resolve_chart_ref(&format!("{remote}/api"), Some("0.3.0"), &opts).unwrap();
    assert_eq!(capstan::chart::load(&p).unwrap().metadata.name, "api");
}

#[test]
fn login_logout_and_auth_errors() {
    let reg = registry_or_skip!(Some(("alice", "s3cret")), "login_logout_and_auth_errors");
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let archive = packaged(&home, t.path(), "web", "1.0.0");
    let remote = format!("oci://{}/charts", reg.host);
    let mut c = capstan(&home);
    c.args(["push", archive.to_str().unwrap(), &remote, "--plain-http"]);
    let err = s(&run_err(c).stderr);
    assert!(err.contains("401") || err.to_lowercase().contains("unauthorized"), "{err}");

    let login = |pw: &str| {
        let mut c = capstan(&home);
        c.args(["registry", "login", &reg.host, "--username", "alice", "--password-stdin", "--plain-http"]);
        let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), format!("{pw}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let bad = login("wrong");
    assert!(!bad.status.success());
    assert!(s(&bad.stderr).contains(&format!("authenticating to \"{}\": 401", reg.host)), "{}", s(&bad.stderr));
    assert!(!home.join("registry/config.json").exists());
    let good = login("s3cret");
    assert!(good.status.success(), "{}", s(&good.stderr));
    assert_eq!(s(&good.stderr), "Login Succeeded\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.join("registry/config.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut c = capstan(&home);
    c.args(["push", archive.to_str().unwrap(), &remote, "--plain-http"]);
    run_ok(c);
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/web"), "--plain-http", "-d", t.path().to_str().unwrap()]);
    run_ok(c);

    if let Some(helm) = helm() {
        // helm, logged in on its own, pulls what capstan pushed.
        let mut c = helm_cmd(&helm, t.path());
        c.args(["registry", "login", &reg.host, "-u", "alice", "-p", "s3cret", "--plain-http"]);
        run_ok(c);
        let hd = t.path().join("hd");
        std::fs::create_dir_all(&hd).unwrap();
        let mut c = helm_cmd(&helm, t.path());
        c.args(["pull", &format!("{remote}/web"), "--version", "1.0.0", "--plain-http", "-d", hd.to_str().unwrap()]);
        run_ok(c);
        assert_eq!(std::fs::read(hd.join("web-1.0.0.tgz")).unwrap(), std::fs::read(&archive).unwrap());
    } else {
        skip("login_logout_and_auth_errors (helm part): no helm");
    }

    let mut c = capstan(&home);
    c.args(["registry", "logout", &reg.host]);
    assert_eq!(s(&run_ok(c).stderr), format!("Removing login credentials for {}\n", reg.host));
    let mut c = capstan(&home);
    c.args(["pull", &format!("{remote}/web"), "--version", "1.0.0", "--plain-http", "-d", t.path().to_str().unwrap()]);
    run_err(c);
    // Explicit credentials work without a login.
    let mut c = capstan(&home);
    c.args([
        "pull",
        &format!("{remote}/web"),
        "--version",
        "1.0.0",
        "--plain-http",
        "--username",
        "alice",
        "--password",
        "s3cret",
        "-d",
        t.path().join("x").to_str().unwrap(),
    ]);
    std::fs::create_dir_all(t.path().join("x")).unwrap();
    run_ok(c);
}

#[test]
fn oci_dependencies() {
    let reg = registry_or_skip!(None, "oci_dependencies");
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let remote = format!("oci://{}/deps", reg.host);
    for v in ["1.0.0", "1.4.0", "2.0.0"] {
        let a = packaged(&home, t.path(), "db", v);
        let mut c = capstan(&home);
        c.args(["push", a.to_str().unwrap(), &remote, "--plain-http"]);
        run_ok(c);
    }
    let app = t.path().join("app");
    write_files(
        &app,
        &[
            ("Chart.yaml", &format!("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: db\n  version: ^1.0.0\n  repository: {remote}\n")),
            ("templates/a.yaml", "kind: A\n"),
        ],
    );
    let mut c = capstan(&home);
    c.args(["dependency", "update", app.to_str().unwrap(), "--plain-http"]);
    run_ok(c);
    assert!(app.join("charts/db-1.4.0.tgz").is_file());
    let lock = std::fs::read_to_string(app.join("Chart.lock")).unwrap();
    assert!(
        lock.starts_with(&format!("dependencies:\n- name: db\n  repository: {remote}\n  version: 1.4.0\n")),
        "{lock}"
    );
    let mut c = capstan(&home);
    c.args(["dependency", "list", app.to_str().unwrap()]);
    assert!(s(&run_ok(c).stdout).lines().nth(1).unwrap().trim_end().ends_with("ok"));

    let Some(helm) = helm() else {
        return skip("oci_dependencies (helm part): no helm");
    };
    let digest = lock.lines().find_map(|l| l.strip_prefix("digest: ")).unwrap().to_string();
    std::fs::remove_dir_all(app.join("charts")).unwrap();
    std::fs::remove_file(app.join("Chart.lock")).unwrap();
    let mut c = helm_cmd(&helm, t.path());
    c.args(["dependency", "update", app.to_str().unwrap(), "--plain-http"]);
    run_ok(c);
    let helm_lock = std::fs::read_to_string(app.join("Chart.lock")).unwrap();
    assert!(helm_lock.contains(&format!("digest: {digest}\n")), "{helm_lock}");
    assert!(app.join("charts/db-1.4.0.tgz").is_file());
}
