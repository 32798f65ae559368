//! Validity extension: the owner may push a certificate's expiry back by 3 months on
//! request (`EXTEND <code>` or the channel route), as long as the new expiry stays within
//! the deployment's limit counted from the product's original validity. Not a value
//! movement, so no journal row; `certificate.extended` is published and the owner told.

use chrono::Months;

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, Msisdn, OutboxMessage,
    RefusalCode,
};
use crate::ports::Changes;

/// How far one extension moves the expiry.
pub const EXTENSION_MONTHS: u32 = 3;

impl Ledger {
    /// Extends a certificate of `owner` by three months; answers the updated certificate.
    pub async fn extend_certificate(
        &self,
        owner: &Msisdn,
        code: &CertificateCode,
    ) -> Result<Certificate, ServiceError> {
        if self.policy.max_extension_months == 0 {
            return Err(Refusal::new(
                RefusalCode::ExtensionNotOffered,
                "this deployment does not extend validity",
            )
            .into());
        }
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let certificate = self
                .store
                .certificate(code)
                .await?
                .filter(|c| &c.owner == owner)
                .ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::CertificateNotFound,
                        format!("you hold no certificate {}", code.grouped()),
                    )
                })?;
            if certificate.status != CertificateStatus::Active {
                return Err(Refusal::new(
                    RefusalCode::NotExtendable,
                    format!("the certificate is {}", certificate.status),
                )
                .into());
            }
            let Some(expires_at) = certificate.expires_at else {
                return Err(Refusal::new(
                    RefusalCode::NotExtendable,
                    "the certificate never expires",
                )
                .into());
            };
            let product = self.store.product(&certificate.product_id).await?;
            let original = product
                .and_then(|p| p.validity_days)
                .map(|days| certificate.issued_at + chrono::Duration::days(i64::from(days)))
                .unwrap_or(expires_at);
            let limit = original
                .checked_add_months(Months::new(self.policy.max_extension_months))
                .unwrap_or(original);
            let extended = expires_at
                .checked_add_months(Months::new(EXTENSION_MONTHS))
                .unwrap_or(expires_at);
            if extended > limit {
                return Err(Refusal::new(
                    RefusalCode::ExtensionLimitReached,
                    format!(
                        "validity can be extended by at most {} months",
                        self.policy.max_extension_months
                    ),
                )
                .into());
            }
            let updated = Certificate {
                expires_at: Some(extended),
                ..certificate.clone()
            };
            let now = self.now();
            let mut event = Event::new(EventType::CertificateExtended, now)
                .with_msisdn(owner)
                .with_certificate(code);
            event.detail = Some(extended.to_rfc3339());
            let changes = Changes {
                certificates: vec![updated.clone()],
                outbox: vec![
                    OutboxMessage::event(event),
                    self.sms(owner.as_str(), self.notices().extended(code, extended)),
                ],
                ..Changes::default()
            };
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => {
                    return Ok(Certificate {
                        version: updated.version + 1,
                        ..updated
                    });
                }
            }
        }
        Err(ServiceError::Contention(format!("extension of {code}")))
    }
}
