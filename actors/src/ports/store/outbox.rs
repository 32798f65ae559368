//! The outbox role: what commits queued for delivery, claimed, delivered, retried or
//! parked by the dispatchers.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{OutboxChannel, OutboxRecord};

/// The outbox: what commits queued for delivery, claimed and settled by dispatchers.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Undelivered outbox entries of one channel (`event`, `sms`, `mms`) that are due,
    /// in commit order.
    async fn outbox_due(
        &self,
        channel: OutboxChannel,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Claims up to `limit` due entries of a channel for this dispatcher alone until
    /// `lease_until` (then they are due again, for whoever is left, if still undelivered),
    /// in commit order; an entry waits while an earlier one of its partition (handset) is
    /// leased or waiting for a retry. Two instances never hold the same entry at once.
    async fn outbox_claim(
        &self,
        channel: OutboxChannel,
        now: DateTime<Utc>,
        limit: u32,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Marks entries delivered.
    async fn outbox_delivered(&self, ids: &[i64]) -> Result<(), StoreError>;

    /// Hands claimed, undelivered entries back: due now (their lease is given up).
    async fn outbox_release(&self, ids: &[i64]) -> Result<(), StoreError>;

    /// Records a failed attempt and when to try again.
    async fn outbox_retry_at(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Parks a poison entry: kept with its reason, never retried automatically.
    async fn outbox_park(&self, id: i64, reason: &str) -> Result<(), StoreError>;

    /// Every undelivered entry (any channel), in commit order — for the demo and tests.
    async fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError>;
}
