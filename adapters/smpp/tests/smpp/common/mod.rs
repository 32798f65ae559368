//! Helpers shared by the integration tests: a simulator, a client wired to it, and waits.
#![allow(clippy::unwrap_used, missing_docs)]

pub mod peers;

use std::net::SocketAddr;
use std::time::Duration;

use giftgate_smpp::{
    FaultConfig, OutboundSms, RetryPolicy, SmppClient, SmppClientConfig, SmppEvent, SmscSimConfig,
    SmscSimHandle, SmscSimulator,
};
use tokio::sync::mpsc;

pub const HANDSET: &str = "+821012345678";

pub async fn simulator(faults: FaultConfig) -> SmscSimHandle {
    SmscSimulator::start(SmscSimConfig {
        receipt_delay: Duration::from_millis(20),
        faults,
        ..SmscSimConfig::default()
    })
    .await
    .unwrap()
}

/// Short delays so fault tests finish quickly.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        reconnect_initial: Duration::from_millis(50),
        reconnect_max: Duration::from_millis(400),
        throttle_initial: Duration::from_millis(20),
        throttle_max: Duration::from_millis(200),
        temporary_initial: Duration::from_millis(20),
        temporary_max: Duration::from_millis(200),
        temporary_attempts: 5,
    }
}

pub fn client_config(addr: SocketAddr) -> SmppClientConfig {
    SmppClientConfig {
        host: addr.ip().to_string(),
        port: addr.port(),
        response_timeout: Duration::from_secs(2),
        retry: fast_retry(),
        ..SmppClientConfig::default()
    }
}

pub fn start_client(config: SmppClientConfig) -> (SmppClient, mpsc::Receiver<SmppEvent>) {
    let (events, receiver) = mpsc::channel(256);
    (SmppClient::start(config, events), receiver)
}

pub fn sms(message_ref: &str, destination: &str, text: &str) -> OutboundSms {
    OutboundSms {
        message_ref: message_ref.to_owned(),
        destination: destination.to_owned(),
        text: text.to_owned(),
    }
}

/// Polls `condition` every 10 ms for up to 10 s.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Next event within 10 s.
pub async fn next_event(events: &mut mpsc::Receiver<SmppEvent>) -> SmppEvent {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("no event within 10 s")
        .expect("event channel closed")
}
