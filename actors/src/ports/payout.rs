//! The payout port: a rail that pays money to a subscriber's bank account — the fallback
//! for refunds the original rail will not make (a carrier refund refused once the billing
//! month has closed). Same contract as [`PaymentRail`](super::PaymentRail): each payout
//! is idempotent on its key, and an unknown outcome is settled by look-up inside the
//! adapter before it answers [`PaymentError::Unknown`].

use async_trait::async_trait;

use super::payment::PaymentError;
use crate::domain::{Money, RefundAccount};

/// One payout the core asks for.
#[derive(Debug, Clone)]
pub struct Payout {
    /// Idempotency key (the same key never pays twice).
    pub key: String,
    /// What the statement line names (the certificate code).
    pub reference: String,
    /// Where the money goes.
    pub account: RefundAccount,
    /// How much.
    pub amount: Money,
}

/// A rail that pays out to bank accounts.
#[async_trait]
pub trait PayoutRail: Send + Sync + 'static {
    /// Pays `payout.amount` to `payout.account`.
    async fn pay_out(&self, payout: &Payout) -> Result<(), PaymentError>;
}
