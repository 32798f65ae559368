//! Rows of the `outbox` and of handset `messages`.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{OutboxMessage, OutboxRecord};
use giftgate_actors::ports::StoreError;

use super::{count, parsed};
use crate::error::corrupt;

/// An `outbox` row as read for delivery.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub(crate) id: i64,
    payload: String,
    attempts: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<OutboxRow> for OutboxRecord {
    type Error = StoreError;
    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        let message: OutboxMessage =
            serde_json::from_str(&row.payload).map_err(|e| corrupt("outbox payload", e))?;
        Ok(OutboxRecord {
            id: row.id,
            message,
            attempts: count("outbox attempts", row.attempts)?,
            created_at: row.created_at,
        })
    }
}

/// A `messages` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub(crate) message_id: String,
    channel: String,
    recipient: String,
    state: String,
    detail: Option<String>,
    updated_at: DateTime<Utc>,
}

impl MessageRow {
    /// The record, with the provider ids read separately as `(normalised, raw)` pairs.
    pub(crate) fn into_record(
        self,
        provider_ids: Vec<(String, String)>,
    ) -> Result<giftgate_actors::domain::MessageRecord, StoreError> {
        let (provider_ids, raw_provider_ids) = provider_ids.into_iter().unzip();
        Ok(giftgate_actors::domain::MessageRecord {
            state: parsed(
                "message state",
                &self.state,
                giftgate_actors::domain::MessageState::parse,
            )?,
            message_id: self.message_id,
            channel: self.channel,
            recipient: self.recipient,
            provider_ids,
            raw_provider_ids,
            detail: self.detail,
            updated_at: self.updated_at,
        })
    }
}
