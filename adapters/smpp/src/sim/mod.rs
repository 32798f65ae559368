//! An SMSC simulator: a real SMPP 3.4 server on TCP plus an HTTP side door, so tests and
//! carriers' integration teams exercise the real client code.
//!
//! [`server`] speaks SMPP, [`inbox`] keeps what each handset received, [`faults`] decides
//! which faults to inject and [`http`] exposes all that (`GET /handsets/{msisdn}/inbox`,
//! `POST /mo`, `PUT /faults`, `GET /stats`).

pub mod faults;
mod http;
pub mod inbox;
mod server;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusmpp::pdus::DeliverSm;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tracing::info;

use crate::concat::encode_message;
use crate::encoding::{Alphabet, CodingOptions};
use crate::pdu::{self, PartSpec};

pub use faults::FaultConfig;
use faults::FaultState;
use inbox::Inbox;
pub use inbox::InboxMessage;
use server::Outgoing;

/// Where and how the simulator runs.
#[derive(Debug, Clone)]
pub struct SmscSimConfig {
    /// SMPP listen address (port 0: a free port).
    pub smpp_addr: SocketAddr,
    /// HTTP listen address (port 0: a free port).
    pub http_addr: SocketAddr,
    /// The only `system_id` accepted.
    pub system_id: String,
    /// Its password.
    pub password: String,
    /// Delay between an accepted submit and its delivery receipt.
    pub receipt_delay: Duration,
    /// Faults to start with.
    pub faults: FaultConfig,
    /// How this SMSC reads and writes text: `gsm_packed` applies to submits and MO alike;
    /// KS C 5601 (0x0E) submits are always understood.
    pub coding: CodingOptions,
}

impl Default for SmscSimConfig {
    fn default() -> Self {
        Self {
            smpp_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            http_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            system_id: "giftgate".to_owned(),
            password: "secret".to_owned(),
            receipt_delay: Duration::from_millis(100),
            faults: FaultConfig::default(),
            coding: CodingOptions::default(),
        }
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A listen address could not be bound.
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    /// An MO text could not be encoded.
    #[error(transparent)]
    Encoding(#[from] crate::encoding::EncodingError),
    /// An MO address does not fit SMPP.
    #[error("MO address does not fit an SMPP address field")]
    Address,
}

/// Counters shown by `GET /stats`.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub submits: AtomicU64,
    pub submit_attempts: AtomicU64,
    pub receipts_sent: AtomicU64,
    pub mo_sent: AtomicU64,
    pub binds: AtomicU64,
    pub bound: AtomicU64,
    pub generic_nacks: AtomicU64,
    pub enquire_links: AtomicU64,
    pub deliver_sm_resps: AtomicU64,
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStats {
    /// Accepted submits.
    pub submits: u64,
    /// Submits received, refused ones included.
    pub submit_attempts: u64,
    /// Receipts sent.
    pub receipts_sent: u64,
    /// MO `deliver_sm`s sent.
    pub mo_sent: u64,
    /// Successful binds since start.
    pub binds: u64,
    /// Sessions bound now.
    pub bound: u64,
    /// `generic_nack`s sent.
    pub generic_nacks: u64,
    /// `enquire_link`s answered.
    pub enquire_links: u64,
    /// `deliver_sm_resp`s received (receipts and MO acknowledged by the ESME).
    pub deliver_sm_resps: u64,
}

/// State shared by the SMPP sessions and the HTTP side.
#[derive(Debug)]
pub(crate) struct SimState {
    system_id: String,
    password: String,
    receipt_delay: Duration,
    faults: Mutex<FaultState>,
    inbox: Mutex<Inbox>,
    pub(crate) stats: Stats,
    receivers: Mutex<Vec<(u64, mpsc::Sender<Outgoing>)>>,
    undelivered: Mutex<VecDeque<DeliverSm>>,
    pub(crate) next_message_id: AtomicU64,
    pub(crate) next_session: AtomicU64,
    mo_reference: AtomicU8,
    /// Text options (GSM packing) of this SMSC.
    pub(crate) coding: CodingOptions,
}

/// First message id (ids are hex, so they exercise id normalisation).
const FIRST_MESSAGE_ID: u64 = 0x0A00_0000;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SimState {
    fn new(config: &SmscSimConfig) -> Self {
        Self {
            system_id: config.system_id.clone(),
            password: config.password.clone(),
            receipt_delay: config.receipt_delay,
            faults: Mutex::new(FaultState::new(config.faults.clone())),
            inbox: Mutex::new(Inbox::new(config.coding)),
            coding: config.coding,
            stats: Stats::default(),
            receivers: Mutex::new(Vec::new()),
            undelivered: Mutex::new(VecDeque::new()),
            next_message_id: AtomicU64::new(FIRST_MESSAGE_ID),
            next_session: AtomicU64::new(1),
            mo_reference: AtomicU8::new(1),
        }
    }

    /// Options for reading submitted text (KS C 5601 always understood).
    pub(crate) fn inbox_coding(&self) -> CodingOptions {
        CodingOptions {
            ksc5601: true,
            ..self.coding
        }
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.faults)
    }

    pub(crate) fn inbox(&self) -> MutexGuard<'_, Inbox> {
        lock(&self.inbox)
    }

    fn set_faults(&self, faults: FaultConfig) {
        *self.faults() = FaultState::new(faults);
    }

    fn stats(&self) -> SimStats {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        SimStats {
            submits: get(&self.stats.submits),
            submit_attempts: get(&self.stats.submit_attempts),
            receipts_sent: get(&self.stats.receipts_sent),
            mo_sent: get(&self.stats.mo_sent),
            binds: get(&self.stats.binds),
            bound: get(&self.stats.bound),
            generic_nacks: get(&self.stats.generic_nacks),
            enquire_links: get(&self.stats.enquire_links),
            deliver_sm_resps: get(&self.stats.deliver_sm_resps),
        }
    }

    /// A receiver-capable session bound: it also gets what could not be delivered before.
    pub(crate) fn register_receiver(&self, id: u64, outgoing: mpsc::Sender<Outgoing>) {
        let backlog: Vec<DeliverSm> = lock(&self.undelivered).drain(..).collect();
        for deliver_sm in backlog {
            if let Err(
                mpsc::error::TrySendError::Full(Outgoing::Deliver(d))
                | mpsc::error::TrySendError::Closed(Outgoing::Deliver(d)),
            ) = outgoing.try_send(Outgoing::Deliver(Box::new(deliver_sm)))
            {
                lock(&self.undelivered).push_back(*d);
            }
        }
        lock(&self.receivers).push((id, outgoing));
    }

    pub(crate) fn unregister_receiver(&self, id: u64) {
        lock(&self.receivers).retain(|(session, _)| *session != id);
    }

    /// Sends a `deliver_sm` on the preferred session if it is still bound, else on any
    /// receiver; with none bound it waits for the next bind.
    pub(crate) async fn deliver(&self, preferred: Option<u64>, deliver_sm: DeliverSm) {
        let target = {
            let receivers = lock(&self.receivers);
            receivers
                .iter()
                .find(|(id, _)| Some(*id) == preferred)
                .or_else(|| receivers.first())
                .map(|(_, tx)| tx.clone())
        };
        let undelivered = match target {
            Some(tx) => match tx.send(Outgoing::Deliver(Box::new(deliver_sm))).await {
                Ok(()) => None,
                Err(mpsc::error::SendError(Outgoing::Deliver(d))) => Some(*d),
                Err(_) => None,
            },
            None => Some(deliver_sm),
        };
        if let Some(deliver_sm) = undelivered {
            lock(&self.undelivered).push_back(deliver_sm);
        }
    }

    async fn inject_mo(&self, from: &str, to: &str, text: &str) -> Result<(), SimError> {
        let from = from.trim().trim_start_matches('+');
        let mo_coding = CodingOptions {
            ksc5601: false,
            ..self.coding
        };
        let alphabet = Alphabet::for_text(text, &mo_coding);
        let reference = self.mo_reference.fetch_add(1, Ordering::Relaxed);
        let encoded = encode_message(text, alphabet, reference)?;
        let udhi = encoded.has_udh();
        let mut parts = Vec::with_capacity(encoded.parts.len());
        for short_message in &encoded.parts {
            let spec = PartSpec {
                source: from,
                destination: to,
                data_coding: alphabet.data_coding(),
                udhi,
                short_message,
            };
            parts.push(pdu::deliver_sm(&spec, pdu::esm_class(udhi)).ok_or(SimError::Address)?);
        }
        for part in parts {
            self.stats.mo_sent.fetch_add(1, Ordering::Relaxed);
            self.deliver(None, part).await;
        }
        Ok(())
    }
}

/// The SMSC simulator.
#[derive(Debug)]
pub struct SmscSimulator;

impl SmscSimulator {
    /// Binds both listeners and starts serving; the HTTP side runs on actix-web (needs a
    /// tokio runtime, an actix `System` is not required).
    pub async fn start(config: SmscSimConfig) -> Result<SmscSimHandle, SimError> {
        let state = Arc::new(SimState::new(&config));
        let listener = TcpListener::bind(config.smpp_addr).await?;
        let smpp_addr = listener.local_addr()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (http_addr, http) = http::start(state.clone(), config.http_addr)?;
        tokio::spawn(server::serve(listener, state.clone(), shutdown_rx));
        info!(%smpp_addr, %http_addr, "SMSC simulator listening");
        Ok(SmscSimHandle {
            state,
            smpp_addr,
            http_addr,
            shutdown,
            http,
        })
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct SmscSimHandle {
    state: Arc<SimState>,
    smpp_addr: SocketAddr,
    http_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    http: actix_web::dev::ServerHandle,
}

impl SmscSimHandle {
    /// The SMPP address actually listened on.
    pub fn smpp_addr(&self) -> SocketAddr {
        self.smpp_addr
    }

    /// The HTTP address actually listened on.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// What handset `msisdn` (with or without `+`) received, reassembled, oldest first.
    pub fn inbox(&self, msisdn: &str) -> Vec<InboxMessage> {
        self.state.inbox().messages(msisdn)
    }

    /// Replaces the faults (and restarts their submit count).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.state.set_faults(faults);
    }

    /// Counters.
    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }

    /// Sends an MO message from `from` to `to` (split into parts when long) to a bound
    /// receiver; held until one binds if none is.
    pub async fn inject_mo(&self, from: &str, to: &str, text: &str) -> Result<(), SimError> {
        self.state.inject_mo(from, to, text).await
    }

    /// Closes every session and both listeners.
    pub async fn stop(&self) {
        self.shutdown.send_replace(true);
        self.http.stop(true).await;
    }
}

/// Runs a simulator until ctrl-c (for `giftgate sim smsc`).
pub async fn run_standalone(config: SmscSimConfig) -> Result<(), SimError> {
    let handle = SmscSimulator::start(config).await?;
    info!(smpp = %handle.smpp_addr(), http = %handle.http_addr(), "SMSC simulator running; ctrl-c stops it");
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(())
}
