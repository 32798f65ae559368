//! Prints the MMS benchmark figures: `cargo run -p giftgate-mms --release --example mms_bench [n] [package_bytes] [concurrency]`.

use giftgate_mms::bench::{barcode_render_cost, qr_render_cost, submit_throughput};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let n = args.next().transpose()?.unwrap_or(5000);
    let package_bytes = args.next().transpose()?.unwrap_or(100 * 1024);
    let concurrency = args.next().transpose()?.unwrap_or(32);
    // Warm up connections and allocator.
    submit_throughput(200, package_bytes, concurrency).await?;
    let report = submit_throughput(n, package_bytes, concurrency).await?;
    println!(
        "submit: {} MMS of {} bytes, concurrency {}: {:.0} MMS/s, p50 {:?}, p99 {:?} (wall {:?})",
        report.messages,
        report.package_bytes,
        report.concurrency,
        report.mms_per_sec,
        report.p50,
        report.p99,
        report.elapsed
    );
    println!("Code 128 PNG render: {:?} each", barcode_render_cost(2000));
    println!("QR PNG render: {:?} each", qr_render_cost(2000));
    Ok(())
}
