//! repositories.yaml (Helm: pkg/repo/v1/repo.go and chartrepo.go `Entry`):
//! the configured chart repositories and their credentials. Written with
//! mode 0600 (it may hold passwords) and atomically; changes take a lock
//! file so concurrent `repo add`s do not lose each other's entries.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::gotime;
use super::helmjson::{self, GoObject};
use super::http::HttpOptions;

/// repositories.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepoFile {
    pub api_version: String,
    pub generated: String,
    pub repositories: Vec<Entry>,
}

/// One configured repository (Helm's `repo.Entry`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub url: String,
    pub username: String,
    pub password: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: String,
    pub insecure_skip_tls_verify: bool,
    pub pass_credentials_all: bool,
}

impl Entry {
    /// The HTTP options downloads from this repository use.
    pub fn http_options(&self) -> HttpOptions {
        let path = |s: &str| (!s.is_empty()).then(|| PathBuf::from(s));
        HttpOptions {
            url: self.url.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            pass_credentials_all: self.pass_credentials_all,
            ca_file: path(&self.ca_file),
            cert_file: path(&self.cert_file),
            key_file: path(&self.key_file),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            ..Default::default()
        }
    }

    /// encoding/json.Marshal of the entry.
    pub fn to_json(&self) -> String {
        GoObject::new()
            .string("name", &self.name)
            .string("url", &self.url)
            .string("username", &self.username)
            .string("password", &self.password)
            .string("certFile", &self.cert_file)
            .string("keyFile", &self.key_file)
            .string("caFile", &self.ca_file)
            .raw("insecure_skip_tls_verify", bool_json(self.insecure_skip_tls_verify))
            .raw("pass_credentials_all", bool_json(self.pass_credentials_all))
            .finish()
    }
}

fn bool_json(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

impl RepoFile {
    /// Read a repositories file (Helm's `LoadFile`); a missing file is an
    /// error whose `source` is NotFound (see [`RepoFile::load_or_empty`]).
    pub fn load(path: &Path) -> Result<RepoFile> {
        let data = std::fs::read(path).map_err(|e| RepoError::io(path, e))?;
        RepoFile::parse(&data).map_err(|e| e.context(format!("parsing {}", path.display())))
    }

    /// The file, or an empty one when it does not exist yet (what Helm's
    /// `repo add` starts from: apiVersion "" and a zero generated time).
    pub fn load_or_empty(path: &Path) -> Result<RepoFile> {
        match std::fs::read(path) {
            Ok(data) => RepoFile::parse(&data).map_err(|e| e.context(format!("parsing {}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RepoFile::parse(b"")?),
            Err(e) => Err(RepoError::io(path, e)),
        }
    }

    /// sigs.k8s.io/yaml.Unmarshal into Helm's `repo.File`.
    pub fn parse(data: &[u8]) -> Result<RepoFile> {
        let text = std::str::from_utf8(data)
            .map_err(|_| RepoError::msg("error converting YAML to JSON: yaml: invalid leading UTF-8 octet"))?;
        let doc = if text.trim().is_empty() {
            Value::Null
        } else {
            crate::codec::yaml_read::from_str(text)
                .map_err(|e| RepoError::msg(format!("error converting YAML to JSON: {}", e.message)))?
        };
        let mut f = RepoFile { generated: gotime::GoTime::zero().rfc3339_nano(), ..Default::default() };
        let Value::Object(o) = doc else { return Ok(f) };
        let s = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        for (k, v) in &o {
            match k.as_str() {
                "apiVersion" => f.api_version = s(v),
                "generated" => f.generated = gotime::normalize(&s(v)),
                "repositories" => {
                    for item in v.as_array().into_iter().flatten() {
                        let Value::Object(e) = item else { continue };
                        let get = |key: &str| e.get(key).map(&s).unwrap_or_default();
                        let flag = |key: &str| e.get(key).and_then(Value::as_bool).unwrap_or(false);
                        f.repositories.push(Entry {
                            name: get("name"),
                            url: get("url"),
                            username: get("username"),
                            password: get("password"),
                            cert_file: get("certFile"),
                            key_file: get("keyFile"),
                            ca_file: get("caFile"),
                            insecure_skip_tls_verify: flag("insecure_skip_tls_verify"),
                            pass_credentials_all: flag("pass_credentials_all"),
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(f)
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.repositories.iter().find(|e| e.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Replace the entry with the same name, or append (Helm's `Update`).
    pub fn update(&mut self, e: Entry) {
        match self.repositories.iter_mut().find(|x| x.name == e.name) {
            Some(slot) => *slot = e,
            None => self.repositories.push(e),
        }
    }

    /// Remove by name; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.repositories.len();
        self.repositories.retain(|e| e.name != name);
        before != self.repositories.len()
    }

    /// The YAML Helm writes (sigs.k8s.io/yaml.Marshal of `repo.File`).
    pub fn to_yaml(&self) -> String {
        let items: Vec<String> = self.repositories.iter().map(Entry::to_json).collect();
        let json = GoObject::new()
            .string("apiVersion", &self.api_version)
            .string("generated", &gotime::normalize(&self.generated))
            .raw("repositories", &helmjson::raw_list(items.iter().map(String::as_str)))
            .finish();
        helmjson::yaml_of_json(&json)
    }

    /// Write with mode 0600 (Helm's `WriteFile(path, 0600)`), atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        fsutil::write_atomic(path, self.to_yaml().as_bytes(), 0o600)
    }
}

/// An exclusive lock on `<config>.lock` for a read-modify-write of the
/// repositories file (Helm uses gofrs/flock on the same name).
pub struct ConfigLock {
    _file: std::fs::File,
}

/// Take the lock next to `config` (`repositories.yaml` → `repositories.lock`).
pub fn lock_config(config: &Path) -> Result<ConfigLock> {
    let dir = config.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).at(dir)?;
    let lock_path = match config.extension() {
        Some(_) => config.with_extension("lock"),
        None => PathBuf::from(format!("{}.lock", config.display())),
    };
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).at(&lock_path)?;
    file.lock().at(&lock_path)?;
    Ok(ConfigLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_helms_format() {
        // A file as `helm repo add` writes it on a fresh machine.
        let helm = "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n  keyFile: \"\"\n  name: local\n  pass_credentials_all: false\n  password: \"\"\n  url: http://127.0.0.1:8879\n  username: \"\"\n";
        let f = RepoFile::parse(helm.as_bytes()).unwrap();
        assert_eq!(f.repositories[0].url, "http://127.0.0.1:8879");
        assert_eq!(f.to_yaml(), helm);
        let empty = RepoFile::parse(b"").unwrap();
        assert_eq!(empty.to_yaml(), "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories: []\n");
    }

    #[test]
    fn update_and_remove() {
        let mut f = RepoFile::default();
        f.update(Entry { name: "a".into(), url: "u1".into(), ..Default::default() });
        f.update(Entry { name: "b".into(), url: "u2".into(), ..Default::default() });
        f.update(Entry { name: "a".into(), url: "u3".into(), ..Default::default() });
        assert_eq!(f.repositories.len(), 2);
        assert_eq!(f.get("a").unwrap().url, "u3");
        assert!(f.remove("a"));
        assert!(!f.remove("a"));
        assert!(!f.has("a"));
    }
}
