//! Measurements for BENCHMARKS.md: MMS packaged and submitted per second against an
//! in-process MMSC simulator over loopback HTTP, and the cost of rendering a barcode.
//!
//! Run them with `cargo run -p giftgate-mms --release --example mms_bench`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::Rng;

use crate::mm7::{Mm7Client, Mm7Config, Mm7Error, SubmitRequest};
use crate::package::{MediaPart, PackageError, PackageInput, package};
use crate::raster::{PixelFormat, encode_png};
use crate::sim::{MmscSimConfig, MmscSimulator, SimError};
use crate::{code128_png, qr_png};

/// Result of [`submit_throughput`].
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    /// Messages submitted and accepted.
    pub messages: usize,
    /// Size of each package (sum of its parts), bytes.
    pub package_bytes: usize,
    /// Concurrent submissions.
    pub concurrency: usize,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Accepted messages per second.
    pub mms_per_sec: f64,
    /// Median latency of package + submit.
    pub p50: Duration,
    /// 99th percentile latency of package + submit.
    pub p99: Duration,
}

/// Why a benchmark run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// The simulator did not start.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// A submission failed.
    #[error(transparent)]
    Mm7(#[from] Mm7Error),
    /// The package could not be built.
    #[error(transparent)]
    Package(#[from] PackageError),
    /// The barcode could not be rendered.
    #[error(transparent)]
    Barcode(#[from] crate::BarcodeError),
    /// The filler image could not be encoded.
    #[error("filler image: {0}")]
    Image(#[from] png::EncodingError),
}

/// Packages and submits `n` messages of about `package_bytes` each (a barcode, a ringtone,
/// and a photo-like PNG filling the rest) to an in-process simulator, `concurrency` at a
/// time, and reports throughput and latency.
pub async fn submit_throughput(
    n: usize,
    package_bytes: usize,
    concurrency: usize,
) -> Result<BenchReport, BenchError> {
    let sim = MmscSimulator::start(MmscSimConfig {
        max_message_bytes: package_bytes * 2 + 64 * 1024,
        ..MmscSimConfig::default()
    })
    .await?;
    let client = Mm7Client::new(Mm7Config {
        url: sim.url(),
        max_attempts: 1,
        ..Mm7Config::default()
    })?;
    let input = Arc::new(bench_input(package_bytes)?);
    let actual_bytes = package((*input).clone())?.total_bytes;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency.max(1));
    for _ in 0..concurrency.max(1) {
        let (client, input, next) = (client.clone(), input.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = new_histogram();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t0 = Instant::now();
                let request = SubmitRequest {
                    transaction_id: format!("bench-{i}"),
                    recipients: vec![format!("+8210{:08}", i % 100_000_000)],
                    subject: String::new(),
                    package: package((*input).clone())?,
                    delivery_report: false,
                };
                client.submit(&request).await?;
                let micros = t0.elapsed().as_micros() as u64;
                latencies.saturating_record(micros.max(1));
            }
            Ok::<_, BenchError>(latencies)
        }));
    }
    let mut latencies = new_histogram();
    let mut failure = None;
    for task in tasks {
        match task.await {
            Ok(Ok(h)) => {
                if let Err(e) = latencies.add(h) {
                    tracing::warn!(error = %e, "latency histogram merge failed");
                }
            }
            Ok(Err(e)) => failure = Some(e),
            Err(e) => tracing::error!(error = %e, "benchmark task panicked"),
        }
    }
    let elapsed = started.elapsed();
    sim.stop().await;
    if let Some(e) = failure {
        return Err(e);
    }
    let messages = latencies.len() as usize;
    Ok(BenchReport {
        messages,
        package_bytes: actual_bytes,
        concurrency,
        elapsed,
        mms_per_sec: messages as f64 / elapsed.as_secs_f64(),
        p50: Duration::from_micros(latencies.value_at_quantile(0.5)),
        p99: Duration::from_micros(latencies.value_at_quantile(0.99)),
    })
}

/// Average time to render one Code 128 PNG, over `n` renders of different codes.
pub fn barcode_render_cost(n: usize) -> Duration {
    render_cost(n, |code| code128_png(code).is_ok())
}

/// Average time to render one QR PNG, over `n` renders of different codes.
pub fn qr_render_cost(n: usize) -> Duration {
    render_cost(n, |code| qr_png(code).is_ok())
}

fn render_cost(n: usize, render: impl Fn(&str) -> bool) -> Duration {
    let n = n.max(1);
    let started = Instant::now();
    let mut rendered = 0usize;
    for i in 0..n {
        let code = format!("{:016}", 1_234_567_890_000_000u64 + i as u64);
        if render(&code) {
            rendered += 1;
        }
    }
    let elapsed = started.elapsed();
    if rendered < n {
        tracing::warn!(failed = n - rendered, "some barcode renders failed");
    }
    elapsed / n as u32
}

fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .expect("1 µs .. 60 s at 3 significant digits are valid histogram bounds")
}

/// A gift-like message of about `package_bytes`: text, barcode, ringtone and a noisy PNG
/// (incompressible, like a photo) that fills the remainder.
fn bench_input(package_bytes: usize) -> Result<PackageInput, BenchError> {
    let barcode = code128_png("1234567890123452")?;
    let ringtone = crate::sample_contents()
        .into_iter()
        .find(|s| s.id == "ring-001")
        .map(|s| s.bytes)
        .unwrap_or_default();
    let fixed = barcode.len() + ringtone.len() + 2048;
    let filler_pixels = package_bytes.saturating_sub(fixed) / 3;
    let side = ((filler_pixels as f64).sqrt() as u32).max(1);
    let mut noise = vec![0u8; (side * side * 3) as usize];
    rand::rng().fill(&mut noise[..]);
    let photo = encode_png(side, side, PixelFormat::Rgb8, &noise)?;
    Ok(PackageInput {
        subject: "Benchmark gift".to_owned(),
        text: "A gift for you. Reply ACCEPT or REJECT.".to_owned(),
        images: vec![
            MediaPart {
                id: "photo".to_owned(),
                mime: "image/png".to_owned(),
                bytes: photo,
                droppable: true,
            },
            MediaPart {
                id: "barcode".to_owned(),
                mime: "image/png".to_owned(),
                bytes: barcode,
                droppable: false,
            },
        ],
        audio: vec![MediaPart {
            id: "ring-001".to_owned(),
            mime: "audio/midi".to_owned(),
            bytes: ringtone,
            droppable: true,
        }],
        max_bytes: package_bytes * 2,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_small_run_submits_every_message_and_reports_sane_figures() {
        let report = submit_throughput(20, 100 * 1024, 4).await.unwrap();
        assert_eq!(report.messages, 20);
        assert!(
            (90 * 1024..=110 * 1024).contains(&report.package_bytes),
            "{}",
            report.package_bytes
        );
        assert!(report.mms_per_sec > 0.0);
        assert!(report.p50 <= report.p99);
    }

    #[test]
    fn render_costs_are_measured() {
        assert!(barcode_render_cost(3) > Duration::ZERO);
        assert!(qr_render_cost(3) > Duration::ZERO);
    }
}
