//! `ConfirmationExpiry`: a timer that lapses requests still waiting for their
//! subscriber's `YES` once `GIFTGATE_CONFIRM_SECS` have passed: a purchase is dropped, a
//! gift cancelled with its certificates back to `active`, and the subscriber told. Each
//! lapse runs in the subscriber's session (ordered with their own commands, so a `YES`
//! that arrived first wins); the request's state guard makes it happen once even with
//! several gateway instances ticking.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;

use super::periodic::{PeriodicJob, Round, TickContext};
use super::registry::{Dispatch, SessionRegistry};
use super::session::SessionCommand;
use crate::service::Ledger;

/// The confirmation expiry timer.
pub struct ConfirmationExpiry {
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    every: Duration,
}

impl ConfirmationExpiry {
    /// Checks for lapsed requests every `every`.
    pub fn new(ledger: Arc<Ledger>, registry: Addr<SessionRegistry>, every: Duration) -> Self {
        ConfirmationExpiry {
            ledger,
            registry,
            every,
        }
    }

    /// How often to look for lapsed requests when they wait `window`: a quarter of the
    /// window, between 1 and 30 seconds.
    pub fn interval_for(window: Duration) -> Duration {
        (window / 4).clamp(Duration::from_secs(1), Duration::from_secs(30))
    }
}

impl PeriodicJob for ConfirmationExpiry {
    const NAME: &'static str = "confirmation_expiry";

    fn every(&self) -> Duration {
        self.every
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    fn round(&mut self, _: TickContext) -> Round {
        let ledger = Arc::clone(&self.ledger);
        let registry = self.registry.clone();
        let work = async move {
            let due = match ledger.lapsed_confirmations(500).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "could not read lapsed requests");
                    return;
                }
            };
            for request in due {
                let dispatch = Dispatch {
                    msisdn: request.msisdn.clone(),
                    command: SessionCommand::ExpireConfirmation(request.id.clone()),
                };
                let kind = request.action.kind().as_str();
                match registry.send(dispatch).await {
                    Ok(Ok(_)) => {
                        tracing::info!(confirmation_id = %request.id, kind, msisdn = %request.msisdn.masked(), "request not confirmed in time; dropped")
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(confirmation_id = %request.id, %error, "request expiry failed; retried next tick")
                    }
                    Err(error) => {
                        tracing::warn!(confirmation_id = %request.id, %error, "registry unavailable")
                    }
                }
            }
        };
        Box::pin(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_follows_the_window_within_bounds() {
        assert_eq!(
            ConfirmationExpiry::interval_for(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            ConfirmationExpiry::interval_for(Duration::from_secs(60)),
            Duration::from_secs(15)
        );
        assert_eq!(
            ConfirmationExpiry::interval_for(Duration::from_secs(2)),
            Duration::from_secs(1)
        );
    }
}
