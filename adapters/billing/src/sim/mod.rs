//! [`BillingSimulator`]: an actix-web server speaking the same OneAPI Payment API as the
//! carrier, for tests, `giftgate demo` (started in-process when `GIFTGATE_BILLING_URL` is
//! unset) and carriers' integration teams (`giftgate sim billing`, [`run_standalone`]).
//!
//! It keeps its transactions in memory ([`books`]), is idempotent by `clientCorrelator`,
//! injects the faults of CONTRACT.md §7 chosen by the subscriber number ([`trigger`]), and
//! shows what it recorded over HTTP (`GET /sim/transactions`, [`routes`]) and in-process
//! ([`BillingSimHandle::transactions`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::net::SocketAddr;
//! use giftgate_billing::{BillingConfig, BillingSimulator, OneApiBilling};
//! let sim = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
//! let billing = OneApiBilling::new(BillingConfig::new(sim.base_url()))?;
//! // … use `billing` as the core's PaymentRail …
//! sim.stop().await;
//! # Ok(()) }
//! ```

pub mod books;
pub mod points;
pub mod routes;
pub mod trigger;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};

use books::Books;
pub use books::SimTransaction;
use routes::{API_PREFIX, SimState};

/// Why the simulator could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listen address could not be bound (in use, no permission).
    #[error("billing simulator cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The socket error.
        #[source]
        source: io::Error,
    },
    /// The HTTP server failed while running.
    #[error("billing simulator server failed")]
    Serve(#[source] io::Error),
}

/// The billing simulator's settings; [`BillingSimulator::spawn`] starts it.
#[derive(Debug, Clone)]
pub struct BillingSimulator {
    addr: SocketAddr,
    slow_answer: Duration,
}

impl BillingSimulator {
    /// How long a `…0002` number's first charge answer is held back by default: longer
    /// than the client's default request timeout (10 s).
    pub const DEFAULT_SLOW_ANSWER: Duration = Duration::from_secs(30);

    /// A simulator to listen on `addr` (port 0 picks a free port).
    pub fn new(addr: SocketAddr) -> Self {
        BillingSimulator {
            addr,
            slow_answer: Self::DEFAULT_SLOW_ANSWER,
        }
    }

    /// Sets how long the first answer of a `…0002` charge is held back; it must exceed the
    /// client's request timeout for the trigger to mean anything.
    pub fn slow_answer(mut self, delay: Duration) -> Self {
        self.slow_answer = delay;
        self
    }

    /// Starts a simulator with the default settings on `addr`.
    pub async fn start(addr: SocketAddr) -> Result<BillingSimHandle, SimError> {
        BillingSimulator::new(addr).spawn().await
    }

    /// Binds the address and serves in the background (on the current tokio runtime, with
    /// one worker thread); answers once the socket is listening.
    pub async fn spawn(self) -> Result<BillingSimHandle, SimError> {
        let bind_error = |source| SimError::Bind {
            addr: self.addr,
            source,
        };
        let listener = TcpListener::bind(self.addr).map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let books = Arc::new(Books::default());
        let points = Arc::new(points::PointsBook::default());
        let state = web::Data::new(SimState {
            books: Arc::clone(&books),
            slow_answer: self.slow_answer,
            points: Arc::clone(&points),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .map_err(bind_error)?
        .run();
        let server_handle = server.handle();
        let task = tokio::spawn(server);
        tracing::info!(%local_addr, "billing simulator listening");
        Ok(BillingSimHandle {
            local_addr,
            books,
            points,
            server: server_handle,
            task,
        })
    }
}

/// A running simulator.
pub struct BillingSimHandle {
    local_addr: SocketAddr,
    books: Arc<Books>,
    points: Arc<points::PointsBook>,
    server: ServerHandle,
    task: tokio::task::JoinHandle<io::Result<()>>,
}

impl BillingSimHandle {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The API root to configure the client with: `http://127.0.0.1:PORT/payment/v3`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.local_addr)
    }

    /// Everything recorded so far, oldest first (the same as `GET /sim/transactions`).
    pub fn transactions(&self) -> Vec<SimTransaction> {
        self.books.all()
    }

    /// Every carrier-points credit made so far, oldest first.
    pub fn points_credits(&self) -> Vec<crate::points::PointsCreditWire> {
        self.points.all()
    }

    /// Stops at once (answers still held back are dropped) and waits for the server to end.
    pub async fn stop(self) {
        self.server.stop(false).await;
        match self.task.await {
            Ok(Ok(())) => {
                tracing::info!(local_addr = %self.local_addr, "billing simulator stopped")
            }
            Ok(Err(error)) => tracing::warn!(%error, "billing simulator ended with an error"),
            Err(error) => tracing::warn!(%error, "billing simulator task failed"),
        }
    }

    /// Serves until the server ends on its own (an I/O failure).
    async fn wait(&mut self) -> Result<(), SimError> {
        match (&mut self.task).await {
            Ok(result) => result.map_err(SimError::Serve),
            Err(error) => Err(SimError::Serve(io::Error::other(error))),
        }
    }
}

/// Runs the simulator alone on `addr` until Ctrl-C or SIGTERM (`giftgate sim billing`).
pub async fn run_standalone(addr: SocketAddr) -> Result<(), SimError> {
    let mut handle = BillingSimulator::start(addr).await?;
    tracing::info!(
        base_url = %handle.base_url(),
        records = %format!("http://{}/sim/transactions", handle.local_addr()),
        "billing simulator ready; end users ending 0001 decline, 0002 time out once, 0003 answer 500, 0004 refuse refunds"
    );
    tokio::select! {
        result = handle.wait() => result,
        () = shutdown_signal() => {
            tracing::info!("billing simulator: shutting down");
            handle.stop().await;
            Ok(())
        }
    }
}

async fn shutdown_signal() {
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
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
