//! What the core hands to the outbox: events for `giftgate.events` and notifications for
//! handsets. Each is committed in the same transaction as the effect it reports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::certificate_code::CertificateCode;
use super::event_type::EventType;
use super::ids::{GiftId, OrderId};
use super::money::Money;
use super::msisdn::Msisdn;

/// An event published on `giftgate.events` (CONTRACT.md §3); routing key = `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id; consumers deduplicate by it.
    pub event_id: String,
    /// `order.completed`, `certificate.issued`, … (an [`EventType`]'s name; a string
    /// here so that an event read back from the outbox never fails on a name).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (RFC 3339).
    pub occurred_at: DateTime<Utc>,
    /// The order behind it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The subscriber concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msisdn: Option<String>,
    /// The certificate concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_code: Option<String>,
    /// The gift concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_id: Option<String>,
    /// An amount, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The amount's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Stable snake_case reason code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Structured outcome (certificate codes issued, gift id), for `order.completed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<serde_json::Value>,
}

impl Event {
    /// A new event of a type, now, with a fresh id; fill fields with the `with_*` helpers.
    pub fn new(event_type: EventType, occurred_at: DateTime<Utc>) -> Self {
        Event {
            event_id: uuid::Uuid::now_v7().to_string(),
            event_type: event_type.as_str().to_owned(),
            occurred_at,
            order_id: None,
            msisdn: None,
            certificate_code: None,
            gift_id: None,
            amount: None,
            currency: None,
            reason: None,
            detail: None,
            outcome: None,
        }
    }

    /// Sets the order id.
    pub fn with_order(mut self, order_id: &OrderId) -> Self {
        self.order_id = Some(order_id.to_string());
        self
    }

    /// Sets the subscriber.
    pub fn with_msisdn(mut self, msisdn: &Msisdn) -> Self {
        self.msisdn = Some(msisdn.to_string());
        self
    }

    /// Sets the certificate.
    pub fn with_certificate(mut self, code: &CertificateCode) -> Self {
        self.certificate_code = Some(code.to_string());
        self
    }

    /// Sets the gift.
    pub fn with_gift(mut self, gift_id: &GiftId) -> Self {
        self.gift_id = Some(gift_id.to_string());
        self
    }

    /// Sets amount and currency.
    pub fn with_amount(mut self, amount: Money) -> Self {
        self.amount = Some(amount.amount().to_string());
        self.currency = Some(amount.currency().to_string());
        self
    }

    /// Sets reason code and detail.
    pub fn with_reason(mut self, reason: &str, detail: &str) -> Self {
        self.reason = Some(reason.to_owned());
        self.detail = Some(detail.to_owned());
        self
    }

    /// Sets the structured outcome.
    pub fn with_outcome(mut self, outcome: serde_json::Value) -> Self {
        self.outcome = Some(outcome);
        self
    }
}

/// One text message for one handset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsNotice {
    /// Unique message id: delivery is at least once, handsets see it once.
    pub message_id: String,
    /// The handset.
    pub to: String,
    /// The text.
    pub text: String,
}

/// A gift's multimedia message for the transferee (SMS fallback text included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MmsNotice {
    /// Unique message id.
    pub message_id: String,
    /// The transferee's handset.
    pub to: String,
    /// The gift it packages.
    pub gift_id: String,
    /// The giver, told which way the gift went (empty when nobody is to be told).
    pub giver: String,
    /// Subject line.
    pub subject: String,
    /// The text part (giver's message, what the gift is, how to answer).
    pub text: String,
    /// Content ids of the extras.
    pub extras: Vec<String>,
    /// What goes by SMS if the MMS cannot be delivered.
    pub fallback_text: String,
    /// Certificate codes whose barcodes the message carries (when certificates are
    /// handed over); empty for a gift notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub barcodes: Vec<String>,
}

/// An outbox entry: delivered after the commit that created it, at least once, in order
/// per subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum OutboxMessage {
    /// An event for `giftgate.events` (and the order's `reply_to`, if any).
    Event {
        /// The event.
        event: Event,
        /// Where to also send it (final order events only).
        #[serde(skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
        /// The correlation id to answer with.
        #[serde(skip_serializing_if = "Option::is_none")]
        correlation_id: Option<String>,
    },
    /// A text message.
    Sms(SmsNotice),
    /// A multimedia message.
    Mms(MmsNotice),
}

/// Which worker delivers an outbox entry (stored as `event`, `sms` or `mms`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumString, strum::Display,
)]
#[strum(serialize_all = "lowercase")]
pub enum OutboxChannel {
    /// Events for `giftgate.events` (or the log relay without a broker).
    Event,
    /// Text messages, over SMPP.
    Sms,
    /// Gift MMS, over MM7.
    Mms,
}

impl OutboxChannel {
    /// The name stored in the outbox's `channel` column.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl OutboxMessage {
    /// The worker that delivers it.
    pub fn channel(&self) -> OutboxChannel {
        match self {
            OutboxMessage::Event { .. } => OutboxChannel::Event,
            OutboxMessage::Sms(_) => OutboxChannel::Sms,
            OutboxMessage::Mms(_) => OutboxChannel::Mms,
        }
    }

    /// The subscriber whose order the entry keeps (delivery order is per key).
    pub fn partition_key(&self) -> String {
        match self {
            OutboxMessage::Event { event, .. } => event.msisdn.clone().unwrap_or_default(),
            OutboxMessage::Sms(sms) => sms.to.clone(),
            OutboxMessage::Mms(mms) => mms.to.clone(),
        }
    }

    /// A wrapped event without reply routing.
    pub fn event(event: Event) -> Self {
        OutboxMessage::Event {
            event,
            reply_to: None,
            correlation_id: None,
        }
    }
}

/// An outbox entry as stored, waiting for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Commit-ordered id.
    pub id: i64,
    /// The entry.
    pub message: OutboxMessage,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// When it was committed.
    pub created_at: DateTime<Utc>,
}
