//! Settings read from the environment once at start. Every setting has a
//! local default, so `configurator-lambdas` runs against the embedded dev
//! stack with no configuration at all.

use std::{env, net::SocketAddr, time::Duration};

use anyhow::{Context, bail};
use configurator_api::{routes::Function, server::Secret};

use crate::{
    audit::signing::AuditKeys,
    clusters::{ClusterSet, Defaults},
};

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the local HTTP server listens (ignored when running as a Lambda).
    pub listen_addr: SocketAddr,
    /// The clusters this deployment serves ([`ClusterSet::from_env`]).
    pub clusters: ClusterSet,
    pub oidc: OidcConfig,
    /// The permission policy (TOML); the built-in one when unset.
    pub policy_file: Option<String>,
    /// Which function this process is when deployed (`CONFIGURATOR_FUNCTION`:
    /// cluster, topics, messages, groups): it then serves only that group's
    /// routes. Unset (local mode): every route.
    pub function: Option<Function>,
    /// `CONFIGURATOR_FUNCTION=sampler`: the process is the lag sampler
    /// ([`crate::lag::sampler`]) and serves no route.
    pub sampler_only: bool,
    /// Sign and verify audit records (`AUDIT_SIGNING_KEYS`, or the Secrets
    /// Manager secret named by `AUDIT_SIGNING_KEYS_SECRET_ARN`, read by
    /// [`Config::resolve_secrets`]).
    pub audit_keys: AuditKeys,
}

/// How to reach one cluster.
#[derive(Debug, Clone)]
pub struct KafkaConfig {
    pub bootstrap_servers: String,
    /// Upper bound for any single broker operation; past it the API answers 503.
    pub request_timeout: Duration,
    /// How old the metadata behind the topic list may be
    /// (`TOPIC_LIST_MAX_AGE_MS`); zero reads it on every request.
    pub topic_list_max_age: Duration,
    pub security: KafkaSecurity,
}

/// How the clients authenticate to the cluster (`KAFKA_AUTH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KafkaSecurity {
    /// `none`: PLAINTEXT, for the local broker (or TLS only, with `KAFKA_TLS=true`).
    None { tls: bool },
    /// `scram-sha-512` / `scram-sha-256`: SASL/SCRAM over TLS (MSK's SCRAM
    /// listener), user and password from `KAFKA_SASL_USERNAME` / `KAFKA_SASL_PASSWORD`.
    Scram {
        mechanism: &'static str,
        username: String,
        password: Secret,
    },
    /// `msk-iam`: SASL_SSL + OAUTHBEARER with tokens signed for the process's
    /// IAM role (MSK port 9098).
    MskIam { region: String },
}

impl KafkaSecurity {
    /// The single-cluster variables (`KAFKA_AUTH`, `KAFKA_TLS`, `KAFKA_SASL_*`).
    pub fn from_env() -> anyhow::Result<Self> {
        let tls = match var_or("KAFKA_TLS", "false").as_str() {
            "true" => true,
            "false" => false,
            other => bail!("KAFKA_TLS must be true or false, got {other:?}"),
        };
        let required = |name: &str| {
            env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .with_context(|| format!("{name} must be set when KAFKA_AUTH uses SASL/SCRAM"))
        };
        Ok(match var_or("KAFKA_AUTH", "none").as_str() {
            "none" => Self::None { tls },
            mechanism @ ("scram-sha-512" | "scram-sha-256") => Self::Scram {
                mechanism: if mechanism == "scram-sha-512" {
                    "SCRAM-SHA-512"
                } else {
                    "SCRAM-SHA-256"
                },
                username: required("KAFKA_SASL_USERNAME")?,
                password: Secret::new(required("KAFKA_SASL_PASSWORD")?),
            },
            "msk-iam" => Self::MskIam {
                region: env::var("AWS_REGION")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .context("AWS_REGION must be set when KAFKA_AUTH=msk-iam (Lambda sets it)")?,
            },
            other => bail!("KAFKA_AUTH must be none, scram-sha-512, scram-sha-256 or msk-iam, got {other:?}"),
        })
    }

    /// The librdkafka settings for this mode.
    pub fn apply(&self, cc: &mut rdkafka::ClientConfig) {
        match self {
            Self::None { tls } => {
                cc.set("security.protocol", if *tls { "ssl" } else { "plaintext" });
            }
            Self::Scram {
                mechanism,
                username,
                password,
            } => {
                cc.set("security.protocol", "sasl_ssl")
                    .set("sasl.mechanism", *mechanism)
                    .set("sasl.username", username)
                    .set("sasl.password", password.expose());
            }
            Self::MskIam { .. } => {
                cc.set("security.protocol", "sasl_ssl")
                    .set("sasl.mechanism", "OAUTHBEARER");
            }
        }
    }
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
    /// The IdP's token endpoint, where services get client-credentials
    /// tokens; named in the OpenAPI document when set (`OIDC_TOKEN_URL`).
    pub token_url: Option<String>,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let listen_addr = var_or("LISTEN_ADDR", "127.0.0.1:9300")
            .parse()
            .context("LISTEN_ADDR must be host:port, e.g. 127.0.0.1:9300")?;
        let request_timeout_ms: u64 = var_or("KAFKA_REQUEST_TIMEOUT_MS", "4000")
            .parse()
            .context("KAFKA_REQUEST_TIMEOUT_MS must be a number of milliseconds")?;
        let topic_list_max_age_ms: u64 = var_or("TOPIC_LIST_MAX_AGE_MS", "5000")
            .parse()
            .context("TOPIC_LIST_MAX_AGE_MS must be a number of milliseconds")?;
        let issuer = var_or("OIDC_ISSUER", "http://localhost:9400");
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            bail!("OIDC_ISSUER must be an http(s) URL, got {issuer:?}");
        }
        Ok(Self {
            listen_addr,
            clusters: ClusterSet::from_env(Defaults {
                request_timeout: Duration::from_millis(request_timeout_ms),
                topic_list_max_age: Duration::from_millis(topic_list_max_age_ms),
            })?,
            oidc: OidcConfig {
                issuer,
                audience: var_or("OIDC_AUDIENCE", "configurator-api"),
                jwks_uri: env::var("OIDC_JWKS_URI").ok().filter(|v| !v.is_empty()),
                groups_claim: var_or("OIDC_GROUPS_CLAIM", "groups"),
                token_url: env::var("OIDC_TOKEN_URL").ok().filter(|v| !v.is_empty()),
            },
            policy_file: env::var("POLICY_FILE").ok().filter(|v| !v.is_empty()),
            audit_keys: audit_keys_from_env()?,
            function: match env::var("CONFIGURATOR_FUNCTION").ok().filter(|v| !v.is_empty()) {
                None => None,
                Some(name) if name == "sampler" => None,
                Some(name) => Some(Function::from_name(&name).with_context(|| {
                    format!(
                        "CONFIGURATOR_FUNCTION must be cluster, topics, messages, groups or sampler, got {name:?}"
                    )
                })?),
            },
            sampler_only: env::var("CONFIGURATOR_FUNCTION").is_ok_and(|v| v == "sampler"),
        })
    }
}

/// `AUDIT_SIGNING_KEYS`, or the built-in development key (which
/// [`Config::resolve_secrets`] refuses inside Lambda).
fn audit_keys_from_env() -> anyhow::Result<AuditKeys> {
    match env::var("AUDIT_SIGNING_KEYS").ok().filter(|v| !v.is_empty()) {
        Some(keys) => AuditKeys::parse(&keys).context("AUDIT_SIGNING_KEYS is not valid"),
        None => Ok(AuditKeys::local_development()),
    }
}

impl Config {
    /// For the API (not the authorizer, which writes no audit records): reads
    /// what lives in Secrets Manager, through the AWS Parameters and Secrets
    /// Lambda Extension (a layer that answers on localhost with the
    /// function's own credentials, so no AWS SDK is needed here).
    pub async fn resolve_secrets(&mut self) -> anyhow::Result<()> {
        let Some(arn) = env::var("AUDIT_SIGNING_KEYS_SECRET_ARN")
            .ok()
            .filter(|v| !v.is_empty())
        else {
            if self.audit_keys.is_local_development() {
                tracing::warn!(
                    "audit records are signed with the built-in development key (set AUDIT_SIGNING_KEYS)"
                );
            }
            return Ok(());
        };
        let port = var_or("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773");
        let token = env::var("AWS_SESSION_TOKEN").context("AWS_SESSION_TOKEN is not set (not in Lambda?)")?;
        let url = format!("http://localhost:{port}/secretsmanager/get");
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Secret {
            secret_string: String,
        }
        let secret: Secret = reqwest::Client::new()
            .get(url)
            .query(&[("secretId", arn.as_str())])
            .header("X-Aws-Parameters-Secrets-Token", token)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .with_context(|| format!("cannot read the audit signing keys from {arn}"))?
            .json()
            .await
            .with_context(|| format!("the answer for {arn} is not a secret"))?;
        self.audit_keys = AuditKeys::parse(&secret.secret_string)
            .with_context(|| format!("the secret {arn} does not hold valid audit signing keys"))?;
        Ok(())
    }
}

pub(crate) fn var_or(name: &str, default: &str) -> String {
    env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{KafkaSecurity, Secret};

    fn settings(security: KafkaSecurity) -> rdkafka::ClientConfig {
        let mut cc = rdkafka::ClientConfig::new();
        security.apply(&mut cc);
        cc
    }

    #[test]
    fn each_auth_mode_sets_what_librdkafka_needs() {
        let plain = settings(KafkaSecurity::None { tls: false });
        assert_eq!(plain.get("security.protocol"), Some("plaintext"));
        assert_eq!(plain.get("sasl.mechanism"), None);

        let scram = settings(KafkaSecurity::Scram {
            mechanism: "SCRAM-SHA-512",
            username: "configurator".into(),
            password: Secret::new("pw"),
        });
        assert_eq!(scram.get("security.protocol"), Some("sasl_ssl"));
        assert_eq!(scram.get("sasl.mechanism"), Some("SCRAM-SHA-512"));
        assert_eq!(scram.get("sasl.username"), Some("configurator"));
        assert_eq!(scram.get("sasl.password"), Some("pw"));
        let shown = format!(
            "{:?}",
            KafkaSecurity::Scram {
                mechanism: "SCRAM-SHA-512",
                username: "configurator".into(),
                password: Secret::new("hunter2"),
            }
        );
        assert!(!shown.contains("hunter2"), "{shown}");

        // MSK IAM: the token comes from the client context's callback, not a setting.
        let iam = settings(KafkaSecurity::MskIam {
            region: "eu-west-1".into(),
        });
        assert_eq!(iam.get("security.protocol"), Some("sasl_ssl"));
        assert_eq!(iam.get("sasl.mechanism"), Some("OAUTHBEARER"));
        assert_eq!(iam.get("sasl.password"), None);
    }
}
