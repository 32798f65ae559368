//! The payment role: the payment of an order and the carrier-billed sum the monthly cap
//! counts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{Msisdn, OrderId, Payment};

/// Payments of orders and the carrier-billing cap they count towards.
#[async_trait]
pub trait PaymentStore: Send + Sync + 'static {
    /// The payment of an order.
    async fn payment(&self, order_id: &OrderId) -> Result<Option<Payment>, StoreError>;

    /// Carrier-billed amount of a subscriber since `since` in one currency (reserved or
    /// charged, less refunds), for the monthly cap; minor units.
    async fn carrier_billed_since(
        &self,
        msisdn: &Msisdn,
        since: DateTime<Utc>,
        currency: &str,
    ) -> Result<i64, StoreError>;
}
