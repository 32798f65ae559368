//! Broker round trips of the intake (ack, nack with requeue, confirmed publish), each
//! bounded in time so a connection that died under it cannot hold an order forever.

use std::future::Future;

use lapin::message::Delivery;
use lapin::options::{BasicNackOptions, BasicPublishOptions};
use lapin::types::ShortString;
use lapin::{BasicProperties, Channel};

use crate::connection;

pub(super) async fn requeue(delivery: &Delivery) {
    let options = BasicNackOptions {
        requeue: true,
        ..BasicNackOptions::default()
    };
    if let Err(error) = within(delivery.acker.nack(options)).await {
        tracing::info!(%error, "nack failed; the broker redelivers the message anyway");
    }
}

/// A broker round trip (ack, nack, publish, confirm) bounded by
/// [`connection::BROKER_TIMEOUT`]: on a connection that died under it (a network cut)
/// lapin may never answer, and an order waiting for it would hold up its subscriber's
/// chain and every drain. Giving up is safe: the broker redelivers what was not acked.
pub(super) async fn within<T>(
    round_trip: impl Future<Output = Result<T, lapin::Error>>,
) -> Result<T, String> {
    match tokio::time::timeout(connection::BROKER_TIMEOUT, round_trip).await {
        Ok(answer) => answer.map_err(|error| error.to_string()),
        Err(_) => Err(format!(
            "no answer from the broker within {:?}",
            connection::BROKER_TIMEOUT
        )),
    }
}

/// Publishes and waits for the broker's confirm; `true` only on an ack.
pub(super) async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: ShortString,
    body: &[u8],
    properties: BasicProperties,
) -> bool {
    let published = within(channel.basic_publish(
        exchange.into(),
        routing_key,
        BasicPublishOptions::default(),
        body,
        properties,
    ))
    .await;
    match published {
        Ok(confirm) => match within(confirm).await {
            Ok(confirmation) => confirmation.is_ack(),
            Err(error) => {
                tracing::warn!(%error, exchange, "no publisher confirm");
                false
            }
        },
        Err(error) => {
            tracing::warn!(%error, exchange, "publish failed");
            false
        }
    }
}
