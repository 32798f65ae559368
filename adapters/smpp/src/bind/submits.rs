//! The messages a bind sends: taking them off the client's queue, writing their parts as
//! the window, a pause and the rate limit allow, reading each `submit_sm_resp` (accepted,
//! slow down, temporary, permanent), and releasing them when the session drops or stops.

use futures::SinkExt;
use rusmpp::CommandStatus;
use tokio::time::Instant;
use tracing::{debug, warn};

use super::{ActiveJob, BindSession, SubmitJob, Writer};
use crate::SubmitAccepted;
use crate::error::SubmitError;
use crate::frame::FrameError;
use crate::message_id::SmscMessageId;
use crate::pdu;
use crate::retry::Backoff;
use crate::status::{StatusClass, classify, code};
use crate::window::InFlight;

impl BindSession {
    /// Writes every part the window, pause and rate limit allow; returns when to wake up
    /// for the next one if it has to wait.
    pub(super) async fn send_ready_parts(
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

    pub(super) fn accept_job(&mut self, job: SubmitJob) {
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

    pub(super) fn on_submit_resp(
        &mut self,
        sequence: u32,
        status: CommandStatus,
        message_id: Option<String>,
    ) {
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
    pub(super) fn requeue_unanswered(&mut self) {
        for lost in self.window.drain_oldest_first().into_iter().rev() {
            self.ready.push_front(lost.job);
        }
    }

    /// On unbind: messages not yet written fail with `ShutDown`; in-flight ones finish.
    pub(super) fn release_unsent(&mut self) {
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
    pub(super) fn release_all(&mut self) {
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
