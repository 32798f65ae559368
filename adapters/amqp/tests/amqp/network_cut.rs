//! A network cut between the gateway and RabbitMQ, made by a TCP proxy in the test (a
//! broker restart would disturb the other tests sharing the broker): every connection
//! through it is cut and new ones are refused for a few seconds in the middle of a run;
//! or the proxy falls silent, holding its connections open without carrying a byte (a
//! half-open link: no FIN or RST ever arrives).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use giftgate_amqp::{AmqpConfig, AmqpStatus, connection};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{assert_every_order_completed_once, purchases};
use crate::helpers::{Broker, EventTap, Instance, World};
use crate::paced::PacedPublisher;

/// Forwards 127.0.0.1:`port` to the local broker until told to cut or fall silent.
pub(super) struct CuttableProxy {
    port: u16,
    open: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    silences: watch::Sender<u64>,
}

impl CuttableProxy {
    pub(super) async fn start() -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let open = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0);
        let (silences, _) = watch::channel(0);
        let accepting = Arc::clone(&open);
        let cut_signal = cuts.clone();
        let silence_signal = silences.clone();
        actix::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut = cut_signal.subscribe();
                let mut silence = silence_signal.subscribe();
                actix::spawn(async move {
                    let Ok(broker) = TcpStream::connect("127.0.0.1:5672").await else {
                        return;
                    };
                    let (mut client, mut broker) = (client, broker);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut broker) => {}
                        _ = cut.changed() => {}
                        _ = silence.changed() => {
                            // Both sockets stay open and carry nothing until a cut.
                            drop(cut.changed().await);
                        }
                    }
                });
            }
        });
        CuttableProxy {
            port,
            open,
            cuts,
            silences,
        }
    }

    /// The broker URL of `vhost` through the proxy.
    pub(super) fn url(&self, vhost: &str) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}/{vhost}", self.port)
    }

    /// Cuts every connection and refuses new ones until [`CuttableProxy::mend`].
    pub(super) fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|count| *count += 1);
    }

    /// Stops carrying bytes on every connection while keeping it open (no FIN, no RST),
    /// and refuses new ones until [`CuttableProxy::mend`].
    pub(super) fn fall_silent(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.silences.send_modify(|count| *count += 1);
    }

    pub(super) fn mend(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// An instance on `partitions` partitions whose every link (intake, outbox, membership)
/// goes through a fresh proxy; the tests' upstream publishers and event taps connect to
/// the broker directly.
async fn instance_behind_a_proxy(world: &World, partitions: u16) -> (CuttableProxy, Instance) {
    instance_behind_a_proxy_with(world, partitions, "").await
}

/// Like [`instance_behind_a_proxy`], with `query` (say `?heartbeat=1`) on the broker URL.
async fn instance_behind_a_proxy_with(
    world: &World,
    partitions: u16,
    query: &str,
) -> (CuttableProxy, Instance) {
    let proxy = CuttableProxy::start().await;
    let config = AmqpConfig {
        url: format!("{}{query}", proxy.url(&world.broker.vhost)),
        partitions,
        ..world.config()
    };
    let instance = world.instance(config).await;
    (proxy, instance)
}

#[actix_rt::test]
async fn a_network_cut_of_seconds_in_the_middle_of_orders_loses_and_repeats_nothing() {
    let world = World::new().await;
    let (proxy, mut instance) = instance_behind_a_proxy(&world, 4).await;
    let tap = EventTap::start(&world.broker.url).await;
    let total = 2_000;
    let (ids, orders) = purchases("cut", total, 1_200, 300);
    // Eight seconds of publishing straight to the broker, the cut two seconds in and four
    // seconds long: orders pile up in the queues while the gateway is cut off, and more
    // arrive after it is back, however fast the machine is.
    let publisher = PacedPublisher::start(&world.broker.url, orders, 250);
    publisher.wait_until_confirmed(500).await;
    proxy.cut();
    let published_at_cut = publisher.confirmed();
    let outage = Instant::now();
    let mut seen_down = false;
    while outage.elapsed() < Duration::from_secs(4) {
        seen_down |= !instance
            .amqp
            .as_ref()
            .is_some_and(|amqp| amqp.is_connected());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let published_at_mend = publisher.confirmed();
    proxy.mend();
    assert!(seen_down, "the readiness reported the lost broker");
    assert!(
        published_at_mend > published_at_cut,
        "orders queued up during the cut"
    );
    assert!(
        published_at_mend < total,
        "orders were still arriving when the network came back"
    );
    assert_eq!(
        publisher.finish().await,
        0,
        "the upstream's own connection was never cut"
    );

    assert_every_order_completed_once(&world, &tap, &ids).await;
    assert!(
        instance
            .amqp
            .as_ref()
            .is_some_and(|amqp| amqp.is_connected()),
        "reconnected"
    );
    instance.shutdown().await;
    world.finish().await;
}

#[actix_rt::test]
async fn an_idle_gateway_reports_each_link_down_during_a_cut_and_up_after_it() {
    let world = World::new().await;
    let (proxy, mut instance) = instance_behind_a_proxy(&world, 2).await;
    let status = instance.amqp.as_ref().expect("AMQP side").status();
    wait_until("every link up", || status.check().is_ok()).await;

    proxy.cut();
    // Nothing is published or delivered: each link must notice the dropped connection
    // by itself, the outbox publisher included.
    wait_until("every link reported down", || every_link_down(&status)).await;
    proxy.mend();
    wait_until("every link up again", || status.check().is_ok()).await;
    instance.shutdown().await;
    world.finish().await;
}

#[actix_rt::test]
async fn a_silent_link_is_noticed_at_the_amqp_heartbeat_timeout_and_left_for_a_new_one() {
    let world = World::new().await;
    // A one-second AMQP heartbeat, set on the URL as an operator would
    // (`GIFTGATE_AMQP_URL=…?heartbeat=1`; 10 s without it): the client gives a connection
    // up after two intervals without a frame from the broker.
    let (proxy, mut instance) = instance_behind_a_proxy_with(&world, 2, "?heartbeat=1").await;
    let status = instance.amqp.as_ref().expect("AMQP side").status();
    wait_until("every link up", || status.check().is_ok()).await;

    proxy.fall_silent();
    let silent_since = Instant::now();
    wait_until("every link reported down", || every_link_down(&status)).await;
    assert!(
        silent_since.elapsed() >= Duration::from_secs(1),
        "given up on the heartbeat timeout, not on a closed socket"
    );
    proxy.mend();
    wait_until("every link up again on new connections", || {
        status.check().is_ok()
    })
    .await;
    instance.shutdown().await;
    world.finish().await;
}

#[actix_rt::test]
async fn the_gateway_asks_the_broker_for_a_ten_second_heartbeat_unless_its_url_names_one() {
    let broker = Broker::new();
    let negotiated = |url: String| async move {
        let connection = connection::connect(&url, "giftgate-heartbeat-test")
            .await
            .expect("connects");
        let heartbeat = connection.configuration().heartbeat();
        drop(connection.close(200, "done".into()).await);
        heartbeat
    };
    assert_eq!(
        negotiated(broker.url.clone()).await,
        connection::DEFAULT_HEARTBEAT_SECS
    );
    assert_eq!(negotiated(format!("{}?heartbeat=3", broker.url)).await, 3);
}

/// Whether readiness names every link (intake, outbox, membership) as down.
fn every_link_down(status: &AmqpStatus) -> bool {
    status.check().is_err_and(|down| {
        ["order intake", "outbox publisher", "membership"]
            .iter()
            .all(|link| down.contains(link))
    })
}

/// Polls `holds` until it is true, or panics after 20 s.
async fn wait_until(what: &str, holds: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !holds() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
