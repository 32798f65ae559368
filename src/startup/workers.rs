//! The actors that run orders and the periodic jobs: the session threads and registry,
//! the expiry and recovery jobs, and (without a broker) the event log relay.

use std::sync::Arc;
use std::time::Duration;

use actix::{Actor, Addr, Arbiter};
use giftgate_actors::actors::periodic::PeriodicJob;
use giftgate_actors::actors::{
    CertificateExpiry, ConfirmationExpiry, GiftExpiry, Recovery, RegistryConfig, SessionRegistry,
    Stop,
};
use giftgate_actors::service::Ledger;
use giftgate_delivery::relay::EventLogRelay;

use crate::config::Settings;

/// A worker the gateway stops, in order, when it stops.
pub(super) type Worker = actix::Recipient<Stop>;

/// The session threads and the registry that spawns sessions on them.
pub(super) struct Sessions {
    pub threads: usize,
    pub arbiters: Vec<Arbiter>,
    pub registry: Addr<SessionRegistry>,
}

/// Starts the session threads (`GIFTGATE_SESSION_THREADS`, 0 = one per CPU) and the
/// registry.
pub(super) fn start_sessions(settings: &Settings, ledger: &Arc<Ledger>) -> Sessions {
    let threads = match settings.session_threads {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2),
        n => n,
    };
    let arbiters: Vec<Arbiter> = (0..threads).map(|_| Arbiter::new()).collect();
    let registry = SessionRegistry::new(
        Arc::clone(ledger),
        RegistryConfig {
            idle_after: Duration::from_secs(settings.session_idle_secs.max(1)),
            mailbox_capacity: 64,
            arbiters: arbiters.iter().map(|a| a.handle()).collect(),
        },
    )
    .start();
    Sessions {
        threads,
        arbiters,
        registry,
    }
}

/// Starts the periodic jobs: gift, confirmation and certificate expiry, recovery, and
/// the event log relay when there is no broker and this instance delivers.
pub(super) fn start_periodic(
    settings: &Settings,
    ledger: &Arc<Ledger>,
    registry: &Addr<SessionRegistry>,
) -> Vec<Worker> {
    let mut workers: Vec<Worker> = vec![
        GiftExpiry::new(
            Arc::clone(ledger),
            registry.clone(),
            Duration::from_secs(30),
        )
        .start()
        .recipient(),
        ConfirmationExpiry::new(
            Arc::clone(ledger),
            registry.clone(),
            ConfirmationExpiry::interval_for(Duration::from_secs(settings.confirm_secs.max(1))),
        )
        .start()
        .recipient(),
        CertificateExpiry::new(
            Arc::clone(ledger),
            Duration::from_secs(settings.expiry_interval_secs.max(1)),
        )
        .start()
        .recipient(),
        Recovery::new(
            Arc::clone(ledger),
            registry.clone(),
            Duration::from_secs(30),
            chrono::Duration::seconds(60),
        )
        .start()
        .recipient(),
    ];
    if settings.amqp_url.is_none() && settings.delivery {
        workers.push(
            EventLogRelay::new(Arc::clone(ledger.store()), Duration::from_millis(200))
                .start()
                .recipient(),
        );
    }
    workers
}
