//! The health role: whether the database answers (for `/readyz`).

use async_trait::async_trait;

use super::StoreError;

/// Whether the store answers.
#[async_trait]
pub trait HealthStore: Send + Sync + 'static {
    /// Whether the database answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;
}
