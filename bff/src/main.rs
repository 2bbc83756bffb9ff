use anyhow::Context;
use configurator_bff::{app, config::Config};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    configurator_api::server::init_logging("configurator-bff");
    let config = Config::from_env()?;
    let addr = config.listen_addr;
    let app = app(config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, "BFF listening");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed");
    // The last requests' spans, before the process goes.
    configurator_api::telemetry::shutdown().await;
    served
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler installs");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}
