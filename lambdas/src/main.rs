//! Runs the API as an AWS Lambda function when the Lambda runtime is present,
//! otherwise as a local HTTP server. The same router serves both.

use anyhow::Context;
use configurator_lambdas::{AppState, config::Config, lambda, router};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    configurator_api::server::init_logging();
    let mut config = Config::from_env()?;
    config.resolve_secrets().await?;
    let app = router(AppState::new(&config)?);

    // The Lambda runtime sets this; outside it lambda_http would panic.
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        lambda::run(app)
            .await
            .map_err(|e| anyhow::anyhow!("lambda runtime: {e}"))
    } else {
        let listener = tokio::net::TcpListener::bind(config.listen_addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
        tracing::info!(addr = %config.listen_addr, "API listening (local mode)");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("server failed")
    }
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
