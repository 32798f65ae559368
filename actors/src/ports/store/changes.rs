//! What one business step writes: a [`Changes`] set of inserts and guarded updates, which
//! [`CommitStore::commit`](super::CommitStore::commit) applies in one transaction.

use chrono::{DateTime, Utc};

use crate::domain::{
    Certificate, CertificateCode, Confirmation, ConfirmationUpdate, Gift, GiftId, GiftState,
    JournalEntry, MessageRecord, Money, Msisdn, OrderId, OrderStatus, OutboxMessage, Payment,
    PaymentState, QueuedRefund, Redemption, SettlementRepair,
};

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
