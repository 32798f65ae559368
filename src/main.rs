//! The `giftgate` binary: reads configuration, sets up telemetry, runs a subcommand.

use clap::Parser;
use giftgate::cli::Cli;
use giftgate::config::Settings;

fn main() {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("giftgate: {error}");
            std::process::exit(2);
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
    let code = match system.block_on(giftgate::commands::run(cli.command, settings)) {
        Ok(code) if code == std::process::ExitCode::SUCCESS => 0,
        Ok(_) => 1,
        // 1 is a finding (an audit violation, a reconcile mismatch); 2 means the command
        // could not do its work (database down, bad input), as with bad configuration.
        Err(error) => {
            eprintln!("giftgate: {error:#}");
            2
        }
    };
    // Everything was drained by the command. Exit now rather than tear down thread-bound
    // resources (database pools held by actors on other arbiters) outside their runtime.
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}
