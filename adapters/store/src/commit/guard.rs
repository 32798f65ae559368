//! Guarded updates: a statement that must change exactly one row, and how to name the
//! guard that failed when it changed none (`NotFound` if the row is missing, else
//! `Conflict`).

/// A guarded update's row, to tell a missing row from one that moved on.
pub(crate) struct GuardCheck {
    /// Counts rows with the key.
    pub(crate) exists_sql: &'static str,
    /// The row's key.
    pub(crate) key: String,
    /// What the conflict says.
    pub(crate) conflict: String,
}

/// The guard on `$db`, for the backend module `$backend`.
macro_rules! guard_helpers {
    ($db:ty, $backend:ident) => {
        use giftgate_actors::ports::StoreError;

        use crate::commit::guard::GuardCheck;
        use crate::error::db_error;

        type Conn = <$db as sqlx::Database>::Connection;

        /// `Ok` when a guarded statement changed its one row; otherwise names the
        /// failed guard (`check` is built only then).
        pub(crate) async fn one_row_or(
            conn: &mut Conn,
            rows: u64,
            check: impl FnOnce() -> GuardCheck,
        ) -> Result<(), StoreError> {
            if rows == 1 {
                Ok(())
            } else {
                Err(guard_failed(conn, check()).await)
            }
        }

        /// Names the failed guard: `NotFound` if the row is missing, else `Conflict`.
        pub(crate) async fn guard_failed(conn: &mut Conn, check: GuardCheck) -> StoreError {
            let found = sqlx::query_scalar::<$db, i64>(check.exists_sql)
                .bind(check.key.clone())
                .fetch_one(&mut *conn)
                .await;
            match found {
                Ok(0) => StoreError::NotFound(format!("{} does not exist", check.key)),
                Ok(_) => StoreError::Conflict(check.conflict),
                Err(error) => db_error(error),
            }
        }
    };
}

/// On PostgreSQL.
pub(crate) mod postgres {
    guard_helpers!(sqlx::Postgres, postgres);
}

/// On SQLite.
pub(crate) mod sqlite {
    guard_helpers!(sqlx::Sqlite, sqlite);
}
