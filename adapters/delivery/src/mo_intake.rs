//! MO commands from the SMPP binds, run concurrently across subscribers.
//!
//! Before issue 15 the event loop awaited each MO command — billing included, up to the
//! 10-s billing timeout — before it read the next SMPP event, so one subscriber's slow
//! charge delayed every other subscriber's answer and every delivery receipt. Now each
//! command is handed to its subscriber's session and the loop reads on:
//!
//! - **order per subscriber**: a subscriber's commands run one after another in arrival
//!   order (the next is handed over when the previous finished), so `BUY` is asked
//!   before the `YES` that answers it is read;
//! - **concurrency across subscribers**: different subscribers' commands run at once;
//! - **a bound with back-pressure**: at most `limit` commands are held (running or
//!   waiting behind their subscriber's); at the bound the event loop stops reading, the
//!   event channel fills, the bind holds its `deliver_sm_resp`s and finally stops
//!   reading its socket. Nothing is dropped: an unacknowledged `deliver_sm` is the
//!   SMSC's to deliver again.

use std::collections::{HashMap, VecDeque};

use actix::Addr;
use futures::StreamExt;
use futures::future::LocalBoxFuture;
use futures::stream::FuturesUnordered;
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionRegistry};
use giftgate_actors::domain::{Msisdn, Region};
use giftgate_actors::mo::MoCommand;
use giftgate_smpp::MoMessage;

/// MO commands held at once unless configured (`GIFTGATE_MO_IN_FLIGHT`).
pub const DEFAULT_MO_IN_FLIGHT: usize = 256;

/// The MO commands in flight.
pub struct MoIntake {
    registry: Addr<SessionRegistry>,
    region: Region,
    limit: usize,
    /// Subscribers with a command running, each with the commands waiting behind it.
    waiting: HashMap<Msisdn, VecDeque<MoCommand>>,
    running: FuturesUnordered<LocalBoxFuture<'static, Msisdn>>,
    held: usize,
}

impl MoIntake {
    /// An intake handing commands to `registry`, holding at most `limit` at once.
    pub fn new(registry: Addr<SessionRegistry>, region: Region, limit: usize) -> Self {
        MoIntake {
            registry,
            region,
            limit: limit.max(1),
            waiting: HashMap::new(),
            running: FuturesUnordered::new(),
            held: 0,
        }
    }

    /// Whether another command may be taken (below the bound).
    pub fn has_room(&self) -> bool {
        self.held < self.limit
    }

    /// Whether any command is running.
    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Takes an MO message: parsed, then run at once or queued behind its subscriber's
    /// running command. A message from an invalid number is logged (masked) and not
    /// answered.
    pub fn accept(&mut self, mo: MoMessage) {
        let Ok(msisdn) = Msisdn::parse(&mo.from, self.region) else {
            tracing::warn!(from = %giftgate_actors::domain::msisdn::mask(&mo.from), "MO from an invalid number; not answered");
            return;
        };
        let command = giftgate_actors::mo::parse(&mo.text, self.region);
        tracing::info!(msisdn = %msisdn.masked(), command = command.keyword(), "MO command");
        self.held += 1;
        match self.waiting.get_mut(&msisdn) {
            Some(queue) => queue.push_back(command),
            None => {
                self.waiting.insert(msisdn.clone(), VecDeque::new());
                self.start(msisdn, command);
            }
        }
    }

    /// Waits for one running command to finish and starts the next of its subscriber.
    /// Answers `None` when nothing runs.
    pub async fn next_finished(&mut self) -> Option<()> {
        let msisdn = self.running.next().await?;
        self.held = self.held.saturating_sub(1);
        let next = self.waiting.get_mut(&msisdn).and_then(VecDeque::pop_front);
        match next {
            Some(command) => self.start(msisdn, command),
            None => {
                self.waiting.remove(&msisdn);
            }
        }
        Some(())
    }

    /// Finishes every command held (at shutdown).
    pub async fn drain(&mut self) {
        while self.next_finished().await.is_some() {}
    }

    fn start(&mut self, msisdn: Msisdn, command: MoCommand) {
        let registry = self.registry.clone();
        self.running.push(Box::pin(async move {
            let dispatch = Dispatch {
                msisdn: msisdn.clone(),
                command: SessionCommand::Mo(command),
            };
            match registry.send(dispatch).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => {
                    tracing::warn!(msisdn = %msisdn.masked(), %error, "MO command not carried out")
                }
                Err(error) => tracing::warn!(%error, "registry unavailable for an MO command"),
            }
            msisdn
        }));
    }
}
