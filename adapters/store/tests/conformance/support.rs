//! The conformance suite's harness: one test body, run against both backends, each on a
//! fresh database; and small builders for the records the tests commit.

#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use giftgate_actors::domain::{
    Certificate, CertificateCode, CertificateStatus, Currency, Event, EventType, Gift, GiftId,
    GiftState, JournalEntry, JournalKind, Money, Msisdn, OrderId, OrderRecord, OrderStatus,
    OutboxMessage, Payment, PaymentState, Product, ProductId, Redemption, SmsNotice,
};
use giftgate_actors::ports::{Changes, Store};
use giftgate_store::testing::TestDatabase;

/// What a test body gets: the store, and the URL for raw SQL through
/// [`giftgate_store::testing::execute_raw`].
#[derive(Clone)]
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub url: String,
}

impl Ctx {
    /// Raw SQL outside the store.
    pub async fn execute(&self, sql: &str) -> Result<u64, giftgate_actors::ports::StoreError> {
        giftgate_store::testing::execute_raw(&self.url, sql).await
    }
}

/// Runs `test` on a fresh PostgreSQL database, dropping it afterwards even on failure.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(TestDatabase::postgres().await, test).await;
}

/// Runs `test` on a fresh SQLite database file.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(TestDatabase::sqlite().await, test).await;
}

async fn run<F, Fut>(database: TestDatabase, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let store = database.store().await.unwrap();
    let ctx = Ctx {
        store,
        url: database.url.clone(),
    };
    let outcome = tokio::spawn(test(ctx)).await;
    database.drop().await;
    if let Err(failure) = outcome {
        match failure.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(failure) => panic!("test task failed: {failure}"),
        }
    }
}

/// Generates `pg::<name>` and `sqlite::<name>` tests from async fns `name(Ctx)`, once per
/// topic module (a module invokes it once, with all its names).
#[macro_export]
macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        mod pg {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::on_postgres(super::$name).await;
                }
            )+
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::on_sqlite(super::$name).await;
                }
            )+
        }
    };
}

/// A fixed instant (whole seconds: PostgreSQL keeps microseconds, SQLite nanoseconds).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

pub fn at(offset_seconds: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(offset_seconds)
}

pub fn krw(won: i64) -> Money {
    Money::from_minor_units(won, Currency::KRW).unwrap()
}

pub fn usd_cents(cents: i64) -> Money {
    Money::from_minor_units(cents, Currency::parse("USD").unwrap()).unwrap()
}

pub fn msisdn(n: u32) -> Msisdn {
    Msisdn::from_e164_unchecked(format!("+8210{n:08}"))
}

pub fn code(n: u64) -> CertificateCode {
    CertificateCode::from_stored(format!("{n:016}"))
}

pub fn order_id(text: &str) -> OrderId {
    OrderId::parse(text).unwrap()
}

pub fn gift_id(text: &str) -> GiftId {
    GiftId::parse(text).unwrap()
}

pub fn product() -> Product {
    Product {
        id: ProductId::parse("dept-50000").unwrap(),
        issuer: "Hyundai Department Store".to_owned(),
        category: giftgate_actors::domain::WellKnownCategory::DepartmentStore.into(),
        name: "Department store gift certificate 50,000 won".to_owned(),
        face_value: krw(50_000),
        validity_days: Some(1825),
        active: true,
    }
}

pub fn order(id: &str, who: &Msisdn) -> OrderRecord {
    OrderRecord {
        order_id: order_id(id),
        order_type: "purchase".to_owned(),
        msisdn: who.clone(),
        body: serde_json::json!({"order_id": id, "type": "purchase", "quantity": 1}),
        status: OrderStatus::Pending,
        reason: None,
        detail: None,
        outcome: None,
        reply_to: Some("amq.rabbitmq.reply-to".to_owned()),
        correlation_id: Some(format!("corr-{id}")),
        created_at: t0(),
    }
}

pub fn certificate(n: u64, order: &str, owner: &Msisdn, face: Money) -> Certificate {
    Certificate {
        code: code(n),
        product_id: product().id,
        order_id: order_id(order),
        purchaser: owner.clone(),
        owner: owner.clone(),
        face_value: face,
        balance: face,
        status: CertificateStatus::Active,
        expires_at: Some(at(86_400 * 365)),
        pin_sealed: format!("sealed-{n}"),
        pin_failures: 0,
        locked_until: None,
        gift_id: None,
        issued_at: t0(),
        version: 0,
    }
}

pub fn payment(order: &str, payer: &Msisdn, amount: Money, state: PaymentState) -> Payment {
    Payment {
        order_id: order_id(order),
        msisdn: payer.clone(),
        method: "carrier".to_owned(),
        reference: None,
        amount,
        refunded: Money::zero(amount.currency()),
        state,
        created_at: t0(),
    }
}

pub fn entry(kind: JournalKind, certificate: &Certificate, amount: Money) -> JournalEntry {
    JournalEntry {
        kind,
        certificate_code: certificate.code.clone(),
        amount,
        msisdn: certificate.owner.clone(),
        counterparty: None,
        order_id: Some(certificate.order_id.clone()),
        merchant_id: None,
        reference: None,
        at: t0(),
    }
}

pub fn redemption(
    id: &str,
    merchant: &str,
    key: &str,
    certificate: &Certificate,
    amount: Money,
) -> Redemption {
    Redemption {
        id: id.to_owned(),
        merchant_id: merchant.to_owned(),
        idempotency_key: key.to_owned(),
        certificate_code: certificate.code.clone(),
        amount,
        balance_after: certificate.balance.checked_sub(amount).unwrap(),
        voided: false,
        created_at: t0(),
    }
}

pub fn gift(
    id: &str,
    order: &str,
    giver: &Msisdn,
    transferee: &Msisdn,
    codes: Vec<CertificateCode>,
    answer_by: DateTime<Utc>,
) -> Gift {
    Gift {
        id: gift_id(id),
        order_id: order_id(order),
        giver: giver.clone(),
        transferee: transferee.clone(),
        message: Some("Happy birthday!".to_owned()),
        extras: vec![giftgate_actors::domain::ContentId::parse("ring-01").unwrap()],
        certificate_codes: codes,
        state: GiftState::Sent,
        created_at: t0(),
        answer_by,
        settled_at: None,
    }
}

/// An event named `kind` (any name: the store keeps what it is given).
pub fn event(kind: &str, who: &Msisdn) -> OutboxMessage {
    let mut event = Event::new(EventType::OrderCompleted, t0()).with_msisdn(who);
    event.event_type = kind.to_owned();
    OutboxMessage::event(event)
}

pub fn sms(to: &Msisdn, text: &str) -> OutboxMessage {
    OutboxMessage::Sms(SmsNotice {
        message_id: uuid::Uuid::new_v4().to_string(),
        to: to.to_string(),
        text: text.to_owned(),
    })
}

/// Issues one certificate the way a purchase does: subscriber, charged payment,
/// certificate, issue journal row and an event, in one commit.
pub async fn issue(store: &Arc<dyn Store>, n: u64, owner: &Msisdn, face: Money) -> Certificate {
    store.upsert_product(&product()).await.unwrap();
    let order = format!("ord-{n}");
    let certificate = certificate(n, &order, owner, face);
    store
        .commit(Changes {
            subscribers: vec![owner.clone()],
            new_payments: vec![payment(&order, owner, face, PaymentState::Charged)],
            new_certificates: vec![certificate.clone()],
            journal: vec![entry(JournalKind::Issue, &certificate, face)],
            outbox: vec![event("certificate.issued", owner)],
            ..Changes::default()
        })
        .await
        .unwrap();
    certificate
}
