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
//!
//! This file holds the actor, its run loop and the taking of each delivery; the parts
//! live beside it: `queues` (what is consumed), `in_flight` (orders not yet acked),
//! `chain` (each subscriber's order of turns), `run_order` (one order to the session and
//! back), `dead_letter`, `repartition`, and `round_trip` (bounded acks, nacks and
//! confirmed publishes).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix::prelude::*;
use futures::StreamExt;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::domain::msisdn::Region;
use giftgate_actors::domain::{Msisdn, Order};
use giftgate_actors::ports::Store;
use lapin::message::Delivery;
use lapin::options::ConfirmSelectOptions;
use lapin::{Channel, Connection};
use tokio::sync::watch;

mod chain;
mod dead_letter;
mod in_flight;
mod queues;
mod repartition;
mod round_trip;
mod run_order;

use self::chain::Turn;
use self::dead_letter::{DeadLetter, dead_letter};
use self::in_flight::{Flight, InFlight};
use self::queues::{Event, Queues, Role, Slot, assignment_changed, wanted_slots};
use self::repartition::repartition;
use self::run_order::start_order;
use crate::membership::MembershipHandle;
use crate::{AmqpConfig, Links, connection, topology};

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
