//! Requests waiting for their subscriber's `YES` or `NO` ([`Confirmation`]): how they
//! are listed, settled, and dropped at their deadline.
//!
//! A purchase request is placed, when confirmed, as the order
//! [`Confirmation::purchase_order_id`], one id per request: a `YES` handled twice (a
//! retry, a crash between placing and settling, a second instance) buys once, and the
//! deadline never drops a request whose order exists. Gift requests are settled by the
//! gift's own commits (`gift_checks`), so gift and request never disagree.

use serde_json::json;

use super::error::{Refusal, ServiceError};
use super::ledger::Ledger;
use super::orders::OrderMeta;
use crate::domain::{
    Confirmation, ConfirmationId, ConfirmationState, ConfirmationUpdate, Msisdn, Order,
    OrderRecord, PendingAction, RefusalCode,
};
use crate::ports::{Changes, StoreError};

impl Ledger {
    /// A subscriber's requests still waiting (deadline not passed), by number.
    pub async fn waiting_confirmations(
        &self,
        msisdn: &Msisdn,
    ) -> Result<Vec<Confirmation>, ServiceError> {
        let now = self.now();
        Ok(self
            .store
            .confirmations_waiting(msisdn)
            .await?
            .into_iter()
            .filter(|c| c.is_waiting(now))
            .collect())
    }

    /// Settles a waiting request on its own; `false` when it no longer waited (someone
    /// settled it first).
    pub async fn settle_confirmation(
        &self,
        id: &ConfirmationId,
        state: ConfirmationState,
    ) -> Result<bool, ServiceError> {
        self.settle_with(id, state, Changes::default()).await
    }

    /// Settles a waiting request together with `changes`; `false` (and nothing
    /// written) when it no longer waited.
    async fn settle_with(
        &self,
        id: &ConfirmationId,
        state: ConfirmationState,
        mut changes: Changes,
    ) -> Result<bool, ServiceError> {
        changes.confirmations.push(ConfirmationUpdate {
            id: id.clone(),
            state,
            settled_at: self.now(),
        });
        match self.store.commit(changes).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(_) | StoreError::NotFound(_)) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// `YES` to a purchase request: the purchase is placed (once per request) and the
    /// request settled as confirmed. Answers the order as stored.
    pub async fn confirm_purchase_request(
        &self,
        request: &Confirmation,
    ) -> Result<OrderRecord, ServiceError> {
        let PendingAction::Purchase {
            product_id,
            quantity,
        } = &request.action
        else {
            return Err(Refusal::new(RefusalCode::WrongOrderType, "not a purchase request").into());
        };
        let body = json!({"order_id": request.purchase_order_id().as_str(), "type": "purchase",
            "msisdn": request.msisdn.as_str(), "product_id": product_id.as_str(),
            "quantity": quantity, "settlement": {"method": "carrier"}});
        let order = Order::from_value(&body, self.policy.region)
            .map_err(|e| Refusal::new(RefusalCode::InvalidCommand, e.to_string()))?;
        let placed = self.place_order(&order, &OrderMeta::default()).await;
        // Settled once the order is recorded, whatever its outcome so far (a pending
        // payment is finished by recovery); an order that could not even be recorded
        // leaves the request waiting for another `YES`.
        let recorded = placed.is_ok() || self.store.order(&order.order_id).await?.is_some();
        if recorded {
            self.settle_confirmation(&request.id, ConfirmationState::Confirmed)
                .await?;
        }
        placed
    }

    /// `NO` to a purchase request: it is dropped with the answer `text`, in one commit.
    /// `false` when it no longer waited.
    pub async fn decline_purchase_request(
        &self,
        request: &Confirmation,
        text: String,
    ) -> Result<bool, ServiceError> {
        let answer = Changes {
            outbox: vec![self.sms(request.msisdn.as_str(), text)],
            ..Changes::default()
        };
        self.settle_with(&request.id, ConfirmationState::Cancelled, answer)
            .await
    }

    /// The deadline of a request passed: a purchase is dropped and its subscriber told
    /// (unless its order was placed meanwhile: then it is settled as confirmed), a gift
    /// is cancelled with its certificates back to `active` and its giver told. Answers
    /// whether it lapsed now.
    pub async fn expire_confirmation(&self, id: &ConfirmationId) -> Result<bool, ServiceError> {
        let Some(request) = self.store.confirmation(id).await? else {
            return Ok(false);
        };
        if request.state != ConfirmationState::Waiting || request.expires_at > self.now() {
            return Ok(false);
        }
        match &request.action {
            PendingAction::Purchase {
                product_id,
                quantity,
            } => {
                if self
                    .store
                    .order(&request.purchase_order_id())
                    .await?
                    .is_some()
                {
                    self.settle_confirmation(id, ConfirmationState::Confirmed)
                        .await?;
                    return Ok(false);
                }
                let product = self
                    .product(product_id)
                    .await?
                    .map_or_else(|| product_id.to_string(), |p| p.name);
                let text = self.notices().purchase_not_confirmed(&product, *quantity);
                let told = Changes {
                    outbox: vec![self.sms(request.msisdn.as_str(), text)],
                    ..Changes::default()
                };
                self.settle_with(id, ConfirmationState::Expired, told).await
            }
            PendingAction::Gift { gift_id } => {
                if self.lapse_gift_check(gift_id).await? {
                    return Ok(true);
                }
                // The gift ended otherwise (its certificates expired, it was refunded).
                self.settle_confirmation(id, ConfirmationState::Cancelled)
                    .await?;
                Ok(false)
            }
        }
    }
}
