//! `giftgate reconcile` end to end: the real binary against the running gateway's
//! database and its billing and payment simulators over HTTP (or a settlement file) —
//! a clean day, the payment faults of issue 6, an orphan charge repaired once, and
//! mismatches read from a CSV settlement file.

use std::process::Output;

use giftgate_actors::domain::{Currency, Money, Msisdn, OrderId, Settlement, SettlementKind};
use giftgate_actors::ports::{PaymentRail, PaymentRequest};
use giftgate_billing::{BillingConfig, OneApiBilling};
use giftgate_psp::{PspClient, PspConfig};
use giftgate_settlement::{csv_file, simulators};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

fn purchase(order_id: &str, msisdn: &str, settlement: Value) -> Value {
    json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
        "product_id": "culture-10000", "quantity": 1, "settlement": settlement})
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn billing_url(app: &TestApp) -> String {
    app.gateway().billing_simulator.as_ref().unwrap().base_url()
}

fn psp_url(app: &TestApp) -> String {
    app.gateway()
        .psp_simulator
        .as_ref()
        .unwrap()
        .base_url()
        .to_owned()
}

/// Runs the real `giftgate reconcile --date today --json …` on the test's database and
/// simulators; answers the exit code and the JSON report.
pub(crate) async fn reconcile(app: &TestApp, extra: &[&str]) -> (i32, Value) {
    let output: Output = tokio::process::Command::new(env!("CARGO_BIN_EXE_giftgate"))
        .args(["reconcile", "--json", "--date", &today().to_string()])
        .args(extra)
        .env("GIFTGATE_DATABASE_URL", &app.settings.database_url)
        .env("GIFTGATE_BILLING_URL", billing_url(app))
        .env("GIFTGATE_PSP_URL", psp_url(app))
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("giftgate reconcile runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "reconcile printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

/// The outbox payloads of events of one type, delivered or not, read from the database.
async fn events(app: &TestApp, event_type: &str) -> Vec<Value> {
    let query = "SELECT payload FROM outbox WHERE channel = 'event' ORDER BY id";
    let payloads = crate::helpers::column_values(&app.settings.database_url, query).await;
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .map(|p| p.get("event").cloned().unwrap_or(p))
        .filter(|e| e["type"] == event_type)
        .collect()
}

fn kinds(report: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = report["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["order_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

async fn refund(app: &TestApp, order_id: &str, msisdn: &str, outcome: &Value) {
    let code = outcome["certificate_codes"][0].as_str().unwrap();
    app.completed(
        json!({"order_id": order_id, "type": "refund", "msisdn": msisdn,
        "certificate_code": code}),
    )
    .await;
}

async fn a_clean_day_of_every_rail_has_no_mismatch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let buyer = "01031415926";
    let carrier = app
        .completed(purchase(
            "rc-carrier-1",
            buyer,
            json!({"method": "carrier"}),
        ))
        .await;
    app.completed(purchase(
        "rc-carrier-2",
        buyer,
        json!({"method": "carrier"}),
    ))
    .await;
    let card = app
        .completed(purchase(
            "rc-card-1",
            buyer,
            json!({"method": "card", "token": "tok_ok"}),
        ))
        .await;
    app.completed(purchase(
        "rc-bank-1",
        buyer,
        json!({"method": "bank", "token": "tok_ok"}),
    ))
    .await;
    refund(&app, "rc-refund-1", buyer, &carrier).await;
    refund(&app, "rc-refund-2", buyer, &card).await;

    let (code, report) = reconcile(&app, &[]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["clean"], true);
    assert_eq!(report["giftgate"], report["rails"], "{report:#}");
    assert_eq!(report["giftgate"]["charges"], 4);
    assert_eq!(report["giftgate"]["refunds"], 2);
    assert_eq!(report["rails"]["charged_minor"]["KRW"], 40_000);
    assert_eq!(report["rails"]["refunded_minor"]["KRW"], 20_000);
    let reconciled = events(&app, "settlement.reconciled").await;
    assert_eq!(reconciled.len(), 1, "{reconciled:?}");
    let outcome = &reconciled[0]["outcome"];
    assert_eq!(outcome["day"], today().to_string());
    assert_eq!(outcome["mismatches"], 0);
    assert_eq!(outcome["rails"]["charges"], 4);
    app.finish().await;
}

#[actix_web::test]
async fn a_clean_day_of_every_rail_has_no_mismatch_on_postgres() {
    a_clean_day_of_every_rail_has_no_mismatch(Backend::Postgres).await;
}

#[actix_web::test]
async fn a_clean_day_of_every_rail_has_no_mismatch_on_sqlite() {
    a_clean_day_of_every_rail_has_no_mismatch(Backend::Sqlite).await;
}

#[actix_web::test]
async fn audit_and_reconcile_agree_after_the_payment_faults() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let buyer = "01027182818";
    for token in [
        "tok_duplicate",
        "tok_timeout_then_ok",
        "tok_unknown_then_ok",
        "tok_conflict_on_retry",
    ] {
        app.completed(purchase(
            &format!("rf-{token}"),
            buyer,
            json!({"method": "card", "token": token}),
        ))
        .await;
    }
    let (_, declined) = app
        .order(purchase(
            "rf-decline-after-authorize",
            buyer,
            json!({"method": "card", "token": "tok_decline_after_authorize"}),
        ))
        .await;
    assert_eq!(declined["status"], "failed", "{declined}");
    for (order, msisdn) in [("rf-slow", "010-5555-0002"), ("rf-500", "010-5555-0003")] {
        app.completed(purchase(order, msisdn, json!({"method": "carrier"})))
            .await;
    }
    let (code, report) = reconcile(&app, &[]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["rails"]["charges"], 6, "{report:#}");
    assert_eq!(report["giftgate"], report["rails"]);
    // finish() runs `giftgate audit`: it must agree that every charge has certificates.
    app.finish().await;
}

/// Charges the billing simulator directly, with no giftgate order behind it.
async fn orphan_charge(app: &TestApp, order_id: &str, msisdn: &str) {
    let billing = OneApiBilling::new(BillingConfig::new(billing_url(app))).unwrap();
    let request = PaymentRequest {
        order_id: OrderId::parse(order_id).unwrap(),
        payer: Msisdn::from_e164_unchecked(msisdn),
        settlement: Settlement::Carrier,
        amount: Money::from_minor_units(7_000, Currency::KRW).unwrap(),
        description: "charged outside giftgate".to_owned(),
    };
    let reference = billing.reserve(&request).await.unwrap();
    billing.charge(&request, &reference).await.unwrap();
}

fn refunds_at_the_carrier(app: &TestApp, order_id: &str) -> Vec<String> {
    app.gateway()
        .billing_simulator
        .as_ref()
        .unwrap()
        .transactions()
        .into_iter()
        .filter(|t| t.reference_code == order_id && format!("{:?}", t.status) == "Refunded")
        .map(|t| t.client_correlator)
        .collect()
}

async fn an_orphan_charge_is_reported_and_repaired_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.completed(purchase(
        "ro-carrier-1",
        "01016180339",
        json!({"method": "carrier"}),
    ))
    .await;
    orphan_charge(&app, "ro-orphan-1", "+821099990000").await;

    let (code, report) = reconcile(&app, &[]).await;
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        kinds(&report),
        vec![("charged_not_issued".to_owned(), "ro-orphan-1".to_owned())]
    );
    assert_eq!(report["mismatches"][0]["rail_amount"], "7000");
    assert!(refunds_at_the_carrier(&app, "ro-orphan-1").is_empty());

    let (code, report) = reconcile(&app, &["--repair"]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["repaired"], 1);
    assert_eq!(report["mismatches"][0]["repair"], "repaired");
    assert_eq!(
        refunds_at_the_carrier(&app, "ro-orphan-1"),
        vec!["ro-orphan-1:refund:reconcile".to_owned()]
    );

    let (code, report) = reconcile(&app, &["--repair"]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["mismatches"], json!([]), "{report:#}");
    assert_eq!(report["repaired"], 0);
    assert_eq!(refunds_at_the_carrier(&app, "ro-orphan-1").len(), 1);
    let repaired = events(&app, "settlement.repaired").await;
    assert_eq!(repaired.len(), 1, "{repaired:?}");
    assert_eq!(repaired[0]["order_id"], "ro-orphan-1");
    assert_eq!(repaired[0]["amount"], "7000");
    assert_eq!(events(&app, "settlement.reconciled").await.len(), 3);
    app.finish().await;
}

#[actix_web::test]
async fn an_orphan_charge_is_reported_and_repaired_once_on_postgres() {
    an_orphan_charge_is_reported_and_repaired_once(Backend::Postgres).await;
}

#[actix_web::test]
async fn an_orphan_charge_is_reported_and_repaired_once_on_sqlite() {
    an_orphan_charge_is_reported_and_repaired_once(Backend::Sqlite).await;
}

/// Captures a card payment at the payment simulator directly, with no giftgate order.
async fn orphan_capture(app: &TestApp, order_id: &str, msisdn: &str) {
    let network = PspClient::new(PspConfig::new(psp_url(app), "giftgate")).unwrap();
    let request = PaymentRequest {
        order_id: OrderId::parse(order_id).unwrap(),
        payer: Msisdn::from_e164_unchecked(msisdn),
        settlement: Settlement::Card {
            token: "tok_ok".to_owned(),
        },
        amount: Money::from_minor_units(12_000, Currency::KRW).unwrap(),
        description: "captured outside giftgate".to_owned(),
    };
    let reference = network.reserve(&request).await.unwrap();
    network.charge(&request, &reference).await.unwrap();
}

#[actix_web::test]
async fn an_orphan_card_capture_is_refunded_through_the_payment_network_once() {
    let app = TestApp::spawn(Backend::Postgres).await;
    orphan_capture(&app, "ro-card-orphan", "+821099990001").await;

    let (code, report) = reconcile(&app, &["--repair"]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["repaired"], 1, "{report:#}");
    assert_eq!(report["mismatches"][0]["kind"], "charged_not_issued");
    assert_eq!(report["mismatches"][0]["repair"], "repaired");
    let payment = app
        .gateway()
        .psp_simulator
        .as_ref()
        .unwrap()
        .payments()
        .into_iter()
        .find(|p| p.reference == "ro-card-orphan")
        .unwrap();
    assert_eq!(payment.refunded_amount, payment.captured_amount);
    assert_eq!(payment.refunds.len(), 1);

    let (code, report) = reconcile(&app, &["--repair"]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["repaired"], 0);
    let repaired = events(&app, "settlement.repaired").await;
    assert_eq!(repaired.len(), 1, "{repaired:?}");
    assert_eq!(repaired[0]["msisdn"], "+821099990001");
    app.finish().await;
}

#[actix_web::test]
async fn a_settlement_file_with_a_changed_amount_and_a_double_refund_is_reported() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let buyer = "01014142135";
    app.completed(purchase("rcsv-1", buyer, json!({"method": "carrier"})))
        .await;
    let refunded = app
        .completed(purchase("rcsv-2", buyer, json!({"method": "carrier"})))
        .await;
    refund(&app, "rcsv-refund-2", buyer, &refunded).await;
    app.completed(purchase("rcsv-3", buyer, json!({"method": "carrier"})))
        .await;

    // The carrier's file of the day: what its simulator settled, with an amount changed
    // and one refund delivered twice.
    let mut records = simulators::billing(&reqwest::Client::new(), &billing_url(&app), today())
        .await
        .unwrap();
    assert_eq!(records.len(), 4);
    let changed = records
        .iter_mut()
        .find(|r| r.order_id == "rcsv-1" && r.kind == SettlementKind::Charge)
        .unwrap();
    changed.amount = Money::from_minor_units(9_000, Currency::KRW).unwrap();
    let refund_record = records
        .iter()
        .find(|r| r.kind == SettlementKind::Refund)
        .cloned()
        .unwrap();
    records.push(refund_record);
    let file = tempfile::NamedTempFile::new().unwrap();
    csv_file::write(file.as_file(), &records).unwrap();

    let path = file.path().to_str().unwrap().to_owned();
    let (code, report) = reconcile(&app, &["--billing-csv", &path]).await;
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        kinds(&report),
        vec![
            ("amount_differs".to_owned(), "rcsv-1".to_owned()),
            ("refunded_twice".to_owned(), "rcsv-2".to_owned()),
        ]
    );
    let differs = &report["mismatches"][0];
    assert_eq!(differs["giftgate_amount"], "10000");
    assert_eq!(differs["rail_amount"], "9000");
    // The simulator itself agrees with giftgate.
    let (code, report) = reconcile(&app, &[]).await;
    assert_eq!(code, 0, "{report:#}");
    app.finish().await;
}
