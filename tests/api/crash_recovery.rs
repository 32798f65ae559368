//! An HTTP purchase crashed between each pair of its steps — recorded, reserved at the
//! carrier, charged, issued — and restarted ends completed with exactly one charge and
//! one certificate, every time, and the restarted gateway never logs `corrupt`
//! (issue 15: recovery judged orders from a stale read). The restart is the real
//! binary (`giftgate serve`), so its log is the one an operator reads.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use chrono::Utc;
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionReply};
use giftgate_actors::domain::{
    Currency, Money, Msisdn, Order, OrderStatus, Payment, PaymentState, Region,
};
use giftgate_actors::ports::{Changes, PaymentRequest, PaymentUpdate};
use giftgate_actors::service::orders::OrderMeta;
use giftgate_billing::BillingSimulator;
use giftgate_store::testing::TestDatabase;
use serde_json::{Value, json};

use crate::helpers::{TestApp, test_settings};

/// Where a purchase stopped when its gateway died.
#[derive(Debug, Clone, Copy)]
pub enum CrashPoint {
    /// The order was recorded; nothing reached the carrier.
    Recorded,
    /// The carrier reserved; nothing of it was stored.
    Reserved,
    /// The reservation's answer was unknown, so the payment was stored as initiated.
    ReservedStoredInitiated,
    /// The carrier charged; nothing of it was stored.
    Charged,
    /// The carrier charged; the payment was stored as reserved.
    ChargedStoredReserved,
    /// Issued and completed: the restart finds nothing to do.
    Issued,
}

const CRASH_POINTS: [CrashPoint; 6] = [
    CrashPoint::Recorded,
    CrashPoint::Reserved,
    CrashPoint::ReservedStoredInitiated,
    CrashPoint::Charged,
    CrashPoint::ChargedStoredReserved,
    CrashPoint::Issued,
];

/// Leaves the database and the carrier as a crash at `point` would.
pub async fn crash_at(app: &TestApp, point: CrashPoint, order_id: &str, msisdn: &str) {
    if matches!(point, CrashPoint::Issued) {
        app.buy(order_id, msisdn, "dept-50000", 1).await;
        return;
    }
    let ledger = &app.gateway().ledger;
    let order = Order::from_value(
        &json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
            "product_id": "dept-50000", "settlement": {"method": "carrier"}}),
        Region::KR,
    )
    .unwrap();
    ledger
        .store()
        .insert_order(&ledger.pending_record(&order, &OrderMeta::default()))
        .await
        .unwrap();
    if matches!(point, CrashPoint::Recorded) {
        return;
    }
    let amount = Money::parse("50000", Currency::KRW).unwrap();
    let payment = Payment {
        order_id: order.order_id.clone(),
        msisdn: Msisdn::parse(msisdn, Region::KR).unwrap(),
        method: "carrier".into(),
        reference: None,
        amount,
        refunded: Money::zero(Currency::KRW),
        state: PaymentState::Initiated,
        created_at: Utc::now(),
    };
    let stored = matches!(
        point,
        CrashPoint::ReservedStoredInitiated | CrashPoint::ChargedStoredReserved
    );
    if stored {
        let new_payments = vec![payment.clone()];
        ledger
            .store()
            .commit(Changes {
                new_payments,
                ..Changes::default()
            })
            .await
            .unwrap();
    }
    let request = PaymentRequest {
        order_id: order.order_id.clone(),
        payer: payment.msisdn.clone(),
        settlement: giftgate_actors::domain::Settlement::Carrier,
        amount,
        description: "crash test".into(),
    };
    let reference = ledger.carrier_rail().reserve(&request).await.unwrap();
    if matches!(
        point,
        CrashPoint::Reserved | CrashPoint::ReservedStoredInitiated
    ) {
        return;
    }
    if stored {
        let update = PaymentUpdate {
            order_id: order.order_id.clone(),
            expected: PaymentState::Initiated,
            state: PaymentState::Reserved,
            reference: Some(reference.clone()),
            refunded: payment.refunded,
        };
        ledger
            .store()
            .commit(Changes {
                payments: vec![update],
                ..Changes::default()
            })
            .await
            .unwrap();
    }
    ledger
        .carrier_rail()
        .charge(&request, &reference)
        .await
        .unwrap();
}

/// A free loopback port for the restarted binary.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Restarts the gateway as `giftgate serve` on the same database and carrier, waits
/// until every order in `orders` has finished, stops it and answers the orders and its
/// log.
async fn restart_as_binary(
    database_url: &str,
    billing_url: &str,
    orders: &[String],
) -> (Vec<Value>, String) {
    let port = free_port();
    let admin = "crash-admin-token";
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_giftgate"))
        .arg("serve")
        .env("GIFTGATE_DATABASE_URL", database_url)
        .env("GIFTGATE_BILLING_URL", billing_url)
        .env("GIFTGATE_SECRET_KEY", "0f".repeat(32))
        .env("GIFTGATE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("GIFTGATE_ADMIN_TOKEN", admin)
        .env("GIFTGATE_SIMULATORS", "true")
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(log.reopen().unwrap()))
        .stderr(Stdio::from(log.reopen().unwrap()))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut key = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut finished = Vec::new();
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if key.is_none() {
            let Ok(answer) = client
                .post(format!("{base}/v1/admin/channels"))
                .bearer_auth(admin)
                .json(&json!({"name": "crash"}))
                .send()
                .await
            else {
                continue;
            };
            let answer: Value = answer.json().await.unwrap_or(Value::Null);
            key = answer["api_key"].as_str().map(str::to_owned);
            continue;
        }
        let channel = key.clone().unwrap_or_default();
        finished.clear();
        for order in orders {
            let answer: Value = client
                .get(format!("{base}/v1/orders/{order}"))
                .bearer_auth(&channel)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if answer["status"] != "pending" {
                finished.push(answer);
            }
        }
        if finished.len() == orders.len() {
            break;
        }
    }
    child.kill().await.unwrap();
    let log = std::fs::read_to_string(log.path()).unwrap();
    assert_eq!(
        finished.len(),
        orders.len(),
        "orders left pending; log:\n{log}"
    );
    (finished, log)
}

async fn every_crash_point_ends_with_the_right_money(database: TestDatabase) {
    let billing = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let mut settings = test_settings(&database.url);
    settings.billing_url = Some(billing.base_url());
    let mut first = TestApp::on(settings.clone()).await;
    let mut orders = Vec::new();
    for (i, point) in CRASH_POINTS.iter().enumerate() {
        let order_id = format!("crash-{i}");
        crash_at(&first, *point, &order_id, &format!("01091{i}15678")).await;
        orders.push(order_id);
    }
    first.stop_gateway().await;

    let (finished, log) = restart_as_binary(&database.url, &billing.base_url(), &orders).await;
    assert!(
        !log.to_lowercase().contains("corrupt"),
        "the log cries wolf:\n{log}"
    );
    for (answer, point) in finished.iter().zip(CRASH_POINTS) {
        assert_eq!(answer["status"], "completed", "{point:?}: {answer}");
    }
    let restarted = TestApp::on(settings).await;
    for (i, point) in CRASH_POINTS.iter().enumerate() {
        let order_id = format!("crash-{i}");
        let wallet = restarted.wallet(&format!("01091{i}15678")).await;
        assert_eq!(wallet.len(), 1, "{point:?}: one certificate");
        let charged: Vec<_> = billing
            .transactions()
            .into_iter()
            .filter(|t| t.reference_code == order_id && format!("{:?}", t.status) == "Charged")
            .collect();
        assert_eq!(charged.len(), 1, "{point:?}: charged once");
        assert_eq!(charged[0].amount, rust_decimal::Decimal::from(50_000));
    }
    billing.stop().await;
    let mut restarted = restarted;
    restarted.database = Some(database);
    restarted.finish().await;
}

#[actix_web::test]
async fn an_http_purchase_crashed_at_every_step_ends_with_the_right_money_on_postgres() {
    every_crash_point_ends_with_the_right_money(TestDatabase::postgres().await).await;
}

#[actix_web::test]
async fn an_http_purchase_crashed_at_every_step_ends_with_the_right_money_on_sqlite() {
    every_crash_point_ends_with_the_right_money(TestDatabase::sqlite().await).await;
}

/// Recovery holding a record read before the order finished resumes it in the
/// subscriber's session, which reads it again: the stored outcome, never `corrupt`.
#[actix_web::test]
async fn a_stale_pending_record_resumes_as_the_stored_outcome() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    let ledger = &app.gateway().ledger;
    let order = Order::from_value(
        &json!({"order_id": "stale-1", "type": "purchase", "msisdn": "01092920000",
            "product_id": "book-10000", "settlement": {"method": "carrier"}}),
        Region::KR,
    )
    .unwrap();
    let stale = ledger.pending_record(&order, &OrderMeta::default());
    app.buy("stale-1", "01092920000", "book-10000", 1).await;
    let answer = app
        .gateway()
        .registry
        .send(Dispatch {
            msisdn: order.msisdn.clone(),
            command: SessionCommand::Resume(stale.clone()),
        })
        .await
        .unwrap();
    let Ok(SessionReply::Order(record)) = answer else {
        panic!("resume answered {answer:?}")
    };
    assert_eq!(record.status, OrderStatus::Completed);
    // Straight to the ledger (no session re-read): completed from the stored state.
    let direct = ledger.resume_order(stale).await.unwrap();
    assert_eq!(direct.status, OrderStatus::Completed);
    assert_eq!(app.wallet("01092920000").await.len(), 1);
    app.finish().await;
}
