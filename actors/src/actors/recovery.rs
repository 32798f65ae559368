//! `Recovery`: resumes orders left pending — by a crash between charge and issue, or a
//! payment outcome that was unknown — through their subscriber's session. Every step is
//! idempotent, so an order resumed while another instance also works on it still
//! finishes once. Runs once at start and then on a timer.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;

use super::periodic::{PeriodicJob, Round, TickContext};
use super::registry::{Dispatch, SessionRegistry};
use super::session::SessionCommand;
use crate::service::Ledger;

/// The recovery timer.
pub struct Recovery {
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
    every: Duration,
    grace: chrono::Duration,
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
        }
    }
}

impl PeriodicJob for Recovery {
    const NAME: &'static str = "recovery";

    fn every(&self) -> Duration {
        self.every
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    fn round(&mut self, tick: TickContext) -> Round {
        let ledger = Arc::clone(&self.ledger);
        let registry = self.registry.clone();
        // The round at start ignores the grace period: nothing of this process is in
        // flight yet.
        let before = if tick.first {
            ledger.now()
        } else {
            ledger.now() - self.grace
        };
        let work = async move {
            let pending = match ledger.pending_orders(before, 200).await {
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
        Box::pin(work)
    }
}
