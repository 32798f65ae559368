//! Choosing and opening a backend from a database URL, once, at the composition root.
//!
//! `postgres://` and `postgresql://` open [`PgStore`], `sqlite:` opens [`SqliteStore`];
//! anything else is refused with an error that names the accepted schemes. Everything
//! after works through one `Arc<dyn Store>`. URLs appear in logs and errors only through
//! [`redact_url`], so a database password never does.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use giftgate_actors::ports::{Store, StoreError};

use crate::error::other;
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;

/// Pool and connection tuning; `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Pool size; `None` takes the backend's default (PostgreSQL 16, SQLite 8; an
    /// in-memory SQLite database always uses one connection).
    pub max_connections: Option<u32>,
    /// How long a caller waits for a free connection before failing (default 10 s).
    pub acquire_timeout: Duration,
    /// SQLite only: how long a writer waits for the write lock (default 5 s).
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: None,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Where the store lives and how to pool it; `Debug` hides the URL's password.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// The database URL (`postgres://user:password@host/db`, `sqlite:giftgate.db`).
    pub url: String,
    /// Pool tuning.
    pub options: StoreOptions,
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSettings")
            .field("url", &redact_url(&self.url))
            .field("options", &self.options)
            .finish()
    }
}

impl StoreSettings {
    /// Opens the store these settings name (see [`connect_with`]).
    pub async fn connect(&self) -> Result<Arc<dyn Store>, StoreError> {
        connect_with(&self.url, &self.options).await
    }
}

/// The database kinds the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL (`postgres://`, `postgresql://`).
    Postgres,
    /// SQLite (`sqlite:`).
    Sqlite,
}

impl Backend {
    /// The backend a URL names, by its scheme.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        let lower = url.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if lower.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(other(format!(
                "unsupported database URL {}: expected postgres://, postgresql:// or sqlite:",
                redact_url(url)
            )))
        }
    }
}

/// Opens the store at `url` with default options, choosing the backend by scheme, and
/// applies that backend's migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    connect_with(url, &StoreOptions::default()).await
}

/// Opens the store at `url` with `options`, choosing the backend by scheme.
pub async fn connect_with(url: &str, options: &StoreOptions) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match Backend::of_url(url)? {
        Backend::Postgres => Arc::new(PgStore::connect(url, options).await?),
        Backend::Sqlite => Arc::new(SqliteStore::connect(url, options).await?),
    })
}

/// The URL with any password replaced by `***`, both in the user-info part
/// (`postgres://user:***@host/db`) and in a `password=` query parameter.
///
/// ```
/// use giftgate_store::redact_url;
/// assert_eq!(
///     redact_url("postgres://gg:s3cret@db:5432/gg?sslmode=require&password=x"),
///     "postgres://gg:***@db:5432/gg?sslmode=require&password=***"
/// );
/// assert_eq!(redact_url("sqlite:giftgate.db"), "sqlite:giftgate.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut redacted = redact_user_info(base);
    if let Some(query) = query {
        let parameters: Vec<String> = query
            .split('&')
            .map(|parameter| match parameter.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => parameter.to_owned(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&parameters.join("&"));
    }
    redacted
}

fn redact_user_info(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else {
        return base.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((user_info, host)) = authority.rsplit_once('@') else {
        return base.to_owned();
    };
    match user_info.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
        None => base.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_debug_output() {
        let settings = StoreSettings {
            url: "postgresql://giftgate:hunter2@db.internal/giftgate".to_owned(),
            options: StoreOptions::default(),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("giftgate:***@db.internal"), "{shown}");
    }

    #[test]
    fn urls_without_a_password_are_unchanged() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/postgres",
            "sqlite::memory:",
            "sqlite://data/giftgate.db?mode=rwc",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn the_scheme_chooses_the_backend() {
        assert_eq!(
            Backend::of_url("postgres://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("sqlite:gg.db").ok(), Some(Backend::Sqlite));
        let refused = Backend::of_url("mysql://root:pw@h/db");
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("expected postgres://"), "{message}");
        assert!(!message.contains("pw@"), "{message}");
    }
}
