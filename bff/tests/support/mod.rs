//! Harness for the BFF's tests: the real IdP (scripts/idp, oidc-provider on
//! Node), the BFF served over HTTP on a free port, and a recording upstream in
//! the place of the API, so tests see exactly what the BFF forwards.

#![allow(dead_code)]

use std::{
    collections::HashMap,
    net::TcpListener as StdListener,
    path::PathBuf,
    process::{Child, Command},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    extract::Request,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
};
use configurator_bff::config::Config;
use reqwest::{header, redirect::Policy};

pub const BASE: &str = "/dev/configurator";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process, killed when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The local IdP as a child process; killed when dropped.
pub struct Idp {
    child: Child,
    pub issuer: String,
    /// Every token response of the IdP, one JSON line each (`IDP_TOKEN_LOG`).
    pub token_log: PathBuf,
}

impl Idp {
    pub async fn start(app_origin: &str, access_token_ttl: u32) -> Self {
        Self::start_on(free_port(), app_origin, access_token_ttl).await
    }

    pub async fn start_on(port: u16, app_origin: &str, access_token_ttl: u32) -> Self {
        // About one start in two hundred here stalls before it listens (its
        // output ends after oidc-provider's runtime warning, the process
        // stays alive; the cause is not found yet): a stalled IdP is stopped
        // and started again, and only a third failure fails the test.
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Self::try_start(port, app_origin, access_token_ttl).await {
                Ok(idp) => return idp,
                Err(why) => failures.push(why),
            }
        }
        panic!("the IdP did not start three times:\n{}", failures.join("\n"));
    }

    async fn try_start(port: u16, app_origin: &str, access_token_ttl: u32) -> Result<Self, String> {
        let issuer = format!("http://localhost:{port}");
        let token_log = std::env::temp_dir().join(format!("configurator-bff-test-tokens-{port}.jsonl"));
        let _ = std::fs::remove_file(&token_log);
        // Both streams kept, so a start that fails says why (the IdP prints
        // "IdP ready" on stdout once it listens, its errors on stderr).
        let output = std::fs::File::create(token_log.with_extension("stderr")).expect("a temp file");
        let child = Command::new("node")
            .arg(repo_root().join("scripts/idp/server.js"))
            .env("IDP_TOKEN_LOG", &token_log)
            .env("IDP_PORT", port.to_string())
            .env("IDP_APP_ORIGINS", app_origin)
            .env("IDP_ACCESS_TOKEN_TTL", access_token_ttl.to_string())
            .stdout(output.try_clone().expect("a second handle"))
            .stderr(output)
            .spawn()
            .expect("node runs the IdP (run scripts/setup.sh first)");
        let mut idp = Self {
            child,
            issuer,
            token_log,
        };
        // Each probe is bounded: a port held by something that accepts and
        // never answers must not stall the wait.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let url = format!("{}/.well-known/openid-configuration", idp.issuer);
        let mut last = String::from("no probe answered");
        // Node starts in well under a second, but the tests start many IdPs at
        // once on 2 cores, beside compilers: allow 20 s before calling it stalled.
        let until = std::time::Instant::now() + Duration::from_secs(20);
        while std::time::Instant::now() < until {
            match http.get(&url).send().await {
                Ok(r) if r.status().is_success() => return Ok(idp),
                Ok(r) => last = format!("the last probe was answered {}", r.status()),
                Err(e) => last = format!("the last probe failed: {e:?}"),
            }
            if let Ok(Some(status)) = idp.child.try_wait() {
                last = format!("the IdP exited ({status})");
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let output = std::fs::read_to_string(idp.token_log.with_extension("stderr")).unwrap_or_default();
        let port_state = |addr: &str| match std::net::TcpStream::connect_timeout(
            &addr.parse().unwrap(),
            Duration::from_secs(1),
        ) {
            Ok(_) => format!("{addr} accepts connections"),
            Err(e) => format!("{addr}: {e}"),
        };
        let why = format!(
            "the IdP did not become ready at {url}: {last}; {}; {}; its output:\n{output}",
            port_state(&format!("127.0.0.1:{port}")),
            port_state(&format!("[::1]:{port}")),
        );
        eprintln!("{why}");
        // Dropping `idp` stops the stalled process before the next try.
        drop(idp);
        Err(why)
    }
}

impl Idp {
    pub fn port(&self) -> u16 {
        self.issuer.rsplit_once(':').unwrap().1.parse().unwrap()
    }

    /// The token responses so far, oldest first.
    pub fn issued(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.token_log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub fn refresh_grants(&self) -> usize {
        self.issued()
            .iter()
            .filter(|t| t["grant_type"] == "refresh_token")
            .count()
    }

    /// Revokes a refresh token as an administrator would (RFC 7009).
    pub async fn revoke(&self, refresh_token: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/token/revocation", self.issuer))
            .basic_auth("configurator-bff", Some("configurator-local-secret"))
            .form(&[("token", refresh_token), ("token_type_hint", "refresh_token")])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "revocation: {}",
            response.status()
        );
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the recording upstream saw, and what it answers.
#[derive(Clone, Default)]
pub struct Upstream {
    pub seen: Arc<Mutex<Vec<(String, HeaderMap)>>>,
    /// Answer 401 to requests bearing these access tokens.
    pub refuse_tokens: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = Router::new().fallback(move |request: Request| {
            let me = me.clone();
            async move {
                let path = request.uri().to_string();
                let headers = request.headers().clone();
                let bearer = bearer(&headers).unwrap_or_default();
                me.seen.lock().unwrap().push((path.clone(), headers));
                if me.refuse_tokens.lock().unwrap().contains(&bearer) {
                    return (StatusCode::UNAUTHORIZED, "{}").into_response();
                }
                if path == "/api/v1/me" {
                    let me = serde_json::json!({"subject": "s", "name": "n", "groups": [], "roles": ["viewer"],
                        "clusters": [{"cluster": "local", "name": "Local", "environment": "dev",
                                      "permissions": ["cluster:read", "topics:read"]}]});
                    return axum::Json(me).into_response();
                }
                if path.contains("/forbidden") {
                    let body =
                        serde_json::json!({"error": {"code": "forbidden", "message": "needs topics:delete"}});
                    return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
                }
                axum::Json(serde_json::json!({"path": path})).into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    pub fn calls(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn last_headers(&self) -> HeaderMap {
        self.seen
            .lock()
            .unwrap()
            .last()
            .expect("the upstream was called")
            .1
            .clone()
    }
}

pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_owned)
}

/// IdP + BFF + recording upstream.
pub struct Stack {
    pub idp: Idp,
    pub upstream: Upstream,
    /// e.g. `http://localhost:PORT`
    pub origin: String,
    pub origins: Vec<String>,
}

pub fn bff_config(options: &Options, origin: &str, issuer: &str, upstream_url: &str) -> Config {
    let spa_dir = spa_dir();
    let vars = [
        ("PUBLIC_URL", origin.to_owned()),
        ("OIDC_ISSUER", issuer.to_owned()),
        ("UPSTREAM_URL", upstream_url.to_owned()),
        ("UPSTREAM_API_KEY", options.api_key.clone().unwrap_or_default()),
        ("SPA_DIR", spa_dir.to_str().unwrap().to_owned()),
        ("SESSION_STORE", options.session_store.clone()),
        ("OIDC_REFRESH_SKEW_SECS", options.refresh_skew_secs.to_string()),
        ("SESSION_IDLE_TIMEOUT_SECS", options.idle_timeout_secs.to_string()),
        (
            "SESSION_ABSOLUTE_TIMEOUT_SECS",
            options.absolute_timeout_secs.to_string(),
        ),
        (
            "SESSION_LOGIN_TIMEOUT_SECS",
            options.login_timeout_secs.to_string(),
        ),
        ("SESSION_MAX_ANONYMOUS", options.max_anonymous.to_string()),
        ("UPSTREAM_TIMEOUT_SECS", options.upstream_timeout_secs.to_string()),
    ];
    Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
        .expect("test config is valid")
}

/// Asserts that a login callback was refused with a page saying `why`, and
/// that no session came of it.
pub async fn assert_login_refused(browser: &mut Browser, response: reqwest::Response, why: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains(why), "expected {why:?} in {page}");
    assert_eq!(browser.get("/auth/me").await.status(), StatusCode::UNAUTHORIZED);
}

/// A gauge or counter from `GET /metrics` (without labels).
pub async fn metric(origin: &str, name: &str) -> f64 {
    let text = reqwest::get(format!("{origin}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no metric {name} in:\n{text}"))
}

/// Waits until the BFF has discovered the IdP (its login redirects). A BFF
/// that started before its IdP retries discovery with a backoff of up to
/// 30 s (`bff/src/oidc`), and an IdP that stalled at start is retried after
/// 20 s (`Idp::start_on`): give it longer than that backoff.
pub async fn wait_for_discovery(origin: &str) {
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let url = format!("{origin}{BASE}/auth/login");
    let until = std::time::Instant::now() + Duration::from_secs(40);
    while std::time::Instant::now() < until {
        // A BFF process may not even listen yet.
        if http
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::FOUND)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the BFF at {origin} never discovered the IdP");
}

pub struct Options {
    /// `memory` or a Redis URL.
    pub session_store: String,
    /// The BFF's Kong key (`UPSTREAM_API_KEY`).
    pub api_key: Option<String>,
    pub access_token_ttl: u32,
    pub refresh_skew_secs: u64,
    pub idle_timeout_secs: u64,
    pub absolute_timeout_secs: u64,
    pub login_timeout_secs: u64,
    pub max_anonymous: usize,
    pub upstream_timeout_secs: u64,
    /// Another upstream than the recording one (which still starts).
    pub upstream_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            session_store: "memory".into(),
            api_key: None,
            access_token_ttl: 300,
            refresh_skew_secs: 10,
            idle_timeout_secs: 1800,
            absolute_timeout_secs: 28800,
            login_timeout_secs: 600,
            max_anonymous: 100_000,
            upstream_timeout_secs: 30,
            upstream_url: None,
        }
    }
}

impl Stack {
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> Self {
        Self::start_many(options, 1).await
    }

    /// `count` BFF processes (as far as sessions go) sharing one IdP and one
    /// upstream; `origins[0]` is the first one's.
    pub async fn start_many(options: Options, count: usize) -> Self {
        let mut listeners = Vec::new();
        for _ in 0..count {
            listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
        }
        let origins: Vec<String> = listeners
            .iter()
            .map(|l| format!("http://localhost:{}", l.local_addr().unwrap().port()))
            .collect();
        let idp = Idp::start(&origins.join(","), options.access_token_ttl).await;
        let upstream = Upstream::default();
        let recording_url = upstream.start().await;
        let upstream_url = options.upstream_url.clone().unwrap_or(recording_url);
        for (listener, origin) in listeners.into_iter().zip(&origins) {
            let app = configurator_bff::app(bff_config(&options, origin, &idp.issuer, &upstream_url))
                .await
                .unwrap();
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        }
        let stack = Self {
            idp,
            upstream,
            origin: origins[0].clone(),
            origins,
        };
        for origin in &stack.origins {
            wait_for_discovery(origin).await;
        }
        stack
    }

    /// A browser talking to the `i`-th BFF.
    pub fn browser_of(&self, i: usize) -> Browser {
        Browser::new(&self.origins[i])
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.origin)
    }
}

/// A built SPA in miniature: `index.html` and one hashed asset, with the
/// compressed copies a release build writes beside it (stand-in bytes: the
/// BFF sends them as they are).
pub fn spa_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("configurator-bff-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Configurator</title>",
    )
    .unwrap();
    std::fs::write(dir.join("configurator-app-0123456789abcdef.js"), "export {}").unwrap();
    std::fs::write(
        dir.join("configurator-app-0123456789abcdef.js.br"),
        "brotli bytes",
    )
    .unwrap();
    std::fs::write(dir.join("configurator-app-0123456789abcdef.js.gz"), "gzip bytes").unwrap();
    dir
}

/// A browser, as far as the BFF and the IdP can tell: follows redirects by
/// hand and keeps cookies (including `Secure` ones on http://localhost, as
/// Chromium does).
pub struct Browser {
    origin: String,
    http: reqwest::Client,
    pub cookies: HashMap<String, HashMap<String, String>>,
}

impl Browser {
    pub fn new(origin: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        Self {
            origin: origin.to_owned(),
            http,
            cookies: HashMap::new(),
        }
    }

    fn host_of(url: &str) -> String {
        reqwest::Url::parse(url).unwrap().host_str().unwrap().to_owned()
    }

    fn absolute(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else if path_or_url.starts_with(BASE) {
            format!("{}{path_or_url}", self.origin)
        } else {
            format!("{}{BASE}{path_or_url}", self.origin)
        }
    }

    /// A second tab of the same browser (same cookies).
    pub fn tab(&self) -> Self {
        Self {
            origin: self.origin.clone(),
            http: self.http.clone(),
            cookies: self.cookies.clone(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get("localhost").and_then(|c| c.get(name)).cloned()
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies
            .entry("localhost".into())
            .or_default()
            .insert(name.into(), value.into());
    }

    pub async fn request(
        &mut self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
        form: Option<&[(&str, &str)]>,
    ) -> reqwest::Response {
        let url = self.absolute(url);
        let host = Self::host_of(&url);
        let mut request = self.http.request(method, &url);
        if let Some(jar) = self.cookies.get(&host) {
            let cookie = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header(header::COOKIE, cookie);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(form) = form {
            request = request.form(form);
        }
        let response = request.send().await.unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let jar = self.cookies.entry(host.clone()).or_default();
            let expired = set.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            if expired {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        response
    }

    pub async fn get(&mut self, url: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, url, &[], None).await
    }

    /// An API call as the SPA makes it.
    pub async fn api(&mut self, method: reqwest::Method, path: &str) -> reqwest::Response {
        self.request(method, &format!("{BASE}/api/v1{path}"), &[("x-csrf", "1")], None)
            .await
    }

    /// Follows redirects from `url` until a page that is not a redirect, or
    /// until the next hop would leave for `stop_at` (returned unvisited).
    pub async fn follow(&mut self, url: &str) -> (String, reqwest::Response) {
        let mut url = self.absolute(url);
        for _ in 0..15 {
            let response = self.get(&url).await;
            match response.headers().get(header::LOCATION) {
                Some(location) if response.status().is_redirection() => {
                    url = reqwest::Url::parse(&url)
                        .unwrap()
                        .join(location.to_str().unwrap())
                        .unwrap()
                        .to_string();
                }
                _ => return (url, response),
            }
        }
        panic!("too many redirects");
    }

    /// Signs in through the IdP's form, starting at the BFF's login.
    /// Returns the URL the browser ended on.
    pub async fn sign_in(&mut self, user: &str, return_to: &str) -> String {
        let callback = self.sign_in_until_callback(user, return_to).await;
        let (end, _) = self.follow(&callback).await;
        end
    }

    /// Like [`Self::sign_in`], but stops at the IdP's redirect back to the
    /// BFF and returns that callback URL (code, state, iss) unvisited.
    pub async fn sign_in_until_callback(&mut self, user: &str, return_to: &str) -> String {
        let login = format!("{BASE}/auth/login?return_to={}", urlencode(return_to));
        let (form_url, page) = self.follow(&login).await;
        let html = page.text().await.unwrap();
        assert!(
            html.contains("Sign in"),
            "expected the IdP login form, got: {html}"
        );
        let action = html
            .split("action=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        let mut url = reqwest::Url::parse(&form_url)
            .unwrap()
            .join(&action)
            .unwrap()
            .to_string();
        let mut response = self
            .request(
                reqwest::Method::POST,
                &url,
                &[],
                Some(&[("username", user), ("password", user)]),
            )
            .await;
        for _ in 0..15 {
            let location = response.headers()[header::LOCATION].to_str().unwrap().to_owned();
            url = reqwest::Url::parse(&url)
                .unwrap()
                .join(&location)
                .unwrap()
                .to_string();
            if url.contains("/auth/callback") {
                return url;
            }
            response = self.get(&url).await;
        }
        panic!("the IdP never redirected back to the BFF");
    }
}

pub fn urlencode(s: &str) -> String {
    url_escape(s)
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A release binary of the workspace, for the benchmarks (examples/): where
/// cargo put it, CARGO_TARGET_DIR (set by scripts/common.sh in CI) or target/.
pub fn release_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let path = target.join("release").join(name);
    assert!(
        path.exists(),
        "{} is missing: cargo build --release --bin {name}",
        path.display()
    );
    path
}

/// A process's resident set (`VmRSS`) or its peak so far (`VmHWM`), in KiB.
pub fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}
