//! Refund of a certificate through the way it was paid, by the deployment's rules
//! ([`RefundRules`]): an unused one in full, the remaining balance of a partly used one,
//! and (`refund_expired.rs`) a share of what lapsed at expiry.
//!
//! The right lies with the certificate's holder of record: while a gift is pending that
//! is its giver (the purchaser, for a first gift), whose refund first withdraws the gift
//! (the transferee is told); after acceptance it is the transferee.
//!
//! The certificate is first marked `refunding` (so nothing can redeem or gift it while
//! the rail works), then the rail refunds its balance with an idempotent refund key
//! (the certificate code), then one commit books the refund: certificate `refunded`,
//! journal, payment, events and the holder's text. A refused refund puts the
//! certificate back; an unknown outcome leaves it `refunding` and the order pending, and
//! resuming the order asks the rail again with the same key.
//!
//! [`RefundRules`]: super::refund_rules::RefundRules

use serde_json::json;

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use super::refund_rules::{OrderUsage, RefundBasis, RefundFallback, refuse_status};
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, JournalEntry, JournalKind,
    Money, Order, OrderRecord, OutboxMessage, Payment, PaymentState, QueuedRefund, RefundOrder,
    RefusalCode, Settlement,
};
use crate::ports::{Changes, PaymentError, PaymentRequest, PaymentUpdate};

impl Ledger {
    /// The payment a refund of `certificate` goes back through.
    async fn payment_to_refund(&self, certificate: &Certificate) -> Result<Payment, ServiceError> {
        self.store
            .payment(&certificate.order_id)
            .await?
            .ok_or_else(|| {
                Refusal::new(
                    RefusalCode::NotRefundable,
                    "the certificate has no payment to refund",
                )
                .into()
            })
    }

    /// Runs a refund order.
    pub(crate) async fn refund_certificate(
        &self,
        order: &Order,
        record: &OrderRecord,
        refund: &RefundOrder,
    ) -> Result<StepOutcome, ServiceError> {
        let code = &refund.certificate_code;
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let certificate = self
                .store
                .certificate(code)
                .await?
                .ok_or_else(|| not_held(code))?;
            match certificate.status {
                CertificateStatus::Expired => {
                    return self.claim_expired(order, record, refund, certificate).await;
                }
                CertificateStatus::Refunding if certificate.owner == order.msisdn => {
                    let basis = self.resumed_basis(&certificate);
                    return self
                        .refund_live(order, record, refund, certificate, basis)
                        .await;
                }
                _ => {}
            }
            let involved = [&certificate.owner, &certificate.purchaser].contains(&&order.msisdn);
            if let Some(refusal) = refuse_status(&certificate).filter(|_| involved) {
                return Err(refusal.into());
            }
            self.check_refund_right(order, &certificate).await?;
            if certificate.expires_at.is_some_and(|at| at <= self.now()) {
                // Due but not yet expired by the job: expire it now, then claim.
                self.expire_certificate(code).await?;
                continue;
            }
            if certificate.status == CertificateStatus::PendingGift {
                if let Some(gift_id) = &certificate.gift_id {
                    self.withdraw_gift(gift_id).await?;
                }
                continue;
            }
            if certificate.status != CertificateStatus::Active {
                return Err(Refusal::new(
                    RefusalCode::NotRefundable,
                    format!("certificate {} is {}", code.grouped(), certificate.status),
                )
                .into());
            }
            let usage = self.order_usage(&certificate).await?;
            let basis = self
                .policy
                .refunds
                .live_refund(&certificate, usage, self.now())?;
            match self
                .refund_live(order, record, refund, certificate, basis)
                .await
            {
                // Changed since the rules were applied (a redemption won): decide again.
                Err(error) if is_conflict(&error) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!("refund of {code}")))
    }

    /// What was used of the certificates bought in the same order as this one, by their
    /// journals (redeemed less voided).
    pub(crate) async fn order_usage(
        &self,
        certificate: &Certificate,
    ) -> Result<OrderUsage, ServiceError> {
        let mut used = Vec::new();
        for together in self
            .store
            .certificates_of_order(&certificate.order_id)
            .await?
        {
            let mut redeemed = 0;
            for entry in self.store.certificate_journal(&together.code).await? {
                match entry.kind {
                    JournalKind::Redeem => redeemed += entry.amount.to_minor_units(),
                    JournalKind::Void => redeemed -= entry.amount.to_minor_units(),
                    _ => {}
                }
            }
            used.push((together, redeemed));
        }
        Ok(OrderUsage::of(&used))
    }

    /// Refuses anyone but the holder of record, saying who holds the right.
    async fn check_refund_right(
        &self,
        order: &Order,
        certificate: &Certificate,
    ) -> Result<(), ServiceError> {
        if certificate.owner == order.msisdn {
            return Ok(());
        }
        let code = certificate.code.grouped();
        if let Some(gift_id) = &certificate.gift_id
            && let Some(gift) = self.store.gift(gift_id).await?
            && gift.transferee == order.msisdn
        {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!(
                    "certificate {code}: the gift is not accepted yet; its giver holds the right to a refund"
                ),
            )
            .into());
        }
        if certificate.purchaser == order.msisdn {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!(
                    "certificate {code} was given away; its holder holds the right to a refund"
                ),
            )
            .into());
        }
        Err(not_held(&certificate.code).into())
    }

    /// Why a refund that was under way when the order stopped is being made.
    fn resumed_basis(&self, certificate: &Certificate) -> RefundBasis {
        if certificate.balance != certificate.face_value {
            RefundBasis::PartlyUsed
        } else if self.now() < certificate.issued_at + self.policy.refunds.withdrawal_window {
            RefundBasis::Withdrawal
        } else {
            RefundBasis::Unused
        }
    }

    /// Refunds what is left on a live (or already `refunding`) certificate.
    async fn refund_live(
        &self,
        order: &Order,
        record: &OrderRecord,
        refund: &RefundOrder,
        certificate: Certificate,
        basis: RefundBasis,
    ) -> Result<StepOutcome, ServiceError> {
        let code = certificate.code.clone();
        let (certificate, payment) = self.mark_refunding(order, &certificate).await?;
        if let Some(queued) = self.still_queued(&code).await? {
            return self.pay_queued(order, record, queued).await;
        }
        if refund.to_points {
            return match self
                .credit_refund_points(&code, &order.msisdn, certificate.balance)
                .await
            {
                Ok(()) => {
                    self.book_refund(order, record, &certificate, basis, Via::Points)
                        .await
                }
                Err(ServiceError::Refused(refusal)) => Ok(restored(certificate, refusal)),
                Err(error) => Err(error),
            };
        }
        let request = refund_request(&payment, &code);
        let rail = self.rails.for_settlement(&request.settlement)?.clone();
        let reference = payment.reference.clone().unwrap_or_default();
        match rail
            .refund(&request, &reference, certificate.balance, code.as_str())
            .await
        {
            Ok(()) => {
                self.book_refund(order, record, &certificate, basis, Via::Original)
                    .await
            }
            Err(PaymentError::Unknown(detail)) => Err(ServiceError::PaymentUnknown(detail)),
            Err(PaymentError::NotSupported(why))
                if self.policy.refunds.fallback != RefundFallback::Off =>
            {
                let queued = self.queued_refund_of(
                    order,
                    &certificate,
                    &order.msisdn,
                    (
                        certificate.balance,
                        Money::zero(certificate.balance.currency()),
                    ),
                    basis.as_str(),
                    why,
                );
                self.queue_refund(order, record, queued).await
            }
            Err(error) => Ok(restored(
                certificate,
                Refusal::new(RefusalCode::RefundRefused, error.to_string()),
            )),
        }
    }

    /// Marks the certificate `refunding` (or finds it already so, when resuming). The
    /// update names the version the rules were applied to: a lost race answers the
    /// conflict, and the caller reads and decides again.
    async fn mark_refunding(
        &self,
        order: &Order,
        certificate: &Certificate,
    ) -> Result<(Certificate, Payment), ServiceError> {
        let code = &certificate.code;
        if certificate.owner != order.msisdn {
            return Err(not_held(code).into());
        }
        let payment = self.payment_to_refund(certificate).await?;
        if certificate.status == CertificateStatus::Refunding {
            return Ok((certificate.clone(), payment));
        }
        if let Some(refusal) = refuse_status(certificate) {
            return Err(refusal.into());
        }
        if certificate.status != CertificateStatus::Active || certificate.balance.is_zero() {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!("certificate {} is {}", code.grouped(), certificate.status),
            )
            .into());
        }
        if payment.state != PaymentState::Charged {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!("its payment is {}", payment.state),
            )
            .into());
        }
        let refunding = Certificate {
            status: CertificateStatus::Refunding,
            ..certificate.clone()
        };
        self.commit(Changes {
            certificates: vec![refunding.clone()],
            ..Changes::default()
        })
        .await?;
        Ok((
            Certificate {
                version: refunding.version + 1,
                ..refunding
            },
            payment,
        ))
    }

    /// Books a refund the rail made: by the original rail, or by the fallback rail of a
    /// queued refund (which is marked paid in the same commit).
    pub(crate) async fn book_refund(
        &self,
        order: &Order,
        record: &OrderRecord,
        certificate: &Certificate,
        basis: RefundBasis,
        via: Via<'_>,
    ) -> Result<StepOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let payment = self.payment_to_refund(certificate).await?;
            let current = self
                .store
                .certificate(&certificate.code)
                .await?
                .ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::CertificateNotFound,
                        "certificate vanished during refund",
                    )
                })?;
            let now = self.now();
            let amount = current.balance;
            let method = via.method(&payment);
            let refunded = payment
                .refunded
                .checked_add(amount)
                .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
            let state = if refunded == payment.amount {
                PaymentState::Refunded
            } else {
                PaymentState::Charged
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
                    balance: crate::domain::Money::zero(amount.currency()),
                    ..current.clone()
                }],
                journal: vec![JournalEntry {
                    kind: JournalKind::Refund,
                    certificate_code: current.code.clone(),
                    amount,
                    msisdn: current.owner.clone(),
                    counterparty: None,
                    order_id: Some(order.order_id.clone()),
                    merchant_id: None,
                    reference: Some(method.clone()),
                    at: now,
                }],
                paid_refunds: via.paid(),
                ..Changes::default()
            };
            changes.outbox.push(OutboxMessage::event(
                Event::new(EventType::CertificateRefunded, now)
                    .with_order(&order.order_id)
                    .with_msisdn(&current.owner)
                    .with_certificate(&current.code)
                    .with_amount(amount)
                    .with_reason(basis.as_str(), &method),
            ));
            changes.outbox.push(self.sms(
                current.owner.as_str(),
                self.notices().refunded(&current.code, amount, &method),
            ));
            let outcome = json!({
                "certificate_code": current.code.as_str(),
                "amount": amount.amount().to_string(),
                "currency": amount.currency().code(),
                "settlement": method,
                "basis": basis.as_str(),
            });
            self.complete_order(&mut changes, record, outcome.clone());
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => return Ok(StepOutcome::Done(outcome)),
            }
        }
        Err(ServiceError::Contention(format!(
            "refund of {}",
            certificate.code
        )))
    }
}

/// A refused refund: the failed order puts the `refunding` certificate back to active.
fn restored(certificate: Certificate, refusal: Refusal) -> StepOutcome {
    let active = Certificate {
        status: CertificateStatus::Active,
        ..certificate
    };
    StepOutcome::Refused(
        refusal,
        Box::new(Changes {
            certificates: vec![active],
            ..Changes::default()
        }),
    )
}

/// How a refund was paid, for its booking.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Via<'a> {
    /// Through the rail that took the payment.
    Original,
    /// As carrier points.
    Points,
    /// By the fallback rail of a queued refund (marked paid with the booking).
    Queued(&'a QueuedRefund),
}

impl Via<'_> {
    /// The settlement name booked (journal reference, event, outcome).
    pub(crate) fn method(&self, payment: &Payment) -> String {
        match self {
            Via::Original => payment.method.clone(),
            Via::Points => POINTS.to_owned(),
            Via::Queued(queued) => queued.rail.clone(),
        }
    }

    /// The queued refund to mark paid, if any.
    pub(crate) fn paid(&self) -> Vec<CertificateCode> {
        match self {
            Via::Queued(queued) => vec![queued.certificate_code.clone()],
            _ => Vec::new(),
        }
    }
}

/// The carrier points' name in the journal, events and queue.
pub(crate) const POINTS: &str = "points";

/// A certificate the subscriber does not hold (or that does not exist).
pub(crate) fn not_held(code: &CertificateCode) -> Refusal {
    Refusal::new(
        RefusalCode::CertificateNotFound,
        format!("you hold no certificate {}", code.grouped()),
    )
}

/// The rail request refunding (part of) a payment for one certificate.
pub(crate) fn refund_request(payment: &Payment, code: &CertificateCode) -> PaymentRequest {
    PaymentRequest {
        order_id: payment.order_id.clone(),
        payer: payment.msisdn.clone(),
        settlement: settlement_of(payment),
        amount: payment.amount,
        description: format!("refund {}", code.grouped()),
    }
}

/// The settlement a payment was made with (the token is the rail's business; refunds
/// go by reference).
fn settlement_of(payment: &Payment) -> Settlement {
    match payment.method.as_str() {
        "card" => Settlement::Card {
            token: String::new(),
        },
        "bank" => Settlement::Bank {
            token: String::new(),
        },
        _ => Settlement::Carrier,
    }
}
