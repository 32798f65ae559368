//! The delivery limit: an order that kept crashing its consumers is dead-lettered with
//! reason `delivery_limit` instead of being redelivered forever; an order the broker
//! only took back unstarted (lost connections) is not counted and still runs.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use giftgate_actors::domain::Money;
use giftgate_actors::domain::records::OrderStatus;
use giftgate_actors::ports::{PaymentError, PaymentRail, PaymentRequest, RailStatus};
use giftgate_amqp::AmqpConfig;
use lapin::Channel;
use lapin::options::{BasicConsumeOptions, BasicGetOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ConnectionProperties};

use super::{assert_applied_once, order_id};
use crate::helpers::{EventTap, Publisher, World, purchase, queue_depth, subscriber};

/// The order the buggy rail cannot handle.
const POISON: &str = "poison-1";

/// A real carrier rail with a bug: reserving for the order [`POISON`] panics, so every
/// start of that order dies inside its subscriber session.
struct PanicsOnPoison(Arc<dyn PaymentRail>);

#[async_trait::async_trait]
impl PaymentRail for PanicsOnPoison {
    async fn reserve(&self, request: &PaymentRequest) -> Result<String, PaymentError> {
        if request.order_id.as_str() == POISON {
            panic!("the rail adapter cannot handle {POISON}");
        }
        self.0.reserve(request).await
    }

    async fn charge(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        self.0.charge(request, reference).await
    }

    async fn release(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        self.0.release(request, reference).await
    }

    async fn refund(
        &self,
        request: &PaymentRequest,
        reference: &str,
        amount: Money,
        refund_key: &str,
    ) -> Result<(), PaymentError> {
        self.0.refund(request, reference, amount, refund_key).await
    }

    async fn status(&self, request: &PaymentRequest) -> Result<RailStatus, PaymentError> {
        self.0.status(request).await
    }
}

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

/// A consumer that takes the first order of `giftgate.orders` and loses its connection
/// before doing anything with it, so the broker takes the order back and counts the
/// delivery. Returns the delivery count the broker had put on it.
async fn take_first_order_and_drop_it(url: &str) -> Option<i64> {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("consumer connects");
    let channel = connection.create_channel().await.expect("channel");
    channel
        .basic_qos(1, BasicQosOptions::default())
        .await
        .expect("qos");
    let mut consumer = channel
        .basic_consume(
            "giftgate.orders".into(),
            "dropping".into(),
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
    drop(connection.close(320, "connection lost".into()).await);
    count
}

/// The next dead letter, waiting up to `within`.
async fn next_dead_letter(channel: &Channel, within: Duration) -> lapin::message::BasicGetMessage {
    let deadline = std::time::Instant::now() + within;
    loop {
        let dead = channel
            .basic_get(
                "giftgate.orders.dead".into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .expect("basic.get");
        if let Some(dead) = dead {
            return dead;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no dead letter within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `x-giftgate-error` header of a dead letter.
fn dead_letter_reason(dead: &lapin::message::BasicGetMessage) -> String {
    let reason = dead
        .delivery
        .properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get("x-giftgate-error").cloned());
    let Some(AMQPValue::LongString(reason)) = reason else {
        panic!("no x-giftgate-error: {dead:?}");
    };
    reason.to_string()
}

#[actix_rt::test]
async fn an_order_that_kept_crashing_its_session_is_dead_lettered_at_the_delivery_limit() {
    let world = World::new().await;
    let publisher = Publisher::connect(&world.broker.url).await;
    giftgate_amqp::topology::declare(publisher.channel(), 0)
        .await
        .expect("topology");
    let buyer = subscriber(40);
    publisher.order(&purchase(POISON, &buyer)).await;
    publisher.order(&purchase("after-poison-1", &buyer)).await;
    publisher
        .order(&purchase("after-poison-2", &subscriber(41)))
        .await;
    let tap = EventTap::start(&world.broker.url).await;
    let ledger = world
        .ledger_with_rail(|carrier| Arc::new(PanicsOnPoison(carrier)))
        .await;
    let limit = 2;
    let mut instance = world
        .instance_on(
            AmqpConfig {
                delivery_limit: limit,
                ..world.config()
            },
            ledger,
        )
        .await;

    // Start 1 (first delivery) and start 2 (first redelivery) die in the session; the
    // intake retries each for about 3 s and gives it back; the second redelivery is
    // over the limit and dead-lettered.
    let dead = next_dead_letter(publisher.channel(), Duration::from_secs(30)).await;
    let body: serde_json::Value = serde_json::from_slice(&dead.delivery.data).expect("json");
    assert_eq!(body["order_id"], POISON, "the original body is kept");
    assert_eq!(
        dead_letter_reason(&dead),
        "delivery_limit: started 2 times without finishing"
    );
    tap.wait_for(
        "the orders behind the poison",
        Duration::from_secs(30),
        |log| {
            let completions = log.completions();
            completions.contains_key("after-poison-1") && completions.contains_key("after-poison-2")
        },
    )
    .await;
    let poison = world
        .store
        .order(&order_id(POISON))
        .await
        .expect("store")
        .expect("the poison order was started");
    assert_eq!(
        poison.status,
        OrderStatus::Pending,
        "never finished: recovery's business, nothing was charged"
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

#[actix_rt::test]
async fn an_order_given_back_unstarted_more_often_than_the_limit_still_runs() {
    let world = World::new().await;
    let publisher = Publisher::connect(&world.broker.url).await;
    giftgate_amqp::topology::declare(publisher.channel(), 0)
        .await
        .expect("topology");
    publisher
        .order(&purchase("flapping-1", &subscriber(42)))
        .await;

    let limit = 2;
    let mut counts = Vec::new();
    for _ in 0..=limit {
        counts.push(take_first_order_and_drop_it(&world.broker.url).await);
    }
    assert_eq!(
        counts,
        vec![None, Some(1), Some(2)],
        "the broker counts every delivery that was not finished"
    );

    let tap = EventTap::start(&world.broker.url).await;
    let mut instance = world
        .instance(AmqpConfig {
            delivery_limit: u32::try_from(limit).expect("small"),
            ..world.config()
        })
        .await;
    tap.wait_for(
        "the order after three lost connections",
        Duration::from_secs(30),
        |log| log.completions().contains_key("flapping-1"),
    )
    .await;
    instance.shutdown().await;
    assert_eq!(queue_depth(publisher.channel(), "giftgate.orders").await, 0);
    assert_eq!(
        queue_depth(publisher.channel(), "giftgate.orders.dead").await,
        0,
        "lost connections are not the order's fault"
    );
    assert_applied_once(&world, &["flapping-1".to_owned()]).await;
    world.finish().await;
}
