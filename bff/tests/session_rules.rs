//! Session lifetimes, response headers, CORS, pass-through of the API's
//! answers, and recovery when the IdP comes up after the BFF.

mod support;

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use support::{BASE, Browser, Options, Stack, bff_config, wait_for_discovery};

async fn me(browser: &mut Browser) -> StatusCode {
    browser.get("/auth/me").await.status()
}

#[tokio::test]
async fn an_idle_session_expires_and_its_api_calls_get_401() {
    let stack = Stack::start_with(Options {
        idle_timeout_secs: 2,
        ..Options::default()
    })
    .await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    assert_eq!(me(&mut browser).await, StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(3200)).await;

    assert_eq!(
        browser.api(Method::GET, "/topics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&mut browser).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn activity_keeps_the_session_alive_until_the_absolute_timeout() {
    let options = Options {
        idle_timeout_secs: 2,
        absolute_timeout_secs: 5,
        ..Options::default()
    };
    let stack = Stack::start_with(options).await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    // Used every second: well past the 2 s idle timeout, the session lives on…
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(browser.api(Method::GET, "/topics").await.status(), StatusCode::OK);
    }
    // …until 5 s after login, however busy.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = browser.api(Method::GET, "/topics").await;
    }
    assert_eq!(
        browser.api(Method::GET, "/topics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&mut browser).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_spa_is_served_with_security_and_cache_headers() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();

    for path in [format!("{BASE}/"), format!("{BASE}/topics/deep/link")] {
        let page = browser.get(&path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let headers = page.headers().clone();
        assert!(
            page.text().await.unwrap().contains("<title>Configurator</title>"),
            "{path}"
        );
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "no-cache",
            "index.html is never cached stale"
        );
    }
    let asset = browser
        .get(&format!("{BASE}/configurator-app-0123456789abcdef.js"))
        .await;
    assert_eq!(
        asset.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn the_spa_is_sent_compressed_to_browsers_that_accept_it() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    let asset = format!("{BASE}/configurator-app-0123456789abcdef.js");

    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli bytes"),
        ("gzip, deflate", Some("gzip"), "gzip bytes"),
        ("identity", None, "export {}"),
    ] {
        let response = browser
            .request(Method::GET, &asset, &[("accept-encoding", accept)], None)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let headers = response.headers().clone();
        assert_eq!(
            headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("javascript"),
            "the type is the file's, not the compression's"
        );
        assert_eq!(headers[header::VARY], "accept-encoding", "{accept}");
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.text().await.unwrap(), body, "{accept}");
    }
}

#[tokio::test]
async fn other_origins_get_no_cors_allowance() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    let preflight = browser
        .request(
            Method::OPTIONS,
            &format!("{BASE}/api/v1/topics"),
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "DELETE"),
                ("access-control-request-headers", "x-csrf"),
            ],
            None,
        )
        .await;
    assert!(
        preflight
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
    let cross = browser
        .request(
            Method::GET,
            &format!("{BASE}/api/v1/topics"),
            &[("origin", "https://evil.example"), ("x-csrf", "1")],
            None,
        )
        .await;
    assert!(cross.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert!(
        cross
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none()
    );
}

#[tokio::test]
async fn a_403_from_the_api_passes_through_unchanged() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("victor", BASE).await;

    let response = browser.api(Method::DELETE, "/topics/forbidden").await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "needs topics:delete");
    assert_eq!(
        me(&mut browser).await,
        StatusCode::OK,
        "a 403 does not end the session"
    );
}

#[tokio::test]
async fn kong_gets_the_bffs_own_key_besides_the_users_token() {
    let options = Options {
        api_key: Some("bff-key-123".into()),
        ..Options::default()
    };
    let stack = Stack::start_with(options).await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;

    assert_eq!(browser.api(Method::GET, "/topics").await.status(), StatusCode::OK);

    let headers = stack.upstream.last_headers();
    assert_eq!(headers["apikey"], "bff-key-123");
    assert!(support::bearer(&headers).is_some());
}

#[tokio::test]
async fn the_bff_starts_before_the_idp_and_recovers_when_it_comes() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    // Reserve a port for the IdP, but start nothing there yet.
    let idp_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://localhost:{idp_port}");
    let config = bff_config(&Options::default(), &origin, &issuer, "http://127.0.0.1:1");
    let app = configurator_bff::app(config).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut browser = Browser::new(&origin);
    let page = browser.get("/auth/login").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("Sign-in is unavailable"));
    assert_eq!(
        browser.get("/healthz").await.status(),
        StatusCode::OK,
        "the BFF itself is up"
    );

    let _idp = support::Idp::start_on(idp_port, &origin, 300).await;
    wait_for_discovery(&origin).await;
    let landed = browser.sign_in("oscar", &format!("{BASE}/topics")).await;
    assert_eq!(landed, format!("{origin}{BASE}/topics"));
}

#[tokio::test]
async fn metrics_count_logins_requests_and_refreshes() {
    let stack = Stack::start().await;
    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    browser.api(Method::GET, "/topics").await;

    let text = browser
        .get(&format!("{}/metrics", stack.origin))
        .await
        .text()
        .await
        .unwrap();

    assert!(
        text.contains("configurator_bff_sessions_started_total 1\n"),
        "{text}"
    );
    assert!(text.contains("configurator_bff_requests_total{area=\"api\",status=\"2xx\"} 1\n"));
    assert!(text.contains("configurator_bff_upstream_duration_seconds_count 1\n"));
    assert!(text.contains("# TYPE configurator_bff_token_refreshes_total counter"));
}

#[tokio::test]
async fn with_redis_two_bff_processes_share_the_session() {
    let redis = std::env::var("CONFIGURATOR_TEST_REDIS")
        .expect("CONFIGURATOR_TEST_REDIS is not set: run scripts/test.sh (it starts redis-server)");
    let options = Options {
        session_store: redis,
        ..Options::default()
    };
    let stack = Stack::start_many(options, 2).await;

    let mut first = stack.browser_of(0);
    first.sign_in("alice", BASE).await;
    let mut second = stack.browser_of(1);
    second.cookies = first.cookies.clone();

    let response = second.api(Method::GET, "/topics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: serde_json::Value = second.get("/auth/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Alice Admin");

    // Logging out through the second ends the session for the first too.
    let out = second
        .request(
            Method::POST,
            &format!("{BASE}/auth/logout"),
            &[("x-csrf", "1")],
            None,
        )
        .await;
    assert_eq!(out.status(), StatusCode::OK);
    assert_eq!(
        first.api(Method::GET, "/topics").await.status(),
        StatusCode::UNAUTHORIZED
    );
}
