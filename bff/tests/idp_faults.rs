//! The IdP failing under a running BFF, for real: the IdP process is killed
//! and restarted on its port (a restarted local IdP has new signing keys and
//! has forgotten every grant, as after a key rotation and a data loss).

mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use support::{BASE, Browser, Idp, Options, Stack};

/// Polls `/auth/login` until it answers the "unavailable" page; returns how
/// long that took.
async fn login_page_says_unavailable(origin: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let page = Browser::new(origin).get("/auth/login").await;
        if page.status() == StatusCode::SERVICE_UNAVAILABLE {
            let html = page.text().await.unwrap();
            assert!(
                html.contains("The sign-in service is not reachable right now"),
                "{html}"
            );
            return started.elapsed();
        }
        assert_eq!(page.status(), StatusCode::FOUND);
        assert!(
            started.elapsed() < within,
            "/auth/login still redirects to the dead IdP after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn with_the_idp_down_login_says_so_and_signed_in_people_work_until_their_refresh() {
    // Access tokens live 8 s and are refreshed 2 s before: due 6 s after login.
    let Stack { idp, origin, .. } = Stack::start_with(Options {
        access_token_ttl: 8,
        refresh_skew_secs: 2,
        ..Options::default()
    })
    .await;
    let mut browser = Browser::new(&origin);
    browser.sign_in("alice", BASE).await;
    let signed_in = Instant::now();
    let idp_port = idp.port();
    drop(idp);

    let took = login_page_says_unavailable(&origin, Duration::from_secs(5)).await;
    println!("/auth/login said the IdP is unavailable {took:?} after it died");
    // Signed in before, still working: the access token is good until it is due.
    assert_eq!(browser.api(Method::GET, "/topics").await.status(), StatusCode::OK);
    assert_eq!(browser.get("/auth/me").await.status(), StatusCode::OK);

    // Once the refresh is due, the call says the IdP is unavailable (503,
    // retry later) and does not end the session.
    tokio::time::sleep(Duration::from_secs(6).saturating_sub(signed_in.elapsed())).await;
    let started = Instant::now();
    let response = browser.api(Method::GET, "/topics").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "identity_provider_unavailable", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // /auth/me cannot say what the person may do without a usable token: the
    // same 503. Neither ends the session (that would be a 401).
    let me = browser.get("/auth/me").await;
    assert_eq!(me.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = me.json().await.unwrap();
    assert_eq!(body["error"]["code"], "identity_provider_unavailable", "{body}");
    assert_eq!(
        browser.api(Method::GET, "/topics").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    // The IdP comes back (with new keys and no memory of the grant): sign-in
    // works again without restarting the BFF.
    let _idp = Idp::start_on(idp_port, &origin, 8).await;
    support::wait_for_discovery(&origin).await;
    let mut later = Browser::new(&origin);
    let landed = later.sign_in("oscar", &format!("{BASE}/topics")).await;
    assert_eq!(landed, format!("{origin}{BASE}/topics"));
    assert_eq!(later.get("/auth/me").await.status(), StatusCode::OK);
    // The old session's grant is gone at the IdP: its refresh is refused, it ends.
    assert_eq!(
        browser.api(Method::GET, "/topics").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn new_signing_keys_at_the_idp_do_not_break_sign_in() {
    let Stack { idp, origin, .. } = Stack::start().await;
    let mut before = Browser::new(&origin);
    before.sign_in("alice", BASE).await;
    let old_keys = jwks(&idp.issuer).await;

    // A restart is a rotation: the local IdP generates its keys at start.
    let port = idp.port();
    drop(idp);
    let idp = Idp::start_on(port, &origin, 300).await;
    assert_ne!(jwks(&idp.issuer).await, old_keys, "the IdP has new keys");

    for user in ["oscar", "victor"] {
        let mut browser = Browser::new(&origin);
        let landed = browser.sign_in(user, BASE).await;
        assert_eq!(landed, format!("{origin}{BASE}"), "{user} signed in");
        assert_eq!(browser.get("/auth/me").await.status(), StatusCode::OK, "{user}");
    }
}

async fn jwks(issuer: &str) -> serde_json::Value {
    let get =
        async |url: &str| -> serde_json::Value { reqwest::get(url).await.unwrap().json().await.unwrap() };
    let discovery = get(&format!("{issuer}/.well-known/openid-configuration")).await;
    get(discovery["jwks_uri"].as_str().unwrap()).await
}
