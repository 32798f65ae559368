//! Refund of an unused certificate through the way it was paid.
//!
//! The certificate is first marked `refunding` (so nothing can redeem or gift it while
//! the rail works), then the rail refunds its face value with an idempotent refund key
//! (the certificate code), then one commit books the refund: certificate `refunded`,
//! journal, payment, events and the holder's text. A refused refund puts the
//! certificate back; an unknown outcome leaves it `refunding` and the order pending, and
//! resuming the order asks the rail again with the same key.

use serde_json::json;

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, JournalEntry, JournalKind, Order,
    OrderRecord, OutboxMessage, Payment, PaymentState, Settlement,
};
use crate::ports::{Changes, PaymentError, PaymentRequest, PaymentUpdate};

impl Ledger {
    /// Runs a refund order.
    pub(crate) async fn refund_certificate(
        &self,
        order: &Order,
        record: &OrderRecord,
        code: &CertificateCode,
    ) -> Result<StepOutcome, ServiceError> {
        let (certificate, payment) = self.mark_refunding(order, code).await?;
        let settlement = settlement_of(&payment);
        let rail = self.rails.for_settlement(&settlement)?.clone();
        let request = PaymentRequest {
            order_id: payment.order_id.clone(),
            payer: payment.msisdn.clone(),
            settlement,
            amount: payment.amount,
            description: format!("refund {}", code.grouped()),
        };
        let reference = payment.reference.clone().unwrap_or_default();
        match rail
            .refund(&request, &reference, certificate.face_value, code.as_str())
            .await
        {
            Ok(()) => self.book_refund(order, record, &certificate).await,
            Err(PaymentError::Unknown(detail)) => Err(ServiceError::PaymentUnknown(detail)),
            Err(error) => {
                let restored = Certificate {
                    status: CertificateStatus::Active,
                    ..certificate
                };
                let refusal = Refusal::new("refund_refused", error.to_string());
                Ok(StepOutcome::Refused(
                    refusal,
                    Box::new(Changes {
                        certificates: vec![restored],
                        ..Changes::default()
                    }),
                ))
            }
        }
    }

    /// Marks the certificate `refunding` (or finds it already so, when resuming).
    async fn mark_refunding(
        &self,
        order: &Order,
        code: &CertificateCode,
    ) -> Result<(Certificate, Payment), ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let certificate = self
                .store
                .certificate(code)
                .await?
                .filter(|c| c.owner == order.msisdn)
                .ok_or_else(|| {
                    Refusal::new(
                        "certificate_not_found",
                        format!("you hold no certificate {}", code.grouped()),
                    )
                })?;
            let payment = self
                .store
                .payment(&certificate.order_id)
                .await?
                .ok_or_else(|| {
                    Refusal::new("not_refundable", "the certificate has no payment to refund")
                })?;
            if certificate.status == CertificateStatus::Refunding {
                return Ok((certificate, payment));
            }
            if certificate.status != CertificateStatus::Active {
                return Err(Refusal::new(
                    "not_refundable",
                    format!("certificate {} is {}", code.grouped(), certificate.status),
                )
                .into());
            }
            if certificate.balance != certificate.face_value {
                return Err(Refusal::new(
                    "not_refundable",
                    format!(
                        "certificate {} has been used; only unused certificates are refunded",
                        code.grouped()
                    ),
                )
                .into());
            }
            if payment.state != PaymentState::Charged {
                return Err(Refusal::new(
                    "not_refundable",
                    format!("its payment is {}", payment.state),
                )
                .into());
            }
            let refunding = Certificate {
                status: CertificateStatus::Refunding,
                ..certificate.clone()
            };
            match self
                .commit(Changes {
                    certificates: vec![refunding.clone()],
                    ..Changes::default()
                })
                .await
            {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => {
                    return Ok((
                        Certificate {
                            version: refunding.version + 1,
                            ..refunding
                        },
                        payment,
                    ));
                }
            }
        }
        Err(ServiceError::Contention(format!("certificate {code}")))
    }

    async fn book_refund(
        &self,
        order: &Order,
        record: &OrderRecord,
        certificate: &Certificate,
    ) -> Result<StepOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let payment = self
                .store
                .payment(&certificate.order_id)
                .await?
                .ok_or_else(|| {
                    Refusal::new("not_refundable", "the certificate has no payment to refund")
                })?;
            let current = self
                .store
                .certificate(&certificate.code)
                .await?
                .ok_or_else(|| {
                    Refusal::new(
                        "certificate_not_found",
                        "certificate vanished during refund",
                    )
                })?;
            let now = self.now();
            let amount = current.face_value;
            let refunded = payment
                .refunded
                .checked_add(amount)
                .map_err(|e| Refusal::new("invalid_amount", e.to_string()))?;
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
                    reference: Some(payment.method.clone()),
                    at: now,
                }],
                ..Changes::default()
            };
            changes.outbox.push(OutboxMessage::event(
                Event::new("certificate.refunded", now)
                    .with_order(&order.order_id)
                    .with_msisdn(&current.owner)
                    .with_certificate(&current.code)
                    .with_amount(amount)
                    .with_reason("refunded", &payment.method),
            ));
            changes.outbox.push(
                self.sms(
                    current.owner.as_str(),
                    self.notices()
                        .refunded(&current.code, amount, &payment.method),
                ),
            );
            let outcome = json!({
                "certificate_code": current.code.as_str(),
                "amount": amount.amount().to_string(),
                "currency": amount.currency().code(),
                "settlement": payment.method,
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
