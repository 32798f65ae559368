//! `EventLogRelay`: without a broker (`GIFTGATE_AMQP_URL` unset) committed events are
//! written to the log (target `giftgate::events`, one JSON line each) and marked
//! delivered, so the outbox does not grow without bound. With a broker, the AMQP outbox
//! publisher takes this role.

use std::sync::Arc;
use std::time::Duration;

use giftgate_actors::actors::periodic::{PeriodicJob, Round, TickContext};
use giftgate_actors::domain::{OutboxChannel, OutboxMessage};
use giftgate_actors::ports::Store;

/// Logs committed events in commit order.
pub struct EventLogRelay {
    store: Arc<dyn Store>,
    every: Duration,
}

impl EventLogRelay {
    /// Polls the outbox every `every`.
    pub fn new(store: Arc<dyn Store>, every: Duration) -> Self {
        EventLogRelay { store, every }
    }
}

impl PeriodicJob for EventLogRelay {
    const NAME: &'static str = "event_log_relay";

    fn every(&self) -> Duration {
        self.every
    }

    fn round(&mut self, tick: TickContext) -> Round {
        let store = Arc::clone(&self.store);
        Box::pin(async move {
            while !tick.stopping.is_set() {
                let batch = match store
                    .outbox_due(OutboxChannel::Event, chrono::Utc::now(), 500)
                    .await
                {
                    Ok(batch) => batch,
                    Err(error) => {
                        tracing::warn!(%error, "reading the event outbox failed");
                        return;
                    }
                };
                if batch.is_empty() {
                    return;
                }
                let mut ids = Vec::with_capacity(batch.len());
                for record in &batch {
                    if let OutboxMessage::Event { event, .. } = &record.message {
                        let line = serde_json::to_string(event).unwrap_or_default();
                        tracing::info!(target: "giftgate::events", event = %line, "event");
                    }
                    ids.push(record.id);
                }
                if let Err(error) = store.outbox_delivered(&ids).await {
                    tracing::warn!(%error, "marking events delivered failed");
                    return;
                }
            }
        })
    }
}
