//! The BFF's route table.

pub(crate) mod api_path;
mod auth;
mod export;
mod proxy;
mod spa;

use std::time::Instant;

use axum::{
    Router,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{any, get, post},
};
use configurator_api::CSRF_HEADER;

use tower_sessions::SessionManagerLayer;

use crate::{AppState, error::BffError, metrics::Area, session::Store};

/// Everything under the base path; these routes see paths without it. Only
/// `auth/*` and `api/*` see the session: the SPA's files are the same for
/// everyone, and serving them never waits for (or fails with) the store.
pub fn under_base(
    state: &AppState,
    sessions: SessionManagerLayer<Store>,
) -> anyhow::Result<Router<AppState>> {
    let csrf = middleware::from_fn(require_csrf_header);
    let auth = Router::new()
        .route("/auth/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/auth/me", get(auth::me))
        .route("/auth/logout", post(auth::logout).route_layer(csrf.clone()))
        .layer(middleware::from_fn(auth::no_store));
    // The export is the BFF's own (it pages through browses); before the
    // proxy's catch-all, with the same session and CSRF rules. Other methods
    // on its path go to the API as any path would (which has no such route).
    let export_path = format!(
        "{}{}",
        configurator_api::API_PREFIX,
        configurator_api::export_path("{cluster}", "{topic}")
    );
    let api = Router::new()
        .route(&export_path, get(export::export).fallback(proxy::forward))
        .route("/api/v1/{*path}", any(proxy::forward))
        .route_layer(csrf);
    let with_session = auth
        .merge(api)
        .layer(sessions)
        .layer(middleware::from_fn(explain_failed_session_save));
    Ok(with_session.merge(spa::router(&state.config.spa_dir)?))
}

/// tower-sessions saves the session after the handler has answered, and when
/// that save fails (the store went away mid-request) it replaces the answer
/// with a bare 500. Its only bare 500: give it the envelope and the truth.
async fn explain_failed_session_save(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let bare = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !response.headers().contains_key(header::CONTENT_TYPE);
    if bare {
        tracing::warn!("the session could not be saved after answering");
        return BffError::SessionStoreUnavailable.into_response();
    }
    response
}

/// `{base}/` itself (see [`spa::root`]).
pub fn app_root(state: &AppState) -> anyhow::Result<Router<AppState>> {
    spa::root(&state.config.spa_dir)
}

/// Probes for load balancers and the metrics scrape, at the root: outside the
/// base path, so the ALB's `/dev/configurator/*` rule never exposes them.
pub fn outside_base() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = state
        .metrics
        .render(state.tails.in_flight(), state.sessions.memory_counts());
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text)
}

/// Counts every answer and its latency, by area.
pub async fn record_metrics(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let area = Area::of(request.uri().path(), &state.config.base_path);
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .request(area, response.status().as_u16(), started.elapsed());
    response
}

/// CSRF defence: the console sends `X-CSRF: 1` on every call. A cross-site
/// form, link or image cannot set a custom header, and a cross-site `fetch`
/// that sets one needs a CORS preflight this server never approves.
async fn require_csrf_header(request: Request, next: Next) -> Response {
    match request.headers().get(CSRF_HEADER) {
        Some(value) if value == "1" => next.run(request).await,
        _ => BffError::CsrfHeaderMissing.into_response(),
    }
}
