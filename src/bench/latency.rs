//! Latency percentiles with an HDR histogram.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use hdrhistogram::Histogram;

/// Collects latencies in microseconds.
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        // 1 µs .. 60 s at 3 significant digits; the bounds are constants that are valid.
        Latencies(Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds"))
    }
}

impl Latencies {
    /// Records one latency.
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .clamp(1, 60_000_000);
        // Within bounds by the clamp above.
        let _ = self.0.record(micros);
    }

    /// Merges another collection.
    pub fn merge(&mut self, other: &Latencies) {
        let _ = self.0.add(&other.0);
    }

    /// The latency at a percentile (0–100), in milliseconds.
    pub fn percentile_ms(&self, percentile: f64) -> f64 {
        self.0.value_at_percentile(percentile) as f64 / 1000.0
    }

    /// Number of samples.
    pub fn count(&self) -> u64 {
        self.0.len()
    }
}

/// Offers `rate` requests per second for `length` (an open loop: a request is sent on
/// time whether or not earlier ones were answered); `send(i)` sends the `i`-th and
/// answers its latency. Answers the latencies of those that succeeded.
pub async fn open_loop<F, Fut>(rate: u32, length: Duration, send: F) -> Latencies
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = anyhow::Result<Duration>> + Send + 'static,
{
    let latencies = Arc::new(Mutex::new(Latencies::default()));
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = (f64::from(rate) * length.as_secs_f64()) as usize;
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        ticker.tick().await;
        let request = send(i);
        let latencies = Arc::clone(&latencies);
        tasks.push(tokio::spawn(async move {
            if let Ok(latency) = request.await {
                latencies.lock().await.record(latency);
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    Arc::try_unwrap(latencies)
        .map(Mutex::into_inner)
        .unwrap_or_default()
}
