//! The BFF against the real IdP: login, session, proxy, logout.

mod support;

use reqwest::{Method, StatusCode, header};
use support::{BASE, Stack, bearer};

const COOKIE: &str = "__Host-configurator";

#[tokio::test]
async fn login_creates_a_session_with_a_new_id_and_returns_to_the_page() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();

    // Starting a login gives an anonymous session holding the attempt...
    let response = browser.get("/auth/login").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let before = browser.cookie(COOKIE).expect("a session for the login attempt");

    let landed = browser.sign_in("alice", &format!("{BASE}/topics?q=orders")).await;

    assert_eq!(landed, format!("{}{BASE}/topics?q=orders", stack.origin));
    let after = browser.cookie(COOKIE).expect("a session cookie");
    assert_ne!(before, after, "the session id must change at login");

    let me = browser.get("/auth/me").await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["name"], "Alice Admin");
    assert_eq!(me["groups"], serde_json::json!(["kafka-admins"]));
    assert_eq!(
        me["clusters"],
        // The API's answer names no registry: the built-in store is the default.
        serde_json::json!([{"cluster": "local", "name": "Local", "environment": "dev",
                            "permissions": ["cluster:read", "topics:read"], "schemas": "builtin"}]),
        "as the API said, per cluster"
    );
    assert_eq!(me["environment"], "local", "ENVIRONMENT_LABEL's default");
    assert!(me.get("access_token").is_none() && !me.to_string().contains("eyJ"));

    // The planted pre-login id is worth nothing now.
    let mut attacker = stack.browser();
    attacker.set_cookie(COOKIE, &before);
    assert_eq!(attacker.get("/auth/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_calls_are_forwarded_with_the_access_token_and_without_the_cookie() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("oscar", BASE).await;

    let response = browser.api(Method::GET, "/topics?page=2").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["path"], "/api/v1/topics?page=2");
    let seen = stack.upstream.last_headers();
    let token = bearer(&seen).expect("a bearer token upstream");
    assert_eq!(token.split('.').count(), 3, "the access token is a JWT");
    assert!(
        seen.get(header::COOKIE).is_none(),
        "the browser's cookie stays at the BFF"
    );
    assert_eq!(seen["x-request-id"], request_id.as_str());
}

#[tokio::test]
async fn without_the_csrf_header_the_api_is_refused_and_never_called() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    for method in [Method::GET, Method::POST, Method::DELETE] {
        let response = browser
            .request(method, &format!("{BASE}/api/v1/topics"), &[], None)
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "csrf_header_missing");
    }
    let logout = browser
        .request(Method::POST, &format!("{BASE}/auth/logout"), &[], None)
        .await;
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    assert_eq!(stack.upstream.calls(), 0);
    // …and the session survived the refused logout.
    assert_eq!(browser.get("/auth/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_session_api_calls_get_401_json_not_a_redirect() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();

    let response = browser.api(Method::GET, "/topics").await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(header::LOCATION).is_none());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(body["error"]["login_url"], format!("{BASE}/auth/login"));
    assert_eq!(stack.upstream.calls(), 0);
}

#[tokio::test]
async fn logout_ends_the_session_and_the_old_cookie_is_worthless() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("victor", BASE).await;
    let cookie = browser.cookie(COOKIE).unwrap();

    let response = browser
        .request(
            Method::POST,
            &format!("{BASE}/auth/logout"),
            &[("x-csrf", "1")],
            None,
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["clear-site-data"], "\"cookies\"");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    let logout_url = body["logout_url"].as_str().unwrap();
    assert!(logout_url.starts_with(&stack.idp.issuer), "{logout_url}");
    assert!(logout_url.contains("id_token_hint="));
    assert!(logout_url.contains("post_logout_redirect_uri="));

    let mut replay = stack.browser();
    replay.set_cookie(COOKIE, &cookie);
    assert_eq!(
        replay.api(Method::GET, "/topics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(replay.get("/auth/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_tampered_or_replayed_state_creates_no_session() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();

    let response = browser
        .get(&format!("{BASE}/auth/callback?code=abc&state=forged"))
        .await;

    support::assert_login_refused(&mut browser, response, "This sign-in has expired").await;
}

#[tokio::test]
async fn return_to_outside_the_app_is_ignored() {
    let stack = Stack::start().await;
    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/other/app",
        "/dev/configurator/../../x",
    ] {
        let mut browser = stack.browser();
        let landed = browser.sign_in("alice", evil).await;
        assert_eq!(landed, format!("{}{BASE}/", stack.origin), "return_to={evil}");
    }
}

/// An attacker who obtains a victim's authorization code cannot use it: not
/// with the victim's `state` (not in the attacker's session), and not with a
/// `state` of their own (PKCE: their verifier does not match the victim's
/// challenge).
#[tokio::test]
async fn a_stolen_authorization_code_is_worthless_in_another_browser() {
    let stack = Stack::start().await;
    let mut victim = stack.browser();
    let callback = victim.sign_in_until_callback("alice", BASE).await;
    let code = query_param(&callback, "code");
    let iss = query_param(&callback, "iss");

    let mut attacker = stack.browser();
    let replayed = attacker.get(&callback).await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    assert!(
        replayed
            .text()
            .await
            .unwrap()
            .contains("This sign-in has expired")
    );

    let own_login = attacker.get("/auth/login").await;
    let own_state = query_param(own_login.headers()[header::LOCATION].to_str().unwrap(), "state");
    let injected = format!(
        "{BASE}/auth/callback?code={code}&state={own_state}&iss={}",
        support::urlencode(&iss)
    );
    let response = attacker.get(&injected).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("Sign-in failed"));
    assert_eq!(attacker.get("/auth/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_answer_claiming_another_issuer_is_refused() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    let callback = browser.sign_in_until_callback("alice", BASE).await;
    let (without_iss, _) = callback
        .split_once("&iss=")
        .expect("the IdP sends iss (RFC 9207)");
    let forged = format!("{without_iss}&iss=https%3A%2F%2Fevil.example");

    let response = browser.get(&forged).await;

    support::assert_login_refused(&mut browser, response, "unexpected identity provider").await;
}

fn query_param(url: &str, name: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://x{}", url.trim_start_matches(|c| c != '/'))).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}
