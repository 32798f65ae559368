//! The benchmark entry points run and report sensible figures (the release-mode targets
//! are measured with `examples/bench.rs`, not here).

use std::time::Duration;

use giftgate_smpp::bench::submit_throughput;

#[actix_rt::test]
async fn the_throughput_run_submits_every_message_and_reports_percentiles() {
    let report = submit_throughput(None, 2_000, 64, 0).await.unwrap();
    assert_eq!(report.messages, 2_000);
    assert!(report.submits_per_sec > 0.0);
    assert!(report.p50 <= report.p99);
    assert!(report.p99 < Duration::from_secs(5));
}

#[actix_rt::test]
async fn the_tps_limit_holds_the_rate_at_or_below_the_limit() {
    let report = submit_throughput(None, 60, 64, 50).await.unwrap();
    // 60 parts spaced 20 ms apart take at least 59 × 20 ms, so at most 50.8/s.
    assert!(report.elapsed >= Duration::from_millis(1_180), "{report:?}");
    assert!(report.submits_per_sec <= 50.9, "{report:?}");
    assert!(
        report.submits_per_sec > 40.0,
        "far below the limit: {report:?}"
    );
}
