//! A payment as the books hold it (the API's [`Payment`] with its merchant, token, trigger
//! and capture) and as tests and reconciliation see it ([`SimPayment`]).

use chrono::{DateTime, Utc};
use giftgate_actors::domain::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::sim::trigger::Trigger;
use crate::wire::{Payment, PaymentMethod, PaymentStatus, PaymentToken, Refund};

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

/// A payment in the books, with what the simulator knows beyond the API's view.
pub(super) struct PaymentRecord {
    pub(super) payment: Payment,
    pub(super) merchant_id: String,
    pub(super) token: PaymentToken,
    pub(super) trigger: Trigger,
    pub(super) captures: u32,
    pub(super) captured_at: Option<DateTime<Utc>>,
    pub(super) capture_key: Option<String>,
    pub(super) repeated_requests: u32,
}

impl PaymentRecord {
    pub(super) fn to_sim(&self) -> SimPayment {
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
