//! `SmppClient`: the handle the gateway holds. It encodes messages, spreads them over the
//! binds, and reports bind state; the binds do the protocol work.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix::{Actor, Addr};
use rusmpp::pdus::SubmitSm;
use tokio::sync::{mpsc, oneshot};

use crate::bind::{BindLink, SmppBind, SubmitJob, Unbind};
use crate::concat::encode_message;
use crate::config::SmppClientConfig;
use crate::encoding::Alphabet;
use crate::error::SubmitError;
use crate::mo::MoAssembler;
use crate::pdu::{PartSpec, submit_sm};
use crate::throttle::RateLimiter;
use crate::{OutboundSms, SmppEvent, SubmitAccepted};
use giftgate_edge::mask_msisdn;

/// Longest destination address SMPP carries (`destination_addr` is a C-string of 21).
const MAX_ADDRESS_DIGITS: usize = 20;

/// Handle to a set of transceiver binds; cheap to clone.
#[derive(Clone)]
pub struct SmppClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    config: Arc<SmppClientConfig>,
    binds: Vec<(Addr<SmppBind>, BindLink)>,
    next_bind: AtomicUsize,
    next_reference: AtomicU8,
}

impl std::fmt::Debug for SmppClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmppClient")
            .field("config", &self.inner.config)
            .field("bound", &self.bound_count())
            .finish()
    }
}

impl SmppClient {
    /// Starts `config.binds` `SmppBind` actors (one per transceiver bind) on the current
    /// actix arbiter. Each connects, binds as SMPP 3.4 transceiver, keeps the link alive
    /// with `enquire_link`, reconnects with a jittered capped backoff and sends receipts and
    /// MO messages to `events`. Must be called inside an actix `System`.
    pub fn start(config: SmppClientConfig, events: mpsc::Sender<SmppEvent>) -> SmppClient {
        let config = Arc::new(config);
        let limiter = RateLimiter::new(config.tps);
        let mo = Arc::new(Mutex::new(MoAssembler::new(
            config.coding,
            config.mo_reassembly_timeout,
        )));
        let binds = (0..config.binds.max(1))
            .map(|index| {
                let (actor, link) = SmppBind::new(
                    index,
                    config.clone(),
                    limiter.clone(),
                    events.clone(),
                    mo.clone(),
                );
                (actor.start(), link)
            })
            .collect();
        SmppClient {
            inner: Arc::new(ClientInner {
                config,
                binds,
                next_bind: AtomicUsize::new(0),
                next_reference: AtomicU8::new(rand::random()),
            }),
        }
    }

    /// Submits one message, split into concatenated parts if needed, and resolves when
    /// every part got `submit_sm_resp` OK, with the SMSC ids (one per part).
    ///
    /// Throttling (0x58) and queue-full (0x14) pause the bind and resend; temporary errors
    /// resend after a backoff; a submit whose response was lost with the connection is
    /// resubmitted after the rebind (so the SMSC may see it twice). Waits as long as it
    /// takes for a bind to come up; wrap it in a timeout if the caller needs one.
    pub async fn submit(&self, sms: OutboundSms) -> Result<SubmitAccepted, SubmitError> {
        let destination = sms.destination.trim().trim_start_matches('+');
        if destination.is_empty()
            || destination.len() > MAX_ADDRESS_DIGITS
            || !destination.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(SubmitError::InvalidDestination);
        }
        let parts = self.encode_parts(destination, &sms.text)?;
        let (reply, outcome) = oneshot::channel();
        let job = SubmitJob {
            message_ref: sms.message_ref,
            masked_destination: mask_msisdn(destination),
            parts,
            reply,
        };
        self.pick_bind()
            .jobs
            .send(job)
            .await
            .map_err(|_| SubmitError::ShutDown)?;
        outcome.await.map_err(|_| SubmitError::ShutDown)?
    }

    fn encode_parts(&self, destination: &str, text: &str) -> Result<Vec<SubmitSm>, SubmitError> {
        let config = &self.inner.config;
        let alphabet = Alphabet::for_text(text, &config.coding);
        let reference = self.inner.next_reference.fetch_add(1, Ordering::Relaxed);
        let encoded = encode_message(text, alphabet, reference)?;
        let udhi = encoded.has_udh();
        encoded
            .parts
            .iter()
            .map(|short_message| {
                submit_sm(&PartSpec {
                    source: &config.source_addr,
                    destination,
                    data_coding: alphabet.data_coding(),
                    udhi,
                    short_message,
                })
                .ok_or(SubmitError::InvalidSource)
            })
            .collect()
    }

    /// Round robin over the binds, preferring one that is bound.
    fn pick_bind(&self) -> &BindLink {
        let binds = &self.inner.binds;
        let start = self.inner.next_bind.fetch_add(1, Ordering::Relaxed);
        (0..binds.len())
            .map(|offset| &binds[(start + offset) % binds.len()].1)
            .find(|link| link.bound.load(Ordering::Relaxed))
            .unwrap_or(&binds[start % binds.len()].1)
    }

    /// Binds currently bound (for readiness checks).
    pub fn bound_count(&self) -> usize {
        self.inner
            .binds
            .iter()
            .filter(|(_, link)| link.bound.load(Ordering::Relaxed))
            .count()
    }

    /// Unbinds every bind (waiting for outstanding responses first), then stops the
    /// actors. Messages not yet written fail with [`SubmitError::ShutDown`].
    pub async fn shutdown(&self) {
        let unbinds: Vec<_> = self
            .inner
            .binds
            .iter()
            .map(|(addr, _)| addr.send(Unbind))
            .collect();
        for outcome in futures::future::join_all(unbinds).await {
            if let Err(err) = outcome {
                tracing::debug!(%err, "bind already stopped");
            }
        }
    }
}
