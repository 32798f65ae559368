//! Certificate expiry: exactly once, with the balance booked as expired, a pending gift
//! returned first, and the audit balanced.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Utc;
use giftgate_actors::domain::{
    CertificateCode, CertificateStatus, OutboxMessage, PinCipher, Region,
};
use giftgate_actors::ports::{Clock, ManualClock, PaymentRail, Store};
use giftgate_actors::service::orders::OrderMeta;
use giftgate_actors::service::{Ledger, PaymentRails, Policy, RedeemRequest};
use giftgate_billing::{BillingConfig, BillingSimHandle, BillingSimulator, OneApiBilling};
use giftgate_store::testing::TestDatabase;
use serde_json::json;

use crate::helpers::assert_audit_passes;

#[actix_web::test]
async fn certificates_expire_once_with_their_balance_booked() {
    let database = TestDatabase::postgres().await;
    let (store, billing, clock) = store_billing_and_clock(&database).await;
    let ledger = ledger_at(&store, billing.base_url(), clock.clone(), Policy::default());
    let place = |body: serde_json::Value| {
        let ledger = ledger.clone();
        async move {
            let order = giftgate_actors::domain::Order::from_value(&body, Region::KR).unwrap();
            ledger
                .place_order(&order, &OrderMeta::default())
                .await
                .unwrap()
        }
    };
    let bought = place(
        json!({"order_id":"x-buy","type":"purchase","msisdn":"01071710000",
        "product_id":"book-10000","quantity":2,"settlement":{"method":"carrier"}}),
    )
    .await;
    let codes: Vec<CertificateCode> = bought.outcome.unwrap()["certificate_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| CertificateCode::parse(c.as_str().unwrap()).unwrap())
        .collect();
    // One is partly used, the other is out as a gift when its time runs out.
    let first = store.certificate(&codes[0]).await.unwrap().unwrap();
    let pin = ledger.certificate_pin(&first).unwrap();
    ledger
        .redemptions()
        .redeem(&RedeemRequest {
            merchant_id: "m_1".into(),
            merchant_name: "Book & Life".into(),
            idempotency_key: "k".into(),
            code: codes[0].clone(),
            pin,
            amount: giftgate_actors::domain::Money::parse(
                "3000",
                giftgate_actors::domain::Currency::KRW,
            )
            .unwrap(),
        })
        .await
        .unwrap();
    place(
        json!({"order_id":"x-gift","type":"gift","msisdn":"01071710000",
        "certificate_codes":[codes[1].as_str()],"to":"01071719999"}),
    )
    .await;

    assert_eq!(
        ledger.expire_due_certificates(100).await.unwrap(),
        0,
        "nothing is due yet"
    );
    clock.advance(chrono::Duration::days(1825) + chrono::Duration::seconds(1));
    assert_eq!(ledger.expire_due_certificates(100).await.unwrap(), 2);
    assert_eq!(
        ledger.expire_due_certificates(100).await.unwrap(),
        0,
        "exactly once"
    );
    for code in &codes {
        let certificate = store.certificate(code).await.unwrap().unwrap();
        assert_eq!(certificate.status, CertificateStatus::Expired);
        assert!(certificate.balance.is_zero());
        assert_eq!(
            certificate.owner.as_str(),
            "+821071710000",
            "the gift came back first"
        );
    }
    let facts = store.audit_facts().await.unwrap();
    assert_eq!(facts.totals[0].expired, 7000 + 10000);
    let outbox = store.outbox_pending(100).await.unwrap();
    let expired_events = outbox
        .iter()
        .filter(|r| matches!(&r.message, OutboxMessage::Event { event, .. } if event.event_type == "certificate.expired"))
        .count();
    assert_eq!(expired_events, 2);
    billing.stop().await;
    assert_audit_passes(&database.url).await;
    database.drop().await;
}

/// What the expiry tests run on: a store on `database` with the sample catalogue, the
/// billing simulator, and a manual clock set to now.
pub(crate) async fn store_billing_and_clock(
    database: &TestDatabase,
) -> (Arc<dyn Store>, BillingSimHandle, Arc<ManualClock>) {
    let store: Arc<dyn Store> = giftgate_store::connect(&database.url).await.unwrap();
    giftgate_actors::service::catalog::seed_sample_catalog(store.as_ref())
        .await
        .unwrap();
    let billing = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    (store, billing, Arc::new(ManualClock::new(Utc::now())))
}

/// A ledger on `store` with the built-in billing simulator at `billing_url`, `clock` and
/// `policy`, as a gateway process would build it.
pub(crate) fn ledger_at(
    store: &Arc<dyn Store>,
    billing_url: String,
    clock: Arc<ManualClock>,
    policy: Policy,
) -> Ledger {
    let carrier: Arc<dyn PaymentRail> =
        Arc::new(OneApiBilling::new(BillingConfig::new(billing_url)).unwrap());
    Ledger::new(
        Arc::clone(store),
        PaymentRails {
            carrier,
            network: None,
        },
        clock,
        PinCipher::from_hex(&"0f".repeat(32)).unwrap(),
        policy,
    )
}

/// Moves the manual clock (forward) to `at`.
pub(crate) fn set_clock(clock: &ManualClock, at: chrono::DateTime<Utc>) {
    clock.advance(at - clock.now());
}

/// Buys one `book-10000` for `msisdn` by carrier billing; answers its code.
pub(crate) async fn buy_one_book(ledger: &Ledger, order_id: &str, msisdn: &str) -> CertificateCode {
    let order = giftgate_actors::domain::Order::from_value(
        &json!({"order_id":order_id,"type":"purchase","msisdn":msisdn,
        "product_id":"book-10000","quantity":1,"settlement":{"method":"carrier"}}),
        Region::KR,
    )
    .unwrap();
    let bought = ledger
        .place_order(&order, &OrderMeta::default())
        .await
        .unwrap();
    CertificateCode::parse(
        bought.outcome.unwrap()["certificate_codes"][0]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn expiry_at_the_boundary_second_and_across_a_restart_happens_once() {
    let database = TestDatabase::postgres().await;
    let (store, billing, clock) = store_billing_and_clock(&database).await;
    let ledger = ledger_at(&store, billing.base_url(), clock.clone(), Policy::default());
    let code = buy_one_book(&ledger, "b-buy", "01072720000").await;
    let expires_at = store
        .certificate(&code)
        .await
        .unwrap()
        .unwrap()
        .expires_at
        .unwrap();

    let set = |at| set_clock(&clock, at);
    // One second before: still valid.
    set(expires_at - chrono::Duration::seconds(1));
    assert_eq!(ledger.expire_due_certificates(100).await.unwrap(), 0);
    // At the boundary second itself it expires, once, whichever process gets there:
    // this one and a "restarted" one (a new ledger on the same database) race for it.
    set(expires_at);
    let restarted = ledger_at(&store, billing.base_url(), clock.clone(), Policy::default());
    let (mine, theirs) = tokio::join!(
        ledger.expire_due_certificates(100),
        restarted.expire_due_certificates(100)
    );
    assert_eq!(mine.unwrap() + theirs.unwrap(), 1, "expired exactly once");
    // After the restart the job runs again and finds nothing more to do.
    set(expires_at + chrono::Duration::days(1));
    let after_restart = ledger_at(&store, billing.base_url(), clock.clone(), Policy::default());
    assert_eq!(after_restart.expire_due_certificates(100).await.unwrap(), 0);

    let certificate = store.certificate(&code).await.unwrap().unwrap();
    assert_eq!(certificate.status, CertificateStatus::Expired);
    let facts = store.audit_facts().await.unwrap();
    assert_eq!(facts.totals[0].expired, 10_000, "booked once");
    let expired_events = store
        .outbox_pending(100)
        .await
        .unwrap()
        .iter()
        .filter(|r| matches!(&r.message, OutboxMessage::Event { event, .. } if event.event_type == "certificate.expired"))
        .count();
    assert_eq!(expired_events, 1);
    billing.stop().await;
    assert_audit_passes(&database.url).await;
    database.drop().await;
}
