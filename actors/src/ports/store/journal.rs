//! The journal role: reads of the journal, every movement of value as commits wrote it.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{CertificateCode, JournalEntry, JournalKind, Msisdn};

/// The journal: every movement of value, as written by commits.
#[async_trait]
pub trait JournalStore: Send + Sync + 'static {
    /// A subscriber's journal rows of the given kinds, newest first.
    async fn journal_of(
        &self,
        msisdn: &Msisdn,
        kinds: &[JournalKind],
        limit: u32,
    ) -> Result<Vec<JournalEntry>, StoreError>;

    /// Every journal row of one certificate, oldest first.
    async fn certificate_journal(
        &self,
        code: &CertificateCode,
    ) -> Result<Vec<JournalEntry>, StoreError>;
}
