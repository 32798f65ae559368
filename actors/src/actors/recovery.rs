//! `Recovery`: resumes orders left pending — by a crash between charge and issue, or a
//! payment outcome that was unknown — through their subscriber's session. Every step is
//! idempotent, so an order resumed while another instance also works on it still
//! finishes once. Runs once at start and then on a timer.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use super::registry::{Dispatch, SessionRegistry};
use super::session::SessionCommand;
use crate::service::Ledger;

/// The recovery timer.
pub struct Recovery {
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    every: Duration,
    grace: chrono::Duration,
    busy: bool,
}

impl Recovery {
    /// Resumes orders pending for longer than `grace`, checking every `every`.
    pub fn new(
        ledger: Arc<Ledger>,
        registry: Addr<SessionRegistry>,
        every: Duration,
        grace: chrono::Duration,
    ) -> Self {
        Recovery {
            ledger,
            registry,
            every,
            grace,
            busy: false,
        }
    }
}

/// Resume what is pending now, answering how many orders were resumed.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ResumePending {
    /// Ignore the grace period (start-up: nothing of this process is in flight yet).
    pub everything: bool,
}

impl Actor for Recovery {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.notify(ResumePending { everything: true });
        ctx.run_interval(self.every, |_, ctx| {
            ctx.notify(ResumePending { everything: false })
        });
    }
}

impl Handler<ResumePending> for Recovery {
    type Result = ();

    fn handle(&mut self, message: ResumePending, ctx: &mut Self::Context) {
        if self.busy {
            return;
        }
        self.busy = true;
        let ledger = Arc::clone(&self.ledger);
        let registry = self.registry.clone();
        let before = if message.everything {
            ledger.now()
        } else {
            ledger.now() - self.grace
        };
        let work = async move {
            let pending = match ledger.store.pending_orders(before, 200).await {
                Ok(pending) => pending,
                Err(error) => {
                    tracing::warn!(%error, "could not read pending orders");
                    return;
                }
            };
            for record in pending {
                let order_id = record.order_id.clone();
                let dispatch = Dispatch {
                    msisdn: record.msisdn.clone(),
                    command: SessionCommand::Resume(record),
                };
                match registry.send(dispatch).await {
                    Ok(Ok(_)) => tracing::info!(%order_id, "pending order resumed"),
                    Ok(Err(error)) => {
                        tracing::warn!(%order_id, %error, "pending order still pending")
                    }
                    Err(error) => tracing::warn!(%order_id, %error, "registry unavailable"),
                }
            }
        };
        ctx.spawn(
            work.into_actor(self)
                .map(|_, recovery, _| recovery.busy = false),
        );
    }
}
