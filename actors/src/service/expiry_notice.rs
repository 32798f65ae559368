//! Pre-expiry notices: `policy.expiry_notice_days` before a certificate expires, its
//! owner gets one SMS with the balance, the expiry date and (when the deployment offers
//! extensions) how to extend it, and `certificate.expiring` is published.
//!
//! Exactly once per certificate and expiry date: the notice is committed with a guarded
//! mark of the expiry it announced, so a second timer (another instance, a restart) that
//! raced to the same certificate loses the guard and sends nothing. An extension moves
//! the expiry, and the new date is announced in its turn.

use std::sync::Arc;

use chrono::Duration;

use super::error::ServiceError;
use super::ledger::{is_conflict, sms_to};
use super::policy::Policy;
use crate::domain::{Certificate, Event, EventType, Notices, OutboxMessage};
use crate::ports::{Changes, Clock, ExpiryNoticeMark, Store};

/// Telling owners ahead of their certificates' expiry. Handed out by
/// [`Ledger::expiry_notices`](super::Ledger::expiry_notices).
#[derive(Clone)]
pub struct ExpiryNotices {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    policy: Arc<Policy>,
}

impl ExpiryNotices {
    pub(crate) fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, policy: Arc<Policy>) -> Self {
        ExpiryNotices {
            store,
            clock,
            policy,
        }
    }

    /// Tells the owners of certificates expiring within the notice window (up to
    /// `limit`); answers how many were told.
    pub async fn send_expiry_notices(&self, limit: u32) -> Result<usize, ServiceError> {
        let days = self.policy.expiry_notice_days;
        if days == 0 {
            return Ok(0);
        }
        let now = self.clock.now();
        let due = self
            .store
            .certificates_to_notify(now, now + Duration::days(i64::from(days)), limit)
            .await?;
        let mut sent = 0;
        for certificate in &due {
            let Some(changes) = self.expiry_notice(certificate) else {
                continue;
            };
            match self.store.commit(changes).await.map_err(ServiceError::from) {
                Ok(()) => sent += 1,
                Err(error) if is_conflict(&error) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(sent)
    }

    fn expiry_notice(&self, certificate: &Certificate) -> Option<Changes> {
        let now = self.clock.now();
        let expires_at = certificate.expires_at?;
        let extendable = self.policy.max_extension_months > 0;
        let claim = &self.policy.refunds.after_expiry;
        let refundable = (claim.claim_years > 0)
            .then(|| claim.payout(certificate.face_value, certificate.balance, false))
            .and_then(Result::ok)
            .map(|(paid, _kept)| paid)
            .filter(|paid| !paid.is_zero());
        let notices = Notices {
            language: self.policy.language,
        };
        let text = notices.expiring(
            &certificate.code,
            certificate.balance,
            expires_at,
            extendable,
            refundable,
        );
        Some(Changes {
            expiry_notices: vec![ExpiryNoticeMark {
                code: certificate.code.clone(),
                expires_at,
            }],
            outbox: vec![
                OutboxMessage::event(
                    Event::new(EventType::CertificateExpiring, now)
                        .with_msisdn(&certificate.owner)
                        .with_certificate(&certificate.code)
                        .with_amount(certificate.balance)
                        .with_reason("expires_at", &expires_at.to_rfc3339()),
                ),
                sms_to(certificate.owner.as_str(), text),
            ],
            ..Changes::default()
        })
    }
}
