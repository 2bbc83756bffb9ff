//! `configurator-authorizer`: the API Gateway Lambda authorizer (TOKEN or
//! REQUEST type) for deployments that keep API Gateway in front of the
//! Lambdas instead of Kong. The decision is [`authorizer::decide`]; this only
//! wires it to the Lambda runtime.
//!
//! Settings: `OIDC_ISSUER`, `OIDC_AUDIENCE`, `OIDC_JWKS_URI`,
//! `OIDC_GROUPS_CLAIM` and `POLICY_FILE`, as for the API Lambdas.
//!
//! Outside Lambda (no `AWS_LAMBDA_RUNTIME_API`) it decides one event read from
//! stdin and prints the policy, or the error on stderr with exit status 1:
//! `configurator-authorizer < event.json`.

use std::{io::Read, sync::Arc};

use anyhow::Context;
use configurator_lambdas::{auth::JwtVerifier, authorizer, config::Config, policy::Policy};
use lambda_http::{
    LambdaEvent,
    lambda_runtime::{self, Diagnostic},
    service_fn,
};
use serde_json::Value;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    configurator_api::server::init_logging("configurator-authorizer");
    let config = Config::from_env()?;
    // Once per process: the verifier caches the IdP's keys across invocations.
    let verifier = Arc::new(JwtVerifier::new(config.oidc.clone()));
    let policy = Arc::new(Policy::load(config.policy_file.as_deref())?);

    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
            let (verifier, policy) = (verifier.clone(), policy.clone());
            async move {
                authorizer::decide(&event.payload, &verifier, &policy)
                    .await
                    .map_err(Diagnostic::from)
            }
        }))
        .await
        .map_err(|e| anyhow::anyhow!("lambda runtime: {e}"))
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the event from stdin")?;
        let event: Value = serde_json::from_str(&text).context("the event on stdin is not JSON")?;
        match authorizer::decide(&event, &verifier, &policy).await {
            Ok(response) => {
                println!("{response:#}");
                Ok(())
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
