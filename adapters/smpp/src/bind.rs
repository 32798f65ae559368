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

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use actix::prelude::*;
use futures::{SinkExt, StreamExt};
use rusmpp::pdus::{DeliverSm, DeliverSmResp, SubmitSm};
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep, sleep_until, timeout};
use tokio_util::codec::{FramedRead, FramedWrite};
use tokio_util::time::DelayQueue;
use tracing::{debug, info, warn};

use crate::config::SmppClientConfig;
use crate::error::SubmitError;
use crate::frame::{Frame, FrameCodec, FrameError, generic_nack, nack_status_for};
use crate::message_id::SmscMessageId;
use crate::mo::MoAssembler;

/// MO reassembly shared by every bind: an SMSC may deliver the parts of one message over
/// different binds.
pub(crate) type SharedMoAssembler = Arc<Mutex<MoAssembler>>;

fn lock_assembler(assembler: &SharedMoAssembler) -> MutexGuard<'_, MoAssembler> {
    assembler
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
use crate::receipt;
use crate::retry::Backoff;
use crate::status::{StatusClass, classify, code};
use crate::throttle::RateLimiter;
use crate::window::{InFlight, Window};
use crate::{SmppEvent, SubmitAccepted, pdu};

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

#[derive(Debug, thiserror::Error)]
enum BindFailure {
    #[error("connect failed: {0}")]
    Connect(#[from] std::io::Error),
    #[error("no answer within the response timeout")]
    Timeout,
    #[error("SMSC refused the bind with status {0:?}")]
    Refused(CommandStatus),
    #[error("connection closed during bind")]
    Closed,
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("system_id, password or system_type too long for SMPP")]
    Credentials,
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

    async fn run(mut self) {
        let mut reconnect = Backoff::reconnect(&self.config().retry);
        let mut first_attempt = true;
        while !self.stop_requested() {
            if !first_attempt && !self.wait_before_reconnect(reconnect.next_delay()).await {
                break;
            }
            first_attempt = false;
            match self.connect_and_bind().await {
                Ok((reader, writer)) => {
                    let bound_at = Instant::now();
                    info!(bind = self.parts.index, "bound to SMSC");
                    self.parts.bound.store(true, Ordering::SeqCst);
                    let end = self.session(reader, writer).await;
                    self.parts.bound.store(false, Ordering::SeqCst);
                    self.requeue_unanswered();
                    match end {
                        SessionEnd::Stopped => break,
                        SessionEnd::Lost(reason) => {
                            warn!(bind = self.parts.index, %reason, "SMPP session lost; reconnecting")
                        }
                    }
                    if bound_at.elapsed() >= self.config().retry.reconnect_max {
                        reconnect.reset();
                    }
                }
                Err(failure) => warn!(bind = self.parts.index, %failure, "SMPP bind failed"),
            }
        }
        self.release_all();
        self.parts.stopped.send_replace(true);
        info!(bind = self.parts.index, "SMPP bind stopped");
    }

    fn stop_requested(&self) -> bool {
        *self.parts.stop.borrow()
    }

    /// Sleeps `delay` unless a stop comes first; returns whether to go on.
    async fn wait_before_reconnect(&mut self, delay: std::time::Duration) -> bool {
        debug!(bind = self.parts.index, ?delay, "waiting before reconnect");
        let mut stop = self.parts.stop.clone();
        tokio::select! {
            () = sleep(delay) => true,
            _ = stop.wait_for(|stop| *stop) => false,
        }
    }

    async fn connect_and_bind(&mut self) -> Result<(Reader, Writer), BindFailure> {
        let response_timeout = self.config().response_timeout;
        let address = (self.config().host.clone(), self.config().port);
        let stream = timeout(response_timeout, TcpStream::connect(address))
            .await
            .map_err(|_| BindFailure::Timeout)??;
        stream.set_nodelay(true)?;
        let (read_half, write_half) = stream.into_split();
        let mut reader = FramedRead::new(read_half, FrameCodec::new());
        let mut writer = FramedWrite::new(write_half, FrameCodec::new());
        let config = self.config();
        let bind = pdu::bind_transceiver(&config.system_id, &config.password, &config.system_type)
            .ok_or(BindFailure::Credentials)?;
        let sequence = self.next_sequence();
        writer.send(pdu::request(sequence, bind)).await?;
        let response = timeout(response_timeout, async {
            while let Some(frame) = reader.next().await {
                if let Frame::Command(command) = frame?
                    && command.sequence_number == sequence
                {
                    return Ok(command);
                }
            }
            Err(BindFailure::Closed)
        })
        .await
        .map_err(|_| BindFailure::Timeout)??;
        match (response.status, response.id()) {
            (CommandStatus::EsmeRok, CommandId::BindTransceiverResp) => Ok((reader, writer)),
            (CommandStatus::EsmeRok, _) => Err(BindFailure::Refused(CommandStatus::EsmeRbindfail)),
            (status, _) => Err(BindFailure::Refused(status)),
        }
    }

    /// Runs a bound session until it is lost or unbound.
    async fn session(&mut self, mut reader: Reader, mut writer: Writer) -> SessionEnd {
        match self.session_loop(&mut reader, &mut writer).await {
            Ok(end) => end,
            Err(err) => SessionEnd::Lost(err.to_string()),
        }
    }

    async fn session_loop(
        &mut self,
        reader: &mut Reader,
        writer: &mut Writer,
    ) -> Result<SessionEnd, FrameError> {
        let config = self.parts.config.clone();
        let mut enquire = interval(config.enquire_link_interval.max(MIN_TIMER_PERIOD));
        enquire.set_missed_tick_behavior(MissedTickBehavior::Delay);
        enquire.reset();
        let mut housekeeping = interval((config.response_timeout / 4).max(MIN_TIMER_PERIOD));
        housekeeping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut enquire_pending: Option<(u32, Instant)> = None;
        let mut unbind_sent: Option<Instant> = None;
        let mut pending_events: VecDeque<(u32, SmppEvent)> = VecDeque::new();
        let mut stop = self.parts.stop.clone();
        let events = self.parts.events.clone();
        loop {
            if self.stopping
                && self.window.is_empty()
                && unbind_sent.is_none()
                && pending_events.is_empty()
            {
                let sequence = self.next_sequence();
                writer.send(pdu::request(sequence, Pdu::Unbind)).await?;
                unbind_sent = Some(Instant::now());
            }
            let wake = self.send_ready_parts(writer).await?;
            let intake_open =
                !self.stopping && self.jobs.len() < config.window.max(1) * INTAKE_FACTOR;
            // Back-pressure: while the gateway is not taking events (its MO bound is
            // reached), stop reading the socket rather than hold ever more PDUs; the
            // responses we do not read meanwhile are ours to be late for, not the SMSC's.
            let reading = pending_events.len() < MAX_HELD_EVENTS;
            tokio::select! {
                frame = reader.next(), if reading => {
                    let Some(frame) = frame else {
                        return Ok(if unbind_sent.is_some() { SessionEnd::Stopped } else { SessionEnd::Lost("connection closed by SMSC".to_owned()) });
                    };
                    match frame {
                        Err(err) => return Ok(if unbind_sent.is_some() { SessionEnd::Stopped } else { SessionEnd::Lost(err.to_string()) }),
                        Ok(Frame::Malformed { command_id, sequence_number, reason }) => {
                            warn!(bind = self.parts.index, command_id, sequence_number, %reason, "malformed PDU from SMSC");
                            if command_id & RESPONSE_BIT != 0 {
                                return Ok(SessionEnd::Lost(format!("malformed response: {reason}")));
                            }
                            writer.send(generic_nack(sequence_number, nack_status_for(command_id))).await?;
                        }
                        Ok(Frame::Command(command)) => {
                            if let Some(end) = self.on_command(*command, writer, &mut enquire_pending, &mut pending_events, unbind_sent.is_some()).await? {
                                return Ok(end);
                            }
                        }
                    }
                }
                job = self.parts.jobs.recv(), if intake_open => match job {
                    Some(job) => self.accept_job(job),
                    None => self.stopping = true,
                },
                () = sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => {}
                Some(expired) = self.delayed.next(), if !self.delayed.is_empty() => {
                    self.ready.push_back(expired.into_inner());
                }
                _ = enquire.tick(), if reading => {
                    if let Some((_, sent_at)) = enquire_pending {
                        if sent_at.elapsed() >= config.response_timeout {
                            return Ok(SessionEnd::Lost("enquire_link unanswered".to_owned()));
                        }
                    } else {
                        let sequence = self.next_sequence();
                        writer.send(pdu::request(sequence, Pdu::EnquireLink)).await?;
                        enquire_pending = Some((sequence, Instant::now()));
                    }
                }
                _ = housekeeping.tick() => {
                    let now = Instant::now();
                    if reading && self.window.has_expired(now, config.response_timeout) {
                        return Ok(SessionEnd::Lost("submit_sm_resp timed out".to_owned()));
                    }
                    if unbind_sent.is_some_and(|at| now.duration_since(at) >= config.response_timeout) {
                        return Ok(SessionEnd::Stopped);
                    }
                    for expired in lock_assembler(&self.mo).expire(now) {
                        warn!(bind = self.parts.index, received = expired.received, total = expired.total, "incomplete concatenated MO dropped");
                    }
                }
                permit = events.reserve(), if !pending_events.is_empty() => {
                    if let Some((sequence, event)) = pending_events.pop_front() {
                        match permit {
                            Ok(permit) => permit.send(event),
                            Err(_) => warn!(bind = self.parts.index, "event receiver gone; deliver_sm acknowledged without delivery"),
                        }
                        writer.send(deliver_sm_resp(sequence)).await?;
                    }
                }
                _ = stop.wait_for(|stop| *stop), if !self.stopping => {
                    info!(bind = self.parts.index, "unbinding");
                    self.stopping = true;
                    self.release_unsent();
                }
            }
        }
    }

    /// Writes every part the window, pause and rate limit allow; returns when to wake up
    /// for the next one if it has to wait.
    async fn send_ready_parts(
        &mut self,
        writer: &mut Writer,
    ) -> Result<Option<Instant>, FrameError> {
        let mut wrote = false;
        let mut wake = None;
        let now = Instant::now();
        while !self.stopping && self.window.has_room() && !self.ready.is_empty() {
            if let Some(until) = self.paused_until {
                if until > now {
                    wake = Some(until);
                    break;
                }
                self.paused_until = None;
            }
            if self.rate_slot.is_none() {
                self.rate_slot = self.parts.limiter.reserve();
            }
            if let Some(slot) = self.rate_slot {
                if slot > now {
                    wake = Some(slot);
                    break;
                }
                self.rate_slot = None;
            }
            let Some(job_id) = self.ready.pop_front() else {
                break;
            };
            let Some(active) = self.jobs.get(&job_id) else {
                continue;
            };
            let part = active.next_part;
            let Some(submit) = active.job.parts.get(part).cloned() else {
                continue;
            };
            let sequence = self.next_sequence();
            writer.feed(pdu::request(sequence, submit)).await?;
            self.window.insert(
                sequence,
                InFlight {
                    job: job_id,
                    part,
                    sent_at: now,
                },
            );
            wrote = true;
        }
        if wrote {
            writer.flush().await?;
        }
        Ok(wake)
    }

    fn accept_job(&mut self, job: SubmitJob) {
        let id = self.next_job_id;
        self.next_job_id += 1;
        debug!(bind = self.parts.index, message_ref = %job.message_ref, destination = %job.masked_destination, parts = job.parts.len(), "message queued");
        let temporary_backoff = Backoff::temporary(&self.config().retry);
        self.jobs.insert(
            id,
            ActiveJob {
                job,
                next_part: 0,
                smsc_ids: Vec::new(),
                temporary_failures: 0,
                temporary_backoff,
            },
        );
        self.ready.push_back(id);
    }

    async fn on_command(
        &mut self,
        command: Command,
        writer: &mut Writer,
        enquire_pending: &mut Option<(u32, Instant)>,
        pending_events: &mut VecDeque<(u32, SmppEvent)>,
        unbinding: bool,
    ) -> Result<Option<SessionEnd>, FrameError> {
        let sequence = command.sequence_number;
        let status = command.status;
        match command.pdu() {
            Some(Pdu::SubmitSmResp(resp)) => {
                let id = resp.message_id().as_str().to_owned();
                self.on_submit_resp(sequence, status, Some(id));
            }
            None if command.id() == CommandId::SubmitSmResp => {
                self.on_submit_resp(sequence, status, None)
            }
            Some(Pdu::GenericNack) => {
                warn!(
                    bind = self.parts.index,
                    sequence,
                    ?status,
                    "generic_nack from SMSC"
                );
                self.on_submit_resp(sequence, status, None);
            }
            Some(Pdu::DeliverSm(deliver_sm)) => match self.read_deliver_sm(deliver_sm) {
                Some(event) => pending_events.push_back((sequence, event)),
                None => writer.send(deliver_sm_resp(sequence)).await?,
            },
            Some(Pdu::EnquireLink) => {
                writer
                    .send(Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        Pdu::EnquireLinkResp,
                    ))
                    .await?;
            }
            Some(Pdu::EnquireLinkResp) => {
                if enquire_pending.is_some_and(|(pending, _)| pending == sequence) {
                    *enquire_pending = None;
                }
            }
            Some(Pdu::Unbind) => {
                writer
                    .send(Command::new(
                        CommandStatus::EsmeRok,
                        sequence,
                        Pdu::UnbindResp,
                    ))
                    .await?;
                return Ok(Some(if unbinding {
                    SessionEnd::Stopped
                } else {
                    SessionEnd::Lost("SMSC unbound".to_owned())
                }));
            }
            Some(Pdu::UnbindResp) if unbinding => return Ok(Some(SessionEnd::Stopped)),
            _ => {
                let id = u32::from(command.id());
                if id & RESPONSE_BIT == 0 {
                    writer
                        .send(generic_nack(sequence, CommandStatus::EsmeRinvcmdid))
                        .await?;
                } else {
                    debug!(
                        bind = self.parts.index,
                        command_id = id,
                        "unexpected response ignored"
                    );
                }
            }
        }
        Ok(None)
    }

    /// Turns a `deliver_sm` into an event, or `None` when there is nothing to hand on
    /// (a part still waiting for the others, an unreadable receipt).
    fn read_deliver_sm(&mut self, deliver_sm: &DeliverSm) -> Option<SmppEvent> {
        if receipt::is_receipt(deliver_sm) {
            let parsed = receipt::from_deliver_sm(deliver_sm, self.config().message_ids.receipt);
            if parsed.is_none() {
                warn!(
                    bind = self.parts.index,
                    "receipt without message id or state ignored"
                );
            }
            return parsed.map(SmppEvent::Receipt);
        }
        lock_assembler(&self.mo)
            .accept(deliver_sm, Instant::now())
            .map(SmppEvent::MobileOriginated)
    }

    fn on_submit_resp(&mut self, sequence: u32, status: CommandStatus, message_id: Option<String>) {
        let Some(in_flight) = self.window.complete(sequence) else {
            debug!(
                bind = self.parts.index,
                sequence, "response for no outstanding submit"
            );
            return;
        };
        let job_id = in_flight.job;
        let retry = self.parts.config.retry;
        match classify(status) {
            StatusClass::Accepted => {
                self.throttle_backoff.reset();
                let id_format = self.config().message_ids.submit_resp;
                let Some(active) = self.jobs.get_mut(&job_id) else {
                    return;
                };
                active.smsc_ids.push(SmscMessageId::new(
                    message_id.as_deref().unwrap_or_default(),
                    id_format,
                ));
                active.next_part += 1;
                if active.next_part < active.job.parts.len() {
                    self.ready.push_front(job_id);
                } else if let Some(done) = self.jobs.remove(&job_id) {
                    debug!(bind = self.parts.index, message_ref = %done.job.message_ref, "message accepted");
                    let _ = done.job.reply.send(Ok(SubmitAccepted {
                        smsc_message_ids: done.smsc_ids,
                    }));
                }
            }
            StatusClass::SlowDown => {
                let now = Instant::now();
                if self.paused_until.is_none_or(|until| until <= now) {
                    let pause = self.throttle_backoff.next_delay();
                    warn!(
                        bind = self.parts.index,
                        ?status,
                        ?pause,
                        "SMSC asks to slow down; pausing bind"
                    );
                    self.paused_until = Some(now + pause);
                }
                self.ready.push_front(job_id);
            }
            StatusClass::Temporary => {
                let Some(active) = self.jobs.get_mut(&job_id) else {
                    return;
                };
                active.temporary_failures += 1;
                if active.temporary_failures >= retry.temporary_attempts {
                    let attempts = active.temporary_failures;
                    self.fail(
                        job_id,
                        SubmitError::RetriesExhausted {
                            status: code(status),
                            attempts,
                            part: in_flight.part + 1,
                        },
                    );
                } else {
                    let delay = active.temporary_backoff.next_delay();
                    warn!(bind = self.parts.index, message_ref = %active.job.message_ref, ?status, ?delay, "temporary SMSC error; retrying");
                    self.delayed.insert(job_id, delay);
                }
            }
            StatusClass::Permanent => {
                self.fail(
                    job_id,
                    SubmitError::Permanent {
                        status: code(status),
                        description: format!("{status:?}"),
                        part: in_flight.part + 1,
                    },
                );
            }
        }
    }

    fn fail(&mut self, job_id: u64, error: SubmitError) {
        if let Some(failed) = self.jobs.remove(&job_id) {
            warn!(bind = self.parts.index, message_ref = %failed.job.message_ref, destination = %failed.job.masked_destination, %error, "message failed");
            let _ = failed.job.reply.send(Err(error));
        }
    }

    /// After a drop: the submits that got no response go first after the rebind.
    fn requeue_unanswered(&mut self) {
        for lost in self.window.drain_oldest_first().into_iter().rev() {
            self.ready.push_front(lost.job);
        }
    }

    /// On unbind: messages not yet written fail with `ShutDown`; in-flight ones finish.
    fn release_unsent(&mut self) {
        let in_flight: std::collections::HashSet<u64> = self.window.jobs().collect();
        let unsent: Vec<u64> = self
            .jobs
            .keys()
            .copied()
            .filter(|id| !in_flight.contains(id))
            .collect();
        for id in unsent {
            self.fail(id, SubmitError::ShutDown);
        }
        self.ready.clear();
        self.delayed.clear();
    }

    /// On stop: everything still held fails with `ShutDown`.
    fn release_all(&mut self) {
        let ids: Vec<u64> = self.jobs.keys().copied().collect();
        for id in ids {
            self.fail(id, SubmitError::ShutDown);
        }
        self.parts.jobs.close();
        while let Ok(job) = self.parts.jobs.try_recv() {
            let _ = job.reply.send(Err(SubmitError::ShutDown));
        }
    }
}

fn deliver_sm_resp(sequence: u32) -> Command {
    Command::new(CommandStatus::EsmeRok, sequence, DeliverSmResp::default())
}
