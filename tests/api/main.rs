//! End-to-end tests of the running gateway over its HTTP API (and of its binary's
//! commands, in `cli`), against real PostgreSQL and SQLite databases and the billing and
//! payment simulators on loopback. Every test ends with `giftgate audit` on its database.
#![allow(clippy::unwrap_used, missing_docs)]

mod amqp;
mod bad_input;
mod catalog;
mod cli;
mod concurrency;
mod crash_recovery;
mod dialogue;
mod expiry;
mod expiry_notice;
mod gifts;
mod handset;
mod helpers;
mod key_scopes;
mod mms;
mod pages;
mod payments;
mod reconcile;
mod recovery;
mod redemptions;
mod refunds;
mod rekeying;
mod secrets_at_rest;
mod sessions;
mod site;
mod sms;
mod sms_commands;
mod story;
