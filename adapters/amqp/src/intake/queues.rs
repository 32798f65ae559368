//! The queues an intake consumes on its current connection, each on a channel of its
//! own: which ones (the order queue, or what the membership assigned), subscribing to
//! new ones and letting go of those no longer owned without breaking any subscriber's
//! order.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use futures::StreamExt;
use futures::stream::{self, LocalBoxStream, SelectAll};
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, BasicQosOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{Channel, Connection, Consumer};
use tokio::sync::{oneshot, watch};

use super::{InFlight, IntakeCore};
use crate::assignment::Assignment;
use crate::connection;
use crate::topology::{ORDERS_QUEUE, partition_queue};

/// What a consumer's deliveries are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Orders to run (the order queue, or a partition queue).
    Run,
    /// Scale-out: orders to re-publish to the partitions.
    Repartition,
}

/// A queue the intake may consume, each on a channel of its own (so that one can be
/// let go without disturbing the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Slot {
    /// The one order queue (no partitions).
    Orders,
    /// Scale-out: the ingress queue, re-partitioned by its owner.
    Ingress,
    /// Scale-out: one partition queue.
    Partition(u16),
}

impl Slot {
    pub(super) fn queue(self) -> String {
        match self {
            Slot::Orders | Slot::Ingress => ORDERS_QUEUE.to_owned(),
            Slot::Partition(index) => partition_queue(index),
        }
    }

    pub(super) fn role(self) -> Role {
        match self {
            Slot::Ingress => Role::Repartition,
            Slot::Orders | Slot::Partition(_) => Role::Run,
        }
    }
}

/// A queue being consumed: its channel, its orders in flight, and the switch that stops
/// taking its deliveries (raised when dropped).
pub(super) struct Consumed {
    pub(super) generation: u64,
    pub(super) channel: Channel,
    /// A handle on the consumer kept until the channel is closed: lapin sends
    /// basic.cancel when the last handle is dropped, which on a single-active-consumer
    /// queue would activate the next owner before the deliveries held here are returned
    /// (see `super::drain`).
    consumer: Consumer,
    in_flight: Rc<InFlight>,
    _release: oneshot::Sender<()>,
}

/// What the merged consumers yield.
pub(super) enum Event {
    /// A delivery of `slot` (with the slot's in-flight count).
    Delivery(Slot, Rc<InFlight>, Box<Result<Delivery, lapin::Error>>),
    /// The consumer of `slot` in its `generation` ended (released, or cancelled).
    Ended(Slot, u64),
}

/// Resolves when the assignment changes; never without membership (or once it ended).
pub(super) async fn assignment_changed(
    assignment: Option<&mut watch::Receiver<Option<Assignment>>>,
) {
    match assignment {
        Some(assignment) => {
            if assignment.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// The queues to consume: the order queue, or in scale-out mode what the membership
/// assigned to this instance (nothing before the first assignment).
pub(super) fn wanted_slots(
    partitions: u16,
    assignment: Option<&mut watch::Receiver<Option<Assignment>>>,
) -> BTreeSet<Slot> {
    if partitions == 0 {
        return BTreeSet::from([Slot::Orders]);
    }
    let Some(assignment) = assignment else {
        return BTreeSet::new();
    };
    let current = assignment.borrow_and_update();
    let Some(current) = current.as_ref() else {
        return BTreeSet::new();
    };
    let ingress = current.ingress.then_some(Slot::Ingress);
    current
        .partitions
        .iter()
        .map(|index| Slot::Partition(*index))
        .chain(ingress)
        .collect()
}

type Events = SelectAll<LocalBoxStream<'static, Event>>;

/// The queues consumed on the current connection and their merged deliveries.
#[derive(Default)]
pub(super) struct Queues {
    pub(super) consumed: HashMap<Slot, Consumed>,
    pub(super) events: Events,
    generation: u64,
}

impl Queues {
    /// Lets go of the queues no longer wanted and subscribes to the new ones.
    pub(super) async fn reconcile(
        &mut self,
        core: &IntakeCore,
        connection: &Connection,
        wanted: &BTreeSet<Slot>,
    ) -> Result<(), lapin::Error> {
        let unwanted: Vec<Slot> = self
            .consumed
            .keys()
            .filter(|slot| !wanted.contains(slot))
            .copied()
            .collect();
        for slot in unwanted {
            if let Some(consumed) = self.consumed.remove(&slot) {
                release(core.config.drain_timeout, slot, consumed);
            }
        }
        for slot in wanted {
            if !self.consumed.contains_key(slot) {
                self.subscribe(core, connection, *slot).await?;
            }
        }
        Ok(())
    }

    /// Consumes `slot` on a new channel. On a single-active-consumer queue still
    /// consumed by its previous owner this consumer waits as the standby until that one
    /// lets go.
    async fn subscribe(
        &mut self,
        core: &IntakeCore,
        connection: &Connection,
        slot: Slot,
    ) -> Result<(), lapin::Error> {
        let channel = connection.create_channel().await?;
        channel
            .basic_qos(core.config.prefetch, BasicQosOptions::default())
            .await?;
        let queue = slot.queue();
        let instance = core.config.instance_id.as_deref().unwrap_or("anonymous");
        let tag = ShortString::from(format!("giftgate-intake-{instance}-{queue}"));
        let consumer = channel
            .basic_consume(
                queue.as_str().into(),
                tag,
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        self.generation += 1;
        let generation = self.generation;
        let in_flight = Rc::new(InFlight::default());
        let (release, released) = oneshot::channel();
        let counted = Rc::clone(&in_flight);
        let stream = consumer
            .clone()
            .take_until(released)
            .map(move |delivery| Event::Delivery(slot, Rc::clone(&counted), Box::new(delivery)))
            .chain(stream::once(async move { Event::Ended(slot, generation) }))
            .boxed_local();
        self.events.push(stream);
        self.consumed.insert(
            slot,
            Consumed {
                generation,
                channel,
                consumer,
                in_flight,
                _release: release,
            },
        );
        tracing::info!(queue, "consuming");
        Ok(())
    }
}

/// Lets go of a queue this instance no longer owns: no delivery of it is taken any more;
/// once its orders in flight are finished (and acked), its channel is closed, which
/// cancels the consumer and returns the deliveries never started to the queue, ahead of
/// newer ones, for the new owner (see `super::drain` for why there is no basic.cancel).
fn release(drain_timeout: std::time::Duration, slot: Slot, consumed: Consumed) {
    let Consumed {
        channel,
        consumer,
        in_flight,
        _release: stop_taking,
        ..
    } = consumed;
    drop(stop_taking);
    actix::spawn(async move {
        if tokio::time::timeout(drain_timeout, in_flight.idle())
            .await
            .is_err()
        {
            tracing::warn!(
                ?slot,
                "release timed out; unacked orders return to the queue"
            );
        }
        connection::close_within("channel", channel.close(200, "released".into())).await;
        drop(consumer);
        tracing::info!(queue = slot.queue(), "released");
    });
}
