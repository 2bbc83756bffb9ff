//! The rdkafka client context: where librdkafka asks for an OAUTHBEARER
//! token when the cluster uses MSK IAM authentication.

use std::{error::Error, thread};

use rdkafka::{ClientContext, client::OAuthToken};

use crate::config::{KafkaConfig, KafkaSecurity};

pub struct KafkaContext {
    /// The AWS region to sign MSK IAM tokens for; `None` unless `msk-iam`.
    iam_region: Option<String>,
}

impl KafkaContext {
    pub fn new(config: &KafkaConfig) -> Self {
        Self {
            iam_region: match &config.security {
                KafkaSecurity::MskIam { region } => Some(region.clone()),
                _ => None,
            },
        }
    }
}

impl ClientContext for KafkaContext {
    // librdkafka only calls back when `sasl.mechanism` is OAUTHBEARER, i.e.
    // for MSK IAM; other clusters never reach `generate_oauth_token`.
    const ENABLE_REFRESH_OAUTH_TOKEN: bool = true;

    /// Signs a fresh MSK IAM token (a SigV4-presigned `kafka-cluster:Connect`
    /// URL, valid 15 minutes) with the function's own role; librdkafka calls
    /// this again before the token expires.
    fn generate_oauth_token(&self, _config: Option<&str>) -> Result<OAuthToken, Box<dyn Error>> {
        let region = self
            .iam_region
            .clone()
            .ok_or("OAUTHBEARER requested, but KAFKA_AUTH is not msk-iam")?;
        // librdkafka calls from its own thread, which may sit inside tokio's
        // blocking pool: sign on a thread of our own with a small runtime.
        let (token, lifetime_ms) = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(aws_msk_iam_sasl_signer::generate_auth_token(
                    aws_types::region::Region::new(region),
                ))
                .map_err(|e| -> Box<dyn Error + Send + Sync> { format!("MSK IAM token: {e}").into() })
        })
        .join()
        .map_err(|_| "the MSK IAM signing thread panicked")?
        .map_err(|e| e.to_string())?;
        Ok(OAuthToken {
            token,
            // The principal is informational for MSK; the signature carries the identity.
            principal_name: "configurator".into(),
            lifetime_ms,
        })
    }
}

// Our consumers never join a group (assign, not subscribe): the defaults do.
impl rdkafka::consumer::ConsumerContext for KafkaContext {}
