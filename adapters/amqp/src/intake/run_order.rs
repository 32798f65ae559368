//! One valid order on its way to its subscriber's session: it takes its place in the chain,
//! waits for its turn, is dead-lettered past the delivery limit, is dispatched (retried on
//! failure, held through an outage) and is acked or requeued.

use std::rc::Rc;
use std::sync::Arc;

use actix::prelude::*;
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionRegistry, SessionReply};
use giftgate_actors::domain::Order;
use giftgate_actors::ports::Store;
use giftgate_actors::service::ServiceError;
use giftgate_actors::service::orders::OrderMeta;
use lapin::Channel;
use lapin::message::Delivery;
use lapin::options::BasicAckOptions;
use tracing::Instrument;

use super::IntakeCore;
use super::chain::{Turn, TurnGuard};
use super::dead_letter::{DeadLetter, dead_letter};
use super::in_flight::Flight;
use super::round_trip::{requeue, within};
use crate::retry;

/// Places the order at the end of its subscriber's chain and runs it when its turn
/// comes.
pub(super) fn start_order(
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
