//! The BFF's message export: it pages through the API's browse (500 whole
//! records a page, the range and filters as asked, the session's token) and
//! streams one NDJSON or CSV file; the API's refusal of the first page is
//! passed on as the proxy would, a failure after the first byte aborts the
//! download, and without a session it is the usual 401.
//!
//! The API is a local server answering three pages, then no cursor.

mod support;

use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    extract::Request,
    http::StatusCode as AxumStatus,
    response::{IntoResponse, Response},
};
use configurator_api::{Data, ErrorEnvelope, Header, Message, MessagePage};
use reqwest::{Method, StatusCode};
use support::{BASE, Browser, Options, Stack, bearer};

const EXPORT: &str = "/clusters/local/topics/orders/messages/export";

fn page(messages: Vec<Message>, cursor: Option<&str>) -> MessagePage {
    MessagePage {
        scanned: messages.len() as u64,
        messages,
        bytes: 0,
        stopped_early: None,
        cursor: cursor.map(str::to_owned),
        registry_error: None,
        filter_errors: 0,
    }
}

fn message(offset: i64, key: Option<Data>, value: Option<Data>, headers: Vec<Header>) -> Message {
    Message {
        partition: 0,
        offset,
        timestamp: Some(1_700_000_000_000 + offset),
        key,
        value,
        headers,
    }
}

/// The three pages the API answers for `orders`, by cursor.
fn pages() -> [MessagePage; 3] {
    [
        page(
            vec![
                message(0, Some(Data::text("k0")), Some(Data::text("plain")), vec![]),
                message(
                    1,
                    Some(Data::text("a,b")),
                    Some(Data::text("say \"hi\"\nbye")),
                    vec![Header {
                        key: "trace".into(),
                        value: Some(Data::text("t-1")),
                    }],
                ),
            ],
            Some("p2"),
        ),
        page(
            vec![message(
                2,
                Some(Data {
                    data: "AAH/".into(),
                    base64: true,
                    ..Data::default()
                }),
                Some(Data {
                    data: "framed".into(),
                    decoded: Some(serde_json::json!({"id": 7, "note": "x,y"})),
                    ..Data::default()
                }),
                vec![],
            )],
            Some("p3"),
        ),
        page(vec![message(3, None, None, vec![])], None),
    ]
}

/// What the API saw: path and query, and whether a bearer token came along.
#[derive(Clone, Default)]
struct PagedApi {
    seen: Arc<Mutex<Vec<(String, bool)>>>,
}

impl PagedApi {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = Router::new().fallback(move |request: Request| {
            let me = me.clone();
            async move { me.answer(request) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn answer(&self, request: Request) -> Response {
        let uri = request.uri().to_string();
        let has_token = bearer(request.headers()).is_some();
        self.seen.lock().unwrap().push((uri.clone(), has_token));
        let path = request.uri().path();
        let cursor = url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == "cursor")
            .map(|(_, v)| v.into_owned());
        let [one, two, three] = pages();
        match (path, cursor.as_deref()) {
            ("/api/v1/clusters/local/topics/bad/messages", _) => {
                let refusal = ErrorEnvelope::new("invalid_filter", "The filter does not parse.")
                    .with_field("filter")
                    .with_request_id("from-the-api");
                (AxumStatus::BAD_REQUEST, Json(refusal)).into_response()
            }
            ("/api/v1/clusters/local/topics/broken/messages", Some(_)) => {
                let failure = ErrorEnvelope::new("cluster_unavailable", "Kafka did not answer.");
                (AxumStatus::SERVICE_UNAVAILABLE, Json(failure)).into_response()
            }
            (
                "/api/v1/clusters/local/topics/orders/messages"
                | "/api/v1/clusters/local/topics/broken/messages",
                None,
            ) => Json(one).into_response(),
            ("/api/v1/clusters/local/topics/orders/messages", Some("p2")) => Json(two).into_response(),
            ("/api/v1/clusters/local/topics/orders/messages", Some("p3")) => Json(three).into_response(),
            _ => (AxumStatus::NOT_FOUND, Json(ErrorEnvelope::new("not_found", uri))).into_response(),
        }
    }

    fn take(&self) -> Vec<(String, bool)> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

async fn export(browser: &mut Browser, query: &str) -> reqwest::Response {
    browser.api(Method::GET, &format!("{EXPORT}?{query}")).await
}

#[tokio::test]
async fn exports_join_the_pages_into_one_file_and_refusals_pass_through() {
    let api = PagedApi::default();
    let stack = Stack::start_with(Options {
        upstream_url: Some(api.start().await),
        ..Options::default()
    })
    .await;

    // No session: the usual 401, and the API is not asked.
    let mut stranger = stack.browser();
    let response = export(&mut stranger, "format=csv").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(body.error.code, "unauthenticated");
    assert!(body.error.login_url.is_some());
    assert!(api.take().is_empty());

    let mut browser = stack.browser();
    browser.sign_in("alice", BASE).await;
    api.take();

    // NDJSON: one Message per line, the three pages in order.
    let response = export(
        &mut browser,
        "format=ndjson&partition=0&filter=value.id%20%3E%201",
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/x-ndjson");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"orders.ndjson\""
    );
    assert_eq!(headers["x-export-max-records"], "200000");
    assert_eq!(headers["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    let lines: Vec<Message> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let want: Vec<Message> = pages().into_iter().flat_map(|p| p.messages).collect();
    assert_eq!(lines, want);
    assert!(text.ends_with('\n'));
    let seen = api.take();
    let queries: Vec<&str> = seen.iter().map(|(uri, _)| uri.as_str()).collect();
    assert_eq!(
        queries,
        [
            "/api/v1/clusters/local/topics/orders/messages?partition=0&filter=value.id+%3E+1&limit=500&whole=true",
            "/api/v1/clusters/local/topics/orders/messages?partition=0&filter=value.id+%3E+1&limit=500&whole=true&cursor=p2",
            "/api/v1/clusters/local/topics/orders/messages?partition=0&filter=value.id+%3E+1&limit=500&whole=true&cursor=p3",
        ]
    );
    assert!(
        seen.iter().all(|(_, token)| *token),
        "every page with the person's token"
    );

    // CSV: a header, RFC 4180 quoting, decoded JSON, base64 marked, headers as JSON.
    let response = export(&mut browser, "format=csv&from=offset:0").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"orders.csv\""
    );
    let csv = response.text().await.unwrap();
    assert_eq!(
        csv,
        concat!(
            "partition,offset,timestamp,key,value,headers\r\n",
            "0,0,1700000000000,k0,plain,{}\r\n",
            "0,1,1700000000001,\"a,b\",\"say \"\"hi\"\"\nbye\",\"{\"\"trace\"\":\"\"t-1\"\"}\"\r\n",
            "0,2,1700000000002,base64:AAH/,\"{\"\"id\"\":7,\"\"note\"\":\"\"x,y\"\"}\",{}\r\n",
            "0,3,1700000000003,,,{}\r\n",
        )
    );
    assert!(api.take()[0].0.contains("from=offset%3A0"));

    // The first page refused: the API's status and envelope, as the proxy passes them.
    let response = browser
        .api(
            Method::GET,
            "/clusters/local/topics/bad/messages/export?format=csv&filter=value.",
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(body.error.code, "invalid_filter");
    assert_eq!(body.error.field.as_deref(), Some("filter"));

    // A failure after the file started aborts the download: never a file
    // that looks complete.
    let response = browser
        .api(Method::GET, "/clusters/local/topics/broken/messages/export")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.is_err(), "the body must not end cleanly");

    // A format the export does not have: 400 in the envelope, the API not asked.
    api.take();
    let response = export(&mut browser, "format=xml").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: ErrorEnvelope = response.json().await.unwrap();
    assert_eq!(body.error.code, "invalid_query");
    assert!(api.take().is_empty());

    // Like every API call, it needs the console's CSRF header.
    let response = browser
        .request(Method::GET, &format!("{BASE}/api/v1{EXPORT}"), &[], None)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
