//! `EventLogRelay`: without a broker (`GIFTGATE_AMQP_URL` unset) committed events are
//! written to the log (target `giftgate::events`, one JSON line each) and marked
//! delivered, so the outbox does not grow without bound. With a broker, the AMQP outbox
//! publisher takes this role.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use giftgate_actors::domain::OutboxMessage;
use giftgate_actors::ports::Store;

/// Logs committed events in commit order.
pub struct EventLogRelay {
    store: Arc<dyn Store>,
    every: Duration,
    busy: bool,
}

impl EventLogRelay {
    /// Polls the outbox every `every`.
    pub fn new(store: Arc<dyn Store>, every: Duration) -> Self {
        EventLogRelay {
            store,
            every,
            busy: false,
        }
    }
}

impl Actor for EventLogRelay {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(self.every, |relay, ctx| {
            if relay.busy {
                return;
            }
            relay.busy = true;
            let store = Arc::clone(&relay.store);
            let work = async move {
                loop {
                    let batch = match store.outbox_due("event", chrono::Utc::now(), 500).await {
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
            };
            ctx.spawn(work.into_actor(relay).map(|_, relay, _| relay.busy = false));
        });
    }
}

impl Handler<giftgate_actors::actors::Stop> for EventLogRelay {
    type Result = ();

    fn handle(&mut self, _: giftgate_actors::actors::Stop, ctx: &mut Self::Context) {
        ctx.stop();
    }
}
