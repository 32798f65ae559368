//! Measures submit throughput: giftgate-smpp against its in-process SMSC (one bind,
//! window 64), the `smpp34` reference in the same run, and the TPS limit's accuracy.
//!
//! `cargo run --release -p giftgate-smpp --features smpp34-reference --example bench`
//! (environment: `MESSAGES`, default 200000; `WINDOW`, default 64; `TPS_SECONDS`, default 30).

use std::time::Duration;

use giftgate_smpp::bench::{BenchReport, smpp34_reference, submit_throughput};

fn env(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn print(label: &str, report: &BenchReport) {
    println!(
        "{label}: {} submit_sm in {:.2?} = {:.0} submit_sm/s, p50 {:?}, p99 {:?}",
        report.messages, report.elapsed, report.submits_per_sec, report.p50, report.p99
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let messages = env("MESSAGES", 200_000);
    let window = env("WINDOW", 64);
    let tps_seconds = env("TPS_SECONDS", 30);
    let system = actix_rt::System::new();
    let ours = system.block_on(submit_throughput(None, messages, window, 0))?;
    print("giftgate-smpp (1 bind)", &ours);
    let reference = smpp34_reference(messages, window)?;
    print("smpp34 reference (1 session)", &reference);
    println!(
        "ratio: {:.2} x smpp34",
        ours.submits_per_sec / reference.submits_per_sec
    );
    let limited = system.block_on(submit_throughput(None, 100 * tps_seconds, window, 100))?;
    print("giftgate-smpp with tps 100", &limited);
    let deviation = (limited.submits_per_sec - 100.0).abs() / 100.0 * 100.0;
    println!(
        "tps deviation: {deviation:.2} % over {:?}",
        Duration::from_secs(tps_seconds as u64)
    );
    Ok(())
}
