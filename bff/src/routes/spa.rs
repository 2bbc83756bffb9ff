//! The console itself: trunk's output, with deep links answered by
//! `index.html` and cache headers fit for hashed assets. Release builds carry
//! brotli and gzip copies of each file (`scripts/compress-spa.sh`), sent to
//! browsers that accept them: the wasm is a third of its size in brotli.

use std::path::Path;

use anyhow::Context;
use axum::{
    Router,
    extract::Request,
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

/// Scripts only from our origin (plus wasm compilation), no inline script or
/// style, no framing, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Every path under the base path that no other route takes: a file of the
/// build, or `index.html` for the SPA's own routes (deep links).
pub fn router(dir: &Path) -> anyhow::Result<Router<AppState>> {
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index(dir)?);
    Ok(Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_and_security_headers)))
}

/// The app root, `{base}/`: axum's `nest` does not route it into the nested
/// router, so it gets `index.html` on its own.
pub fn root(dir: &Path) -> anyhow::Result<Router<AppState>> {
    Ok(Router::new()
        .fallback_service(index(dir)?)
        .layer(middleware::from_fn(cache_and_security_headers)))
}

fn index(dir: &Path) -> anyhow::Result<ServeFile> {
    let index = dir.join("index.html");
    std::fs::metadata(&index).with_context(|| {
        format!(
            "the SPA is not built: {} is missing (run `trunk build` or set SPA_DIR)",
            index.display()
        )
    })?;
    Ok(ServeFile::new(index).precompressed_br().precompressed_gzip())
}

async fn cache_and_security_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let cache = if hashed && !is_html {
        // The name changes whenever the content does.
        "public, max-age=31536000, immutable"
    } else {
        // index.html and unhashed files: always revalidate, so a deploy shows at once.
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The same URL is sent as brotli, gzip or plain by what the browser
    // accepts: caches in between must key on it (ServeDir does not say so).
    if !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// trunk names build outputs `name-<16 hex digits>.ext` (the wasm:
/// `name-<hash>_bg.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset(
            "/dev/configurator/configurator-app-9f8e7d6c5b4a3921_bg.wasm"
        ));
        assert!(is_hashed_asset("/configurator-app-9f8e7d6c5b4a3921.js"));
        assert!(is_hashed_asset("/main-9f8e7d6c5b4a3921.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/boot.js"));
    }
}
