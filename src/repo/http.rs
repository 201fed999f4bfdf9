//! HTTP(S) downloads with Helm's getter rules (pkg/getter/httpgetter.go):
//! basic-auth credentials go only to the repository's own scheme and
//! host:port unless `pass_credentials_all`, TLS is verified unless told
//! otherwise, `--ca-file` replaces the system roots, `--cert-file` and
//! `--key-file` identify the client. reqwest on rustls (ring).

use std::path::PathBuf;
use std::time::Duration;

use super::error::{RepoError, Result};
use super::runtime::block_on;
use super::urlutil;

/// Helm's `getter.DefaultHTTPTimeout` (seconds).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The most a single download may hold (index files of the biggest public
/// repositories are tens of MB; chart archives far less).
pub const MAX_DOWNLOAD: u64 = 1 << 30;

/// How to fetch from one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpOptions {
    /// The repository URL the credentials belong to (Helm's `WithURL`).
    pub url: String,
    pub username: String,
    pub password: String,
    /// Send the credentials to any host (`--pass-credentials`).
    pub pass_credentials_all: bool,
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub timeout: Option<Duration>,
    /// An `Accept` header.
    pub accept: Option<String>,
}

impl HttpOptions {
    /// Whether a request to `href` may carry the credentials.
    pub fn sends_credentials_to(&self, href: &str) -> bool {
        if self.username.is_empty() || self.password.is_empty() {
            return false;
        }
        self.pass_credentials_all
            || (urlutil::origin(&self.url).is_some() && urlutil::origin(&self.url) == urlutil::origin(href))
    }
}

/// GET `href`; anything but 200 is an error carrying the status.
pub fn get(href: &str, opts: &HttpOptions) -> Result<Vec<u8>> {
    let href = href.to_string();
    let opts = opts.clone();
    block_on(async move { get_async(&href, &opts).await })
}

/// The async form of [`get`].
pub async fn get_async(href: &str, opts: &HttpOptions) -> Result<Vec<u8>> {
    let client = client(opts)?;
    let mut req = client.get(href).header(reqwest::header::USER_AGENT, user_agent());
    if let Some(a) = &opts.accept {
        req = req.header(reqwest::header::ACCEPT, a);
    }
    if opts.sends_credentials_to(href) {
        req = req.basic_auth(&opts.username, Some(&opts.password));
    }
    let mut resp = req.send().await.map_err(|e| network_error("Get", href, &e))?;
    if resp.status() != reqwest::StatusCode::OK {
        let s = resp.status();
        return Err(RepoError::HttpStatus {
            url: href.to_string(),
            status: format!("{} {}", s.as_u16(), s.canonical_reason().unwrap_or("")).trim_end().to_string(),
            code: s.as_u16(),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| network_error("Get", href, &e))? {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > MAX_DOWNLOAD {
            return Err(RepoError::msg(format!("{href}: the response is larger than {MAX_DOWNLOAD} bytes")));
        }
    }
    Ok(body)
}

/// `capstan/<version>`.
pub fn user_agent() -> String {
    format!("capstan/{}", env!("CARGO_PKG_VERSION"))
}

/// A client with the TLS settings of `opts`.
pub fn client(opts: &HttpOptions) -> Result<reqwest::Client> {
    super::runtime::install_crypto_provider();
    let mut b = reqwest::Client::builder().timeout(opts.timeout.unwrap_or(DEFAULT_TIMEOUT));
    b = apply_tls(
        b,
        opts.ca_file.as_deref(),
        opts.cert_file.as_deref(),
        opts.key_file.as_deref(),
        opts.insecure_skip_tls_verify,
    )?;
    b.build().map_err(|e| RepoError::msg(format!("can't create TLS config for client: {}", error_chain(&e))))
}

/// Helm's tlsutil.NewTLSConfig on a reqwest builder.
pub fn apply_tls(
    mut b: reqwest::ClientBuilder,
    ca_file: Option<&std::path::Path>,
    cert_file: Option<&std::path::Path>,
    key_file: Option<&std::path::Path>,
    insecure: bool,
) -> Result<reqwest::ClientBuilder> {
    let tls_err = |m: String| RepoError::msg(format!("can't create TLS config for client: {m}"));
    if let Some(ca) = ca_file {
        let pem = std::fs::read(ca).map_err(|e| tls_err(format!("failed to read CA file {}: {e}", ca.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| tls_err(format!("failed to parse CA file {}: {e}", ca.display())))?;
        if certs.is_empty() {
            return Err(tls_err(format!("failed to append certificates from file: {}", ca.display())));
        }
        b = b.tls_certs_only(certs);
    }
    match (cert_file, key_file) {
        (Some(c), Some(k)) => {
            let mut pem = std::fs::read(c).map_err(|e| tls_err(format!("unable to read {}: {e}", c.display())))?;
            pem.push(b'\n');
            pem.extend(std::fs::read(k).map_err(|e| tls_err(format!("unable to read {}: {e}", k.display())))?);
            let id = reqwest::Identity::from_pem(&pem)
                .map_err(|e| tls_err(format!("unable to load cert from key pair: {e}")))?;
            b = b.identity(id);
        }
        (None, None) => {}
        _ => return Err(tls_err("both --cert-file and --key-file are needed for a client certificate".into())),
    }
    if insecure {
        b = b.tls_danger_accept_invalid_certs(true);
    }
    Ok(b)
}

/// A connection failure in Go's shape: `Get "URL": <cause>`.
pub fn network_error(method: &str, href: &str, e: &reqwest::Error) -> RepoError {
    if e.is_timeout() {
        return RepoError::Network(format!("{method} {}: timed out", crate::chart::gostr::quote(href)));
    }
    RepoError::Network(format!("{method} {}: {}", crate::chart::gostr::quote(href), root_cause(e)))
}

/// The innermost error message (what actually went wrong).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Every message in the chain, joined with `: `.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e;
    while let Some(next) = cur.source() {
        let s = next.to_string();
        if !parts.last().is_some_and(|l| l.contains(&s)) {
            parts.push(s);
        }
        cur = next;
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_stay_with_their_host() {
        let o = HttpOptions {
            url: "https://charts.example.com/stable".into(),
            username: "u".into(),
            password: "p".into(),
            ..Default::default()
        };
        assert!(o.sends_credentials_to("https://charts.example.com/stable/a-1.tgz"));
        assert!(!o.sends_credentials_to("https://cdn.example.com/a-1.tgz"));
        assert!(!o.sends_credentials_to("http://charts.example.com/a-1.tgz"));
        assert!(!o.sends_credentials_to("https://charts.example.com:8443/a-1.tgz"));
        let all = HttpOptions { pass_credentials_all: true, ..o.clone() };
        assert!(all.sends_credentials_to("https://cdn.example.com/a-1.tgz"));
        let no_password = HttpOptions { password: String::new(), ..o };
        assert!(!no_password.sends_credentials_to("https://charts.example.com/a.tgz"));
    }
}
