//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use async_trait::async_trait;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::service::Ledger;
use metrics_exporter_prometheus::PrometheusHandle;

use super::keys::KeyRing;

/// Something `/readyz` asks (database, broker, SMSC bind).
#[async_trait]
pub trait ReadinessProbe: Send + Sync {
    /// The dependency's name in the answer.
    fn name(&self) -> &'static str;
    /// `Ok` when ready; `Err` says why not.
    async fn check(&self) -> Result<(), String>;
}

/// Shared state of the HTTP API.
pub struct AppState {
    /// The core's services.
    pub ledger: Arc<Ledger>,
    /// Where orders go.
    pub registry: Addr<SessionRegistry>,
    /// API keys.
    pub keys: KeyRing,
    /// Prometheus text renderer.
    pub metrics: PrometheusHandle,
    /// What `/readyz` checks.
    pub probes: Vec<Arc<dyn ReadinessProbe>>,
    /// How long `POST /v1/orders` waits for an outcome before answering `pending`.
    pub order_wait: Duration,
    /// The rails served by built-in simulators (named by `/readyz`).
    pub simulated_rails: Vec<&'static str>,
    /// Largest content item accepted by upload.
    pub content_max_bytes: usize,
}
