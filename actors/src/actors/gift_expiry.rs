//! `GiftExpiry`: a timer that returns unanswered gifts to their givers once the answer
//! window closes. Each expiry runs in the giver's session (so it is ordered with the
//! giver's own orders); the gift's state guard makes it happen exactly once even with
//! several gateway instances ticking.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;

use super::periodic::{PeriodicJob, Round, TickContext};
use super::registry::{Dispatch, SessionRegistry};
use super::session::SessionCommand;
use crate::service::Ledger;

/// The gift expiry timer.
pub struct GiftExpiry {
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    every: Duration,
}

impl GiftExpiry {
    /// Checks for due gifts every `every`.
    pub fn new(ledger: Arc<Ledger>, registry: Addr<SessionRegistry>, every: Duration) -> Self {
        GiftExpiry {
            ledger,
            registry,
            every,
        }
    }
}

impl PeriodicJob for GiftExpiry {
    const NAME: &'static str = "gift_expiry";

    fn every(&self) -> Duration {
        self.every
    }

    fn round(&mut self, _: TickContext) -> Round {
        let ledger = Arc::clone(&self.ledger);
        let registry = self.registry.clone();
        let work = async move {
            let due = match ledger.gifts_due(500).await {
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
        Box::pin(work)
    }
}
