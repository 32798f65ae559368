//! giftgate's carrier billing rail: charges to the subscriber's phone bill through the
//! carrier's GSMA OneAPI Payment–style REST API, implementing the core's [`PaymentRail`]
//! port, and a simulator of the same API for tests, the demo and carriers' integration
//! teams.
//!
//! How the pieces fit:
//! - [`wire`] is the JSON the two sides exchange (`amountReservationTransaction`,
//!   `amountTransaction`, `paymentTransactionList`, `requestError`);
//! - [`correlator`] derives each call's `clientCorrelator` from the order, so a retried call
//!   is the same transaction to the carrier and never charges twice;
//! - [`client`] is [`OneApiBilling`], the adapter: it sends a call, reads a decline as a
//!   decline, and settles any unknown outcome (timeout, 5xx, unreadable answer) by looking
//!   the correlator up before it answers;
//! - [`retry`] holds every retry and backoff policy the client uses (on the shared loop of
//!   `giftgate_edge::retry`);
//! - [`sim`] is [`BillingSimulator`], an actix-web server speaking the same API with the
//!   test triggers of CONTRACT.md §7.
//!
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail

// Internal to the workspace (`publish = false`): the docs link private modules on purpose
// and are read with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod correlator;
pub(crate) mod error;
pub(crate) mod points;
pub(crate) mod retry;
pub(crate) mod sim;
pub mod wire;

pub use client::OneApiBilling;
pub use config::BillingConfig;
pub use error::BillingError;
pub use sim::{BillingSimHandle, BillingSimulator, SimError, SimTransaction, run_standalone};
