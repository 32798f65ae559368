//! `GiftExpiry`: a timer that returns unanswered gifts to their givers once the answer
//! window closes. Each expiry runs in the giver's session (so it is ordered with the
//! giver's own orders); the gift's state guard makes it happen exactly once even with
//! several gateway instances ticking.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use super::registry::{Dispatch, SessionRegistry};
use super::session::SessionCommand;
use crate::service::Ledger;

/// The gift expiry timer.
pub struct GiftExpiry {
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    every: Duration,
    busy: bool,
}

impl GiftExpiry {
    /// Checks for due gifts every `every`.
    pub fn new(ledger: Arc<Ledger>, registry: Addr<SessionRegistry>, every: Duration) -> Self {
        GiftExpiry {
            ledger,
            registry,
            every,
            busy: false,
        }
    }
}

/// Expire what is due now (also sent by the timer).
#[derive(Message)]
#[rtype(result = "()")]
pub struct ExpireDueGifts;

impl Actor for GiftExpiry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(self.every, |_, ctx| ctx.notify(ExpireDueGifts));
    }
}

impl Handler<ExpireDueGifts> for GiftExpiry {
    type Result = ();

    fn handle(&mut self, _: ExpireDueGifts, ctx: &mut Self::Context) {
        if self.busy {
            return;
        }
        self.busy = true;
        let ledger = Arc::clone(&self.ledger);
        let registry = self.registry.clone();
        let work = async move {
            let due = match ledger.store.gifts_due(ledger.now(), 500).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "could not read due gifts");
                    return;
                }
            };
            for gift in due {
                let dispatch = Dispatch {
                    msisdn: gift.giver.clone(),
                    command: SessionCommand::ExpireGift(gift.id.clone()),
                };
                match registry.send(dispatch).await {
                    Ok(Ok(_)) => {
                        tracing::info!(gift_id = %gift.id, "unanswered gift returned to its giver")
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(gift_id = %gift.id, %error, "gift expiry failed; retried next tick")
                    }
                    Err(error) => {
                        tracing::warn!(gift_id = %gift.id, %error, "registry unavailable")
                    }
                }
            }
        };
        ctx.spawn(
            work.into_actor(self)
                .map(|_, expiry, _| expiry.busy = false),
        );
    }
}
