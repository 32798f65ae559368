//! `SessionRegistry`: finds or starts the session of a subscriber and hands it work.
//!
//! Sessions are spread over the configured arbiters (threads) by a hash of the MSISDN.
//! The registry enqueues into the session's mailbox inside its own handler, so work for
//! one subscriber is enqueued in the order the registry received it. It counts what it
//! dispatched to each session; a session reporting idle is stopped only if it has
//! handled everything dispatched to it, so no work can overtake other work of the same
//! subscriber in a fresh session. If a session died, the registry forgets it and the
//! next work starts a new one (the lost order stays pending and is resumed by recovery).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use super::session::{RunCommand, SessionCommand, SessionReply, StopSession, SubscriberSession};
use crate::domain::Msisdn;
use crate::service::{Ledger, ServiceError};

/// How sessions are run.
#[derive(Clone)]
pub struct RegistryConfig {
    /// A session idle this long is stopped.
    pub idle_after: Duration,
    /// Bound of each session's mailbox (back-pressure beyond it).
    pub mailbox_capacity: usize,
    /// Arbiters to spread sessions over; empty = the registry's own.
    pub arbiters: Vec<ArbiterHandle>,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            idle_after: Duration::from_secs(60),
            mailbox_capacity: 64,
            arbiters: Vec::new(),
        }
    }
}

struct SessionEntry {
    addr: Addr<SubscriberSession>,
    session_id: u64,
    dispatched: u64,
}

/// Starts and tracks subscriber sessions.
pub struct SessionRegistry {
    ledger: Arc<Ledger>,
    config: RegistryConfig,
    sessions: HashMap<Msisdn, SessionEntry>,
    next_session_id: u64,
}

impl SessionRegistry {
    /// A registry running orders against `ledger`.
    pub fn new(ledger: Arc<Ledger>, config: RegistryConfig) -> Self {
        SessionRegistry {
            ledger,
            config,
            sessions: HashMap::new(),
            next_session_id: 0,
        }
    }

    fn session_for(&mut self, msisdn: &Msisdn, ctx: &mut Context<Self>) -> &mut SessionEntry {
        if !self.sessions.contains_key(msisdn) {
            self.next_session_id += 1;
            let session = SubscriberSession::new(
                msisdn.clone(),
                Arc::clone(&self.ledger),
                ctx.address(),
                self.next_session_id,
                self.config.idle_after,
                self.config.mailbox_capacity,
            );
            let addr = if self.config.arbiters.is_empty() {
                session.start()
            } else {
                let mut hasher = DefaultHasher::new();
                msisdn.hash(&mut hasher);
                let index = (hasher.finish() % self.config.arbiters.len() as u64) as usize;
                SubscriberSession::start_in_arbiter(&self.config.arbiters[index], |_| session)
            };
            metrics::gauge!("giftgate_sessions_active").increment(1.0);
            self.sessions.insert(
                msisdn.clone(),
                SessionEntry {
                    addr,
                    session_id: self.next_session_id,
                    dispatched: 0,
                },
            );
        }
        // The entry was inserted just above if it was missing.
        self.sessions
            .get_mut(msisdn)
            .expect("session entry exists after insertion")
    }
}

impl Actor for SessionRegistry {
    type Context = Context<Self>;
}

/// Hand a command to a subscriber's session and wait for its answer.
#[derive(Message)]
#[rtype(result = "Result<SessionReply, ServiceError>")]
pub struct Dispatch {
    /// Whose session.
    pub msisdn: Msisdn,
    /// What to do.
    pub command: SessionCommand,
}

impl Handler<Dispatch> for SessionRegistry {
    type Result = ResponseFuture<Result<SessionReply, ServiceError>>;

    fn handle(&mut self, message: Dispatch, ctx: &mut Self::Context) -> Self::Result {
        let registry = ctx.address();
        let entry = self.session_for(&message.msisdn, ctx);
        entry.dispatched += 1;
        let session_id = entry.session_id;
        let request = entry.addr.send(RunCommand {
            command: message.command,
        });
        let msisdn = message.msisdn;
        Box::pin(async move {
            match request.await {
                Ok(reply) => reply,
                Err(error) => {
                    registry.do_send(SessionLost { msisdn, session_id });
                    Err(ServiceError::Contention(format!(
                        "subscriber session unavailable: {error}"
                    )))
                }
            }
        })
    }
}

/// A session reports it has been idle.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SessionIdle {
    /// Whose session.
    pub msisdn: Msisdn,
    /// Which incarnation.
    pub session_id: u64,
    /// Commands it has finished.
    pub handled: u64,
}

impl Handler<SessionIdle> for SessionRegistry {
    type Result = ();

    fn handle(&mut self, idle: SessionIdle, _: &mut Self::Context) {
        let quiet = self
            .sessions
            .get(&idle.msisdn)
            .is_some_and(|e| e.session_id == idle.session_id && e.dispatched == idle.handled);
        if quiet && let Some(entry) = self.sessions.remove(&idle.msisdn) {
            entry.addr.do_send(StopSession);
            metrics::gauge!("giftgate_sessions_active").decrement(1.0);
        }
    }
}

/// A session's mailbox closed unexpectedly: forget it so the next work starts a new one.
#[derive(Message)]
#[rtype(result = "()")]
struct SessionLost {
    msisdn: Msisdn,
    session_id: u64,
}

impl Handler<SessionLost> for SessionRegistry {
    type Result = ();

    fn handle(&mut self, lost: SessionLost, _: &mut Self::Context) {
        if self
            .sessions
            .get(&lost.msisdn)
            .is_some_and(|e| e.session_id == lost.session_id)
        {
            tracing::error!(msisdn = %lost.msisdn.masked(), "subscriber session died; a new one starts with the next order");
            self.sessions.remove(&lost.msisdn);
            metrics::gauge!("giftgate_sessions_active").decrement(1.0);
        }
    }
}

/// How many sessions are running.
#[derive(Message)]
#[rtype(result = "usize")]
pub struct ActiveSessions;

impl Handler<ActiveSessions> for SessionRegistry {
    type Result = usize;

    fn handle(&mut self, _: ActiveSessions, _: &mut Self::Context) -> usize {
        self.sessions.len()
    }
}
