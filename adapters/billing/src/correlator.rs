//! The `clientCorrelator` of every call, derived from the order so that a retry — by this
//! process, by a restarted one, or by recovery — is the same transaction to the carrier.
//!
//! `{order_id}:reserve`, `{order_id}:charge`, `{order_id}:release` and
//! `{order_id}:refund:{refund_key}`. Every call also carries the order id as its
//! `referenceCode`, which is how [`crate::OneApiBilling`]'s status look-up finds all of an
//! order's transactions. A carrier that sees a correlator again with a different request
//! (another amount, subscriber or order) refuses it rather than replaying the first answer,
//! so even a contrived collision (an order id that itself contains `:refund:`) cannot move
//! money twice.

use giftgate_actors::domain::{Msisdn, OrderId};

use crate::wire::TransactionOperationStatus;

/// One call the client makes for an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation<'a> {
    /// Reserve the amount.
    Reserve,
    /// Charge the reservation.
    Charge,
    /// Release the reservation.
    Release,
    /// Refund (part of) the charge; the key tells refunds of one order apart.
    Refund {
        /// The core's idempotency key of this refund.
        refund_key: &'a str,
    },
}

impl Operation<'_> {
    /// The call's `clientCorrelator` for `order`.
    pub fn correlator(&self, order: &OrderId) -> String {
        match self {
            Operation::Reserve => format!("{order}:reserve"),
            Operation::Charge => format!("{order}:charge"),
            Operation::Release => format!("{order}:release"),
            Operation::Refund { refund_key } => format!("{order}:refund:{refund_key}"),
        }
    }

    /// The `transactionOperationStatus` the call asks for, and that its transaction has
    /// once done.
    pub fn status(&self) -> TransactionOperationStatus {
        match self {
            Operation::Reserve => TransactionOperationStatus::Reserved,
            Operation::Charge => TransactionOperationStatus::Charged,
            Operation::Release => TransactionOperationStatus::Released,
            Operation::Refund { .. } => TransactionOperationStatus::Refunded,
        }
    }

    /// `reserve`, `charge`, `release` or `refund`, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::Reserve => "reserve",
            Operation::Charge => "charge",
            Operation::Release => "release",
            Operation::Refund { .. } => "refund",
        }
    }
}

/// The OneAPI `endUserId` of a subscriber: `tel:+821012345678`.
pub fn end_user_id(msisdn: &Msisdn) -> String {
    format!("tel:{}", msisdn.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn each_call_of_an_order_has_its_own_stable_correlator() {
        let order = OrderId::parse("ord-42").unwrap();
        assert_eq!(Operation::Reserve.correlator(&order), "ord-42:reserve");
        assert_eq!(Operation::Charge.correlator(&order), "ord-42:charge");
        assert_eq!(Operation::Release.correlator(&order), "ord-42:release");
        assert_eq!(
            Operation::Refund { refund_key: "r1" }.correlator(&order),
            "ord-42:refund:r1"
        );
        assert_eq!(
            Operation::Charge.correlator(&order),
            Operation::Charge.correlator(&order.clone())
        );
    }

    #[test]
    fn end_users_are_tel_uris_in_e164() {
        let msisdn = Msisdn::from_e164_unchecked("+821012345678");
        assert_eq!(end_user_id(&msisdn), "tel:+821012345678");
    }
}
