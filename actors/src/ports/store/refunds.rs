//! The refund role: refunds queued for the fallback rail and the bank accounts they are
//! paid to.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{CertificateCode, Msisdn, QueuedRefund, RefundAccount};

/// Refunds queued for the fallback rail and the bank accounts they are paid to.
#[async_trait]
pub trait RefundStore: Send + Sync + 'static {
    /// The queued (or paid) fallback refund of a certificate.
    async fn queued_refund(
        &self,
        code: &CertificateCode,
    ) -> Result<Option<QueuedRefund>, StoreError>;

    /// Refunds still queued for a payee, oldest first.
    async fn queued_refunds_of(&self, payee: &Msisdn) -> Result<Vec<QueuedRefund>, StoreError>;

    /// Records (or replaces) a subscriber's refund bank account.
    async fn set_refund_account(
        &self,
        account: &RefundAccount,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// A subscriber's refund bank account.
    async fn refund_account(&self, msisdn: &Msisdn) -> Result<Option<RefundAccount>, StoreError>;
}
