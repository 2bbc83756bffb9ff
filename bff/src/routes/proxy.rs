//! `ANY {base}/api/v1/*` → the API upstream, with the session's access token.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::Response,
};
use configurator_api::REQUEST_ID_HEADER;
use tower_sessions::Session;

use super::auth::signed_in;
use crate::{
    AppState,
    error::BffError,
    refresh::Need,
    session::{Identity, TokenSet},
};

/// Request bodies are buffered (so a call can be retried after a refresh);
/// API requests are small JSON documents, so this is generous.
const MAX_REQUEST_BODY: usize = 2 * 1024 * 1024;
/// Request headers passed on; everything else (the cookie above all) stays here.
const FORWARDED_REQUEST_HEADERS: [header::HeaderName; 3] =
    [header::ACCEPT, header::CONTENT_TYPE, header::ACCEPT_LANGUAGE];
/// Response headers passed back to the browser.
const FORWARDED_RESPONSE_HEADERS: [header::HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::CONTENT_DISPOSITION,
    header::RETRY_AFTER,
    header::HeaderName::from_static(REQUEST_ID_HEADER),
];

pub async fn forward(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, BffError> {
    let identity = signed_in(&state, &session).await?;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY).await.map_err(|_| {
        BffError::PayloadTooLarge(format!(
            "Request bodies are limited to {} MiB.",
            MAX_REQUEST_BODY / (1024 * 1024)
        ))
    })?;
    // Nested under the base path, the URI here is `/api/v1/…?…` already.
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut url = state.upstream_url.clone();
    url.set_path(&format!(
        "{}{}",
        url.path().trim_end_matches('/'),
        parts.uri.path()
    ));
    url.set_query(parts.uri.query());
    tracing::debug!(path_and_query, "forwarding");

    let tokens = usable_tokens(&state, &session, &identity, Need::Usable).await?;
    let mut upstream = send(&state, &parts.method, &url, &parts.headers, body.clone(), &tokens).await?;
    if upstream.status() == StatusCode::UNAUTHORIZED {
        // Revoked or expired early at the IdP: refresh once and retry once.
        let need = Need::Replace(tokens.access_token.clone());
        let tokens = usable_tokens(&state, &session, &identity, need).await?;
        upstream = send(&state, &parts.method, &url, &parts.headers, body, &tokens).await?;
        if upstream.status() == StatusCode::UNAUTHORIZED {
            // A fresh token refused: a configuration fault (audience, issuer), not
            // the person's session. Answering 401 would send them round a login loop.
            tracing::error!("the API refused a freshly refreshed access token");
            return Err(BffError::UpstreamUnavailable(
                "the API does not accept the console's tokens (check its issuer and audience settings)"
                    .into(),
            ));
        }
    }
    Ok(stream_back(upstream))
}

/// The session's tokens, refreshed as needed; when the IdP refuses the
/// refresh, the whole session ends here (not only its tokens).
async fn usable_tokens(
    state: &AppState,
    session: &Session,
    identity: &Identity,
    need: Need,
) -> Result<TokenSet, BffError> {
    let result = state.refresher.tokens(state, identity, need).await;
    if let Err(BffError::Unauthenticated { .. }) = &result {
        session.flush().await.map_err(BffError::internal)?;
    }
    result
}

async fn send(
    state: &AppState,
    method: &Method,
    url: &url::Url,
    headers: &HeaderMap,
    body: Bytes,
    tokens: &TokenSet,
) -> Result<reqwest::Response, BffError> {
    let mut request = state
        .upstream
        .request(method.clone(), url.clone())
        .bearer_auth(&tokens.access_token)
        .body(body);
    for name in FORWARDED_REQUEST_HEADERS
        .iter()
        .chain([&header::HeaderName::from_static(REQUEST_ID_HEADER)])
    {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value);
        }
    }
    request.send().await.map_err(|e| {
        if e.is_timeout() {
            BffError::UpstreamTimeout
        } else {
            tracing::warn!(error = %e, "API upstream unreachable");
            BffError::UpstreamUnavailable("the API is not reachable right now; try again shortly".into())
        }
    })
}

/// Status, chosen headers and the body as a stream (large message pages are
/// not buffered here).
fn stream_back(upstream: reqwest::Response) -> Response {
    let status = upstream.status();
    let mut headers = HeaderMap::new();
    for name in &FORWARDED_RESPONSE_HEADERS {
        if let Some(value) = upstream.headers().get(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut response = Response::new(Body::from_stream(upstream.bytes_stream()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
