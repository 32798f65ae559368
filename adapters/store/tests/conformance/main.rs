//! The store conformance suite: every test runs unchanged on PostgreSQL (`<topic>::pg::…`,
//! a fresh database each) and SQLite (`<topic>::sqlite::…`, a temporary file each). What
//! passes here is what the core may rely on from either backend. One test binary, one
//! module per topic; the harness and record builders are in `support.rs`.

#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

mod audit;
mod catalog;
mod certificates;
mod commits;
mod confirmations;
mod connect;
mod expiry_notices;
mod journal;
mod keys;
mod messages;
mod orders;
mod outbox;
mod redemptions;
mod refunds;
mod settlement;

use std::sync::Arc;

use giftgate_actors::ports::{Store, StoreError};

fn is_conflict<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound(_)))
}

async fn journal_rows(store: &Arc<dyn Store>) -> i64 {
    store.audit_facts().await.unwrap().journal_rows
}
