//! Delivery of committed outbox entries to handsets: MMS over MM7 (with SMS fallback),
//! and the delivery reports that come back. Entries are delivered at least once; the
//! message id of each entry is the deduplication key downstream.

pub mod claims;
pub mod mms;
pub mod mo_intake;
pub mod reports;
pub mod retry;
pub mod smpp_events;
pub mod sms;
