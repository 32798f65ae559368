//! The `giftgate` binary: reads configuration, sets up telemetry, runs a subcommand.

use clap::Parser;
use giftgate::cli::Cli;
use giftgate::config::Settings;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("giftgate: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    // The demo prints its own story; its logs stay at warnings unless RUST_LOG asks.
    if matches!(cli.command, giftgate::cli::Command::Demo { .. })
        && std::env::var_os("RUST_LOG").is_none()
    {
        giftgate::telemetry::init_with_default(&settings.log_format, "warn");
    } else {
        giftgate::telemetry::init(&settings.log_format);
    }
    let system = actix::System::new();
    match system.block_on(giftgate::commands::run(cli.command, settings)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("giftgate: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
