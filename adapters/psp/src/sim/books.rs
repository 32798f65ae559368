//! The simulator's books: its payments, the answers it gave per idempotency key, and the
//! rules of the payment state machine (authorized → captured → refunded, authorized →
//! voided, declined).
//!
//! Everything happens under one mutex, never held across an await: a write is applied and
//! its answer stored before the answer is sent, so a repeated key that arrives while the
//! first answer is still delayed is already answered from the store. Delays, 500s and
//! malformed bodies are the routes' business; the books only say which one the trigger
//! asks for.
//!
//! This file holds the books and their idempotency store; beside it: `answer` (a write as
//! the routes hand it in and the answer they deliver), `record` (a payment as the books
//! hold it and as tests see it), `state_machine` (the rules each write follows) and
//! `queries` (the look-ups). The triggers that bend answers are in [`super::trigger`].

mod answer;
mod queries;
mod record;
mod state_machine;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

pub(crate) use self::answer::{Answer, Delivery, Write};
use self::record::PaymentRecord;
pub use self::record::SimPayment;
use self::state_machine::{authorize, capture, refund, void};
use super::trigger::Trigger;
use crate::wire::IDEMPOTENCY_CONFLICT;

struct StoredAnswer {
    fingerprint: String,
    answer: Answer,
    payment_id: Option<String>,
}

/// What the books hold: every payment, by position and by id, and the answer given per
/// `(merchant, idempotency key)`.
#[derive(Default)]
struct Entries {
    payments: Vec<PaymentRecord>,
    by_id: HashMap<String, usize>,
    answers: HashMap<(String, String), StoredAnswer>,
}

impl Entries {
    fn record_mut(&mut self, merchant_id: &str, payment_id: &str) -> Option<&mut PaymentRecord> {
        let index = *self.by_id.get(payment_id)?;
        self.payments
            .get_mut(index)
            .filter(|r| r.merchant_id == merchant_id)
    }
}

/// The simulator's books behind one mutex.
#[derive(Default)]
pub(crate) struct Books {
    entries: Mutex<Entries>,
}

impl Books {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves consistent books (every write is applied in
        // full before anything can panic), so a poisoned lock is still usable.
        self.entries
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
        let mut books = self.entries();
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::wire::{
        AuthorizeRequest, CaptureRequest, Payment, PaymentMethod, PaymentStatus, PaymentToken,
        RefundRequest,
    };
    use giftgate_actors::domain::Currency;

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
        let books = Books::default();
        let first = books.write("m", "o1:authorize", "f", authorize_write("tok_ok", "o1"));
        let again = books.write("m", "o1:authorize", "f", authorize_write("tok_ok", "o1"));
        assert_eq!(first, again);
        let records = books.records();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].repeated_requests, 1);
        assert_eq!(records[0].token, "tok_****");
    }

    #[test]
    fn a_key_reused_for_another_request_is_refused() {
        let books = Books::default();
        books.write("m", "k", "f1", authorize_write("tok_ok", "o1"));
        let reused = books.write("m", "k", "f2", authorize_write("tok_ok", "o2"));
        assert_eq!(reused.status, 422);
        assert_eq!(books.records().len(), 1);
    }

    #[test]
    fn keys_are_scoped_to_the_merchant() {
        let books = Books::default();
        let a = books.write("m1", "k", "f", authorize_write("tok_ok", "o1"));
        let b = books.write("m2", "k", "f", authorize_write("tok_ok", "o1"));
        assert_ne!(payment_id(&a), payment_id(&b));
        assert!(
            books
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
        let books = Books::default();
        let id = payment_id(&books.write("m", "a", "f", authorize_write("tok_ok", "o1")));
        let capture = |key: &str| {
            books.write(
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
        assert_eq!(books.records()[0].captures, 1);
    }

    #[test]
    fn refunds_never_exceed_the_capture() {
        let books = Books::default();
        let id = payment_id(&books.write("m", "a", "f", authorize_write("tok_ok", "o1")));
        books.write(
            "m",
            "c",
            "f",
            Write::Capture {
                payment_id: id.clone(),
                request: CaptureRequest::default(),
            },
        );
        let refund = |key: &str, amount: i64| {
            books.write(
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
        let record = &books.records()[0];
        assert_eq!(record.refunded_amount, Decimal::new(50000, 0));
        assert_eq!(record.refunds.len(), 2);
    }

    #[test]
    fn declines_are_recorded_with_their_code() {
        let books = Books::default();
        let answer = books.write("m", "a", "f", authorize_write("tok_insufficient", "o1"));
        assert_eq!(answer.status, 402);
        assert!(answer.body.contains("insufficient_funds"));
        let record = &books.records()[0];
        assert_eq!(record.status, PaymentStatus::Declined);
        assert_eq!(record.decline_code.as_deref(), Some("insufficient_funds"));
    }
}
