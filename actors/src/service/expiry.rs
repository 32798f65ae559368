//! Certificate expiry: a certificate past its `expires_at` stops being redeemable; what
//! was left on it is booked as expired (breakage) in the journal, the owner is told, and
//! `certificate.expired` is published. The version guard makes it happen exactly once,
//! whichever instance's timer gets there first; a certificate still out as a gift is
//! first returned to its giver, then expired.

use super::error::ServiceError;
use super::ledger::{Ledger, is_conflict};
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, JournalEntry, JournalKind,
    Money, OutboxMessage,
};
use crate::ports::Changes;

impl Ledger {
    /// Expires every certificate due now (up to `limit`); answers how many expired.
    pub async fn expire_due_certificates(&self, limit: u32) -> Result<usize, ServiceError> {
        let due = self.store.certificates_expiring(self.now(), limit).await?;
        let mut expired = 0;
        for certificate in due {
            if self.expire_certificate(&certificate.code).await? {
                expired += 1;
            }
        }
        Ok(expired)
    }

    /// Expires one certificate if it is due and still holds value; answers whether it did.
    pub async fn expire_certificate(&self, code: &CertificateCode) -> Result<bool, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let Some(certificate) = self.store.certificate(code).await? else {
                return Ok(false);
            };
            let now = self.now();
            if certificate.expires_at.is_none_or(|at| at > now) {
                return Ok(false);
            }
            match certificate.status {
                CertificateStatus::Active => {}
                CertificateStatus::PendingGift => {
                    // The gift cannot be answered any more: it goes back to the giver first.
                    if let Some(gift_id) = &certificate.gift_id {
                        self.expire_gift_now(gift_id).await?;
                    }
                    continue;
                }
                _ => return Ok(false),
            }
            match self.commit(self.expiry_changes(&certificate)).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(true),
            }
        }
        Err(ServiceError::Contention(format!("expiry of {code}")))
    }

    fn expiry_changes(&self, certificate: &Certificate) -> Changes {
        let now = self.now();
        let lapsed = certificate.balance;
        let mut changes = Changes {
            certificates: vec![Certificate {
                status: CertificateStatus::Expired,
                balance: Money::zero(lapsed.currency()),
                ..certificate.clone()
            }],
            ..Changes::default()
        };
        if !lapsed.is_zero() {
            changes.journal.push(JournalEntry {
                kind: JournalKind::Expire,
                certificate_code: certificate.code.clone(),
                amount: lapsed,
                msisdn: certificate.owner.clone(),
                counterparty: None,
                order_id: None,
                merchant_id: None,
                reference: Some("expired".to_owned()),
                at: now,
            });
        }
        changes.outbox.push(OutboxMessage::event(
            Event::new(EventType::CertificateExpired, now)
                .with_msisdn(&certificate.owner)
                .with_certificate(&certificate.code)
                .with_amount(lapsed),
        ));
        changes.outbox.push(self.sms(
            certificate.owner.as_str(),
            self.notices().expired(&certificate.code, lapsed),
        ));
        changes
    }
}
