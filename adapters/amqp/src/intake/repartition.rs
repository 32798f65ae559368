//! Scale-out: the ingress queue's valid orders re-published to the consistent-hash
//! exchange by MSISDN, so each subscriber's orders reach the one partition that runs them.

use giftgate_actors::domain::Order;
use lapin::Channel;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicPublishOptions};
use lapin::types::{AMQPValue, LongString};

use super::in_flight::Flight;
use super::round_trip::{requeue, within};
use crate::retry;
use crate::topology::{MSISDN_HEADER, PARTITION_EXCHANGE};

/// Scale-out: re-publishes a valid order to the consistent-hash exchange keyed by its
/// MSISDN (in delivery order: the publish is sent before the next delivery is taken) and
/// acks the ingress message once the broker confirmed.
pub(super) async fn repartition(
    channel: &Channel,
    delivery: Delivery,
    order: &Order,
    flight: Flight,
) -> Result<(), lapin::Error> {
    let msisdn = order.msisdn.as_str();
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        MSISDN_HEADER.into(),
        AMQPValue::LongString(LongString::from(msisdn)),
    );
    let properties = delivery.properties.clone().with_headers(headers);
    let confirm = channel
        .basic_publish(
            PARTITION_EXCHANGE.into(),
            msisdn.into(),
            BasicPublishOptions::default(),
            &delivery.data,
            properties,
        )
        .await?;
    actix::spawn(async move {
        let _flight = flight;
        match within(confirm).await {
            Ok(confirmation) if confirmation.is_ack() => {
                if let Err(error) = within(delivery.acker.ack(BasicAckOptions::default())).await {
                    tracing::info!(%error, "ack of a re-partitioned order failed; it will be re-published");
                }
            }
            other => {
                tracing::warn!(outcome = ?other.map(|c| c.is_ack()), "re-partitioning not confirmed; requeueing");
                tokio::time::sleep(retry::REQUEUE_PAUSE).await;
                requeue(&delivery).await;
            }
        }
    });
    Ok(())
}
