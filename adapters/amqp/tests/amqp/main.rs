//! End-to-end tests of the RabbitMQ order pipeline against the local broker (a vhost of
//! their own each) and PostgreSQL (a fresh database each). Every test ends with the
//! ledger audit.

mod helpers;
mod network_cut;
mod paced;
mod poison;
mod scale_out;

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use giftgate_actors::actors::registry::ActiveSessions;
use giftgate_actors::domain::records::OrderStatus;
use giftgate_actors::domain::{OrderId, OutboxChannel, OutboxRecord};
use giftgate_amqp::AmqpConfig;
use helpers::{EventTap, Publisher, World, purchase, queue_depth, subscriber};
use lapin::options::{BasicConsumeOptions, BasicGetOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use paced::PacedPublisher;
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(90);

fn order_id(text: &str) -> OrderId {
    OrderId::parse(text).expect("valid order id")
}

/// Asserts each order is completed with exactly one certificate.
async fn assert_applied_once(world: &World, order_ids: &[String]) {
    for id in order_ids {
        let record = world
            .store
            .order(&order_id(id))
            .await
            .expect("store")
            .unwrap_or_else(|| panic!("order {id} was recorded"));
        assert_eq!(record.status, OrderStatus::Completed, "order {id}");
        let certificates = world
            .store
            .certificates_of_order(&order_id(id))
            .await
            .expect("store");
        assert_eq!(
            certificates.len(),
            1,
            "order {id} issued exactly one certificate"
        );
    }
}

/// Waits until the tap has seen every order of `ids` completed, then asserts each was
/// applied once: one `order.completed` and one `certificate.issued` each on the tap, one
/// certificate each in the store, and every event marked delivered.
async fn assert_every_order_completed_once(world: &World, tap: &EventTap, ids: &[String]) {
    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == ids.len()
    })
    .await;
    assert_every_event_delivered(world).await;
    assert_applied_once(world, ids).await;
    tap.with(|log| {
        assert!(log.completions().values().all(|count| *count == 1));
        assert_eq!(log.of_type("certificate.issued").count(), ids.len());
    });
}

/// Asserts the outbox publisher marks every event delivered within 15 s (the events of
/// completed orders may still be awaiting their confirms).
async fn assert_every_event_delivered(world: &World) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let undelivered = undelivered_events(world).await.len();
        if undelivered == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{undelivered} events never marked delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The event entries of the outbox not yet marked delivered (up to 10,000).
async fn undelivered_events(world: &World) -> Vec<OutboxRecord> {
    world
        .store
        .outbox_pending(10_000)
        .await
        .expect("store")
        .into_iter()
        .filter(|entry| entry.message.channel() == OutboxChannel::Event)
        .collect()
}

/// Publishes many purchases quickly (confirms awaited together).
async fn publish_all(publisher: &Publisher, orders: &[Value]) {
    for chunk in orders.chunks(200) {
        publisher.try_publish_all(chunk).await.expect("publish");
    }
}

/// Publishes `total` purchases `<prefix>-<i>`, spread round-robin over `spread`
/// subscribers from `first_subscriber`; answers their order ids in publish order.
async fn publish_purchases(
    publisher: &Publisher,
    prefix: &str,
    total: usize,
    first_subscriber: usize,
    spread: usize,
) -> Vec<String> {
    let (ids, orders) = purchases(prefix, total, first_subscriber, spread);
    publish_all(publisher, &orders).await;
    ids
}

/// `total` purchases `<prefix>-<i>`, spread round-robin over `spread` subscribers from
/// `first_subscriber`: their order ids and the orders, in publish order.
fn purchases(
    prefix: &str,
    total: usize,
    first_subscriber: usize,
    spread: usize,
) -> (Vec<String>, Vec<Value>) {
    let ids: Vec<String> = (0..total).map(|i| format!("{prefix}-{i}")).collect();
    let orders = ids
        .iter()
        .enumerate()
        .map(|(i, id)| purchase(id, &subscriber(first_subscriber + i % spread)))
        .collect();
    (ids, orders)
}

/// Asserts each subscriber's orders `<prefix>-<s>-<round>` were recorded in round order.
async fn assert_recorded_in_round_order(
    world: &World,
    prefix: &str,
    subscribers: usize,
    rounds: usize,
) {
    for s in 0..subscribers {
        let mut previous = None;
        for round in 0..rounds {
            let record = world
                .store
                .order(&order_id(&format!("{prefix}-{s}-{round}")))
                .await
                .expect("store")
                .expect("recorded");
            if let Some(previous) = previous {
                assert!(
                    previous <= record.created_at,
                    "subscriber {s} round {round}"
                );
            }
            previous = Some(record.created_at);
        }
    }
}

#[actix_rt::test]
async fn a_purchase_by_amqp_completes_with_events_and_a_reply_with_its_correlation_id() {
    let world = World::new().await;
    let mut instance = world.instance(world.config()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let reply_queue = publisher
        .channel()
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("reply queue");
    let reply_name = reply_queue.name().to_string();
    let mut replies = publisher
        .channel()
        .basic_consume(
            reply_name.as_str().into(),
            "replies".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("consume replies");

    let order = purchase("amqp-buy-1", &subscriber(1));
    publisher
        .raw(
            "purchase",
            order.to_string().as_bytes(),
            Some(&reply_name),
            Some("corr-42"),
        )
        .await;

    let reply = tokio::time::timeout(Duration::from_secs(30), replies.next())
        .await
        .expect("a reply in time")
        .expect("a reply")
        .expect("a delivery");
    assert_eq!(
        reply
            .properties
            .correlation_id()
            .as_ref()
            .map(|c| c.as_str()),
        Some("corr-42")
    );
    assert_eq!(
        reply.properties.content_type().as_ref().map(|c| c.as_str()),
        Some("application/json")
    );
    let answer: Value = serde_json::from_slice(&reply.data).expect("JSON reply");
    assert_eq!(answer["type"], "order.completed");
    assert_eq!(answer["order_id"], "amqp-buy-1");
    let code = answer["outcome"]["certificate_codes"][0]
        .as_str()
        .expect("a certificate code")
        .to_owned();

    tap.wait_for("the order's events", Duration::from_secs(30), |log| {
        log.of_type("order.completed")
            .any(|e| e["order_id"] == "amqp-buy-1")
            && log
                .of_type("certificate.issued")
                .any(|e| e["certificate_code"] == code.as_str())
    })
    .await;
    tap.with(|log| {
        assert_eq!(log.wrong_message_ids, 0, "message_id = event_id");
        let completed: Vec<&Value> = log.of_type("order.completed").collect();
        assert_eq!(completed, vec![&answer], "the reply is the published event");
    });
    let record = world
        .store
        .order(&order_id("amqp-buy-1"))
        .await
        .expect("store")
        .expect("recorded");
    assert_eq!(record.status, OrderStatus::Completed);
    assert_eq!(record.reply_to.as_deref(), Some(reply_name.as_str()));
    assert_eq!(record.correlation_id.as_deref(), Some("corr-42"));
    assert!(
        instance
            .amqp
            .as_ref()
            .is_some_and(|amqp| amqp.is_connected())
    );

    let status = instance
        .amqp
        .as_ref()
        .map(|amqp| amqp.status())
        .expect("running");
    instance.shutdown().await;
    assert!(status.check().is_err(), "not ready after the shutdown");
    world.finish().await;
}

#[actix_rt::test]
async fn the_same_order_id_twice_is_applied_once_and_both_messages_are_acked() {
    let world = World::new().await;
    let mut instance = world.instance(world.config()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let buyer = subscriber(2);

    let order = purchase("dup-1", &buyer);
    publisher.order(&order).await;
    publisher.order(&order).await;
    // Same subscriber: runs after both copies of dup-1.
    publisher.order(&purchase("dup-2", &buyer)).await;

    tap.wait_for("dup-2 completed", Duration::from_secs(30), |log| {
        log.completions().contains_key("dup-2")
    })
    .await;
    instance.shutdown().await;
    assert_eq!(
        queue_depth(publisher.channel(), "giftgate.orders").await,
        0,
        "both copies were acked"
    );
    assert_applied_once(&world, &["dup-1".to_owned(), "dup-2".to_owned()]).await;
    tap.with(|log| {
        let completions = log.completions();
        assert_eq!(completions.get("dup-1"), Some(&1), "one outcome for dup-1");
        assert_eq!(log.of_type("certificate.issued").count(), 2);
    });
    world.finish().await;
}

#[actix_rt::test]
async fn invalid_messages_are_dead_lettered_with_their_reason_while_good_orders_complete() {
    let world = World::new().await;
    let mut instance = world.instance(world.config()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let buyer = subscriber(3);
    let missing_product = json!({"order_id": "bad-3", "type": "purchase", "msisdn": buyer,
        "quantity": 1, "settlement": {"method": "carrier"}});
    let wrong_type = json!({"order_id": "bad-4", "type": "purchase", "msisdn": buyer,
        "product_id": "book-10000", "quantity": "two", "settlement": {"method": "carrier"}});
    let unknown_type = json!({"order_id": "bad-5", "type": "teleport", "msisdn": buyer});
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (b"{\"order_id\": \"bad-1\", ".to_vec(), "malformed_json: "),
        (b"[1, 2, 3]".to_vec(), "not_an_object: "),
        (missing_product.to_string().into_bytes(), "missing_field: "),
        (wrong_type.to_string().into_bytes(), "wrong_type: "),
        (
            unknown_type.to_string().into_bytes(),
            "unknown_order_type: ",
        ),
    ];
    let mut good = Vec::new();
    for (index, (body, _)) in bad.iter().enumerate() {
        publisher.raw("purchase", body, None, Some("dead")).await;
        let id = format!("good-{index}");
        publisher.order(&purchase(&id, &buyer)).await;
        good.push(id);
    }

    tap.wait_for("every good order", Duration::from_secs(30), |log| {
        let completions = log.completions();
        good.iter().all(|id| completions.contains_key(id))
    })
    .await;
    let mut dead = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while dead.len() < bad.len() && std::time::Instant::now() < deadline {
        match publisher
            .channel()
            .basic_get(
                "giftgate.orders.dead".into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .expect("basic.get")
        {
            Some(message) => dead.push(message),
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert_eq!(
        dead.len(),
        bad.len(),
        "every invalid message is dead-lettered"
    );
    for (message, (body, code)) in dead.iter().zip(&bad) {
        assert_eq!(&message.delivery.data, body, "the original body is kept");
        let header = message
            .delivery
            .properties
            .headers()
            .as_ref()
            .and_then(|headers| headers.inner().get("x-giftgate-error").cloned());
        let Some(AMQPValue::LongString(reason)) = header else {
            panic!("no x-giftgate-error on {:?}", String::from_utf8_lossy(body));
        };
        let reason = reason.to_string();
        assert!(
            reason.starts_with(code),
            "{reason:?} should start with {code:?}"
        );
        assert_eq!(
            message
                .delivery
                .properties
                .correlation_id()
                .as_ref()
                .map(|c| c.as_str()),
            Some("dead"),
            "the original properties are kept"
        );
    }
    instance.shutdown().await;
    assert_eq!(queue_depth(publisher.channel(), "giftgate.orders").await, 0);
    assert_applied_once(&world, &good).await;
    world.finish().await;
}

#[actix_rt::test]
async fn a_forced_connection_close_in_the_middle_of_2000_orders_loses_and_repeats_nothing() {
    let world = World::new().await;
    let mut instance = world.instance(world.config()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let total = 2_000;
    let (ids, orders) = purchases("close", total, 100, 500);
    // Eight seconds of publishing, the close two seconds in: it lands in the middle of
    // the run (orders queued, in flight and still to come) however fast the machine is.
    let publisher = PacedPublisher::start(&world.broker.url, orders, 250);
    publisher.wait_until_confirmed(500).await;
    world.broker.close_all_connections().await;
    let published_at_close = publisher.confirmed();
    assert!(published_at_close < total, "the close came in the middle");
    let publisher_reconnects = publisher.finish().await;
    assert!(
        publisher_reconnects >= 1,
        "the upstream saw the close too and published again what it had no confirm for"
    );

    assert_every_order_completed_once(&world, &tap, &ids).await;
    assert!(
        instance
            .amqp
            .as_ref()
            .is_some_and(|amqp| amqp.is_connected())
    );
    instance.shutdown().await;
    world.finish().await;
}

#[actix_rt::test]
async fn two_instances_on_partitions_apply_each_order_once_and_in_order_per_subscriber_across_a_handover()
 {
    let world = World::new().await;
    // A small prefetch, so the instance that is shut down mid-run leaves work behind.
    let config = AmqpConfig {
        partitions: 4,
        prefetch: 8,
        ..world.config()
    };
    // Started together: each ends up owning two of the four partitions.
    let (mut first, mut second) =
        futures::join!(world.instance(config.clone()), world.instance(config));
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let subscribers = 60;
    let rounds = 5;
    let mut orders = Vec::new();
    let mut ids = Vec::new();
    for round in 0..rounds {
        for s in 0..subscribers {
            let id = format!("two-{s}-{round}");
            orders.push(purchase(&id, &subscriber(700 + s)));
            ids.push(id);
        }
    }
    publish_all(&publisher, &orders).await;

    // Both instances work at once (each owns half the partitions). Shut down the one
    // doing more: the other takes over its partitions (and maybe the re-partitioning)
    // mid-run.
    tap.wait_for("a fifth of the orders", LONG, |log| {
        log.completions().len() >= ids.len() / 5
    })
    .await;
    let working = (
        first.registry.send(ActiveSessions).await.expect("registry"),
        second
            .registry
            .send(ActiveSessions)
            .await
            .expect("registry"),
    );
    assert!(
        working.0 > 0 && working.1 > 0,
        "both instances consume their partitions at once (sessions: {working:?})"
    );
    let busy_first = working.0 >= working.1;
    let (leaving, staying) = if busy_first {
        (&mut first, &mut second)
    } else {
        (&mut second, &mut first)
    };
    // Counted as the leave begins: the graceful drain may take as long as the other
    // instance needs for the rest on a loaded machine.
    let done_at_handover = tap.with(|log| log.completions().len());
    assert!(done_at_handover < ids.len(), "the handover came mid-run");
    leaving.shutdown().await;

    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == ids.len()
    })
    .await;
    staying.shutdown().await;
    assert_applied_once(&world, &ids).await;
    tap.with(|log| {
        assert!(log.completions().values().all(|count| *count == 1));
        let mut sequences: HashMap<String, Vec<String>> = HashMap::new();
        for event in log.of_type("order.completed") {
            let msisdn = event["msisdn"].as_str().unwrap_or_default().to_owned();
            let id = event["order_id"].as_str().unwrap_or_default().to_owned();
            sequences.entry(msisdn).or_default().push(id);
        }
        assert_eq!(sequences.len(), subscribers);
        for sequence in sequences.values() {
            let rounds_seen: Vec<usize> = sequence
                .iter()
                .map(|id| {
                    id.rsplit('-')
                        .next()
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(usize::MAX)
                })
                .collect();
            assert_eq!(rounds_seen, (0..rounds).collect::<Vec<_>>(), "{sequence:?}");
        }
    });
    assert_recorded_in_round_order(&world, "two", subscribers, rounds).await;
    let sessions_first = first.registry.send(ActiveSessions).await.expect("registry");
    let sessions_second = second
        .registry
        .send(ActiveSessions)
        .await
        .expect("registry");
    assert!(
        sessions_first > 0 && sessions_second > 0,
        "both instances ran orders (sessions: {sessions_first}, {sessions_second})"
    );
    assert_eq!(queue_depth(publisher.channel(), "giftgate.orders").await, 0);
    for p in 0..4 {
        let queue = format!("giftgate.orders.p{p}");
        assert_eq!(queue_depth(publisher.channel(), &queue).await, 0, "{queue}");
    }
    world.finish().await;
}

#[actix_rt::test]
async fn a_shutdown_with_orders_in_flight_loses_none() {
    let world = World::new().await;
    let config = AmqpConfig {
        prefetch: 32,
        ..world.config()
    };
    let mut first = world.instance(config.clone()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    // Enough that the shutdown always finds some still queued: with one-statement
    // commits an instance ran all of 400 before the event tap had seen 40 of them.
    let total = 2000;
    let ids = publish_purchases(&publisher, "drain", total, 900, 100).await;

    tap.wait_for("some orders done", LONG, |log| {
        log.completions().len() >= 40
    })
    .await;
    first.shutdown().await;

    let waiting = queue_depth(publisher.channel(), "giftgate.orders").await as usize;
    let mut recorded = Vec::new();
    for id in &ids {
        if let Some(record) = world.store.order(&order_id(id)).await.expect("store") {
            assert_eq!(
                record.status,
                OrderStatus::Completed,
                "{id} finished before the drain ended"
            );
            recorded.push(id.clone());
        }
    }
    assert!(waiting > 0, "the shutdown came while orders were waiting");
    assert_eq!(
        recorded.len() + waiting,
        total,
        "acked = recorded; the rest wait in the queue"
    );
    tap.wait_for(
        "the drained instance flushed its events",
        Duration::from_secs(10),
        |log| {
            let completions = log.completions();
            recorded.iter().all(|id| completions.contains_key(id))
        },
    )
    .await;

    let mut second = world.instance(config).await;
    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == total
    })
    .await;
    assert_applied_once(&world, &ids).await;
    second.shutdown().await;
    world.finish().await;
}

#[actix_rt::test]
async fn an_unroutable_reply_is_retried_then_parked_and_later_events_never_overtake_it() {
    let world = World::new().await;
    let mut instance = world.instance(world.config()).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let buyer = subscriber(50);

    let first = purchase("gone-1", &buyer);
    publisher
        .raw(
            "purchase",
            first.to_string().as_bytes(),
            Some("no-such-reply-queue"),
            Some("c-1"),
        )
        .await;
    tap.wait_for(
        "gone-1 on giftgate.events",
        Duration::from_secs(30),
        |log| log.completions().contains_key("gone-1"),
    )
    .await;
    publisher.order(&purchase("gone-2", &buyer)).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while world
        .store
        .order(&order_id("gone-2"))
        .await
        .expect("store")
        .is_none_or(|record| record.status != OrderStatus::Completed)
    {
        assert!(std::time::Instant::now() < deadline, "gone-2 completes");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(
        tap.with(|log| !log.completions().contains_key("gone-2")),
        "gone-2's events wait behind gone-1's undelivered reply"
    );

    // 1 + 2 + 4 + 8 s of retries, then gone-1's entry is parked and gone-2's events go.
    tap.wait_for(
        "gone-2 after gone-1 was parked",
        Duration::from_secs(45),
        |log| log.completions().contains_key("gone-2"),
    )
    .await;
    // gone-2's events reach the tap before their confirms are recorded: wait for those.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let stuck = loop {
        let stuck = undelivered_events(&world).await;
        if stuck.len() <= 1 || std::time::Instant::now() > deadline {
            break stuck;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(stuck.len(), 1, "only the parked entry is undelivered");
    assert_eq!(stuck[0].attempts, 4, "four retries before parking");
    tap.with(|log| {
        assert_eq!(log.completions().get("gone-1"), Some(&1));
        assert!(
            log.duplicates >= 4,
            "republished with each retry (same event_id)"
        );
    });
    instance.shutdown().await;
    world.finish().await;
}
