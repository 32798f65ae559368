//! SMS end to end through the SMPP binds and the SMSC simulator: notifications arrive
//! once with receipts recorded, and MO commands (with their Korean aliases) are answered.

use std::sync::Arc;
use std::time::Duration;

use giftgate_actors::domain::{Language, MessageState};
use giftgate_smpp::FaultConfig;

use crate::helpers::{Backend, TestApp, eventually};

fn smsc(app: &TestApp) -> &giftgate_smpp::SmscSimHandle {
    app.gateway().smsc_simulator.as_ref().unwrap()
}

async fn inbox_has(app: &TestApp, msisdn: &str, needle: &str) {
    eventually(&format!("an SMS containing {needle:?}"), || async {
        smsc(app)
            .inbox(msisdn)
            .iter()
            .any(|m| m.text.contains(needle))
    })
    .await;
}

async fn mo(app: &TestApp, from: &str, text: &str) {
    smsc(app).inject_mo(from, "1555", text).await.unwrap();
}

#[actix_web::test]
async fn notifications_arrive_once_and_receipts_are_recorded() {
    let app = TestApp::spawn(Backend::Postgres).await;
    app.buy("sms-1", "01012120000", "book-10000", 1).await;
    inbox_has(&app, "+821012120000", "PIN").await;
    let store = Arc::clone(app.gateway().ledger.store());
    let raw_id = smsc(&app).inbox("+821012120000")[0].message_ids[0].clone();
    let smsc_id =
        giftgate_smpp::SmscMessageId::new(&raw_id, giftgate_smpp::IdFormat::Opaque).normalized;
    eventually("the receipt", || {
        let store = Arc::clone(&store);
        let smsc_id = smsc_id.clone();
        async move {
            store
                .message_by_provider_id("sms", &smsc_id)
                .await
                .unwrap()
                .is_some_and(|m| m.state == MessageState::Delivered)
        }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smsc(&app).inbox("+821012120000").len(), 1, "exactly once");
    app.finish().await;
}

#[actix_web::test]
async fn a_throttling_smsc_still_gets_every_message_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    smsc(&app).set_faults(FaultConfig {
        throttle_every: 3,
        ..FaultConfig::default()
    });
    for i in 0..5 {
        app.buy(
            &format!("thr-{i}"),
            &format!("0101313{i}567"),
            "book-10000",
            1,
        )
        .await;
    }
    for i in 0..5 {
        inbox_has(&app, &format!("+82101313{i}567"), "PIN").await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for i in 0..5 {
        assert_eq!(smsc(&app).inbox(&format!("+82101313{i}567")).len(), 1);
    }
    app.finish().await;
}

#[actix_web::test]
async fn buy_by_sms_asks_for_confirmation_then_charges_once() {
    let app = TestApp::spawn_with(Backend::Postgres, |s| s.language = Language::En).await;
    let phone = "821014140000";
    mo(&app, phone, "BUY book-10000 2").await;
    inbox_has(&app, phone, "YES").await;
    assert!(
        app.wallet("01014140000").await.is_empty(),
        "nothing before YES"
    );
    mo(&app, phone, "예").await;
    inbox_has(&app, phone, "PIN").await;
    assert_eq!(app.wallet("01014140000").await.len(), 2);
    mo(&app, phone, "YES").await;
    eventually("the nothing-pending answer", || async {
        smsc(&app).inbox(phone).len() >= 3
    })
    .await;
    mo(&app, phone, "잔액").await;
    eventually("the balance answer", || async {
        smsc(&app)
            .inbox(phone)
            .iter()
            .any(|m| m.text.contains("Your certificates"))
    })
    .await;
    assert_eq!(
        app.wallet("01014140000").await.len(),
        2,
        "a stray YES buys nothing"
    );
    app.finish().await;
}

#[actix_web::test]
async fn gift_by_sms_waits_for_yes_and_the_transferee_accepts_by_sms() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.language = Language::En).await;
    let code = app
        .buy("sms-gift-buy", "01015150000", "book-10000", 1)
        .await
        .remove(0);
    mo(
        &app,
        "01015150000",
        &format!("GIFT {code} 010-1515-9999 happy birthday"),
    )
    .await;
    inbox_has(&app, "+821015150000", "Reply YES to send").await;
    assert!(
        app.gateway()
            .mmsc_simulator
            .as_ref()
            .unwrap()
            .inbox("+821015159999")
            .is_empty()
    );
    mo(&app, "01015150000", "yes").await;
    eventually("the gift MMS", || async {
        !app.gateway()
            .mmsc_simulator
            .as_ref()
            .unwrap()
            .inbox("+821015159999")
            .is_empty()
    })
    .await;
    mo(&app, "+821015159999", "ACCEPT").await;
    inbox_has(&app, "+821015159999", "PIN").await;
    let wallet = app.wallet("01015159999").await;
    assert_eq!(wallet.len(), 1);
    assert_eq!(wallet[0]["code"], code.as_str());
    inbox_has(&app, "+821015150000", "accepted your gift").await;
    app.finish().await;
}

#[actix_web::test]
async fn anything_else_gets_help_and_invalid_numbers_get_nothing() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.language = Language::En).await;
    mo(&app, "01016160000", "hello there").await;
    inbox_has(&app, "+821016160000", "Commands:").await;
    mo(&app, "01016160000", "REFUND 1234").await;
    eventually("the second help", || async {
        smsc(&app).inbox("+821016160000").len() == 2
    })
    .await;
    mo(&app, "12", "HELP").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smsc(&app).inbox("12").is_empty());
    app.finish().await;
}

/// Messages committed while the SMSC refuses every bind survive a gateway restart and
/// are delivered once by the next instance.
#[actix_web::test]
async fn queued_notifications_survive_a_gateway_restart() {
    let smsc = giftgate_smpp::SmscSimulator::start(giftgate_smpp::SmscSimConfig::default())
        .await
        .unwrap();
    smsc.set_faults(FaultConfig {
        refuse_binds: 1_000_000,
        ..FaultConfig::default()
    });
    let smsc_url = format!("smpp://{}", smsc.smpp_addr());
    let mut first =
        TestApp::spawn_with(Backend::Postgres, |s| s.smsc_url = Some(smsc_url.clone())).await;
    first.buy("restart-1", "01018180000", "book-10000", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        smsc.inbox("+821018180000").is_empty(),
        "nothing gets through while binds are refused"
    );
    first.stop_gateway().await;

    smsc.set_faults(FaultConfig::default());
    let second = TestApp::on(first.settings.clone()).await;
    eventually("the queued SMS after the restart", || async {
        !smsc.inbox("+821018180000").is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        smsc.inbox("+821018180000").len(),
        1,
        "delivered exactly once"
    );
    let mut second = second;
    second.database = first.database.take();
    second.finish().await;
    smsc.stop().await;
}

#[actix_web::test]
async fn extend_by_sms_and_channel_within_the_deployments_limit() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.language = Language::En;
        s.max_extension_months = 6;
    })
    .await;
    let code = app
        .buy("ext-buy", "01019190000", "book-10000", 1)
        .await
        .remove(0);
    let before = app.wallet("01019190000").await[0]["expires_at"]
        .as_str()
        .unwrap()
        .to_owned();
    mo(&app, "01019190000", &format!("EXTEND {code}")).await;
    inbox_has(&app, "+821019190000", "now valid until").await;
    let (status, extended) = app
        .post(
            &format!("/v1/certificates/{code}/extend"),
            &app.channel_key,
            serde_json::json!({"msisdn": "01019190000"}),
        )
        .await;
    assert_eq!(status, 200, "{extended}");
    let after: chrono::DateTime<chrono::Utc> =
        extended["expires_at"].as_str().unwrap().parse().unwrap();
    let before: chrono::DateTime<chrono::Utc> = before.parse().unwrap();
    assert!(
        after > before + chrono::Duration::days(180),
        "{before} → {after}"
    );
    let (status, refused) = app
        .post(
            &format!("/v1/certificates/{code}/extend"),
            &app.channel_key,
            serde_json::json!({"msisdn": "01019190000"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"], "extension_limit_reached");
    let (status, stranger) = app
        .post(
            &format!("/v1/certificates/{code}/extend"),
            &app.channel_key,
            serde_json::json!({"msisdn": "01019198888"}),
        )
        .await;
    assert_eq!(status, 404, "{stranger}");
    app.finish().await;
}
