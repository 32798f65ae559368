//! What callers outside the core may read from the [`Ledger`]: the deployment's settings
//! pages and handlers need, and plain look-ups by id. Each method says what the caller
//! wants, so pages, the MO dialogue and the periodic actors never reach into the store,
//! the rails or the policy themselves.
//!
//! Look-ups return the store's own [`StoreError`] so callers keep reporting it as before.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::audit::{AuditReport, audit};
use super::error::ServiceError;
use super::ledger::Ledger;
use crate::domain::pin::PinError;
use crate::domain::{
    Certificate, CertificateCode, Confirmation, ContentItem, Gift, GiftId, JournalEntry, Language,
    Msisdn, OrderId, OrderRecord, OutboxRecord, Pin, Product, Region,
};
use crate::ports::{PaymentRail, Store, StoreError};

impl Ledger {
    /// The region national phone numbers are read in.
    pub fn region(&self) -> Region {
        self.policy.region
    }

    /// The language of handset texts.
    pub fn language(&self) -> Language {
        self.policy.language
    }

    /// How long a purchase or gift waits for the subscriber's `YES`.
    pub fn confirm_window(&self) -> Duration {
        self.policy.confirm_window
    }

    /// The base of the subscriber pages, `None` when the deployment hands out no links.
    pub fn public_url(&self) -> Option<&str> {
        self.policy.public_url.as_deref()
    }

    /// A gift by its id.
    pub async fn find_gift(&self, id: &GiftId) -> Result<Option<Gift>, StoreError> {
        self.store.gift(id).await
    }

    /// A certificate by its code, whoever holds it.
    pub async fn find_certificate(
        &self,
        code: &CertificateCode,
    ) -> Result<Option<Certificate>, StoreError> {
        self.store.certificate(code).await
    }

    /// A certificate by its code, `None` unless `holder` holds it.
    pub async fn certificate_for_holder(
        &self,
        code: &CertificateCode,
        holder: &Msisdn,
    ) -> Result<Option<Certificate>, StoreError> {
        Ok(self
            .store
            .certificate(code)
            .await?
            .filter(|certificate| &certificate.owner == holder))
    }

    /// An order by its id.
    pub async fn find_order(&self, id: &OrderId) -> Result<Option<OrderRecord>, StoreError> {
        self.store.order(id).await
    }

    /// Every product in the catalog, read from the store (not the product cache).
    pub async fn catalog_products(&self) -> Result<Vec<Product>, StoreError> {
        self.store.products().await
    }

    /// Every content item with its size in bytes.
    pub async fn contents(&self) -> Result<Vec<(ContentItem, i64)>, StoreError> {
        self.store.contents().await
    }

    /// Adds or replaces a content item.
    pub async fn save_content(&self, item: &ContentItem) -> Result<(), StoreError> {
        self.store.upsert_content(item).await
    }

    /// Whether the store answers.
    pub async fn ping_store(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }

    /// Checks that money and certificates add up (see [`audit`]).
    pub async fn audit(&self) -> Result<AuditReport, ServiceError> {
        audit(self.store.as_ref()).await
    }

    /// Outbox messages not yet published, oldest first.
    pub async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError> {
        self.store.outbox_pending(limit).await
    }

    /// Purchase and gift requests whose subscriber did not answer in time.
    pub async fn lapsed_confirmations(&self, limit: u32) -> Result<Vec<Confirmation>, StoreError> {
        self.store.confirmations_due(self.now(), limit).await
    }

    /// Gifts whose answer window has closed.
    pub async fn gifts_due(&self, limit: u32) -> Result<Vec<Gift>, StoreError> {
        self.store.gifts_due(self.now(), limit).await
    }

    /// Orders still pending that arrived before `before`, oldest first (for recovery).
    pub async fn pending_orders(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        self.store.pending_orders(before, limit).await
    }

    /// A certificate's PIN, opened for showing to its holder.
    pub fn certificate_pin(&self, certificate: &Certificate) -> Result<Pin, PinError> {
        self.pins
            .open(&certificate.pin_sealed, certificate.code.as_str())
    }

    /// Everything that happened to one certificate, oldest first.
    pub async fn certificate_journal(
        &self,
        code: &CertificateCode,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        self.store.certificate_journal(code).await
    }

    /// Records whether a subscriber's handset can receive MMS.
    pub async fn set_mms_capable(&self, msisdn: &Msisdn, capable: bool) -> Result<(), StoreError> {
        self.store.set_mms_capable(msisdn, capable).await
    }

    /// The carrier-billing rail, for callers that reserve on it themselves (the crash
    /// tests stage a half-finished purchase with it).
    pub fn carrier_rail(&self) -> &Arc<dyn PaymentRail> {
        &self.rails.carrier
    }

    /// The store itself, for adapters that write delivery state directly (the AMQP
    /// intake and publisher, delivery reports, the claims hand-back) and for tests that
    /// stage or inspect stored rows. Everything else goes through a named method.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
}
