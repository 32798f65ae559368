//! The payment network's JSON, shared by the client and the simulator so the two cannot
//! drift apart.
//!
//! Amounts are decimal strings (`"50000"`) with an ISO 4217 currency, as everywhere at
//! giftgate's edges. Errors come as `{"error": {"code": "...", "message": "..."}}` with a
//! stable `code`: declines answer `402` (`card_declined`, `insufficient_funds`), a refused
//! idempotency key answers `409` (`idempotency_conflict`), a request the payment's state
//! does not allow answers `422`.

use std::fmt;

use chrono::{DateTime, Utc};
use giftgate_actors::domain::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Header carrying the idempotency key of every write.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
/// Header naming the merchant; idempotency keys are scoped to it.
pub const MERCHANT_ID_HEADER: &str = "PSP-Merchant-Id";

/// Error code of a decline by the card issuer or bank.
pub const CARD_DECLINED: &str = "card_declined";
/// Error code of a decline for lack of funds.
pub const INSUFFICIENT_FUNDS: &str = "insufficient_funds";
/// Error code of a retried idempotency key the provider refuses to replay (409).
pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";

/// How the payer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// A card, by the network's card token.
    Card,
    /// A bank account (direct debit or account transfer), by the network's account token.
    Bank,
}

/// Where a payment stands at the payment network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The amount is held on the payer's card or account; nothing is charged yet.
    Authorized,
    /// The authorization was captured: money moved.
    Captured,
    /// The authorization was voided: nothing was or will be charged.
    Voided,
    /// Captured, then refunded in part or in full (see `refunded_amount`).
    Refunded,
    /// The authorization was declined; nothing is held.
    Declined,
}

/// A card or account token of the payment network. Its `Debug` and [`masked`] forms hide
/// all but a short prefix and suffix, so a token never lands in a log in full.
///
/// [`masked`]: PaymentToken::masked
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaymentToken(String);

impl PaymentToken {
    /// Wraps a token as given by the payer's settlement.
    pub fn new(token: impl Into<String>) -> Self {
        PaymentToken(token.into())
    }

    /// The token in full, for the wire only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token for logs and records: the first four characters, `****`, and the last
    /// four when the token is long enough that they reveal little (`tok_****n_ok`).
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let head: String = chars.iter().take(4).collect();
        if chars.len() > 12 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}****{tail}")
        } else {
            format!("{head}****")
        }
    }
}

impl fmt::Debug for PaymentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PaymentToken({})", self.masked())
    }
}

/// `POST /v1/payments`: authorize an amount.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// The amount to hold.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Card or bank.
    pub method: PaymentMethod,
    /// The card or account token.
    pub token: PaymentToken,
    /// The merchant's reference: giftgate's order id. Look-ups search by it.
    pub reference: String,
    /// What the statement line says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The buyer's phone number (E.164), as Korean payment gateways record it
    /// (`buyerTel`): settlement reports name who paid, so an unmatched charge can be
    /// refunded and its payer told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_tel: Option<String>,
}

/// `POST /v1/payments/{id}/capture`: capture an authorization.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CaptureRequest {
    /// The amount to capture; the whole authorization when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub amount: Option<Decimal>,
}

/// `POST /v1/payments/{id}/refunds`: refund part or all of a capture.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundRequest {
    /// The amount to return.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Its currency (the payment's).
    pub currency: Currency,
    /// The merchant's reference of this refund (giftgate's refund key); look-ups show it.
    pub reference: String,
}

/// A refund of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The network's refund id.
    pub id: String,
    /// The merchant's reference of the refund.
    pub reference: String,
    /// The amount returned.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A payment as the network reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The network's payment id (`pay_…`): the rail's reference for giftgate.
    pub id: String,
    /// The merchant's reference (giftgate's order id).
    pub reference: String,
    /// The authorized amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Card or bank.
    pub method: PaymentMethod,
    /// Where the payment stands.
    pub status: PaymentStatus,
    /// The amount captured (zero until captured).
    #[serde(with = "rust_decimal::serde::str")]
    pub captured_amount: Decimal,
    /// The amount refunded so far.
    #[serde(with = "rust_decimal::serde::str")]
    pub refunded_amount: Decimal,
    /// Why the authorization, or the last capture attempt, was declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// The refunds made, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// The buyer's phone number given at authorization, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_tel: Option<String>,
    /// When the authorization was asked for.
    pub created_at: DateTime<Utc>,
}

/// `GET /v1/payments?reference=…`: the payments of one reference, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentList {
    /// The payments found.
    pub data: Vec<Payment>,
}

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, with a stable code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code (`card_declined`, `insufficient_funds`, `idempotency_conflict`, …).
    pub code: String,
    /// Human words.
    pub message: String,
    /// The payment concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
}

impl ErrorBody {
    /// Builds an error body.
    pub fn new(code: &str, message: impl Into<String>, payment_id: Option<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                payment_id,
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked_in_debug_and_records() {
        let short = PaymentToken::new("tok_ok");
        assert_eq!(short.masked(), "tok_****");
        assert!(!format!("{short:?}").contains("tok_ok"));
        let long = PaymentToken::new("tok_4242424242424242");
        assert_eq!(long.masked(), "tok_****4242");
    }

    #[test]
    fn amounts_travel_as_decimal_strings() {
        let request = AuthorizeRequest {
            amount: Decimal::new(50000, 0),
            currency: Currency::KRW,
            method: PaymentMethod::Card,
            token: PaymentToken::new("tok_ok"),
            reference: "ord-1".into(),
            description: None,
            buyer_tel: None,
        };
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["amount"], "50000");
        assert_eq!(json["currency"], "KRW");
        assert_eq!(json["method"], "card");
        let capture = serde_json::to_value(CaptureRequest::default()).unwrap();
        assert_eq!(capture, serde_json::json!({}));
    }
}
