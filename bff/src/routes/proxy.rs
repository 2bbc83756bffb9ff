//! `ANY {base}/api/v1/*` → the API upstream, with the session's access token.
//! A live tail's poll takes one of the session's `TAILS_PER_SESSION` slots
//! while it is in flight (see `crate::tails`).

use axum::{
    body::Bytes,
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    response::Response,
};
use configurator_api::{
    AUDIT_CURSOR_HEADER, ClusterAccess, Me, REQUEST_ID_HEADER, TAILS_PER_SESSION,
    routes::{self, OperationId},
    trace::TRACEPARENT,
};
use tower_sessions::Session;

use super::{api_path, auth::signed_in};
use crate::{
    AppState,
    error::BffError,
    refresh::Need,
    session::{Identity, TokenSet},
    upstream::{ApiRequest, ApiResponse},
};

/// Nested under the base path, every request here starts with this.
const API_PREFIX: &str = "/api/v1/";
/// Request bodies are buffered (so a call can be retried after a refresh);
/// API requests are small JSON documents, so this is generous.
const MAX_REQUEST_BODY: usize = 2 * 1024 * 1024;
/// Request headers passed on; everything else (the cookie above all) stays here.
/// `traceparent` is the BFF's own span by now (the request-id middleware puts
/// it there), so the API's spans hang under it.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 5] = [
    header::ACCEPT,
    header::CONTENT_TYPE,
    header::ACCEPT_LANGUAGE,
    HeaderName::from_static(REQUEST_ID_HEADER),
    HeaderName::from_static(TRACEPARENT),
];
/// Response headers passed back to the browser.
const FORWARDED_RESPONSE_HEADERS: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::CONTENT_DISPOSITION,
    header::RETRY_AFTER,
    HeaderName::from_static(REQUEST_ID_HEADER),
    // Where an audit export that stopped at its budget goes on.
    HeaderName::from_static(AUDIT_CURSOR_HEADER),
];

pub async fn forward(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, BffError> {
    // Before anything else: such a path is refused whoever asks.
    let rest = request.uri().path().strip_prefix(API_PREFIX).unwrap_or_default();
    api_path::check(rest)?;
    let is_tail = is_tail(request.method(), rest);
    let identity = signed_in(&state, &session).await?;
    // Held until the upstream call ends, however it ends (answered, failed,
    // or dropped because the browser went away).
    let _tail = if is_tail {
        let slot = state.tails.acquire(&identity.token_ref);
        if slot.is_none() {
            state.metrics.tail_refused();
            return Err(BffError::TooManyTails(TAILS_PER_SESSION));
        }
        slot
    } else {
        None
    };
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY).await.map_err(|_| {
        BffError::PayloadTooLarge(format!(
            "Request bodies are limited to {} MiB.",
            MAX_REQUEST_BODY / (1024 * 1024)
        ))
    })?;
    let headers = forwarded_headers(&parts.headers);
    let call = ApiCall {
        method: &parts.method,
        // Nested under the base path, the URI here is `/api/v1/…` already.
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &headers,
        body,
    };
    let answer = call_api(&state, &session, &identity, &call).await?;
    Ok(to_browser(answer))
}

/// Whether `method` and the path after `/api/v1/` are a live tail's poll,
/// by the route table's own matcher (the one the authorizer uses).
fn is_tail(method: &Method, rest: &str) -> bool {
    routes::find(method.as_str(), &format!("/{rest}"))
        .is_some_and(|m| m.operation.id == OperationId::TailMessages)
}

/// One API call as the browser asked for it (headers already filtered).
pub(super) struct ApiCall<'a> {
    pub method: &'a Method,
    /// `/api/v1/…`, as it goes upstream.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: Bytes,
}

/// The call with the session's access token, refreshed as needed: when the
/// API refuses the token, refreshed once and the call retried once. Every
/// API call the browser causes goes through here (the proxy and the export).
pub(super) async fn call_api(
    state: &AppState,
    session: &Session,
    identity: &Identity,
    call: &ApiCall<'_>,
) -> Result<ApiResponse, BffError> {
    let tokens = usable_tokens(state, session, identity, Need::Usable).await?;
    let mut answer = send(state, call, &tokens).await?;
    if answer.status == StatusCode::UNAUTHORIZED {
        // Revoked or expired early at the IdP: refresh once and retry once.
        let need = Need::Replace(tokens.access_token.clone());
        let tokens = usable_tokens(state, session, identity, need).await?;
        answer = send(state, call, &tokens).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            // A fresh token refused: a configuration fault (audience, issuer), not
            // the person's session. Answering 401 would send them round a login loop.
            tracing::error!("the API refused a freshly refreshed access token");
            return Err(BffError::UpstreamUnavailable(
                "the API does not accept the console's tokens (check its issuer and audience settings)"
                    .into(),
            ));
        }
    }
    Ok(answer)
}

/// What the API's policy lets this person do on each cluster (`GET
/// /api/v1/me`), for the console to show only what they can use. Empty when
/// the API cannot be asked right now: the API checks every call anyway.
pub async fn cluster_access(
    state: &AppState,
    session: &Session,
    identity: &Identity,
) -> Result<Vec<ClusterAccess>, BffError> {
    let tokens = usable_tokens(state, session, identity, Need::Usable).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let request = ApiRequest {
        method: &Method::GET,
        path: "/api/v1/me",
        query: None,
        headers: &headers,
        body: Bytes::new(),
        access_token: &tokens.access_token,
    };
    let me = match state.upstream.send(request).await {
        Ok(answer) if answer.status.is_success() => axum::body::to_bytes(answer.body, 64 * 1024)
            .await
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Me>(&bytes).ok()),
        Ok(answer) => {
            tracing::warn!(status = %answer.status, "the API did not say what the person may do");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "the API could not be asked what the person may do");
            None
        }
    };
    Ok(me.map(|me| me.clusters).unwrap_or_default())
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
        session.flush().await?;
    }
    result
}

async fn send(state: &AppState, call: &ApiCall<'_>, tokens: &TokenSet) -> Result<ApiResponse, BffError> {
    let started = std::time::Instant::now();
    let answer = state
        .upstream
        .send(ApiRequest {
            method: call.method,
            path: call.path,
            query: call.query,
            headers: call.headers,
            body: call.body.clone(),
            access_token: &tokens.access_token,
        })
        .await;
    state.metrics.upstream(started.elapsed());
    answer
}

pub(super) fn forwarded_headers(incoming: &HeaderMap) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for name in &FORWARDED_REQUEST_HEADERS {
        if let Some(value) = incoming.get(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    headers
}

/// Status, chosen headers and the body (streamed when the upstream streams).
pub(super) fn to_browser(answer: ApiResponse) -> Response {
    let mut headers = HeaderMap::new();
    for name in &FORWARDED_RESPONSE_HEADERS {
        if let Some(value) = answer.headers.get(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut response = Response::new(answer.body);
    *response.status_mut() = answer.status;
    *response.headers_mut() = headers;
    response
}
