//! The store port: the ledger's persistence, spoken in domain types only.
//!
//! Reads return records; every write goes through [`CommitStore::commit`], which applies
//! one [`Changes`] set atomically — the effect, its journal rows and its outbox entries in
//! one transaction. Updates are guarded (a certificate update names the `version` it
//! read; a gift, payment or order update names the state it expects), so two racing
//! writers — two sessions, two gateway processes on one PostgreSQL — can never both
//! win: the loser gets [`StoreError::Conflict`], re-reads and decides again.
//!
//! The port is split into role traits, one per file, each named for what its methods
//! keep ([`OrderStore`], [`CertificateStore`], [`OutboxStore`], …). [`Store`] is all of
//! them at once and is implemented for every type that implements them, so the core
//! still holds one `Arc<dyn Store>`; a caller brings into scope the roles whose methods
//! it calls (`use crate::ports::{CommitStore, OrderStore};`).

mod audit;
mod catalogue;
mod certificates;
mod changes;
mod commit;
mod confirmations;
mod contents;
mod gifts;
mod health;
mod journal;
mod keys;
mod messages;
mod orders;
mod outbox;
mod payments;
mod redemptions;
mod refunds;
mod secrets;

pub use audit::{AuditFacts, AuditStore, CurrencyTotals};
pub use catalogue::CatalogueStore;
pub use certificates::CertificateStore;
pub use changes::{
    ChangeKind, ChangePart, Changes, ExpiryNoticeMark, GiftUpdate, OrderUpdate, PaymentUpdate,
};
pub use commit::CommitStore;
pub use confirmations::ConfirmationStore;
pub use contents::ContentStore;
pub use gifts::GiftStore;
pub use health::HealthStore;
pub use journal::JournalStore;
pub use keys::{ApiKeyRecord, KeyKind, KeyStore};
pub use messages::MessageStore;
pub use orders::OrderStore;
pub use outbox::OutboxStore;
pub use payments::PaymentStore;
pub use redemptions::RedemptionStore;
pub use refunds::RefundStore;
pub use secrets::{SealedSecret, SecretKind, SecretStore};

use super::access::{PageLinks, SiteAccess};

/// What went wrong in the store, in domain terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A guarded update found another state than expected, or a unique key was taken:
    /// someone else changed the data first. Re-read and decide again.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A row the change refers to does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Stored data could not be read back as a domain value (corrupt or foreign row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed (connection, I/O, …).
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// The ledger's persistence: every role at once, implemented for each type that
/// implements them all (the store adapters), so the core can hold an `Arc<dyn Store>`.
pub trait Store:
    CatalogueStore
    + ContentStore
    + OrderStore
    + PaymentStore
    + CertificateStore
    + GiftStore
    + ConfirmationStore
    + RedemptionStore
    + JournalStore
    + RefundStore
    + KeyStore
    + SecretStore
    + CommitStore
    + OutboxStore
    + MessageStore
    + AuditStore
    + HealthStore
    + PageLinks
    + SiteAccess
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: CatalogueStore
        + ContentStore
        + OrderStore
        + PaymentStore
        + CertificateStore
        + GiftStore
        + ConfirmationStore
        + RedemptionStore
        + JournalStore
        + RefundStore
        + KeyStore
        + SecretStore
        + CommitStore
        + OutboxStore
        + MessageStore
        + AuditStore
        + HealthStore
        + PageLinks
        + SiteAccess
        + Send
        + Sync
        + 'static
{
}
