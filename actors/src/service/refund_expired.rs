//! The claim on a balance that lapsed at expiry ([`ExpiredRefundRule`]): the expiry job
//! booked it as `expire`; a `refund` order on the expired certificate pays back the
//! deployment's share of it through the way it was paid (`expired_refund`) and books the
//! rest as `breakage`, in one commit with the certificate turning `refunded`. The holder
//! has the claim for a while after expiry, then the purchaser, until the claim period
//! from purchase ends.
//!
//! The rail refund carries the refund key `{code}:expired`, so asking again (a resumed
//! order, a second claim racing the first) never pays twice; the version guard on the
//! certificate books it once.
//!
//! [`ExpiredRefundRule`]: super::refund_rules::ExpiredRefundRule

use serde_json::json;

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use super::refund::{Via, not_held, refund_request};
use super::refund_rules::{RefundFallback, refuse_status};
use crate::domain::{
    Certificate, CertificateStatus, Event, EventType, JournalEntry, JournalKind, Money, Msisdn,
    Order, OrderRecord, OutboxMessage, PaymentState, RefundOrder, RefusalCode,
};
use crate::ports::{Changes, PaymentError, PaymentUpdate};

/// What an expiry claim pays and keeps.
pub(crate) struct Claim {
    /// Who is paid.
    pub(crate) claimant: Msisdn,
    /// What is paid back.
    pub(crate) paid: Money,
    /// What is kept as breakage.
    pub(crate) kept: Money,
}

impl Ledger {
    /// Runs a refund order on an expired certificate.
    pub(crate) async fn claim_expired(
        &self,
        order: &Order,
        record: &OrderRecord,
        refund: &RefundOrder,
        certificate: Certificate,
    ) -> Result<StepOutcome, ServiceError> {
        // A claim already queued for the fallback rail is paid as queued (its claimant
        // was decided when it was queued).
        if let Some(queued) = self.still_queued(&certificate.code).await? {
            return self.pay_queued(order, record, queued).await;
        }
        let claim = self.expiry_claim(order, refund, &certificate).await?;
        let code = &certificate.code;
        let payment = self
            .store
            .payment(&certificate.order_id)
            .await?
            .ok_or_else(|| {
                Refusal::new(RefusalCode::NotRefundable, "the certificate has no payment")
            })?;
        if payment.state != PaymentState::Charged {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!("its payment is {}", payment.state),
            )
            .into());
        }
        if refund.to_points {
            self.credit_refund_points(code, &claim.claimant, claim.paid)
                .await?;
            return self
                .book_expiry_claim(order, record, certificate, &claim, Via::Points)
                .await;
        }
        if !claim.paid.is_zero() {
            let request = refund_request(&payment, code);
            let rail = self.rails.for_settlement(&request.settlement)?.clone();
            let reference = payment.reference.clone().unwrap_or_default();
            let key = format!("{}:expired", code.as_str());
            match rail.refund(&request, &reference, claim.paid, &key).await {
                Ok(()) => {}
                Err(PaymentError::Unknown(detail)) => {
                    return Err(ServiceError::PaymentUnknown(detail));
                }
                Err(PaymentError::NotSupported(why))
                    if self.policy.refunds.fallback != RefundFallback::Off =>
                {
                    let queued = self.queued_refund_of(
                        order,
                        &certificate,
                        &claim.claimant,
                        (claim.paid, claim.kept),
                        "expired",
                        why,
                    );
                    return self.queue_refund(order, record, queued).await;
                }
                Err(error) => {
                    return Err(Refusal::new(RefusalCode::RefundRefused, error.to_string()).into());
                }
            }
        }
        self.book_expiry_claim(order, record, certificate, &claim, Via::Original)
            .await
    }

    /// Who claims and how much, by the rule; refuses anyone else.
    async fn expiry_claim(
        &self,
        order: &Order,
        refund: &RefundOrder,
        certificate: &Certificate,
    ) -> Result<Claim, ServiceError> {
        let rule = &self.policy.refunds.after_expiry;
        let claimant = rule.claimant(certificate, self.now())?;
        let code = certificate.code.grouped();
        if claimant != &order.msisdn {
            if certificate.owner == order.msisdn || certificate.purchaser == order.msisdn {
                let who = if claimant == &certificate.purchaser {
                    "its purchaser now holds the claim (the holder's period has passed)"
                } else {
                    "its holder holds the claim for now"
                };
                return Err(Refusal::new(
                    RefusalCode::NotRefundable,
                    format!("certificate {code}: {who}"),
                )
                .into());
            }
            return Err(not_held(&certificate.code).into());
        }
        let mut lapsed = Money::zero(certificate.face_value.currency());
        for entry in self.store.certificate_journal(&certificate.code).await? {
            if entry.kind == JournalKind::Expire {
                lapsed = lapsed
                    .checked_add(entry.amount)
                    .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
            }
        }
        if lapsed.is_zero() {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!("certificate {code}: nothing was left on it when it expired"),
            )
            .into());
        }
        let (paid, kept) = rule.payout(certificate.face_value, lapsed, refund.to_points)?;
        Ok(Claim {
            claimant: claimant.clone(),
            paid,
            kept,
        })
    }

    /// Books a paid expiry claim: by the original rail, or by the fallback rail of a
    /// queued refund (marked paid in the same commit).
    pub(crate) async fn book_expiry_claim(
        &self,
        order: &Order,
        record: &OrderRecord,
        read: Certificate,
        claim: &Claim,
        via: Via<'_>,
    ) -> Result<StepOutcome, ServiceError> {
        let mut certificate = read;
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            if let Some(refusal) = refuse_status(&certificate) {
                return Err(refusal.into());
            }
            let payment = self
                .store
                .payment(&certificate.order_id)
                .await?
                .ok_or_else(|| {
                    Refusal::new(RefusalCode::NotRefundable, "the certificate has no payment")
                })?;
            let now = self.now();
            let method = via.method(&payment);
            let refunded = payment
                .refunded
                .checked_add(claim.paid)
                .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
            let state = if refunded == payment.amount {
                PaymentState::Refunded
            } else {
                PaymentState::Charged
            };
            let row = |kind, amount| JournalEntry {
                kind,
                certificate_code: certificate.code.clone(),
                amount,
                msisdn: claim.claimant.clone(),
                counterparty: None,
                order_id: Some(order.order_id.clone()),
                merchant_id: None,
                reference: Some(method.clone()),
                at: now,
            };
            let mut changes = Changes {
                payments: vec![PaymentUpdate {
                    order_id: payment.order_id.clone(),
                    expected: payment.state,
                    state,
                    reference: payment.reference.clone(),
                    refunded,
                }],
                certificates: vec![Certificate {
                    status: CertificateStatus::Refunded,
                    ..certificate.clone()
                }],
                journal: vec![row(JournalKind::ExpiredRefund, claim.paid)],
                paid_refunds: via.paid(),
                ..Changes::default()
            };
            if !claim.kept.is_zero() {
                changes.journal.push(row(JournalKind::Breakage, claim.kept));
            }
            changes.outbox.push(OutboxMessage::event(
                Event::new(EventType::CertificateRefunded, now)
                    .with_order(&order.order_id)
                    .with_msisdn(&claim.claimant)
                    .with_certificate(&certificate.code)
                    .with_amount(claim.paid)
                    .with_reason("expired", &method),
            ));
            changes.outbox.push(
                self.sms(
                    claim.claimant.as_str(),
                    self.notices().expired_refunded(
                        &certificate.code,
                        claim.paid,
                        claim.kept,
                        &method,
                    ),
                ),
            );
            let outcome = json!({
                "certificate_code": certificate.code.as_str(),
                "amount": claim.paid.amount().to_string(),
                "kept": claim.kept.amount().to_string(),
                "currency": claim.paid.currency().code(),
                "settlement": method,
                "basis": "expired",
            });
            self.complete_order(&mut changes, record, outcome.clone());
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => {
                    certificate = self
                        .store
                        .certificate(&certificate.code)
                        .await?
                        .ok_or_else(|| not_held(&certificate.code))?;
                }
                Err(error) => return Err(error),
                Ok(()) => return Ok(StepOutcome::Done(outcome)),
            }
        }
        Err(ServiceError::Contention(format!(
            "expiry claim on {}",
            certificate.code
        )))
    }
}
