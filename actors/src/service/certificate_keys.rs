//! A certificate's key and block, outside a gift: the holder asks for a new PIN (lost or
//! exposed), the call center blocks a certificate and lifts the block.
//!
//! A new PIN is told only to the holder's handset; the old one opens nothing from the
//! commit on. A block stops redemption, gift and refund (`blocked`) until lifted. Neither
//! moves value: each leaves a zero-amount journal row (`rekey`, `block`, `unblock`) so the
//! history says what happened, by whom and why; the PIN itself is never written anywhere
//! but sealed in the certificate and in the holder's SMS.

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, JournalEntry, JournalKind,
    Money, Msisdn, OutboxMessage, Pin, RefusalCode,
};
use crate::ports::Changes;

/// The refusal of anything a blocked certificate may not do.
pub fn blocked(code: &CertificateCode) -> Refusal {
    Refusal::new(
        RefusalCode::Blocked,
        format!("certificate {} is blocked", code.grouped()),
    )
}

/// Who asks for a block or unblock, and why: both go into the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRequest {
    /// The call-center agent or system that acts (free text, up to 64 characters).
    pub actor: String,
    /// Why (free text, up to 200 characters).
    pub reason: String,
}

/// Longest `actor` kept in the journal.
pub const MAX_ACTOR_CHARS: usize = 64;
/// Longest `reason` kept in the journal.
pub const MAX_REASON_CHARS: usize = 200;

impl BlockRequest {
    /// Checks both fields: present, not blank, within their lengths.
    pub fn new(actor: &str, reason: &str) -> Result<Self, Refusal> {
        let actor = actor.trim();
        let reason = reason.trim();
        if actor.is_empty() || actor.chars().count() > MAX_ACTOR_CHARS {
            return Err(Refusal::new(
                RefusalCode::InvalidActor,
                format!("actor must be 1 to {MAX_ACTOR_CHARS} characters"),
            ));
        }
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(Refusal::new(
                RefusalCode::InvalidReason,
                format!("reason must be 1 to {MAX_REASON_CHARS} characters"),
            ));
        }
        Ok(BlockRequest {
            actor: actor.to_owned(),
            reason: reason.to_owned(),
        })
    }

    fn journal_reference(&self) -> String {
        format!("{}: {}", self.actor, self.reason)
    }
}

impl Ledger {
    /// Gives a certificate of `holder` a new PIN, sent by SMS to the holder only. Wrong-PIN
    /// counts and locks of the old PIN go with it.
    pub async fn renew_pin(
        &self,
        holder: &Msisdn,
        code: &CertificateCode,
    ) -> Result<(), ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let certificate = self.held_certificate(holder, code).await?;
            match certificate.status {
                CertificateStatus::Active => {}
                CertificateStatus::Blocked => return Err(blocked(code).into()),
                other => {
                    return Err(Refusal::new(
                        RefusalCode::NotRekeyable,
                        format!("certificate {} is {other}", code.grouped()),
                    )
                    .into());
                }
            }
            let pin = Pin::generate();
            let renewed = Certificate {
                pin_sealed: self.pins.seal(&pin, code.as_str()),
                pin_failures: 0,
                locked_until: None,
                ..certificate.clone()
            };
            let name = self
                .product(&certificate.product_id)
                .await?
                .map(|p| p.name)
                .unwrap_or_else(|| certificate.product_id.to_string());
            let mut text =
                self.notices()
                    .pin_renewed(&self.certificate_line(&renewed, &name, Some(&pin)));
            // This commit appends one `rekey` row: the link is made for the generation after.
            let generation = self.pin_generation(code).await? + 1;
            if let Some(url) = self.voucher_link(&renewed, holder, generation).await? {
                text.push_str(&format!("\n{url}"));
            }
            let now = self.now();
            let changes = Changes {
                journal: vec![journal_row(
                    &renewed,
                    JournalKind::Rekey,
                    "renewal".to_owned(),
                    now,
                )],
                outbox: vec![
                    OutboxMessage::event(
                        Event::new(EventType::CertificateRekeyed, now)
                            .with_msisdn(holder)
                            .with_certificate(code)
                            .with_reason("renewal", "the holder asked for a new PIN"),
                    ),
                    self.sms(holder.as_str(), text),
                ],
                certificates: vec![renewed],
                ..Changes::default()
            };
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!("PIN renewal of {code}")))
    }

    /// Blocks an active certificate; its holder is told.
    pub async fn block_certificate(
        &self,
        code: &CertificateCode,
        request: &BlockRequest,
    ) -> Result<Certificate, ServiceError> {
        self.change_block(code, request, true).await
    }

    /// Lifts the block of a certificate; its holder is told.
    pub async fn unblock_certificate(
        &self,
        code: &CertificateCode,
        request: &BlockRequest,
    ) -> Result<Certificate, ServiceError> {
        self.change_block(code, request, false).await
    }

    async fn change_block(
        &self,
        code: &CertificateCode,
        request: &BlockRequest,
        block: bool,
    ) -> Result<Certificate, ServiceError> {
        let (from, to, kind, event_type) = if block {
            (
                CertificateStatus::Active,
                CertificateStatus::Blocked,
                JournalKind::Block,
                EventType::CertificateBlocked,
            )
        } else {
            (
                CertificateStatus::Blocked,
                CertificateStatus::Active,
                JournalKind::Unblock,
                EventType::CertificateUnblocked,
            )
        };
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let certificate = self
                .store
                .certificate(code)
                .await?
                .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "no such certificate"))?;
            if certificate.status != from {
                let refusal = if block {
                    Refusal::new(
                        RefusalCode::NotBlockable,
                        format!("certificate {} is {}", code.grouped(), certificate.status),
                    )
                } else {
                    Refusal::new(
                        RefusalCode::NotBlocked,
                        format!("certificate {} is {}", code.grouped(), certificate.status),
                    )
                };
                return Err(refusal.into());
            }
            let changed = Certificate {
                status: to,
                ..certificate.clone()
            };
            let now = self.now();
            let notices = self.notices();
            let text = if block {
                notices.blocked(code)
            } else {
                notices.unblocked(code)
            };
            let changes = Changes {
                journal: vec![journal_row(
                    &changed,
                    kind,
                    request.journal_reference(),
                    now,
                )],
                outbox: vec![
                    OutboxMessage::event(
                        Event::new(event_type, now)
                            .with_msisdn(&changed.owner)
                            .with_certificate(code)
                            .with_reason(&request.actor, &request.reason),
                    ),
                    self.sms(changed.owner.as_str(), text),
                ],
                certificates: vec![changed.clone()],
                ..Changes::default()
            };
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => {
                    return Ok(Certificate {
                        version: changed.version + 1,
                        ..changed
                    });
                }
            }
        }
        Err(ServiceError::Contention(format!("block of {code}")))
    }

    /// A certificate `holder` holds, or `certificate_not_found` (also for someone else's).
    pub(crate) async fn held_certificate(
        &self,
        holder: &Msisdn,
        code: &CertificateCode,
    ) -> Result<Certificate, ServiceError> {
        Ok(self
            .store
            .certificate(code)
            .await?
            .filter(|c| &c.owner == holder)
            .ok_or_else(|| {
                Refusal::new(
                    RefusalCode::CertificateNotFound,
                    format!("you hold no certificate {}", code.grouped()),
                )
            })?)
    }
}

/// A zero-amount journal row about `certificate`, on its holder's history.
fn journal_row(
    certificate: &Certificate,
    kind: JournalKind,
    reference: String,
    at: chrono::DateTime<chrono::Utc>,
) -> JournalEntry {
    JournalEntry {
        kind,
        certificate_code: certificate.code.clone(),
        amount: Money::zero(certificate.balance.currency()),
        msisdn: certificate.owner.clone(),
        counterparty: None,
        order_id: None,
        merchant_id: None,
        reference: Some(reference),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_request_needs_an_actor_and_a_reason_within_bounds() {
        assert!(BlockRequest::new("agent-7", "lost handset").is_ok());
        assert_eq!(
            BlockRequest::new(" ", "lost").map_err(|r| r.code),
            Err(RefusalCode::InvalidActor)
        );
        assert_eq!(
            BlockRequest::new("agent", "").map_err(|r| r.code),
            Err(RefusalCode::InvalidReason)
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            BlockRequest::new("agent", &long).map_err(|r| r.code),
            Err(RefusalCode::InvalidReason)
        );
        let request = BlockRequest::new(" agent-7 ", " stolen ").expect("valid");
        assert_eq!(request.journal_reference(), "agent-7: stolen");
    }
}
