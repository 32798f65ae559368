//! The payment port: what the core needs from a rail that moves the subscriber's money —
//! carrier billing (charge to the phone bill) or the payment network (card, bank).
//!
//! The contract every adapter keeps:
//! - every call is idempotent on the order: the adapter derives its `clientCorrelator` /
//!   idempotency key from [`PaymentRequest::order_id`] (and the refund key), so a retry
//!   never charges twice;
//! - an unknown outcome (timeout, 5xx) is settled by a status look-up inside the adapter,
//!   with backoff, before it answers; only if the look-up cannot settle it either does it
//!   answer [`PaymentError::Unknown`], and then the core moves no money and issues
//!   nothing until recovery settles it.

use async_trait::async_trait;

use crate::domain::{Money, Msisdn, OrderId, Settlement};

/// A payment the core asks a rail to make.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// The order paid; the base of every correlator.
    pub order_id: OrderId,
    /// Who pays.
    pub payer: Msisdn,
    /// How (carrier, card or bank with token).
    pub settlement: Settlement,
    /// The amount.
    pub amount: Money,
    /// What the bill line says (product name and quantity).
    pub description: String,
}

/// Where a payment stands at its rail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RailStatus {
    /// The rail has no transaction for this order.
    NotFound,
    /// Reserved (authorized), not charged.
    Reserved {
        /// The rail's reference.
        reference: String,
    },
    /// Charged (captured).
    Charged {
        /// The rail's reference.
        reference: String,
    },
    /// Reservation released.
    Released,
    /// Declined by the rail.
    Declined {
        /// Stable reason code.
        reason: String,
    },
    /// Refunded, in part or in full.
    Refunded {
        /// The rail's reference.
        reference: String,
        /// Total refunded.
        amount: Money,
    },
}

/// Why a payment call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// The rail refused; nothing was charged. `reason` is a stable code
    /// (`billing_declined`, `card_declined`, `insufficient_funds`, …).
    #[error("declined: {reason} ({detail})")]
    Declined {
        /// Stable reason code.
        reason: String,
        /// The rail's words.
        detail: String,
    },
    /// The rail could not be reached and certainly did nothing (connection refused).
    #[error("payment rail unavailable: {0}")]
    Unavailable(String),
    /// The call may or may not have taken effect, and look-ups could not tell yet.
    #[error("payment outcome unknown: {0}")]
    Unknown(String),
    /// The rail does not support the operation (e.g. refunds after the billing month closed).
    #[error("not supported by the rail: {0}")]
    NotSupported(String),
}

/// A rail that reserves, charges, releases and refunds.
#[async_trait]
pub trait PaymentRail: Send + Sync + 'static {
    /// Reserves (authorizes) the amount; answers the rail's reference.
    async fn reserve(&self, request: &PaymentRequest) -> Result<String, PaymentError>;
    /// Charges (captures) the reservation.
    async fn charge(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError>;
    /// Releases (voids) the reservation; nothing is charged.
    async fn release(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError>;
    /// Refunds `amount` of a charged payment; `refund_key` makes each refund idempotent.
    async fn refund(
        &self,
        request: &PaymentRequest,
        reference: &str,
        amount: Money,
        refund_key: &str,
    ) -> Result<(), PaymentError>;
    /// Looks the order's payment up at the rail.
    async fn status(&self, request: &PaymentRequest) -> Result<RailStatus, PaymentError>;
}
