//! The store port's read and housekeeping roles, one file per role trait, each
//! implemented for both backends by a small macro at the top of its file; the write path
//! ([`CommitStore`](giftgate_actors::ports::CommitStore)) is in `commit/`.
//!
//! Both backends run the same SQL text (`sql.rs`) and the same row structs (`rows/`);
//! only four things differ and each backend supplies them as inherent items of its
//! store type: `begin_write` (SQLite takes the write lock up front with `BEGIN IMMEDIATE`,
//! PostgreSQL runs READ COMMITTED and relies on guarded updates and row locks),
//! `begin_read` (a consistent snapshot for the audit), `FUSED_COMMITS` (whether a change
//! set of one guarded update plus inserts may commit as one statement of data-modifying
//! CTEs, which PostgreSQL has and SQLite has not) and the pool type itself. A macro
//! rather than generic functions keeps the sqlx trait bounds out of sight: each expansion
//! is ordinary code over one concrete database type. (The outbox claim's row lock,
//! `CLAIM_LOCK`, is a fifth, smaller difference of the same kind.)

mod audit;
mod catalogue;
mod certificates;
mod confirmations;
mod contents;
mod gifts;
mod health;
mod journal;
mod keys;
mod messages;
mod orders;
mod outbox;
mod payments;
mod redemptions;
mod refunds;
mod secrets;

/// Rows per multi-row INSERT; keeps every statement far below SQLite's and PostgreSQL's
/// bind-parameter limits (16 columns × 500 rows = 8 000 parameters).
pub(crate) const ROWS_PER_INSERT: usize = 500;
