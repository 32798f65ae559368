//! `giftgate bench`: load generators. HTTP (default) against an in-process gateway on
//! the configured database, with `pgbench` as the reference; `--smpp` and `--mms` measure
//! the delivery adapters against their simulators.

use std::process::ExitCode;

use crate::cli::BenchArgs;
use crate::config::Settings;

/// Runs the chosen benchmark.
pub async fn run(settings: Settings, args: BenchArgs) -> anyhow::Result<ExitCode> {
    if args.smpp {
        crate::bench::protocols::smpp(&args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.mms {
        crate::bench::protocols::mms(&args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::bench::http::run(settings, args).await
}
