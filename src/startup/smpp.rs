//! SMS: the SMPP binds (to the configured SMSC, or to a built-in simulator), the
//! dispatcher of the SMS outbox, the consumer of receipts and MO commands, and the
//! readiness probe of the binds.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use anyhow::Context;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::actors::periodic::PeriodicJob;
use giftgate_actors::domain::Region;
use giftgate_actors::ports::Store;
use giftgate_delivery::claims::ClaimBook;
use giftgate_delivery::smpp_events::SmppEventsTask;
use giftgate_delivery::sms::SmsDispatcher;
use giftgate_smpp::{SmppClient, SmppClientConfig, SmscSimConfig, SmscSimHandle, SmscSimulator};

use super::workers::Worker;
use crate::config::Settings;
use crate::http::ReadinessProbe;

/// What [`start`] started.
pub(super) struct Sms {
    pub client: SmppClient,
    pub simulator: Option<SmscSimHandle>,
    pub events: SmppEventsTask,
}

/// Starts SMS delivery; the dispatcher joins `workers` when this instance delivers.
pub(super) async fn start(
    settings: &Settings,
    store: &Arc<dyn Store>,
    registry: &Addr<SessionRegistry>,
    region: Region,
    claims: &ClaimBook,
    workers: &mut Vec<Worker>,
) -> anyhow::Result<Sms> {
    let (base, simulator) = match &settings.smsc_url {
        Some(url) => (
            SmppClientConfig::from_url(url).context("GIFTGATE_SMSC_URL")?,
            None,
        ),
        None => {
            let simulator = SmscSimulator::start(SmscSimConfig {
                system_id: settings.smsc_system_id.clone(),
                password: settings.smsc_password.clone(),
                ..SmscSimConfig::default()
            })
            .await
            .context("starting the built-in SMSC simulator")?;
            let addr = simulator.smpp_addr();
            tracing::info!(smpp = %addr, http = %simulator.http_addr(), "built-in SMSC simulator");
            let config = SmppClientConfig::from_url(&format!("smpp://{addr}"))
                .context("SMSC simulator address")?;
            (config, Some(simulator))
        }
    };
    let (events_tx, events_rx) = tokio::sync::mpsc::channel(1024);
    let client = SmppClient::start(smpp_client_config(settings, base), events_tx);
    let events = SmppEventsTask::spawn(
        events_rx,
        Arc::clone(store),
        registry.clone(),
        region,
        settings.mo_in_flight,
    );
    if settings.delivery {
        workers.push(
            SmsDispatcher::new(
                Arc::clone(store),
                client.clone(),
                claims.clone(),
                Duration::from_millis(100),
                500,
            )
            .start()
            .recipient(),
        );
    }
    Ok(Sms {
        client,
        simulator,
        events,
    })
}

/// The SMPP client's configuration: where `base` connects, bound and coded as the
/// settings say.
pub fn smpp_client_config(settings: &Settings, base: SmppClientConfig) -> SmppClientConfig {
    let mut config = SmppClientConfig {
        system_id: settings.smsc_system_id.clone(),
        password: settings.smsc_password.clone(),
        system_type: settings.smsc_system_type.clone(),
        binds: settings.smsc_binds.max(1),
        window: settings.smsc_window.max(1),
        tps: settings.smsc_tps,
        source_addr: settings.short_code.clone(),
        message_ids: settings.smsc_message_ids,
        ..base
    };
    config.coding.gsm_packed = settings.smsc_gsm_packed;
    config.coding.ksc5601 = settings.smsc_ksc5601;
    config
}

/// `/readyz`: at least one SMPP bind is up.
pub(super) struct SmscBound(pub SmppClient);

#[async_trait::async_trait]
impl ReadinessProbe for SmscBound {
    fn name(&self) -> &'static str {
        "smsc"
    }

    async fn check(&self) -> Result<(), String> {
        match self.0.bound_count() {
            0 => Err("no SMPP bind is up".to_owned()),
            _ => Ok(()),
        }
    }
}
