//! The key role: API keys of merchants and channels, stored as argon2 hashes only.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// A kind of API key holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A chain store or online mall.
    Merchant,
    /// One of the carrier's own front ends (web, app, call center).
    Channel,
}

impl KeyKind {
    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyKind::Merchant => "merchant",
            KeyKind::Channel => "channel",
        }
    }
}

/// An API key as stored: never the key itself, only its argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// The holder's id (`m_…` or `c_…`), also the key's public prefix.
    pub holder_id: String,
    /// Merchant or channel.
    pub kind: KeyKind,
    /// The holder's name.
    pub name: String,
    /// The argon2 PHC string of the secret.
    pub secret_hash: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// What a channel key may do (`orders`, `wallet`, `pins`); merchants keep all.
    pub scopes: Vec<String>,
    /// When it was revoked; a revoked key opens nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// API keys of merchants and channels (hashes only).
#[async_trait]
pub trait KeyStore: Send + Sync + 'static {
    /// Stores an API key's hash.
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;

    /// Finds a key by its holder id.
    async fn api_key(&self, holder_id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// Replaces the secret of a live key of `kind` (rotation); false when there is none.
    async fn rotate_api_key(
        &self,
        holder_id: &str,
        kind: KeyKind,
        secret_hash: &str,
    ) -> Result<bool, StoreError>;

    /// Revokes a live key of `kind`; false when there is none (unknown or already revoked).
    async fn revoke_api_key(
        &self,
        holder_id: &str,
        kind: KeyKind,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}
