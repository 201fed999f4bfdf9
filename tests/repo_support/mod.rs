//! Shared pieces of the repository tests: a real static HTTP server on
//! 127.0.0.1 (std only, one thread per connection) serving a directory,
//! with optional basic auth and a request log; capstan and helm runners;
//! chart fixtures.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
}

/// A static file server over a directory.
pub struct Server {
    pub addr: String,
    pub root: PathBuf,
    pub log: Arc<Mutex<Vec<Seen>>>,
    /// Paths answered with a fixed status instead of the file.
    pub statuses: Arc<Mutex<HashMap<String, u16>>>,
}

impl Server {
    /// Serve `root`; with `auth` every request needs those basic credentials.
    pub fn start(root: &Path, auth: Option<(&str, &str)>) -> Server {
        Server::start_with(root, auth, None)
    }

    /// Serve `root` over HTTPS with `tls`.
    pub fn start_tls(root: &Path, tls: &Tls) -> Server {
        Server::start_with(root, None, Some(tls.server.clone()))
    }

    fn start_with(root: &Path, auth: Option<(&str, &str)>, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let addr = format!("{scheme}://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let statuses = Arc::new(Mutex::new(HashMap::new()));
        let expected = auth.map(|(u, p)| format!("Basic {}", base64(&format!("{u}:{p}"))));
        let (root2, log2, st2) = (root.to_path_buf(), log.clone(), statuses.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, log, st, expected, tls) =
                    (root2.clone(), log2.clone(), st2.clone(), expected.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    Some(cfg) => {
                        let Ok(conn) = rustls::ServerConnection::new(cfg) else { return };
                        handle(rustls::StreamOwned::new(conn, stream), &root, &log, &st, expected.as_deref());
                    }
                    None => handle(stream, &root, &log, &st, expected.as_deref()),
                });
            }
        });
        Server { addr, root: root.to_path_buf(), log, statuses }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.addr, path.trim_start_matches('/'))
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    pub fn set_status(&self, path: &str, code: u16) {
        self.statuses.lock().unwrap().insert(path.to_string(), code);
    }
}

/// Read the request head byte by byte (works over TLS streams too).
fn read_head(stream: &mut impl Read) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn handle(
    mut stream: impl Read + Write,
    root: &Path,
    log: &Mutex<Vec<Seen>>,
    st: &Mutex<HashMap<String, u16>>,
    expected: Option<&str>,
) {
    let Some(head) = read_head(&mut stream) else { return };
    let mut lines = head.split("\r\n");
    let path = lines.next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or("/").to_string();
    let authorization = lines
        .filter_map(|h| h.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim().to_string());
    log.lock().unwrap().push(Seen { path: path.clone(), authorization: authorization.clone() });
    let clean = path.split('?').next().unwrap_or("").trim_start_matches('/').to_string();
    let mut reply = |code: u16, reason: &str, body: &[u8], extra: &str| {
        let head =
            format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n", body.len());
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
        let _ = stream.flush();
    };
    if let Some(code) = st.lock().unwrap().get(&format!("/{clean}")).copied() {
        let reason = match code {
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            500 => "Internal Server Error",
            _ => "Status",
        };
        return reply(code, reason, b"", "");
    }
    if let Some(want) = expected {
        if authorization.as_deref() != Some(want) {
            return reply(401, "Unauthorized", b"unauthorized\n", "WWW-Authenticate: Basic realm=\"test\"\r\n");
        }
    }
    let file = root.join(&clean);
    if clean.contains("..") || !file.is_file() {
        return reply(404, "Not Found", b"404 page not found\n", "");
    }
    let mut data = Vec::new();
    std::fs::File::open(&file).unwrap().read_to_end(&mut data).unwrap();
    reply(200, "OK", &data, "Content-Type: application/octet-stream\r\n");
}

/// Test TLS material: a CA, a server certificate for 127.0.0.1 it signed,
/// a client certificate it signed, and the server's rustls config.
pub struct Tls {
    pub ca_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

impl Tls {
    /// With `require_client_cert`, the server wants a client certificate
    /// signed by the CA (mutual TLS).
    pub fn new(require_client_cert: bool) -> Tls {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "capstan test CA");
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let leaf = |names: Vec<String>| {
            let key = rcgen::KeyPair::generate().unwrap();
            let cert = rcgen::CertificateParams::new(names).unwrap().signed_by(&key, &issuer).unwrap();
            (cert, key)
        };
        let (server_cert, server_key) = leaf(vec!["127.0.0.1".into(), "localhost".into()]);
        let (client_cert, client_key) = leaf(vec!["client".into()]);
        let certs = vec![server_cert.der().clone(), ca_cert.der().clone()];
        let key = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der()).unwrap();
        let builder = rustls::ServerConfig::builder();
        let config = if require_client_cert {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca_cert.der().clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots)).build().unwrap();
            builder.with_client_cert_verifier(verifier).with_single_cert(certs, key).unwrap()
        } else {
            builder.with_no_client_auth().with_single_cert(certs, key).unwrap()
        };
        Tls {
            ca_pem: ca_cert.pem(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
            server: Arc::new(config),
        }
    }
}

pub fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n =
            (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A capstan process with its own home.
pub fn capstan(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_capstan"));
    c.env("CAPSTAN_HOME", home).env_remove("SOURCE_DATE_EPOCH").env("HOME", home);
    c
}

/// Run and capture; panics with both streams on an unexpected exit status.
pub fn run_ok(mut c: Command) -> Output {
    let out = c.stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{:?} failed:\nstdout: {}\nstderr: {}", c, s(&out.stdout), s(&out.stderr));
    out
}

pub fn run_err(mut c: Command) -> Output {
    let out = c.stdin(Stdio::null()).output().unwrap();
    assert!(
        !out.status.success(),
        "{:?} unexpectedly succeeded:\nstdout: {}\nstderr: {}",
        c,
        s(&out.stdout),
        s(&out.stderr)
    );
    out
}

pub fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The real helm (shared/tools/install-peers.sh), or None: callers print
/// that they skip.
pub fn helm() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CAPSTAN_HELM") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let p = home.join(".cache/capstan-peers/bin/helm");
    p.is_file().then_some(p)
}

/// A helm process with its own config and cache under `home`.
pub fn helm_cmd(helm: &Path, home: &Path) -> Command {
    let mut c = Command::new(helm);
    c.env("HELM_CONFIG_HOME", home.join("helm-config"))
        .env("HELM_CACHE_HOME", home.join("helm-cache"))
        .env("HELM_DATA_HOME", home.join("helm-data"))
        .env("HOME", home);
    c
}

/// Say visibly that a test part is skipped.
pub fn skip(what: &str) {
    eprintln!("SKIPPED: {what}");
}

/// Write `files` (path, content) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (p, c) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// A small chart directory `dir/name` at `version`.
pub fn make_chart(dir: &Path, name: &str, version: &str) -> PathBuf {
    let root = dir.join(name);
    write_files(
        &root,
        &[
            ("Chart.yaml", &format!("apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"1.0\"\ndescription: The {name} chart\nkeywords: [{name}, demo]\n")),
            ("values.yaml", "replicas: 1\n# a comment helm keeps\n"),
            ("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n"),
            (".helmignore", "*.bak\n"),
            ("notes.bak", "ignored"),
        ],
    );
    root
}

/// Package charts into `dir` with capstan and index them with `url`.
pub fn make_repo(home: &Path, dir: &Path, charts: &[(&str, &str)], url: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let src = dir.join("src");
    for (name, version) in charts {
        let c = make_chart(&src, name, version);
        let mut cmd = capstan(home);
        cmd.args(["package", c.to_str().unwrap(), "-d", dir.to_str().unwrap()]);
        run_ok(cmd);
        std::fs::remove_dir_all(&c).unwrap();
    }
    let _ = std::fs::remove_dir_all(&src);
    let mut cmd = capstan(home);
    cmd.args(["repo", "index", dir.to_str().unwrap(), "--url", url]);
    run_ok(cmd);
}
