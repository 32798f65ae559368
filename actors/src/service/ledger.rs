//! [`Ledger`]: the core's services bundle — the store, the payment rails, the clock, the
//! PIN cipher and the deployment's policy — and the small builders every step shares.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::{Refusal, ServiceError};
use super::expiry_notice::ExpiryNotices;
use super::order_recorder::OrderRecorder;
use super::policy::Policy;
use super::product_cache::ProductCache;
use super::redemption::Redemptions;
use crate::domain::notice::CertificateLine;
use crate::domain::{
    Certificate, Event, EventType, Notices, OrderRecord, OrderStatus, OutboxMessage, PinCipher,
    Product, RefusalCode, Settlement, SmsNotice,
};
use crate::ports::{Changes, Clock, OrderUpdate, PaymentRail, Store, StoreError};

/// The payment rails, chosen per order by its settlement method.
#[derive(Clone)]
pub struct PaymentRails {
    /// Carrier billing (charge to the phone bill).
    pub carrier: Arc<dyn PaymentRail>,
    /// The payment network for card and bank; `None` when the deployment has none.
    pub network: Option<Arc<dyn PaymentRail>>,
}

impl PaymentRails {
    /// The rail for a settlement method.
    pub fn for_settlement(
        &self,
        settlement: &Settlement,
    ) -> Result<&Arc<dyn PaymentRail>, Refusal> {
        match settlement {
            Settlement::Carrier => Ok(&self.carrier),
            Settlement::Card { .. } | Settlement::Bank { .. } => {
                self.network.as_ref().ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::PaymentUnavailable,
                        "this deployment has no payment network for card or bank",
                    )
                })
            }
        }
    }
}

/// The core's services: everything a step needs.
#[derive(Clone)]
pub struct Ledger {
    /// Persistence. Callers outside the core use [`Ledger::store`] or a named read
    /// method; the field stays `pub` only until `src/startup.rs` and `src/delivery/`
    /// (being moved elsewhere) read it through the accessor too.
    pub(crate) store: Arc<dyn Store>,
    /// Payment rails.
    pub(crate) rails: PaymentRails,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// PIN encryption.
    pub(crate) pins: PinCipher,
    /// Deployment rules. Callers outside the core use the named reads ([`Ledger::region`]
    /// and the like); the field stays `pub` only until `src/startup.rs` (being split
    /// elsewhere) reads the region through [`Ledger::region`].
    pub(crate) policy: Policy,
    /// An external content provider for extras the contents database lacks.
    pub(crate) content_source: Option<Arc<dyn crate::ports::ContentSource>>,
    /// Products read recently (see [`ProductCache`]).
    products: ProductCache,
    /// Groups the inserts of new orders (see [`OrderRecorder`]).
    pub(crate) recorder: Arc<OrderRecorder>,
    /// The bank-transfer rail refunds fall back to when the carrier refuses them.
    pub(crate) payout: Option<Arc<dyn crate::ports::PayoutRail>>,
    /// The carrier's points, for refunds taken as points.
    pub(crate) points: Option<Arc<dyn crate::ports::PointsRail>>,
    /// Merchants redeeming (see [`Redemptions`]).
    redemptions: Redemptions,
    /// Pre-expiry notices (see [`ExpiryNotices`]).
    expiry_notices: ExpiryNotices,
}

impl Ledger {
    /// Bundles the services.
    pub fn new(
        store: Arc<dyn Store>,
        rails: PaymentRails,
        clock: Arc<dyn Clock>,
        pins: PinCipher,
        policy: Policy,
    ) -> Self {
        let shared_policy = Arc::new(policy.clone());
        let redemptions = Redemptions::new(
            Arc::clone(&store),
            Arc::clone(&clock),
            pins.clone(),
            Arc::clone(&shared_policy),
        );
        let expiry_notices =
            ExpiryNotices::new(Arc::clone(&store), Arc::clone(&clock), shared_policy);
        Ledger {
            store,
            rails,
            clock,
            pins,
            policy,
            redemptions,
            expiry_notices,
            content_source: None,
            products: ProductCache::default(),
            recorder: Arc::default(),
            payout: None,
            points: None,
        }
    }

    /// Adds the carrier-points rail.
    pub fn with_points(mut self, points: Arc<dyn crate::ports::PointsRail>) -> Self {
        self.points = Some(points);
        self
    }

    /// Adds the bank-transfer rail for refund fallbacks.
    pub fn with_payout(mut self, payout: Arc<dyn crate::ports::PayoutRail>) -> Self {
        self.payout = Some(payout);
        self
    }

    /// Adds an external content provider.
    pub fn with_content_source(mut self, source: Arc<dyn crate::ports::ContentSource>) -> Self {
        self.content_source = Some(source);
        self
    }

    /// A content item: from the contents database, else fetched from the external
    /// provider (checked there) and cached. `None` when nobody has it.
    pub async fn resolve_content(
        &self,
        id: &crate::domain::ContentId,
    ) -> Result<Option<crate::domain::ContentItem>, ServiceError> {
        if let Some(item) = self.store.content(id).await? {
            return Ok(Some(item));
        }
        let Some(source) = &self.content_source else {
            return Ok(None);
        };
        match source.fetch(id).await {
            Ok(Some(item)) => {
                self.store.upsert_content(&item).await?;
                Ok(Some(item))
            }
            Ok(None) => Ok(None),
            Err(crate::ports::ContentSourceError::Refused(why)) => Err(Refusal::new(
                RefusalCode::UnsupportedContent,
                format!("content {id}: {why}"),
            )
            .into()),
            Err(error) => {
                Err(Refusal::new(RefusalCode::ContentUnavailable, error.to_string()).into())
            }
        }
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The deployment's text builder.
    pub fn notices(&self) -> Notices {
        Notices {
            language: self.policy.language,
        }
    }

    /// A text message to a handset, with a fresh message id.
    pub fn sms(&self, to: &str, text: String) -> OutboxMessage {
        sms_to(to, text)
    }

    /// Merchants redeeming, voiding and checking balances.
    pub fn redemptions(&self) -> &Redemptions {
        &self.redemptions
    }

    /// Telling owners ahead of their certificates' expiry.
    pub fn expiry_notices(&self) -> &ExpiryNotices {
        &self.expiry_notices
    }

    /// A product (possibly cached for a moment, see [`ProductCache`]), or the refusal
    /// `unknown_product`.
    pub async fn product_or_refuse(
        &self,
        id: &crate::domain::ProductId,
    ) -> Result<Product, ServiceError> {
        self.product(id).await?.ok_or_else(|| {
            Refusal::new(RefusalCode::UnknownProduct, format!("no product {id}")).into()
        })
    }

    /// A product, possibly cached for a moment (see [`ProductCache`]).
    pub async fn product(
        &self,
        id: &crate::domain::ProductId,
    ) -> Result<Option<Product>, ServiceError> {
        if let Some(product) = self.products.get(id) {
            return Ok(Some(product));
        }
        let product = self.store.product(id).await?;
        if let Some(product) = &product {
            self.products.put(product);
        }
        Ok(product)
    }

    /// Adds or changes a product in the catalog; this instance sees the change at once.
    pub async fn save_product(&self, product: &Product) -> Result<(), ServiceError> {
        self.store.upsert_product(product).await?;
        self.products.forget(&product.id);
        Ok(())
    }

    /// How a certificate shows in a text, with its PIN when `with_pin`.
    pub fn certificate_line<'a>(
        &self,
        certificate: &'a Certificate,
        product: &'a str,
        pin: Option<&'a crate::domain::Pin>,
    ) -> CertificateLine<'a> {
        CertificateLine {
            product,
            code: &certificate.code,
            pin,
            balance: certificate.balance,
            expires_at: certificate.expires_at,
        }
    }

    /// The final event of an order, routed to its `reply_to` when it has one.
    pub fn final_event(&self, order: &OrderRecord, event: Event) -> OutboxMessage {
        OutboxMessage::Event {
            event,
            reply_to: order.reply_to.clone(),
            correlation_id: order.correlation_id.clone(),
        }
    }

    /// Adds "order completed" to a change set: the guarded order update and its event.
    pub fn complete_order(&self, changes: &mut Changes, order: &OrderRecord, outcome: Value) {
        let event = Event::new(EventType::OrderCompleted, self.now())
            .with_order(&order.order_id)
            .with_msisdn(&order.msisdn)
            .with_outcome(outcome.clone());
        changes.outbox.push(self.final_event(order, event));
        changes.orders.push(OrderUpdate {
            order_id: order.order_id.clone(),
            status: OrderStatus::Completed,
            reason: None,
            detail: None,
            outcome: Some(outcome),
        });
    }

    /// Adds "order failed" to a change set.
    pub fn fail_order(&self, changes: &mut Changes, order: &OrderRecord, refusal: &Refusal) {
        let event = Event::new(EventType::OrderFailed, self.now())
            .with_order(&order.order_id)
            .with_msisdn(&order.msisdn)
            .with_reason(refusal.code.as_str(), &refusal.detail);
        changes.outbox.push(self.final_event(order, event));
        changes.orders.push(OrderUpdate {
            order_id: order.order_id.clone(),
            status: OrderStatus::Failed,
            reason: Some(refusal.code.to_string()),
            detail: Some(refusal.detail.clone()),
            outcome: None,
        });
    }

    /// Commits, mapping a lost race to `Conflict` for the caller's retry loop.
    pub async fn commit(&self, changes: Changes) -> Result<(), ServiceError> {
        self.store.commit(changes).await.map_err(ServiceError::from)
    }
}

/// A text message to a handset, with a fresh message id.
pub(crate) fn sms_to(to: &str, text: String) -> OutboxMessage {
    OutboxMessage::Sms(SmsNotice {
        message_id: uuid::Uuid::now_v7().to_string(),
        to: to.to_owned(),
        text,
    })
}

/// True when an error is a lost race worth re-reading for.
pub fn is_conflict(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Store(StoreError::Conflict(_)))
}
