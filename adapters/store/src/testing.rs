//! Fresh, uniquely named databases for tests (feature `testing`).
//!
//! Every test gets its own database so tests run in parallel and never see each other's
//! rows: on PostgreSQL a `gg_<uuid>` database created through the admin URL in
//! `GIFTGATE_TEST_PG_ADMIN_URL` (default [`DEFAULT_PG_ADMIN_URL`]) and dropped with
//! `DROP DATABASE … WITH (FORCE)`; on SQLite a file in a temporary directory. Call
//! [`TestDatabase::drop`] at the end of a test; if a test panics first, the `Drop`
//! fallback still removes the PostgreSQL database from a helper thread.

use std::str::FromStr;
use std::sync::Arc;

use giftgate_actors::ports::{Store, StoreError};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection};

use crate::connect::{Backend, connect};
use crate::error::{db_error, other};

/// Environment variable naming a PostgreSQL URL allowed to create and drop databases.
pub const PG_ADMIN_URL_VAR: &str = "GIFTGATE_TEST_PG_ADMIN_URL";

/// The admin URL used when [`PG_ADMIN_URL_VAR`] is unset.
pub const DEFAULT_PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A throw-away database; `url` opens it with [`crate::connect`].
pub struct TestDatabase {
    /// The URL of the fresh database.
    pub url: String,
    place: Place,
    dropped: bool,
}

enum Place {
    Postgres { admin_url: String, name: String },
    Sqlite { _dir: tempfile::TempDir },
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDatabase")
            .field("url", &crate::redact_url(&self.url))
            .finish_non_exhaustive()
    }
}

impl TestDatabase {
    /// A fresh PostgreSQL database; panics if the server cannot create one (a test
    /// cannot run without it).
    pub async fn postgres() -> TestDatabase {
        match Self::try_postgres().await {
            Ok(database) => database,
            Err(error) => panic!("cannot create a PostgreSQL test database: {error}"),
        }
    }

    /// A fresh PostgreSQL database, or why none could be made.
    pub async fn try_postgres() -> Result<TestDatabase, StoreError> {
        let admin_url =
            std::env::var(PG_ADMIN_URL_VAR).unwrap_or_else(|_| DEFAULT_PG_ADMIN_URL.to_owned());
        let name = format!("gg_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await.map_err(db_error)?;
        // The name is generated above from a UUID: nothing outside reaches this SQL.
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .map_err(db_error)?;
        admin.close().await.map_err(db_error)?;
        Ok(TestDatabase {
            url: with_database(&admin_url, &name)?,
            place: Place::Postgres { admin_url, name },
            dropped: false,
        })
    }

    /// A fresh SQLite database file in a temporary directory; panics if none can be made.
    pub async fn sqlite() -> TestDatabase {
        match Self::try_sqlite() {
            Ok(database) => database,
            Err(error) => panic!("cannot create a SQLite test database: {error}"),
        }
    }

    /// A fresh SQLite database file, or why none could be made.
    pub fn try_sqlite() -> Result<TestDatabase, StoreError> {
        let dir = tempfile::Builder::new()
            .prefix("giftgate-test-")
            .tempdir()
            .map_err(|error| StoreError::Other(Box::new(error)))?;
        let url = format!("sqlite://{}", dir.path().join("giftgate.db").display());
        Ok(TestDatabase {
            url,
            place: Place::Sqlite { _dir: dir },
            dropped: false,
        })
    }

    /// Opens the store on this database (migrations applied).
    pub async fn store(&self) -> Result<Arc<dyn Store>, StoreError> {
        connect(&self.url).await
    }

    /// Runs raw SQL on this database outside the store (to tamper with rows, or to
    /// prove the database refuses something); returns the rows affected.
    pub async fn execute(&self, sql: &str) -> Result<u64, StoreError> {
        execute_raw(&self.url, sql).await
    }

    /// Removes the database (PostgreSQL: `DROP DATABASE … WITH (FORCE)`, which also
    /// ends connections still open; SQLite: the temporary directory).
    pub async fn drop(mut self) {
        self.dropped = true;
        if let Place::Postgres { admin_url, name } = &self.place
            && let Err(error) = drop_postgres(admin_url, name).await
        {
            tracing::warn!(%error, database = %name, "test database not dropped");
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        if let Place::Postgres { admin_url, name } = &self.place {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop may run inside a runtime (a panicking test): use a thread of our own.
            let dropper = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match runtime {
                    Ok(runtime) => runtime.block_on(drop_postgres(&admin_url, &name)),
                    Err(error) => Err(StoreError::Other(Box::new(error))),
                }
            });
            match dropper.join() {
                Ok(Ok(())) => {}
                Ok(Err(error)) => eprintln!("test database not dropped: {error}"),
                Err(_) => eprintln!("test database dropper panicked"),
            }
        }
    }
}

async fn drop_postgres(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let mut admin = PgConnection::connect(admin_url).await.map_err(db_error)?;
    // `name` is the UUID-derived name made by `try_postgres`.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .map_err(db_error)?;
    admin.close().await.map_err(db_error)
}

/// Runs raw SQL on the database at `url` over a connection of its own.
pub async fn execute_raw(url: &str, sql: &str) -> Result<u64, StoreError> {
    let statement = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
    let done = match Backend::of_url(url)? {
        Backend::Postgres => {
            let mut conn = PgConnection::connect(url).await.map_err(db_error)?;
            statement
                .execute(&mut conn)
                .await
                .map_err(db_error)?
                .rows_affected()
        }
        Backend::Sqlite => {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(db_error)?
                .foreign_keys(true);
            let mut conn = SqliteConnection::connect_with(&options)
                .await
                .map_err(db_error)?;
            statement
                .execute(&mut conn)
                .await
                .map_err(db_error)?
                .rows_affected()
        }
    };
    Ok(done)
}

/// The admin URL with its database name replaced by `name`.
fn with_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let Some((_, rest)) = base.split_once("://") else {
        return Err(other(format!(
            "not a URL: {}",
            crate::redact_url(admin_url)
        )));
    };
    let prefix_len = base.len() - rest.len();
    let host_end = rest
        .find('/')
        .map_or(base.len(), |slash| prefix_len + slash);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_test_url_names_the_new_database() {
        let url = with_database(
            "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
            "gg_1",
        );
        assert_eq!(
            url.ok().as_deref(),
            Some("postgres://postgres@127.0.0.1:5432/gg_1?sslmode=disable")
        );
        let url = with_database("postgres://postgres@localhost", "gg_2");
        assert_eq!(
            url.ok().as_deref(),
            Some("postgres://postgres@localhost/gg_2")
        );
    }
}
