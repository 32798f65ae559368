//! An upstream that publishes orders at a steady rate and, like a well-behaved producer,
//! survives its connection being closed: it reconnects and publishes again every order of
//! the batch it had no confirm for (the gateway recognises the repeats by `order_id`).
//! Because publishing is paced, a fault injected early in a run is sure to fall in its
//! middle however fast the gateway happens to be on the machine running the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

use crate::helpers::Publisher;

/// Orders published (and confirmed) together.
const BATCH: usize = 20;

/// A running paced publisher.
pub struct PacedPublisher {
    confirmed: Arc<AtomicUsize>,
    reconnects: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl PacedPublisher {
    /// Starts publishing `orders` at about `per_second` orders a second.
    pub fn start(url: &str, orders: Vec<Value>, per_second: usize) -> PacedPublisher {
        let confirmed = Arc::new(AtomicUsize::new(0));
        let reconnects = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(publish_paced(
            url.to_owned(),
            orders,
            Duration::from_secs_f64(BATCH as f64 / per_second as f64),
            Arc::clone(&confirmed),
            Arc::clone(&reconnects),
        ));
        PacedPublisher {
            confirmed,
            reconnects,
            task,
        }
    }

    /// Orders the broker has confirmed so far.
    pub fn confirmed(&self) -> usize {
        self.confirmed.load(Ordering::SeqCst)
    }

    /// Waits until the broker has confirmed at least `orders` orders.
    pub async fn wait_until_confirmed(&self, orders: usize) {
        while self.confirmed() < orders {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until every order is confirmed; returns how often the publisher reconnected.
    pub async fn finish(self) -> usize {
        self.task.await.expect("the paced publisher finished");
        self.reconnects.load(Ordering::SeqCst)
    }
}

async fn publish_paced(
    url: String,
    orders: Vec<Value>,
    every: Duration,
    confirmed: Arc<AtomicUsize>,
    reconnects: Arc<AtomicUsize>,
) {
    let give_up = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut ticker = tokio::time::interval(every);
    // A stalled tick (a loaded machine, a slow connect) delays the rest rather than
    // bursting to catch up: the pace is a ceiling, so a fault injected a few seconds in
    // still falls before the last order.
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut publisher: Option<Publisher> = None;
    for batch in orders.chunks(BATCH) {
        ticker.tick().await;
        loop {
            assert!(
                tokio::time::Instant::now() < give_up,
                "the broker stayed unreachable"
            );
            let connected = match publisher.take() {
                Some(connected) => connected,
                None => match Publisher::try_connect(&url).await {
                    Ok(connected) => connected,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            if connected.try_publish_all(batch).await.is_ok() {
                publisher = Some(connected);
                break;
            }
            reconnects.fetch_add(1, Ordering::SeqCst);
        }
        confirmed.fetch_add(batch.len(), Ordering::SeqCst);
    }
}
