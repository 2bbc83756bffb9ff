//! Runs the API as an AWS Lambda function when the Lambda runtime is present,
//! otherwise as a local HTTP server. The same router serves both. With
//! `CONFIGURATOR_FUNCTION=sampler` the function is the lag sampler instead:
//! each invocation (a schedule's) samples every cluster once.

use std::sync::Arc;

use anyhow::Context;
use configurator_lambdas::{
    AppState,
    config::Config,
    lag::sampler::{self, SamplerConfig},
    lambda, router,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    configurator_api::server::init_logging("configurator-lambdas");
    let mut config = Config::from_env()?;
    config.resolve_secrets().await?;
    let sampling = SamplerConfig::from_env()?;
    let state = AppState::new(&config)?;
    let in_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();

    if config.sampler_only {
        if !in_lambda {
            anyhow::bail!(
                "CONFIGURATOR_FUNCTION=sampler runs only inside Lambda; locally the API server samples"
            );
        }
        return lambda::run_sampler(state, sampling)
            .await
            .map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    if in_lambda {
        return lambda::run(router(state))
            .await
            .map_err(|e| anyhow::anyhow!("lambda runtime: {e}"));
    }
    sampler::spawn_local(Arc::clone(&state.clusters), Arc::clone(&state.policy), sampling);
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
    tracing::info!(addr = %config.listen_addr, "API listening (local mode)");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed");
    configurator_api::telemetry::shutdown().await;
    served
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler installs");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
}
