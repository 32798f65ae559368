//! Gifts: bought straight as a gift, checked by the giver before sending, refused when
//! not the giver's to give, and returned when nobody answers in time.

use std::sync::Arc;
use std::time::Duration;

use actix::Actor;
use giftgate_actors::actors::{GiftExpiry, PeriodicJob, RegistryConfig, SessionRegistry};
use giftgate_actors::domain::{GiftId, GiftState, OutboxMessage, Region};
use giftgate_actors::service::Policy;
use giftgate_actors::service::orders::OrderMeta;
use giftgate_store::testing::TestDatabase;
use serde_json::json;

use crate::expiry::{buy_one_book, ledger_at, store_billing_and_clock};
use crate::helpers::{Backend, TestApp, assert_audit_passes, eventually};

#[actix_web::test]
async fn a_purchase_can_go_straight_to_a_friend_and_be_accepted() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let outcome = app
        .completed(
            json!({"order_id":"direct","type":"purchase","msisdn":"01030301111",
            "product_id":"book-30000","quantity":2,"settlement":{"method":"carrier"},
            "gift":{"to":"01030302222","message":"for you"}}),
        )
        .await;
    let gift_id = outcome["gift_id"].as_str().unwrap();
    let (_, gifts) = app
        .get("/v1/subscribers/01030302222/gifts", &app.channel_key)
        .await;
    assert_eq!(gifts["received"][0]["gift_id"], gift_id);
    assert_eq!(gifts["received"][0]["state"], "sent");
    app.completed(json!({"order_id":"direct-accept","type":"accept","msisdn":"01030302222","gift_id":gift_id}))
        .await;
    let wallet = app.wallet("01030302222").await;
    assert_eq!(wallet.len(), 2);
    assert!(
        wallet
            .iter()
            .all(|c| c["status"] == "active" && c["pin"].as_str().unwrap().len() == 6)
    );
    assert!(app.wallet("01030301111").await.is_empty());
    // Accepting twice is refused.
    let (_, again) = app
        .order(json!({"order_id":"direct-accept-2","type":"accept","msisdn":"01030302222","gift_id":gift_id}))
        .await;
    assert_eq!(again["reason"], "gift_not_pending");
    app.finish().await;
}

#[actix_web::test]
async fn a_gift_waiting_for_the_giver_is_sent_only_after_confirmation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app
        .buy("check", "01040401111", "dept-50000", 1)
        .await
        .remove(0);
    let outcome = app
        .completed(
            json!({"order_id":"check-gift","type":"gift","msisdn":"01040401111",
            "certificate_codes":[code],"to":"01040402222","extras":["card-001"],"confirm":true}),
        )
        .await;
    assert_eq!(outcome["state"], "awaiting_confirmation");
    let gift_id = outcome["gift_id"].as_str().unwrap();
    let (status, package) = app
        .get(&format!("/v1/gifts/{gift_id}"), &app.channel_key)
        .await;
    assert_eq!(status, 200);
    assert_eq!(package["certificates"][0]["code"], code.as_str());
    assert_eq!(package["extras"][0], "card-001");
    assert!(package["size"].as_i64().unwrap() > 1000, "{package}");
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        mmsc.inbox("+821040402222").is_empty(),
        "nothing goes out before the giver's check"
    );
    let (_, early) = app
        .order(json!({"order_id":"too-early","type":"accept","msisdn":"01040402222","gift_id":gift_id}))
        .await;
    assert_eq!(early["reason"], "gift_not_pending");
    let (status, sent) = app
        .post(
            &format!("/v1/gifts/{gift_id}/confirm"),
            &app.channel_key,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["state"], "sent");
    eventually("the MMS after confirmation", || async {
        mmsc.inbox("+821040402222").len() == 1
    })
    .await;
    app.completed(json!({"order_id":"checked-reject","type":"reject","msisdn":"01040402222","gift_id":gift_id}))
        .await;
    assert_eq!(app.wallet("01040401111").await[0]["status"], "active");
    app.finish().await;
}

#[actix_web::test]
async fn only_the_holder_may_give_and_not_to_themselves() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app
        .buy("own", "01050501111", "book-10000", 1)
        .await
        .remove(0);
    let (_, stranger) = app
        .order(
            json!({"order_id":"steal","type":"gift","msisdn":"01050503333",
            "certificate_codes":[code],"to":"01050504444"}),
        )
        .await;
    assert_eq!(stranger["reason"], "certificate_not_found");
    let (_, myself) = app
        .order(
            json!({"order_id":"self","type":"gift","msisdn":"01050501111",
            "certificate_codes":[code],"to":"+821050501111"}),
        )
        .await;
    assert_eq!(myself["reason"], "invalid_transferee");
    let (_, nobody) = app
        .order(json!({"order_id":"ghost","type":"accept","msisdn":"01050501111","gift_id":"gnosuchgift"}))
        .await;
    assert_eq!(nobody["reason"], "gift_not_found");
    app.finish().await;
}

/// An unanswered gift returns to its giver when the window closes — exactly once, run by
/// the `GiftExpiry` timer through the giver's session, on a clock the test moves.
#[actix_web::test]
async fn an_unanswered_gift_returns_to_the_giver_once() {
    let database = TestDatabase::postgres().await;
    let (store, billing, clock) = store_billing_and_clock(&database).await;
    let ledger = Arc::new(ledger_at(
        &store,
        billing.base_url(),
        clock.clone(),
        Policy::default(),
    ));
    let order = |body: serde_json::Value| {
        giftgate_actors::domain::Order::from_value(&body, Region::KR).unwrap()
    };
    let code = buy_one_book(&ledger, "exp-buy", "01060601111")
        .await
        .to_string();
    let sealed_before = store
        .certificate(&giftgate_actors::domain::CertificateCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap()
        .pin_sealed;
    let gift = ledger
        .place_order(
            &order(
                json!({"order_id":"exp-gift","type":"gift","msisdn":"01060601111",
                "certificate_codes":[code],"to":"01060602222"}),
            ),
            &OrderMeta::default(),
        )
        .await
        .unwrap();
    let gift_id = GiftId::parse(gift.outcome.unwrap()["gift_id"].as_str().unwrap()).unwrap();

    assert!(
        !ledger.expire_gift(&gift_id).await.unwrap(),
        "not before the window closes"
    );
    clock.advance(chrono::Duration::days(7));

    let registry = SessionRegistry::new(Arc::clone(&ledger), RegistryConfig::default()).start();
    GiftExpiry::new(Arc::clone(&ledger), registry, Duration::from_millis(50)).start();
    eventually("the gift to expire", || {
        let store = Arc::clone(&store);
        let gift_id = gift_id.clone();
        async move { store.gift(&gift_id).await.unwrap().unwrap().state == GiftState::Expired }
    })
    .await;
    assert!(
        !ledger.expire_gift(&gift_id).await.unwrap(),
        "expiry happens once"
    );
    let certificate = store
        .certificate(&giftgate_actors::domain::CertificateCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(certificate.owner.as_str(), "+821060601111");
    assert_eq!(certificate.status.as_str(), "active");
    assert_eq!(
        certificate.pin_sealed, sealed_before,
        "an expired gift comes back under the giver's own PIN (never re-keyed)"
    );
    let outbox = store.outbox_pending(100).await.unwrap();
    let expired_events = outbox
        .iter()
        .filter(|r| matches!(&r.message, OutboxMessage::Event { event, .. } if event.event_type == "gift.expired"))
        .count();
    assert_eq!(expired_events, 1);
    assert!(outbox.iter().any(|r| matches!(&r.message, OutboxMessage::Sms(s) if s.to == "+821060601111" && s.text.contains("돌아왔습니다"))));
    billing.stop().await;
    assert_audit_passes(&database.url).await;
    database.drop().await;
}
