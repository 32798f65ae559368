//! The store port: the ledger's persistence, spoken in domain types only.
//!
//! Reads return records; every write goes through [`Store::commit`], which applies one
//! [`Changes`] set atomically — the effect, its journal rows and its outbox entries in
//! one transaction. Updates are guarded (a certificate update names the `version` it
//! read; a gift, payment or order update names the state it expects), so two racing
//! writers — two sessions, two gateway processes on one PostgreSQL — can never both
//! win: the loser gets [`StoreError::Conflict`], re-reads and decides again.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::{
    Certificate, CertificateCode, Confirmation, ConfirmationId, ConfirmationUpdate, ContentId,
    ContentItem, Gift, GiftId, GiftState, JournalEntry, JournalKind, MessageRecord, Money, Msisdn,
    OrderId, OrderRecord, OrderStatus, OutboxMessage, OutboxRecord, Payment, PaymentState, Product,
    ProductId, QueuedRefund, Redemption, RefundAccount, SettlementRecord, SettlementRepair,
};

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

/// A guarded change of an order's outcome: only a `pending` order may finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    /// The order.
    pub order_id: OrderId,
    /// `completed` or `failed`.
    pub status: OrderStatus,
    /// Reason code when failed.
    pub reason: Option<String>,
    /// Human detail when failed.
    pub detail: Option<String>,
    /// Outcome when completed.
    pub outcome: Option<serde_json::Value>,
}

/// A guarded change of a payment's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentUpdate {
    /// The payment's order.
    pub order_id: OrderId,
    /// The state the writer read; the update fails if it changed.
    pub expected: PaymentState,
    /// The new state.
    pub state: PaymentState,
    /// The rail's reference, if now known.
    pub reference: Option<String>,
    /// Total refunded after this change.
    pub refunded: Money,
}

/// A guarded change of a gift's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftUpdate {
    /// The gift.
    pub gift_id: GiftId,
    /// The state the writer read.
    pub expected: GiftState,
    /// The new state.
    pub state: GiftState,
    /// When it was settled, if it now is.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A guarded mark that a certificate's owner was told of its coming expiry: applied only
/// while `expires_at` is still the certificate's expiry and was not announced yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryNoticeMark {
    /// The certificate.
    pub code: CertificateCode,
    /// The expiry announced.
    pub expires_at: DateTime<Utc>,
}

/// Everything one business step writes, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Subscribers to register as members if new (first contact).
    pub subscribers: Vec<Msisdn>,
    /// Orders to finish.
    pub orders: Vec<OrderUpdate>,
    /// Payments to record.
    pub new_payments: Vec<Payment>,
    /// Payments to move.
    pub payments: Vec<PaymentUpdate>,
    /// Certificates to issue (the code must be new).
    pub new_certificates: Vec<Certificate>,
    /// Certificates to update: the full new state; `version` is the version read, and the
    /// stored row gets `version + 1`.
    pub certificates: Vec<Certificate>,
    /// Gifts to record.
    pub new_gifts: Vec<Gift>,
    /// Gifts to move.
    pub gifts: Vec<GiftUpdate>,
    /// Redemptions to record (merchant + idempotency key must be new).
    pub new_redemptions: Vec<Redemption>,
    /// Redemptions to mark voided (must not be voided yet).
    pub voided_redemptions: Vec<String>,
    /// Journal rows to append.
    pub journal: Vec<JournalEntry>,
    /// Outbox entries to deliver after commit, in this order.
    pub outbox: Vec<OutboxMessage>,
    /// Handset messages to record or move: inserted, or their state, detail and time
    /// replaced; their provider ids are added to those already known.
    pub messages: Vec<MessageRecord>,
    /// Reconciliation repairs to record (one per rail and order: a second is a conflict).
    pub settlement_repairs: Vec<SettlementRepair>,
    /// Pre-expiry notices to mark sent (a second mark of one expiry is a conflict).
    pub expiry_notices: Vec<ExpiryNoticeMark>,
    /// Refunds to queue for the fallback rail (the certificate must have none yet).
    pub queued_refunds: Vec<QueuedRefund>,
    /// Queued refunds (by certificate) now paid: guarded, each must still be `queued`.
    pub paid_refunds: Vec<CertificateCode>,
    /// Requests to wait for their subscriber's `YES` (the id must be new, and the number
    /// free among the subscriber's waiting requests: else a conflict).
    pub new_confirmations: Vec<Confirmation>,
    /// Waiting requests to settle: guarded, each must still be `waiting`.
    pub confirmations: Vec<ConfirmationUpdate>,
}

impl Changes {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.subscribers.is_empty()
            && self.orders.is_empty()
            && self.new_payments.is_empty()
            && self.payments.is_empty()
            && self.new_certificates.is_empty()
            && self.certificates.is_empty()
            && self.new_gifts.is_empty()
            && self.gifts.is_empty()
            && self.new_redemptions.is_empty()
            && self.voided_redemptions.is_empty()
            && self.journal.is_empty()
            && self.outbox.is_empty()
            && self.messages.is_empty()
            && self.settlement_repairs.is_empty()
            && self.expiry_notices.is_empty()
            && self.queued_refunds.is_empty()
            && self.paid_refunds.is_empty()
            && self.new_confirmations.is_empty()
            && self.confirmations.is_empty()
    }
}

/// A kind of API key holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A chain store or online mall.
    Merchant,
    /// One of the carrier's own front ends (web, app, call center).
    Channel,
}

impl KeyKind {
    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            KeyKind::Merchant => "merchant",
            KeyKind::Channel => "channel",
        }
    }
}

/// Which secret at rest (`giftgate rekey`, sealing legacy rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A certificate's PIN (key: the code).
    CertificatePin,
    /// A refund account number (key: the subscriber's MSISDN).
    RefundAccountNumber,
}

/// One secret as stored: what it belongs to and its sealed (or legacy plain) value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The certificate code or MSISDN.
    pub key: String,
    /// The stored value.
    pub sealed: String,
}

/// An API key as stored: never the key itself, only its argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// The holder's id (`m_…` or `c_…`), also the key's public prefix.
    pub holder_id: String,
    /// Merchant or channel.
    pub kind: KeyKind,
    /// The holder's name.
    pub name: String,
    /// The argon2 PHC string of the secret.
    pub secret_hash: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// What a channel key may do (`orders`, `wallet`, `pins`); merchants keep all.
    pub scopes: Vec<String>,
    /// When it was revoked; a revoked key opens nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Sums of one currency that the conservation invariant relates (DESIGN.md, Data):
/// `issued = balances + redeemed − voided + refunded + expired`, and what expired is
/// either still claimable or was claimed: `expired = expired_unclaimed + expired_refunded
/// + breakage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyTotals {
    /// The currency.
    pub currency: String,
    /// Journal: face value issued (minor units).
    pub issued: i64,
    /// Journal: redeemed.
    pub redeemed: i64,
    /// Journal: voided.
    pub voided: i64,
    /// Journal: refunded.
    pub refunded: i64,
    /// Journal: expired.
    pub expired: i64,
    /// Journal: `expire` rows of certificates still `expired` (not claimed yet).
    pub expired_unclaimed: i64,
    /// Journal: paid back from expired value (`expired_refund`).
    pub expired_refunded: i64,
    /// Journal: kept from expired value when a claim was paid (`breakage`).
    pub breakage: i64,
    /// Certificates: sum of balances.
    pub balances: i64,
    /// Certificates: sum of face values.
    pub face_values: i64,
}

/// What the store reads for `giftgate audit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFacts {
    /// Totals per currency.
    pub totals: Vec<CurrencyTotals>,
    /// Certificates whose balance differs from face − redeemed + voided − refunded −
    /// expired of their own journal rows, or is negative or above face value.
    pub certificates_off_journal: Vec<String>,
    /// Certificates whose expiry claim does not add up: `expired_refund + breakage`
    /// differs from what expired, or a claimed certificate is not `refunded`.
    pub expiry_claims_off_journal: Vec<String>,
    /// Queued refunds that disagree with the ledger: paid without their journal row (or
    /// with the certificate not `refunded`), or still queued for a certificate that is
    /// neither `refunding` nor `expired`.
    pub refund_queue_off_journal: Vec<String>,
    /// Charged payments with neither certificates nor a refund.
    pub charges_without_certificates: Vec<String>,
    /// Certificates whose order has no charged (or refunded) payment.
    pub certificates_without_charge: Vec<String>,
    /// Number of certificates.
    pub certificate_count: i64,
    /// Number of journal rows.
    pub journal_rows: i64,
}

/// The ledger's persistence.
#[async_trait]
pub trait Store:
    super::access::PageLinks + super::access::SiteAccess + Send + Sync + 'static
{
    /// Inserts or replaces a catalog product.
    async fn upsert_product(&self, product: &Product) -> Result<(), StoreError>;
    /// One product.
    async fn product(&self, id: &ProductId) -> Result<Option<Product>, StoreError>;
    /// The catalog, by product id.
    async fn products(&self) -> Result<Vec<Product>, StoreError>;

    /// Records a new `pending` order; if the order id exists, returns the stored order
    /// unchanged (the idempotency rule) and writes nothing.
    async fn insert_order(&self, order: &OrderRecord) -> Result<Option<OrderRecord>, StoreError>;
    /// Records many new `pending` orders at once (one statement per few hundred); an
    /// order id already stored is left unchanged. Answers the ids inserted, so the caller
    /// knows which orders are new. Each order stands alone: there is no all-or-nothing
    /// across them.
    async fn insert_orders(&self, orders: &[OrderRecord]) -> Result<Vec<OrderId>, StoreError>;
    /// One order.
    async fn order(&self, id: &OrderId) -> Result<Option<OrderRecord>, StoreError>;
    /// Orders still `pending` that arrived before `before` (for recovery), oldest first.
    async fn pending_orders(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OrderRecord>, StoreError>;

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

    /// One gift.
    async fn gift(&self, id: &GiftId) -> Result<Option<Gift>, StoreError>;
    /// Gifts a subscriber sent or received, newest first.
    async fn gifts_of(&self, msisdn: &Msisdn) -> Result<Vec<Gift>, StoreError>;
    /// Gifts in state `sent` whose `answer_by` is at or before `now`, oldest first.
    async fn gifts_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Gift>, StoreError>;

    /// One request waiting (or once waiting) for `YES`/`NO`.
    async fn confirmation(&self, id: &ConfirmationId) -> Result<Option<Confirmation>, StoreError>;
    /// A subscriber's requests still `waiting` (deadline passed or not), by number.
    async fn confirmations_waiting(&self, msisdn: &Msisdn)
    -> Result<Vec<Confirmation>, StoreError>;
    /// Requests still `waiting` whose deadline is at or before `now`, oldest first.
    async fn confirmations_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Confirmation>, StoreError>;

    /// The payment of an order.
    async fn payment(&self, order_id: &OrderId) -> Result<Option<Payment>, StoreError>;
    /// Carrier-billed amount of a subscriber since `since` in one currency (reserved or
    /// charged, less refunds), for the monthly cap; minor units.
    async fn carrier_billed_since(
        &self,
        msisdn: &Msisdn,
        since: DateTime<Utc>,
        currency: &str,
    ) -> Result<i64, StoreError>;

    /// One redemption.
    async fn redemption(&self, id: &str) -> Result<Option<Redemption>, StoreError>;
    /// A merchant's redemption by its idempotency key.
    async fn redemption_by_key(
        &self,
        merchant_id: &str,
        key: &str,
    ) -> Result<Option<Redemption>, StoreError>;

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

    /// Up to `limit` secrets of `kind` as stored, ordered by their key, after `after`.
    async fn sealed_secrets(
        &self,
        kind: SecretKind,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SealedSecret>, StoreError>;
    /// Replaces a stored secret if it is still `sealed` (a certificate's version moves on,
    /// so a writer holding the old value conflicts); false when it changed meanwhile.
    async fn reseal_secret(
        &self,
        kind: SecretKind,
        key: &str,
        sealed: &str,
        resealed: &str,
    ) -> Result<bool, StoreError>;

    /// Counts that an intake is starting a redelivered order once more, durably, and
    /// returns how many redeliveries of it have been started so far (1 the first time).
    /// An order that keeps being started without finishing is poison; see the AMQP
    /// intake's delivery limit.
    async fn count_redelivery(
        &self,
        order_id: &OrderId,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError>;
    /// Forgets the redelivery counts last touched before `before` (an order redelivered
    /// long ago has finished or been dead-lettered); answers how many were forgotten.
    async fn prune_redeliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Applies a change set atomically (see the module docs).
    async fn commit(&self, changes: Changes) -> Result<(), StoreError>;

    /// Undelivered outbox entries of one channel (`event`, `sms`, `mms`) that are due,
    /// in commit order.
    async fn outbox_due(
        &self,
        channel: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxRecord>, StoreError>;
    /// Claims up to `limit` due entries of a channel for this dispatcher alone until
    /// `lease_until` (then they are due again, for whoever is left, if still undelivered),
    /// in commit order; an entry waits while an earlier one of its partition (handset) is
    /// leased or waiting for a retry. Two instances never hold the same entry at once.
    async fn outbox_claim(
        &self,
        channel: &str,
        now: DateTime<Utc>,
        limit: u32,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<OutboxRecord>, StoreError>;
    /// Marks entries delivered.
    async fn outbox_delivered(&self, ids: &[i64]) -> Result<(), StoreError>;
    /// Hands claimed, undelivered entries back: due now (their lease is given up).
    async fn outbox_release(&self, ids: &[i64]) -> Result<(), StoreError>;
    /// Records a failed attempt and when to try again.
    async fn outbox_retry_at(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Parks a poison entry: kept with its reason, never retried automatically.
    async fn outbox_park(&self, id: i64, reason: &str) -> Result<(), StoreError>;
    /// Every undelivered entry (any channel), in commit order — for the demo and tests.
    async fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxRecord>, StoreError>;

    /// Stores an API key's hash.
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    /// Finds a key by its holder id.
    async fn api_key(&self, holder_id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;
    /// Replaces the secret of a live key of `kind` (rotation); false when there is none.
    async fn rotate_api_key(
        &self,
        holder_id: &str,
        kind: KeyKind,
        secret_hash: &str,
    ) -> Result<bool, StoreError>;
    /// Revokes a live key of `kind`; false when there is none (unknown or already revoked).
    async fn revoke_api_key(
        &self,
        holder_id: &str,
        kind: KeyKind,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

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

    /// Inserts or replaces a content item.
    async fn upsert_content(&self, item: &ContentItem) -> Result<(), StoreError>;
    /// One content item with its bytes.
    async fn content(&self, id: &ContentId) -> Result<Option<ContentItem>, StoreError>;
    /// Every content item by id, each without its bytes (`bytes` left empty) and with its
    /// size in bytes.
    async fn contents(&self) -> Result<Vec<(ContentItem, i64)>, StoreError>;

    /// Marks whether a subscriber's handset can receive MMS (registering the subscriber
    /// if new).
    async fn set_mms_capable(&self, msisdn: &Msisdn, capable: bool) -> Result<(), StoreError>;
    /// Whether a subscriber's handset can receive MMS (unknown subscribers: yes).
    async fn mms_capable(&self, msisdn: &Msisdn) -> Result<bool, StoreError>;

    /// A handset message by our message id.
    async fn message(&self, message_id: &str) -> Result<Option<MessageRecord>, StoreError>;
    /// A handset message by one of its provider's (normalised) ids.
    async fn message_by_provider_id(
        &self,
        channel: &str,
        provider_id: &str,
    ) -> Result<Option<MessageRecord>, StoreError>;

    /// giftgate's side of the settlement of `[from, to)`, unsorted: every charged (or
    /// since refunded) payment created then, every refund journaled then (keyed by the
    /// certificate code), and the charges and refunds of the reconciliation repairs.
    async fn settlement_records(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SettlementRecord>, StoreError>;

    /// Reads what the conservation audit needs.
    async fn audit_facts(&self) -> Result<AuditFacts, StoreError>;

    /// Whether the database answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;
}
