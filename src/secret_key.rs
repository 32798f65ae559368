//! The key that encrypts PINs at rest (`GIFTGATE_SECRET_KEY`).
//!
//! With PostgreSQL it must be configured (several instances share it). With the embedded
//! SQLite default it is generated on first start and kept beside the database file as
//! `<file>.key` (mode 0600), so a restart can still open the PINs it sealed.

use std::path::PathBuf;

use giftgate_actors::domain::PinCipher;

/// Why no key could be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    /// PostgreSQL without a configured key.
    #[error("GIFTGATE_SECRET_KEY (64 hex digits) is required with PostgreSQL")]
    Required,
    /// The configured or stored key is not 32 bytes of hex.
    #[error("the secret key is not 64 hex digits")]
    Malformed,
    /// The key file could not be read or written.
    #[error("secret key file {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// The PIN cipher for a database URL and an optional configured key.
pub fn pin_cipher(
    database_url: &str,
    configured: Option<&str>,
) -> Result<PinCipher, SecretKeyError> {
    if let Some(key) = configured {
        return PinCipher::from_hex(key).map_err(|_| SecretKeyError::Malformed);
    }
    let Some(path) = sqlite_file(database_url) else {
        if database_url.starts_with("sqlite:") {
            // In-memory SQLite lives only as long as the process: so may its key.
            return PinCipher::from_hex(&PinCipher::generate_key_hex())
                .map_err(|_| SecretKeyError::Malformed);
        }
        return Err(SecretKeyError::Required);
    };
    let key_path = PathBuf::from(format!("{}.key", path.display()));
    match std::fs::read_to_string(&key_path) {
        Ok(key) => PinCipher::from_hex(key.trim()).map_err(|_| SecretKeyError::Malformed),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = PinCipher::generate_key_hex();
            write_private(&key_path, &key).map_err(|source| SecretKeyError::File {
                path: key_path.clone(),
                source,
            })?;
            PinCipher::from_hex(&key).map_err(|_| SecretKeyError::Malformed)
        }
        Err(source) => Err(SecretKeyError::File {
            path: key_path,
            source,
        }),
    }
}

/// The file of a `sqlite://path?…` URL; `None` for in-memory databases and other schemes.
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

fn write_private(path: &PathBuf, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://giftgate.db?mode=rwc"),
            Some(PathBuf::from("giftgate.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:/tmp/x.db"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }

    #[test]
    fn postgres_needs_a_configured_key() {
        assert!(matches!(
            pin_cipher("postgres://db/x", None),
            Err(SecretKeyError::Required)
        ));
        assert!(pin_cipher("postgres://db/x", Some(&"ab".repeat(32))).is_ok());
    }

    #[test]
    fn a_sqlite_key_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/g.db?mode=rwc", dir.path().display());
        let first = pin_cipher(&url, None).unwrap();
        let pin = giftgate_actors::domain::Pin::parse("123456").unwrap();
        let sealed = first.seal(&pin, "c");
        let second = pin_cipher(&url, None).unwrap();
        assert_eq!(second.open(&sealed, "c").unwrap(), pin);
    }
}
