//! The records the ledger keeps: certificates, gifts, redemptions, payments, journal
//! entries, orders. They are plain data; rules live in `service/`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::certificate_code::CertificateCode;
use super::ids::{ContentId, GiftId, OrderId, ProductId};
use super::money::Money;
use super::msisdn::Msisdn;

macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// The stored (and JSON) name.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use stored_enum;

stored_enum!(
    /// Where a certificate is in its life.
    CertificateStatus {
        /// Held by its owner, redeemable.
        Active => "active",
        /// Sent as a gift, waiting for the transferee's answer.
        PendingGift => "pending_gift",
        /// A refund is under way with the payment rail.
        Refunding => "refunding",
        /// Fully used.
        Redeemed => "redeemed",
        /// Refunded; no value left.
        Refunded => "refunded",
        /// Past its expiry; the balance was booked as expired.
        Expired => "expired",
        /// Stopped by the call center (lost or stolen handset, fraud): no redemption, gift
        /// or refund until unblocked.
        Blocked => "blocked",
    }
);

stored_enum!(
    /// Where a gift is.
    GiftState {
        /// Waiting for the giver's check of the package.
        AwaitingConfirmation => "awaiting_confirmation",
        /// Sent; the transferee may accept or reject.
        Sent => "sent",
        /// Accepted: the certificates are the transferee's.
        Accepted => "accepted",
        /// Rejected: the certificates went back to the giver.
        Rejected => "rejected",
        /// Unanswered in time: the certificates went back to the giver.
        Expired => "expired",
        /// Cancelled by the giver before it was sent.
        Cancelled => "cancelled",
    }
);

stored_enum!(
    /// The state of an order.
    OrderStatus {
        /// Received, not finished.
        Pending => "pending",
        /// Carried out.
        Completed => "completed",
        /// Could not be carried out; `reason` says why.
        Failed => "failed",
    }
);

stored_enum!(
    /// The state of a payment with its rail (carrier billing or payment network).
    PaymentState {
        /// A reservation was asked and its outcome is not known yet.
        Initiated => "initiated",
        /// Amount reserved (authorized) on the rail.
        Reserved => "reserved",
        /// Amount charged (captured): the subscriber has paid.
        Charged => "charged",
        /// Reservation released; nothing was charged.
        Released => "released",
        /// The rail declined; nothing was charged.
        Declined => "declined",
        /// Charged and fully refunded.
        Refunded => "refunded",
    }
);

stored_enum!(
    /// What a journal entry records.
    JournalKind {
        /// Certificates issued: value enters the ledger.
        Issue => "issue",
        /// A merchant redeemed value.
        Redeem => "redeem",
        /// A redemption was voided: value returns.
        Void => "void",
        /// Value refunded to the payer.
        Refund => "refund",
        /// Value lapsed at expiry.
        Expire => "expire",
        /// Part of a lapsed balance paid back to the claimant after expiry (drawn from
        /// the value booked as `expire`, not from the certificate's balance).
        ExpiredRefund => "expired_refund",
        /// The part of a lapsed balance kept by the issuer when an expiry claim is paid.
        Breakage => "breakage",
        /// Ownership moved to a transferee (no value change).
        GiftOut => "gift_out",
        /// Ownership returned to the giver (reject or gift expiry; no value change).
        GiftReturn => "gift_return",
        /// The transferee accepted (no value change).
        GiftAccept => "gift_accept",
        /// A new PIN replaced the old one: on a change of hands (`reference` = `gift <id>`)
        /// or at the holder's request (`reference` = `renewal`). No value change.
        Rekey => "rekey",
        /// The call center blocked the certificate (`reference` = `<actor>: <reason>`).
        Block => "block",
        /// The call center lifted a block (`reference` = `<actor>: <reason>`).
        Unblock => "unblock",
    }
);

/// A certificate with its current state. `version` guards concurrent updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The 16-digit code (also the barcode number).
    pub code: CertificateCode,
    /// The product it was issued for.
    pub product_id: ProductId,
    /// The order that issued it.
    pub order_id: OrderId,
    /// Who paid for it.
    pub purchaser: Msisdn,
    /// Who holds it now.
    pub owner: Msisdn,
    /// Its value when issued.
    pub face_value: Money,
    /// What is left to spend.
    pub balance: Money,
    /// Where it is in its life.
    pub status: CertificateStatus,
    /// When it lapses, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// The PIN, encrypted (see `PinCipher`).
    pub pin_sealed: String,
    /// Wrong PINs in a row.
    pub pin_failures: u32,
    /// Locked against PIN tries until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// The gift it is part of while pending.
    pub gift_id: Option<GiftId>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Optimistic concurrency version; every update must name the one it read.
    pub version: i64,
}

/// A gift package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gift {
    /// The gift id.
    pub id: GiftId,
    /// The order that made it.
    pub order_id: OrderId,
    /// Who gives.
    pub giver: Msisdn,
    /// Who receives.
    pub transferee: Msisdn,
    /// The giver's message.
    pub message: Option<String>,
    /// Content packaged with it.
    pub extras: Vec<ContentId>,
    /// The certificates it carries.
    pub certificate_codes: Vec<CertificateCode>,
    /// Where it is.
    pub state: GiftState,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When an unanswered gift returns to the giver.
    pub answer_by: DateTime<Utc>,
    /// When it was answered or expired.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A merchant's redemption of value from a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// Redemption id.
    pub id: String,
    /// The merchant that redeemed.
    pub merchant_id: String,
    /// The merchant's `Idempotency-Key`.
    pub idempotency_key: String,
    /// The certificate.
    pub certificate_code: CertificateCode,
    /// Amount taken.
    pub amount: Money,
    /// Balance left after it.
    pub balance_after: Money,
    /// Whether the merchant voided it.
    pub voided: bool,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// A payment of an order with its rail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The order paid (one payment per purchase order).
    pub order_id: OrderId,
    /// The payer.
    pub msisdn: Msisdn,
    /// `carrier`, `card` or `bank`.
    pub method: String,
    /// The rail's reference for the transaction, once known.
    pub reference: Option<String>,
    /// Amount charged (or to charge).
    pub amount: Money,
    /// Amount refunded so far.
    pub refunded: Money,
    /// Where it is.
    pub state: PaymentState,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// One row of the append-only journal of value movements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// What moved.
    pub kind: JournalKind,
    /// The certificate concerned.
    pub certificate_code: CertificateCode,
    /// How much (zero-value kinds record the balance that changed hands).
    pub amount: Money,
    /// Whose history it belongs to.
    pub msisdn: Msisdn,
    /// The other side (transferee, giver), if any.
    pub counterparty: Option<Msisdn>,
    /// The order behind it, if any.
    pub order_id: Option<OrderId>,
    /// The merchant behind it, if any.
    pub merchant_id: Option<String>,
    /// The redemption, gift or payment it belongs to.
    pub reference: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// An order as stored: what was asked, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// Idempotency key.
    pub order_id: OrderId,
    /// Order type name.
    pub order_type: String,
    /// Who ordered.
    pub msisdn: Msisdn,
    /// The canonical order JSON.
    pub body: serde_json::Value,
    /// Where it is.
    pub status: OrderStatus,
    /// Stable reason code when failed.
    pub reason: Option<String>,
    /// Human detail when failed.
    pub detail: Option<String>,
    /// The outcome (certificates issued, gift id, …) when completed.
    pub outcome: Option<serde_json::Value>,
    /// Where to send the final event (AMQP reply_to), if asked.
    pub reply_to: Option<String>,
    /// The correlation id to answer with.
    pub correlation_id: Option<String>,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
}

stored_enum!(
    /// Where a handset message is in its delivery.
    MessageState {
        /// Accepted by the SMSC or MMSC; no receipt yet.
        Submitted => "submitted",
        /// The handset has it.
        Delivered => "delivered",
        /// It will not arrive (rejected, undeliverable, deleted).
        Failed => "failed",
        /// Its validity ran out before delivery.
        Expired => "expired",
    }
);

impl MessageState {
    /// True once the state can no longer change.
    pub fn is_final(&self) -> bool {
        !matches!(self, MessageState::Submitted)
    }
}

/// A handset message (SMS or MMS) and its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Our message id (the outbox entry's).
    pub message_id: String,
    /// `sms` or `mms`.
    pub channel: String,
    /// The handset.
    pub recipient: String,
    /// The SMSC's or MMSC's ids, normalised (one per SMS part).
    pub provider_ids: Vec<String>,
    /// The ids as the provider sent them.
    pub raw_provider_ids: Vec<String>,
    /// Delivery state.
    pub state: MessageState,
    /// Why it failed, or the receipt's status text.
    pub detail: Option<String>,
    /// When the state last changed.
    pub updated_at: DateTime<Utc>,
}

/// An item of the contents database (the seed's contents database 235): a ringtone,
/// background music, theme card or character that can go with a gift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentItem {
    /// Content id (`ring-001`).
    pub id: ContentId,
    /// `ringtone`, `background_music`, `theme_card` or `character`.
    pub kind: String,
    /// Title for menus.
    pub title: String,
    /// The media type, checked by content.
    pub mime: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}
