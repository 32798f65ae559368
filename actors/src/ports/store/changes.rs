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
        self.shape().next().is_none()
    }

    /// The non-empty parts of the change set, in field order, each with its number of
    /// entries. This is the one place that lists every field: code that judges a change
    /// set by its shape (how an adapter commits it) matches on [`ChangeKind`], so a new
    /// field is a compile error there rather than a part silently left out.
    pub fn shape(&self) -> impl Iterator<Item = ChangePart> + use<> {
        let Changes {
            subscribers,
            orders,
            new_payments,
            payments,
            new_certificates,
            certificates,
            new_gifts,
            gifts,
            new_redemptions,
            voided_redemptions,
            journal,
            outbox,
            messages,
            settlement_repairs,
            expiry_notices,
            queued_refunds,
            paid_refunds,
            new_confirmations,
            confirmations,
        } = self;
        [
            (ChangeKind::Subscribers, subscribers.len()),
            (ChangeKind::Orders, orders.len()),
            (ChangeKind::NewPayments, new_payments.len()),
            (ChangeKind::Payments, payments.len()),
            (ChangeKind::NewCertificates, new_certificates.len()),
            (ChangeKind::Certificates, certificates.len()),
            (ChangeKind::NewGifts, new_gifts.len()),
            (ChangeKind::Gifts, gifts.len()),
            (ChangeKind::NewRedemptions, new_redemptions.len()),
            (ChangeKind::VoidedRedemptions, voided_redemptions.len()),
            (ChangeKind::Journal, journal.len()),
            (ChangeKind::Outbox, outbox.len()),
            (ChangeKind::Messages, messages.len()),
            (ChangeKind::SettlementRepairs, settlement_repairs.len()),
            (ChangeKind::ExpiryNotices, expiry_notices.len()),
            (ChangeKind::QueuedRefunds, queued_refunds.len()),
            (ChangeKind::PaidRefunds, paid_refunds.len()),
            (ChangeKind::NewConfirmations, new_confirmations.len()),
            (ChangeKind::Confirmations, confirmations.len()),
        ]
        .into_iter()
        .filter(|(_, entries)| *entries > 0)
        .map(|(kind, entries)| ChangePart { kind, entries })
    }
}

/// A part of a [`Changes`] set: one variant per field, documented as the field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Subscribers to register as members if new (first contact).
    Subscribers,
    /// Orders to finish.
    Orders,
    /// Payments to record.
    NewPayments,
    /// Payments to move.
    Payments,
    /// Certificates to issue (the code must be new).
    NewCertificates,
    /// Certificates to update: the full new state; `version` is the version read, and the
    /// stored row gets `version + 1`.
    Certificates,
    /// Gifts to record.
    NewGifts,
    /// Gifts to move.
    Gifts,
    /// Redemptions to record (merchant + idempotency key must be new).
    NewRedemptions,
    /// Redemptions to mark voided (must not be voided yet).
    VoidedRedemptions,
    /// Journal rows to append.
    Journal,
    /// Outbox entries to deliver after commit, in this order.
    Outbox,
    /// Handset messages to record or move: inserted, or their state, detail and time
    /// replaced; their provider ids are added to those already known.
    Messages,
    /// Reconciliation repairs to record (one per rail and order: a second is a conflict).
    SettlementRepairs,
    /// Pre-expiry notices to mark sent (a second mark of one expiry is a conflict).
    ExpiryNotices,
    /// Refunds to queue for the fallback rail (the certificate must have none yet).
    QueuedRefunds,
    /// Queued refunds (by certificate) now paid: guarded, each must still be `queued`.
    PaidRefunds,
    /// Requests to wait for their subscriber's `YES` (the id must be new, and the number
    /// free among the subscriber's waiting requests: else a conflict).
    NewConfirmations,
    /// Waiting requests to settle: guarded, each must still be `waiting`.
    Confirmations,
}

/// A non-empty part of a [`Changes`] set (see [`Changes::shape`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangePart {
    /// Which part.
    pub kind: ChangeKind,
    /// How many entries it has (at least one).
    pub entries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CertificateCode, Msisdn};

    #[test]
    fn an_empty_change_set_has_no_parts() {
        let changes = Changes::default();
        assert!(changes.is_empty());
        assert_eq!(changes.shape().count(), 0);
    }

    #[test]
    fn the_shape_names_each_non_empty_part_with_its_entries_in_field_order() {
        let changes = Changes {
            subscribers: vec![Msisdn::from_e164_unchecked("+821000000001")],
            voided_redemptions: vec!["r1".to_owned(), "r2".to_owned()],
            paid_refunds: vec![CertificateCode::from_stored("0000000000000001".to_owned())],
            ..Changes::default()
        };
        let shape: Vec<ChangePart> = changes.shape().collect();
        assert_eq!(
            shape,
            [
                ChangePart {
                    kind: ChangeKind::Subscribers,
                    entries: 1
                },
                ChangePart {
                    kind: ChangeKind::VoidedRedemptions,
                    entries: 2
                },
                ChangePart {
                    kind: ChangeKind::PaidRefunds,
                    entries: 1
                },
            ]
        );
        assert!(!changes.is_empty());
    }
}
