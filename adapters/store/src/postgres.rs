//! The PostgreSQL adapter: production storage, shared by every gateway instance.
//!
//! Writes run at READ COMMITTED: every update is guarded (`version = $read`,
//! `state = $expected`), and PostgreSQL re-checks the guard against the newest row
//! version after waiting for a concurrent writer's row lock, so of two racing writers
//! exactly one updates a row and the other sees zero rows (`Conflict`). The audit reads
//! one REPEATABLE READ snapshot.
//!
//! Connections plan prepared statements once (`plan_cache_mode = force_generic_plan`).
//! Every statement of the order paths looks rows up by key, where a plan made for the
//! bound values buys nothing and costs planning on every execution. It also keeps a
//! guard value out of the planner's view: with `status = 'pending'` visible, PostgreSQL
//! chose the partial index `orders_pending` (every pending order, in creation order)
//! for `UPDATE orders … WHERE order_id = $1`, as the smaller index of a young table, and
//! scanned all of it — under a backlog that one statement cost more than all other
//! writes together.

use std::str::FromStr;

use giftgate_actors::ports::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::connect::{StoreOptions, redact_url};
use crate::error::{db_error, other};

/// Pool size when [`StoreOptions::max_connections`] is not set.
pub const DEFAULT_PG_MAX_CONNECTIONS: u32 = 16;

/// The store on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…` or `postgresql://…`) and applies the migrations
    /// in `migrations/postgres` (concurrent starts are serialized by sqlx's advisory lock).
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|error| {
                other(format!(
                    "invalid PostgreSQL URL {}: {error}",
                    redact_url(url)
                ))
            })?
            .options([("plan_cache_mode", "force_generic_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(
                options
                    .max_connections
                    .unwrap_or(DEFAULT_PG_MAX_CONNECTIONS),
            )
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect_options)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("../../migrations/postgres")
            .run(&pool)
            .await
            .map_err(|error| StoreError::Other(Box::new(error)))?;
        tracing::info!(url = %redact_url(url), "PostgreSQL store ready");
        Ok(PgStore { pool })
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A purchase's issue and a redemption commit as one statement (see
    /// `commit/fused.rs`).
    pub(crate) const FUSED_COMMITS: bool = true;

    /// Concurrent outbox claims skip each other's rows instead of waiting for them.
    pub(crate) const CLAIM_LOCK: &'static str = " FOR UPDATE SKIP LOCKED";

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await
            .map_err(db_error)
    }

    pub(crate) async fn begin_read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_error)
    }
}
