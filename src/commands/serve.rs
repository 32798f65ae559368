//! `giftgate serve`: run until SIGINT/SIGTERM, then drain and exit 0.

use std::process::ExitCode;

use crate::config::Settings;
use crate::startup::Gateway;

/// Runs the gateway until a shutdown signal.
pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    tracing::info!(?settings, "starting giftgate");
    crate::rails::refuse_pretend_rails(&settings)?;
    let gateway = Gateway::start(settings).await?;
    shutdown_signal().await;
    tracing::info!("shutdown requested: draining");
    gateway.stop().await;
    tracing::info!("drained; bye");
    Ok(ExitCode::SUCCESS)
}

/// Waits for SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
