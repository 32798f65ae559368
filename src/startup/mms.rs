//! MMS: the MM7 client (to the configured MMSC, or to a built-in simulator that reports
//! deliveries back to this gateway's HTTP API) and the dispatcher of the MMS outbox.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use giftgate_actors::actors::periodic::PeriodicJob;
use giftgate_actors::domain::Region;
use giftgate_actors::ports::Store;
use giftgate_delivery::claims::ClaimBook;
use giftgate_delivery::mms::MmsDispatcher;
use giftgate_mms::{Mm7Client, Mm7Config, MmscSimConfig, MmscSimHandle, MmscSimulator};

use super::workers::Worker;
use crate::config::Settings;

/// Starts MMS delivery; the dispatcher joins `workers` when this instance delivers.
/// `http_addr` is where the simulator, if started, posts its delivery reports.
pub(super) async fn start(
    settings: &Settings,
    store: &Arc<dyn Store>,
    http_addr: SocketAddr,
    region: Region,
    claims: &ClaimBook,
    workers: &mut Vec<Worker>,
) -> anyhow::Result<Option<MmscSimHandle>> {
    let (url, simulator) = match &settings.mm7_url {
        Some(url) => (url.clone(), None),
        None => {
            let simulator = MmscSimulator::start(MmscSimConfig {
                delivery_report_url: Some(format!("http://{http_addr}/mm7/delivery-reports")),
                delivery_report_delay: Duration::from_millis(500),
                ..MmscSimConfig::default()
            })
            .await
            .context("starting the built-in MMSC simulator")?;
            tracing::info!(url = %simulator.url(), "built-in MMSC simulator");
            (simulator.url(), Some(simulator))
        }
    };
    let client = Mm7Client::new(mm7_config(settings, url)).context("MM7 client")?;
    if settings.delivery {
        workers.push(
            MmsDispatcher::new(
                Arc::clone(store),
                client,
                claims.clone(),
                settings.mms_max_bytes,
                Duration::from_millis(200),
                region,
            )
            .start()
            .recipient(),
        );
    }
    Ok(simulator)
}

/// The MM7 client's configuration for the MMSC at `url`.
pub fn mm7_config(settings: &Settings, url: String) -> Mm7Config {
    Mm7Config {
        url,
        username: settings.mm7_username.clone(),
        password: settings.mm7_password.clone(),
        vasp_id: settings.mm7_vasp_id.clone(),
        vas_id: settings.mm7_vas_id.clone(),
        sender_address: settings.short_code.clone(),
        version: settings.mm7_version,
        ..Mm7Config::default()
    }
}
