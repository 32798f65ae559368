//! The SQLite adapter: the embedded default (demo, single process).
//!
//! The database runs in WAL mode (readers never block the writer), with foreign keys on,
//! `synchronous = NORMAL` (durable at checkpoints, never corrupt) and a busy timeout.
//! Every write transaction starts with `BEGIN IMMEDIATE`, taking the single write lock
//! before its first read, so two writers never both read, then fail to upgrade; guarded
//! updates still report a stale version as `Conflict`. `sqlite::memory:` URLs get one
//! connection that is never recycled (each SQLite connection would otherwise see its
//! own empty database).

use std::str::FromStr;

use giftgate_actors::ports::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::connect::{StoreOptions, redact_url};
use crate::error::{db_error, other};

/// Pool size when [`StoreOptions::max_connections`] is not set.
pub const DEFAULT_SQLITE_MAX_CONNECTIONS: u32 = 8;

/// The store on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite:path`, `sqlite://path`,
    /// `sqlite::memory:`) and applies the migrations in `migrations/sqlite`.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let connect_options = SqliteConnectOptions::from_str(url)
            .map_err(|error| other(format!("invalid SQLite URL {}: {error}", redact_url(url))))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        let mut pool_options = SqlitePoolOptions::new().acquire_timeout(options.acquire_timeout);
        pool_options = if in_memory {
            pool_options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            pool_options.max_connections(
                options
                    .max_connections
                    .unwrap_or(DEFAULT_SQLITE_MAX_CONNECTIONS),
            )
        };
        let pool = pool_options
            .connect_with(connect_options)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("../../migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|error| StoreError::Other(Box::new(error)))?;
        tracing::info!(url = %redact_url(url), "SQLite store ready");
        Ok(SqliteStore { pool })
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// SQLite has no data-modifying CTEs: every change set runs in a transaction.
    pub(crate) const FUSED_COMMITS: bool = false;

    /// SQLite runs one writer at a time: an outbox claim needs no row lock.
    pub(crate) const CLAIM_LOCK: &'static str = "";

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)
    }

    pub(crate) async fn begin_read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN DEFERRED")
            .await
            .map_err(db_error)
    }
}
