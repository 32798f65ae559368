//! Protocol benchmarks: SMPP submit throughput (with the independent `smpp34` crate as
//! the reference measured in the same run) and MMS packaging + MM7 submission.

use std::time::Duration;

use crate::cli::BenchArgs;

/// `giftgate bench --smpp`.
pub async fn smpp(args: &BenchArgs) -> anyhow::Result<()> {
    let ours = giftgate_smpp::bench::submit_throughput(None, args.messages, 64, 0).await?;
    println!(
        "giftgate SMPP, one bind, window 64: {} submit_sm in {:.2} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        ours.messages,
        ours.elapsed.as_secs_f64(),
        ours.submits_per_sec,
        ours.p50.as_secs_f64() * 1000.0,
        ours.p99.as_secs_f64() * 1000.0
    );
    let messages = args.messages;
    let reference =
        std::thread::spawn(move || giftgate_smpp::bench::smpp34_reference(messages, 64))
            .join()
            .map_err(|_| anyhow::anyhow!("the smpp34 reference panicked"))??;
    println!(
        "smpp34 reference (its ESME against its SMSC), window 64: {:.0}/s",
        reference.submits_per_sec
    );
    println!(
        "ratio: {:.2} x smpp34 (target >= 0.25); target >= 50000/s: {}",
        ours.submits_per_sec / reference.submits_per_sec,
        if ours.submits_per_sec >= 50_000.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    if args.tps_seconds > 0 {
        let limited =
            giftgate_smpp::bench::submit_throughput(None, 100 * args.tps_seconds as usize, 64, 100)
                .await?;
        let rate = limited.messages as f64 / limited.elapsed.as_secs_f64();
        println!(
            "TPS limit 100: {} submits in {:.2} s = {rate:.2}/s ({:+.2} % of 100)",
            limited.messages,
            limited.elapsed.as_secs_f64(),
            (rate - 100.0)
        );
    }
    Ok(())
}

/// `giftgate bench --mms`.
pub async fn mms(args: &BenchArgs) -> anyhow::Result<()> {
    let messages = args.messages.min(20_000);
    let report = giftgate_mms::bench::submit_throughput(messages, 100 * 1024, 8).await?;
    println!(
        "MMS packaged + submitted over MM7, {} bytes each, concurrency 8: {} in {:.2} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms (target >= 500/s)",
        report.package_bytes,
        report.messages,
        report.elapsed.as_secs_f64(),
        report.mms_per_sec,
        report.p50.as_secs_f64() * 1000.0,
        report.p99.as_secs_f64() * 1000.0
    );
    let code128 = giftgate_mms::bench::barcode_render_cost(2000);
    let qr = giftgate_mms::bench::qr_render_cost(500);
    println!(
        "barcode rendering: Code 128 PNG {:.1} us each, QR PNG {:.1} us each",
        micros(code128),
        micros(qr)
    );
    Ok(())
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000_000.0
}
