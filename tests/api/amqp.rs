//! The gateway wired to RabbitMQ (its own vhost): an order published to
//! `giftgate.orders` completes, its answer comes back on `reply_to`, a poison message is
//! dead-lettered, and `/readyz` reports the broker.

use std::process::Command;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{BasicConsumeOptions, BasicPublishOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer, Queue};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

fn rabbitmqctl(args: &[&str]) {
    let status = Command::new("rabbitmqctl")
        .args(args)
        .status()
        .expect("rabbitmqctl runs");
    assert!(status.success(), "rabbitmqctl {args:?}");
}

/// A vhost of its own on the local broker (guest may use it) and its URL; the test
/// deletes it at the end.
fn fresh_vhost() -> (String, String) {
    giftgate_amqp::testing::ensure_consistent_hash_exchange();
    let vhost = format!("gg_api_{}", uuid::Uuid::new_v4().simple());
    rabbitmqctl(&["-q", "add_vhost", &vhost]);
    rabbitmqctl(&[
        "-q",
        "set_permissions",
        "-p",
        &vhost,
        "guest",
        ".*",
        ".*",
        ".*",
    ]);
    let url = format!("amqp://guest:guest@127.0.0.1:5672/{vhost}");
    (vhost, url)
}

#[actix_web::test]
async fn orders_arrive_by_amqp_and_answers_go_to_reply_to() {
    let (vhost, url) = fresh_vhost();
    let app = TestApp::spawn_with(Backend::Postgres, |s| s.amqp_url = Some(url.clone())).await;
    // The intake connects in the background: ready once it has.
    crate::helpers::eventually("ready with the broker", || async {
        app.get("/readyz", "").await.0 == 200
    })
    .await;
    let (_, ready) = app.get("/readyz", "").await;
    assert_eq!(ready["checks"]["broker"], "ok");

    let (connection, channel, replies, mut consumer) = reply_queue(&url).await;
    let publish = |body: Vec<u8>, routing_key: &'static str, reply: bool| {
        let channel = channel.clone();
        let reply_to = replies.name().clone();
        async move {
            let mut properties = BasicProperties::default()
                .with_content_type(ShortString::from("application/json"))
                .with_delivery_mode(2);
            if reply {
                properties = properties
                    .with_reply_to(reply_to)
                    .with_correlation_id(ShortString::from("corr-1"));
            }
            channel
                .basic_publish(
                    ShortString::from("giftgate.orders"),
                    ShortString::from(routing_key),
                    BasicPublishOptions::default(),
                    &body,
                    properties,
                )
                .await
                .unwrap()
                .await
                .unwrap();
        }
    };
    publish(b"{not json".to_vec(), "purchase", false).await;
    let order = json!({"order_id":"amqp-1","type":"purchase","msisdn":"01061610000",
        "product_id":"book-10000","settlement":{"method":"carrier"}});
    publish(serde_json::to_vec(&order).unwrap(), "purchase", true).await;

    let delivery = tokio::time::timeout(Duration::from_secs(20), consumer.next())
        .await
        .expect("an answer on reply_to")
        .unwrap()
        .unwrap();
    assert_eq!(
        delivery
            .properties
            .correlation_id()
            .as_ref()
            .map(|c| c.as_str()),
        Some("corr-1")
    );
    let answer: Value = serde_json::from_slice(&delivery.data).unwrap();
    assert_eq!(answer["type"], "order.completed", "{answer}");
    assert_eq!(answer["order_id"], "amqp-1");
    assert_eq!(app.wallet("01061610000").await.len(), 1);

    let dead = channel
        .basic_get(
            ShortString::from("giftgate.orders.dead"),
            lapin::options::BasicGetOptions { no_ack: true },
        )
        .await
        .unwrap()
        .expect("the malformed message is dead-lettered");
    let headers = dead.properties.headers().clone().unwrap_or_default();
    let reason = headers.inner().get("x-giftgate-error").cloned();
    assert!(
        matches!(reason, Some(AMQPValue::LongString(ref text)) if text.to_string().starts_with("malformed_json")),
        "{reason:?}"
    );
    connection.close(0, ShortString::from("bye")).await.unwrap();
    app.finish().await;
    rabbitmqctl(&["-q", "delete_vhost", &vhost]);
}

#[actix_web::test]
async fn with_partitions_the_gateway_consumes_every_partition_under_its_configured_member_id() {
    let (vhost, url) = fresh_vhost();
    let app = TestApp::spawn_with(Backend::Postgres, |s| {
        s.amqp_url = Some(url.clone());
        s.amqp_partitions = 4;
        s.amqp_instance_id = Some("api-node-1".to_owned());
        s.amqp_heartbeat_ms = 200;
        s.amqp_member_timeout_ms = 1_000;
    })
    .await;

    let (connection, channel, replies, mut consumer) = reply_queue(&url).await;
    let order = json!({"order_id":"amqp-p-1","type":"purchase","msisdn":"01061620000",
        "product_id":"book-10000","settlement":{"method":"carrier"}});
    channel
        .basic_publish(
            ShortString::from("giftgate.orders"),
            ShortString::from("purchase"),
            BasicPublishOptions::default(),
            &serde_json::to_vec(&order).unwrap(),
            BasicProperties::default()
                .with_delivery_mode(2)
                .with_reply_to(replies.name().clone()),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let delivery = tokio::time::timeout(Duration::from_secs(20), consumer.next())
        .await
        .expect("an answer on reply_to")
        .unwrap()
        .unwrap();
    let answer: Value = serde_json::from_slice(&delivery.data).unwrap();
    assert_eq!(answer["type"], "order.completed", "{answer}");

    let output = Command::new("rabbitmqctl")
        .args([
            "-q",
            "list_consumers",
            "-p",
            &vhost,
            "--no-table-headers",
            "consumer_tag",
        ])
        .output()
        .expect("rabbitmqctl runs");
    let tags = String::from_utf8_lossy(&output.stdout).to_string();
    for queue in [
        "giftgate.orders",
        "giftgate.orders.p0",
        "giftgate.orders.p3",
    ] {
        let tag = format!("giftgate-intake-api-node-1-{queue}\n");
        assert!(tags.contains(&tag), "{tag:?} in {tags}");
    }
    connection.close(0, ShortString::from("bye")).await.unwrap();
    app.finish().await;
    rabbitmqctl(&["-q", "delete_vhost", &vhost]);
}

/// A test client's connection, its channel, an exclusive reply queue and a consumer of
/// that queue (no acks), as a publisher that wants `reply_to` answers holds them.
async fn reply_queue(url: &str) -> (Connection, Channel, Queue, Consumer) {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .unwrap();
    let channel = connection.create_channel().await.unwrap();
    let replies = channel
        .queue_declare(
            ShortString::from(""),
            QueueDeclareOptions {
                exclusive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    let consumer = channel
        .basic_consume(
            replies.name().clone(),
            ShortString::from("test"),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    (connection, channel, replies, consumer)
}

#[actix_web::test]
async fn a_gift_accepted_by_amqp_is_rekeyed() {
    let (vhost, url) = fresh_vhost();
    let app = TestApp::spawn_with(Backend::Postgres, |s| s.amqp_url = Some(url.clone())).await;
    let (giver, friend) = ("01061620011", "01061620022");
    let code = app
        .buy("amqp-gift-buy", giver, "book-10000", 1)
        .await
        .remove(0);
    let giver_pin = app.pin(giver, &code).await;
    let gift = app
        .completed(
            json!({"order_id": "amqp-gift", "type": "gift", "msisdn": giver,
            "certificate_codes": [code], "to": friend}),
        )
        .await;
    let (connection, channel, replies, mut consumer) = reply_queue(&url).await;
    let accept = json!({"order_id": "amqp-accept", "type": "accept", "msisdn": friend,
        "gift_id": gift["gift_id"]});
    channel
        .basic_publish(
            ShortString::from("giftgate.orders"),
            ShortString::from("accept"),
            BasicPublishOptions::default(),
            &serde_json::to_vec(&accept).unwrap(),
            BasicProperties::default()
                .with_content_type(ShortString::from("application/json"))
                .with_delivery_mode(2)
                .with_reply_to(replies.name().clone()),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let delivery = tokio::time::timeout(Duration::from_secs(20), consumer.next())
        .await
        .expect("an answer on reply_to")
        .unwrap()
        .unwrap();
    let answer: Value = serde_json::from_slice(&delivery.data).unwrap();
    assert_eq!(answer["type"], "order.completed", "{answer}");
    let new_pin = app.pin(friend, &code).await;
    assert_ne!(new_pin, giver_pin);
    let (status, refused) = app.redeem(&code, &giver_pin, "1000", "amqp-old").await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (403, Some("invalid_pin"))
    );
    let (status, served) = app.redeem(&code, &new_pin, "1000", "amqp-new").await;
    assert_eq!(status, 200, "{served}");
    connection.close(0, ShortString::from("bye")).await.unwrap();
    app.finish().await;
    rabbitmqctl(&["-q", "delete_vhost", &vhost]);
}
