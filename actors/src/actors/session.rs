//! `SubscriberSession`: the home of one subscriber's work. Every order and command of
//! that subscriber runs through it one at a time, in arrival order, so a subscriber's
//! orders apply in order. It holds no dialogue state: what waits for a `YES` is kept in
//! the database, so it survives the session's idle stop, a restart, and an answer that
//! arrives through another instance.
//!
//! The handler is an [`AtomicResponse`]: the actor does not take its next message until
//! the current one's future completes. A panic inside an order's work is caught and
//! answered as an error (the order stays pending and recovery resumes it), so one bad
//! order never kills the subscriber's session. The session tells the registry when it
//! has been idle for a while; the registry decides whether to stop it.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use futures::FutureExt;

use super::registry::{SessionIdle, SessionRegistry};
use crate::domain::{ConfirmationId, GiftId, Msisdn, Order, OrderRecord, RefusalCode};
use crate::service::orders::OrderMeta;
use crate::service::{Ledger, ServiceError};

/// What a session is asked to do.
#[derive(Debug, Clone)]
pub enum SessionCommand {
    /// Run an order.
    Order {
        /// The order.
        order: Order,
        /// Reply routing.
        meta: OrderMeta,
    },
    /// Return an unanswered gift to this (giving) subscriber.
    ExpireGift(GiftId),
    /// Resume a pending order of this subscriber.
    Resume(OrderRecord),
    /// Send a gift that waited for this giver's check.
    ConfirmGift(GiftId),
    /// A command the subscriber texted to the short code.
    Mo(crate::mo::MoCommand),
    /// Lapse this subscriber's request waiting for `YES`, its deadline having passed.
    ExpireConfirmation(ConfirmationId),
    /// Cancel a gift of this (giving) subscriber for their channel.
    CancelGift(GiftId),
}

/// What a session answers.
#[derive(Debug)]
pub enum SessionReply {
    /// An order's stored outcome.
    Order(Box<OrderRecord>),
    /// Whether a timer's work did something.
    Done(bool),
}

/// A message to a session: run one command.
#[derive(Message)]
#[rtype(result = "Result<SessionReply, ServiceError>")]
pub struct RunCommand {
    /// The command.
    pub command: SessionCommand,
}

/// Stop now (sent by the registry after it forgot the session; queued behind any work).
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopSession;

/// One subscriber's session.
pub struct SubscriberSession {
    msisdn: Msisdn,
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    session_id: u64,
    handled: u64,
    idle_after: Duration,
    idle_timer: Option<SpawnHandle>,
    mailbox_capacity: usize,
}

impl SubscriberSession {
    /// A session for `msisdn`; `session_id` tells this incarnation apart from later ones.
    pub fn new(
        msisdn: Msisdn,
        ledger: Arc<Ledger>,
        registry: Addr<SessionRegistry>,
        session_id: u64,
        idle_after: Duration,
        mailbox_capacity: usize,
    ) -> Self {
        SubscriberSession {
            msisdn,
            ledger,
            registry,
            session_id,
            handled: 0,
            idle_after,
            idle_timer: None,
            mailbox_capacity,
        }
    }

    fn arm_idle_timer(&mut self, ctx: &mut Context<Self>) {
        if let Some(handle) = self.idle_timer.take() {
            ctx.cancel_future(handle);
        }
        self.idle_timer = Some(ctx.run_later(self.idle_after, |session, _ctx| {
            session.registry.do_send(SessionIdle {
                msisdn: session.msisdn.clone(),
                session_id: session.session_id,
                handled: session.handled,
            });
        }));
    }
}

impl Actor for SubscriberSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(self.mailbox_capacity);
        self.arm_idle_timer(ctx);
    }
}

impl Handler<RunCommand> for SubscriberSession {
    type Result = AtomicResponse<Self, Result<SessionReply, ServiceError>>;

    /// Runs one command to completion before the next message is taken (`.wait`
    /// semantics of `AtomicResponse`).
    fn handle(&mut self, message: RunCommand, ctx: &mut Self::Context) -> Self::Result {
        if let Some(handle) = self.idle_timer.take() {
            ctx.cancel_future(handle);
        }
        let ledger = Arc::clone(&self.ledger);
        let msisdn = self.msisdn.clone();
        let work = async move { run(&ledger, &msisdn, message.command).await };
        AtomicResponse::new(Box::pin(
            AssertUnwindSafe(work)
                .catch_unwind()
                .into_actor(self)
                .map(|result, session, ctx| {
                    session.handled += 1;
                    session.arm_idle_timer(ctx);
                    match result {
                        Ok(reply) => reply,
                        Err(_) => {
                            tracing::error!(msisdn = %session.msisdn.masked(), "order work panicked; it stays pending for recovery");
                            Err(ServiceError::Internal("the order work panicked; it will be resumed".to_owned()))
                        }
                    }
                }),
        ))
    }
}

impl Handler<StopSession> for SubscriberSession {
    type Result = ();

    fn handle(&mut self, _: StopSession, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

async fn run(
    ledger: &Ledger,
    msisdn: &Msisdn,
    command: SessionCommand,
) -> Result<SessionReply, ServiceError> {
    match command {
        SessionCommand::Order { order, meta } => ledger
            .place_order(&order, &meta)
            .await
            .map(|record| SessionReply::Order(Box::new(record))),
        SessionCommand::Resume(record) => {
            // Recovery read the record before this session's earlier work ran: read it
            // again here, where no other work of this subscriber can interleave.
            let current = ledger.find_order(&record.order_id).await?.unwrap_or(record);
            ledger
                .resume_order(current)
                .await
                .map(|record| SessionReply::Order(Box::new(record)))
        }
        SessionCommand::ExpireGift(gift_id) => {
            ledger.expire_gift(&gift_id).await.map(SessionReply::Done)
        }
        SessionCommand::ConfirmGift(gift_id) => {
            let giver = ledger
                .find_gift(&gift_id)
                .await?
                .map(|g| g.giver)
                .ok_or_else(|| {
                    crate::service::Refusal::new(RefusalCode::GiftNotFound, "no such gift")
                })?;
            ledger
                .confirm_gift(&gift_id, &giver)
                .await
                .map(|_| SessionReply::Done(true))
        }
        SessionCommand::Mo(command) => crate::mo::handle_mo(ledger, msisdn, command)
            .await
            .map(|()| SessionReply::Done(true)),
        SessionCommand::ExpireConfirmation(id) => ledger
            .expire_confirmation(&id)
            .await
            .map(SessionReply::Done),
        SessionCommand::CancelGift(gift_id) => ledger
            .cancel_gift_for_giver(&gift_id)
            .await
            .map(|_| SessionReply::Done(true)),
    }
}
