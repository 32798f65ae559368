//! Payment rails end to end: the carrier billing and payment network simulators' test
//! triggers (CONTRACT.md §7), the monthly carrier-billing cap, and the rule — no
//! certificate without a confirmed charge, no confirmed charge without a certificate.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

fn carrier_purchase(order_id: &str, msisdn: &str) -> Value {
    json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
        "product_id": "culture-10000", "quantity": 1, "settlement": {"method": "carrier"}})
}

fn charged(app: &TestApp, end_user_digits: &str) -> usize {
    app.gateway()
        .billing_simulator
        .as_ref()
        .unwrap()
        .transactions()
        .iter()
        .filter(|t| {
            t.end_user_id.ends_with(end_user_digits) && format!("{:?}", t.status) == "Charged"
        })
        .count()
}

#[actix_web::test]
async fn a_declined_carrier_charge_fails_the_order_and_issues_nothing() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (status, answer) = app
        .order(carrier_purchase("decline-1", "010-5555-0001"))
        .await;
    assert_eq!(status, 202);
    assert_eq!(answer["status"], "failed", "{answer}");
    assert_eq!(answer["reason"], "billing_declined", "{answer}");
    assert!(app.wallet("010-5555-0001").await.is_empty());
    assert_eq!(charged(&app, "1055550001"), 0);
    app.finish().await;
}

#[actix_web::test]
async fn a_charge_that_times_out_is_settled_by_look_up_and_charged_once() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (_, answer) = app
        .order(carrier_purchase("timeout-1", "010-5555-0002"))
        .await;
    assert_eq!(answer["status"], "completed", "{answer}");
    assert_eq!(app.wallet("010-5555-0002").await.len(), 1);
    assert_eq!(charged(&app, "1055550002"), 1);
    app.finish().await;
}

#[actix_web::test]
async fn a_charge_answered_500_is_settled_by_look_up() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (_, answer) = app
        .order(carrier_purchase("unknown-1", "010-5555-0003"))
        .await;
    assert_eq!(answer["status"], "completed", "{answer}");
    assert_eq!(app.wallet("010-5555-0003").await.len(), 1);
    assert_eq!(charged(&app, "1055550003"), 1);
    app.finish().await;
}

#[actix_web::test]
async fn the_monthly_carrier_cap_declines_with_billing_limit_exceeded() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.monthly_carrier_cap = 25_000).await;
    app.buy("cap-1", "01077778888", "culture-10000", 2).await;
    let (_, answer) = app.order(carrier_purchase("cap-2", "01077778888")).await;
    assert_eq!(answer["status"], "failed");
    assert_eq!(answer["reason"], "billing_limit_exceeded", "{answer}");
    // Card payments are not on the phone bill and are not capped.
    let (_, answer) = app
        .order(
            json!({"order_id":"cap-3","type":"purchase","msisdn":"01077778888",
            "product_id":"culture-10000","settlement":{"method":"card","token":"tok_ok"}}),
        )
        .await;
    assert_eq!(answer["status"], "completed", "{answer}");
    assert_eq!(app.wallet("01077778888").await.len(), 3);
    app.finish().await;
}

#[actix_web::test]
async fn card_payments_go_through_the_payment_network() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (_, ok) = app
        .order(
            json!({"order_id":"card-ok","type":"purchase","msisdn":"01066667777",
            "product_id":"book-10000","settlement":{"method":"card","token":"tok_ok"}}),
        )
        .await;
    assert_eq!(ok["status"], "completed", "{ok}");
    assert_eq!(ok["outcome"]["settlement"], "card");
    let (_, declined) = app
        .order(
            json!({"order_id":"card-no","type":"purchase","msisdn":"01066667777",
            "product_id":"book-10000","settlement":{"method":"card","token":"tok_decline"}}),
        )
        .await;
    assert_eq!(declined["status"], "failed");
    assert_eq!(declined["reason"], "card_declined", "{declined}");
    let (_, slow) = app
        .order(json!({"order_id":"card-slow","type":"purchase","msisdn":"01066667777",
            "product_id":"book-10000","settlement":{"method":"bank","token":"tok_unknown_then_ok"}}))
        .await;
    assert_eq!(slow["status"], "completed", "{slow}");
    assert_eq!(app.wallet("01066667777").await.len(), 2);
    // Refund the card purchase the way it was paid.
    let code = ok["outcome"]["certificate_codes"][0].as_str().unwrap();
    let refund = app
        .completed(json!({"order_id":"card-refund","type":"refund","msisdn":"01066667777","certificate_code":code}))
        .await;
    assert_eq!(refund["settlement"], "card");
    let payments = app.gateway().psp_simulator.as_ref().unwrap().payments();
    let captured = payments.iter().filter(|p| p.captures > 0).count();
    assert_eq!(
        captured, 2,
        "exactly the two successful purchases were captured"
    );
    app.finish().await;
}
