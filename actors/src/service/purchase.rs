//! Purchase (seed S10–S80): check the order, take payment through its rail, issue the
//! certificates, notify.
//!
//! The payment is a small state machine — `initiated → reserved → charged` (or
//! `released` / `declined`) — advanced one rail call at a time, each call idempotent on
//! the order (the rail's correlators). It reaches the store with the purchase's end:
//! inserted as `charged` in the same commit that issues the certificates (or as
//! `declined` / `released` with the refusal), so a purchase commits twice (the order,
//! then its outcome); only a rail answer that is unknown stores it earlier, as it
//! stands. So there is never a certificate without a confirmed charge; and a charge whose
//! commit was lost (crash) is found again on resume — the stored pending order asks the
//! rail again with the same correlators, which answer the same reservation and charge —
//! so there is never a confirmed charge without certificates (or a release). A resumed
//! order is never refused by the checks of a new one (its money may be under way).

use chrono::Duration;
use serde_json::json;

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use super::quotes::CarrierHeadroom;
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, GiftSpec, JournalEntry,
    JournalKind, Money, Order, OrderRecord, Payment, PaymentState, Pin, Product, PurchaseOrder,
    RefusalCode, Settlement,
};
use crate::ports::{Changes, PaymentError, PaymentRequest, PaymentUpdate};

impl Ledger {
    /// Runs a purchase order; `fresh` when the order was recorded just now (then it has
    /// no payment yet, and the look-up is skipped).
    pub(crate) async fn purchase(
        &self,
        order: &Order,
        record: &OrderRecord,
        purchase: &PurchaseOrder,
        fresh: bool,
    ) -> Result<StepOutcome, ServiceError> {
        let PurchaseOrder {
            product_id,
            quantity,
            settlement,
            gift,
        } = purchase;
        let product = self.product_or_refuse(product_id).await?;
        if let Some(spec) = gift
            && spec.to == order.msisdn
        {
            return Err(Refusal::new(
                RefusalCode::InvalidTransferee,
                "a gift goes to another number",
            )
            .into());
        }
        let total = product
            .face_value
            .times(*quantity)
            .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
        let request = PaymentRequest {
            order_id: order.order_id.clone(),
            payer: order.msisdn.clone(),
            settlement: settlement.clone(),
            amount: total,
            description: format!("{} x{}", product.name, quantity),
        };
        let rail = self.rails.for_settlement(settlement)?.clone();

        // A new payment is stored when the purchase ends (issued with the charge, or
        // refused) or when a rail's answer is unknown; the rail's correlators make a
        // repeated reserve and charge after a crash harmless, so a resumed order without
        // a stored payment simply asks the rail again.
        let stored_payment = if fresh {
            None
        } else {
            self.store.payment(&order.order_id).await?
        };
        let (mut payment, mut stored) = match stored_payment {
            Some(payment) => (payment, true),
            None => {
                // Checks that may refuse run only on an order recorded just now, before any
                // money moves: a resumed order may have money under way at the rail (its
                // reservation is not stored), so it is finished, never refused.
                if fresh {
                    self.check_new_purchase(&product, order, settlement, total, gift.as_ref())
                        .await?;
                }
                let payment = Payment {
                    order_id: order.order_id.clone(),
                    msisdn: order.msisdn.clone(),
                    method: settlement.method().to_owned(),
                    reference: None,
                    amount: total,
                    refunded: Money::zero(total.currency()),
                    state: PaymentState::Initiated,
                    created_at: self.now(),
                };
                (payment, false)
            }
        };

        loop {
            match payment.state {
                PaymentState::Initiated => match rail.reserve(&request).await {
                    Ok(reference) if stored => {
                        payment = self
                            .move_payment(&payment, PaymentState::Reserved, Some(reference))
                            .await?;
                    }
                    Ok(reference) => {
                        payment = crate::domain::Payment {
                            state: PaymentState::Reserved,
                            reference: Some(reference),
                            ..payment
                        };
                    }
                    Err(PaymentError::Unknown(detail)) => {
                        // Keep a record that a reservation may exist at the rail.
                        self.keep_payment(&payment, &mut stored).await?;
                        return Err(ServiceError::PaymentUnknown(detail));
                    }
                    Err(error) => {
                        return Ok(self.payment_refused(
                            &payment,
                            stored,
                            error,
                            PaymentState::Declined,
                        ));
                    }
                },
                PaymentState::Reserved => {
                    let reference = payment.reference.clone().unwrap_or_default();
                    match rail.charge(&request, &reference).await {
                        Ok(()) => {
                            let charged = Charged {
                                payment: &payment,
                                stored,
                            };
                            return self
                                .issue(order, record, &product, *quantity, charged, gift.as_ref())
                                .await;
                        }
                        Err(PaymentError::Unknown(detail)) => {
                            self.keep_payment(&payment, &mut stored).await?;
                            return Err(ServiceError::PaymentUnknown(detail));
                        }
                        Err(error) => {
                            // Not charged: give the reservation back before failing.
                            match rail.release(&request, &reference).await {
                                Ok(()) => {}
                                Err(PaymentError::Unknown(detail)) => {
                                    self.keep_payment(&payment, &mut stored).await?;
                                    return Err(ServiceError::PaymentUnknown(detail));
                                }
                                Err(release_error) => {
                                    tracing::warn!(%release_error, "release after a refused charge failed; the rail lets the reservation lapse");
                                }
                            }
                            return Ok(self.payment_refused(
                                &payment,
                                stored,
                                error,
                                PaymentState::Released,
                            ));
                        }
                    }
                }
                PaymentState::Charged => {
                    // Charged but the order is still pending: the issue commit was lost.
                    let issued = self.store.certificates_of_order(&order.order_id).await?;
                    if issued.is_empty() {
                        let charged = Charged {
                            payment: &payment,
                            stored,
                        };
                        return self
                            .issue(order, record, &product, *quantity, charged, gift.as_ref())
                            .await;
                    }
                    return self
                        .complete_from_stored(order, record, &payment, issued)
                        .await;
                }
                PaymentState::Released | PaymentState::Declined | PaymentState::Refunded => {
                    return Ok(StepOutcome::Refused(
                        Refusal::new(
                            RefusalCode::PaymentFailed,
                            format!("payment is {}", payment.state),
                        ),
                        Box::default(),
                    ));
                }
            }
        }
    }

    /// A charged purchase whose certificates exist: it was issued (by a concurrent run,
    /// or a resume that read the order before its issue committed). Answered from what
    /// is stored — the stored outcome if the order has finished since, else completed
    /// now from its certificates — never reported as corrupt.
    async fn complete_from_stored(
        &self,
        order: &Order,
        record: &OrderRecord,
        payment: &Payment,
        issued: Vec<Certificate>,
    ) -> Result<StepOutcome, ServiceError> {
        if let Some(stored) = self.store.order(&order.order_id).await?
            && stored.status != crate::domain::OrderStatus::Pending
        {
            return Ok(StepOutcome::Done(stored.outcome.unwrap_or_default()));
        }
        let mut outcome = json!({
            "certificate_codes": issued.iter().map(|c| c.code.to_string()).collect::<Vec<_>>(),
            "amount": payment.amount.amount().to_string(),
            "currency": payment.amount.currency().code(),
            "settlement": payment.method,
        });
        if let Some(gift_id) = issued.iter().find_map(|c| c.gift_id.clone()) {
            outcome["gift_id"] = json!(gift_id.as_str());
        }
        tracing::info!("certificates already issued: order completed from the stored state");
        let mut changes = Changes::default();
        self.complete_order(&mut changes, record, outcome.clone());
        match self.commit(changes).await {
            Err(error) if is_conflict(&error) => {
                let stored = self.store.order(&order.order_id).await?;
                Ok(StepOutcome::Done(
                    stored.and_then(|o| o.outcome).unwrap_or(outcome),
                ))
            }
            Err(error) => Err(error),
            Ok(()) => Ok(StepOutcome::Done(outcome)),
        }
    }

    /// The checks a new purchase must pass before any money moves: its gift's extras,
    /// the product on sale, the subscriber's monthly carrier cap.
    async fn check_new_purchase(
        &self,
        product: &Product,
        order: &Order,
        settlement: &Settlement,
        total: Money,
        gift: Option<&GiftSpec>,
    ) -> Result<(), ServiceError> {
        if let Some(spec) = gift {
            self.check_extras(spec).await?;
        }
        if !product.active {
            return Err(Refusal::new(
                RefusalCode::ProductUnavailable,
                format!("{} is not on sale", product.id),
            )
            .into());
        }
        self.check_carrier_cap(order, settlement, total).await
    }

    /// Stores a payment not stored yet (its outcome at the rail is unknown: recovery and
    /// the carrier cap must see it). One statement, no transaction.
    async fn keep_payment(&self, payment: &Payment, stored: &mut bool) -> Result<(), ServiceError> {
        if !*stored {
            self.commit(Changes {
                new_payments: vec![payment.clone()],
                ..Changes::default()
            })
            .await?;
            *stored = true;
        }
        Ok(())
    }

    async fn check_carrier_cap(
        &self,
        order: &Order,
        settlement: &Settlement,
        total: Money,
    ) -> Result<(), ServiceError> {
        if !matches!(settlement, Settlement::Carrier) {
            return Ok(());
        }
        let Some(CarrierHeadroom { cap, billed }) = self
            .carrier_headroom(&order.msisdn, total.currency())
            .await?
        else {
            return Ok(());
        };
        let after = billed
            .checked_add(total)
            .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
        if after.amount() > cap.amount() {
            return Err(Refusal::new(
                RefusalCode::BillingLimitExceeded,
                format!("monthly carrier billing cap {cap} reached ({billed} billed this month)"),
            )
            .into());
        }
        Ok(())
    }

    async fn move_payment(
        &self,
        payment: &crate::domain::Payment,
        state: PaymentState,
        reference: Option<String>,
    ) -> Result<crate::domain::Payment, ServiceError> {
        let reference = reference.or_else(|| payment.reference.clone());
        self.commit(Changes {
            payments: vec![PaymentUpdate {
                order_id: payment.order_id.clone(),
                expected: payment.state,
                state,
                reference: reference.clone(),
                refunded: payment.refunded,
            }],
            ..Changes::default()
        })
        .await?;
        Ok(crate::domain::Payment {
            state,
            reference,
            ..payment.clone()
        })
    }

    /// A refused payment ends as `ended` (declined, or released after a refused charge),
    /// updated if the store holds it, else inserted so.
    fn payment_refused(
        &self,
        payment: &crate::domain::Payment,
        stored: bool,
        error: PaymentError,
        ended: PaymentState,
    ) -> StepOutcome {
        let refusal = refusal_of(error);
        let changes = if stored {
            Changes {
                payments: vec![PaymentUpdate {
                    order_id: payment.order_id.clone(),
                    expected: payment.state,
                    state: ended,
                    reference: payment.reference.clone(),
                    refunded: payment.refunded,
                }],
                ..Changes::default()
            }
        } else {
            Changes {
                new_payments: vec![crate::domain::Payment {
                    state: ended,
                    ..payment.clone()
                }],
                ..Changes::default()
            }
        };
        StepOutcome::Refused(refusal, Box::new(changes))
    }

    /// Issues the certificates of a charged purchase, in one commit with the charge.
    async fn issue(
        &self,
        order: &Order,
        record: &OrderRecord,
        product: &Product,
        quantity: u32,
        charged: Charged<'_>,
        gift: Option<&GiftSpec>,
    ) -> Result<StepOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            match self
                .try_issue(order, record, product, quantity, charged, gift)
                .await
            {
                Err(error) if is_conflict(&error) => {
                    // A code collision (or a concurrent resume): if the order got finished
                    // meanwhile, answer that; otherwise draw new codes.
                    if let Some(stored) = self.store.order(&order.order_id).await?
                        && stored.status != crate::domain::OrderStatus::Pending
                    {
                        return Ok(StepOutcome::Done(stored.outcome.unwrap_or_default()));
                    }
                }
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!(
            "issuing order {}",
            order.order_id
        )))
    }

    async fn try_issue(
        &self,
        order: &Order,
        record: &OrderRecord,
        product: &Product,
        quantity: u32,
        charged: Charged<'_>,
        gift: Option<&GiftSpec>,
    ) -> Result<StepOutcome, ServiceError> {
        let payment = charged.payment;
        let now = self.now();
        let expires_at = product
            .validity_days
            .map(|days| now + Duration::days(i64::from(days)));
        let gift_id = gift.map(|_| crate::domain::GiftId::generate());
        let mut changes = Changes::default();
        if !charged.stored {
            changes.new_payments.push(Payment {
                state: PaymentState::Charged,
                ..payment.clone()
            });
        } else if payment.state != PaymentState::Charged {
            changes.payments.push(PaymentUpdate {
                order_id: payment.order_id.clone(),
                expected: payment.state,
                state: PaymentState::Charged,
                reference: payment.reference.clone(),
                refunded: payment.refunded,
            });
        }
        let mut pins = Vec::new();
        for _ in 0..quantity {
            let code = CertificateCode::generate();
            let pin = Pin::generate();
            let certificate = Certificate {
                pin_sealed: self.pins.seal(&pin, code.as_str()),
                code,
                product_id: product.id.clone(),
                order_id: order.order_id.clone(),
                purchaser: order.msisdn.clone(),
                owner: order.msisdn.clone(),
                face_value: product.face_value,
                balance: product.face_value,
                status: if gift.is_some() {
                    CertificateStatus::PendingGift
                } else {
                    CertificateStatus::Active
                },
                expires_at,
                pin_failures: 0,
                locked_until: None,
                gift_id: gift_id.clone(),
                issued_at: now,
                version: 0,
            };
            changes.journal.push(JournalEntry {
                kind: JournalKind::Issue,
                certificate_code: certificate.code.clone(),
                amount: certificate.face_value,
                msisdn: order.msisdn.clone(),
                counterparty: None,
                order_id: Some(order.order_id.clone()),
                merchant_id: None,
                reference: Some(payment.method.clone()),
                at: now,
            });
            changes.outbox.push(crate::domain::OutboxMessage::event(
                Event::new(EventType::CertificateIssued, now)
                    .with_order(&order.order_id)
                    .with_msisdn(&order.msisdn)
                    .with_certificate(&certificate.code)
                    .with_amount(certificate.face_value),
            ));
            pins.push(pin);
            changes.new_certificates.push(certificate);
        }
        let codes: Vec<String> = changes
            .new_certificates
            .iter()
            .map(|c| c.code.to_string())
            .collect();
        let mut outcome = json!({
            "certificate_codes": codes,
            "amount": payment.amount.amount().to_string(),
            "currency": payment.amount.currency().code(),
            "settlement": payment.method,
        });
        let certificates = changes.new_certificates.clone();
        let lines: Vec<_> = certificates
            .iter()
            .zip(&pins)
            .map(|(c, pin)| self.certificate_line(c, &product.name, gift.is_none().then_some(pin)))
            .collect();
        let mut purchased_text = self
            .notices()
            .purchased(payment.amount, &payment.method, &lines);
        if gift.is_none() {
            for certificate in &certificates {
                if let Some(url) = self.voucher_link(certificate, &order.msisdn, 0).await? {
                    purchased_text.push_str(&format!("\n{url}"));
                }
            }
        }
        changes
            .outbox
            .push(self.sms(order.msisdn.as_str(), purchased_text));
        if let (Some(spec), Some(gift_id)) = (gift, gift_id) {
            let check = if spec.confirm {
                Some(self.gift_check(&order.msisdn, &gift_id).await?)
            } else {
                None
            };
            self.add_gift(
                &mut changes,
                order,
                spec,
                &gift_id,
                &certificates,
                &product.name,
                check,
            )
            .await?;
            outcome["gift_id"] = json!(gift_id.as_str());
        }
        self.complete_order(&mut changes, record, outcome.clone());
        self.commit(changes).await?;
        Ok(StepOutcome::Done(outcome))
    }
}

/// A purchase's payment the rail has just confirmed as charged.
#[derive(Debug, Clone, Copy)]
struct Charged<'a> {
    /// The payment as the purchase knows it (state before the charge).
    payment: &'a Payment,
    /// Whether the store already holds it (then it is moved to `charged`; else inserted
    /// as `charged`, in the commit that issues the certificates).
    stored: bool,
}

/// The order.failed reason for a payment error that moved no money.
fn refusal_of(error: PaymentError) -> Refusal {
    match error {
        PaymentError::Declined { reason, detail } => {
            let code = match reason.as_str() {
                "billing_declined" => RefusalCode::BillingDeclined,
                "card_declined" => RefusalCode::CardDeclined,
                "insufficient_funds" => RefusalCode::InsufficientFunds,
                "billing_limit_exceeded" => RefusalCode::BillingLimitExceeded,
                _ => RefusalCode::PaymentDeclined,
            };
            Refusal::new(code, detail)
        }
        PaymentError::Unavailable(detail) => Refusal::new(RefusalCode::PaymentUnavailable, detail),
        PaymentError::NotSupported(detail) => Refusal::new(RefusalCode::PaymentUnavailable, detail),
        PaymentError::Unknown(detail) => Refusal::new(RefusalCode::PaymentUnknown, detail),
    }
}
