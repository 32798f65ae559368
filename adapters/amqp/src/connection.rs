//! Opening broker connections, and opening them again after they are lost.
//!
//! Each actor (the intake and the outbox publisher) owns one connection, named in the
//! broker's connection list (`giftgate-intake`, `giftgate-outbox`), so one can be lost
//! and recovered without disturbing the other. lapin's own auto-recovery is left off:
//! the actors reconnect with [`crate::retry::reconnect`] and declare the topology again,
//! which is also how they first connect.

use lapin::{Connection, ConnectionProperties};
use tokio::sync::watch;

use crate::retry;

/// Opens one connection named `name` to `url`.
pub async fn connect(url: &str, name: &str) -> Result<Connection, lapin::Error> {
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    Connection::connect(url, properties).await
}

/// Opens a connection, retrying with [`retry::reconnect`] until it succeeds; `None` if
/// `stop` is raised first.
pub async fn connect_with_backoff(
    url: &str,
    name: &str,
    stop: &mut watch::Receiver<bool>,
) -> Option<Connection> {
    let mut schedule = retry::reconnect();
    loop {
        if *stop.borrow() {
            return None;
        }
        match connect(url, name).await {
            Ok(connection) => return Some(connection),
            Err(error) => {
                let delay = schedule
                    .next_delay()
                    .unwrap_or(std::time::Duration::from_secs(5));
                tracing::warn!(%error, connection = name, url = %redact_url(url), retry_in = ?delay, "cannot reach the broker");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = stop.changed() => return None,
                }
            }
        }
    }
}

/// `url` with its password replaced by `***` (for logs and `Debug`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn the_password_never_shows() {
        assert_eq!(
            redact_url("amqp://guest:s3cret@127.0.0.1:5672/%2f"),
            "amqp://guest:***@127.0.0.1:5672/%2f"
        );
        assert_eq!(redact_url("amqp://127.0.0.1"), "amqp://127.0.0.1");
        assert_eq!(redact_url("amqp://user@host"), "amqp://user@host");
    }
}
