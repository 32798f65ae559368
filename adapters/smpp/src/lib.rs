//! SMPP 3.4 for a carrier gateway: an ESME client with transceiver binds, a send window,
//! rate limiting, throttling and reconnects; delivery receipts and MO messages as events;
//! GSM 03.38 / UCS2 / KS C 5601 encoding with concatenation; and an SMSC simulator.
//!
//! The crate knows messages, never what they are about: it can serve any product.
//!
//! PDUs are rusmpp's types, framed by [`frame`] and built by [`pdu`]. `rusmppc` (rusmpp's
//! client) is not used: it awaits each `submit_sm` on its own and closes the stream on any
//! decode error, while this crate needs a window keyed by sequence number, resubmission of
//! unanswered submits after a rebind, pausing on throttling and `generic_nack` for
//! malformed PDUs, so the session loop of the `SmppBind` actor (`bind.rs`) speaks the
//! protocol itself.
#![forbid(unsafe_code)]

pub mod bench;
mod bind;
mod client;
pub mod concat;
mod config;
pub mod encoding;
mod error;
pub mod frame;
pub(crate) mod message_id;
pub(crate) mod mo;
pub mod pdu;
pub mod receipt;
pub(crate) mod retry;
pub(crate) mod sim;
pub(crate) mod status;
pub(crate) mod throttle;
pub(crate) mod window;

use serde::{Deserialize, Serialize};

pub use client::SmppClient;
pub use config::{ConfigError, DEFAULT_SMPP_PORT, SmppClientConfig};
pub use encoding::{CodingOptions, EncodingError};
pub use error::SubmitError;
pub use message_id::{IdFormat, IdNormalization, SmscMessageId};
pub use mo::MoMessage;
pub use receipt::{DeliveryReceipt, ReceiptState};
pub use retry::RetryPolicy;
pub use sim::{
    FaultConfig, InboxMessage, SimError, SimStats, SmscSimConfig, SmscSimHandle, SmscSimulator,
    run_standalone,
};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundSms {
    /// The caller's unique id of the message (logs, deduplication by the caller).
    pub message_ref: String,
    /// E.164 destination such as `+821012345678`; sent as TON international, NPI ISDN,
    /// without the `+`.
    pub destination: String,
    /// The text; coding and splitting are chosen here.
    pub text: String,
}

/// The SMSC accepted every part of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitAccepted {
    /// The SMSC's id of each part, in part order.
    pub smsc_message_ids: Vec<SmscMessageId>,
}

/// Something the SMSC sent that the gateway must act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmppEvent {
    /// A delivery receipt for one submitted part.
    Receipt(DeliveryReceipt),
    /// A message from a subscriber, reassembled if it came in parts.
    MobileOriginated(MoMessage),
}
