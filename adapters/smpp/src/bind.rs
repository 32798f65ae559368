//! `SmppBind`: one transceiver bind to the SMSC, as an actix actor.
//!
//! The actor owns a session loop (spawned in its own context, so it lives and dies with the
//! actor) that connects, binds as SMPP 3.4 transceiver, and then multiplexes on one task:
//! submits from the client's queue into a window keyed by sequence number, responses,
//! receipts and MO `deliver_sm`s (answered only once the event channel took them),
//! `enquire_link` both ways, and response timeouts. On a drop it requeues the unanswered
//! submits oldest first and reconnects with a jittered capped backoff.
//!
//! Order of parts: a message's next part is written only after the previous one was
//! accepted, so throttling (which pauses the whole bind) or a reconnect can never reorder
//! a message's parts; the window is filled by parts of different messages.
//!
//! This file holds the actor, what it shares with the client, and the session's state;
//! the session's behaviour is beside it: `handshake` (connect and `bind_transceiver`),
//! `session` (the reconnect loop and the multiplexing loop of one bound session),
//! `submits` (messages through the window: writing parts, reading `submit_sm_resp`s,
//! retries, release on unbind) and `inbound` (the SMSC's requests and `deliver_sm`s).

mod handshake;
mod inbound;
mod session;
mod submits;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use actix::prelude::*;
use rusmpp::pdus::SubmitSm;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_util::codec::{FramedRead, FramedWrite};
use tokio_util::time::DelayQueue;

use crate::config::SmppClientConfig;
use crate::error::SubmitError;
use crate::frame::FrameCodec;
use crate::message_id::SmscMessageId;
use crate::mo::MoAssembler;
use crate::retry::Backoff;
use crate::throttle::RateLimiter;
use crate::window::Window;
use crate::{SmppEvent, SubmitAccepted};

/// Highest sequence number before wrapping (SMPP allows 0x00000001..=0x7FFFFFFF).
const MAX_SEQUENCE: u32 = 0x7FFF_FFFF;
/// Bit of command_id that marks a response.
const RESPONSE_BIT: u32 = 0x8000_0000;
/// Shortest period of the keep-alive and timeout timers (a zero setting must not spin).
const MIN_TIMER_PERIOD: std::time::Duration = std::time::Duration::from_millis(10);
/// Messages taken off the client queue per bind beyond the window (bounds memory).
const INTAKE_FACTOR: usize = 4;
/// `deliver_sm`s (MO, receipts) held unacknowledged while the gateway's event channel is
/// full; at this many the bind stops reading its socket until the gateway catches up.
const MAX_HELD_EVENTS: usize = 64;

/// MO reassembly shared by every bind: an SMSC may deliver the parts of one message over
/// different binds.
pub(crate) type SharedMoAssembler = Arc<Mutex<MoAssembler>>;

fn lock_assembler(assembler: &SharedMoAssembler) -> MutexGuard<'_, MoAssembler> {
    assembler
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A message handed to a bind: its parts as ready-made `submit_sm`s.
#[derive(Debug)]
pub(crate) struct SubmitJob {
    /// The caller's reference, for logs.
    pub message_ref: String,
    /// Destination masked for logs.
    pub masked_destination: String,
    /// One `submit_sm` per part, in order.
    pub parts: Vec<SubmitSm>,
    /// Where the outcome goes.
    pub reply: oneshot::Sender<Result<SubmitAccepted, SubmitError>>,
}

/// What a bind shares with the client that started it.
#[derive(Debug)]
pub(crate) struct BindLink {
    /// Whether the bind is currently bound.
    pub bound: Arc<AtomicBool>,
    /// Queue of messages for this bind.
    pub jobs: mpsc::Sender<SubmitJob>,
}

/// Asks a bind to unbind and stop; resolves when it has.
#[derive(Message)]
#[rtype(result = "()")]
pub(crate) struct Unbind;

/// The actor of one transceiver bind.
pub(crate) struct SmppBind {
    session: Option<BindSession>,
    stop: watch::Sender<bool>,
    stopped: watch::Receiver<bool>,
}

impl SmppBind {
    /// Creates bind number `index` and the link the client keeps to it.
    pub(crate) fn new(
        index: usize,
        config: Arc<SmppClientConfig>,
        limiter: RateLimiter,
        events: mpsc::Sender<SmppEvent>,
        mo: SharedMoAssembler,
    ) -> (Self, BindLink) {
        let (jobs_tx, jobs_rx) = mpsc::channel(config.window.max(1) * INTAKE_FACTOR);
        let (stop_tx, stop_rx) = watch::channel(false);
        let (stopped_tx, stopped_rx) = watch::channel(false);
        let bound = Arc::new(AtomicBool::new(false));
        let session = BindSession::new(SessionParts {
            index,
            config,
            limiter,
            events,
            jobs: jobs_rx,
            stop: stop_rx,
            stopped: stopped_tx,
            bound: bound.clone(),
            mo,
        });
        let actor = Self {
            session: Some(session),
            stop: stop_tx,
            stopped: stopped_rx,
        };
        let link = BindLink {
            bound,
            jobs: jobs_tx,
        };
        (actor, link)
    }
}

impl Actor for SmppBind {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if let Some(session) = self.session.take() {
            ctx.spawn(session.run().into_actor(self).map(|(), _, ctx| ctx.stop()));
        }
    }
}

impl Handler<Unbind> for SmppBind {
    type Result = ResponseFuture<()>;

    /// Signals the session and waits (outside the actor, so the session keeps running)
    /// until it has unbound and released its messages.
    fn handle(&mut self, _: Unbind, _: &mut Context<Self>) -> Self::Result {
        self.stop.send_replace(true);
        let mut stopped = self.stopped.clone();
        Box::pin(async move {
            let _ = stopped.wait_for(|done| *done).await;
        })
    }
}

struct SessionParts {
    index: usize,
    config: Arc<SmppClientConfig>,
    limiter: RateLimiter,
    events: mpsc::Sender<SmppEvent>,
    jobs: mpsc::Receiver<SubmitJob>,
    stop: watch::Receiver<bool>,
    stopped: watch::Sender<bool>,
    bound: Arc<AtomicBool>,
    mo: SharedMoAssembler,
}

/// A message being sent: which part is next and the ids of the accepted ones.
struct ActiveJob {
    job: SubmitJob,
    next_part: usize,
    smsc_ids: Vec<SmscMessageId>,
    temporary_failures: u32,
    temporary_backoff: Backoff,
}

/// How a session ended.
enum SessionEnd {
    /// The connection is gone (or unusable); reconnect.
    Lost(String),
    /// Unbound on request; stop.
    Stopped,
}

type Reader = FramedRead<OwnedReadHalf, FrameCodec>;
type Writer = FramedWrite<OwnedWriteHalf, FrameCodec>;

struct BindSession {
    parts: SessionParts,
    sequence: u32,
    jobs: HashMap<u64, ActiveJob>,
    next_job_id: u64,
    ready: VecDeque<u64>,
    delayed: DelayQueue<u64>,
    window: Window<u64>,
    paused_until: Option<Instant>,
    throttle_backoff: Backoff,
    rate_slot: Option<Instant>,
    mo: SharedMoAssembler,
    stopping: bool,
}

impl BindSession {
    fn new(parts: SessionParts) -> Self {
        let config = parts.config.clone();
        Self {
            sequence: 0,
            jobs: HashMap::new(),
            next_job_id: 0,
            ready: VecDeque::new(),
            delayed: DelayQueue::new(),
            window: Window::new(config.window),
            paused_until: None,
            throttle_backoff: Backoff::throttle(&config.retry),
            rate_slot: None,
            mo: parts.mo.clone(),
            stopping: false,
            parts,
        }
    }

    fn config(&self) -> &SmppClientConfig {
        &self.parts.config
    }

    fn next_sequence(&mut self) -> u32 {
        self.sequence = if self.sequence >= MAX_SEQUENCE {
            1
        } else {
            self.sequence + 1
        };
        self.sequence
    }
}
