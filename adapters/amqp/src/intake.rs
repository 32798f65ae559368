//! `OrderIntake`: consumes orders from RabbitMQ and hands them to subscriber sessions.
//!
//! Each delivery is parsed with [`Order::from_json`]. What is not an order is
//! re-published with its properties to `giftgate.orders.dlx` with header
//! `x-giftgate-error: <code>: <detail>` and, once the broker confirmed that, acked (a
//! plain reject could not add the header). A valid order goes to the `SessionRegistry`
//! as [`Dispatch`]; the delivery is acked only after the session answered, so the effect
//! — or the `order.failed` outcome — is committed by then. An outage answer (store down,
//! payment outcome unknown) is retried with [`retry::dispatch`] and then every
//! [`retry::OUTAGE_RETRY`] for as long as it lasts, holding the delivery. Any other failure
//! (the session died handling it, contention) is retried with [`retry::dispatch`] and then
//! nacked with requeue after [`retry::REQUEUE_PAUSE`]: nothing is dropped, and a
//! redelivered order is recognised by its `order_id` in the core.
//!
//! Delivery limit: when its turn comes, a redelivered order is counted in the store
//! ([`OrderStore::count_redelivery`](giftgate_actors::ports::OrderStore::count_redelivery))
//! before it is started again. An order started [`AmqpConfig::delivery_limit`] times
//! without finishing — one that kept crashing or failing its consumers — is dead-lettered
//! with `x-giftgate-error: delivery_limit: …` instead, so a poison order is never
//! redelivered forever. Only starts count: the broker's own `x-delivery-count` also counts
//! deliveries that were only prefetched when a connection was lost, so network trouble
//! would have pushed good orders to the dead letters; and a first delivery (nearly every
//! order) costs no write. Done here rather than with the queue argument `x-delivery-limit`,
//! because changing the arguments of an existing queue fails its redeclaration
//! (`PRECONDITION_FAILED`); a broker policy may add `delivery-limit` as a backstop
//! (adapters/amqp/README.md).
//!
//! Ordering: deliveries are taken one at a time in delivery order; orders of different
//! subscribers then run concurrently (bounded by the prefetch), while each subscriber's
//! orders form a chain — an order is dispatched only after the previous order of the
//! same MSISDN has finished (acked or nacked). The chains survive reconnects, so an
//! order redelivered after a lost connection waits for its first copy to finish.
//! Limits: many prefetched orders of one subscriber wait in line and hold prefetch
//! slots meanwhile (head-of-line blocking, never a deadlock); and an order nacked with
//! requeue after its retries (its session kept dying) releases its place, so a later
//! order of the same subscriber that was already delivered may run before the
//! redelivered one.
//!
//! In scale-out mode the intake consumes what the [`crate::membership`] assigns to this
//! instance, each queue on a channel of its own: the partitions it owns, and the ingress
//! queue if it owns that, whose valid orders are re-published to the consistent-hash
//! exchange by MSISDN, in delivery order, and acked after their confirms (see the crate
//! docs). A queue no longer owned is let go of: no more of its deliveries are taken, its
//! orders in flight finish and are acked, then its channel is closed so the rest return
//! to the queue for the new owner.
//!
//! The actor owns a run loop that connects (with backoff), declares the topology,
//! subscribes, consumes until the connection is lost, and starts over. [`Drain`] stops
//! it: take no more deliveries, wait for the orders in flight, close the channel (which
//! cancels the consumers and returns what was never started) and the connection — see
//! `drain` for why there is no separate basic.cancel.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix::prelude::*;
use futures::StreamExt;
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionRegistry, SessionReply};
use giftgate_actors::domain::msisdn::Region;
use giftgate_actors::domain::{Msisdn, Order};
use giftgate_actors::ports::Store;
use giftgate_actors::service::ServiceError;
use giftgate_actors::service::orders::OrderMeta;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicNackOptions, BasicPublishOptions, ConfirmSelectOptions,
};
use lapin::types::{AMQPValue, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection};
use tokio::sync::{Notify, watch};
use tracing::Instrument;

mod queues;

use self::queues::{Event, Queues, Role, Slot, assignment_changed, wanted_slots};

use crate::membership::MembershipHandle;
use crate::topology::{DEAD_LETTER_EXCHANGE, ERROR_HEADER, MSISDN_HEADER, PARTITION_EXCHANGE};
use crate::{AmqpConfig, Links, connection, retry, topology};

/// Consumes orders; see the module docs.
pub struct OrderIntake {
    config: Arc<AmqpConfig>,
    registry: Addr<SessionRegistry>,
    store: Arc<dyn Store>,
    region: Region,
    links: Arc<Links>,
    membership: Option<MembershipHandle>,
    stop: watch::Sender<bool>,
    finished: watch::Sender<bool>,
}

impl OrderIntake {
    /// An intake handing orders to `registry`, reading national numbers in `region`;
    /// in scale-out mode consuming what `membership` assigns.
    pub(crate) fn new(
        config: Arc<AmqpConfig>,
        registry: Addr<SessionRegistry>,
        store: Arc<dyn Store>,
        region: Region,
        links: Arc<Links>,
        membership: Option<MembershipHandle>,
    ) -> Self {
        OrderIntake {
            config,
            registry,
            store,
            region,
            links,
            membership,
            stop: watch::Sender::new(false),
            finished: watch::Sender::new(false),
        }
    }
}

impl Actor for OrderIntake {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let core = Rc::new(IntakeCore {
            config: Arc::clone(&self.config),
            registry: self.registry.clone(),
            store: Arc::clone(&self.store),
            region: self.region,
            links: Arc::clone(&self.links),
            in_flight: Rc::new(InFlight::default()),
            chains: RefCell::new(HashMap::new()),
            membership: self.membership.take(),
        });
        let stop = self.stop.subscribe();
        let finished = self.finished.clone();
        ctx.spawn(
            async move {
                run(core, stop).await;
                finished.send_replace(true);
            }
            .into_actor(self),
        );
    }
}

/// Stop consuming and wait until the orders in flight are finished and the connection
/// is closed.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain;

impl Handler<Drain> for OrderIntake {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Drain, _: &mut Self::Context) -> Self::Result {
        self.stop.send_replace(true);
        let mut finished = self.finished.subscribe();
        Box::pin(async move {
            // An error means the run loop is gone, which is what we wait for.
            drop(finished.wait_for(|done| *done).await);
        })
    }
}

/// Why a connection's consumption ended.
#[derive(Debug, thiserror::Error)]
enum Interrupted {
    #[error(transparent)]
    Broker(#[from] lapin::Error),
    #[error("the broker cancelled the consumer of {0:?}")]
    ConsumerGone(Slot),
}

/// Orders handed out and not yet acked or nacked.
#[derive(Default)]
struct InFlight {
    count: Cell<usize>,
    idle: Notify,
}

impl InFlight {
    fn enter(self: &Rc<Self>) -> FlightGuard {
        self.count.set(self.count.get() + 1);
        FlightGuard(Rc::clone(self))
    }

    async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.get() == 0 {
                return;
            }
            notified.await;
        }
    }
}

struct FlightGuard(Rc<InFlight>);

/// An order's place in the instance's in-flight count and in its queue's.
struct Flight {
    _all: FlightGuard,
    _queue: FlightGuard,
}

impl Flight {
    fn enter(core: &IntakeCore, queue: &Rc<InFlight>) -> Flight {
        Flight {
            _all: core.in_flight.enter(),
            _queue: queue.enter(),
        }
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let left = self.0.count.get().saturating_sub(1);
        self.0.count.set(left);
        if left == 0 {
            self.0.idle.notify_waiters();
        }
    }
}

/// One order's place in its subscriber's chain: finished once acked or nacked (or its
/// task ended any other way).
#[derive(Default)]
struct Turn {
    finished: Cell<bool>,
    done: Notify,
}

impl Turn {
    async fn wait(&self) {
        loop {
            let notified = self.done.notified();
            if self.finished.get() {
                return;
            }
            notified.await;
        }
    }
}

struct TurnGuard(Rc<Turn>);

impl Drop for TurnGuard {
    fn drop(&mut self) {
        self.0.finished.set(true);
        self.0.done.notify_waiters();
    }
}

struct IntakeCore {
    config: Arc<AmqpConfig>,
    registry: Addr<SessionRegistry>,
    /// Where redeliveries are counted (the delivery limit).
    store: Arc<dyn Store>,
    region: Region,
    links: Arc<Links>,
    in_flight: Rc<InFlight>,
    /// The last order handed out per subscriber.
    chains: RefCell<HashMap<Msisdn, Rc<Turn>>>,
    /// Scale-out: which partitions this instance owns.
    membership: Option<MembershipHandle>,
}

/// How long a redelivery count is kept: far beyond any order's life in the queues.
const REDELIVERY_MEMORY: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Forgets redelivery counts untouched for [`REDELIVERY_MEMORY`] (on each connect, so the
/// table holds only recent trouble). A failure is logged and left for the next connect.
async fn forget_old_redeliveries(store: &dyn Store) {
    match store
        .prune_redeliveries(chrono::Utc::now() - REDELIVERY_MEMORY)
        .await
    {
        Ok(0) => {}
        Ok(forgotten) => tracing::info!(forgotten, "forgot old redelivery counts"),
        Err(error) => tracing::warn!(%error, "could not forget old redelivery counts"),
    }
}

async fn run(core: Rc<IntakeCore>, mut stop: watch::Receiver<bool>) {
    let mut pause = connection::SessionPause::new();
    loop {
        let Some(connection) =
            connection::connect_with_backoff(&core.config.url, "giftgate-intake", &mut stop).await
        else {
            break;
        };
        let session = pause.session_started();
        forget_old_redeliveries(core.store.as_ref()).await;
        match serve(&core, &connection, &mut stop).await {
            Ok(()) => break,
            Err(error) => {
                core.links.intake.store(false, Ordering::SeqCst);
                if !pause
                    .after_lost_connection("intake", &error, &connection, session, &mut stop)
                    .await
                {
                    break;
                }
            }
        }
    }
    core.links.intake.store(false, Ordering::SeqCst);
    if let Some(membership) = &core.membership {
        membership.leave().await;
    }
    // Orders still running from a lost connection finish before we report done.
    drop(tokio::time::timeout(core.config.drain_timeout, core.in_flight.idle()).await);
}

/// Consumes on one connection until it is lost (`Err`) or a drain is asked (`Ok`).
///
/// The connection's first channel declares the topology and publishes (dead letters,
/// re-partitioned orders) with confirms; every queue consumed has a channel of its own.
async fn serve(
    core: &Rc<IntakeCore>,
    connection: &Connection,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), Interrupted> {
    // An intake with nothing to consume learns of a lost connection from this.
    let dropped = connection::dropped(connection);
    tokio::pin!(dropped);
    let channel = connection.create_channel().await?;
    topology::declare(&channel, core.config.partitions).await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut assignment = core.membership.as_ref().map(MembershipHandle::assignment);
    let mut queues = Queues::default();
    let wanted = wanted_slots(core.config.partitions, assignment.as_mut());
    queues.reconcile(core, connection, &wanted).await?;
    core.links.intake.store(true, Ordering::SeqCst);
    tracing::info!(queues = ?wanted, "order intake consuming");
    loop {
        tokio::select! {
            biased;
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    drain(core, &channel, connection, queues).await;
                    return Ok(());
                }
            }
            error = &mut dropped => return Err(error.into()),
            () = assignment_changed(assignment.as_mut()) => {
                let wanted = wanted_slots(core.config.partitions, assignment.as_mut());
                queues.reconcile(core, connection, &wanted).await?;
            }
            next = queues.events.next(), if !queues.events.is_empty() => match next {
                Some(Event::Delivery(slot, in_flight, delivery)) => match *delivery {
                    Ok(delivery) => accept(core, &channel, slot.role(), &in_flight, delivery).await?,
                    Err(error) => return Err(error.into()),
                },
                // A consumer ended that was not let go of: the broker cancelled it.
                Some(Event::Ended(slot, generation))
                    if queues.consumed.get(&slot).is_some_and(|c| c.generation == generation) =>
                {
                    return Err(Interrupted::ConsumerGone(slot));
                }
                Some(Event::Ended(..)) | None => {}
            }
        }
    }
}

/// Stops taking deliveries, waits (bounded) for the orders in flight, closes.
///
/// In scale-out mode the instance first announces its leave, so the other instances
/// subscribe to its queues (as standbys) while it finishes its orders.
///
/// There is deliberately no basic.cancel before the close. On a single-active-consumer
/// quorum queue, basic.cancel activates the standby consumer at once while this one
/// still holds the deliveries the broker pushed but we never started; those return to
/// the queue only later, behind orders the standby has already taken — a subscriber's
/// orders would run out of order (the handover test caught exactly that). Closing the
/// channel removes the consumers and returns their unacked deliveries in one step, so
/// the standby receives them first.
async fn drain(core: &IntakeCore, channel: &Channel, connection: &Connection, queues: Queues) {
    // No delivery is taken any more (the caller stopped polling the consumers); the
    // orders already taken finish first.
    let in_flight = core.in_flight.count.get();
    tracing::info!(in_flight, "order intake draining");
    if let Some(membership) = &core.membership {
        membership.leave().await;
    }
    if tokio::time::timeout(core.config.drain_timeout, core.in_flight.idle())
        .await
        .is_err()
    {
        tracing::warn!(
            in_flight = core.in_flight.count.get(),
            "drain timed out; unacked orders return to the queue"
        );
    }
    core.links.intake.store(false, Ordering::SeqCst);
    for consumed in queues.consumed.values() {
        connection::close_within("channel", consumed.channel.close(200, "shutdown".into())).await;
    }
    connection::close_within("channel", channel.close(200, "shutdown".into())).await;
    connection::close_within("connection", connection.close(200, "shutdown".into())).await;
    tracing::info!("order intake stopped");
}

/// Takes one delivery: dead-letters it, re-partitions it or starts running it.
async fn accept(
    core: &Rc<IntakeCore>,
    channel: &Channel,
    role: Role,
    queue_in_flight: &Rc<InFlight>,
    delivery: Delivery,
) -> Result<(), lapin::Error> {
    let flight = Flight::enter(core, queue_in_flight);
    let order = match Order::from_json(&delivery.data, core.region) {
        Ok(order) => order,
        Err(error) => {
            let reason = DeadLetter {
                code: error.code,
                detail: error.detail,
            };
            actix::spawn(dead_letter(channel.clone(), delivery, reason, flight));
            return Ok(());
        }
    };
    match role {
        Role::Repartition => repartition(channel, delivery, &order, flight).await,
        Role::Run => {
            start_order(core, channel, delivery, order, flight);
            Ok(())
        }
    }
}

/// Why a message is dead-lettered (`x-giftgate-error: <code>: <detail>`).
#[derive(Debug)]
struct DeadLetter {
    code: &'static str,
    detail: String,
}

/// Places the order at the end of its subscriber's chain and runs it when its turn
/// comes.
fn start_order(
    core: &Rc<IntakeCore>,
    channel: &Channel,
    delivery: Delivery,
    order: Order,
    flight: Flight,
) {
    let turn = Rc::new(Turn::default());
    let previous = {
        let mut chains = core.chains.borrow_mut();
        if chains.len() > usize::from(core.config.prefetch) * 4 + 64 {
            chains.retain(|_, turn| !turn.finished.get());
        }
        chains.insert(order.msisdn.clone(), Rc::clone(&turn))
    };
    let meta = OrderMeta {
        reply_to: delivery
            .properties
            .reply_to()
            .as_ref()
            .map(|s| s.to_string()),
        correlation_id: delivery
            .properties
            .correlation_id()
            .as_ref()
            .map(|s| s.to_string()),
    };
    let span = tracing::info_span!(
        "amqp_order",
        order_id = %order.order_id,
        msisdn = %order.msisdn.masked(),
        kind = order.type_name(),
        redelivered = delivery.redelivered,
    );
    let work = RunOrder {
        registry: core.registry.clone(),
        store: Arc::clone(&core.store),
        channel: channel.clone(),
        delivery_limit: core.config.delivery_limit,
        order,
        meta,
        delivery,
        previous,
        _turn: TurnGuard(turn),
        _flight: flight,
    };
    actix::spawn(work.run().instrument(span));
}

/// One order on its way to the session, holding its place in the chain and in the
/// in-flight count until it is acked or nacked.
struct RunOrder {
    registry: Addr<SessionRegistry>,
    store: Arc<dyn Store>,
    /// The channel the order came on (dead letters go out on it).
    channel: Channel,
    delivery_limit: u32,
    order: Order,
    meta: OrderMeta,
    delivery: Delivery,
    previous: Option<Rc<Turn>>,
    _turn: TurnGuard,
    _flight: Flight,
}

impl RunOrder {
    async fn run(self) {
        if let Some(previous) = &self.previous {
            previous.wait().await;
        }
        if let Some(reason) = self.over_delivery_limit().await {
            dead_letter(self.channel, self.delivery, reason, self._flight).await;
            return;
        }
        let mut schedule = retry::dispatch();
        loop {
            if !self.channel.status().connected() {
                // Its ack could not reach the broker, which has given the order back to
                // the queue (to this instance after it reconnects, or to the partition's
                // new owner). Running it here too would only race that copy — and could
                // run this subscriber's next order before the copy of an earlier one.
                metrics::counter!("giftgate_amqp_orders_total", "outcome" => "left_to_redelivery")
                    .increment(1);
                tracing::info!(
                    "the connection closed before this order ran; left to its redelivery"
                );
                return;
            }
            let answer = self
                .registry
                .send(Dispatch {
                    msisdn: self.order.msisdn.clone(),
                    command: SessionCommand::Order {
                        order: self.order.clone(),
                        meta: self.meta.clone(),
                    },
                })
                .await;
            let failure = match answer {
                Ok(Ok(SessionReply::Order(record))) => {
                    tracing::debug!(status = ?record.status, "order answered");
                    None
                }
                Ok(Ok(SessionReply::Done(_))) => None,
                // An outage is everyone's problem: giving the order back would only
                // count it towards the delivery limit, so it is kept and retried.
                Ok(Err(error @ (ServiceError::Store(_) | ServiceError::PaymentUnknown(_)))) => {
                    Some((error.to_string(), true))
                }
                Ok(Err(error)) => Some((error.to_string(), false)),
                // The session died while handling the order (e.g. it panicked).
                Err(error) => Some((error.to_string(), false)),
            };
            let Some((failure, outage)) = failure else {
                metrics::counter!("giftgate_amqp_orders_total", "outcome" => "acked").increment(1);
                if let Err(error) =
                    within(self.delivery.acker.ack(BasicAckOptions::default())).await
                {
                    // The channel is gone: the broker redelivers, the core answers by order_id.
                    tracing::info!(%error, "ack failed; the order will be redelivered");
                }
                return;
            };
            let next = schedule
                .next_delay()
                .or(outage.then_some(retry::OUTAGE_RETRY));
            match next {
                Some(delay) => {
                    tracing::warn!(%failure, retry_in = ?delay, "order not finished; retrying");
                    tokio::time::sleep(delay).await;
                }
                None => {
                    tracing::warn!(%failure, "order not finished; requeueing it");
                    metrics::counter!("giftgate_amqp_orders_total", "outcome" => "requeued")
                        .increment(1);
                    tokio::time::sleep(retry::REQUEUE_PAUSE).await;
                    requeue(&self.delivery).await;
                    return;
                }
            }
        }
    }
}

impl RunOrder {
    /// `Some` when this is a redelivery and the order has now been started
    /// `delivery_limit` times without finishing: it is dead-lettered instead of being run
    /// once more. A store that cannot count does not stop the order (running it will meet
    /// the same outage and hold it).
    async fn over_delivery_limit(&self) -> Option<DeadLetter> {
        if !self.delivery.redelivered || self.delivery_limit == 0 {
            return None;
        }
        let started = match self
            .store
            .count_redelivery(&self.order.order_id, chrono::Utc::now())
            .await
        {
            Ok(redeliveries) => redeliveries,
            Err(error) => {
                tracing::warn!(%error, "could not count a redelivery; running the order");
                return None;
            }
        };
        (started >= self.delivery_limit).then(|| DeadLetter {
            code: "delivery_limit",
            detail: format!("started {started} times without finishing"),
        })
    }
}

async fn requeue(delivery: &Delivery) {
    let options = BasicNackOptions {
        requeue: true,
        ..BasicNackOptions::default()
    };
    if let Err(error) = within(delivery.acker.nack(options)).await {
        tracing::info!(%error, "nack failed; the broker redelivers the message anyway");
    }
}

/// Publishes an invalid message to the dead-letter exchange with its reason, then acks
/// it; if the broker does not confirm, nacks it with requeue (tried again later).
async fn dead_letter(channel: Channel, delivery: Delivery, error: DeadLetter, _flight: Flight) {
    let reason = format!("{}: {}", error.code, error.detail);
    tracing::warn!(code = error.code, routing_key = %delivery.routing_key, "dead-lettering an invalid order");
    metrics::counter!("giftgate_amqp_orders_total", "outcome" => "dead_lettered").increment(1);
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        ERROR_HEADER.into(),
        AMQPValue::LongString(LongString::from(reason)),
    );
    let properties = delivery.properties.clone().with_headers(headers);
    let confirmed = publish_confirmed(
        &channel,
        DEAD_LETTER_EXCHANGE,
        delivery.routing_key.clone(),
        &delivery.data,
        properties,
    )
    .await;
    if confirmed {
        if let Err(error) = within(delivery.acker.ack(BasicAckOptions::default())).await {
            tracing::info!(%error, "ack of a dead-lettered message failed; it will be redelivered");
        }
    } else {
        tokio::time::sleep(retry::REQUEUE_PAUSE).await;
        requeue(&delivery).await;
    }
}

/// A broker round trip (ack, nack, publish, confirm) bounded by
/// [`connection::BROKER_TIMEOUT`]: on a connection that died under it (a network cut)
/// lapin may never answer, and an order waiting for it would hold up its subscriber's
/// chain and every drain. Giving up is safe: the broker redelivers what was not acked.
async fn within<T>(round_trip: impl Future<Output = Result<T, lapin::Error>>) -> Result<T, String> {
    match tokio::time::timeout(connection::BROKER_TIMEOUT, round_trip).await {
        Ok(answer) => answer.map_err(|error| error.to_string()),
        Err(_) => Err(format!(
            "no answer from the broker within {:?}",
            connection::BROKER_TIMEOUT
        )),
    }
}

/// Publishes and waits for the broker's confirm; `true` only on an ack.
async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: ShortString,
    body: &[u8],
    properties: BasicProperties,
) -> bool {
    let published = within(channel.basic_publish(
        exchange.into(),
        routing_key,
        BasicPublishOptions::default(),
        body,
        properties,
    ))
    .await;
    match published {
        Ok(confirm) => match within(confirm).await {
            Ok(confirmation) => confirmation.is_ack(),
            Err(error) => {
                tracing::warn!(%error, exchange, "no publisher confirm");
                false
            }
        },
        Err(error) => {
            tracing::warn!(%error, exchange, "publish failed");
            false
        }
    }
}

/// Scale-out: re-publishes a valid order to the consistent-hash exchange keyed by its
/// MSISDN (in delivery order: the publish is sent before the next delivery is taken) and
/// acks the ingress message once the broker confirmed.
async fn repartition(
    channel: &Channel,
    delivery: Delivery,
    order: &Order,
    flight: Flight,
) -> Result<(), lapin::Error> {
    let msisdn = order.msisdn.as_str();
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    headers.insert(
        MSISDN_HEADER.into(),
        AMQPValue::LongString(LongString::from(msisdn)),
    );
    let properties = delivery.properties.clone().with_headers(headers);
    let confirm = channel
        .basic_publish(
            PARTITION_EXCHANGE.into(),
            msisdn.into(),
            BasicPublishOptions::default(),
            &delivery.data,
            properties,
        )
        .await?;
    actix::spawn(async move {
        let _flight = flight;
        match within(confirm).await {
            Ok(confirmation) if confirmation.is_ack() => {
                if let Err(error) = within(delivery.acker.ack(BasicAckOptions::default())).await {
                    tracing::info!(%error, "ack of a re-partitioned order failed; it will be re-published");
                }
            }
            other => {
                tracing::warn!(outcome = ?other.map(|c| c.is_ack()), "re-partitioning not confirmed; requeueing");
                tokio::time::sleep(retry::REQUEUE_PAUSE).await;
                requeue(&delivery).await;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[actix_rt::test]
    async fn an_order_waits_for_the_previous_order_of_its_subscriber() {
        let in_flight = Rc::new(InFlight::default());
        let applied = Rc::new(RefCell::new(Vec::new()));
        let first = Rc::new(Turn::default());
        let first_turn = TurnGuard(Rc::clone(&first));
        let first_flight = in_flight.enter();

        let second_flight = in_flight.enter();
        let second = {
            let applied = Rc::clone(&applied);
            actix::spawn(async move {
                first.wait().await;
                applied.borrow_mut().push("second");
                drop(second_flight);
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(applied.borrow().is_empty(), "the second order waits");
        assert_eq!(in_flight.count.get(), 2);

        applied.borrow_mut().push("first");
        drop(first_turn);
        drop(first_flight);
        tokio::time::timeout(Duration::from_secs(1), in_flight.idle())
            .await
            .expect("in flight drops to zero");
        second.await.expect("second ran");
        assert_eq!(*applied.borrow(), vec!["first", "second"]);
    }

    #[actix_rt::test]
    async fn idle_returns_at_once_with_nothing_in_flight() {
        let in_flight = Rc::new(InFlight::default());
        tokio::time::timeout(Duration::from_millis(50), in_flight.idle())
            .await
            .expect("nothing to wait for");
    }
}
