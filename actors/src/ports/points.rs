//! The points port: the carrier's points (membership) account of a subscriber, credited
//! as a refund — the way an expired balance is claimed in full, and a fallback for
//! refunds the carrier will not make to the phone bill. Each credit is idempotent on its
//! key; an unknown outcome is settled by look-up inside the adapter before it answers
//! [`PaymentError::Unknown`].

use async_trait::async_trait;

use super::payment::PaymentError;
use crate::domain::{Money, Msisdn};

/// One credit of carrier points.
#[derive(Debug, Clone)]
pub struct PointsCredit {
    /// Idempotency key (the same key never credits twice).
    pub key: String,
    /// Whose points account.
    pub msisdn: Msisdn,
    /// How much, in the currency's value.
    pub amount: Money,
    /// What the points statement names (the certificate code).
    pub reference: String,
}

/// A rail that credits carrier points.
#[async_trait]
pub trait PointsRail: Send + Sync + 'static {
    /// Credits `credit.amount` to the subscriber's points.
    async fn credit_points(&self, credit: &PointsCredit) -> Result<(), PaymentError>;
}
