//! Configurator's backend-for-frontend.
//!
//! Everything lives under the base path (default `/dev/configurator`):
//! - `auth/*`: the SSO login ([`routes::auth`]); tokens stay in the server-side
//!   session ([`session`]), the browser holds only an opaque cookie;
//! - `api/v1/*`: forwarded to the API with the session's access token
//!   ([`routes::proxy`]), refreshed when needed ([`refresh`]);
//! - everything else: the SPA ([`routes::spa`]).

pub mod config;
pub mod error;
mod metrics;
pub mod oidc;
mod percent;
mod refresh;
mod routes;
pub mod session;
mod tails;
mod upstream;

use std::sync::Arc;

use axum::{Router, middleware};
use time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    config::Config,
    error::BffError,
    metrics::Metrics,
    oidc::ProviderHandle,
    refresh::Refresher,
    session::{Store, TokenVault},
    tails::TailSlots,
    upstream::Upstream,
};

/// The longest a live tail's poll takes at the API: `TAIL_MAX_WAIT_MS` of
/// waiting, `TAIL_MIN_INTERVAL_MS` of pacing and the read (about 7 s). The
/// upstream timeout (UPSTREAM_TIMEOUT_SECS, 30 s by default) should be well
/// above it, or tails end in 504s.
const TAIL_POLL_SECS: u64 = 7;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub provider: ProviderHandle,
    pub vault: TokenVault,
    /// The session store itself, for its limits and counts.
    sessions: Store,
    refresher: Arc<Refresher>,
    metrics: Arc<Metrics>,
    upstream: Arc<Upstream>,
    /// Live tail polls in flight, per session.
    tails: Arc<TailSlots>,
}

impl AppState {
    /// The answer to an API call without a live session: 401 with where to
    /// log in (the SPA adds the page to come back to).
    pub fn unauthenticated(&self) -> BffError {
        BffError::Unauthenticated {
            login_url: format!("{}/auth/login", self.config.base_path),
        }
    }
}

/// Builds the whole application; discovery of the IdP starts in the background.
pub async fn app(config: Config) -> anyhow::Result<Router> {
    let store = Store::connect(&config.session).await?;
    let session_layer = session_layer(&config, store.clone());
    let upstream = Arc::new(Upstream::new(&config.upstream).await?);
    if config.upstream.timeout.as_secs() < 2 * TAIL_POLL_SECS {
        tracing::warn!(
            timeout_secs = config.upstream.timeout.as_secs(),
            "UPSTREAM_TIMEOUT_SECS is not well above a live tail's long poll (about {TAIL_POLL_SECS} s): tails may end in 504"
        );
    }
    let state = AppState {
        provider: ProviderHandle::spawn_discovery(config.clone()),
        vault: TokenVault::new(store.clone()),
        sessions: store,
        refresher: Arc::default(),
        metrics: Arc::default(),
        upstream,
        tails: Arc::default(),
        config: Arc::new(config),
    };

    let under_base = routes::under_base(&state, session_layer)?;
    let base = state.config.base_path.clone();
    Ok(Router::new()
        .nest(&base, under_base)
        .route_service(
            &format!("{base}/"),
            routes::app_root(&state)?.with_state(state.clone()),
        )
        .merge(routes::outside_base())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            routes::record_metrics,
        ))
        .layer(middleware::from_fn(
            configurator_api::server::request_id_and_access_log,
        ))
        .with_state(state))
}

fn session_layer(config: &Config, store: Store) -> SessionManagerLayer<Store> {
    let idle = Duration::seconds(config.session.idle_timeout.as_secs() as i64);
    // `__Host-` makes the browser insist on Secure, Path=/ and no Domain.
    let name = if config.session.cookie_secure {
        "__Host-configurator"
    } else {
        "configurator"
    };
    SessionManagerLayer::new(store)
        .with_name(name)
        .with_secure(config.session.cookie_secure)
        .with_http_only(true)
        // Lax, not Strict: Strict would drop the cookie on the redirect back from the IdP.
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        // Saved on every request so the idle timeout slides (see `session`).
        .with_always_save(true)
}
