//! The subcommands of the binary; `anyhow` stops here.

pub mod audit;
pub mod bench;
pub mod demo;
pub mod reconcile;
pub mod rekey;
pub mod serve;

use std::process::ExitCode;

use crate::cli::{Command, Simulator};
use crate::config::Settings;

/// Runs a subcommand inside the actix system.
pub async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => serve::run(settings).await,
        Command::Demo { database } => demo::run(settings, database).await,
        Command::Migrate => {
            crate::startup::open_store(&settings).await?;
            println!(
                "migrations applied to {}",
                giftgate_store::redact_url(&settings.database_url)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit => audit::run(&settings).await,
        Command::Reconcile(args) => reconcile::run(&settings, args).await,
        Command::Rekey(args) => rekey::run(&settings, &args).await,
        Command::Bench(args) => bench::run(settings, args).await,
        Command::Sim { which } => match which {
            Simulator::Billing { addr } => {
                let addr = addr.parse()?;
                giftgate_billing::run_standalone(addr).await?;
                Ok(ExitCode::SUCCESS)
            }
            Simulator::Smsc {
                smpp_addr,
                http_addr,
            } => {
                giftgate_smpp::run_standalone(giftgate_smpp::SmscSimConfig {
                    smpp_addr: smpp_addr.parse()?,
                    http_addr: http_addr.parse()?,
                    system_id: settings.smsc_system_id.clone(),
                    password: settings.smsc_password.clone(),
                    ..giftgate_smpp::SmscSimConfig::default()
                })
                .await?;
                Ok(ExitCode::SUCCESS)
            }
            Simulator::Mmsc {
                addr,
                delivery_report_url,
            } => {
                giftgate_mms::run_standalone(giftgate_mms::MmscSimConfig {
                    addr: addr.parse()?,
                    delivery_report_url,
                    ..giftgate_mms::MmscSimConfig::default()
                })
                .await?;
                Ok(ExitCode::SUCCESS)
            }
            Simulator::Psp { addr } => {
                giftgate_psp::run_standalone(addr.as_str()).await?;
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}
