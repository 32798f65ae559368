//! Pre-expiry notices: `policy.expiry_notice_days` before a certificate expires, its
//! owner gets one SMS with the balance, the expiry date and (when the deployment offers
//! extensions) how to extend it, and `certificate.expiring` is published.
//!
//! Exactly once per certificate and expiry date: the notice is committed with a guarded
//! mark of the expiry it announced, so a second timer (another instance, a restart) that
//! raced to the same certificate loses the guard and sends nothing. An extension moves
//! the expiry, and the new date is announced in its turn.

use chrono::Duration;

use super::error::ServiceError;
use super::ledger::{Ledger, is_conflict};
use crate::domain::{Certificate, Event, EventType, OutboxMessage};
use crate::ports::{Changes, ExpiryNoticeMark};

impl Ledger {
    /// Tells the owners of certificates expiring within the notice window (up to
    /// `limit`); answers how many were told.
    pub async fn send_expiry_notices(&self, limit: u32) -> Result<usize, ServiceError> {
        let days = self.policy.expiry_notice_days;
        if days == 0 {
            return Ok(0);
        }
        let now = self.now();
        let due = self
            .store
            .certificates_to_notify(now, now + Duration::days(i64::from(days)), limit)
            .await?;
        let mut sent = 0;
        for certificate in &due {
            let Some(changes) = self.expiry_notice(certificate) else {
                continue;
            };
            match self.commit(changes).await {
                Ok(()) => sent += 1,
                Err(error) if is_conflict(&error) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(sent)
    }

    fn expiry_notice(&self, certificate: &Certificate) -> Option<Changes> {
        let now = self.now();
        let expires_at = certificate.expires_at?;
        let extendable = self.policy.max_extension_months > 0;
        let claim = &self.policy.refunds.after_expiry;
        let refundable = (claim.claim_years > 0)
            .then(|| claim.payout(certificate.face_value, certificate.balance, false))
            .and_then(Result::ok)
            .map(|(paid, _kept)| paid)
            .filter(|paid| !paid.is_zero());
        let text = self.notices().expiring(
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
                self.sms(certificate.owner.as_str(), text),
            ],
            ..Changes::default()
        })
    }
}
