//! `capstan registry login|logout HOST`: store or forget OCI registry
//! credentials (Helm: pkg/cmd/registry_login.go, registry_logout.go).

use std::io::{BufRead, Read};
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Subcommand};

use crate::repo::oci::{self, RegistryOptions};
use crate::repo::Paths;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RegistryCommand {
    /// Login to a registry
    Login(LoginArgs),
    /// Logout from a registry
    Logout(LogoutArgs),
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The registry host (host[:port])
    pub host: String,
    /// Registry username
    #[arg(short = 'u', long)]
    pub username: Option<String>,
    /// Registry password or identity token
    #[arg(short = 'p', long)]
    pub password: Option<String>,
    /// Read password or identity token from stdin
    #[arg(long = "password-stdin")]
    pub password_stdin: bool,
    /// Allow connections to TLS registry without certs
    #[arg(long)]
    pub insecure: bool,
    /// Identify registry client using this SSL certificate file
    #[arg(long = "cert-file")]
    pub cert_file: Option<PathBuf>,
    /// Identify registry client using this SSL key file
    #[arg(long = "key-file")]
    pub key_file: Option<PathBuf>,
    /// Verify certificates of HTTPS-enabled servers using this CA bundle
    #[arg(long = "ca-file")]
    pub ca_file: Option<PathBuf>,
    /// Use insecure HTTP connections
    #[arg(long = "plain-http")]
    pub plain_http: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The registry host
    pub host: String,
}

pub fn run(cmd: RegistryCommand) -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    match cmd {
        RegistryCommand::Login(a) => {
            let (username, password) = username_password(a.username.clone(), a.password.clone(), a.password_stdin)?;
            let opts = RegistryOptions {
                plain_http: a.plain_http,
                insecure_skip_tls_verify: a.insecure,
                ca_file: a.ca_file.clone(),
                cert_file: a.cert_file.clone(),
                key_file: a.key_file.clone(),
                credentials_file: paths.registry_config.clone(),
                ..Default::default()
            };
            for w in oci::login(&a.host, &username, &password, &opts)? {
                eprintln!("{w}");
            }
            eprintln!("Login Succeeded");
        }
        RegistryCommand::Logout(a) => {
            let opts = RegistryOptions { credentials_file: paths.registry_config.clone(), ..Default::default() };
            oci::logout(&a.host, &opts)?;
            eprintln!("Removing login credentials for {}", a.host);
        }
    }
    Ok(())
}

/// Helm's getUsernamePassword: stdin, flags, or prompts.
fn username_password(
    username: Option<String>,
    password: Option<String>,
    from_stdin: bool,
) -> anyhow::Result<(String, String)> {
    let mut username = username.unwrap_or_default();
    if from_stdin {
        return Ok((username, read_password_stdin()?));
    }
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        eprintln!("level=WARN msg=\"using --password via the CLI is insecure. Use --password-stdin\"");
        return Ok((username, p));
    }
    if username.is_empty() {
        eprint!("Username: ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        username = line.trim().to_string();
    }
    let prompt = if username.is_empty() { "Token: " } else { "Password: " };
    let p = rpassword::prompt_password(prompt)?;
    if p.is_empty() {
        bail!(if username.is_empty() { "token required" } else { "password required" });
    }
    Ok((username, p))
}

/// All of stdin, one trailing newline (and carriage return) removed.
pub fn read_password_stdin() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let s = s.strip_suffix('\n').unwrap_or(&s);
    let s = s.strip_suffix('\r').unwrap_or(s);
    Ok(s.to_string())
}
