//! The page-access port: what the subscriber's pages need from storage beyond the
//! ledger — the links carried in messages (see [`crate::domain::page_link`]).
//!
//! Kept apart from [`Store`](super::Store) so the pages' storage grows in its own file;
//! every store implements both.

use async_trait::async_trait;

use super::store::StoreError;
use chrono::{DateTime, Utc};

use crate::domain::{
    CertificateCode, Msisdn, OutboxMessage, PageLink, SignIn, SiteTopic, WebSession,
};

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

/// Storage of the signed-in site: one-time sign-in codes, web sessions, and the texts
/// admins edit (see [`crate::domain::web_sign_in`]).
#[async_trait]
pub trait SiteAccess: Send + Sync + 'static {
    /// Keeps a sign-in and queues the SMS that carries its code, in one commit.
    async fn insert_sign_in(&self, sign_in: &SignIn, sms: &OutboxMessage)
    -> Result<(), StoreError>;
    /// How many sign-ins `msisdn` and `client` each asked for since `since`.
    async fn sign_ins_since(
        &self,
        msisdn: &Msisdn,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64), StoreError>;
    /// The newest sign-in of `msisdn`.
    async fn latest_sign_in(&self, msisdn: &Msisdn) -> Result<Option<SignIn>, StoreError>;
    /// Counts one wrong code against sign-in `id`.
    async fn count_sign_in_try(&self, id: &str) -> Result<(), StoreError>;
    /// Uses sign-in `id` (guarded: it must be unused) and begins `session`, in one commit;
    /// a sign-in already used is a conflict.
    async fn finish_sign_in(
        &self,
        id: &str,
        used_at: DateTime<Utc>,
        session: &WebSession,
    ) -> Result<(), StoreError>;
    /// The session whose token hashes to `token_hash`, live or not.
    async fn web_session(&self, token_hash: &str) -> Result<Option<WebSession>, StoreError>;
    /// Ends a session (signing out); ending one that is gone is not an error.
    async fn end_web_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// A site text in `language` (`ko`/`en`), if an admin wrote one.
    async fn site_text(
        &self,
        topic: SiteTopic,
        language: &str,
    ) -> Result<Option<String>, StoreError>;
    /// Writes a site text in `language`.
    async fn put_site_text(
        &self,
        topic: SiteTopic,
        language: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
