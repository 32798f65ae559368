//! The delivery limit: an order that kept crashing its consumers is dead-lettered with
//! reason `delivery_limit` instead of being redelivered forever.

use std::time::Duration;

use futures::StreamExt;
use giftgate_amqp::AmqpConfig;
use lapin::options::{BasicConsumeOptions, BasicGetOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ConnectionProperties};

use super::{assert_applied_once, order_id};
use crate::helpers::{EventTap, Publisher, World, purchase, queue_depth, subscriber};

/// The broker's count of earlier deliveries on a delivery, if any.
fn delivery_count(delivery: &lapin::message::Delivery) -> Option<i64> {
    match delivery
        .properties
        .headers()
        .as_ref()?
        .inner()
        .get("x-delivery-count")?
    {
        AMQPValue::LongLongInt(n) => Some(*n),
        AMQPValue::LongInt(n) => Some(i64::from(*n)),
        _ => None,
    }
}

/// A consumer that takes the first order of `giftgate.orders` and "crashes": its channel
/// closes without an ack, so the broker takes the order back and counts the delivery.
/// Returns the delivery count the broker had put on it.
async fn crash_on_first_order(url: &str) -> Option<i64> {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("crashing consumer connects");
    let channel = connection.create_channel().await.expect("channel");
    channel
        .basic_qos(1, BasicQosOptions::default())
        .await
        .expect("qos");
    let mut consumer = channel
        .basic_consume(
            "giftgate.orders".into(),
            "crashing".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .expect("consume");
    let delivery = tokio::time::timeout(Duration::from_secs(10), consumer.next())
        .await
        .expect("the order is delivered")
        .expect("a delivery")
        .expect("no consumer error");
    let count = delivery_count(&delivery);
    drop(connection.close(320, "crashed".into()).await);
    count
}

#[actix_rt::test]
async fn an_order_that_kept_crashing_its_consumers_is_dead_lettered_at_the_delivery_limit() {
    let world = World::new().await;
    let publisher = Publisher::connect(&world.broker.url).await;
    giftgate_amqp::topology::declare(publisher.channel(), 0)
        .await
        .expect("topology");
    let buyer = subscriber(40);
    publisher.order(&purchase("poison-1", &buyer)).await;

    let limit = 3;
    let mut counts = Vec::new();
    for _ in 0..limit {
        counts.push(crash_on_first_order(&world.broker.url).await);
    }
    assert_eq!(
        counts,
        vec![None, Some(1), Some(2)],
        "the broker counts every delivery that was not finished"
    );

    publisher.order(&purchase("after-poison-1", &buyer)).await;
    publisher
        .order(&purchase("after-poison-2", &subscriber(41)))
        .await;
    let tap = EventTap::start(&world.broker.url).await;
    let mut instance = world
        .instance(AmqpConfig {
            delivery_limit: limit,
            ..world.config()
        })
        .await;
    tap.wait_for(
        "the orders behind the poison",
        Duration::from_secs(30),
        |log| {
            let completions = log.completions();
            completions.contains_key("after-poison-1") && completions.contains_key("after-poison-2")
        },
    )
    .await;

    let mut dead = None;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while dead.is_none() && std::time::Instant::now() < deadline {
        dead = publisher
            .channel()
            .basic_get(
                "giftgate.orders.dead".into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .expect("basic.get");
        if dead.is_none() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let dead = dead.expect("the poison order is dead-lettered");
    let body: serde_json::Value = serde_json::from_slice(&dead.delivery.data).expect("json");
    assert_eq!(body["order_id"], "poison-1", "the original body is kept");
    let reason = dead
        .delivery
        .properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get("x-giftgate-error").cloned());
    let Some(AMQPValue::LongString(reason)) = reason else {
        panic!("no x-giftgate-error: {dead:?}");
    };
    assert_eq!(
        reason.to_string(),
        "delivery_limit: delivered 4 times without finishing"
    );
    assert!(
        world
            .store
            .order(&order_id("poison-1"))
            .await
            .expect("store")
            .is_none(),
        "the poison order never ran"
    );
    instance.shutdown().await;
    assert_eq!(queue_depth(publisher.channel(), "giftgate.orders").await, 0);
    assert_applied_once(
        &world,
        &["after-poison-1".to_owned(), "after-poison-2".to_owned()],
    )
    .await;
    world.finish().await;
}
