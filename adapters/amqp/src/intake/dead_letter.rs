//! Dead letters: a message that is not an order, or an order past the delivery limit, is
//! re-published to `giftgate.orders.dlx` with `x-giftgate-error: <code>: <detail>` and
//! acked once the broker confirmed it.

use lapin::Channel;
use lapin::message::Delivery;
use lapin::options::BasicAckOptions;
use lapin::types::{AMQPValue, LongString};

use super::in_flight::Flight;
use super::round_trip::{publish_confirmed, requeue, within};
use crate::retry;
use crate::topology::{DEAD_LETTER_EXCHANGE, ERROR_HEADER};

/// Why a message is dead-lettered (`x-giftgate-error: <code>: <detail>`).
#[derive(Debug)]
pub(super) struct DeadLetter {
    pub(super) code: &'static str,
    pub(super) detail: String,
}

/// Publishes an invalid message to the dead-letter exchange with its reason, then acks
/// it; if the broker does not confirm, nacks it with requeue (tried again later).
pub(super) async fn dead_letter(
    channel: Channel,
    delivery: Delivery,
    error: DeadLetter,
    _flight: Flight,
) {
    let reason = format!("{}: {}", error.code, error.detail);
    tracing::warn!(code = error.code, routing_key = %delivery.routing_key, "dead-lettering an invalid order");
    metrics::counter!("giftgate_amqp_orders_total", "outcome" => "dead_lettered").increment(1);
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        ERROR_HEADER.into(),
        AMQPValue::LongString(LongString::from(reason)),
    );
    let properties = delivery.properties.clone().with_headers(headers);
    let confirmed = publish_confirmed(
        &channel,
        DEAD_LETTER_EXCHANGE,
        delivery.routing_key.clone(),
        &delivery.data,
        properties,
    )
    .await;
    if confirmed {
        if let Err(error) = within(delivery.acker.ack(BasicAckOptions::default())).await {
            tracing::info!(%error, "ack of a dead-lettered message failed; it will be redelivered");
        }
    } else {
        tokio::time::sleep(retry::REQUEUE_PAUSE).await;
        requeue(&delivery).await;
    }
}
