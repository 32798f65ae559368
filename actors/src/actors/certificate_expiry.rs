//! `CertificateExpiry`: the daily job (a timer; the interval is configurable) that
//! expires certificates past their `expires_at`, then tells the owners of certificates
//! expiring within the notice window (`GIFTGATE_EXPIRY_NOTICE_DAYS`). Each expiry is
//! guarded by the certificate's version and each notice by a mark of the expiry it
//! announced, so both happen once even with several instances ticking, and a restart
//! simply picks up what is still due.

use std::sync::Arc;
use std::time::Duration;

use super::periodic::{PeriodicJob, Round, TickContext};
use crate::service::Ledger;

/// The expiry timer.
pub struct CertificateExpiry {
    ledger: Arc<Ledger>,
    every: Duration,
}

impl CertificateExpiry {
    /// Expires what is due every `every` (and once at start).
    pub fn new(ledger: Arc<Ledger>, every: Duration) -> Self {
        CertificateExpiry { ledger, every }
    }
}

impl PeriodicJob for CertificateExpiry {
    const NAME: &'static str = "certificate_expiry";

    fn every(&self) -> Duration {
        self.every
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    fn round(&mut self, _: TickContext) -> Round {
        let ledger = Arc::clone(&self.ledger);
        let work = async move {
            loop {
                match ledger.expire_due_certificates(500).await {
                    Ok(0) => break,
                    Ok(count) => tracing::info!(count, "certificates expired"),
                    Err(error) => {
                        tracing::warn!(%error, "certificate expiry failed; retried next tick");
                        break;
                    }
                }
            }
            loop {
                match ledger.expiry_notices().send_expiry_notices(500).await {
                    Ok(0) => return,
                    Ok(count) => tracing::info!(count, "pre-expiry notices sent"),
                    Err(error) => {
                        tracing::warn!(%error, "pre-expiry notices failed; retried next tick");
                        return;
                    }
                }
            }
        };
        Box::pin(work)
    }
}
