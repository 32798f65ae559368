//! What every AMQP test needs: a vhost of its own on the local RabbitMQ, a fresh
//! PostgreSQL database, the billing simulator, "instances" (a ledger, a session registry
//! and the AMQP side on that database), a publisher of orders, and a tap that collects
//! every event published on `giftgate.events` (surviving forced connection closes).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::{Actor, Addr};
use futures::StreamExt;
use giftgate_actors::actors::{RegistryConfig, SessionRegistry};
use giftgate_actors::domain::PinCipher;
use giftgate_actors::ports::{PaymentRail, Store, SystemClock};
use giftgate_actors::service::{Ledger, PaymentRails, Policy};
use giftgate_amqp::{AmqpConfig, AmqpHandle};
use giftgate_billing::{BillingConfig, BillingSimHandle, BillingSimulator, OneApiBilling};
use giftgate_store::testing::TestDatabase;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
    QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use serde_json::Value;

/// A vhost of the local broker, deleted when dropped.
pub struct Broker {
    pub vhost: String,
    pub url: String,
}

fn rabbitmqctl(args: &[&str]) {
    let output = std::process::Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("rabbitmqctl runs");
    assert!(
        output.status.success(),
        "rabbitmqctl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Broker {
    pub fn new() -> Broker {
        giftgate_amqp::testing::ensure_consistent_hash_exchange();
        let vhost = format!("gg_{}", uuid::Uuid::new_v4().simple());
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
        Broker { vhost, url }
    }

    /// Closes every connection of this vhost, like an operator or a broker restart would.
    pub async fn close_all_connections(&self) {
        let status = tokio::process::Command::new("rabbitmqctl")
            .args(["-q", "close_all_connections", "-p", &self.vhost, "test"])
            .status()
            .await
            .expect("rabbitmqctl runs");
        assert!(status.success());
    }
}

/// One consumer as the broker lists it.
#[derive(Debug, Clone)]
pub struct BrokerConsumer {
    pub queue: String,
    pub tag: String,
    pub active: bool,
}

impl Broker {
    /// The consumers of this vhost (`rabbitmqctl list_consumers`).
    pub async fn consumers(&self) -> Vec<BrokerConsumer> {
        let output = tokio::process::Command::new("rabbitmqctl")
            .args([
                "-q",
                "list_consumers",
                "-p",
                &self.vhost,
                "--no-table-headers",
                "queue_name",
                "consumer_tag",
                "active",
            ])
            .output()
            .await
            .expect("rabbitmqctl runs");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| {
                let mut columns = line.split('\t');
                Some(BrokerConsumer {
                    queue: columns.next()?.to_owned(),
                    tag: columns.next()?.to_owned(),
                    active: columns.next()? == "true",
                })
            })
            .collect()
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        drop(
            std::process::Command::new("rabbitmqctl")
                .args(["-q", "delete_vhost", &self.vhost])
                .output(),
        );
    }
}

/// A database, a billing simulator and a broker vhost for one test.
pub struct World {
    pub broker: Broker,
    pub database: TestDatabase,
    pub store: Arc<dyn Store>,
    pub billing: BillingSimHandle,
}

/// One gateway instance's order pipeline.
pub struct Instance {
    pub registry: Addr<SessionRegistry>,
    pub amqp: Option<AmqpHandle>,
}

impl Instance {
    /// The instance's member id (its consumer tags contain it).
    pub fn id(&self) -> String {
        self.amqp
            .as_ref()
            .map(|amqp| amqp.instance_id().to_owned())
            .unwrap_or_default()
    }

    /// How many partitions the instance owns now (0 before its first assignment).
    pub fn owned(&self) -> usize {
        self.amqp
            .as_ref()
            .and_then(|amqp| amqp.assignment())
            .map_or(0, |assignment| assignment.partitions.len())
    }

    pub async fn shutdown(&mut self) {
        if let Some(amqp) = self.amqp.take() {
            amqp.shutdown().await;
        }
    }
}

impl World {
    pub async fn new() -> World {
        // Logs for a failing test: RUST_LOG=giftgate_amqp=info cargo test …
        // Without RUST_LOG, lapin's own error lines are left out: the tests cut and close
        // connections on purpose, and hundreds of those lines would bury a failure's
        // panic message.
        drop(
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,lapin=off")),
                )
                .with_test_writer()
                .try_init(),
        );
        let broker = Broker::new();
        let database = TestDatabase::postgres().await;
        let store = giftgate_store::connect(&database.url).await.expect("store");
        giftgate_actors::service::catalog::seed_sample_catalog(store.as_ref())
            .await
            .expect("catalog");
        let billing = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("billing simulator");
        World {
            broker,
            database,
            store,
            billing,
        }
    }

    pub fn config(&self) -> AmqpConfig {
        AmqpConfig {
            poll_interval: Duration::from_millis(20),
            heartbeat: Duration::from_millis(200),
            member_timeout: Duration::from_secs(1),
            ..AmqpConfig::new(self.broker.url.clone())
        }
    }

    /// A ledger on its own store connection pool (like another process would have).
    pub async fn ledger(&self) -> Arc<Ledger> {
        self.ledger_with_rail(|carrier| carrier).await
    }

    /// Like [`World::ledger`], with the carrier rail passed through `wrap` (to inject a
    /// fault into a real rail).
    pub async fn ledger_with_rail(
        &self,
        wrap: impl FnOnce(Arc<dyn PaymentRail>) -> Arc<dyn PaymentRail>,
    ) -> Arc<Ledger> {
        let store = giftgate_store::connect(&self.database.url)
            .await
            .expect("store");
        let carrier: Arc<dyn PaymentRail> = Arc::new(
            OneApiBilling::new(BillingConfig::new(self.billing.base_url())).expect("billing"),
        );
        Arc::new(Ledger::new(
            store,
            PaymentRails {
                carrier: wrap(carrier),
                network: None,
            },
            Arc::new(SystemClock),
            PinCipher::from_hex(&"0f".repeat(32)).expect("pin key"),
            Policy::default(),
        ))
    }

    /// Starts an instance: ledger, registry and the AMQP side with `config`.
    pub async fn instance(&self, config: AmqpConfig) -> Instance {
        self.instance_on(config, self.ledger().await).await
    }

    /// Starts an instance on `ledger`: a registry and the AMQP side with `config`.
    pub async fn instance_on(&self, config: AmqpConfig, ledger: Arc<Ledger>) -> Instance {
        let registry = SessionRegistry::new(Arc::clone(&ledger), RegistryConfig::default()).start();
        let amqp = giftgate_amqp::start(config, Arc::clone(&ledger), registry.clone())
            .await
            .expect("AMQP side starts");
        Instance {
            registry,
            amqp: Some(amqp),
        }
    }

    /// Ends the test: the audit must be clean; then the database is dropped.
    pub async fn finish(self) {
        let report = giftgate_actors::service::audit(self.store.as_ref())
            .await
            .expect("audit runs");
        assert!(report.is_clean(), "audit: {:?}", report.violations);
        self.billing.stop().await;
        self.database.drop().await;
    }
}

/// The national number of test subscriber `index` (never one of the simulator's
/// trigger numbers ending 0001–0003).
pub fn subscriber(index: usize) -> String {
    format!("0107{:07}", 1_000 + index)
}

/// A carrier-billed purchase of one `book-10000`.
pub fn purchase(order_id: &str, msisdn: &str) -> Value {
    serde_json::json!({
        "order_id": order_id, "type": "purchase", "msisdn": msisdn,
        "product_id": "book-10000", "quantity": 1, "settlement": {"method": "carrier"}
    })
}

/// Publishes orders to `giftgate.orders` and waits for each confirm.
pub struct Publisher {
    _connection: Connection,
    channel: Channel,
}

impl Publisher {
    pub async fn connect(url: &str) -> Publisher {
        Publisher::try_connect(url)
            .await
            .expect("test publisher connects")
    }

    /// Connects and opens a channel in confirm mode.
    pub async fn try_connect(url: &str) -> Result<Publisher, lapin::Error> {
        let connection = Connection::connect(url, ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Publisher {
            _connection: connection,
            channel,
        })
    }

    /// Publishes orders (routing key `purchase`) and waits until the broker confirmed
    /// them all.
    pub async fn try_publish_all(&self, orders: &[Value]) -> Result<(), lapin::Error> {
        for order in orders {
            self.channel
                .basic_publish(
                    "giftgate.orders".into(),
                    "purchase".into(),
                    BasicPublishOptions::default(),
                    order.to_string().as_bytes(),
                    BasicProperties::default()
                        .with_content_type("application/json".into())
                        .with_delivery_mode(2),
                )
                .await?;
        }
        let returned = self.channel.wait_for_confirms().await?;
        assert!(returned.is_empty(), "every order was routed");
        Ok(())
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    pub async fn order(&self, order: &Value) {
        let routing_key = order["type"].as_str().unwrap_or("unknown").to_owned();
        self.raw(&routing_key, order.to_string().as_bytes(), None, None)
            .await;
    }

    pub async fn raw(
        &self,
        routing_key: &str,
        body: &[u8],
        reply_to: Option<&str>,
        correlation_id: Option<&str>,
    ) {
        let mut properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(2);
        if let Some(reply_to) = reply_to {
            properties = properties.with_reply_to(reply_to.into());
        }
        if let Some(correlation_id) = correlation_id {
            properties = properties.with_correlation_id(correlation_id.into());
        }
        let confirmation = self
            .channel
            .basic_publish(
                "giftgate.orders".into(),
                routing_key.into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await
            .expect("publish")
            .await
            .expect("confirm");
        assert!(confirmation.is_ack());
    }
}

/// Every event seen on `giftgate.events`, deduplicated by `event_id`, in arrival order.
#[derive(Default)]
pub struct EventLog {
    pub events: Vec<Value>,
    seen: HashSet<String>,
    pub duplicates: usize,
    /// Events whose AMQP `message_id` was not their `event_id`.
    pub wrong_message_ids: usize,
}

impl EventLog {
    pub fn of_type<'a>(&'a self, event_type: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.events
            .iter()
            .filter(move |event| event["type"] == event_type)
    }

    /// Distinct `order.completed` events per order id.
    pub fn completions(&self) -> HashMap<String, usize> {
        let mut completions = HashMap::new();
        for event in self.of_type("order.completed") {
            let order_id = event["order_id"].as_str().unwrap_or_default().to_owned();
            *completions.entry(order_id).or_insert(0) += 1;
        }
        completions
    }
}

/// Collects events from a durable queue bound to `giftgate.events`; reconnects when its
/// connection is closed, so it survives `close_all_connections`.
#[derive(Clone)]
pub struct EventTap {
    pub log: Arc<Mutex<EventLog>>,
}

impl EventTap {
    /// Starts the tap and waits until its queue is bound (the topology must exist).
    pub async fn start(url: &str) -> EventTap {
        let log = Arc::new(Mutex::new(EventLog::default()));
        let queue = format!("test.events.{}", uuid::Uuid::new_v4().simple());
        let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
        let mut bound_tx = Some(bound_tx);
        let url = url.to_owned();
        let sink = Arc::clone(&log);
        actix::spawn(async move {
            loop {
                let consumed = async {
                    let connection =
                        Connection::connect(&url, ConnectionProperties::default()).await?;
                    let channel = connection.create_channel().await?;
                    channel
                        .queue_declare(
                            queue.as_str().into(),
                            QueueDeclareOptions {
                                durable: true,
                                ..QueueDeclareOptions::default()
                            },
                            FieldTable::default(),
                        )
                        .await?;
                    channel
                        .queue_bind(
                            queue.as_str().into(),
                            "giftgate.events".into(),
                            "#".into(),
                            QueueBindOptions::default(),
                            FieldTable::default(),
                        )
                        .await?;
                    let mut consumer = channel
                        .basic_consume(
                            queue.as_str().into(),
                            "tap".into(),
                            BasicConsumeOptions::default(),
                            FieldTable::default(),
                        )
                        .await?;
                    if let Some(bound) = bound_tx.take() {
                        let _ = bound.send(());
                    }
                    while let Some(delivery) = consumer.next().await {
                        let delivery = delivery?;
                        let event: Value =
                            serde_json::from_slice(&delivery.data).unwrap_or(Value::Null);
                        {
                            let mut log = sink.lock().expect("event log");
                            let id = event["event_id"].as_str().unwrap_or_default().to_owned();
                            if delivery
                                .properties
                                .message_id()
                                .as_ref()
                                .map(|m| m.as_str())
                                != Some(id.as_str())
                            {
                                log.wrong_message_ids += 1;
                            }
                            if log.seen.insert(id) {
                                log.events.push(event);
                            } else {
                                log.duplicates += 1;
                            }
                        }
                        delivery.ack(BasicAckOptions::default()).await?;
                    }
                    Ok::<(), lapin::Error>(())
                }
                .await;
                if let Err(error) = consumed {
                    tracing::debug!(%error, "event tap reconnecting");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        tokio::time::timeout(Duration::from_secs(10), bound_rx)
            .await
            .expect("event tap bound in time")
            .expect("event tap bound");
        EventTap { log }
    }

    pub fn with<T>(&self, read: impl FnOnce(&EventLog) -> T) -> T {
        read(&self.log.lock().expect("event log"))
    }

    /// Waits until `done` holds for the log, or panics after `within`.
    pub async fn wait_for(&self, what: &str, within: Duration, done: impl Fn(&EventLog) -> bool) {
        let deadline = Instant::now() + within;
        loop {
            if self.with(&done) {
                return;
            }
            if Instant::now() > deadline {
                let (events, completed) =
                    self.with(|log| (log.events.len(), log.of_type("order.completed").count()));
                panic!(
                    "timed out waiting for {what} ({events} events, {completed} order.completed)"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Messages in a queue (ready ones; consumers must be gone for unacked ones to count).
pub async fn queue_depth(channel: &Channel, queue: &str) -> u32 {
    channel
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("queue exists")
        .message_count()
}
