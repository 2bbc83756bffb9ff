//! The SSO endpoints: login, callback, logout, me.

use axum::{
    Json,
    extract::{Query, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use configurator_api::{LogoutResponse, SessionInfo};
use serde::Deserialize;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::{
    AppState,
    error::BffError,
    metrics::SessionEnd,
    oidc::OidcError,
    percent,
    session::{IDENTITY_KEY, Identity, MAX_PENDING_LOGINS, PENDING_LOGINS_KEY, PendingLogins, now_unix},
};

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// `GET /auth/login?return_to=<path>`: 302 to the IdP.
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Result<Response, Response> {
    let provider = state.provider.get().await.ok_or_else(idp_down_page)?;
    // Discovered once is not up now: do not send the browser to a dead IdP.
    if !provider.reachable().await {
        return Err(idp_down_page());
    }
    let return_to = safe_return_to(&state.config.base_path, query.return_to.as_deref());
    let (url, oauth_state, pending) = provider.begin_login(return_to);

    let mut pending_logins = pending_logins(&session).await.map_err(store_page)?;
    if pending_logins.is_empty() && !state.sessions.admits_anonymous() {
        // A flood of logins that never finish; those in flight stay valid.
        return Err(busy_page());
    }
    let ttl = login_ttl(&state);
    pending_logins.retain(|_, p| now_unix() - p.started_at < ttl);
    while pending_logins.len() >= MAX_PENDING_LOGINS {
        let oldest = pending_logins
            .iter()
            .min_by_key(|(_, p)| p.started_at)
            .map(|(k, _)| k.clone())
            .expect("the map is not empty");
        pending_logins.remove(&oldest);
    }
    pending_logins.insert(oauth_state, pending);
    session
        .insert(PENDING_LOGINS_KEY, pending_logins)
        .await
        .map_err(store_page)?;
    Ok(found(url.as_str()))
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/callback`: finishes the login and starts the session.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, Response> {
    let base = &state.config.base_path;
    let provider = state.provider.get().await.ok_or_else(idp_down_page)?;
    let mut pending_logins = pending_logins(&session).await.map_err(store_page)?;
    // Each attempt is single use: take it out before anything can fail.
    let pending = query.state.as_deref().and_then(|s| pending_logins.remove(s));
    session
        .insert(PENDING_LOGINS_KEY, &pending_logins)
        .await
        .map_err(store_page)?;

    if let Some(error) = query.error {
        let detail = query.error_description.unwrap_or(error);
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in was not completed",
            &detail,
            base,
        ));
    }
    let ttl = login_ttl(&state);
    let Some(pending) = pending.filter(|p| now_unix() - p.started_at < ttl) else {
        let detail = format!(
            "The sign-in answer does not match a sign-in started in this browser in the last {}.",
            minutes(ttl)
        );
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            &detail,
            base,
        ));
    };
    let Some(code) = query.code else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "The identity provider sent no authorization code.",
            base,
        ));
    };
    let signed_in = async {
        provider.check_response_issuer(query.iss.as_deref())?;
        provider.finish_login(code, &pending).await
    }
    .await
    .map_err(|e| match e {
        OidcError::Unavailable(_) => idp_down_page(),
        other => {
            state.metrics.login_failed();
            tracing::warn!(error = %other, "login callback rejected");
            error_page(
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                &other.to_string(),
                base,
            )
        }
    })?;

    // A browser that was signed in already (another tab) gets a fresh start.
    if let Ok(Some(previous)) = session.get::<Identity>(IDENTITY_KEY).await {
        let _ = state.vault.delete(&previous.token_ref).await;
    }
    let signed_in_at = now_unix();
    let absolute_end = OffsetDateTime::now_utc() + state.config.session.absolute_timeout;
    let token_ref = state
        .vault
        .create(&signed_in.tokens, absolute_end)
        .await
        .map_err(store_page)?;
    // New session id at login: an id planted before login is worth nothing after.
    session.cycle_id().await.map_err(store_page)?;
    let identity = Identity {
        sub: signed_in.sub,
        name: signed_in.name,
        email: signed_in.email,
        groups: signed_in.groups,
        signed_in_at,
        token_ref,
    };
    state.metrics.session_started();
    tracing::info!(sub = %identity.sub, "signed in");
    session.insert(IDENTITY_KEY, identity).await.map_err(store_page)?;
    Ok(found(&pending.return_to))
}

/// `GET /auth/me`
pub async fn me(State(state): State<AppState>, session: Session) -> Result<Json<SessionInfo>, BffError> {
    let identity = signed_in(&state, &session).await?;
    let clusters = super::proxy::cluster_access(&state, &session, &identity).await?;
    let session_config = &state.config.session;
    let absolute_end = identity.signed_in_at + session_config.absolute_timeout.as_secs() as i64;
    let idle_end = now_unix() + session_config.idle_timeout.as_secs() as i64;
    Ok(Json(SessionInfo {
        sub: identity.sub,
        name: identity.name,
        email: identity.email,
        groups: identity.groups,
        clusters,
        session_expires_at: absolute_end.min(idle_end),
        environment: state.config.environment_label.clone(),
    }))
}

/// `POST /auth/logout`: ends the session here and hands the SPA the IdP's
/// end-session URL, so the IdP session ends too.
pub async fn logout(State(state): State<AppState>, session: Session) -> Result<Response, BffError> {
    let identity = session.get::<Identity>(IDENTITY_KEY).await?;
    let provider = state.provider.get().await;
    let mut id_token = None;
    if let Some(identity) = &identity {
        if let Some(tokens) = state.vault.load(&identity.token_ref).await? {
            if let Some(provider) = &provider {
                provider.revoke(&tokens).await;
            }
            id_token = tokens.id_token;
        }
        state.vault.delete(&identity.token_ref).await?;
        state.metrics.session_ended(SessionEnd::Logout);
        tracing::info!(sub = %identity.sub, "signed out");
    }
    session.flush().await?;

    let app_root = state.config.public_url("/");
    let logout_url = provider
        .and_then(|p| p.end_session_url(id_token.as_deref(), &app_root))
        .map_or_else(|| app_root.to_string(), |u| u.to_string());
    let mut response = Json(LogoutResponse { logout_url }).into_response();
    response
        .headers_mut()
        .insert("clear-site-data", HeaderValue::from_static("\"cookies\""));
    Ok(response)
}

/// The signed-in identity, or 401 when there is none or the absolute
/// timeout has passed (the idle timeout is the session store's expiry).
pub async fn signed_in(state: &AppState, session: &Session) -> Result<Identity, BffError> {
    let identity = session
        .get::<Identity>(IDENTITY_KEY)
        .await?
        .ok_or_else(|| state.unauthenticated())?;
    let absolute_end = identity.signed_in_at + state.config.session.absolute_timeout.as_secs() as i64;
    if now_unix() >= absolute_end {
        state.metrics.session_ended(SessionEnd::AbsoluteTimeout);
        tracing::info!(sub = %identity.sub, "session reached its absolute timeout");
        state.vault.delete(&identity.token_ref).await?;
        session.flush().await?;
        return Err(state.unauthenticated());
    }
    Ok(identity)
}

/// `Cache-Control: no-store` on every `/auth/*` answer.
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Longer `return_to`s go to the app root: the console's own links are far
/// shorter, and each pending login keeps its `return_to` in the session.
const MAX_RETURN_TO: usize = 2048;

/// `return_to` must be a path of this app; anything else (another origin,
/// `//evil`, `/\evil`, another path on this host, control characters) goes to
/// the app root. The checks apply to the text both as sent and percent-decoded
/// once, since the browser resolves `%2e%2e` as `..` when it follows the
/// redirect.
pub fn safe_return_to(base_path: &str, requested: Option<&str>) -> String {
    let root = format!("{base_path}/");
    let Some(path) = requested else { return root };
    let inside_app = path == base_path
        || path
            .strip_prefix(base_path)
            .is_some_and(|rest| rest.starts_with(['/', '?', '#']));
    let plain = |text: &[u8]| {
        !text.iter().copied().any(|b| b == b'\\' || percent::is_control(b))
            && !contains(text, b"//")
            && !contains(text, b"/..")
            && !contains(text, b"/./")
            && !text.ends_with(b"/.")
    };
    let decoded = percent::decode(path);
    let acceptable = path.len() <= MAX_RETURN_TO
        && inside_app
        && plain(path.as_bytes())
        && decoded.as_deref().is_some_and(plain);
    if acceptable { path.to_owned() } else { root }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn pending_logins(session: &Session) -> Result<PendingLogins, tower_sessions::session::Error> {
    Ok(session
        .get::<PendingLogins>(PENDING_LOGINS_KEY)
        .await?
        .unwrap_or_default())
}

fn found(location: &str) -> Response {
    // 302 rather than axum's 303/307 helpers: the classic answer to a GET login.
    let mut response = Redirect::to(location).into_response();
    *response.status_mut() = StatusCode::FOUND;
    response
}

/// Seconds a login attempt may take.
fn login_ttl(state: &AppState) -> i64 {
    state.config.session.login_timeout.as_secs() as i64
}

/// "10 minutes", "90 seconds".
fn minutes(secs: i64) -> String {
    if secs >= 120 && secs % 60 == 0 {
        format!("{} minutes", secs / 60)
    } else {
        format!("{secs} seconds")
    }
}

fn busy_page() -> Response {
    error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Sign-in is busy",
        "Too many sign-ins are in progress right now. Try again in a few minutes.",
        "",
    )
}

fn idp_down_page() -> Response {
    error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Sign-in is unavailable",
        "The sign-in service is not reachable right now. Try again in a moment.",
        "",
    )
}

/// The page for a session-store failure during login: the same distinction
/// as [`BffError`]'s (unreachable: 503, try again; anything else: our fault).
fn store_page(error: impl Into<BffError>) -> Response {
    match error.into() {
        BffError::SessionStoreUnavailable => error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is unavailable",
            "The console cannot reach its session store right now. Try again in a moment.",
            "",
        ),
        other => {
            tracing::error!(error = %other, "login failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed",
                "Something went wrong on our side.",
                "",
            )
        }
    }
}

/// A plain page for browser navigations (login and callback are not API calls).
fn error_page(status: StatusCode, title: &str, detail: &str, base: &str) -> Response {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let retry = if base.is_empty() {
        String::new()
    } else {
        format!(
            r#"<p><a href="{}/auth/login">Sign in again</a></p>"#,
            escape(base)
        )
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} — Configurator</title></head>\
         <body><main><h1>{title}</h1><p>{detail}</p>{retry}</main></body></html>",
        title = escape(title),
        detail = escape(detail),
    );
    (status, Html(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    const BASE: &str = "/dev/configurator";

    #[test]
    fn keeps_paths_of_the_app() {
        for ok in [
            "/dev/configurator",
            "/dev/configurator/",
            "/dev/configurator/topics?q=a",
            "/dev/configurator/topics#x",
        ] {
            assert_eq!(safe_return_to(BASE, Some(ok)), ok);
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "https://evil.example/",
            "//evil.example/dev/configurator/",
            "/\\evil.example",
            "/dev/configuratorX",
            "/dev/configurator//evil.example",
            "/dev/configurator/../admin",
            "/other",
            "dev/configurator/topics",
            "/dev/configurator/\r\nSet-Cookie: x",
            "/dev/configurator/%2e%2e/admin",
            "/dev/configurator/.%2E/admin",
            "/dev/configurator/%2f%2fevil.example",
            "/dev/configurator/%5cevil.example",
            "/dev/configurator/./topics",
            "/dev/configurator/topics/.",
            "/dev/configurator/%zz",
        ] {
            assert_eq!(safe_return_to(BASE, Some(bad)), "/dev/configurator/", "{bad}");
        }
        let long = format!("/dev/configurator/topics?q={}", "a".repeat(2048));
        assert_eq!(safe_return_to(BASE, Some(&long)), "/dev/configurator/");
        assert_eq!(safe_return_to(BASE, None), "/dev/configurator/");
    }

    #[test]
    fn refuses_control_characters_raw_or_percent_encoded() {
        let mut controls: Vec<u8> = (0u8..0x20).collect();
        controls.push(0x7f);
        for byte in controls {
            let raw = format!("/dev/configurator/topics{}x", byte as char);
            assert_eq!(safe_return_to(BASE, Some(&raw)), "/dev/configurator/", "{raw:?}");
            for encoded in [format!("%{byte:02x}"), format!("%{byte:02X}")] {
                let path = format!("/dev/configurator/topics?q={encoded}");
                assert_eq!(safe_return_to(BASE, Some(&path)), "/dev/configurator/", "{path}");
            }
        }
        // Printable text, encoded or not, is kept.
        for ok in [
            "/dev/configurator/topics?q=a%20b",
            "/dev/configurator/topics?q=%7e~",
            "/dev/configurator/x%2ey",
        ] {
            assert_eq!(safe_return_to(BASE, Some(ok)), ok);
        }
        assert_eq!(safe_return_to(BASE, None), "/dev/configurator/");
    }
}
