//! giftgate over RabbitMQ (CONTRACT.md §3): the order intake, the dead letters, the
//! outbox publisher of events (and replies to `reply_to`), scale-out partitions and the
//! AMQP benchmark.
//!
//! [`start`] declares the topology ([`topology`]), then starts two actors (and, in
//! scale-out mode, the [`membership`]), each owning its own broker connection and
//! re-establishing it with backoff when it is lost:
//!
//! - [`intake::OrderIntake`] consumes orders with a bounded prefetch, dead-letters what is
//!   not an order (header `x-giftgate-error`), hands each order to its subscriber's
//!   session through the `SessionRegistry` and acks only after the session answered,
//!   i.e. after the effect (or the failure) is committed. An order started
//!   [`AmqpConfig::delivery_limit`] times without finishing is dead-lettered as
//!   `delivery_limit` (redeliveries are counted in the store when they start).
//! - [`publisher::OutboxPublisher`] publishes committed events from the store's outbox
//!   to `giftgate.events` (and to the order's `reply_to`) with publisher confirms and
//!   marks them delivered only after their confirms.
//!
//! Metrics (through the `metrics` facade the gateway exports to Prometheus):
//! `giftgate_amqp_orders_total{outcome=acked|requeued|dead_lettered}`,
//! `giftgate_amqp_events_published_total`, `giftgate_amqp_outbox_retries_total`,
//! `giftgate_amqp_outbox_parked_total`,
//! `giftgate_amqp_reconnects_total{link=intake|outbox|members}`, and in scale-out mode
//! `giftgate_amqp_members` (live instances as this one sees them) and
//! `giftgate_amqp_partitions_owned`.
//!
//! # Scale-out
//!
//! With `partitions = N > 0`, per-subscriber order across instances is kept like this:
//! publishers still publish to `giftgate.orders` with routing key = order type and no
//! special header. The ingress queue `giftgate.orders` has single-active-consumer; its
//! owner *re-partitions*: it parses each order (dead-lettering invalid ones),
//! re-publishes the original body and properties to the consistent-hash exchange
//! `giftgate.orders.hash` with routing key = the order's E.164 MSISDN (also in header
//! `x-msisdn`), and acks the ingress message after the broker confirmed the re-publish.
//! The exchange spreads MSISDNs over the partition queues `giftgate.orders.p{i}`, each
//! with single-active-consumer. A re-partitioner that dies after the re-publish but
//! before the ack has the order re-published again; the duplicate is answered by
//! `order_id` in the core.
//!
//! The broker cannot derive the MSISDN from the JSON body itself, which is why this is
//! done in the instance rather than by binding the topic exchange to the hash exchange
//! directly; doing it this way asks nothing new of publishers.
//!
//! ## Fair share of the partitions
//!
//! RabbitMQ 3.x makes the *first* subscriber of a single-active-consumer queue its
//! active consumer and keeps it while it stays connected, and only 3.12+ lets consumer
//! priorities move it. So the instances agree among themselves who consumes what:
//!
//! 1. **Membership** ([`membership`]): each instance has an id and its own connection,
//!    declares an exclusive auto-delete queue bound to the fanout exchange
//!    `giftgate.members`, and publishes a heartbeat with its id every
//!    [`AmqpConfig::heartbeat`]. The live members are those heard from within
//!    [`AmqpConfig::member_timeout`]; a draining instance announces its leave.
//! 2. **Assignment** ([`assignment`]): a pure function of the live ids, so every
//!    instance computes the same: bounded rendezvous hashing gives each member ⌊N/M⌋ or
//!    ⌈N/M⌉ partitions, moving little on a join or a leave; the ingress queue goes to
//!    the member of highest rendezvous weight for it.
//! 3. **Consumption** ([`intake`]): an instance consumes exactly what it owns, each
//!    queue on a channel of its own. A queue it no longer owns is let go of: no more of
//!    its deliveries are taken, the orders in flight finish and are acked, then the
//!    channel is closed, which returns the deliveries never started to the head of the
//!    queue. A queue it newly owns is subscribed at once.
//!
//! Single-active-consumer stays on every queue as the safety net: a new owner that
//! subscribes before the old one has let go is a standby until then, and views that
//! disagree for a moment can at worst leave a partition unconsumed for up to the member
//! timeout — never consumed twice at once. So each subscriber's orders run one at a time
//! and in publish order, whichever instance runs them, and a crashed instance's
//! partitions (and unacked orders) are taken over after the member timeout.

// Internal to the workspace (`publish = false`): the docs link private modules on purpose
// and are read with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

pub(crate) mod assignment;
pub mod bench;
pub mod connection;
pub(crate) mod intake;
pub(crate) mod membership;
pub(crate) mod publisher;
pub(crate) mod retry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod topology;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix::{Actor, Addr};
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::service::Ledger;

use tokio::sync::watch;

use crate::assignment::Assignment;
use crate::intake::{Drain, OrderIntake};
use crate::membership::MembershipHandle;
use crate::publisher::{Flush, OutboxPublisher};

/// How giftgate talks to RabbitMQ.
#[derive(Clone)]
pub struct AmqpConfig {
    /// Broker URL, e.g. `amqp://user:password@host:5672/%2f` (the vhost is the path).
    pub url: String,
    /// Most unacknowledged orders one consumer holds at once (the intake's concurrency
    /// bound across subscribers). It applies per queue consumed: in scale-out mode the
    /// ingress queue and each partition have their own.
    pub prefetch: u16,
    /// 0: one order queue. N > 0: orders are spread over N partition queues by MSISDN
    /// hash (see the crate docs). Every instance of a deployment uses the same N.
    pub partitions: u16,
    /// Most outbox entries published per round (then their confirms are awaited).
    pub publish_batch: u32,
    /// How often the outbox is polled when the last round found less than a batch.
    pub poll_interval: Duration,
    /// Longest a shutdown waits for in-flight orders before closing anyway (they are then
    /// redelivered to another consumer, never lost).
    pub drain_timeout: Duration,
    /// Scale-out: this instance's member id (see [`membership`]); `None` draws a random
    /// one at start. Unique per running instance; a stable one (e.g. the pod name) gives
    /// a restarted instance its old partitions back.
    pub instance_id: Option<String>,
    /// Scale-out: how often this instance announces itself to the others.
    pub heartbeat: Duration,
    /// Scale-out: how long a member stays in the view after its last heartbeat (how long
    /// the partitions of a crashed instance wait for a new owner).
    pub member_timeout: Duration,
    /// Starts of one order after which the intake dead-letters it as `delivery_limit`
    /// instead of running it again: an order that kept crashing or stalling its
    /// consumers. Redeliveries are counted in the store as they start; deliveries the
    /// broker took back unstarted (lost connections) do not count. 0 = no limit.
    pub delivery_limit: u32,
}

impl AmqpConfig {
    /// Defaults around `url`: prefetch 64, no partitions, batches of 200, polled every
    /// 50 ms, drained within 30 s, a random instance id, heartbeats every second, members
    /// forgotten after 5 s of silence, an order dead-lettered when delivered again after 10
    /// unfinished deliveries.
    pub fn new(url: impl Into<String>) -> Self {
        AmqpConfig {
            url: url.into(),
            prefetch: 64,
            partitions: 0,
            publish_batch: 200,
            poll_interval: Duration::from_millis(50),
            drain_timeout: Duration::from_secs(30),
            instance_id: None,
            heartbeat: Duration::from_secs(1),
            member_timeout: Duration::from_secs(5),
            delivery_limit: 10,
        }
    }
}

impl fmt::Debug for AmqpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AmqpConfig")
            .field("url", &connection::redact_url(&self.url))
            .field("prefetch", &self.prefetch)
            .field("partitions", &self.partitions)
            .field("publish_batch", &self.publish_batch)
            .field("poll_interval", &self.poll_interval)
            .field("drain_timeout", &self.drain_timeout)
            .field("instance_id", &self.instance_id)
            .field("heartbeat", &self.heartbeat)
            .field("member_timeout", &self.member_timeout)
            .field("delivery_limit", &self.delivery_limit)
            .finish()
    }
}

/// Why the AMQP side could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AmqpError {
    /// The configuration cannot work (prefetch 0, batch 0).
    #[error("invalid AMQP configuration: {0}")]
    Config(&'static str),
    /// The broker could not be reached, or refused the topology (e.g. the
    /// consistent-hash exchange plugin is not enabled, or a queue exists with other
    /// arguments).
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    /// The broker could not be reached in time.
    #[error("broker: {0}")]
    Connect(#[from] connection::ConnectError),
}

/// Connection state shared by the actors and the handle (for `/readyz`).
#[derive(Debug, Default)]
pub(crate) struct Links {
    pub(crate) intake: AtomicBool,
    pub(crate) outbox: AtomicBool,
    /// Scale-out only: the membership's heartbeat connection (without it the instance
    /// cannot hear the fleet, and the others soon take its partitions).
    pub(crate) members: Option<AtomicBool>,
}

impl Links {
    /// Records whether the membership's connection is up (scale-out only).
    pub(crate) fn set_members(&self, up: bool) {
        if let Some(members) = &self.members {
            members.store(up, Ordering::SeqCst);
        }
    }
}

/// A cheap, shareable view of the broker links for readiness probes (`/readyz`), valid
/// for as long as the AMQP side runs (and reporting "down" after its shutdown).
#[derive(Debug, Clone)]
pub struct AmqpStatus {
    links: Arc<Links>,
}

impl AmqpStatus {
    /// The intake's, the publisher's and (in scale-out mode) the membership's
    /// connections are up.
    pub fn is_connected(&self) -> bool {
        self.check().is_ok()
    }

    /// `Ok` when every link is up; otherwise which ones are down.
    pub fn check(&self) -> Result<(), String> {
        let up = |link: &AtomicBool| link.load(Ordering::SeqCst);
        let mut down = Vec::new();
        if !up(&self.links.intake) {
            down.push("order intake");
        }
        if !up(&self.links.outbox) {
            down.push("outbox publisher");
        }
        if self
            .links
            .members
            .as_ref()
            .is_some_and(|members| !up(members))
        {
            down.push("scale-out membership");
        }
        match down.as_slice() {
            [] => Ok(()),
            links => Err(format!("not connected to the broker: {}", links.join(", "))),
        }
    }
}

/// The running AMQP side: readiness and graceful shutdown.
pub struct AmqpHandle {
    intake: Addr<OrderIntake>,
    publisher: Addr<OutboxPublisher>,
    links: Arc<Links>,
    assignment: Option<watch::Receiver<Option<Assignment>>>,
    instance_id: String,
}

impl AmqpHandle {
    /// This instance's member id (scale-out; it names its consumers
    /// `giftgate-intake-<id>-<queue>` in the broker).
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Scale-out: what this instance owns now; `None` without partitions, or before the
    /// first assignment after joining.
    pub fn assignment(&self) -> Option<Assignment> {
        self.assignment
            .as_ref()
            .and_then(|assignment| assignment.borrow().clone())
    }

    /// Both the intake's and the publisher's connections are up (for `/readyz`).
    pub fn is_connected(&self) -> bool {
        self.status().is_connected()
    }

    /// A shareable readiness view (for an HTTP readiness probe that outlives `&self`).
    pub fn status(&self) -> AmqpStatus {
        AmqpStatus {
            links: Arc::clone(&self.links),
        }
    }

    /// Drains: stops taking orders, waits for the orders in flight (acked after their
    /// commit), closes the intake's channel (which cancels its consumers and returns
    /// deliveries never started, ahead of newer ones, to a standby or successor),
    /// publishes what the outbox holds once more, then closes the connections.
    pub async fn shutdown(self) {
        if let Err(error) = self.intake.send(Drain).await {
            tracing::warn!(%error, "the order intake was already gone");
        }
        if let Err(error) = self.publisher.send(Flush).await {
            tracing::warn!(%error, "the outbox publisher was already gone");
        }
    }
}

/// Declares the topology and starts the intake and the outbox publisher. Must run inside
/// an actix `System` (the actors and their per-order tasks live on the calling thread's
/// arbiter; sessions run wherever the registry puts them). Fails if the broker is
/// unreachable or refuses the topology at start (a later loss of connection is recovered
/// from, not reported here).
pub async fn start(
    config: AmqpConfig,
    ledger: Arc<Ledger>,
    registry: Addr<SessionRegistry>,
) -> Result<AmqpHandle, AmqpError> {
    if config.prefetch == 0 {
        return Err(AmqpError::Config("prefetch must be at least 1"));
    }
    if config.publish_batch == 0 {
        return Err(AmqpError::Config("publish_batch must be at least 1"));
    }
    let mut config = config;
    let instance_id = match config.instance_id.take() {
        Some(id) if id.trim().is_empty() => {
            return Err(AmqpError::Config("instance_id must not be empty"));
        }
        Some(id) => id,
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    config.instance_id = Some(instance_id.clone());
    if config.partitions > 0 && config.member_timeout <= config.heartbeat {
        return Err(AmqpError::Config(
            "member_timeout must be longer than the heartbeat interval",
        ));
    }
    let connection = connection::connect(&config.url, "giftgate-setup").await?;
    let channel = connection.create_channel().await?;
    topology::declare(&channel, config.partitions).await?;
    // Closing is best effort: the topology is declared either way.
    connection::close_within(
        "setup channel",
        channel.close(200, "topology declared".into()),
    )
    .await;
    connection::close_within(
        "setup connection",
        connection.close(200, "topology declared".into()),
    )
    .await;
    tracing::info!(config = ?config, "AMQP topology declared");

    let config = Arc::new(config);
    let links = Arc::new(Links {
        members: (config.partitions > 0).then(AtomicBool::default),
        ..Links::default()
    });
    let membership = (config.partitions > 0)
        .then(|| membership::start(Arc::clone(&config), instance_id.clone(), Arc::clone(&links)));
    let assignment = membership.as_ref().map(MembershipHandle::assignment);
    let intake = OrderIntake::new(
        Arc::clone(&config),
        registry,
        Arc::clone(ledger.store()),
        ledger.region(),
        Arc::clone(&links),
        membership,
    )
    .start();
    let publisher = OutboxPublisher::new(
        Arc::clone(&config),
        Arc::clone(ledger.store()),
        Arc::clone(&links),
    )
    .start();
    Ok(AmqpHandle {
        intake,
        publisher,
        links,
        assignment,
        instance_id,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::{AmqpConfig, AmqpStatus, Links};

    #[test]
    fn debug_redacts_the_password() {
        let config = AmqpConfig::new("amqp://giftgate:hunter2@broker:5672/prod");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("giftgate:***@broker"), "{shown}");
    }

    #[test]
    fn readiness_names_every_link_that_is_down_including_the_membership() {
        let links = Arc::new(Links {
            members: Some(AtomicBool::default()),
            ..Links::default()
        });
        let status = AmqpStatus {
            links: Arc::clone(&links),
        };
        assert_eq!(
            status.check(),
            Err(
                "not connected to the broker: order intake, outbox publisher, scale-out membership"
                    .to_owned()
            )
        );
        links.intake.store(true, Ordering::SeqCst);
        links.outbox.store(true, Ordering::SeqCst);
        assert_eq!(
            status.check(),
            Err("not connected to the broker: scale-out membership".to_owned())
        );
        links.set_members(true);
        assert!(status.is_connected());

        let single = AmqpStatus {
            links: Arc::new(Links::default()),
        };
        single.links.intake.store(true, Ordering::SeqCst);
        single.links.outbox.store(true, Ordering::SeqCst);
        single.links.set_members(false);
        assert!(single.is_connected(), "no membership without partitions");
    }
}
