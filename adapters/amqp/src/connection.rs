//! Opening broker connections, and opening them again after they are lost.
//!
//! Each actor (the intake and the outbox publisher) owns one connection, named in the
//! broker's connection list (`giftgate-intake`, `giftgate-outbox`), so one can be lost
//! and recovered without disturbing the other. lapin's own auto-recovery is left off:
//! the actors reconnect with [`crate::retry::reconnect`] and declare the topology again,
//! which is also how they first connect.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use lapin::uri::AMQPUri;
use lapin::{Connection, ConnectionProperties};
use tokio::sync::watch;

use crate::retry;

/// Longest a connection handshake, or a channel or connection close, may take: a
/// half-open TCP connection (a network cut the kernel has not noticed yet) must not hang
/// a reconnect or a shutdown.
pub const BROKER_TIMEOUT: Duration = Duration::from_secs(10);

/// The AMQP heartbeat interval (seconds) asked for when the broker URL names none
/// (`?heartbeat=N` on the URL overrides it; the lower of ours and the broker's wins).
/// A link that falls silent without closing — a half-open TCP connection behind a failed
/// router or firewall — is only given up after two intervals without a frame; with
/// RabbitMQ's 60 s that would be two minutes of a dead link reported up.
pub const DEFAULT_HEARTBEAT_SECS: u16 = 10;

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The broker URL does not parse as an AMQP URI.
    #[error("invalid broker URL: {0}")]
    InvalidUrl(String),
    /// The broker refused or the connection failed.
    #[error(transparent)]
    Broker(#[from] lapin::Error),
    /// The handshake did not finish within [`BROKER_TIMEOUT`].
    #[error("no answer from the broker within {0:?}")]
    Timeout(Duration),
}

/// Opens one connection named `name` to `url`, within [`BROKER_TIMEOUT`], with a
/// [`DEFAULT_HEARTBEAT_SECS`] heartbeat unless the URL names one.
pub async fn connect(url: &str, name: &str) -> Result<Connection, ConnectError> {
    let uri = with_default_heartbeat(url)?;
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    match tokio::time::timeout(BROKER_TIMEOUT, Connection::connect_uri(uri, properties)).await {
        Ok(connected) => Ok(connected?),
        Err(_) => Err(ConnectError::Timeout(BROKER_TIMEOUT)),
    }
}

/// Parses `url`, asking for [`DEFAULT_HEARTBEAT_SECS`] when it names no heartbeat.
fn with_default_heartbeat(url: &str) -> Result<AMQPUri, ConnectError> {
    let mut uri: AMQPUri = url.parse().map_err(ConnectError::InvalidUrl)?;
    uri.query.heartbeat.get_or_insert(DEFAULT_HEARTBEAT_SECS);
    Ok(uri)
}

/// Awaits a close (of a channel or a connection) for at most [`BROKER_TIMEOUT`]; the
/// outcome does not matter to the caller, which is letting go either way.
pub async fn close_within<T>(what: &'static str, close: impl Future<Output = T>) {
    if tokio::time::timeout(BROKER_TIMEOUT, close).await.is_err() {
        tracing::warn!(what, "closing took too long; giving up on it");
    }
}

/// Resolves with the error once `connection`'s I/O loop reports it lost.
///
/// A link that is idle (an intake with nothing to consume, an outbox with nothing to
/// publish) would otherwise only find out at its next operation, and readiness would
/// report it up meanwhile. Call it when a session starts and keep the future: it sees
/// the errors reported after the call, and a connection already down at the call.
pub fn dropped(connection: &Connection) -> impl Future<Output = lapin::Error> + '_ {
    let mut events = connection.events_listener();
    let already_down = !connection.status().connected();
    async move {
        if already_down {
            return not_connected();
        }
        while let Some(event) = events.next().await {
            if let lapin::Event::Error(error) = event {
                return error;
            }
        }
        // The connection is gone without an error event: treat it as lost all the same.
        not_connected()
    }
}

fn not_connected() -> lapin::Error {
    lapin::ErrorKind::IOError(std::sync::Arc::new(std::io::Error::new(
        std::io::ErrorKind::NotConnected,
        "the broker connection is down",
    )))
    .into()
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

/// Backoff between connection *sessions*: a connection that opens but fails at once
/// (e.g. the broker refuses the topology) must not be retried in a tight loop, while one
/// that served for a while is re-established at once.
#[derive(Debug)]
pub struct SessionPause {
    schedule: retry::RetrySchedule,
}

/// How long a session must have lasted for the next failure to start the backoff over.
const HEALTHY_SESSION: std::time::Duration = std::time::Duration::from_secs(10);

impl SessionPause {
    /// A fresh pause policy ([`retry::reconnect`]).
    pub fn new() -> Self {
        SessionPause {
            schedule: retry::reconnect(),
        }
    }

    /// Marks the start of a session; hand the result to [`SessionPause::after_failure`].
    pub fn session_started(&self) -> std::time::Instant {
        std::time::Instant::now()
    }

    /// A link (`intake`, `outbox`, `members`) lost its connection: counts it in
    /// `giftgate_amqp_reconnects_total{link}`, logs it, closes what is left of the
    /// connection and waits as [`SessionPause::after_failure`]; `false` if `stop` was
    /// raised meanwhile.
    pub async fn after_lost_connection(
        &mut self,
        link: &'static str,
        error: &dyn std::fmt::Display,
        connection: &Connection,
        started: std::time::Instant,
        stop: &mut watch::Receiver<bool>,
    ) -> bool {
        metrics::counter!("giftgate_amqp_reconnects_total", "link" => link).increment(1);
        tracing::warn!(link, %error, "lost the broker connection; reconnecting");
        close_within("connection", connection.close(320, "reconnecting".into())).await;
        self.after_failure(started, stop).await
    }

    /// Waits before the next session after one that failed; `false` if `stop` was raised
    /// meanwhile.
    pub async fn after_failure(
        &mut self,
        started: std::time::Instant,
        stop: &mut watch::Receiver<bool>,
    ) -> bool {
        if started.elapsed() >= HEALTHY_SESSION {
            self.schedule.reset();
            return !*stop.borrow();
        }
        let delay = self
            .schedule
            .next_delay()
            .unwrap_or(std::time::Duration::from_secs(5));
        tokio::select! {
            () = tokio::time::sleep(delay) => !*stop.borrow(),
            _ = stop.changed() => false,
        }
    }
}

impl Default for SessionPause {
    fn default() -> Self {
        SessionPause::new()
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
    use super::{
        ConnectError, DEFAULT_HEARTBEAT_SECS, SessionPause, redact_url, with_default_heartbeat,
    };

    #[tokio::test(start_paused = true)]
    async fn a_session_that_fails_at_once_is_retried_after_a_pause() {
        let (stop_tx, mut stop) = tokio::sync::watch::channel(false);
        let mut pause = SessionPause::new();
        let before = tokio::time::Instant::now();
        let started = pause.session_started();
        assert!(pause.after_failure(started, &mut stop).await);
        let waited = before.elapsed();
        assert!(
            waited >= std::time::Duration::from_millis(70),
            "waited {waited:?}"
        );

        stop_tx.send_replace(true);
        let started = pause.session_started();
        assert!(
            !pause.after_failure(started, &mut stop).await,
            "a raised stop ends the retries"
        );
    }

    #[test]
    fn a_url_without_a_heartbeat_asks_for_the_default_and_one_with_it_keeps_its_own() {
        let plain =
            with_default_heartbeat("amqp://guest:guest@127.0.0.1:5672/%2f").expect("a valid URL");
        assert_eq!(plain.query.heartbeat, Some(DEFAULT_HEARTBEAT_SECS));
        let own =
            with_default_heartbeat("amqp://127.0.0.1:5672/%2f?heartbeat=1").expect("a valid URL");
        assert_eq!(own.query.heartbeat, Some(1));
        let off = with_default_heartbeat("amqp://127.0.0.1/%2f?heartbeat=0").expect("a valid URL");
        assert_eq!(off.query.heartbeat, Some(0), "an explicit 0 turns it off");
        assert!(matches!(
            with_default_heartbeat("amqp://127.0.0.1:notaport/"),
            Err(ConnectError::InvalidUrl(_))
        ));
    }

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
