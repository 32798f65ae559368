//! The rules of the payment state machine (authorized → captured → refunded, authorized →
//! voided, declined), one function per write, each applied in full to the books' entries
//! and answered with the delivery its payment's trigger asks for.

use chrono::Utc;
use giftgate_actors::domain::Money;
use rust_decimal::Decimal;

use super::Entries;
use super::answer::{Answer, Delivery};
use super::record::PaymentRecord;
use crate::sim::trigger::Trigger;
use crate::wire::{
    AuthorizeRequest, CARD_DECLINED, CaptureRequest, INSUFFICIENT_FUNDS, Payment, PaymentStatus,
    Refund, RefundRequest,
};

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

fn delivery_of(trigger: Trigger) -> Delivery {
    match trigger {
        Trigger::Duplicate => Delivery::Twice,
        Trigger::Garbage => Delivery::Garbage,
        _ => Delivery::Normal,
    }
}

pub(super) fn authorize(
    books: &mut Entries,
    merchant_id: &str,
    request: AuthorizeRequest,
) -> (Answer, Option<String>) {
    if let Err(e) = Money::positive(request.amount, request.currency) {
        return (
            Answer::error(400, "invalid_amount", e.to_string(), None),
            None,
        );
    }
    if request.token.expose().trim().is_empty() {
        return (
            Answer::error(400, "invalid_token", "token is empty", None),
            None,
        );
    }
    if request.reference.is_empty() || request.reference.len() > 64 {
        return (
            Answer::error(
                400,
                "invalid_reference",
                "reference must be 1-64 characters",
                None,
            ),
            None,
        );
    }
    let trigger = Trigger::from_token(request.token.expose());
    let decline_code = match trigger {
        Trigger::Decline => Some(CARD_DECLINED),
        Trigger::InsufficientFunds => Some(INSUFFICIENT_FUNDS),
        _ => None,
    };
    let payment = Payment {
        id: new_id("pay"),
        reference: request.reference,
        amount: request.amount,
        currency: request.currency,
        method: request.method,
        status: if decline_code.is_some() {
            PaymentStatus::Declined
        } else {
            PaymentStatus::Authorized
        },
        captured_amount: Decimal::ZERO,
        refunded_amount: Decimal::ZERO,
        decline_code: decline_code.map(str::to_owned),
        refunds: Vec::new(),
        buyer_tel: request.buyer_tel,
        created_at: Utc::now(),
    };
    tracing::info!(
        payment_id = %payment.id,
        reference = %payment.reference,
        token = %request.token.masked(),
        status = ?payment.status,
        "psp-sim: authorization"
    );
    let answer = match decline_code {
        Some(code) => Answer::error(
            402,
            code,
            "the issuer declined the authorization",
            Some(&payment.id),
        ),
        None => Answer::json(201, &payment),
    };
    let payment_id = payment.id.clone();
    books.by_id.insert(payment_id.clone(), books.payments.len());
    books.payments.push(PaymentRecord {
        payment,
        merchant_id: merchant_id.to_owned(),
        token: request.token,
        trigger,
        captures: 0,
        captured_at: None,
        capture_key: None,
        repeated_requests: 0,
    });
    (
        Answer {
            delivery: delivery_of(trigger),
            ..answer
        },
        Some(payment_id),
    )
}

fn not_found(payment_id: &str) -> Answer {
    Answer::error(
        404,
        "payment_not_found",
        format!("no payment {payment_id}"),
        None,
    )
}

pub(super) fn capture(
    books: &mut Entries,
    merchant_id: &str,
    payment_id: &str,
    request: &CaptureRequest,
    key: &str,
) -> Answer {
    let Some(record) = books.record_mut(merchant_id, payment_id) else {
        return not_found(payment_id);
    };
    let trigger = record.trigger;
    let payment = &mut record.payment;
    let answer = if payment.status != PaymentStatus::Authorized {
        let code = match payment.status {
            PaymentStatus::Captured | PaymentStatus::Refunded => "payment_already_captured",
            _ => "payment_not_capturable",
        };
        Answer::error(
            422,
            code,
            format!("payment is {:?}", payment.status),
            Some(payment_id),
        )
    } else if trigger == Trigger::DeclineAfterAuthorize {
        payment.decline_code = Some(CARD_DECLINED.to_owned());
        Answer::error(
            402,
            CARD_DECLINED,
            "the issuer declined the capture",
            Some(payment_id),
        )
    } else {
        let amount = request.amount.unwrap_or(payment.amount);
        if amount <= Decimal::ZERO || amount > payment.amount {
            Answer::error(
                422,
                "invalid_amount",
                format!(
                    "capture of {amount} exceeds the authorized {}",
                    payment.amount
                ),
                Some(payment_id),
            )
        } else {
            payment.status = PaymentStatus::Captured;
            payment.captured_amount = amount;
            payment.decline_code = None;
            record.captures += 1;
            record.captured_at = Some(Utc::now());
            record.capture_key = Some(key.to_owned());
            tracing::info!(payment_id, %amount, "psp-sim: captured");
            Answer::json(200, &record.payment)
        }
    };
    let delivery = match trigger {
        Trigger::TimeoutThenOk if answer.status == 200 => Delivery::Slow,
        Trigger::UnknownThenOk if answer.status == 200 => Delivery::ServerError,
        other => delivery_of(other),
    };
    Answer { delivery, ..answer }
}

pub(super) fn void(books: &mut Entries, merchant_id: &str, payment_id: &str) -> Answer {
    let Some(record) = books.record_mut(merchant_id, payment_id) else {
        return not_found(payment_id);
    };
    let answer = if record.payment.status == PaymentStatus::Authorized {
        record.payment.status = PaymentStatus::Voided;
        tracing::info!(payment_id, "psp-sim: voided");
        Answer::json(200, &record.payment)
    } else {
        Answer::error(
            422,
            "payment_not_voidable",
            format!("payment is {:?}", record.payment.status),
            Some(payment_id),
        )
    };
    Answer {
        delivery: delivery_of(record.trigger),
        ..answer
    }
}

pub(super) fn refund(
    books: &mut Entries,
    merchant_id: &str,
    payment_id: &str,
    request: &RefundRequest,
) -> Answer {
    let Some(record) = books.record_mut(merchant_id, payment_id) else {
        return not_found(payment_id);
    };
    let payment = &mut record.payment;
    let refundable = payment.captured_amount - payment.refunded_amount;
    let answer = if !matches!(
        payment.status,
        PaymentStatus::Captured | PaymentStatus::Refunded
    ) {
        Answer::error(
            422,
            "payment_not_refundable",
            format!("payment is {:?}", payment.status),
            Some(payment_id),
        )
    } else if request.currency != payment.currency {
        Answer::error(
            400,
            "currency_mismatch",
            format!("payment is in {}", payment.currency),
            Some(payment_id),
        )
    } else if request.amount <= Decimal::ZERO
        || Money::new(request.amount, request.currency).is_err()
    {
        Answer::error(
            400,
            "invalid_amount",
            format!("refund amount {} is not valid", request.amount),
            Some(payment_id),
        )
    } else if request.amount > refundable {
        Answer::error(
            422,
            "refund_exceeds_capture",
            format!("only {refundable} is left to refund"),
            Some(payment_id),
        )
    } else {
        let refund = Refund {
            id: new_id("re"),
            reference: request.reference.clone(),
            amount: request.amount,
            created_at: Utc::now(),
        };
        payment.refunded_amount += request.amount;
        payment.status = PaymentStatus::Refunded;
        payment.refunds.push(refund.clone());
        tracing::info!(payment_id, amount = %request.amount, "psp-sim: refunded");
        Answer::json(201, &refund)
    };
    Answer {
        delivery: delivery_of(record.trigger),
        ..answer
    }
}
