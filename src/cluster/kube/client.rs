//! A synchronous face on kube-rs for the target and the stores: one tokio
//! runtime, raw JSON requests (any kind, any CRD, no typed structs),
//! lazy per-group discovery, an optional client-side rate limit (`--qps`,
//! `--burst-limit`) and a count of the requests made (`--debug`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::{Method, Request};
use serde_json::Value;

use super::connect::{ConnectOptions, Connection};
use super::KubeError;

/// Where a kind lives in the API: its plural resource name and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInfo {
    pub plural: String,
    pub namespaced: bool,
}

/// A connected client.
pub struct KubeClient {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
    server: String,
    source: String,
    limiter: Option<tokio::sync::Mutex<TokenBucket>>,
    requests: AtomicU64,
    report_on_drop: AtomicBool,
    /// The server's `/version`, as read by [`KubeClient::connect`].
    version: std::sync::OnceLock<Value>,
    /// apiVersion → kind → resource; `None` when the server does not serve
    /// that group version.
    discovery: Mutex<HashMap<String, Option<Arc<HashMap<String, ResourceInfo>>>>>,
}

impl std::fmt::Debug for KubeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeClient").field("server", &self.server).finish()
    }
}

impl KubeClient {
    /// Connect and check the server answers (Go: helm's
    /// `Kubernetes cluster unreachable` check, a GET of /version).
    pub fn connect(opts: &ConnectOptions) -> Result<KubeClient, KubeError> {
        crate::repo::install_crypto_provider();
        let Connection { config, source } = super::connect::connection(opts, &|k| std::env::var(k).ok())?;
        let client = Self::from_config(config, source, opts)?;
        let version = client.block_on(client.request(Method::GET, "/version", None, None))?;
        let _ = client.version.set(version);
        Ok(client)
    }

    /// A client for `config`, without contacting the server.
    pub fn from_config(config: kube::Config, source: String, opts: &ConnectOptions) -> Result<KubeClient, KubeError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| KubeError::Config(format!("starting the network runtime: {e}")))?;
        let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
        let client = {
            let _guard = runtime.enter();
            kube::Client::try_from(config).map_err(|e| KubeError::Config(format!("cluster {server}: {e}")))?
        };
        let limiter = (opts.qps > 0.0).then(|| tokio::sync::Mutex::new(TokenBucket::new(opts.qps, opts.burst.max(1))));
        Ok(KubeClient {
            runtime,
            client,
            server,
            source,
            limiter,
            requests: AtomicU64::new(0),
            report_on_drop: AtomicBool::new(false),
            version: std::sync::OnceLock::new(),
            discovery: Mutex::new(HashMap::new()),
        })
    }

    /// The server URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Where the configuration came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// API requests made so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Print the number of API requests made when the client goes away
    /// (`--debug`; the benchmark compares it with Helm's).
    pub fn report_requests_on_drop(&self) {
        self.report_on_drop.store(true, Ordering::Relaxed);
    }

    /// Run a future of this client to completion.
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.runtime.block_on(fut)
    }

    /// One request; the response body as JSON (`Value::Null` when empty).
    /// `content_type` defaults to JSON when there is a body.
    pub async fn request(
        &self,
        method: Method,
        path_and_query: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, KubeError> {
        self.request_accepting(method, path_and_query, content_type, "application/json", body)
            .await
    }

    /// [`KubeClient::request`] with an `Accept` header of the caller's.
    async fn request_accepting(
        &self,
        method: Method,
        path_and_query: &str,
        content_type: Option<&str>,
        accept: &str,
        body: Option<&Value>,
    ) -> Result<Value, KubeError> {
        let text = self
            .send(method.clone(), path_and_query, content_type, body, accept)
            .await?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text)
            .map_err(|e| KubeError::Other(format!("{method} {path_and_query}: response is not JSON: {e}")))
    }

    /// A GET whose answer is text, not JSON (a Pod's `log` subresource).
    pub async fn get_text(&self, path_and_query: &str) -> Result<String, KubeError> {
        self.send(Method::GET, path_and_query, None, None, "*/*").await
    }

    /// One request, rate-limited and counted; the response body as text.
    async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
        accept: &str,
    ) -> Result<String, KubeError> {
        if let Some(limiter) = &self.limiter {
            let wait = limiter.lock().await.take();
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut builder = Request::builder().method(method.clone()).uri(path_and_query);
        let bytes = match body {
            Some(b) => {
                builder = builder.header(http::header::CONTENT_TYPE, content_type.unwrap_or("application/json"));
                serde_json::to_vec(b).map_err(|e| KubeError::Other(format!("encoding request: {e}")))?
            }
            None => Vec::new(),
        };
        builder = builder.header(http::header::ACCEPT, accept);
        let request = builder
            .body(bytes)
            .map_err(|e| KubeError::Other(format!("{method} {path_and_query}: {e}")))?;
        match self.client.request_text(request).await {
            Ok(text) => Ok(text),
            Err(kube::Error::Api(status)) => Err(KubeError::Api {
                code: status.code,
                reason: status.reason.clone(),
                message: status.message.clone(),
            }),
            Err(e) => Err(KubeError::Unreachable {
                server: self.server.clone(),
                message: error_chain(&e),
            }),
        }
    }

    /// GET, with NotFound as `None`.
    pub async fn get(&self, path: &str) -> Result<Option<Value>, KubeError> {
        match self.request(Method::GET, path, None, None).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The resource serving `kind` in `api_version`, from discovery (one
    /// request per group version, cached). Unknown kinds are a clear error.
    pub async fn resource(&self, api_version: &str, kind: &str) -> Result<ResourceInfo, KubeError> {
        let cached = self
            .discovery
            .lock()
            .expect("discovery cache lock")
            .get(api_version)
            .cloned();
        let kinds = match cached {
            Some(kinds) => kinds,
            None => {
                let kinds = self.discover(api_version).await?;
                self.discovery
                    .lock()
                    .expect("discovery cache lock")
                    .insert(api_version.to_string(), kinds.clone());
                kinds
            }
        };
        kinds
            .and_then(|k| k.get(kind).cloned())
            .ok_or_else(|| KubeError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            })
    }

    /// The server's version and everything it serves, as Helm puts them in
    /// `.Capabilities` (Go: getCapabilities, GetVersionSet): `group/version`
    /// and `group/version/Kind` entries. Uses aggregated discovery (two
    /// requests) and fills the discovery cache with what it learns.
    pub async fn capabilities(&self) -> Result<(Value, Vec<String>), KubeError> {
        const AGGREGATED: &str =
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
        let version = match self.version.get() {
            Some(v) => v.clone(),
            None => self.request(Method::GET, "/version", None, None).await?,
        };
        let mut set = std::collections::BTreeSet::new();
        let mut learned: Vec<(String, HashMap<String, ResourceInfo>)> = Vec::new();
        for root in ["/api", "/apis"] {
            let doc = self
                .request_accepting(Method::GET, root, None, AGGREGATED, None)
                .await?;
            if doc.get("kind").and_then(Value::as_str) != Some("APIGroupDiscoveryList") {
                // An older server: one request per group version.
                return self.capabilities_per_group(version).await;
            }
            for group in doc.get("items").and_then(Value::as_array).into_iter().flatten() {
                let name = group
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                for v in group.get("versions").and_then(Value::as_array).into_iter().flatten() {
                    let Some(version) = v.get("version").and_then(Value::as_str) else {
                        continue;
                    };
                    let gv = if name.is_empty() {
                        version.to_string()
                    } else {
                        format!("{name}/{version}")
                    };
                    set.insert(gv.clone());
                    let mut kinds = HashMap::new();
                    for r in v.get("resources").and_then(Value::as_array).into_iter().flatten() {
                        let plural = r.get("resource").and_then(Value::as_str).unwrap_or_default();
                        let Some(kind) = r.pointer("/responseKind/kind").and_then(Value::as_str) else {
                            continue;
                        };
                        set.insert(format!("{gv}/{kind}"));
                        let namespaced = r.get("scope").and_then(Value::as_str) == Some("Namespaced");
                        kinds.insert(
                            kind.to_string(),
                            ResourceInfo {
                                plural: plural.to_string(),
                                namespaced,
                            },
                        );
                    }
                    learned.push((gv, kinds));
                }
            }
        }
        let mut cache = self.discovery.lock().expect("discovery cache lock");
        for (gv, kinds) in learned {
            cache.insert(gv, Some(Arc::new(kinds)));
        }
        Ok((version, set.into_iter().collect()))
    }

    async fn capabilities_per_group(&self, version: Value) -> Result<(Value, Vec<String>), KubeError> {
        let mut gvs = vec![];
        let core = self.request(Method::GET, "/api", None, None).await?;
        gvs.extend(
            core.get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from),
        );
        let groups = self.request(Method::GET, "/apis", None, None).await?;
        for g in groups.get("groups").and_then(Value::as_array).into_iter().flatten() {
            for v in g.get("versions").and_then(Value::as_array).into_iter().flatten() {
                if let Some(gv) = v.get("groupVersion").and_then(Value::as_str) {
                    gvs.push(gv.to_string());
                }
            }
        }
        let mut set = std::collections::BTreeSet::new();
        for gv in gvs {
            // Resolving any kind fills the cache for the whole group version.
            let _ = self.resource(&gv, "").await;
            let kinds = self
                .discovery
                .lock()
                .expect("discovery cache lock")
                .get(&gv)
                .cloned()
                .flatten();
            for kind in kinds.iter().flat_map(|k| k.keys()) {
                set.insert(format!("{gv}/{kind}"));
            }
            set.insert(gv);
        }
        Ok((version, set.into_iter().collect()))
    }

    /// Forget what discovery said about a group version (a CRD was just
    /// created or deleted).
    pub fn forget_discovery(&self, api_version: &str) {
        self.discovery.lock().expect("discovery cache lock").remove(api_version);
    }

    async fn discover(&self, api_version: &str) -> Result<Option<Arc<HashMap<String, ResourceInfo>>>, KubeError> {
        let path = if api_version.contains('/') {
            format!("/apis/{api_version}")
        } else {
            format!("/api/{api_version}")
        };
        let Some(list) = self.get(&path).await? else {
            return Ok(None);
        };
        let mut kinds = HashMap::new();
        for r in list.get("resources").and_then(Value::as_array).into_iter().flatten() {
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            let kind = r.get("kind").and_then(Value::as_str).unwrap_or_default();
            // Subresources (`deployments/scale`) share the kind of their parent.
            if name.is_empty() || kind.is_empty() || name.contains('/') {
                continue;
            }
            let namespaced = r.get("namespaced").and_then(Value::as_bool).unwrap_or(false);
            kinds.insert(
                kind.to_string(),
                ResourceInfo {
                    plural: name.to_string(),
                    namespaced,
                },
            );
        }
        Ok(Some(Arc::new(kinds)))
    }
}

impl Drop for KubeClient {
    fn drop(&mut self) {
        if self.report_on_drop.load(Ordering::Relaxed) {
            eprintln!("capstan: {} API requests to {}", self.request_count(), self.server);
        }
    }
}

/// The URL path of a collection (`name` None) or an object.
pub fn resource_path(api_version: &str, info: &ResourceInfo, namespace: &str, name: Option<&str>) -> String {
    let mut path = if api_version.contains('/') {
        format!("/apis/{api_version}")
    } else {
        format!("/api/{api_version}")
    };
    if info.namespaced && !namespace.is_empty() {
        path.push_str("/namespaces/");
        path.push_str(&escape(namespace));
    }
    path.push('/');
    path.push_str(&info.plural);
    if let Some(name) = name {
        path.push('/');
        path.push_str(&escape(name));
    }
    path
}

/// Percent-encode what is not safe in a path segment or query value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The causes of an error, outermost first, in one line (hyper's errors
/// keep the useful part, "connection refused", in their sources).
fn error_chain(e: &dyn std::error::Error) -> String {
    // kube-rs prefixes its variants ("ServiceError: ..."): the causes say it.
    let top = e.to_string();
    let top = top
        .strip_prefix("ServiceError: ")
        .or_else(|| top.strip_prefix("HyperError: "))
        .unwrap_or(&top);
    let mut parts = vec![top.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Client-side rate limit: `qps` tokens a second, at most `burst` saved.
#[derive(Debug)]
struct TokenBucket {
    qps: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    fn new(qps: f32, burst: u32) -> TokenBucket {
        TokenBucket {
            qps: f64::from(qps),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: Instant::now(),
        }
    }

    /// Take one token; how long to wait before using it.
    fn take(&mut self) -> Duration {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.qps).min(self.burst);
        self.last = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.qps)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let deploy = ResourceInfo {
            plural: "deployments".into(),
            namespaced: true,
        };
        assert_eq!(
            resource_path("apps/v1", &deploy, "ns1", Some("web")),
            "/apis/apps/v1/namespaces/ns1/deployments/web"
        );
        assert_eq!(
            resource_path("apps/v1", &deploy, "ns1", None),
            "/apis/apps/v1/namespaces/ns1/deployments"
        );
        let ns = ResourceInfo {
            plural: "namespaces".into(),
            namespaced: false,
        };
        assert_eq!(
            resource_path("v1", &ns, "", Some("team-a")),
            "/api/v1/namespaces/team-a"
        );
        assert_eq!(escape("a b/c:d"), "a%20b%2Fc%3Ad");
    }

    #[test]
    fn token_bucket_spends_the_burst_then_paces() {
        let mut bucket = TokenBucket::new(10.0, 2);
        assert!(bucket.take().is_zero());
        assert!(bucket.take().is_zero());
        let wait = bucket.take();
        assert!(
            wait > Duration::from_millis(50) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
    }
}
