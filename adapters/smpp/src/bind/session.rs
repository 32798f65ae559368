//! The life of a bind's session: connect, bind, run the bound session, and reconnect with
//! backoff when it is lost; and the one loop of a bound session that multiplexes the
//! socket, the message queue, retry and pause timers, `enquire_link` and the unbind.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use futures::{SinkExt, StreamExt};
use rusmpp::Pdu;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep, sleep_until};
use tracing::{debug, info, warn};

use super::inbound::deliver_sm_resp;
use super::{
    BindSession, INTAKE_FACTOR, MAX_HELD_EVENTS, MIN_TIMER_PERIOD, RESPONSE_BIT, Reader,
    SessionEnd, Writer, lock_assembler,
};
use crate::SmppEvent;
use crate::frame::{Frame, FrameError, generic_nack, nack_status_for};
use crate::pdu;
use crate::retry::Backoff;

impl BindSession {
    pub(super) async fn run(mut self) {
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
}
