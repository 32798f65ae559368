//! `giftgate bench`: load over HTTP against an in-process gateway on the configured
//! database (use PostgreSQL for figures), with `pgbench` as the reference.

use std::process::ExitCode;

use crate::cli::BenchArgs;
use crate::config::Settings;

/// Runs the benchmark.
pub async fn run(settings: Settings, args: BenchArgs) -> anyhow::Result<ExitCode> {
    crate::bench::http::run(settings, args).await
}
