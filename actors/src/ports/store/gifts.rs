//! The gift role: gifts sent and received, and those whose answer is due.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{Gift, GiftId, Msisdn};

/// Gifts sent and received, and those whose answer is due.
#[async_trait]
pub trait GiftStore: Send + Sync + 'static {
    /// One gift.
    async fn gift(&self, id: &GiftId) -> Result<Option<Gift>, StoreError>;

    /// Gifts a subscriber sent or received, newest first.
    async fn gifts_of(&self, msisdn: &Msisdn) -> Result<Vec<Gift>, StoreError>;

    /// Gifts in state `sent` whose `answer_by` is at or before `now`, oldest first.
    async fn gifts_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Gift>, StoreError>;
}
