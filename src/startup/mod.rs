//! Builds the gateway from settings: store, payment rails (with the built-in simulators
//! where no URL is configured), the core's actors and the HTTP API. `main` and the tests
//! both start the gateway through [`Gateway::start`]; it must run inside an actix system.
//!
//! One file per concern, each turning settings into its adapters' configuration and
//! starting them: [`store`](open_store), the core's [`policy`] and ledger, the payment
//! rails, the session and periodic workers, SMS over SMPP, MMS over MM7, the AMQP broker,
//! the HTTP server and the metrics.

mod amqp;
mod http;
mod ledger;
mod metrics;
mod mms;
mod rails;
mod smpp;
mod store;
mod workers;

use std::net::SocketAddr;
use std::sync::Arc;

use actix::{Addr, Arbiter};
use actix_web::dev::ServerHandle;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::service::Ledger;
use giftgate_billing::BillingSimHandle;
use giftgate_delivery::claims::ClaimBook;
use giftgate_delivery::smpp_events::SmppEventsTask;
use giftgate_mms::MmscSimHandle;
use giftgate_psp::PspSimHandle;
use giftgate_smpp::{SmppClient, SmscSimHandle};

pub use self::amqp::amqp_config;
pub use self::ledger::policy;
pub use self::metrics::metrics_handle;
pub use self::mms::mm7_config;
pub use self::rails::{billing_config, psp_config};
pub use self::smpp::smpp_client_config;
pub use self::store::{open_store, seed_sample_contents};
use self::workers::Worker;
use crate::config::Settings;
use crate::http::ReadinessProbe;

/// A running gateway.
pub struct Gateway {
    /// Where the HTTP API listens.
    pub http_addr: SocketAddr,
    /// The core's services.
    pub ledger: Arc<Ledger>,
    /// The session registry (orders go here).
    pub registry: Addr<SessionRegistry>,
    /// The in-process billing simulator, when no billing URL was configured.
    pub billing_simulator: Option<BillingSimHandle>,
    /// The in-process payment network simulator, when no PSP URL was configured.
    pub psp_simulator: Option<PspSimHandle>,
    /// The in-process MMSC simulator, when no MM7 URL was configured.
    pub mmsc_simulator: Option<MmscSimHandle>,
    /// The in-process SMSC simulator, when no SMSC URL was configured.
    pub smsc_simulator: Option<SmscSimHandle>,
    /// The SMPP binds.
    pub smpp: SmppClient,
    server: ServerHandle,
    arbiters: Vec<Arbiter>,
    amqp: Option<giftgate_amqp::AmqpHandle>,
    workers: Vec<Worker>,
    smpp_events: SmppEventsTask,
    claims: ClaimBook,
}

impl Gateway {
    /// Starts everything; answers once the HTTP API listens.
    pub async fn start(mut settings: Settings) -> anyhow::Result<Gateway> {
        let metrics = metrics_handle();
        let listener = http::bind(&mut settings)?;
        let store = open_store(&settings).await?;
        let pins = ledger::pins(&settings)?;
        let rails = rails::start(&settings).await?;
        let ledger = ledger::start(&settings, &store, &rails, pins).await?;
        let sessions = workers::start_sessions(&settings, &ledger);
        let registry = sessions.registry;
        let mut workers = workers::start_periodic(&settings, &ledger, &registry);

        let claims = ClaimBook::default();
        let region = ledger.region();
        let sms = smpp::start(&settings, &store, &registry, region, &claims, &mut workers).await?;
        let mut probes: Vec<Arc<dyn ReadinessProbe>> =
            vec![Arc::new(smpp::SmscBound(sms.client.clone()))];
        let amqp = amqp::start(&settings, &ledger, &registry, &mut probes).await?;

        metrics::publish_simulated_rails(&settings);
        let state = http::app_state(&settings, &ledger, &registry, metrics, probes);
        let http_workers = match settings.http_workers {
            0 => sessions.threads,
            n => n,
        };
        let (run_server, http_addr) = http::server(state, listener, http_workers)?;
        let mmsc_simulator =
            mms::start(&settings, &store, http_addr, region, &claims, &mut workers).await?;
        let server = run_server();
        let handle = server.handle();
        actix::spawn(server);
        tracing::info!(%http_addr, "giftgate HTTP API listening");
        Ok(Gateway {
            http_addr,
            ledger,
            registry,
            billing_simulator: rails.billing_simulator,
            psp_simulator: rails.psp_simulator,
            mmsc_simulator,
            smsc_simulator: sms.simulator,
            smpp: sms.client,
            server: handle,
            arbiters: sessions.arbiters,
            amqp,
            workers,
            smpp_events: sms.events,
            claims,
        })
    }

    /// Drains: the HTTP API stops taking requests and finishes those in flight (each
    /// waits for its order), then the session threads stop.
    pub async fn stop(self) {
        self.server.stop(true).await;
        // In-flight AMQP orders need their sessions: drain the broker side first.
        if let Some(amqp) = self.amqp {
            amqp.shutdown().await;
        }
        // Each worker answers once its round in progress has finished: nothing is cut
        // off midway, and what a dispatcher still held is handed back just below.
        let stopping = self
            .workers
            .iter()
            .map(|worker| worker.send(giftgate_actors::actors::Stop));
        for stopped in futures::future::join_all(stopping).await {
            if let Err(error) = stopped {
                tracing::debug!(%error, "a worker had already stopped");
            }
        }
        self.smpp.shutdown().await;
        // The binds are closed: no receipt or MO command comes in any more; those taken
        // are finished before the sessions go.
        self.smpp_events.stop().await;
        // What the dispatchers claimed and did not finish is due again at once, for the
        // instances that stay (not after the claim lease).
        if let Err(error) = self
            .claims
            .hand_back_all(self.ledger.store().as_ref())
            .await
        {
            tracing::warn!(%error, "claimed outbox entries wait for their lease to run out");
        }
        if let Some(simulator) = self.smsc_simulator {
            simulator.stop().await;
        }
        for arbiter in &self.arbiters {
            arbiter.stop();
        }
        if let Some(simulator) = self.billing_simulator {
            simulator.stop().await;
        }
        if let Some(simulator) = self.psp_simulator {
            simulator.stop().await;
        }
        if let Some(simulator) = self.mmsc_simulator {
            simulator.stop().await;
        }
    }

    /// The API's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.http_addr)
    }
}
