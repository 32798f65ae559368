//! A network cut between the gateway and RabbitMQ, made by a TCP proxy in the test (a
//! broker restart would disturb the other tests sharing the broker): every connection
//! through it is cut and new ones are refused for a few seconds in the middle of a run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use giftgate_amqp::AmqpConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{LONG, assert_applied_once, publish_purchases};
use crate::helpers::{EventTap, Publisher, World};

/// Forwards 127.0.0.1:`port` to the local broker until told to cut.
pub(super) struct CuttableProxy {
    port: u16,
    open: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
}

impl CuttableProxy {
    pub(super) async fn start() -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let open = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0);
        let accepting = Arc::clone(&open);
        let cut_signal = cuts.clone();
        actix::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut cut = cut_signal.subscribe();
                actix::spawn(async move {
                    let Ok(broker) = TcpStream::connect("127.0.0.1:5672").await else {
                        return;
                    };
                    let (mut client, mut broker) = (client, broker);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut broker) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        CuttableProxy { port, open, cuts }
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

    pub(super) fn mend(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

#[actix_rt::test]
async fn a_network_cut_of_seconds_in_the_middle_of_orders_loses_and_repeats_nothing() {
    let world = World::new().await;
    let proxy = CuttableProxy::start().await;
    // Every link of the gateway (intake, outbox, membership) goes through the proxy; the
    // test's publisher and event tap do not.
    let config = AmqpConfig {
        url: proxy.url(&world.broker.vhost),
        partitions: 4,
        ..world.config()
    };
    let mut instance = world.instance(config).await;
    let tap = EventTap::start(&world.broker.url).await;
    let publisher = Publisher::connect(&world.broker.url).await;
    let total = 1_500;
    let ids = publish_purchases(&publisher, "cut", total, 1_200, 300).await;

    tap.wait_for("some orders done", LONG, |log| {
        log.completions().len() >= 300
    })
    .await;
    proxy.cut();
    let done_at_cut = tap.with(|log| log.completions().len());
    let outage = Instant::now();
    let mut seen_down = false;
    while outage.elapsed() < Duration::from_secs(4) {
        let connected = instance
            .amqp
            .as_ref()
            .is_some_and(|amqp| amqp.is_connected());
        seen_down |= !connected;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done_during_cut = tap.with(|log| log.completions().len());
    proxy.mend();
    assert!(seen_down, "the readiness reported the lost broker");
    assert!(done_at_cut < total, "the cut came in the middle");
    assert!(
        done_during_cut < total,
        "orders were still waiting when the network came back"
    );

    tap.wait_for("every order completed", LONG, |log| {
        log.completions().len() == total
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let undelivered = world
            .store
            .outbox_pending(10_000)
            .await
            .expect("store")
            .into_iter()
            .filter(|entry| entry.message.channel() == "event")
            .count();
        if undelivered == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{undelivered} events never marked delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_applied_once(&world, &ids).await;
    tap.with(|log| {
        assert!(log.completions().values().all(|count| *count == 1));
        assert_eq!(log.of_type("certificate.issued").count(), total);
    });
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
