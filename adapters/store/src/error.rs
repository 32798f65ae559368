//! Driver errors translated at the seam into the port's [`StoreError`].
//!
//! A unique violation means someone else took the key first (`Conflict`); a foreign-key
//! violation means a change refers to a row that does not exist (`NotFound`); a
//! PostgreSQL serialization failure or deadlock is a lost race (`Conflict`: re-read and
//! decide again). Everything else is `Other`, with the driver error as its source.

use giftgate_actors::ports::StoreError;
use sqlx::error::ErrorKind;

/// Translates a driver error into the port's terms.
pub(crate) fn db_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(database) = &error {
        match database.kind() {
            ErrorKind::UniqueViolation => {
                return StoreError::Conflict(format!("unique key taken: {}", database.message()));
            }
            ErrorKind::ForeignKeyViolation => {
                return StoreError::NotFound(format!(
                    "referenced row missing: {}",
                    database.message()
                ));
            }
            _ => {}
        }
        // 40001 serialization_failure, 40P01 deadlock_detected (PostgreSQL).
        if matches!(database.code().as_deref(), Some("40001" | "40P01")) {
            return StoreError::Conflict(format!("lost a race: {}", database.message()));
        }
    }
    StoreError::Other(Box::new(error))
}

/// A stored value that does not read back as a domain value.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

/// An error of the adapter itself (configuration, URL), not of the driver.
pub(crate) fn other(message: impl Into<String>) -> StoreError {
    StoreError::Other(message.into().into())
}
