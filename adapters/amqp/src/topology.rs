//! The broker topology of CONTRACT.md §3, declared idempotently by every instance at start
//! (and again after each reconnect), so instances may start in any order.
//!
//! ```text
//! publishers ──(routing key = order type)──▶ giftgate.orders (topic)
//!                                              │ "#"
//!                                              ▼
//!                                queue giftgate.orders (quorum, single active consumer,
//!                                              │          dead letters → giftgate.orders.dlx)
//!            partitions = 0: consumed by OrderIntake, orders go to sessions
//!            partitions = N: the active intake re-publishes each valid order, keyed by
//!                            its MSISDN, to giftgate.orders.hash (x-consistent-hash)
//!                                              │ weight "1" each
//!                                              ▼
//!                       queues giftgate.orders.p0 … p{N-1} (quorum, single active consumer)
//!
//! giftgate.orders.dlx (topic) ──"#"──▶ queue giftgate.orders.dead (quorum)
//! giftgate.events (topic): events from the outbox, routing key = event type
//! giftgate.members (fanout, partitions = N): scale-out heartbeats, declared with an
//!                  exclusive queue per instance by crate::membership
//! ```
//!
//! Every queue argument is the same whatever `partitions` an instance runs with, so two
//! instances configured differently never fail each other's declarations with
//! `PRECONDITION_FAILED` (they do disagree on where orders go: run every instance of a
//! deployment with the same `partitions`).

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, ExchangeKind};

/// Where publishers send orders (topic; routing key = order type).
pub const ORDERS_EXCHANGE: &str = "giftgate.orders";
/// The queue every order lands in first.
pub const ORDERS_QUEUE: &str = "giftgate.orders";
/// Where invalid orders are dead-lettered (topic, bound `#`).
pub const DEAD_LETTER_EXCHANGE: &str = "giftgate.orders.dlx";
/// Where invalid orders wait for an operator, with header [`ERROR_HEADER`].
pub const DEAD_LETTER_QUEUE: &str = "giftgate.orders.dead";
/// Names the problem of a dead-lettered order: `<code>: <detail>`.
pub const ERROR_HEADER: &str = "x-giftgate-error";
/// Where committed events are published (topic; routing key = event type).
pub const EVENTS_EXCHANGE: &str = "giftgate.events";
/// Scale-out: the internal consistent-hash exchange that spreads orders over partitions
/// by their MSISDN (the routing key of the re-published order).
pub const PARTITION_EXCHANGE: &str = "giftgate.orders.hash";
/// Scale-out: the header carrying the order's MSISDN (E.164) on a re-published order.
pub const MSISDN_HEADER: &str = "x-msisdn";

/// The name of partition queue `index`: `giftgate.orders.p{index}`.
pub fn partition_queue(index: u16) -> String {
    format!("{ORDERS_QUEUE}.p{index}")
}

fn durable_exchange() -> ExchangeDeclareOptions {
    ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    }
}

fn durable_queue() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value))
}

/// Arguments of a quorum queue; `single_active_consumer` keeps one consumer at a time.
fn quorum_arguments(single_active_consumer: bool, dead_letters: bool) -> FieldTable {
    let mut arguments = FieldTable::default();
    arguments.insert("x-queue-type".into(), text("quorum"));
    if single_active_consumer {
        arguments.insert("x-single-active-consumer".into(), AMQPValue::Boolean(true));
    }
    if dead_letters {
        arguments.insert("x-dead-letter-exchange".into(), text(DEAD_LETTER_EXCHANGE));
    }
    arguments
}

/// Declares the whole topology (see the module docs); `partitions` > 0 adds the
/// consistent-hash exchange and its partition queues. Idempotent.
pub async fn declare(channel: &Channel, partitions: u16) -> Result<(), lapin::Error> {
    declare_events(channel).await?;
    channel
        .exchange_declare(
            DEAD_LETTER_EXCHANGE.into(),
            ExchangeKind::Topic,
            durable_exchange(),
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_declare(
            DEAD_LETTER_QUEUE.into(),
            durable_queue(),
            quorum_arguments(false, false),
        )
        .await?;
    channel
        .queue_bind(
            DEAD_LETTER_QUEUE.into(),
            DEAD_LETTER_EXCHANGE.into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .exchange_declare(
            ORDERS_EXCHANGE.into(),
            ExchangeKind::Topic,
            durable_exchange(),
            FieldTable::default(),
        )
        .await?;
    // Single active consumer on the ingress queue too: with several instances, orders
    // of one subscriber must not be taken by two consumers at once (see lib.rs).
    channel
        .queue_declare(
            ORDERS_QUEUE.into(),
            durable_queue(),
            quorum_arguments(true, true),
        )
        .await?;
    channel
        .queue_bind(
            ORDERS_QUEUE.into(),
            ORDERS_EXCHANGE.into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    if partitions > 0 {
        declare_partitions(channel, partitions).await?;
    }
    Ok(())
}

/// Declares only the events exchange (what the outbox publisher needs).
pub async fn declare_events(channel: &Channel) -> Result<(), lapin::Error> {
    channel
        .exchange_declare(
            EVENTS_EXCHANGE.into(),
            ExchangeKind::Topic,
            durable_exchange(),
            FieldTable::default(),
        )
        .await
}

async fn declare_partitions(channel: &Channel, partitions: u16) -> Result<(), lapin::Error> {
    channel
        .exchange_declare(
            PARTITION_EXCHANGE.into(),
            ExchangeKind::Custom("x-consistent-hash".to_owned()),
            durable_exchange(),
            FieldTable::default(),
        )
        .await?;
    for index in 0..partitions {
        let queue = partition_queue(index);
        channel
            .queue_declare(
                queue.as_str().into(),
                durable_queue(),
                quorum_arguments(true, true),
            )
            .await?;
        // The binding key of a consistent-hash binding is the queue's weight.
        channel
            .queue_bind(
                queue.as_str().into(),
                PARTITION_EXCHANGE.into(),
                "1".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_queues_are_numbered_from_zero() {
        assert_eq!(partition_queue(0), "giftgate.orders.p0");
        assert_eq!(partition_queue(11), "giftgate.orders.p11");
    }

    #[test]
    fn every_queue_is_a_quorum_queue() {
        let arguments = quorum_arguments(true, true);
        assert_eq!(arguments.inner().get("x-queue-type"), Some(&text("quorum")));
        assert_eq!(
            arguments.inner().get("x-single-active-consumer"),
            Some(&AMQPValue::Boolean(true))
        );
        assert_eq!(
            arguments.inner().get("x-dead-letter-exchange"),
            Some(&text(DEAD_LETTER_EXCHANGE))
        );
    }
}
