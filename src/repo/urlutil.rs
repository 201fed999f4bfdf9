//! URL helpers with Helm's semantics (internal/urlutil, repo.ResolveReferenceURL).

use url::Url;

/// Go's path.Join for slash paths ("" parts skipped, result cleaned).
pub fn path_join(parts: &[&str]) -> String {
    let joined: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    if joined.is_empty() {
        return String::new();
    }
    crate::chart::archive::clean_path(&joined.join("/"))
}

/// Helm's urlutil.URLJoin: join path elements onto a URL's path. A base
/// that is not an absolute URL is joined as a plain path.
pub fn url_join(base: &str, parts: &[&str]) -> String {
    match Url::parse(base) {
        Ok(mut u) if u.has_host() || u.scheme() == "file" => {
            let mut all = vec![u.path().to_string()];
            all.extend(parts.iter().map(|p| p.to_string()));
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let p = path_join(&refs);
            let p = if p.starts_with('/') { p } else { format!("/{p}") };
            u.set_path(&p);
            u.to_string()
        }
        _ => {
            let mut all = vec![base];
            all.extend(parts.iter().copied());
            path_join(&all)
        }
    }
}

/// Helm's repo.ResolveReferenceURL: `reference` relative to the repository
/// URL `base` (which is treated as a directory); an absolute reference is
/// returned unchanged. The base URL's query string is kept.
pub fn resolve_reference_url(base: &str, reference: &str) -> Result<String, String> {
    if let Ok(u) = Url::parse(reference) {
        if !u.cannot_be_a_base() || u.scheme() == "oci" {
            return Ok(reference.to_string());
        }
    }
    let mut b = Url::parse(base).map_err(|e| format!("failed to parse {base} as URL: {e}"))?;
    let path = format!("{}/", b.path().trim_end_matches('/'));
    b.set_path(&path);
    let query = b.query().map(str::to_string);
    let mut r = b.join(reference).map_err(|e| format!("failed to parse {reference} as URL: {e}"))?;
    r.set_query(query.as_deref());
    Ok(r.to_string())
}

/// Helm's urlutil.Equal: URLs equal after cleaning their paths (a missing
/// path is `/`); strings that are not URLs must match exactly as paths.
pub fn url_equal(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Option<String> {
        let mut u = Url::parse(s).ok()?;
        let p = crate::chart::archive::clean_path(if u.path().is_empty() { "/" } else { u.path() });
        u.set_path(&p);
        Some(u.to_string())
    };
    match (norm(a), norm(b)) {
        (Some(x), Some(y)) => x == y,
        (None, _) => crate::chart::archive::clean_path(a) == crate::chart::archive::clean_path(b),
        _ => false,
    }
}

/// Scheme and host:port of a URL (what Helm compares before sending
/// credentials).
pub fn origin(u: &str) -> Option<(String, String)> {
    let u = Url::parse(u).ok()?;
    let host = match (u.host_str(), u.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    };
    Some((u.scheme().to_string(), host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_helm() {
        assert_eq!(url_join("https://example.com/charts", &["a-1.0.0.tgz"]), "https://example.com/charts/a-1.0.0.tgz");
        assert_eq!(url_join("https://example.com", &["sub", "a.tgz"]), "https://example.com/sub/a.tgz");
        assert_eq!(url_join("https://example.com/charts/", &[""]), "https://example.com/charts");
        assert_eq!(url_join("", &[""]), "");
        assert_eq!(url_join("", &["sub"]), "sub");
    }

    #[test]
    fn resolves_like_helm() {
        // Cases from Helm's pkg/repo/v1/chartrepo_test.go TestResolveReferenceURL.
        let r = |b: &str, r: &str| resolve_reference_url(b, r).unwrap();
        assert_eq!(r("http://localhost:8123/", "/nginx-0.2.0.tgz"), "http://localhost:8123/nginx-0.2.0.tgz");
        assert_eq!(
            r("http://localhost:8123/charts/", "nginx-0.2.0.tgz"),
            "http://localhost:8123/charts/nginx-0.2.0.tgz"
        );
        assert_eq!(
            r("http://localhost:8123/charts", "nginx-0.2.0.tgz"),
            "http://localhost:8123/charts/nginx-0.2.0.tgz"
        );
        assert_eq!(
            r("http://localhost:8123/charts/?st=2018-08-06&sv=2017", "nginx-0.2.0.tgz"),
            "http://localhost:8123/charts/nginx-0.2.0.tgz?st=2018-08-06&sv=2017"
        );
        assert_eq!(
            r("http://localhost:8123", "https://charts.helm.sh/stable/nginx-0.2.0.tgz"),
            "https://charts.helm.sh/stable/nginx-0.2.0.tgz"
        );
        assert_eq!(
            r("http://localhost:8123/charts%2fwith%2fescaped%2fslash", "nginx-0.2.0.tgz"),
            "http://localhost:8123/charts%2fwith%2fescaped%2fslash/nginx-0.2.0.tgz"
        );
    }

    #[test]
    fn equal_like_helm() {
        assert!(url_equal("https://example.com/charts/", "https://example.com/charts"));
        assert!(url_equal("https://example.com", "https://example.com/"));
        assert!(!url_equal("https://example.com/a", "https://example.com/b"));
        assert!(url_equal("./a/../b", "b"));
    }
}
