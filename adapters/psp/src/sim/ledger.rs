//! The simulator's books: its payments, the answers it gave per idempotency key, and the
//! rules of the payment state machine (authorized → captured → refunded, authorized →
//! voided, declined).
//!
//! Everything happens under one mutex, never held across an await: a write is applied and
//! its answer stored before the answer is sent, so a repeated key that arrives while the
//! first answer is still delayed is already answered from the store. Delays, 500s and
//! malformed bodies are the routes' business; the ledger only says which one the trigger
//! asks for.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::trigger::Trigger;
use crate::wire::{
    AuthorizeRequest, CARD_DECLINED, CaptureRequest, ErrorBody, IDEMPOTENCY_CONFLICT,
    INSUFFICIENT_FUNDS, Payment, PaymentList, PaymentMethod, PaymentStatus, PaymentToken, Refund,
    RefundRequest,
};

/// A payment as the simulator recorded it, for tests and reconciliation (`GET /sim/payments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimPayment {
    /// The simulator's payment id (`pay_…`).
    pub id: String,
    /// The merchant that asked for it.
    pub merchant_id: String,
    /// The merchant's reference (giftgate's order id).
    pub reference: String,
    /// The authorized amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Card or bank.
    pub method: PaymentMethod,
    /// The token, masked (`tok_****`).
    pub token: String,
    /// Where the payment stands.
    pub status: PaymentStatus,
    /// The amount captured.
    #[serde(with = "rust_decimal::serde::str")]
    pub captured_amount: Decimal,
    /// The amount refunded.
    #[serde(with = "rust_decimal::serde::str")]
    pub refunded_amount: Decimal,
    /// Why the authorization or a capture was declined.
    pub decline_code: Option<String>,
    /// Captures applied (0 or 1: a second capture is refused).
    pub captures: u32,
    /// The refunds made.
    pub refunds: Vec<Refund>,
    /// The buyer's phone number given at authorization, if any.
    pub buyer_tel: Option<String>,
    /// Requests about this payment answered from the idempotency store (a replay or a 409)
    /// instead of being applied again.
    pub repeated_requests: u32,
    /// When the authorization was asked for.
    pub created_at: DateTime<Utc>,
    /// When the capture was applied.
    #[serde(default)]
    pub captured_at: Option<DateTime<Utc>>,
    /// The idempotency key of the capture (`{order_id}:capture` from giftgate).
    #[serde(default)]
    pub capture_key: Option<String>,
}

impl SimPayment {
    /// Whether the capture or a refund of this payment happened on `day` (UTC): what the
    /// network's settlement of that day contains.
    pub fn settled_on(&self, day: chrono::NaiveDate) -> bool {
        self.captured_at.is_some_and(|at| at.date_naive() == day)
            || self
                .refunds
                .iter()
                .any(|r| r.created_at.date_naive() == day)
    }
}

/// A write to the ledger, parsed from the request.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    /// `POST /v1/payments`.
    Authorize(AuthorizeRequest),
    /// `POST /v1/payments/{id}/capture`.
    Capture {
        /// The payment.
        payment_id: String,
        /// The amount asked for.
        request: CaptureRequest,
    },
    /// `POST /v1/payments/{id}/void`.
    Void {
        /// The payment.
        payment_id: String,
    },
    /// `POST /v1/payments/{id}/refunds`.
    Refund {
        /// The payment.
        payment_id: String,
        /// The refund asked for.
        request: RefundRequest,
    },
}

/// How the routes must deliver an answer, as the payment's trigger asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// As it is.
    Normal,
    /// After the slow-answer delay.
    Slow,
    /// As a 500 instead (the write did take effect).
    ServerError,
    /// As malformed JSON instead.
    Garbage,
    /// Deliver the request to the ledger once more and answer with that second answer.
    Twice,
}

/// An answer of the ledger: HTTP status, JSON body and how to deliver it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The JSON body, byte for byte what a replay sends again.
    pub(crate) body: String,
    /// How to deliver it.
    pub(crate) delivery: Delivery,
}

impl Answer {
    fn json(status: u16, body: &impl Serialize) -> Self {
        Answer {
            status,
            // unwrap_or_else: the wire types serialize infallibly (no maps with non-string keys).
            body: serde_json::to_string(body).unwrap_or_else(|e| {
                format!("{{\"error\":{{\"code\":\"internal_error\",\"message\":\"{e}\"}}}}")
            }),
            delivery: Delivery::Normal,
        }
    }

    fn error(
        status: u16,
        code: &str,
        message: impl Into<String>,
        payment_id: Option<&str>,
    ) -> Self {
        Answer::json(
            status,
            &ErrorBody::new(code, message, payment_id.map(str::to_owned)),
        )
    }
}

struct PaymentRecord {
    payment: Payment,
    merchant_id: String,
    token: PaymentToken,
    trigger: Trigger,
    captures: u32,
    captured_at: Option<DateTime<Utc>>,
    capture_key: Option<String>,
    repeated_requests: u32,
}

impl PaymentRecord {
    fn to_sim(&self) -> SimPayment {
        let p = &self.payment;
        SimPayment {
            id: p.id.clone(),
            merchant_id: self.merchant_id.clone(),
            reference: p.reference.clone(),
            amount: p.amount,
            currency: p.currency,
            method: p.method,
            token: self.token.masked(),
            status: p.status,
            captured_amount: p.captured_amount,
            refunded_amount: p.refunded_amount,
            decline_code: p.decline_code.clone(),
            captures: self.captures,
            refunds: p.refunds.clone(),
            buyer_tel: p.buyer_tel.clone(),
            repeated_requests: self.repeated_requests,
            created_at: p.created_at,
            captured_at: self.captured_at,
            capture_key: self.capture_key.clone(),
        }
    }
}

struct StoredAnswer {
    fingerprint: String,
    answer: Answer,
    payment_id: Option<String>,
}

#[derive(Default)]
struct Books {
    payments: Vec<PaymentRecord>,
    by_id: HashMap<String, usize>,
    answers: HashMap<(String, String), StoredAnswer>,
}

impl Books {
    fn record_mut(&mut self, merchant_id: &str, payment_id: &str) -> Option<&mut PaymentRecord> {
        let index = *self.by_id.get(payment_id)?;
        self.payments
            .get_mut(index)
            .filter(|r| r.merchant_id == merchant_id)
    }
}

/// The simulator's books behind a mutex.
#[derive(Default)]
pub(crate) struct Ledger {
    books: Mutex<Books>,
}

impl Ledger {
    fn books(&self) -> MutexGuard<'_, Books> {
        // A panic while holding the lock leaves consistent books (every write is applied in
        // full before anything can panic), so a poisoned lock is still usable.
        self.books
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies a write once per `(merchant, idempotency key)`; a repeated key is answered
    /// from the store (or refused with 409 for `tok_conflict_on_retry`), a key reused for a
    /// different request is refused with 422 `idempotency_key_reused`.
    pub(crate) fn write(
        &self,
        merchant_id: &str,
        key: &str,
        fingerprint: &str,
        write: Write,
    ) -> Answer {
        let mut books = self.books();
        let store_key = (merchant_id.to_owned(), key.to_owned());
        if let Some(stored) = books.answers.get(&store_key) {
            let same_request = stored.fingerprint == fingerprint;
            let first = stored.answer.clone();
            let payment_id = stored.payment_id.clone();
            let record = payment_id
                .as_deref()
                .and_then(|id| books.record_mut(merchant_id, id));
            let trigger = record.as_ref().map(|r| r.trigger);
            if let Some(record) = record {
                record.repeated_requests += 1;
            }
            tracing::debug!(key, same_request, "psp-sim: repeated idempotency key");
            return match (trigger, same_request) {
                (Some(Trigger::ConflictOnRetry), _) => Answer::error(
                    409,
                    IDEMPOTENCY_CONFLICT,
                    "this idempotency key was already used; look the payment up",
                    None,
                ),
                (_, false) => Answer::error(
                    422,
                    "idempotency_key_reused",
                    "this idempotency key was used for a different request",
                    payment_id.as_deref(),
                ),
                (Some(Trigger::Garbage), true) => Answer {
                    delivery: Delivery::Garbage,
                    ..first
                },
                (_, true) => Answer {
                    delivery: Delivery::Normal,
                    ..first
                },
            };
        }
        let (answer, payment_id) = match write {
            Write::Authorize(request) => authorize(&mut books, merchant_id, request),
            Write::Capture {
                payment_id,
                request,
            } => {
                let answer = capture(&mut books, merchant_id, &payment_id, &request, key);
                (answer, Some(payment_id))
            }
            Write::Void { payment_id } => {
                (void(&mut books, merchant_id, &payment_id), Some(payment_id))
            }
            Write::Refund {
                payment_id,
                request,
            } => {
                let answer = refund(&mut books, merchant_id, &payment_id, &request);
                (answer, Some(payment_id))
            }
        };
        let known_payment = payment_id.filter(|id| books.record_mut(merchant_id, id).is_some());
        books.answers.insert(
            store_key,
            StoredAnswer {
                fingerprint: fingerprint.to_owned(),
                answer: Answer {
                    delivery: Delivery::Normal,
                    ..answer.clone()
                },
                payment_id: known_payment,
            },
        );
        answer
    }

    /// `GET /v1/payments?reference=…`: the merchant's payments of a reference, oldest
    /// first, and whether any of them answers in garbage.
    pub(crate) fn find(&self, merchant_id: &str, reference: &str) -> (PaymentList, bool) {
        let books = self.books();
        let found: Vec<&PaymentRecord> = books
            .payments
            .iter()
            .filter(|r| r.merchant_id == merchant_id && r.payment.reference == reference)
            .collect();
        let garbage = found.iter().any(|r| r.trigger == Trigger::Garbage);
        let data = found.into_iter().map(|r| r.payment.clone()).collect();
        (PaymentList { data }, garbage)
    }

    /// `GET /v1/payments/{id}`: one of the merchant's payments, and whether it answers in garbage.
    pub(crate) fn get(&self, merchant_id: &str, payment_id: &str) -> Option<(Payment, bool)> {
        let mut books = self.books();
        let record = books.record_mut(merchant_id, payment_id)?;
        Some((record.payment.clone(), record.trigger == Trigger::Garbage))
    }

    /// Every payment, oldest first, as the simulator recorded it.
    pub(crate) fn records(&self) -> Vec<SimPayment> {
        self.books()
            .payments
            .iter()
            .map(PaymentRecord::to_sim)
            .collect()
    }
}

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

fn authorize(
    books: &mut Books,
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

fn capture(
    books: &mut Books,
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

fn void(books: &mut Books, merchant_id: &str, payment_id: &str) -> Answer {
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

fn refund(
    books: &mut Books,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::wire::PaymentToken;

    fn authorize_write(token: &str, reference: &str) -> Write {
        Write::Authorize(AuthorizeRequest {
            amount: Decimal::new(50000, 0),
            currency: Currency::KRW,
            method: PaymentMethod::Card,
            token: PaymentToken::new(token),
            reference: reference.into(),
            description: None,
            buyer_tel: None,
        })
    }

    fn payment_id(answer: &Answer) -> String {
        serde_json::from_str::<Payment>(&answer.body).unwrap().id
    }

    #[test]
    fn a_repeated_key_replays_the_identical_answer_and_applies_nothing() {
        let ledger = Ledger::default();
        let first = ledger.write("m", "o1:authorize", "f", authorize_write("tok_ok", "o1"));
        let again = ledger.write("m", "o1:authorize", "f", authorize_write("tok_ok", "o1"));
        assert_eq!(first, again);
        let records = ledger.records();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].repeated_requests, 1);
        assert_eq!(records[0].token, "tok_****");
    }

    #[test]
    fn a_key_reused_for_another_request_is_refused() {
        let ledger = Ledger::default();
        ledger.write("m", "k", "f1", authorize_write("tok_ok", "o1"));
        let reused = ledger.write("m", "k", "f2", authorize_write("tok_ok", "o2"));
        assert_eq!(reused.status, 422);
        assert_eq!(ledger.records().len(), 1);
    }

    #[test]
    fn keys_are_scoped_to_the_merchant() {
        let ledger = Ledger::default();
        let a = ledger.write("m1", "k", "f", authorize_write("tok_ok", "o1"));
        let b = ledger.write("m2", "k", "f", authorize_write("tok_ok", "o1"));
        assert_ne!(payment_id(&a), payment_id(&b));
        assert!(
            ledger
                .write(
                    "m2",
                    "c",
                    "f",
                    Write::Capture {
                        payment_id: payment_id(&a),
                        request: CaptureRequest::default()
                    }
                )
                .status
                == 404
        );
    }

    #[test]
    fn a_captured_payment_is_never_captured_again() {
        let ledger = Ledger::default();
        let id = payment_id(&ledger.write("m", "a", "f", authorize_write("tok_ok", "o1")));
        let capture = |key: &str| {
            ledger.write(
                "m",
                key,
                "f",
                Write::Capture {
                    payment_id: id.clone(),
                    request: CaptureRequest::default(),
                },
            )
        };
        assert_eq!(capture("c1").status, 200);
        let second = capture("c2");
        assert_eq!(second.status, 422);
        assert!(second.body.contains("payment_already_captured"));
        assert_eq!(ledger.records()[0].captures, 1);
    }

    #[test]
    fn refunds_never_exceed_the_capture() {
        let ledger = Ledger::default();
        let id = payment_id(&ledger.write("m", "a", "f", authorize_write("tok_ok", "o1")));
        ledger.write(
            "m",
            "c",
            "f",
            Write::Capture {
                payment_id: id.clone(),
                request: CaptureRequest::default(),
            },
        );
        let refund = |key: &str, amount: i64| {
            ledger.write(
                "m",
                key,
                key,
                Write::Refund {
                    payment_id: id.clone(),
                    request: RefundRequest {
                        amount: Decimal::new(amount, 0),
                        currency: Currency::KRW,
                        reference: key.into(),
                    },
                },
            )
        };
        assert_eq!(refund("r1", 30000).status, 201);
        assert_eq!(refund("r2", 30000).status, 422);
        assert_eq!(refund("r3", 20000).status, 201);
        let record = &ledger.records()[0];
        assert_eq!(record.refunded_amount, Decimal::new(50000, 0));
        assert_eq!(record.refunds.len(), 2);
    }

    #[test]
    fn declines_are_recorded_with_their_code() {
        let ledger = Ledger::default();
        let answer = ledger.write("m", "a", "f", authorize_write("tok_insufficient", "o1"));
        assert_eq!(answer.status, 402);
        assert!(answer.body.contains("insufficient_funds"));
        let record = &ledger.records()[0];
        assert_eq!(record.status, PaymentStatus::Declined);
        assert_eq!(record.decline_code.as_deref(), Some("insufficient_funds"));
    }
}
