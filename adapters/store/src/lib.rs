//! giftgate's store adapters: the core's [`Store`](giftgate_actors::ports::Store) port on
//! PostgreSQL (production) and SQLite (the embedded default), over sqlx.
//!
//! Both adapters run the same SQL and row mapping (`store/`, `commit/`, `sql.rs`, `rows/`)
//! with runtime `query_as` + `FromRow`, so no offline query metadata is needed; the
//! conformance suite in `tests/` runs unchanged against both and is what proves them.
//! Each adapter applies its own migrations (`migrations/postgres`, `migrations/sqlite`)
//! when it connects. Pick one from a URL with [`connect`]:
//!
//! ```no_run
//! # async fn run() -> Result<(), giftgate_actors::ports::StoreError> {
//! let store = giftgate_store::connect("sqlite:giftgate.db").await?;
//! store.ping().await?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod commit;
mod connect;
mod error;
mod page_links;
pub mod pgbench;
mod postgres;
mod rows;
mod site_access;
mod sql;
mod sqlite;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use connect::{Backend, StoreOptions, StoreSettings, connect, connect_with, redact_url};
pub use postgres::{DEFAULT_PG_MAX_CONNECTIONS, PgStore};
pub use sqlite::{DEFAULT_SQLITE_MAX_CONNECTIONS, SqliteStore};
