//! The `api_keys` row.

use chrono::{DateTime, Utc};
use giftgate_actors::ports::{ApiKeyRecord, KeyKind, StoreError};

use super::parsed;

/// An `api_keys` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    holder_id: String,
    kind: String,
    name: String,
    secret_hash: String,
    created_at: DateTime<Utc>,
    scopes: String,
    revoked_at: Option<DateTime<Utc>>,
}

fn key_kind(text: &str) -> Option<KeyKind> {
    match text {
        "merchant" => Some(KeyKind::Merchant),
        "channel" => Some(KeyKind::Channel),
        _ => None,
    }
}

impl TryFrom<ApiKeyRow> for ApiKeyRecord {
    type Error = StoreError;
    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        Ok(ApiKeyRecord {
            holder_id: row.holder_id,
            kind: parsed("api key kind", &row.kind, key_kind)?,
            name: row.name,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            scopes: row
                .scopes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            revoked_at: row.revoked_at,
        })
    }
}
