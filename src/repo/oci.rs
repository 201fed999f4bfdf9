//! Charts in OCI registries, as Helm stores them (pkg/registry): a manifest
//! whose config blob is the chart's metadata as JSON
//! (`application/vnd.cncf.helm.config.v1+json`) and whose layer is the
//! chart archive (`application/vnd.cncf.helm.chart.content.v1.tar+gzip`),
//! plus an optional provenance layer, with Helm's OCI annotations. Pushes
//! write the manifest byte-for-byte as Helm's `Push` does, so `helm pull`
//! reads what capstan pushes and the digests agree. The transport is the
//! `oci-client` crate (rustls on ring); logins are stored in a Docker-style
//! `config.json` (mode 0600), as Helm's registry client does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::Value;

use super::error::{IoContext, RepoError, Result};
use super::fsutil;
use super::gotime::GoTime;
use super::helmjson::{self, GoObject};
use super::runtime::block_on;
use crate::chart::version::{Constraints, Version};
use crate::chart::{self, Metadata};

/// Helm's `ConfigMediaType`.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Helm's `ChartLayerMediaType`.
pub const CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Helm's `ProvLayerMediaType`.
pub const PROV_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// Helm's `LegacyChartLayerMediaType` (read, with a warning; never written).
pub const LEGACY_CHART_LAYER_MEDIA_TYPE: &str = "application/tar+gzip";
/// The OCI image manifest media type.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The `oci://` scheme prefix.
pub const OCI_PREFIX: &str = "oci://";

/// Whether a reference is an OCI one (Helm's `registry.IsOCI`).
pub fn is_oci(reference: &str) -> bool {
    reference.starts_with(OCI_PREFIX)
}

/// How to reach a registry.
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// Credentials given on the command line (else the stored login).
    pub username: Option<String>,
    pub password: Option<String>,
    /// `--plain-http`: talk HTTP, not HTTPS.
    pub plain_http: bool,
    /// `--insecure-skip-tls-verify` / `--insecure`.
    pub insecure_skip_tls_verify: bool,
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// The credentials store (`registry/config.json`).
    pub credentials_file: PathBuf,
}

/// A parsed `oci://registry/repository[:tag][@digest]` (Helm's
/// `newReference`: a `+` in the tag becomes `_`, OCI tags cannot hold `+`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciRef {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl OciRef {
    pub fn parse(raw: &str) -> Result<OciRef> {
        let bad = |why: &str| RepoError::msg(format!("invalid reference: {why}: {raw}"));
        let mut rest = raw.strip_prefix(OCI_PREFIX).unwrap_or(raw);
        let mut digest = None;
        if let Some(i) = rest.rfind('@') {
            digest = Some(rest[i + 1..].to_string());
            rest = &rest[..i];
        }
        let (registry, mut path) = rest.split_once('/').ok_or_else(|| bad("missing repository"))?;
        let mut tag = None;
        if let Some(i) = path.rfind(':') {
            if !path[i + 1..].contains('/') {
                let t = path[i + 1..].replace('+', "_");
                if !t.is_empty() {
                    tag = Some(t);
                }
                path = &path[..i];
            }
        }
        if registry.is_empty() || registry.contains(|c: char| c.is_whitespace()) {
            return Err(bad("invalid registry"));
        }
        let valid_repo = !path.is_empty()
            && path.split('/').all(|seg| {
                !seg.is_empty()
                    && seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
                    && seg.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                    && seg.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
            });
        if !valid_repo {
            return Err(bad("invalid repository"));
        }
        if let Some(t) = &tag {
            let ok = t.len() <= 128
                && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !ok {
                return Err(bad("invalid tag"));
            }
        }
        if let Some(d) = &digest {
            let ok =
                d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()));
            if !ok {
                return Err(bad("invalid digest"));
            }
        }
        Ok(OciRef { registry: registry.to_string(), repository: path.to_string(), tag, digest })
    }

    /// `registry/repository:tag` (or `@digest`), as Helm prints it.
    pub fn display(&self) -> String {
        let base = format!("{}/{}", self.registry, self.repository);
        match (&self.tag, &self.digest) {
            (Some(t), _) => format!("{base}:{t}"),
            (None, Some(d)) => format!("{base}@{d}"),
            (None, None) => base,
        }
    }

    fn client_ref(&self) -> Reference {
        match (&self.tag, &self.digest) {
            (Some(t), Some(d)) => {
                Reference::with_tag_and_digest(self.registry.clone(), self.repository.clone(), t.clone(), d.clone())
            }
            (None, Some(d)) => Reference::with_digest(self.registry.clone(), self.repository.clone(), d.clone()),
            (Some(t), None) => Reference::with_tag(self.registry.clone(), self.repository.clone(), t.clone()),
            (None, None) => Reference::with_tag(self.registry.clone(), self.repository.clone(), "latest".into()),
        }
    }
}

/// An OCI descriptor (mediaType, digest, size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
}

impl Descriptor {
    pub fn of(media_type: &str, data: &[u8]) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest: format!("sha256:{}", fsutil::sha256_hex(data)),
            size: data.len() as u64,
        }
    }

    fn to_json(&self) -> String {
        GoObject::new()
            .string("mediaType", &self.media_type)
            .string("digest", &self.digest)
            .raw("size", &self.size.to_string())
            .finish()
    }
}

/// Everything a push uploads, built offline.
#[derive(Debug, Clone)]
pub struct ChartArtifact {
    pub metadata: Metadata,
    pub config: Vec<u8>,
    pub config_descriptor: Descriptor,
    /// (descriptor, data) in manifest order (sorted by digest, as Helm).
    pub layers: Vec<(Descriptor, Vec<u8>)>,
    pub manifest: Vec<u8>,
}

impl ChartArtifact {
    pub fn manifest_digest(&self) -> String {
        format!("sha256:{}", fsutil::sha256_hex(&self.manifest))
    }

    pub fn chart_descriptor(&self) -> &Descriptor {
        &self.layers.iter().find(|(d, _)| d.media_type == CHART_LAYER_MEDIA_TYPE).expect("a chart layer").0
    }
}

/// Build what Helm's `Client.Push` uploads for a chart archive: config
/// blob (`json.Marshal(metadata)`), chart and provenance layers, and the
/// manifest with Helm's annotations. `created` is the archive's time in
/// RFC 3339 (Helm uses the file's modification time).
pub fn build_artifact(chart_data: &[u8], prov: Option<&[u8]>, created: &str) -> Result<ChartArtifact> {
    let chart = chart::loader::load_archive(chart_data, &Default::default(), &mut Vec::new())?;
    let metadata = chart.metadata;
    let config = helmjson::metadata_json(&metadata, true).into_bytes();
    let config_descriptor = Descriptor::of(CONFIG_MEDIA_TYPE, &config);
    let mut layers = vec![(Descriptor::of(CHART_LAYER_MEDIA_TYPE, chart_data), chart_data.to_vec())];
    if let Some(p) = prov {
        layers.push((Descriptor::of(PROV_LAYER_MEDIA_TYPE, p), p.to_vec()));
    }
    layers.sort_by(|a, b| a.0.digest.cmp(&b.0.digest));
    let annotations = oci_annotations(&metadata, created);
    let ann_map: serde_json::Map<String, Value> = annotations.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let layer_json: Vec<String> = layers.iter().map(|(d, _)| d.to_json()).collect();
    // ocispec.Manifest: schemaVersion, (mediaType, artifactType unset),
    // config, layers, (subject unset), annotations.
    let manifest = GoObject::new()
        .raw("schemaVersion", "2")
        .raw("config", &config_descriptor.to_json())
        .raw("layers", &helmjson::raw_list(layer_json.iter().map(String::as_str)))
        .raw("annotations", &crate::codec::json::to_json(&Value::Object(ann_map)))
        .finish()
        .into_bytes();
    Ok(ChartArtifact { metadata, config, config_descriptor, layers, manifest })
}

/// Helm's generateOCIAnnotations: description, title, version, url,
/// created, source, authors (those not blank), then the chart's own
/// annotations except title and version.
pub fn oci_annotations(md: &Metadata, created: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    let mut add = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            a.insert(k.to_string(), v.to_string());
        }
    };
    add("org.opencontainers.image.description", &md.description);
    add("org.opencontainers.image.title", &md.name);
    add("org.opencontainers.image.version", &md.version);
    add("org.opencontainers.image.url", &md.home);
    let now;
    let created = if created.is_empty() {
        now = GoTime::now_utc().rfc3339();
        &now
    } else {
        created
    };
    add("org.opencontainers.image.created", created);
    if let Some(s) = md.sources.first() {
        add("org.opencontainers.image.source", s);
    }
    if !md.maintainers.is_empty() {
        let authors: Vec<String> = md
            .maintainers
            .iter()
            .map(|m| {
                let mut s = m.name.clone();
                if !m.email.is_empty() {
                    s.push_str(&format!(" ({})", m.email));
                }
                s
            })
            .collect();
        add("org.opencontainers.image.authors", &authors.join(", "));
    }
    for (k, v) in &md.annotations {
        if k == "org.opencontainers.image.version" || k == "org.opencontainers.image.title" {
            continue;
        }
        a.insert(k.clone(), v.clone());
    }
    a
}

/// What a push did.
#[derive(Debug, Clone)]
pub struct PushResult {
    /// `registry/repository/name:tag`.
    pub reference: String,
    pub manifest_digest: String,
}

/// `push ARCHIVE oci://REGISTRY/PATH`: upload the chart as
/// `REGISTRY/PATH/<name>:<version>` (Helm's OCIPusher), with `ARCHIVE.prov`
/// as the provenance layer when present.
pub fn push(archive: &Path, remote: &str, opts: &RegistryOptions) -> Result<PushResult> {
    if !is_oci(remote) {
        return Err(RepoError::msg(format!("scheme prefix missing from remote (e.g. \"{OCI_PREFIX}\"): {remote}")));
    }
    let meta = std::fs::metadata(archive).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RepoError::msg(format!("{}: no such file", archive.display())),
        _ => RepoError::io(archive, e),
    })?;
    if meta.is_dir() {
        return Err(RepoError::msg("cannot push directory, must provide chart archive (.tgz)"));
    }
    let data = std::fs::read(archive).at(archive)?;
    let prov_path = PathBuf::from(format!("{}.prov", archive.display()));
    let prov = std::fs::read(&prov_path).ok();
    let created = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| GoTime::from_unix_local(d.as_secs() as i64, d.subsec_nanos()).rfc3339())
        .unwrap_or_default();
    let artifact = build_artifact(&data, prov.as_deref(), &created)?;
    let base = remote.trim_start_matches(OCI_PREFIX).trim_end_matches('/');
    let target = OciRef::parse(&format!("{base}/{}:{}", artifact.metadata.name, artifact.metadata.version))?;
    push_artifact(&artifact, &target, opts)?;
    Ok(PushResult { reference: target.display(), manifest_digest: artifact.manifest_digest() })
}

/// Upload a built artifact to `target` (blobs first, then the manifest).
pub fn push_artifact(artifact: &ChartArtifact, target: &OciRef, opts: &RegistryOptions) -> Result<()> {
    let client = client(opts)?;
    let auth = auth_for(&target.registry, opts);
    let reference = target.client_ref();
    let what = target.display();
    block_on(async {
        client
            .auth(&reference, &auth, oci_client::RegistryOperation::Push)
            .await
            .map_err(|e| oci_error("push", &what, e))?;
        for (d, data) in &artifact.layers {
            client.push_blob(&reference, data.clone(), &d.digest).await.map_err(|e| oci_error("push", &what, e))?;
        }
        client
            .push_blob(&reference, artifact.config.clone(), &artifact.config_descriptor.digest)
            .await
            .map_err(|e| oci_error("push", &what, e))?;
        let content_type = reqwest::header::HeaderValue::from_static(MANIFEST_MEDIA_TYPE);
        client
            .push_manifest_raw(&reference, artifact.manifest.clone(), content_type)
            .await
            .map_err(|e| oci_error("push", &what, e))?;
        Ok(())
    })
}

/// A chart pulled from a registry.
#[derive(Debug, Clone)]
pub struct PulledChart {
    /// `registry/repository:tag` (or `@digest`).
    pub reference: String,
    pub manifest_digest: String,
    pub metadata: Metadata,
    /// The chart archive.
    pub data: Vec<u8>,
    /// sha256 of the archive (the chart layer's digest).
    pub chart_digest: String,
    /// The warning Helm prints for a legacy layer media type.
    pub warnings: Vec<String>,
}

/// Pull `oci://...` at `version` (Helm's ValidateReference + Pull): an
/// explicit version is the tag, a constraint (or none) picks the newest
/// matching semver tag, a digest pins the manifest.
pub fn pull(reference: &str, version: &str, opts: &RegistryOptions) -> Result<PulledChart> {
    let target = resolve(reference, version, opts)?;
    pull_exact(&target, opts)
}

/// The exact reference `reference` at `version` names (see [`pull`]).
pub fn resolve(reference: &str, version: &str, opts: &RegistryOptions) -> Result<OciRef> {
    let mut r = OciRef::parse(reference)?;
    let mut version = version.to_string();
    match (&r.tag, version.is_empty()) {
        (Some(t), true) => version = t.replace('_', "+"),
        (Some(t), false) if t != &version.replace('+', "_") => {
            return Err(RepoError::msg(format!("chart reference and version mismatch: {version} is not {t}")));
        }
        _ => {}
    }
    if r.digest.is_some() {
        return Ok(r);
    }
    let tag = if Version::parse(&version).is_ok() {
        version
    } else {
        let tags = tags(&r, opts)?;
        if tags.is_empty() {
            return Err(RepoError::msg(format!("unable to locate any tags in provided repository: {reference}")));
        }
        tag_matching(&tags, &version)?
    };
    r.tag = Some(tag.replace('+', "_"));
    Ok(r)
}

/// Helm's GetTagMatchingVersionOrConstraint over tags sorted newest first.
pub fn tag_matching(tags: &[String], version: &str) -> Result<String> {
    if !version.is_empty() {
        if let Some(t) = tags.iter().find(|t| *t == version) {
            return Ok(t.clone());
        }
    }
    let c = Constraints::parse(if version.is_empty() { "*" } else { version })
        .map_err(|e| RepoError::msg(e.to_string()))?;
    for t in tags {
        if let Ok(v) = Version::parse(t) {
            if c.check(&v) {
                return Ok(t.clone());
            }
        }
    }
    Err(RepoError::msg(format!("could not locate a version matching provided version string {version}")))
}

/// The repository's semver tags, newest first, `_` read back as `+`
/// (Helm's `Client.Tags`: strict semver only).
pub fn tags(repo: &OciRef, opts: &RegistryOptions) -> Result<Vec<String>> {
    let client = client(opts)?;
    let auth = auth_for(&repo.registry, opts);
    let reference = Reference::with_tag(repo.registry.clone(), repo.repository.clone(), "latest".into());
    let what = format!("{}/{}", repo.registry, repo.repository);
    let resp = block_on(async { client.list_tags(&reference, &auth, None, None).await })
        .map_err(|e| oci_error("list tags of", &what, e))?;
    let mut versions: Vec<(Version, String)> = resp
        .tags
        .iter()
        .map(|t| t.replace('_', "+"))
        .filter(|t| is_strict_semver(t))
        .filter_map(|t| Version::parse(&t).ok().map(|v| (v, t)))
        .collect();
    versions.sort_by(|a, b| b.0.compare(&a.0));
    Ok(versions.into_iter().map(|(v, _)| v.to_string()).collect())
}

/// Masterminds StrictNewVersion: `MAJOR.MINOR.PATCH[-pre][+meta]`, no `v`.
pub fn is_strict_semver(t: &str) -> bool {
    let core = t.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && Version::parse(t).is_ok()
}

/// Pull exactly `target` (tag or digest).
pub fn pull_exact(target: &OciRef, opts: &RegistryOptions) -> Result<PulledChart> {
    let client = client(opts)?;
    let auth = auth_for(&target.registry, opts);
    let reference = target.client_ref();
    let what = target.display();
    let (manifest_digest, config, chart_desc, data, warnings) = block_on(async {
        let (raw, digest) = client
            .pull_manifest_raw(&reference, &auth, &[MANIFEST_MEDIA_TYPE, "application/vnd.oci.image.index.v1+json"])
            .await
            .map_err(|e| oci_error("pull", &what, e))?;
        let manifest: Value = serde_json::from_slice(&raw)
            .map_err(|e| RepoError::msg(format!("pull {what}: the manifest is not JSON: {e}")))?;
        let descs = manifest_descriptors(&manifest)?;
        let config = descs
            .iter()
            .find(|d| d.media_type == CONFIG_MEDIA_TYPE)
            .cloned()
            .ok_or_else(|| RepoError::msg(format!("could not load config with mediatype {CONFIG_MEDIA_TYPE}")))?;
        let mut warnings = Vec::new();
        let chart = descs
            .iter()
            .find(|d| d.media_type == CHART_LAYER_MEDIA_TYPE)
            .or_else(|| {
                let legacy = descs.iter().find(|d| d.media_type == LEGACY_CHART_LAYER_MEDIA_TYPE);
                if legacy.is_some() {
                    warnings.push(format!("Warning: chart media type {LEGACY_CHART_LAYER_MEDIA_TYPE} is deprecated"));
                }
                legacy
            })
            .cloned()
            .ok_or_else(|| {
                RepoError::msg(format!("manifest does not contain a layer with mediatype {CHART_LAYER_MEDIA_TYPE}"))
            })?;
        let config_data = pull_blob(&client, &reference, &config, &what).await?;
        let chart_data = pull_blob(&client, &reference, &chart, &what).await?;
        Ok::<_, RepoError>((digest, config_data, chart, chart_data, warnings))
    })?;
    let doc: Value =
        serde_json::from_slice(&config).map_err(|e| RepoError::msg(format!("pull {what}: bad chart config: {e}")))?;
    let mut metadata = Metadata::default();
    chart::metadata::decode_metadata(&doc, &mut metadata, &mut Default::default()).map_err(RepoError::msg)?;
    Ok(PulledChart {
        reference: what,
        manifest_digest,
        metadata,
        chart_digest: chart_desc.digest.clone(),
        data,
        warnings,
    })
}

async fn pull_blob(client: &Client, reference: &Reference, d: &Descriptor, what: &str) -> Result<Vec<u8>> {
    let desc = oci_client::manifest::OciDescriptor {
        media_type: d.media_type.clone(),
        digest: d.digest.clone(),
        size: d.size as i64,
        ..Default::default()
    };
    let mut out = Vec::new();
    client.pull_blob(reference, &desc, &mut out).await.map_err(|e| oci_error("pull", what, e))?;
    // oci-client checks the digest; check again, it is cheap and it is ours.
    let actual = format!("sha256:{}", fsutil::sha256_hex(&out));
    if actual != d.digest {
        return Err(RepoError::Digest { what: format!("{what} layer"), expected: d.digest.clone(), actual });
    }
    Ok(out)
}

fn manifest_descriptors(m: &Value) -> Result<Vec<Descriptor>> {
    let desc = |v: &Value| -> Option<Descriptor> {
        Some(Descriptor {
            media_type: v.get("mediaType")?.as_str()?.to_string(),
            digest: v.get("digest")?.as_str()?.to_string(),
            size: v.get("size")?.as_u64()?,
        })
    };
    let mut out = Vec::new();
    if let Some(c) = m.get("config").and_then(desc) {
        out.push(c);
    }
    for l in m.get("layers").and_then(Value::as_array).into_iter().flatten() {
        if let Some(d) = desc(l) {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(RepoError::msg(
            "manifest does not contain minimum number of descriptors (2), descriptors found: 0",
        ));
    }
    Ok(out)
}

fn client(opts: &RegistryOptions) -> Result<Client> {
    super::runtime::install_crypto_provider();
    if opts.cert_file.is_some() || opts.key_file.is_some() {
        return Err(RepoError::msg(
            "client certificates (--cert-file/--key-file) are not supported for OCI registries yet",
        ));
    }
    let mut config = ClientConfig {
        protocol: if opts.plain_http { ClientProtocol::Http } else { ClientProtocol::Https },
        accept_invalid_certificates: opts.insecure_skip_tls_verify,
        ..Default::default()
    };
    if let Some(ca) = &opts.ca_file {
        let pem = std::fs::read(ca).at(ca)?;
        config.tls_certs_only =
            vec![oci_client::client::Certificate { encoding: oci_client::client::CertificateEncoding::Pem, data: pem }];
    }
    Ok(Client::new(config))
}

/// Explicit credentials, else the stored login for the registry, else none.
fn auth_for(registry: &str, opts: &RegistryOptions) -> RegistryAuth {
    match (&opts.username, &opts.password) {
        (Some(u), Some(p)) if !u.is_empty() || !p.is_empty() => return RegistryAuth::Basic(u.clone(), p.clone()),
        _ => {}
    }
    match stored_credentials(&opts.credentials_file, registry) {
        Some((u, p)) => RegistryAuth::Basic(u, p),
        None => RegistryAuth::Anonymous,
    }
}

/// A registry failure as a sentence: what was done, to what, and why.
fn oci_error(op: &str, what: &str, e: oci_client::errors::OciDistributionError) -> RepoError {
    use oci_client::errors::OciDistributionError as E;
    match e {
        E::UnauthorizedError { .. } => RepoError::msg(format!(
            "{op} {what}: 401 Unauthorized (log in with 'capstan registry login' or pass --username/--password)"
        )),
        E::AuthenticationFailure(m) => RepoError::msg(format!("{op} {what}: authentication failed: {m}")),
        E::ImageManifestNotFoundError(_) => RepoError::msg(format!("{op} {what}: not found")),
        E::ServerError { code, message, .. } => {
            let hint = match code {
                401 => " (log in with 'capstan registry login')",
                403 => " (these credentials may not do this)",
                404 => " (not found)",
                _ => "",
            };
            RepoError::msg(format!("{op} {what}: {code} {message}{hint}"))
        }
        E::RegistryError { envelope, .. } => {
            let msgs: Vec<String> = envelope.errors.iter().map(|x| format!("{:?}: {}", x.code, x.message)).collect();
            RepoError::msg(format!("{op} {what}: {}", msgs.join("; ")))
        }
        E::RequestError(r) => RepoError::Network(format!("{op} {what}: {}", super::http::root_cause(&r))),
        other => RepoError::msg(format!("{op} {what}: {}", super::http::error_chain(&other))),
    }
}

/// The `auths` key for a registry host (oras credentials
/// ServerAddressFromRegistry: Docker Hub has its legacy key).
fn server_address(host: &str) -> String {
    if host == "docker.io" {
        "https://index.docker.io/v1/".into()
    } else {
        host.to_string()
    }
}

/// Credentials stored for `registry` in the Helm-style store, falling back
/// to Docker's `~/.docker/config.json` (plain `auth` entries only).
pub fn stored_credentials(file: &Path, registry: &str) -> Option<(String, String)> {
    let mut files = vec![file.to_path_buf()];
    if let Some(home) = std::env::var_os("DOCKER_CONFIG").map(PathBuf::from) {
        files.push(home.join("config.json"));
    } else if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        files.push(home.join(".docker").join("config.json"));
    }
    let key = server_address(registry);
    for f in files {
        let Ok(data) = std::fs::read(&f) else { continue };
        let Ok(doc) = serde_json::from_slice::<Value>(&data) else { continue };
        let Some(entry) = doc.get("auths").and_then(|a| a.get(&key)) else { continue };
        if let Some(auth) = entry.get("auth").and_then(Value::as_str) {
            let decoded = base64::engine::general_purpose::STANDARD.decode(auth).ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (u, p) = text.split_once(':')?;
            return Some((u.to_string(), p.to_string()));
        }
        if let (Some(u), Some(p)) =
            (entry.get("username").and_then(Value::as_str), entry.get("password").and_then(Value::as_str))
        {
            return Some((u.to_string(), p.to_string()));
        }
    }
    None
}

/// Store (or with `None` remove) the login for `registry` in `file`,
/// keeping everything else in it; mode 0600.
pub fn set_credentials(file: &Path, registry: &str, cred: Option<(&str, &str)>) -> Result<bool> {
    let mut doc: Value = match std::fs::read(file) {
        Ok(d) if !d.is_empty() => serde_json::from_slice(&d)
            .map_err(|e| RepoError::msg(format!("{}: invalid credentials file: {e}", file.display())))?,
        Ok(_) => Value::Object(Default::default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Object(Default::default()),
        Err(e) => return Err(RepoError::io(file, e)),
    };
    let Value::Object(top) = &mut doc else {
        return Err(RepoError::msg(format!("{}: invalid credentials file", file.display())));
    };
    let auths = top.entry("auths").or_insert_with(|| Value::Object(Default::default()));
    let Value::Object(auths) = auths else {
        return Err(RepoError::msg(format!("{}: invalid credentials file", file.display())));
    };
    let key = server_address(registry);
    let changed = match cred {
        Some((u, p)) => {
            let mut entry = serde_json::Map::new();
            entry.insert(
                "auth".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))),
            );
            auths.insert(key, Value::Object(entry));
            true
        }
        None => auths.remove(&key).is_some(),
    };
    // oras-go writes json.MarshalIndent(cfg, "", "\t").
    let text = helmjson::indent(&crate::codec::json::to_json(&doc), "\t");
    fsutil::write_atomic(file, text.as_bytes(), 0o600)?;
    Ok(changed)
}

/// `registry login HOST`: check the credentials against the registry's
/// `/v2/` endpoint (basic auth, or a token from its bearer realm), then
/// store them.
pub fn login(host: &str, username: &str, password: &str, opts: &RegistryOptions) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    if host.contains('/') {
        let registry = host.split('/').next().unwrap_or(host);
        warnings.push(format!(
            "level=WARN msg=\"registry login currently only supports registry hostname, not a repository path\" host={host} suggested={registry}"
        ));
    }
    let host = host.trim_start_matches(OCI_PREFIX);
    let registry = host.split('/').next().unwrap_or(host).to_string();
    let scheme = if opts.plain_http { "http" } else { "https" };
    let url = format!("{scheme}://{registry}/v2/");
    let http_opts = super::http::HttpOptions {
        ca_file: opts.ca_file.clone(),
        cert_file: opts.cert_file.clone(),
        key_file: opts.key_file.clone(),
        insecure_skip_tls_verify: opts.insecure_skip_tls_verify,
        ..Default::default()
    };
    let (u, p) = (username.to_string(), password.to_string());
    let shown = registry.clone();
    block_on(async move {
        let client = super::http::client(&http_opts)?;
        let ua = super::http::user_agent();
        let resp = client
            .get(&url)
            .header(reqwest::header::USER_AGENT, &ua)
            .basic_auth(&u, Some(&p))
            .send()
            .await
            .map_err(|e| super::http::network_error("Get", &url, &e))?;
        if resp.status().is_success() {
            return Ok(());
        }
        let challenge = resp
            .headers()
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED && challenge.to_ascii_lowercase().starts_with("bearer") {
            let params = parse_challenge(&challenge);
            if let Some(realm) = params.get("realm") {
                let mut req = client.get(realm).header(reqwest::header::USER_AGENT, &ua).basic_auth(&u, Some(&p));
                if let Some(service) = params.get("service") {
                    req = req.query(&[("service", service)]);
                }
                let token = req.send().await.map_err(|e| super::http::network_error("Get", realm, &e))?;
                if token.status().is_success() {
                    return Ok(());
                }
                return Err(RepoError::msg(format!(
                    "authenticating to {}: {} {}",
                    crate::chart::gostr::quote(&shown),
                    token.status().as_u16(),
                    token.status().canonical_reason().unwrap_or("")
                )));
            }
        }
        Err(RepoError::msg(format!(
            "authenticating to {}: {} {}",
            crate::chart::gostr::quote(&shown),
            resp.status().as_u16(),
            resp.status().canonical_reason().unwrap_or("")
        )))
    })?;
    set_credentials(&opts.credentials_file, &registry, Some((username, password)))?;
    Ok(warnings)
}

/// `registry logout HOST`: forget the stored login (no error when there
/// was none, as Helm).
pub fn logout(host: &str, opts: &RegistryOptions) -> Result<()> {
    let host = host.trim_start_matches(OCI_PREFIX);
    set_credentials(&opts.credentials_file, host, None)?;
    Ok(())
}

/// `Bearer realm="…",service="…"` → its parameters.
fn parse_challenge(h: &str) -> BTreeMap<String, String> {
    let rest = h.split_once(' ').map(|(_, r)| r).unwrap_or("");
    let mut out = BTreeMap::new();
    let mut s = rest;
    while !s.is_empty() {
        let Some((k, after)) = s.split_once('=') else { break };
        let k = k.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let (v, next) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(i) => (&q[..i], &q[i + 1..]),
                None => (q, ""),
            }
        } else {
            match after.find(',') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            }
        };
        out.insert(k, v.to_string());
        s = next.trim_start_matches(',').trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_like_helm() {
        let r = OciRef::parse("oci://localhost:5000/charts/mychart:1.2.3+build.1").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "charts/mychart");
        assert_eq!(r.tag.as_deref(), Some("1.2.3_build.1"));
        assert_eq!(r.display(), "localhost:5000/charts/mychart:1.2.3_build.1");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = OciRef::parse(&format!("oci://ghcr.io/o/c@{d}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.tag, None);
        assert!(OciRef::parse("oci://localhost:5000").is_err());
        assert!(OciRef::parse("oci://localhost:5000/UPPER").is_err());
        let r = OciRef::parse("oci://localhost:5000/charts").unwrap();
        assert_eq!((r.repository.as_str(), r.tag.as_deref()), ("charts", None));
    }

    #[test]
    fn tags_are_matched_like_helm() {
        let tags: Vec<String> = ["2.0.0-rc.1", "1.2.0", "1.1.0", "0.9.0"].iter().map(|s| s.to_string()).collect();
        assert_eq!(tag_matching(&tags, "").unwrap(), "1.2.0");
        assert_eq!(tag_matching(&tags, "~1.1").unwrap(), "1.1.0");
        assert_eq!(tag_matching(&tags, "2.0.0-rc.1").unwrap(), "2.0.0-rc.1");
        assert!(tag_matching(&tags, "^3").is_err());
        assert!(is_strict_semver("1.2.3-rc.1+b"));
        assert!(!is_strict_semver("v1.2.3"));
        assert!(!is_strict_semver("1.2"));
        assert!(!is_strict_semver("latest"));
    }

    #[test]
    fn annotations_are_helms() {
        let md = Metadata {
            name: "c".into(),
            version: "1.0.0".into(),
            description: "d".into(),
            home: " ".into(),
            sources: vec!["https://src".into()],
            maintainers: vec![
                crate::chart::Maintainer { name: "A".into(), email: "a@x".into(), url: String::new() },
                crate::chart::Maintainer { name: "B".into(), ..Default::default() },
            ],
            annotations: [
                ("org.opencontainers.image.title".to_string(), "ignored".to_string()),
                ("x".to_string(), "y".to_string()),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let a = oci_annotations(&md, "2024-01-01T00:00:00Z");
        let want: BTreeMap<String, String> = [
            ("org.opencontainers.image.authors", "A (a@x), B"),
            ("org.opencontainers.image.created", "2024-01-01T00:00:00Z"),
            ("org.opencontainers.image.description", "d"),
            ("org.opencontainers.image.source", "https://src"),
            ("org.opencontainers.image.title", "c"),
            ("org.opencontainers.image.version", "1.0.0"),
            ("x", "y"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(a, want);
    }

    #[test]
    fn credentials_round_trip_in_docker_format() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("registry/config.json");
        set_credentials(&f, "localhost:5000", Some(("user", "pa:ss"))).unwrap();
        let text = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            text,
            "{\n\t\"auths\": {\n\t\t\"localhost:5000\": {\n\t\t\t\"auth\": \"dXNlcjpwYTpzcw==\"\n\t\t}\n\t}\n}"
        );
        assert_eq!(stored_credentials(&f, "localhost:5000"), Some(("user".into(), "pa:ss".into())));
        assert!(set_credentials(&f, "localhost:5000", None).unwrap());
        assert_eq!(stored_credentials(&f, "localhost:5000"), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn challenges_parse() {
        let p = parse_challenge(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="a:b:pull""#,
        );
        assert_eq!(p["realm"], "https://auth.example.com/token");
        assert_eq!(p["service"], "registry.example.com");
        assert_eq!(p["scope"], "a:b:pull");
    }
}
