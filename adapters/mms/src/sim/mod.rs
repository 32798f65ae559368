//! A strict MMSC simulator speaking MM7 over HTTP, so giftgate's real MM7 client can be
//! exercised (by tests, the demo and carriers' integration teams) without a carrier.
//!
//! It validates each `SubmitReq` like a strict MMSC (see `validate.rs`), answers `SubmitRsp`,
//! a scripted status or a validation fault, keeps each handset's inbox, and posts delivery
//! reports. HTTP routes: `POST /mm7` (the MM7 endpoint), `GET /handsets/{msisdn}/inbox`,
//! `PUT /status-script` (JSON array of status codes), `GET /stats`.

mod answers;
mod http;
mod reports;
mod state;
mod validate;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use state::SimStats;

use crate::mm7::{Mm7Version, MmsDeliveryStatus};
use http::AppContext;
use reports::ReportSender;
use state::SimState;

/// Largest HTTP body the simulator reads (bigger bodies are cut off by the HTTP layer).
const MAX_HTTP_BODY: usize = 16 * 1024 * 1024;

/// How the simulated MMSC behaves.
#[derive(Clone)]
pub struct MmscSimConfig {
    /// Listen address; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Basic-auth user name required from VASPs, if any.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// Largest message accepted (sum of the content parts), bytes.
    pub max_message_bytes: usize,
    /// Status codes to answer valid requests with, in order; then 1000.
    pub status_script: Vec<u16>,
    /// Where to post delivery reports (the VASP's URL); none: no reports.
    pub delivery_report_url: Option<String>,
    /// Delay between accepting a message and reporting its delivery.
    pub delivery_report_delay: Duration,
    /// Status the delivery reports carry.
    pub delivery_status: MmsDeliveryStatus,
    /// MM7 version (namespace and MM7Version) accepted.
    pub version: Mm7Version,
    /// HTTP worker threads.
    pub workers: usize,
}

impl Default for MmscSimConfig {
    fn default() -> Self {
        MmscSimConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            username: None,
            password: None,
            max_message_bytes: 300 * 1024,
            status_script: Vec::new(),
            delivery_report_url: None,
            delivery_report_delay: Duration::from_secs(1),
            delivery_status: MmsDeliveryStatus::Retrieved,
            version: Mm7Version::Rel5,
            workers: 2,
        }
    }
}

impl std::fmt::Debug for MmscSimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmscSimConfig")
            .field("addr", &self.addr)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("max_message_bytes", &self.max_message_bytes)
            .field("status_script", &self.status_script)
            .field("delivery_report_url", &self.delivery_report_url)
            .field("delivery_report_delay", &self.delivery_report_delay)
            .field("delivery_status", &self.delivery_status)
            .field("version", &self.version)
            .field("workers", &self.workers)
            .finish()
    }
}

/// One part of a received message, as the handset would list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedPart {
    /// Content-ID (without angle brackets).
    pub content_id: String,
    /// Media type, without parameters.
    pub mime: String,
    /// Size in bytes.
    pub size: usize,
    /// Whether the SMIL presentation references this part.
    pub referenced_by_smil: bool,
}

/// A message in a handset's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedMms {
    /// The id the MMSC gave it.
    pub message_id: String,
    /// The submitting transaction.
    pub transaction_id: String,
    /// Sender address (short code).
    pub from: String,
    /// This recipient, as addressed.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// The first `text/plain` part, as the handset would show it.
    pub text: Option<String>,
    /// The content parts, SMIL first.
    pub parts: Vec<ReceivedPart>,
    /// Sum of the part sizes.
    pub total_bytes: usize,
    /// When the MMSC accepted it.
    pub received_at: DateTime<Utc>,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client for delivery reports could not be built.
    #[error("cannot build the delivery report client: {0}")]
    Client(String),
    /// Waiting for the stop signal failed.
    #[error("cannot wait for ctrl-c")]
    Signal(#[source] std::io::Error),
}

/// The MMSC simulator.
pub struct MmscSimulator;

/// A running simulator.
pub struct MmscSimHandle {
    addr: SocketAddr,
    state: Arc<SimState>,
    server: actix_web::dev::ServerHandle,
}

impl MmscSimulator {
    /// Starts the simulator on the current tokio runtime (its HTTP workers run on their own
    /// threads) and returns once it listens.
    pub async fn start(cfg: MmscSimConfig) -> Result<MmscSimHandle, SimError> {
        let listener = TcpListener::bind(cfg.addr).map_err(|source| SimError::Bind {
            addr: cfg.addr,
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: cfg.addr,
            source,
        })?;
        let state = Arc::new(SimState::new(cfg.status_script.clone()));
        let reports = match &cfg.delivery_report_url {
            Some(url) => Some(ReportSender {
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| SimError::Client(e.to_string()))?,
                url: url.clone(),
                delay: cfg.delivery_report_delay,
                status: cfg.delivery_status,
                version: cfg.version,
                sender: "mmsc-sim".to_owned(),
            }),
            None => None,
        };
        let workers = cfg.workers.max(1);
        let context = actix_web::web::Data::new(AppContext {
            cfg,
            state: state.clone(),
            reports,
        });
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(context.clone())
                .app_data(actix_web::web::PayloadConfig::new(MAX_HTTP_BODY))
                .app_data(actix_web::web::JsonConfig::default().limit(64 * 1024))
                .configure(http::routes)
        })
        .workers(workers)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .map_err(|source| SimError::Bind { addr, source })?
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        tracing::info!(%addr, "MMSC simulator listening");
        Ok(MmscSimHandle {
            addr,
            state,
            server: handle,
        })
    }
}

impl MmscSimHandle {
    /// The MM7 endpoint URL (`http://addr/mm7`).
    pub fn url(&self) -> String {
        format!("http://{}/mm7", self.addr)
    }

    /// The HTTP listen address (for the inbox and control routes).
    pub fn http_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The messages the handset `msisdn` received (with or without `+`).
    pub fn inbox(&self, msisdn: &str) -> Vec<ReceivedMms> {
        self.state.inbox(msisdn)
    }

    /// Replaces the scripted answers (given in order, then 1000).
    pub fn set_status_script(&self, script: Vec<u16>) {
        self.state.set_script(script);
    }

    /// The counters.
    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }

    /// Stops the HTTP server (finishing requests in flight).
    pub async fn stop(&self) {
        self.server.stop(true).await;
    }
}

/// Runs a simulator until ctrl-c (for `giftgate sim mmsc`).
pub async fn run_standalone(cfg: MmscSimConfig) -> Result<(), SimError> {
    let handle = MmscSimulator::start(cfg).await?;
    tracing::info!(url = %handle.url(), "MMSC simulator running; ctrl-c stops it");
    let waited = tokio::signal::ctrl_c().await;
    handle.stop().await;
    waited.map_err(SimError::Signal)
}
