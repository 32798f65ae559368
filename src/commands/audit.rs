//! `giftgate audit`: checks the conservation invariants on the configured database,
//! prints the totals, exits 1 on any violation.

use std::process::ExitCode;

use crate::config::Settings;

/// Runs the audit.
pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = giftgate_store::connect(&settings.database_url).await?;
    let report = giftgate_actors::service::audit(store.as_ref()).await?;
    print!("{report}");
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
