//! The commit role: the ledger's one write path (see the [module docs](super)).

use async_trait::async_trait;

use super::{Changes, StoreError};

/// The one write path of the ledger: a [`Changes`] set applied atomically.
#[async_trait]
pub trait CommitStore: Send + Sync + 'static {
    /// Applies a change set atomically (see the module docs).
    async fn commit(&self, changes: Changes) -> Result<(), StoreError>;
}
