//! The rails' side of a reconciliation: where each rail's settlement of a day comes from
//! (its settlement file, or its simulator over HTTP). What `giftgate reconcile` prints of
//! a run is the composition root's (`giftgate::commands::reconcile::report`).
#![forbid(unsafe_code)]

pub mod csv_file;
pub mod simulators;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use giftgate_actors::domain::{Rail, SettlementRecord};

/// Where one rail's records come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A settlement file in the format of [`csv_file`].
    Csv(PathBuf),
    /// The simulator whose API is at this URL (`GIFTGATE_BILLING_URL` / `GIFTGATE_PSP_URL`).
    Simulator(String),
}

/// Why a rail's records could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// From a settlement file.
    #[error(transparent)]
    Csv(#[from] csv_file::CsvError),
    /// From a simulator.
    #[error(transparent)]
    Simulator(#[from] simulators::SimRecordsError),
}

/// The records of `rail` settled on `day`.
pub async fn rail_records(
    client: &reqwest::Client,
    rail: Rail,
    source: &Source,
    day: NaiveDate,
) -> Result<Vec<SettlementRecord>, SourceError> {
    Ok(match (source, rail) {
        (Source::Csv(path), _) => csv_file::read(path, rail, day)?,
        (Source::Simulator(url), Rail::Carrier) => simulators::billing(client, url, day).await?,
        (Source::Simulator(url), Rail::Psp) => simulators::psp(client, url, day).await?,
    })
}

/// The UTC day as `[start, end)`.
pub fn day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = day.and_time(chrono::NaiveTime::MIN).and_utc();
    (start, start + chrono::Duration::days(1))
}
