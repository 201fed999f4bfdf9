//! How to reach the API server: kubeconfig files and contexts, in-cluster
//! service accounts, and Helm's global connection flags laid over them.
//!
//! Go: helm pkg/cli/environment.go (the flags and their `HELM_*`
//! variables) and client-go's clientcmd loading rules (`--kubeconfig`
//! alone, else every file of `KUBECONFIG` merged, else `~/.kube/config`,
//! else the in-cluster service account).

use std::path::{Path, PathBuf};

use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use super::KubeError;
use crate::cluster::in_cluster;

/// Helm's connection flags. Empty fields mean "as the kubeconfig says".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectOptions {
    /// `--kubeconfig`: this file only (no `KUBECONFIG` merging).
    pub kubeconfig: Option<PathBuf>,
    /// `--kube-context`.
    pub context: Option<String>,
    /// `--kube-apiserver`: the server URL, replacing the kubeconfig's.
    pub apiserver: Option<String>,
    /// `--kube-token`: a bearer token, replacing the kubeconfig's credentials.
    pub token: Option<String>,
    /// `--kube-as-user`.
    pub as_user: Option<String>,
    /// `--kube-as-group` (repeatable).
    pub as_groups: Vec<String>,
    /// `--kube-ca-file`: PEM certificates to trust instead of the kubeconfig's.
    pub ca_file: Option<PathBuf>,
    /// `--kube-insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--kube-tls-server-name`.
    pub tls_server_name: Option<String>,
    /// `--qps`: requests per second; 0 means no client-side limit.
    pub qps: f32,
    /// `--burst-limit`: requests allowed at once above `qps`.
    pub burst: u32,
}

/// The client configuration and a one-line description of where it came
/// from, for messages ("context kind-dev in /home/me/.kube/config").
pub struct Connection {
    pub config: Config,
    pub source: String,
}

/// Build the client configuration. `env` reads environment variables (a
/// parameter so tests need not touch the process environment).
pub fn connection(opts: &ConnectOptions, env: &dyn Fn(&str) -> Option<String>) -> Result<Connection, KubeError> {
    let kube_options = KubeConfigOptions {
        context: opts.context.clone(),
        cluster: None,
        user: None,
    };
    let (mut config, source) = match load_kubeconfig(opts, env)? {
        Some((kubeconfig, files)) => {
            let context = opts
                .context
                .clone()
                .or_else(|| kubeconfig.current_context.clone())
                .unwrap_or_default();
            // Async only because exec plugins may run: a throwaway runtime.
            let config = crate::repo::runtime::block_on(Config::from_custom_kubeconfig(kubeconfig, &kube_options))
                .map_err(|e| KubeError::Config(format!("kubeconfig {files}: {e}")))?;
            (config, format!("context {context:?} in {files}"))
        }
        None if in_cluster(env) => {
            let config =
                Config::incluster().map_err(|e| KubeError::Config(format!("in-cluster configuration: {e}")))?;
            (config, "the in-cluster service account".to_string())
        }
        None => match &opts.apiserver {
            Some(server) => {
                let uri = server
                    .parse()
                    .map_err(|e| KubeError::Config(format!("--kube-apiserver {server:?} is not a URL: {e}")))?;
                (Config::new(uri), format!("--kube-apiserver {server}"))
            }
            None => {
                return Err(KubeError::Config(
                    "no cluster configuration: no --kubeconfig, KUBECONFIG, ~/.kube/config or in-cluster \
                     service account (use --target local for the embedded local store)"
                        .into(),
                ))
            }
        },
    };
    apply_overrides(&mut config, opts)?;
    Ok(Connection { config, source })
}

/// The kubeconfig to use and the files it came from, or None when there
/// is no file at all (client-go's loading rules).
fn load_kubeconfig(
    opts: &ConnectOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Kubeconfig, String)>, KubeError> {
    let read = |path: &Path| {
        Kubeconfig::read_from(path)
            .map_err(|e| KubeError::Config(format!("reading kubeconfig {}: {e}", path.display())))
    };
    if let Some(path) = &opts.kubeconfig {
        if !path.is_file() {
            return Err(KubeError::Config(format!(
                "kubeconfig {} does not exist",
                path.display()
            )));
        }
        return Ok(Some((read(path)?, path.display().to_string())));
    }
    // clientcmd merges every file; the first to set a field wins.
    let mut merged: Option<Kubeconfig> = None;
    let mut names = Vec::new();
    for path in crate::cluster::kubeconfig_files(env) {
        let next = read(&path)?;
        names.push(path.display().to_string());
        merged = Some(match merged {
            None => next,
            Some(first) => first
                .merge(next)
                .map_err(|e| KubeError::Config(format!("merging kubeconfig {}: {e}", path.display())))?,
        });
    }
    Ok(merged.map(|config| (config, names.join(":"))))
}

/// The namespace of the context the connection would use (Go: helm's
/// EnvSettings.Namespace, from clientcmd), read without building a client:
/// the kubeconfig context's, else the in-cluster service account's.
pub fn context_namespace(opts: &ConnectOptions, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match load_kubeconfig(opts, env).ok()? {
        Some((kubeconfig, _)) => {
            let name = opts.context.as_ref().or(kubeconfig.current_context.as_ref())?;
            let context = kubeconfig.contexts.iter().find(|c| &c.name == name)?.context.as_ref()?;
            context.namespace.clone().filter(|ns| !ns.is_empty())
        }
        None if in_cluster(env) => Config::incluster().ok().map(|c| c.default_namespace),
        None => None,
    }
}

/// Helm's flags win over the kubeconfig (Go: genericclioptions.ConfigFlags).
fn apply_overrides(config: &mut Config, opts: &ConnectOptions) -> Result<(), KubeError> {
    if let Some(server) = &opts.apiserver {
        config.cluster_url = server
            .parse()
            .map_err(|e| KubeError::Config(format!("--kube-apiserver {server:?} is not a URL: {e}")))?;
    }
    if let Some(token) = &opts.token {
        // A bearer token replaces the other credentials of the kubeconfig user.
        config.auth_info.token = Some(token.clone().into());
        config.auth_info.token_file = None;
        config.auth_info.username = None;
        config.auth_info.password = None;
        config.auth_info.exec = None;
        config.auth_info.auth_provider = None;
    }
    if let Some(user) = &opts.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !opts.as_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(opts.as_groups.clone());
    }
    if let Some(path) = &opts.ca_file {
        config.root_cert = Some(read_ca_file(path)?);
    }
    if opts.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
    }
    if let Some(name) = &opts.tls_server_name {
        config.tls_server_name = Some(name.clone());
    }
    Ok(())
}

/// The DER certificates of a PEM file.
fn read_ca_file(path: &Path) -> Result<Vec<Vec<u8>>, KubeError> {
    let text = std::fs::read(path).map_err(|e| KubeError::Config(format!("--kube-ca-file {}: {e}", path.display())))?;
    let certs: Vec<Vec<u8>> = pem::parse_many(&text)
        .map_err(|e| KubeError::Config(format!("--kube-ca-file {}: {e}", path.display())))?
        .into_iter()
        .filter(|p| p.tag() == "CERTIFICATE")
        .map(|p| p.into_contents())
        .collect();
    if certs.is_empty() {
        return Err(KubeError::Config(format!(
            "--kube-ca-file {}: no PEM CERTIFICATE in the file",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster: {server: https://127.0.0.1:6443, insecure-skip-tls-verify: true}
- name: cb
  cluster: {server: https://10.0.0.2:6443}
users:
- name: ua
  user: {token: tok-a}
contexts:
- name: a
  context: {cluster: ca, user: ua, namespace: team-a}
- name: b
  context: {cluster: cb, user: ua}
";

    fn env_with<'a>(vars: &'a [(&'a str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn current_context_and_context_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        let vars = [("KUBECONFIG", path.display().to_string())];
        let c = connection(&ConnectOptions::default(), &env_with(&vars)).unwrap();
        assert_eq!(c.config.cluster_url.to_string(), "https://127.0.0.1:6443/");
        assert_eq!(c.config.default_namespace, "team-a");
        assert!(c.config.accept_invalid_certs);
        assert!(c.source.contains("\"a\""), "{}", c.source);
        let opts = ConnectOptions {
            context: Some("b".into()),
            ..Default::default()
        };
        let c = connection(&opts, &env_with(&vars)).unwrap();
        assert_eq!(c.config.cluster_url.to_string(), "https://10.0.0.2:6443/");
        assert_eq!(c.config.default_namespace, "default");
        // The same namespaces, read without building a client.
        assert_eq!(
            context_namespace(&ConnectOptions::default(), &env_with(&vars)).as_deref(),
            Some("team-a")
        );
        assert_eq!(context_namespace(&opts, &env_with(&vars)), None);
    }

    #[test]
    fn flags_override_the_kubeconfig() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        let opts = ConnectOptions {
            kubeconfig: Some(path),
            apiserver: Some("https://example.test:8443".into()),
            token: Some("tok-b".into()),
            as_user: Some("alice".into()),
            as_groups: vec!["devs".into(), "ops".into()],
            tls_server_name: Some("kubernetes".into()),
            ..Default::default()
        };
        let c = connection(&opts, &|_| None).unwrap();
        assert_eq!(c.config.cluster_url.to_string(), "https://example.test:8443/");
        use secrecy::ExposeSecret;
        assert_eq!(c.config.auth_info.token.as_ref().unwrap().expose_secret(), "tok-b");
        assert_eq!(c.config.auth_info.impersonate.as_deref(), Some("alice"));
        assert_eq!(
            c.config.auth_info.impersonate_groups,
            Some(vec!["devs".to_string(), "ops".to_string()])
        );
        assert_eq!(c.config.tls_server_name.as_deref(), Some("kubernetes"));
    }

    #[test]
    fn kubeconfig_list_merges_first_wins() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first");
        let second = dir.path().join("second");
        std::fs::write(&first, KUBECONFIG.replace("current-context: a", "current-context: b")).unwrap();
        std::fs::write(&second, KUBECONFIG).unwrap();
        let list = std::env::join_paths([&dir.path().join("missing"), &first, &second]).unwrap();
        let vars = [("KUBECONFIG", list.to_string_lossy().into_owned())];
        let c = connection(&ConnectOptions::default(), &env_with(&vars)).unwrap();
        assert_eq!(c.config.cluster_url.to_string(), "https://10.0.0.2:6443/");
    }

    #[test]
    fn clear_errors() {
        let none = connection(&ConnectOptions::default(), &|_| None)
            .err()
            .unwrap()
            .to_string();
        assert!(none.contains("no cluster configuration"), "{none}");
        let opts = ConnectOptions {
            kubeconfig: Some("/nonexistent/kubeconfig".into()),
            ..Default::default()
        };
        let missing = connection(&opts, &|_| None).err().unwrap().to_string();
        assert!(missing.contains("/nonexistent/kubeconfig does not exist"), "{missing}");
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "not a certificate").unwrap();
        let opts = ConnectOptions {
            apiserver: Some("https://127.0.0.1:1".into()),
            ca_file: Some(ca),
            ..Default::default()
        };
        let bad_ca = connection(&opts, &|_| None).err().unwrap().to_string();
        assert!(bad_ca.contains("--kube-ca-file"), "{bad_ca}");
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        let opts = ConnectOptions {
            kubeconfig: Some(path),
            context: Some("nope".into()),
            ..Default::default()
        };
        let no_context = connection(&opts, &|_| None).err().unwrap().to_string();
        assert!(no_context.contains("nope"), "{no_context}");
    }
}
