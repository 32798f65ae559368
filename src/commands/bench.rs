//! `giftgate bench`: load generators. HTTP (default) against an in-process gateway on
//! the configured database, with `pgbench` as the reference; `--smpp` and `--mms` measure
//! the delivery adapters against their simulators.

use std::process::ExitCode;

use crate::cli::BenchArgs;
use crate::config::Settings;

/// Runs the chosen benchmark.
pub async fn run(settings: Settings, args: BenchArgs) -> anyhow::Result<ExitCode> {
    if args.reconcile {
        crate::bench::reconcile::run_bench(&settings, args.charges).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.mo {
        crate::bench::mo::run(settings, &args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.smpp {
        crate::bench::protocols::smpp(&args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.amqp {
        let url = settings
            .amqp_url
            .clone()
            .ok_or_else(|| anyhow::anyhow!("--amqp needs GIFTGATE_AMQP_URL"))?;
        // The gateway under test consumes in this process, on the configured database.
        let mut gateway_settings = settings.clone();
        gateway_settings.http_addr = "127.0.0.1:0".to_owned();
        gateway_settings.monthly_carrier_cap = 0;
        gateway_settings.delivery = !args.api_only;
        let gateway = crate::startup::Gateway::start(gateway_settings).await?;
        let report =
            giftgate_amqp::bench::run(&url, args.messages, args.subscribers, args.offered_rate)
                .await;
        gateway.stop().await;
        println!("{}", report?);
        return Ok(ExitCode::SUCCESS);
    }
    if args.smpp_delivery {
        crate::bench::delivery::run(settings, &args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.sessions {
        return crate::bench::sessions::run(&settings, &args).await;
    }
    if args.pages {
        crate::bench::pages::run(settings, &args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.mms {
        crate::bench::protocols::mms(&args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::bench::http::run(settings, args).await
}
