//! Requests waiting for a subscriber's `YES` live in the database (issue 15): a `YES`
//! settles them after the session stopped, after a restart and through another
//! instance; they lapse at `GIFTGATE_CONFIRM_SECS`; several wait side by side under
//! numbers; a gift's giver may cancel it through the channel.

use giftgate_actors::domain::Language;
use serde_json::json;

use crate::handset::{ask, inbox_has, mo, nth_text, smsc, texts};
use crate::helpers::{Backend, TestApp, eventually};

async fn english(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |s| {
        s.language = Language::En;
        s.session_idle_secs = 1;
    })
    .await
}

#[actix_web::test]
async fn a_yes_through_another_instance_after_the_session_stopped_buys_once() {
    let first = english(Backend::Postgres).await;
    let phone = "+821021210000";
    let question = ask(&first, phone, "BUY book-10000 2").await;
    assert!(
        question.contains("KRW 20,000") && question.contains("Reply YES"),
        "{question}"
    );
    // The asking session stops idle; a second instance (its own bind) takes the YES.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let second = TestApp::on(first.settings.clone()).await;
    // Both instances deliver the shared outbox: an answer reaches the handset through
    // either one's SMSC.
    let both = |needle: &'static str| {
        let (first, second) = (&first, &second);
        move || async move {
            texts(first, phone)
                .iter()
                .chain(texts(second, phone).iter())
                .filter(|t| t.contains(needle))
                .count()
        }
    };
    mo(&second, phone, "YES").await;
    eventually("the purchase", || async { both("PIN")().await == 1 }).await;
    assert_eq!(second.wallet(phone).await.len(), 2);
    mo(&second, phone, "YES").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while both("nothing to confirm")().await != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer to the second YES; first instance's handset got {:?}, second's {:?}",
            texts(&first, phone),
            texts(&second, phone)
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(second.wallet(phone).await.len(), 2, "bought once");
    assert_eq!(both("PIN")().await, 1, "bought once");
    let mut second = second;
    let mut first = first;
    first.stop_gateway().await;
    second.database = first.database.take();
    second.finish().await;
}

#[actix_web::test]
async fn a_gift_waiting_for_its_check_is_sent_by_a_yes_after_a_restart() {
    let mut first = english(Backend::Sqlite).await;
    let giver = "+821022220000";
    let code = first
        .buy("dlg-gift", giver, "book-10000", 1)
        .await
        .remove(0);
    // A gift with `confirm: true` over HTTP waits for the giver's SMS YES.
    let outcome = first
        .completed(
            json!({"order_id": "dlg-gift-1", "type": "gift", "msisdn": giver,
            "certificate_codes": [code], "to": "01022229999", "confirm": true}),
        )
        .await;
    let gift_id = outcome["gift_id"].as_str().unwrap().to_owned();
    inbox_has(&first, giver, "Reply YES to send").await;
    first.stop_gateway().await;
    let mut second = TestApp::on(first.settings.clone()).await;
    second.database = first.database.take();
    mo(&second, giver, "yes").await;
    eventually("the gift MMS", || async {
        !second
            .gateway()
            .mmsc_simulator
            .as_ref()
            .unwrap()
            .inbox("+821022229999")
            .is_empty()
    })
    .await;
    let (_, gift) = second
        .get(&format!("/v1/gifts/{gift_id}"), &second.channel_key)
        .await;
    assert_eq!(gift["state"], "sent", "{gift}");
    second.finish().await;
}

#[actix_web::test]
async fn unconfirmed_requests_lapse_and_the_subscriber_is_told() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.language = Language::En;
        s.confirm_secs = 1;
    })
    .await;
    let phone = "+821023230000";
    let code = app.buy("lapse-buy", phone, "book-10000", 1).await.remove(0);
    mo(&app, phone, "BUY culture-10000").await;
    mo(&app, phone, &format!("GIFT {code} 010-2323-9999")).await;
    inbox_has(
        &app,
        phone,
        "was not confirmed in time; nothing was charged",
    )
    .await;
    inbox_has(&app, phone, "was not confirmed in time and was cancelled").await;
    let wallet = app.wallet(phone).await;
    assert_eq!(wallet.len(), 1, "the dropped purchase bought nothing");
    assert_eq!(wallet[0]["status"], "active", "the certificate is back");
    let late = ask(&app, phone, "YES").await;
    assert!(late.contains("nothing to confirm"), "{late}");
    app.finish().await;
}

#[actix_web::test]
async fn several_requests_wait_side_by_side_and_yes_n_picks_one() {
    let app = english(Backend::Postgres).await;
    let phone = "+821024240000";
    let first = ask(&app, phone, "BUY book-10000").await;
    assert!(first.contains("Reply YES or NO"), "{first}");
    let second = ask(&app, phone, "BUY culture-10000 2").await;
    assert!(
        second.contains("Reply YES 2 or NO 2"),
        "a second BUY waits beside: {second}"
    );
    let which = ask(&app, phone, "YES").await;
    assert!(
        which.contains("2 requests are waiting")
            && which.contains("1) buy 1 x Book 10,000")
            && which.contains("2) buy 2 x Culture 10,000"),
        "{which}"
    );
    assert!(
        app.wallet(phone).await.is_empty(),
        "a bare YES bought nothing"
    );
    mo(&app, phone, "YES 2").await;
    inbox_has(&app, phone, "Purchased 2").await;
    let cancelled = ask(&app, phone, "NO 1").await;
    assert!(cancelled.contains("Cancelled"), "{cancelled}");
    let none = ask(&app, phone, "YES 1").await;
    assert!(none.contains("no request 1"), "{none}");
    let wallet = app.wallet(phone).await;
    assert_eq!(wallet.len(), 2);
    assert!(wallet.iter().all(|c| c["product_id"] == "culture-10000"));
    app.finish().await;
}

#[actix_web::test]
async fn the_giver_cancels_a_waiting_or_sent_gift_through_the_channel() {
    let app = english(Backend::Postgres).await;
    let giver = "+821025250000";
    let codes = app.buy("del-buy", giver, "book-10000", 2).await;
    let gift = |order: &str, code: &str, confirm: bool| {
        json!({"order_id": order, "type": "gift", "msisdn": giver, "certificate_codes": [code],
            "to": "01025259999", "confirm": confirm})
    };
    let waiting = app.completed(gift("del-1", &codes[0], true)).await;
    let sent = app.completed(gift("del-2", &codes[1], false)).await;
    for outcome in [&waiting, &sent] {
        let id = outcome["gift_id"].as_str().unwrap();
        let response = app
            .client
            .delete(format!("{}/v1/gifts/{id}", app.base))
            .bearer_auth(&app.channel_key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["state"], "cancelled", "{body}");
    }
    let wallet = app.wallet(giver).await;
    assert!(wallet.iter().all(|c| c["status"] == "active"), "{wallet:?}");
    inbox_has(&app, "+821025259999", "cancelled the gift sent to you").await;
    inbox_has(
        &app,
        giver,
        "was cancelled; the certificates are yours again",
    )
    .await;
    let again = app
        .client
        .delete(format!(
            "{}/v1/gifts/{}",
            app.base,
            sent["gift_id"].as_str().unwrap()
        ))
        .bearer_auth(&app.channel_key)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["error"], "gift_not_pending");
    let unknown = app
        .client
        .delete(format!("{}/v1/gifts/gnosuch22", app.base))
        .bearer_auth(&app.channel_key)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let nothing = ask(&app, giver, "YES").await;
    assert!(nothing.contains("nothing to confirm"), "{nothing}");
    app.finish().await;
}

#[actix_web::test]
async fn product_ids_match_regardless_of_case() {
    let app = english(Backend::Sqlite).await;
    let (status, body) = app
        .client
        .put(format!("{}/v1/admin/products/ACC-B3A7EA", app.base))
        .bearer_auth(app.settings.admin_token.as_deref().unwrap())
        .json(
            &json!({"issuer": "Acme Coffee", "category": "coffee", "name": "Acme Latte",
            "face_value": "4500", "currency": "KRW", "validity_days": 90}),
        )
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 200, "{:?}", body.text().await);
    let phone = "+821026260000";
    let question = ask(&app, phone, "buy acc-b3a7ea").await;
    assert!(
        question.contains("Acme Latte") && question.contains("KRW 4,500"),
        "{question}"
    );
    mo(&app, phone, "y").await;
    inbox_has(&app, phone, "PIN").await;
    assert_eq!(app.wallet(phone).await[0]["product_id"], "ACC-B3A7EA");
    app.finish().await;
}

#[actix_web::test]
async fn a_slow_charge_never_holds_back_another_subscribers_answer() {
    let billing =
        giftgate_billing::BillingSimulator::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .slow_answer(std::time::Duration::from_secs(3))
            .spawn()
            .await
            .unwrap();
    let url = billing.base_url();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.language = Language::En;
        s.billing_url = Some(url);
        s.billing_timeout_ms = 10_000;
    })
    .await;
    // …0002: the carrier answers this subscriber's charge after 3 s.
    let slow = "+821027270002";
    ask(&app, slow, "BUY book-10000").await;
    mo(&app, slow, "YES").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let quick = "+821027270000";
    let started = std::time::Instant::now();
    let balance = ask(&app, quick, "BAL").await;
    assert!(balance.contains("no certificates"), "{balance}");
    assert!(
        texts(&app, slow).len() == 1,
        "the other subscriber was answered while the charge was still under way"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    inbox_has(&app, slow, "PIN").await;
    app.finish().await;
    billing.stop().await;
}

#[actix_web::test]
async fn at_the_bound_mo_waits_and_none_is_lost() {
    let app = TestApp::spawn_with(Backend::Postgres, |s| {
        s.language = Language::En;
        s.mo_in_flight = 2;
    })
    .await;
    let phones: Vec<String> = (0..12).map(|i| format!("+8210282800{i:02}")).collect();
    for phone in &phones {
        mo(&app, phone, "HELP").await;
        mo(&app, phone, "BAL").await;
    }
    for phone in &phones {
        let help = nth_text(&app, phone, 1).await;
        assert!(help.contains("Commands:"), "in order: {help}");
        let balance = nth_text(&app, phone, 2).await;
        assert!(balance.contains("no certificates"), "{balance}");
    }
    eventually("every deliver_sm acknowledged", || async {
        smsc(&app).stats().deliver_sm_resps >= 24
    })
    .await;
    app.finish().await;
}
