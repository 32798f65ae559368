//! The page-access port: what the subscriber's pages need from storage beyond the
//! ledger — the links carried in messages (see [`crate::domain::page_link`]).
//!
//! Kept apart from [`Store`](super::Store) so the pages' storage grows in its own file;
//! every store implements both.

use async_trait::async_trait;

use super::store::StoreError;
use crate::domain::{CertificateCode, PageLink};

/// Storage of page links.
#[async_trait]
pub trait PageLinks: Send + Sync + 'static {
    /// Keeps a link (its token's hash is new: a repeat is a conflict).
    async fn insert_page_link(&self, link: &PageLink) -> Result<(), StoreError>;
    /// The link whose token hashes to `token_hash`, live or not.
    async fn page_link(&self, token_hash: &str) -> Result<Option<PageLink>, StoreError>;
    /// The certificate's PIN generation: how many times its PIN was re-keyed (journal
    /// `rekey` rows). A link made at another generation is dead.
    async fn pin_generation(&self, code: &CertificateCode) -> Result<i64, StoreError>;
}
