//! The JSON bodies of the GSMA OneAPI Payment–style API, shared by the client and the
//! simulator so the two cannot drift apart.
//!
//! The shapes follow OneAPI v3 Payment: a reservation is an `amountReservationTransaction`
//! posted to `{base}/{endUserId}/transactions/amountReservation` and later charged or
//! released at its own resource; a refund is an `amountTransaction` posted to
//! `{base}/{endUserId}/transactions/amount` with the `originalServerReferenceCode` it
//! refunds; look-ups answer a `paymentTransactionList`; refusals are a `requestError`
//! holding a `policyException` or a `serviceException`.
//!
//! One deliberate difference: amounts are written as decimal strings (`"50000"`), because
//! giftgate never lets money through a float (CONTRACT.md §1). Amounts are read from either
//! a string or a JSON number, so a carrier that sends numbers still works.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `transactionOperationStatus`: what a request asks for, or what a recorded transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransactionOperationStatus {
    /// The amount is reserved on the subscriber's account, not charged.
    Reserved,
    /// The amount is on the phone bill.
    Charged,
    /// The reservation was given back; nothing is charged.
    Released,
    /// The amount was refunded (a refund transaction).
    Refunded,
    /// The carrier refused the transaction (e.g. insufficient credit); nothing moved.
    Denied,
}

/// The amount, its currency and the bill line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingInformation {
    /// The amount, a decimal (see the module notes on strings vs numbers).
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// ISO 4217 code, `KRW`.
    pub currency: String,
    /// What the bill line says.
    #[serde(default)]
    pub description: String,
}

/// Who sells and what, for the carrier's settlement with the merchant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingMetaData {
    /// The merchant the carrier charges on behalf of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    /// The service (merchant) code the carrier registered giftgate under.
    #[serde(rename = "serviceID", default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The carrier's purchase category (giftgate sends `gift_certificate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_category_code: Option<String>,
}

/// `paymentAmount`: the money of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAmount {
    /// Amount, currency and bill line.
    pub charging_information: ChargingInformation,
    /// Merchant and service information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charging_meta_data: Option<ChargingMetaData>,
}

/// One payment transaction, the body of every request and answer of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmountTransaction {
    /// The subscriber as a `tel:` URI, `tel:+821012345678`.
    pub end_user_id: String,
    /// The money.
    pub payment_amount: PaymentAmount,
    /// The merchant's reference: giftgate's order id, shared by all calls of one order.
    pub reference_code: String,
    /// The idempotency key of this one call (see [`crate::correlator`]).
    pub client_correlator: String,
    /// What is asked for, or what the transaction is.
    pub transaction_operation_status: TransactionOperationStatus,
    /// Step within a reservation: 1 reserves, 2 charges or releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_sequence: Option<u32>,
    /// For a refund: the reservation whose charge is refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_server_reference_code: Option<String>,
    /// The carrier's reference of this transaction (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_reference_code: Option<String>,
    /// Where the transaction's resource lives (answers only).
    #[serde(
        rename = "resourceURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_url: Option<String>,
}

/// `{"amountReservationTransaction": …}`: reserve, charge and release bodies and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationEnvelope {
    /// The transaction.
    #[serde(rename = "amountReservationTransaction")]
    pub transaction: AmountTransaction,
}

/// `{"amountTransaction": …}`: refund bodies and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountEnvelope {
    /// The transaction.
    #[serde(rename = "amountTransaction")]
    pub transaction: AmountTransaction,
}

/// `{"paymentTransactionList": …}`: the answer of a look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionListEnvelope {
    /// The list.
    #[serde(rename = "paymentTransactionList")]
    pub list: TransactionList,
}

/// The transactions a look-up found, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionList {
    /// The transactions; empty when nothing matches.
    #[serde(rename = "amountTransaction", default)]
    pub transactions: Vec<AmountTransaction>,
    /// The list's resource.
    #[serde(
        rename = "resourceURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_url: Option<String>,
}

/// `{"requestError": …}`: why the carrier refused a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestErrorEnvelope {
    /// The error.
    #[serde(rename = "requestError")]
    pub error: RequestError,
}

/// A refusal: a policy (the subscriber may not pay this) or a service problem (the request
/// is wrong). Exactly one of the two is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestError {
    /// The carrier's policy refuses the payment (limits, barred accounts, credit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_exception: Option<ExceptionDetail>,
    /// The request cannot be served as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_exception: Option<ExceptionDetail>,
}

impl RequestError {
    /// A `policyException`.
    pub fn policy(message_id: &str, text: impl Into<String>) -> Self {
        RequestError {
            policy_exception: Some(ExceptionDetail::new(message_id, text)),
            service_exception: None,
        }
    }

    /// A `serviceException`.
    pub fn service(message_id: &str, text: impl Into<String>) -> Self {
        RequestError {
            policy_exception: None,
            service_exception: Some(ExceptionDetail::new(message_id, text)),
        }
    }

    /// Whether the carrier refuses to refund (`POL0254`: month closed or unsupported).
    pub fn is_refund_not_allowed(&self) -> bool {
        self.policy_exception
            .as_ref()
            .is_some_and(|e| e.message_id == message_id::REFUND_NOT_ALLOWED)
    }

    /// Whether the carrier declined the payment itself (any policy exception, or the
    /// service exception for insufficient credit) rather than the request's form.
    pub fn is_decline(&self) -> bool {
        self.policy_exception.is_some()
            || self
                .service_exception
                .as_ref()
                .is_some_and(|e| e.message_id == message_id::CHARGING_FAILED)
    }

    /// `"POL1000: User has insufficient credit for transaction"`, for logs and error details.
    pub fn describe(&self) -> String {
        match (&self.policy_exception, &self.service_exception) {
            (Some(e), _) | (None, Some(e)) => format!("{}: {}", e.message_id, e.text),
            (None, None) => "requestError without an exception".to_owned(),
        }
    }
}

/// One exception: a message id (`POL1000`, `SVC0002`) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionDetail {
    /// `POLnnnn` or `SVCnnnn`.
    pub message_id: String,
    /// Human-readable text.
    pub text: String,
    /// Values for the text's `%1`… placeholders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<String>,
}

impl ExceptionDetail {
    fn new(message_id: &str, text: impl Into<String>) -> Self {
        ExceptionDetail {
            message_id: message_id.to_owned(),
            text: text.into(),
            variables: Vec::new(),
        }
    }
}

/// The OneAPI message ids the client and simulator use.
pub mod message_id {
    /// Policy: the subscriber's credit does not cover the amount.
    pub const INSUFFICIENT_CREDIT: &str = "POL1000";
    /// Policy: the carrier does not refund this charge (its billing month has closed, or
    /// refunds are not supported); nothing was refunded.
    pub const REFUND_NOT_ALLOWED: &str = "POL0254";
    /// Service: the charging operation failed and was not applied (a decline).
    pub const CHARGING_FAILED: &str = "SVC0270";
    /// Service: a value in the request is invalid (names the part in the text).
    pub const INVALID_INPUT: &str = "SVC0002";
    /// Service: the resource (reservation) does not exist.
    pub const NOT_FOUND: &str = "SVC0004";
    /// Service: the clientCorrelator was already used for a different request.
    pub const DUPLICATE_CORRELATOR: &str = "SVC0005";
    /// Service: the operation is not allowed in the transaction's current state.
    pub const INVALID_STATE: &str = "SVC0007";
    /// Service: the server failed (answers with status 500).
    pub const SERVER_ERROR: &str = "SVC0001";
}

/// Decimal amounts written as strings, read from strings or numbers.
mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        String(String),
        Number(serde_json::Number),
    }

    pub fn serialize<S: Serializer>(amount: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(amount)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = match Text::deserialize(d)? {
            Text::String(text) => text,
            Text::Number(number) => number.to_string(),
        };
        Decimal::from_str_exact(text.trim())
            .map_err(|_| serde::de::Error::custom(format!("amount {text:?} is not a decimal")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn reservation() -> ReservationEnvelope {
        ReservationEnvelope {
            transaction: AmountTransaction {
                end_user_id: "tel:+821012345678".to_owned(),
                payment_amount: PaymentAmount {
                    charging_information: ChargingInformation {
                        amount: dec!(50000),
                        currency: "KRW".to_owned(),
                        description: "Department store 50,000 x1".to_owned(),
                    },
                    charging_meta_data: Some(ChargingMetaData {
                        service_id: Some("giftgate".to_owned()),
                        ..ChargingMetaData::default()
                    }),
                },
                reference_code: "ord-1".to_owned(),
                client_correlator: "ord-1:reserve".to_owned(),
                transaction_operation_status: TransactionOperationStatus::Reserved,
                reference_sequence: Some(1),
                original_server_reference_code: None,
                server_reference_code: None,
                resource_url: None,
            },
        }
    }

    #[test]
    fn reservation_uses_the_oneapi_field_names_and_a_string_amount() {
        let json = serde_json::to_value(reservation()).unwrap();
        let tx = &json["amountReservationTransaction"];
        assert_eq!(tx["endUserId"], "tel:+821012345678");
        assert_eq!(tx["clientCorrelator"], "ord-1:reserve");
        assert_eq!(tx["transactionOperationStatus"], "Reserved");
        assert_eq!(
            tx["paymentAmount"]["chargingInformation"]["amount"],
            "50000"
        );
        assert_eq!(
            tx["paymentAmount"]["chargingMetaData"]["serviceID"],
            "giftgate"
        );
        assert!(tx.get("serverReferenceCode").is_none());
    }

    #[test]
    fn amounts_are_read_from_numbers_too_and_never_rounded() {
        let mut json = serde_json::to_value(reservation()).unwrap();
        json["amountReservationTransaction"]["paymentAmount"]["chargingInformation"]["amount"] =
            serde_json::json!(12.34);
        let parsed: ReservationEnvelope = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            parsed
                .transaction
                .payment_amount
                .charging_information
                .amount,
            dec!(12.34)
        );
        json["amountReservationTransaction"]["paymentAmount"]["chargingInformation"]["amount"] =
            serde_json::json!("12,34");
        assert!(serde_json::from_value::<ReservationEnvelope>(json).is_err());
    }

    #[test]
    fn declines_are_told_apart_from_bad_requests() {
        assert!(RequestError::policy(message_id::INSUFFICIENT_CREDIT, "no credit").is_decline());
        assert!(RequestError::service(message_id::CHARGING_FAILED, "failed").is_decline());
        assert!(!RequestError::service(message_id::INVALID_INPUT, "bad").is_decline());
        let text = r#"{"requestError":{"policyException":{"messageId":"POL1000","text":"User has insufficient credit for transaction"}}}"#;
        let parsed: RequestErrorEnvelope = serde_json::from_str(text).unwrap();
        assert_eq!(
            parsed.error.describe(),
            "POL1000: User has insufficient credit for transaction"
        );
    }
}
