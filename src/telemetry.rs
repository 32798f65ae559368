//! One place that builds the tracing subscriber: `RUST_LOG` filter (default `info`),
//! text or JSON lines (`GIFTGATE_LOG_FORMAT=json`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(log_format: &str) {
    init_with_default(log_format, "info");
}

/// Like [`init`], with another filter when `RUST_LOG` is unset.
pub fn init_with_default(log_format: &str, default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    let result = if log_format == "json" {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
    // Already installed (tests start several gateways in one process): keep the first.
    drop(result);
}
