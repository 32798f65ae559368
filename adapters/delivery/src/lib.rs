//! Delivery of committed outbox entries to handsets: MMS over MM7 (with SMS fallback),
//! and the delivery reports that come back. Entries are delivered at least once; the
//! message id of each entry is the deduplication key downstream.
//!
//! Also here, as the other adapters the core's outbox and contents need: the intake of
//! MO commands and receipts from the SMPP binds ([`smpp_events`], [`mo_intake`]), the
//! event log relay used without a broker ([`relay`]), and the external content provider
//! ([`content_provider`]).

// Internal to the workspace (`publish = false`): the docs link private modules on purpose
// and are read with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

pub mod claims;
pub mod content_provider;
pub mod mms;
pub mod mo_intake;
pub mod relay;
pub mod reports;
pub(crate) mod retry;
pub mod smpp_events;
pub mod sms;

use giftgate_actors::ports::StoreError;

/// Logs and counts a store write a dispatcher can do nothing more about at this point
/// (`giftgate_delivery_store_errors_total{step}`): the entry keeps its state in the
/// outbox and is taken up again when due or when its claim lease runs out.
pub(crate) fn note_store_failure<T>(step: &'static str, result: Result<T, StoreError>) {
    if let Err(error) = result {
        metrics::counter!("giftgate_delivery_store_errors_total", "step" => step).increment(1);
        tracing::warn!(%error, step, "store failed during delivery; the entry stays due");
    }
}
