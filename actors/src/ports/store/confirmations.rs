//! The confirmation role: requests that wait for their subscriber's `YES` or `NO`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{Confirmation, ConfirmationId, Msisdn};

/// Requests waiting for their subscriber's `YES`/`NO`.
#[async_trait]
pub trait ConfirmationStore: Send + Sync + 'static {
    /// One request waiting (or once waiting) for `YES`/`NO`.
    async fn confirmation(&self, id: &ConfirmationId) -> Result<Option<Confirmation>, StoreError>;

    /// A subscriber's requests still `waiting` (deadline passed or not), by number.
    async fn confirmations_waiting(&self, msisdn: &Msisdn)
    -> Result<Vec<Confirmation>, StoreError>;

    /// Requests still `waiting` whose deadline is at or before `now`, oldest first.
    async fn confirmations_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Confirmation>, StoreError>;
}
