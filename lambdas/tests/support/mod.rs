//! Test harness for the Lambdas: a real broker (nisshi, started by
//! `scripts/test.sh`), a JWKS endpoint we control, and the API served over
//! real HTTP on an ephemeral port.

#![allow(dead_code)]

use std::{
    net::SocketAddr,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{Json, Router, routing::get};
use configurator_lambdas::{
    AppState,
    clusters::{ClusterSet, ClusterSettings},
    config::{Config, KafkaConfig, OidcConfig},
    router,
};
use jsonwebtoken::{
    Algorithm, EncodingKey, Header,
    jwk::{Jwk, JwkSet},
};
use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
};
use serde_json::{Value, json};

pub const AUDIENCE: &str = "configurator-api";
pub const RSA_KID: &str = "test-rsa";
pub const EC_KID: &str = "test-ec";
const RSA_SIGNING: &[u8] = include_bytes!("keys/rsa-signing.pem");
const RSA_FOREIGN: &[u8] = include_bytes!("keys/rsa-foreign.pem");
const EC_SIGNING: &[u8] = include_bytes!("keys/ec-signing.pem");

/// The broker every test talks to, cluster `a` of the API; `scripts/test.sh` starts it.
pub fn bootstrap_servers() -> String {
    std::env::var("CONFIGURATOR_TEST_KAFKA").expect(
        "CONFIGURATOR_TEST_KAFKA is not set: run scripts/test.sh, or start `nisshi broker` and set it to host:port",
    )
}

/// The second broker, cluster `b` in the many-clusters tests; `scripts/test.sh` starts it.
pub fn bootstrap_servers_b() -> String {
    std::env::var("CONFIGURATOR_TEST_KAFKA_B").expect(
        "CONFIGURATOR_TEST_KAFKA_B is not set: run scripts/test.sh, or start a second `nisshi broker` and set it to host:port",
    )
}

/// A cluster of the API at `bootstrap`, with the test timeouts.
pub fn cluster(id: &str, environment: &str, bootstrap: &str) -> ClusterSettings {
    ClusterSettings {
        id: id.to_owned(),
        name: format!("Cluster {}", id.to_uppercase()),
        environment: environment.to_owned(),
        kafka: KafkaConfig {
            bootstrap_servers: bootstrap.to_owned(),
            request_timeout: Duration::from_secs(4),
            topic_list_max_age: Duration::from_secs(5),
            security: configurator_lambdas::config::KafkaSecurity::None { tls: false },
        },
        schema_registry: None,
    }
}

/// A topic name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid_like())
}

fn uuid_like() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{:x}{:04x}", nanos, std::process::id() & 0xffff)
}

/// A separate Kafka client, as a person's own tooling would be.
pub fn kafka_admin() -> AdminClient<DefaultClientContext> {
    admin_of(&bootstrap_servers())
}

/// The same for the broker at `bootstrap`.
pub fn admin_of(bootstrap: &str) -> AdminClient<DefaultClientContext> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client")
}

pub async fn create_topic(name: &str, partitions: i32) {
    let results = kafka_admin()
        .create_topics(
            &[NewTopic::new(name, partitions, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(5))),
        )
        .await
        .expect("create_topics");
    results[0].as_ref().expect("topic created");
}

/// The names of the topics the broker holds, asked with a separate client.
pub fn broker_topics() -> Vec<String> {
    topics_on(&bootstrap_servers())
}

/// The names of the topics the broker at `bootstrap` holds, asked with a
/// separate client.
pub fn topics_on(bootstrap: &str) -> Vec<String> {
    admin_of(bootstrap)
        .inner()
        .fetch_metadata(None, Duration::from_secs(5))
        .expect("metadata")
        .topics()
        .iter()
        .map(|t| t.name().to_owned())
        .collect()
}

/// The identity provider as the Lambdas see it: an issuer with a JWKS.
pub struct Idp {
    pub issuer: String,
}

impl Idp {
    /// Serves discovery and a JWKS with the test RSA and EC public keys.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let mut rsa =
            Jwk::from_encoding_key(&EncodingKey::from_rsa_pem(RSA_SIGNING).unwrap(), Algorithm::RS256)
                .unwrap();
        rsa.common.key_id = Some(RSA_KID.into());
        let mut ec =
            Jwk::from_encoding_key(&EncodingKey::from_ec_pem(EC_SIGNING).unwrap(), Algorithm::ES256).unwrap();
        ec.common.key_id = Some(EC_KID.into());
        let jwks = JwkSet { keys: vec![rsa, ec] };
        let discovery = json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")});
        let app = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move { Json(discovery) }),
            )
            .route("/jwks", get(move || async move { Json(jwks) }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { issuer }
    }

    /// Claims of a valid token for `user` in `groups`.
    pub fn claims(&self, user: &str, groups: &[&str]) -> Value {
        let now = now();
        json!({
            "iss": self.issuer, "aud": AUDIENCE, "sub": user, "preferred_username": user,
            "groups": groups, "iat": now, "nbf": now, "exp": now + 300,
        })
    }

    pub fn token(&self, user: &str, groups: &[&str]) -> String {
        sign(&self.claims(user, groups), Key::Rsa)
    }
}

pub enum Key {
    Rsa,
    Ec,
    /// An attacker's key, presented under our key id.
    Foreign,
    /// An attacker's key under a key id the IdP never published.
    ForeignUnknownKid,
}

pub fn sign(claims: &Value, key: Key) -> String {
    let (alg, kid, pem) = match key {
        Key::Rsa => (Algorithm::RS256, RSA_KID, RSA_SIGNING),
        Key::Ec => (Algorithm::ES256, EC_KID, EC_SIGNING),
        Key::Foreign => (Algorithm::RS256, RSA_KID, RSA_FOREIGN),
        Key::ForeignUnknownKid => (Algorithm::RS256, "not-published", RSA_FOREIGN),
    };
    let encoding = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem).unwrap(),
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &encoding).unwrap()
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The settings a test API runs with: one cluster, `a`, at `bootstrap`.
pub fn config(issuer: &str, bootstrap: &str) -> Config {
    config_with(issuer, vec![cluster("a", "dev", bootstrap)])
}

/// The settings of an API serving `clusters` (the first is the default).
pub fn config_with(issuer: &str, clusters: Vec<ClusterSettings>) -> Config {
    Config {
        listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        clusters: ClusterSet {
            default: clusters[0].id.clone(),
            clusters,
        },
        oidc: OidcConfig {
            issuer: issuer.to_owned(),
            audience: AUDIENCE.to_owned(),
            jwks_uri: None,
            groups_claim: "groups".to_owned(),
            token_url: Some(format!("{issuer}/token")),
        },
        policy_file: None,
        function: None,
        sampler_only: false,
        audit_keys: configurator_lambdas::audit::signing::AuditKeys::parse(AUDIT_KEYS).unwrap(),
    }
}

/// The tests' audit signing keys: `k2` signs, `k1` (retired) still verifies.
pub const AUDIT_KEYS: &str =
    "test-k2:tests-second-audit-signing-key-0123456789,test-k1:tests-first-audit-signing-key-0123456789";

/// The router itself, for driving it without a socket (Lambda events).
pub fn app(issuer: &str) -> axum::Router {
    router(AppState::new(&config(issuer, &bootstrap_servers())).unwrap())
}

/// The API, served over HTTP on an ephemeral port.
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn start(issuer: &str) -> Self {
        Self::start_with(issuer, &bootstrap_servers()).await
    }

    pub async fn start_with(issuer: &str, bootstrap: &str) -> Self {
        Self::serve(config(issuer, bootstrap)).await
    }

    /// The API with settings of the test's own.
    pub async fn serve(config: Config) -> Self {
        let app = router(AppState::new(&config).unwrap());
        let listener = tokio::net::TcpListener::bind(config.listen_addr).await.unwrap();
        let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base,
            http: reqwest::Client::new(),
        }
    }

    /// Any call with a JSON body (or none); answers status and JSON body.
    pub async fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A raw body with the given content type, for malformed-input tests.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: &str,
        body: &str,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, headers)
    }
}

/// The Lambdas' own binary in local mode on an ephemeral port: one cluster,
/// `local`, from the single-cluster variables, on the test broker, plus the
/// test's `env`. Killed when dropped, also when an assertion fails first.
pub struct Binary {
    child: std::process::Child,
    /// `http://127.0.0.1:<port>/api/v1/clusters/local`
    pub base: String,
}

impl Binary {
    pub fn start(issuer: &str, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_configurator-lambdas"))
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers())
            .env("OIDC_ISSUER", issuer)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            base: format!("http://127.0.0.1:{port}/api/v1/clusters/local"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
