//! The process's metrics: the Prometheus recorder `/metrics` renders, and the gauge that
//! tells an alert which rails are the built-in simulators.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::config::Settings;

/// The process-wide Prometheus recorder (installed once, shared by every gateway a test
/// process starts).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests); ours still renders.
            drop(metrics::set_global_recorder(recorder));
            handle
        })
        .clone()
}

/// Sets `giftgate_simulated_rail{rail=…}` to 1 for each rail served by a built-in
/// simulator and 0 for each real one, so an alert can catch pretend rails.
pub(super) fn publish_simulated_rails(settings: &Settings) {
    let simulated = crate::rails::simulated_rails(settings);
    for rail in crate::rails::RAILS {
        let value = if simulated.contains(&rail) { 1.0 } else { 0.0 };
        metrics::gauge!("giftgate_simulated_rail", "rail" => rail.name).set(value);
    }
}
