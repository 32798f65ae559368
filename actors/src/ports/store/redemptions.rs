//! The redemption role: merchants' redemptions and their wrong-PIN lockouts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{CertificateCode, Redemption};

/// Merchants' redemptions and their wrong-PIN lockouts.
#[async_trait]
pub trait RedemptionStore: Send + Sync + 'static {
    /// One redemption.
    async fn redemption(&self, id: &str) -> Result<Option<Redemption>, StoreError>;

    /// A merchant's redemption by its idempotency key.
    async fn redemption_by_key(
        &self,
        merchant_id: &str,
        key: &str,
    ) -> Result<Option<Redemption>, StoreError>;

    /// Until when `merchant_id` is locked out of a certificate by its own wrong PINs.
    async fn merchant_pin_lock(
        &self,
        code: &CertificateCode,
        merchant_id: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Counts a wrong PIN from `merchant_id`; at `limit` in a row the count restarts and
    /// the merchant is locked out until `lock_until`. Answers whether it locked now.
    async fn count_merchant_pin_failure(
        &self,
        code: &CertificateCode,
        merchant_id: &str,
        limit: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Forgets `merchant_id`'s wrong PINs on a certificate (a right PIN was given).
    async fn clear_merchant_pin_failures(
        &self,
        code: &CertificateCode,
        merchant_id: &str,
    ) -> Result<(), StoreError>;
}
