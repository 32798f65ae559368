//! `CertificateExpiry`: the daily job (a timer; the interval is configurable) that
//! expires certificates past their `expires_at`, then tells the owners of certificates
//! expiring within the notice window (`GIFTGATE_EXPIRY_NOTICE_DAYS`). Each expiry is
//! guarded by the certificate's version and each notice by a mark of the expiry it
//! announced, so both happen once even with several instances ticking, and a restart
//! simply picks up what is still due.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use crate::service::Ledger;

/// The expiry timer.
pub struct CertificateExpiry {
    ledger: Arc<Ledger>,
    every: Duration,
    busy: bool,
}

impl CertificateExpiry {
    /// Expires what is due every `every` (and once at start).
    pub fn new(ledger: Arc<Ledger>, every: Duration) -> Self {
        CertificateExpiry {
            ledger,
            every,
            busy: false,
        }
    }
}

/// Expire what is due now.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ExpireDueCertificates;

impl Actor for CertificateExpiry {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.notify(ExpireDueCertificates);
        ctx.run_interval(self.every, |_, ctx| ctx.notify(ExpireDueCertificates));
    }
}

impl Handler<ExpireDueCertificates> for CertificateExpiry {
    type Result = ();

    fn handle(&mut self, _: ExpireDueCertificates, ctx: &mut Self::Context) {
        if self.busy {
            return;
        }
        self.busy = true;
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
                match ledger.send_expiry_notices(500).await {
                    Ok(0) => return,
                    Ok(count) => tracing::info!(count, "pre-expiry notices sent"),
                    Err(error) => {
                        tracing::warn!(%error, "pre-expiry notices failed; retried next tick");
                        return;
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
