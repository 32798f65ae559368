//! The order role: orders as they arrive (one or many at once), those still pending, and the
//! count of an order's redeliveries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{OrderId, OrderRecord};

/// Orders as they arrive and finish, and the count of their redeliveries.
#[async_trait]
pub trait OrderStore: Send + Sync + 'static {
    /// Records a new `pending` order; if the order id exists, returns the stored order
    /// unchanged (the idempotency rule) and writes nothing.
    async fn insert_order(&self, order: &OrderRecord) -> Result<Option<OrderRecord>, StoreError>;

    /// Records many new `pending` orders at once (one statement per few hundred); an
    /// order id already stored is left unchanged. Answers the ids inserted, so the caller
    /// knows which orders are new. Each order stands alone: there is no all-or-nothing
    /// across them.
    async fn insert_orders(&self, orders: &[OrderRecord]) -> Result<Vec<OrderId>, StoreError>;

    /// One order.
    async fn order(&self, id: &OrderId) -> Result<Option<OrderRecord>, StoreError>;

    /// Orders still `pending` that arrived before `before` (for recovery), oldest first.
    async fn pending_orders(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OrderRecord>, StoreError>;

    /// Counts that an intake is starting a redelivered order once more, durably, and
    /// returns how many redeliveries of it have been started so far (1 the first time).
    /// An order that keeps being started without finishing is poison; see the AMQP
    /// intake's delivery limit.
    async fn count_redelivery(
        &self,
        order_id: &OrderId,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError>;

    /// Forgets the redelivery counts last touched before `before` (an order redelivered
    /// long ago has finished or been dead-lettered); answers how many were forgotten.
    async fn prune_redeliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}
