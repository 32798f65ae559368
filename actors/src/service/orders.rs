//! Running an order: record it once by `order_id`, carry it out, and finish it as
//! `completed` or `failed` in the same commit as its effect.
//!
//! The same `order_id` again — by any channel — changes nothing and answers the first
//! outcome. An order left `pending` (payment outcome unknown, a crash between charge and
//! issue) is picked up again by [`Ledger::resume_order`]; every step is idempotent, so
//! running it twice finishes it once.

use serde_json::Value;
use tracing::{Instrument, info_span};

use super::error::{Refusal, ServiceError};
use super::ledger::Ledger;
use crate::domain::{Order, OrderKind, OrderRecord, OrderStatus, RefusalCode};
use crate::ports::Changes;

/// Where an order came from, beyond its body: AMQP reply routing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderMeta {
    /// AMQP `reply_to` of the order message.
    pub reply_to: Option<String>,
    /// AMQP `correlation_id` of the order message.
    pub correlation_id: Option<String>,
}

/// How a step ended when it did not fail with an error.
#[derive(Debug)]
pub enum StepOutcome {
    /// Carried out and committed together with the order's completion.
    Done(Value),
    /// Refused; the refusal is committed with these extra changes (e.g. a declined payment).
    Refused(Refusal, Box<Changes>),
}

impl Ledger {
    /// Records and runs an order; answers its stored outcome. A replayed `order_id`
    /// answers the first outcome without running anything again (a still-pending one is
    /// resumed).
    pub async fn place_order(
        &self,
        order: &Order,
        meta: &OrderMeta,
    ) -> Result<OrderRecord, ServiceError> {
        let span = info_span!("order", order_id = %order.order_id, msisdn = %order.msisdn.masked(), kind = order.type_name());
        async {
            let record = self.pending_record(order, meta);
            let (record, fresh) = match self
                .recorder
                .insert(self.store.as_ref(), record.clone())
                .await?
            {
                None => (record, true),
                Some(existing) if existing.status != OrderStatus::Pending => {
                    tracing::info!("replayed order id: answering the first outcome");
                    return Ok(existing);
                }
                Some(existing) => (existing, false),
            };
            self.run(order, record, fresh).await
        }
        .instrument(span)
        .await
    }

    /// The `pending` record of an order arriving now, as [`Ledger::place_order`] stores it.
    pub fn pending_record(&self, order: &Order, meta: &OrderMeta) -> OrderRecord {
        OrderRecord {
            order_id: order.order_id.clone(),
            order_type: order.type_name().to_owned(),
            msisdn: order.msisdn.clone(),
            body: order.to_json(),
            status: OrderStatus::Pending,
            reason: None,
            detail: None,
            outcome: None,
            reply_to: meta.reply_to.clone(),
            correlation_id: meta.correlation_id.clone(),
            created_at: self.now(),
        }
    }

    /// Runs a stored pending order again (recovery after a crash or an unknown payment
    /// outcome). A finished order is answered as stored.
    pub async fn resume_order(&self, record: OrderRecord) -> Result<OrderRecord, ServiceError> {
        if record.status != OrderStatus::Pending {
            return Ok(record);
        }
        let span = info_span!("order", order_id = %record.order_id, msisdn = %record.msisdn.masked(), kind = %record.order_type, resumed = true);
        async {
            match Order::from_value(&record.body, self.policy.region) {
                Ok(order) => self.run(&order, record, false).await,
                Err(error) => {
                    let refusal = Refusal::new(RefusalCode::CorruptOrder, error.to_string());
                    self.finish_refused(record, refusal, Changes::default())
                        .await
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Carries the order out; `fresh` says it was recorded just now, so nothing of it can
    /// exist yet (no payment to look for).
    async fn run(
        &self,
        order: &Order,
        record: OrderRecord,
        fresh: bool,
    ) -> Result<OrderRecord, ServiceError> {
        let outcome = match &order.kind {
            OrderKind::Purchase(purchase) => self.purchase(order, &record, purchase, fresh).await,
            OrderKind::Gift(gift) => self.gift(order, &record, gift).await,
            OrderKind::Accept(answer) => self.accept_gift(order, &record, &answer.gift_id).await,
            OrderKind::Reject(answer) => self.reject_gift(order, &record, &answer.gift_id).await,
            OrderKind::Refund(refund) => self.refund_certificate(order, &record, refund).await,
        };
        match outcome {
            Ok(StepOutcome::Done(outcome)) => {
                tracing::info!("order completed");
                Ok(OrderRecord {
                    status: OrderStatus::Completed,
                    outcome: Some(outcome),
                    ..record
                })
            }
            Ok(StepOutcome::Refused(refusal, extra)) => {
                self.finish_refused(record, refusal, *extra).await
            }
            Err(ServiceError::Refused(refusal)) => {
                self.finish_refused(record, refusal, Changes::default())
                    .await
            }
            Err(error) => {
                tracing::warn!(%error, "order left pending");
                Err(error)
            }
        }
    }

    async fn finish_refused(
        &self,
        record: OrderRecord,
        refusal: Refusal,
        mut changes: Changes,
    ) -> Result<OrderRecord, ServiceError> {
        tracing::info!(reason = refusal.code.as_str(), detail = %refusal.detail, "order failed");
        self.fail_order(&mut changes, &record, &refusal);
        if let Err(error) = self.commit(changes).await {
            // Someone finished it first (a concurrent resume): answer what is stored.
            if super::ledger::is_conflict(&error)
                && let Some(stored) = self.store.order(&record.order_id).await?
            {
                return Ok(stored);
            }
            return Err(error);
        }
        Ok(OrderRecord {
            status: OrderStatus::Failed,
            reason: Some(refusal.code.to_string()),
            detail: Some(refusal.detail),
            ..record
        })
    }
}
