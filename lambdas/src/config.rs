//! Settings read from the environment once at start. Every setting has a
//! local default, so `configurator-lambdas` runs against the embedded dev
//! stack with no configuration at all.

use std::{env, net::SocketAddr, time::Duration};

use anyhow::{Context, bail};

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the local HTTP server listens (ignored when running as a Lambda).
    pub listen_addr: SocketAddr,
    pub kafka: KafkaConfig,
    pub oidc: OidcConfig,
    /// The permission policy (TOML); the built-in one when unset.
    pub policy_file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct KafkaConfig {
    pub bootstrap_servers: String,
    /// Upper bound for any single broker operation; past it the API answers 503.
    pub request_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Expected `iss` of access tokens.
    pub issuer: String,
    /// Expected `aud` of access tokens.
    pub audience: String,
    /// Where the signing keys are; by default discovered from the issuer.
    pub jwks_uri: Option<String>,
    /// The access-token claim that lists the person's IdP groups.
    pub groups_claim: String,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let listen_addr = var_or("LISTEN_ADDR", "127.0.0.1:9300")
            .parse()
            .context("LISTEN_ADDR must be host:port, e.g. 127.0.0.1:9300")?;
        let request_timeout_ms: u64 = var_or("KAFKA_REQUEST_TIMEOUT_MS", "4000")
            .parse()
            .context("KAFKA_REQUEST_TIMEOUT_MS must be a number of milliseconds")?;
        let issuer = var_or("OIDC_ISSUER", "http://localhost:9400");
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            bail!("OIDC_ISSUER must be an http(s) URL, got {issuer:?}");
        }
        Ok(Self {
            listen_addr,
            kafka: KafkaConfig {
                bootstrap_servers: var_or("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                request_timeout: Duration::from_millis(request_timeout_ms),
            },
            oidc: OidcConfig {
                issuer,
                audience: var_or("OIDC_AUDIENCE", "configurator-api"),
                jwks_uri: env::var("OIDC_JWKS_URI").ok().filter(|v| !v.is_empty()),
                groups_claim: var_or("OIDC_GROUPS_CLAIM", "groups"),
            },
            policy_file: env::var("POLICY_FILE").ok().filter(|v| !v.is_empty()),
        })
    }
}

fn var_or(name: &str, default: &str) -> String {
    env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}
