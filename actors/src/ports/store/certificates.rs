//! The certificate role: certificates as issued and held, and those whose expiry (or its
//! notice) is due. Certificates change only through
//! [`CommitStore::commit`](super::CommitStore::commit).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{Certificate, CertificateCode, Msisdn, OrderId};

/// Certificates as issued and held, and those due for expiry or its notice.
#[async_trait]
pub trait CertificateStore: Send + Sync + 'static {
    /// One certificate.
    async fn certificate(&self, code: &CertificateCode) -> Result<Option<Certificate>, StoreError>;

    /// Certificates held by a subscriber (any status), newest first.
    async fn certificates_of(&self, owner: &Msisdn) -> Result<Vec<Certificate>, StoreError>;

    /// Certificates issued by an order.
    async fn certificates_of_order(
        &self,
        order_id: &OrderId,
    ) -> Result<Vec<Certificate>, StoreError>;

    /// Certificates whose `expires_at` is at or before `now` and that still hold value
    /// (`active` or `pending_gift`), oldest first.
    async fn certificates_expiring(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Certificate>, StoreError>;

    /// `active` certificates expiring after `now` and at or before `until` whose owner was
    /// not yet told of that expiry, soonest first.
    async fn certificates_to_notify(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Certificate>, StoreError>;
}
