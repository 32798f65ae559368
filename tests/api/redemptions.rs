//! Merchant redemptions: idempotency, partial and full use, voids, balance checks, PIN
//! lockout.

use serde_json::json;

use crate::helpers::{Backend, TestApp};

#[actix_web::test]
async fn a_replayed_idempotency_key_answers_the_first_redemption() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let code = app
        .buy("idem", "01020203030", "dept-50000", 1)
        .await
        .remove(0);
    let pin = app.pin("01020203030", &code).await;
    let (status, first) = app.redeem(&code, &pin, "10000", "receipt-1").await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = app.redeem(&code, &pin, "10000", "receipt-1").await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["redemption_id"], first["redemption_id"]);
    assert_eq!(again["balance"], "40000");
    let (status, reused) = app.redeem(&code, &pin, "5000", "receipt-1").await;
    assert_eq!(status, 409, "{reused}");
    assert_eq!(reused["error"], "idempotency_key_reused");
    assert_eq!(app.wallet("01020203030").await[0]["balance"], "40000");
    app.finish().await;
}

#[actix_web::test]
async fn full_use_void_and_balance_check() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app
        .buy("full", "01020204040", "book-10000", 1)
        .await
        .remove(0);
    let pin = app.pin("01020204040", &code).await;
    let (_, used) = app.redeem(&code, &pin, "10000", "all").await;
    assert_eq!(used["balance"], "0");
    assert_eq!(app.wallet("01020204040").await[0]["status"], "redeemed");
    let (status, more) = app.redeem(&code, &pin, "1", "more").await;
    assert_eq!(status, 422);
    assert_eq!(more["error"], "insufficient_balance");

    let redemption_id = used["redemption_id"].as_str().unwrap();
    let (status, voided) = app
        .post(
            &format!("/v1/redemptions/{redemption_id}/void"),
            &app.merchant_key,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided["balance"], "10000");
    let (status, twice) = app
        .post(
            &format!("/v1/redemptions/{redemption_id}/void"),
            &app.merchant_key,
            json!({}),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(twice["error"], "already_voided");

    let response = app
        .client
        .get(format!("{}/v1/certificates/{code}", app.base))
        .bearer_auth(&app.merchant_key)
        .header("X-Certificate-Pin", &pin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let view: serde_json::Value = response.json().await.unwrap();
    assert_eq!(view["balance"], "10000");
    assert_eq!(view["status"], "active");
    let (_, usage) = app
        .get(
            "/v1/subscribers/01020204040/history?kind=usage",
            &app.channel_key,
        )
        .await;
    let kinds: Vec<_> = usage["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("void"), json!("redeem")]);
    app.finish().await;
}

#[actix_web::test]
async fn five_wrong_pins_lock_the_certificate() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let code = app
        .buy("lock", "01020205050", "book-10000", 1)
        .await
        .remove(0);
    let pin = app.pin("01020205050", &code).await;
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    for attempt in 1..=4 {
        let (status, answer) = app
            .redeem(&code, wrong, "100", &format!("w{attempt}"))
            .await;
        assert_eq!(status, 403, "{answer}");
        assert_eq!(answer["error"], "invalid_pin");
    }
    let (status, answer) = app.redeem(&code, wrong, "100", "w5").await;
    assert_eq!(status, 423, "{answer}");
    assert_eq!(answer["error"], "pin_locked");
    let (status, answer) = app.redeem(&code, &pin, "100", "right-but-locked").await;
    assert_eq!(
        status, 423,
        "the right PIN is refused while locked: {answer}"
    );
    assert_eq!(app.wallet("01020205050").await[0]["balance"], "10000");
    app.finish().await;
}

#[actix_web::test]
async fn a_pending_gift_cannot_be_redeemed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app
        .buy("pending", "01020206060", "book-10000", 1)
        .await
        .remove(0);
    let pin = app.pin("01020206060", &code).await;
    app.completed(
        json!({"order_id":"pending-gift","type":"gift","msisdn":"01020206060",
        "certificate_codes":[code],"to":"01020207070"}),
    )
    .await;
    let (status, answer) = app.redeem(&code, &pin, "100", "p").await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"], "not_redeemable");
    // Before acceptance the transferee holds no refund right; the giver's refund
    // withdraws the gift (refunds.rs covers that path).
    let (status, answer) = app
        .order(json!({"order_id":"pending-refund","type":"refund",
        "msisdn":"01020207070","certificate_code":code}))
        .await;
    assert_eq!(status, 202);
    assert_eq!(answer["status"], "failed");
    assert_eq!(answer["reason"], "not_refundable");
    app.finish().await;
}
