//! Latency percentiles with an HDR histogram.

use std::time::Duration;

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
