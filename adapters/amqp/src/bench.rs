//! `giftgate bench --amqp`: drives a running gateway through RabbitMQ with a realistic
//! mix of orders and measures what comes out.
//!
//! The mix is purchase 60 %, gift 20 %, accept/reject 10 % and refund 10 %. Gifts,
//! refunds, accepts and rejects must refer to certificates and gifts that exist, so the
//! bench builds them from earlier outcomes: it listens to `order.completed` and
//! `order.failed` on a private queue bound to `giftgate.events`, learns the certificate
//! codes each purchase issued and the gift id each gift created, and draws dependent
//! orders from those; when none is available yet it publishes a purchase instead (the
//! report counts what was actually sent).
//!
//! Measured: completed orders per second (from `order.completed` events, first publish
//! to last completion), end-to-end latency p50/p99 (publish → event), and — before the
//! run, as the ceiling — the rate at which the broker accepted persistent, confirmed
//! publishes of order-sized messages to a quorum queue.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures::StreamExt;
use giftgate_actors::domain::EventType;
use hdrhistogram::Histogram;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueBindOptions,
    QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{BasicProperties, Channel};
use rand::Rng;
use serde_json::{Value, json};

use crate::connection;
use crate::topology::{EVENTS_EXCHANGE, ORDERS_EXCHANGE};

/// What a bench run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Orders published.
    pub orders: usize,
    /// Orders published per kind (`purchase`, `gift`, `accept`, `reject`, `refund`).
    pub mix: Vec<(&'static str, usize)>,
    /// `order.completed` events received for them.
    pub completed: usize,
    /// `order.failed` events received for them.
    pub failed: usize,
    /// Orders with no outcome when the bench stopped waiting.
    pub unanswered: usize,
    /// Completed orders per second, first publish to last completion.
    pub completed_per_sec: f64,
    /// Orders published per second during the run.
    pub published_per_sec: f64,
    /// The rate offered, if the run was paced.
    pub offered_rate: Option<u32>,
    /// End-to-end latency (publish → outcome event), median, in milliseconds.
    pub latency_p50_ms: f64,
    /// End-to-end latency, 99th percentile, in milliseconds.
    pub latency_p99_ms: f64,
    /// Confirmed persistent publishes per second the broker sustained alone (the ceiling).
    pub broker_publish_ceiling_per_sec: f64,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mix: Vec<String> = self
            .mix
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        writeln!(
            f,
            "orders published      {} ({})",
            self.orders,
            mix.join(", ")
        )?;
        match self.offered_rate {
            Some(rate) => writeln!(f, "offered rate          {rate}/s")?,
            None => writeln!(f, "offered rate          unpaced")?,
        }
        writeln!(f, "published             {:.0}/s", self.published_per_sec)?;
        writeln!(
            f,
            "outcomes              {} completed, {} failed, {} unanswered",
            self.completed, self.failed, self.unanswered
        )?;
        writeln!(f, "completed orders      {:.0}/s", self.completed_per_sec)?;
        writeln!(
            f,
            "end-to-end latency    p50 {:.1} ms, p99 {:.1} ms",
            self.latency_p50_ms, self.latency_p99_ms
        )?;
        write!(
            f,
            "broker ceiling        {:.0} confirmed publishes/s",
            self.broker_publish_ceiling_per_sec
        )
    }
}

/// An order sent and not yet answered.
struct Sent {
    at: Instant,
    kind: &'static str,
    msisdn: String,
}

/// What the event listener learnt.
#[derive(Default)]
struct Outcomes {
    sent: HashMap<String, Sent>,
    completed: usize,
    failed: usize,
    last_outcome: Option<Instant>,
    /// Certificates a subscriber holds and may gift or refund: (holder, code).
    certificates: Vec<(String, String)>,
    /// Gifts waiting for their transferee's answer: (transferee, gift id).
    gifts: Vec<(String, String)>,
    /// Gifts in flight: order id → transferee.
    gift_orders: HashMap<String, String>,
    latencies_us: Option<Histogram<u64>>,
    /// Purchases and gifts sent and not answered (what dependent orders wait for).
    sources_in_flight: usize,
}

impl Outcomes {
    fn record(&mut self, event: &Value) {
        let Some(order_id) = event["order_id"].as_str() else {
            return;
        };
        let Some(sent) = self.sent.remove(order_id) else {
            return;
        };
        if matches!(sent.kind, "purchase" | "gift") {
            self.sources_in_flight = self.sources_in_flight.saturating_sub(1);
        }
        let now = Instant::now();
        self.last_outcome = Some(now);
        if let Some(histogram) = self.latencies_us.as_mut() {
            let micros = u64::try_from(now.duration_since(sent.at).as_micros()).unwrap_or(u64::MAX);
            histogram.saturating_record(micros.max(1));
        }
        let transferee = self.gift_orders.remove(order_id);
        if event["type"] != EventType::OrderCompleted.as_str() {
            self.failed += 1;
            return;
        }
        self.completed += 1;
        match sent.kind {
            "purchase" => {
                if let Some(codes) = event["outcome"]["certificate_codes"].as_array() {
                    for code in codes.iter().filter_map(Value::as_str) {
                        self.certificates
                            .push((sent.msisdn.clone(), code.to_owned()));
                    }
                }
            }
            "gift" => {
                if let (Some(to), Some(gift_id)) =
                    (transferee, event["outcome"]["gift_id"].as_str())
                {
                    self.gifts.push((to, gift_id.to_owned()));
                }
            }
            _ => {}
        }
    }

    fn take_certificate(&mut self, rng: &mut impl Rng) -> Option<(String, String)> {
        if self.certificates.is_empty() {
            return None;
        }
        let index = rng.random_range(0..self.certificates.len());
        Some(self.certificates.swap_remove(index))
    }

    fn take_gift(&mut self, rng: &mut impl Rng) -> Option<(String, String)> {
        if self.gifts.is_empty() {
            return None;
        }
        let index = rng.random_range(0..self.gifts.len());
        Some(self.gifts.swap_remove(index))
    }
}

/// The shared outcomes; a panic elsewhere cannot leave them half-written in a way that
/// matters to a report, so a poisoned lock is used as is.
fn lock(outcomes: &Mutex<Outcomes>) -> MutexGuard<'_, Outcomes> {
    outcomes
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn bench_subscriber(index: usize) -> String {
    // Never ends in 0001–0003 (the billing simulator's trigger numbers).
    format!("0108{:07}", 1_000 + index % 8_000)
}

/// Runs the bench against the gateway consuming at `url`: `orders` orders over
/// `subscribers` subscribers (2–8000), unpaced or at `offered_rate` orders per second.
/// Runs on any tokio runtime (its event listener is a `tokio::spawn`ed task). The bench
/// stops waiting for outcomes after 30 s without progress and reports the rest as
/// unanswered.
pub async fn run(
    url: &str,
    orders: usize,
    subscribers: usize,
    offered_rate: Option<u32>,
) -> anyhow::Result<BenchReport> {
    anyhow::ensure!(orders > 0, "at least one order");
    anyhow::ensure!(
        (2..=8_000).contains(&subscribers),
        "between 2 and 8000 subscribers"
    );
    let connection = connection::connect(url, "giftgate-bench")
        .await
        .with_context(|| format!("connecting to {}", connection::redact_url(url)))?;
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let ceiling = broker_ceiling(&channel, orders.min(20_000)).await?;

    let outcomes = Arc::new(Mutex::new(Outcomes {
        latencies_us: Some(Histogram::new_with_bounds(1, 600_000_000, 3)?),
        ..Outcomes::default()
    }));
    let listener = connection.create_channel().await?;
    let events = listener
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    for key in [EventType::OrderCompleted, EventType::OrderFailed] {
        listener
            .queue_bind(
                events.name().clone(),
                EVENTS_EXCHANGE.into(),
                key.as_str().into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    let mut consumer = listener
        .basic_consume(
            events.name().clone(),
            "giftgate-bench".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let sink = Arc::clone(&outcomes);
    let listening = tokio::spawn(async move {
        while let Some(Ok(delivery)) = consumer.next().await {
            if let Ok(event) = serde_json::from_slice::<Value>(&delivery.data) {
                lock(&sink).record(&event);
            }
        }
    });

    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let mut rng = rand::rng();
    let mut mix: HashMap<&'static str, usize> = HashMap::new();
    let started = Instant::now();
    let mut pace = offered_rate.map(|rate| {
        let mut interval =
            tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        interval
    });
    let mut unconfirmed = 0usize;
    for index in 0..orders {
        if let Some(pace) = pace.as_mut() {
            pace.tick().await;
        }
        let order_id = format!("bench-{run_id}-{index}");
        // A dependent order waits (up to 2 s) for something to refer to while purchases
        // and gifts are still in flight, so the mix holds even when publishing outruns
        // the gateway; only then does it fall back to a purchase.
        let roll = rng.random_range(0..100u32);
        let give_up_at = Instant::now() + Duration::from_secs(2);
        let (kind, msisdn, body) = loop {
            let drawn = {
                let mut outcomes = lock(&outcomes);
                next_order(&mut outcomes, &mut rng, &order_id, subscribers, roll)
            };
            if let Some(drawn) = drawn {
                break drawn;
            }
            let sources_in_flight = lock(&outcomes).sources_in_flight;
            if sources_in_flight == 0 || Instant::now() > give_up_at {
                break purchase_order(&mut rng, &order_id, subscribers);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        *mix.entry(kind).or_insert(0) += 1;
        if matches!(kind, "purchase" | "gift") {
            lock(&outcomes).sources_in_flight += 1;
        }
        lock(&outcomes).sent.insert(
            order_id,
            Sent {
                at: Instant::now(),
                kind,
                msisdn,
            },
        );
        channel
            .basic_publish(
                ORDERS_EXCHANGE.into(),
                kind.into(),
                BasicPublishOptions::default(),
                body.to_string().as_bytes(),
                BasicProperties::default()
                    .with_content_type("application/json".into())
                    .with_delivery_mode(2),
            )
            .await?;
        unconfirmed += 1;
        if unconfirmed >= 100 || pace.is_some() && unconfirmed >= 10 {
            let returned = channel.wait_for_confirms().await?;
            anyhow::ensure!(returned.is_empty(), "orders were returned by the broker");
            unconfirmed = 0;
        }
    }
    channel.wait_for_confirms().await?;
    let published_in = started.elapsed();

    // Wait for the outcomes while they keep coming.
    let mut last_progress = (Instant::now(), lock(&outcomes).sent.len());
    loop {
        let pending = lock(&outcomes).sent.len();
        if pending == 0 {
            break;
        }
        if pending != last_progress.1 {
            last_progress = (Instant::now(), pending);
        } else if last_progress.0.elapsed() > Duration::from_secs(30) {
            tracing::warn!(pending, "no outcome for 30 s; the bench stops waiting");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    listening.abort();
    drop(connection.close(200, "bench done".into()).await);

    let outcomes = lock(&outcomes);
    let span = outcomes
        .last_outcome
        .map_or(published_in, |last| last.duration_since(started));
    let (p50, p99) = outcomes.latencies_us.as_ref().map_or((0.0, 0.0), |h| {
        (
            h.value_at_quantile(0.50) as f64 / 1_000.0,
            h.value_at_quantile(0.99) as f64 / 1_000.0,
        )
    });
    let mut mix: Vec<(&'static str, usize)> = mix.into_iter().collect();
    mix.sort_by_key(|(kind, _)| {
        ["purchase", "gift", "accept", "reject", "refund"]
            .iter()
            .position(|k| k == kind)
    });
    Ok(BenchReport {
        orders,
        mix,
        completed: outcomes.completed,
        failed: outcomes.failed,
        unanswered: outcomes.sent.len(),
        completed_per_sec: outcomes.completed as f64 / span.as_secs_f64().max(1e-3),
        published_per_sec: orders as f64 / published_in.as_secs_f64().max(1e-3),
        offered_rate,
        latency_p50_ms: p50,
        latency_p99_ms: p99,
        broker_publish_ceiling_per_sec: ceiling,
    })
}

/// The order of the mix for `roll` (0–99); `None` when it is a dependent order with
/// nothing to refer to yet.
fn next_order(
    outcomes: &mut Outcomes,
    rng: &mut impl Rng,
    order_id: &str,
    subscribers: usize,
    roll: u32,
) -> Option<(&'static str, String, Value)> {
    if roll < 60 {
        return Some(purchase_order(rng, order_id, subscribers));
    }
    if (60..80).contains(&roll)
        && let Some((giver, code)) = outcomes.take_certificate(rng)
    {
        let to = (0..3)
            .map(|_| bench_subscriber(rng.random_range(0..subscribers)))
            .find(|to| *to != giver);
        if let Some(to) = to {
            outcomes.gift_orders.insert(order_id.to_owned(), to.clone());
            let body = json!({"order_id": order_id, "type": "gift", "msisdn": giver,
                "certificate_codes": [code], "to": to, "message": "enjoy"});
            return Some(("gift", giver, body));
        }
        outcomes.certificates.push((giver, code));
    }
    if (80..90).contains(&roll)
        && let Some((transferee, gift_id)) = outcomes.take_gift(rng)
    {
        let kind = if rng.random_bool(0.5) {
            "accept"
        } else {
            "reject"
        };
        let body =
            json!({"order_id": order_id, "type": kind, "msisdn": transferee, "gift_id": gift_id});
        return Some((kind, transferee, body));
    }
    if (90..100).contains(&roll)
        && let Some((holder, code)) = outcomes.take_certificate(rng)
    {
        let body = json!({"order_id": order_id, "type": "refund", "msisdn": holder, "certificate_code": code});
        return Some(("refund", holder, body));
    }
    None
}

/// A carrier-billed purchase of one certificate by a random subscriber.
fn purchase_order(
    rng: &mut impl Rng,
    order_id: &str,
    subscribers: usize,
) -> (&'static str, String, Value) {
    let buyer = bench_subscriber(rng.random_range(0..subscribers));
    let body = json!({"order_id": order_id, "type": "purchase", "msisdn": buyer,
        "product_id": "book-10000", "quantity": 1, "settlement": {"method": "carrier"}});
    ("purchase", buyer, body)
}

/// Confirmed persistent publishes per second to a private quorum queue (deleted after).
async fn broker_ceiling(channel: &Channel, messages: usize) -> anyhow::Result<f64> {
    let queue = format!("giftgate.bench.ceiling.{}", uuid::Uuid::new_v4().simple());
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-queue-type".into(),
        AMQPValue::LongString(LongString::from("quorum")),
    );
    channel
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            arguments,
        )
        .await?;
    let body = json!({"order_id": "bench-ceiling-000000000000000000000000", "type": "purchase",
        "msisdn": "01080001000", "product_id": "book-10000", "quantity": 1,
        "settlement": {"method": "carrier"}})
    .to_string();
    let started = Instant::now();
    for chunk_start in (0..messages).step_by(100) {
        for _ in chunk_start..(chunk_start + 100).min(messages) {
            channel
                .basic_publish(
                    "".into(),
                    queue.as_str().into(),
                    BasicPublishOptions::default(),
                    body.as_bytes(),
                    BasicProperties::default()
                        .with_content_type("application/json".into())
                        .with_delivery_mode(2),
                )
                .await?;
        }
        channel.wait_for_confirms().await?;
    }
    let rate = messages as f64 / started.elapsed().as_secs_f64().max(1e-3);
    channel
        .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
        .await?;
    Ok(rate)
}
