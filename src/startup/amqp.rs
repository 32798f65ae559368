//! The broker (`GIFTGATE_AMQP_URL`): order intake and the outbox publisher over
//! RabbitMQ, and the readiness probe of its connection. Without a URL, orders arrive by
//! HTTP only and the event log relay empties the outbox.

use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use anyhow::Context;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::service::Ledger;
use giftgate_amqp::{AmqpConfig, AmqpHandle, AmqpStatus};

use crate::config::Settings;
use crate::http::ReadinessProbe;

/// Connects to the configured broker, if any, and adds its probe to `probes`.
pub(super) async fn start(
    settings: &Settings,
    ledger: &Arc<Ledger>,
    registry: &Addr<SessionRegistry>,
    probes: &mut Vec<Arc<dyn ReadinessProbe>>,
) -> anyhow::Result<Option<AmqpHandle>> {
    let Some(url) = &settings.amqp_url else {
        return Ok(None);
    };
    let handle = giftgate_amqp::start(
        amqp_config(settings, url),
        Arc::clone(ledger),
        registry.clone(),
    )
    .await
    .context("connecting to RabbitMQ")?;
    probes.push(Arc::new(BrokerConnected(handle.status())));
    Ok(Some(handle))
}

/// The AMQP adapter's configuration for the broker at `url`.
pub fn amqp_config(settings: &Settings, url: &str) -> AmqpConfig {
    AmqpConfig {
        prefetch: settings.amqp_prefetch.max(1),
        partitions: settings.amqp_partitions,
        instance_id: settings.amqp_instance_id.clone(),
        heartbeat: Duration::from_millis(settings.amqp_heartbeat_ms.max(1)),
        member_timeout: Duration::from_millis(settings.amqp_member_timeout_ms),
        delivery_limit: settings.amqp_delivery_limit,
        ..AmqpConfig::new(url.to_owned())
    }
}

/// `/readyz`: the broker connection is up.
struct BrokerConnected(AmqpStatus);

#[async_trait::async_trait]
impl ReadinessProbe for BrokerConnected {
    fn name(&self) -> &'static str {
        "broker"
    }

    async fn check(&self) -> Result<(), String> {
        self.0.check()
    }
}
