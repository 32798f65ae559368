//! giftgate: the gateway through which a mobile carrier sells, gifts and redeems
//! electronic gift certificates over its own messaging and billing.
//!
//! This crate is the composition root: configuration, the HTTP API, and the wiring of
//! the core (`giftgate-actors`) to its adapters (`adapters/*`). The binary's
//! subcommands live in [`commands`].

// Internal to the workspace (`publish = false`): the docs link private modules on purpose
// and are read with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

pub(crate) mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub(crate) mod config_sources;
pub(crate) mod http;
pub(crate) mod rails;
pub(crate) mod refund_config;
pub(crate) mod secret_key;
pub mod startup;
pub mod telemetry;
pub(crate) mod web;
