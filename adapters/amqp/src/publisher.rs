//! `OutboxPublisher`: publishes the events the core committed to its outbox.
//!
//! Each round reads up to `publish_batch` due entries of channel `event` in commit (id)
//! order, publishes each event JSON to `giftgate.events` (routing key = event type,
//! persistent, `application/json`, `message_id` = `event_id`) and — for an order's final
//! event whose order carried `reply_to` — also to that queue through the default
//! exchange (mandatory, with the order's `correlation_id`). It then awaits every
//! publisher confirm and only then marks the confirmed entries delivered: an event is
//! published at least once, and consumers deduplicate by `event_id`. The next round
//! starts after that, so commit order is kept per subscriber.
//!
//! An entry the broker nacks, or whose `reply_to` is unroutable, is retried later with
//! [`retry::outbox_delay`] and parked after [`retry::OUTBOX_MAX_ATTEMPTS`]; meanwhile
//! later entries of the same subscriber are held back (in memory) so they do not
//! overtake it. A lost connection marks nothing: the unconfirmed entries stay due and are
//! published again after the reconnect.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix::prelude::*;
use chrono::Utc;
use giftgate_actors::domain::{OutboxChannel, OutboxMessage, OutboxRecord};
use giftgate_actors::ports::Store;
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::ShortString;
use lapin::{BasicProperties, Channel, Confirmation, Connection, PublisherConfirm};
use tokio::sync::watch;

use crate::topology::EVENTS_EXCHANGE;
use crate::{AmqpConfig, Links, connection, retry, topology};

/// Publishes the event outbox; see the module docs.
pub struct OutboxPublisher {
    config: Arc<AmqpConfig>,
    store: Arc<dyn Store>,
    links: Arc<Links>,
    stop: watch::Sender<bool>,
    finished: watch::Sender<bool>,
}

impl OutboxPublisher {
    /// A publisher of `store`'s event outbox.
    pub(crate) fn new(config: Arc<AmqpConfig>, store: Arc<dyn Store>, links: Arc<Links>) -> Self {
        OutboxPublisher {
            config,
            store,
            links,
            stop: watch::Sender::new(false),
            finished: watch::Sender::new(false),
        }
    }
}

impl Actor for OutboxPublisher {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let relay = Relay {
            config: Arc::clone(&self.config),
            store: Arc::clone(&self.store),
            links: Arc::clone(&self.links),
            held_back: HashMap::new(),
        };
        let stop = self.stop.subscribe();
        let finished = self.finished.clone();
        ctx.spawn(
            async move {
                relay.run(stop).await;
                finished.send_replace(true);
            }
            .into_actor(self),
        );
    }
}

/// Publish what the outbox holds once more, then close the connection and stop.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Flush;

impl Handler<Flush> for OutboxPublisher {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Flush, _: &mut Self::Context) -> Self::Result {
        self.stop.send_replace(true);
        let mut finished = self.finished.subscribe();
        Box::pin(async move {
            // An error means the run loop is gone, which is what we wait for.
            drop(finished.wait_for(|done| *done).await);
        })
    }
}

/// Why a round did not finish.
#[derive(Debug, thiserror::Error)]
enum RoundError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("store: {0}")]
    Store(#[from] giftgate_actors::ports::StoreError),
}

/// What a round did.
struct Round {
    /// Entries published (confirmed or not).
    published: usize,
}

/// One published entry awaiting its confirms.
struct InFlightEntry {
    record: OutboxRecord,
    key: String,
    event: PublisherConfirm,
    reply: Option<PublisherConfirm>,
}

struct Relay {
    config: Arc<AmqpConfig>,
    store: Arc<dyn Store>,
    links: Arc<Links>,
    /// Subscriber (partition key) → the failed entry their later entries wait behind.
    held_back: HashMap<String, i64>,
}

impl Relay {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut pause = connection::SessionPause::new();
        loop {
            let Some(connection) =
                connection::connect_with_backoff(&self.config.url, "giftgate-outbox", &mut stop)
                    .await
            else {
                break;
            };
            let session = pause.session_started();
            match self.serve(&connection, &mut stop).await {
                Ok(()) => break,
                Err(error) => {
                    self.links.outbox.store(false, Ordering::SeqCst);
                    if !pause
                        .after_lost_connection("outbox", &error, &connection, session, &mut stop)
                        .await
                    {
                        break;
                    }
                }
            }
        }
        self.links.outbox.store(false, Ordering::SeqCst);
    }

    /// Publishes on one connection until it is lost (`Err`) or a flush-and-stop is asked.
    async fn serve(
        &mut self,
        connection: &Connection,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<(), lapin::Error> {
        let channel = connection.create_channel().await?;
        topology::declare_events(&channel).await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        // An idle publisher learns of a lost connection from this, not from a publish.
        let dropped = connection::dropped(connection);
        tokio::pin!(dropped);
        self.links.outbox.store(true, Ordering::SeqCst);
        tracing::info!("outbox publisher connected");
        loop {
            let stopping = *stop.borrow();
            let published = match self.round(&channel).await {
                Ok(round) => round.published,
                Err(RoundError::Broker(error)) => return Err(error),
                Err(RoundError::Store(error)) => {
                    tracing::warn!(%error, "reading or updating the outbox failed");
                    0
                }
            };
            if stopping && published < self.batch_len() {
                tracing::info!("outbox flushed; publisher stopping");
                self.links.outbox.store(false, Ordering::SeqCst);
                connection::close_within("channel", channel.close(200, "shutdown".into())).await;
                connection::close_within("connection", connection.close(200, "shutdown".into()))
                    .await;
                return Ok(());
            }
            if published < self.batch_len() {
                tokio::select! {
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                    _ = stop.changed() => {}
                    error = &mut dropped => return Err(error),
                }
            }
        }
    }

    fn batch_len(&self) -> usize {
        usize::try_from(self.config.publish_batch).unwrap_or(usize::MAX)
    }

    /// One batch: publish in id order, await every confirm, then record the outcomes.
    async fn round(&mut self, channel: &Channel) -> Result<Round, RoundError> {
        let due = self
            .store
            .outbox_due(OutboxChannel::Event, Utc::now(), self.config.publish_batch)
            .await?;
        let mut in_flight = Vec::with_capacity(due.len());
        for record in due {
            let key = record.message.partition_key();
            if self
                .held_back
                .get(&key)
                .is_some_and(|blocker| *blocker < record.id)
            {
                continue;
            }
            match publish(channel, &record).await {
                Ok(Some((event, reply))) => in_flight.push(InFlightEntry {
                    record,
                    key,
                    event,
                    reply,
                }),
                Ok(None) => {
                    let reason = "not an event entry, or not publishable as one";
                    tracing::error!(outbox_id = record.id, reason, "parking an outbox entry");
                    self.store.outbox_park(record.id, reason).await?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        let published = in_flight.len();
        let mut delivered = Vec::with_capacity(published);
        let mut refused = Vec::new();
        let mut lost = None;
        for entry in in_flight {
            match settle(entry.event, entry.reply).await {
                Ok(None) => delivered.push((entry.record.id, entry.key)),
                Ok(Some(reason)) => refused.push((entry.record, entry.key, reason)),
                Err(error) => {
                    lost.get_or_insert(error);
                }
            }
        }
        if !delivered.is_empty() {
            let ids: Vec<i64> = delivered.iter().map(|(id, _)| *id).collect();
            self.store.outbox_delivered(&ids).await?;
            metrics::counter!("giftgate_amqp_events_published_total").increment(ids.len() as u64);
            for (id, key) in &delivered {
                self.release(key, *id);
            }
        }
        for (record, key, reason) in refused {
            self.refused(record, key, &reason).await?;
        }
        match lost {
            Some(error) => Err(error.into()),
            None => Ok(Round { published }),
        }
    }

    fn release(&mut self, key: &str, id: i64) {
        if self.held_back.get(key) == Some(&id) {
            self.held_back.remove(key);
        }
    }

    /// The broker refused an entry: retry it later or park it; hold back its successors.
    async fn refused(
        &mut self,
        record: OutboxRecord,
        key: String,
        reason: &str,
    ) -> Result<(), RoundError> {
        let attempts = record.attempts + 1;
        if attempts >= retry::OUTBOX_MAX_ATTEMPTS {
            tracing::error!(
                outbox_id = record.id,
                attempts,
                reason,
                "parking an outbox entry the broker keeps refusing"
            );
            self.store.outbox_park(record.id, reason).await?;
            metrics::counter!("giftgate_amqp_outbox_parked_total").increment(1);
            self.release(&key, record.id);
        } else {
            let delay = retry::outbox_delay(attempts);
            tracing::warn!(outbox_id = record.id, attempts, reason, retry_in = ?delay, "outbox entry refused; retrying later");
            let next = Utc::now()
                + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(300));
            self.store.outbox_retry_at(record.id, reason, next).await?;
            metrics::counter!("giftgate_amqp_outbox_retries_total").increment(1);
            self.held_back.entry(key).or_insert(record.id);
        }
        Ok(())
    }
}

/// Publishes one entry: the event, and its reply if the order asked for one. `None` if
/// the entry cannot be published as an event (parked by the caller).
async fn publish(
    channel: &Channel,
    record: &OutboxRecord,
) -> Result<Option<(PublisherConfirm, Option<PublisherConfirm>)>, lapin::Error> {
    let OutboxMessage::Event {
        event,
        reply_to,
        correlation_id,
    } = &record.message
    else {
        return Ok(None);
    };
    let Ok(body) = serde_json::to_vec(event) else {
        return Ok(None);
    };
    let (Ok(routing_key), Ok(message_id)) = (
        ShortString::try_new(event.event_type.clone()),
        ShortString::try_new(event.event_id.clone()),
    ) else {
        return Ok(None);
    };
    let properties = BasicProperties::default()
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_message_id(message_id)
        .with_type(routing_key.clone())
        .with_timestamp(u64::try_from(event.occurred_at.timestamp()).unwrap_or(0));
    let event_confirm = channel
        .basic_publish(
            EVENTS_EXCHANGE.into(),
            routing_key,
            BasicPublishOptions::default(),
            &body,
            properties.clone(),
        )
        .await?;
    let reply_confirm = match reply_to.as_deref().map(ShortString::try_new) {
        None => None,
        Some(Err(_)) => return Ok(None),
        Some(Ok(queue)) => {
            let mut properties = properties;
            if let Some(correlation_id) = correlation_id
                .as_deref()
                .and_then(|id| ShortString::try_new(id).ok())
            {
                properties = properties.with_correlation_id(correlation_id);
            }
            let confirm = channel
                .basic_publish(
                    "".into(),
                    queue,
                    BasicPublishOptions {
                        mandatory: true,
                        ..BasicPublishOptions::default()
                    },
                    &body,
                    properties,
                )
                .await?;
            Some(confirm)
        }
    };
    Ok(Some((event_confirm, reply_confirm)))
}

/// Waits for an entry's confirms: `None` when delivered, `Some(reason)` when the broker
/// refused it, `Err` when the channel went away.
async fn settle(
    event: PublisherConfirm,
    reply: Option<PublisherConfirm>,
) -> Result<Option<String>, lapin::Error> {
    let event = event.await?;
    let reply = match reply {
        Some(reply) => Some(reply.await?),
        None => None,
    };
    if let Some(reason) = refusal(&event, "event") {
        return Ok(Some(reason));
    }
    Ok(reply.as_ref().and_then(|reply| refusal(reply, "reply_to")))
}

fn refusal(confirmation: &Confirmation, what: &str) -> Option<String> {
    match confirmation {
        Confirmation::Ack(None) | Confirmation::NotRequested => None,
        Confirmation::Ack(Some(returned)) => Some(format!(
            "{what} unroutable: {} {}",
            returned.reply_code, returned.reply_text
        )),
        Confirmation::Nack(_) => Some(format!("{what} nacked by the broker")),
    }
}
