//! The PSP simulator: an actix-web server of the payment network API ([`crate::wire`])
//! whose answers the card token picks (CONTRACT.md §7), so giftgate's tests, its demo and a
//! carrier's integration team drive the real client against declines, timeouts, unknown
//! outcomes, duplicate deliveries and CAMARA-style refused retries.
//!
//! | token | answer |
//! |---|---|
//! | `tok_ok` (and any other) | authorized; captured |
//! | `tok_decline` | authorization declined, `card_declined` (402) |
//! | `tok_insufficient` | authorization declined, `insufficient_funds` (402) |
//! | `tok_timeout_then_ok` | first capture applied, answered only after [`PspSimConfig::slow_answer_delay`]; a retry or look-up says captured |
//! | `tok_unknown_then_ok` | first capture applied, answered 500; a retry or look-up says captured |
//! | `tok_duplicate` | each request delivered to the books twice; the second (a replay) is the answer |
//! | `tok_conflict_on_retry` | a repeated idempotency key is answered 409 `idempotency_conflict` without the first result |
//! | `tok_decline_after_authorize` | authorized; the capture is declined `card_declined` (402), the authorization stays voidable |
//! | `tok_garbage` | every answer about the payment, look-ups included, is malformed JSON |
//!
//! Routes: `POST /v1/payments`, `GET /v1/payments?reference=`, `GET /v1/payments/{id}`,
//! `POST /v1/payments/{id}/capture`, `POST /v1/payments/{id}/void`,
//! `POST /v1/payments/{id}/refunds`, and `GET /sim/payments[?date=YYYY-MM-DD]`.
//! Writes need the `PSP-Merchant-Id` and `Idempotency-Key` headers; any API key is accepted.

mod books;
mod routes;
mod transfers;
mod trigger;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};

use books::Books;
pub use books::SimPayment;
use routes::SimState;

/// How the simulator behaves beyond what the tokens choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PspSimConfig {
    /// How late a `tok_timeout_then_ok` capture is answered; must exceed the client's
    /// request timeout (default 10 s, twice the client's default).
    pub slow_answer_delay: Duration,
}

impl Default for PspSimConfig {
    fn default() -> Self {
        PspSimConfig {
            slow_answer_delay: Duration::from_secs(10),
        }
    }
}

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PspSimError {
    /// The listen address could not be bound.
    #[error("PSP simulator cannot listen: {0}")]
    Bind(#[source] std::io::Error),
    /// The server stopped with an error.
    #[error("PSP simulator failed: {0}")]
    Server(#[source] std::io::Error),
    /// Waiting for ctrl-c failed.
    #[error("PSP simulator cannot wait for ctrl-c: {0}")]
    Signal(#[source] std::io::Error),
}

/// The PSP simulator; [`PspSimulator::start`] runs one.
#[derive(Debug, Clone, Copy, Default)]
pub struct PspSimulator;

impl PspSimulator {
    /// Starts a simulator with the default configuration on `addr` (port 0 picks a free
    /// port); must be called inside a tokio (or actix) runtime.
    pub async fn start(addr: impl ToSocketAddrs) -> Result<PspSimHandle, PspSimError> {
        PspSimulator::start_with(addr, PspSimConfig::default()).await
    }

    /// Starts a simulator with `config` on `addr`.
    pub async fn start_with(
        addr: impl ToSocketAddrs,
        config: PspSimConfig,
    ) -> Result<PspSimHandle, PspSimError> {
        let books = Arc::new(Books::default());
        let transfers = Arc::new(transfers::Transfers::default());
        let state = web::Data::new(SimState {
            books: Arc::clone(&books),
            config,
            transfers: Arc::clone(&transfers),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .bind(addr)
        .map_err(PspSimError::Bind)?;
        let local_addr = server
            .addrs()
            .first()
            .copied()
            .ok_or_else(|| PspSimError::Bind(std::io::Error::other("no address bound")))?;
        let server = server.run();
        let server_handle = server.handle();
        let task = tokio::spawn(server);
        tracing::info!(%local_addr, "PSP simulator listening");
        Ok(PspSimHandle {
            base_url: format!("http://{local_addr}/"),
            local_addr,
            books,
            transfers,
            server: server_handle,
            task,
        })
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct PspSimHandle {
    base_url: String,
    local_addr: SocketAddr,
    books: Arc<Books>,
    transfers: Arc<transfers::Transfers>,
    server: ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for Books {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Books")
    }
}

impl PspSimHandle {
    /// The base URL to give the client (`http://127.0.0.1:PORT/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the simulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Every payment the simulator recorded, oldest first.
    pub fn payments(&self) -> Vec<SimPayment> {
        self.books.records()
    }

    /// Every bank transfer (refund payout) the simulator made, oldest first.
    pub fn transfers(&self) -> Vec<crate::transfer::Transfer> {
        self.transfers.records()
    }

    /// Stops the server, giving requests in flight a second to finish.
    pub async fn stop(self) {
        self.server.stop(true).await;
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "PSP simulator stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "PSP simulator task failed"),
        }
    }

    /// Runs until the server stops by itself; answers its error.
    async fn wait(&mut self) -> Result<(), PspSimError> {
        match (&mut self.task).await {
            Ok(result) => result.map_err(PspSimError::Server),
            Err(e) => Err(PspSimError::Server(std::io::Error::other(e))),
        }
    }
}

/// Runs a simulator on `addr` until ctrl-c (`giftgate sim psp`), then stops it.
pub async fn run_standalone(addr: impl ToSocketAddrs) -> Result<(), PspSimError> {
    let mut handle = PspSimulator::start(addr).await?;
    tracing::info!(
        base_url = handle.base_url(),
        "PSP simulator running; ctrl-c stops it"
    );
    tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            signal.map_err(PspSimError::Signal)?;
            tracing::info!("PSP simulator stopping");
            handle.stop().await;
            Ok(())
        }
        ended = handle.wait() => ended,
    }
}
