//! A gateway killed between charge and issue completes the order when it starts again.

use std::net::SocketAddr;

use chrono::Utc;
use giftgate_actors::domain::{Money, Msisdn, Order, Payment, PaymentState, Region};
use giftgate_actors::ports::{Changes, PaymentRequest, PaymentUpdate};
use giftgate_actors::service::orders::OrderMeta;
use giftgate_billing::BillingSimulator;
use giftgate_store::testing::TestDatabase;
use serde_json::json;

use crate::helpers::{TestApp, eventually, test_settings};

/// Leaves the database exactly as a crash right after the rail charged would: the order
/// pending, the charge done at the carrier, and the payment recorded as reserved when
/// `payment_stored` (an earlier layout, or an unknown answer on the way) or not at all
/// (a purchase stores its payment with its outcome).
async fn crash_after_charge(app: &TestApp, order_id: &str, msisdn: &str, payment_stored: bool) {
    let ledger = &app.gateway().ledger;
    let order = Order::from_value(
        &json!({"order_id": order_id, "type": "purchase", "msisdn": msisdn,
            "product_id": "dept-50000", "settlement": {"method": "carrier"}}),
        Region::KR,
    )
    .unwrap();
    let now = Utc::now();
    ledger
        .store
        .insert_order(&ledger.pending_record(&order, &OrderMeta::default()))
        .await
        .unwrap();
    let amount = Money::parse("50000", giftgate_actors::domain::Currency::KRW).unwrap();
    let payment = Payment {
        order_id: order.order_id.clone(),
        msisdn: Msisdn::parse(msisdn, Region::KR).unwrap(),
        method: "carrier".into(),
        reference: None,
        amount,
        refunded: Money::zero(amount.currency()),
        state: PaymentState::Initiated,
        created_at: now,
    };
    if payment_stored {
        ledger
            .store
            .commit(Changes {
                new_payments: vec![payment.clone()],
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
    let reference = ledger.rails.carrier.reserve(&request).await.unwrap();
    if payment_stored {
        ledger
            .store
            .commit(Changes {
                payments: vec![PaymentUpdate {
                    order_id: order.order_id.clone(),
                    expected: PaymentState::Initiated,
                    state: PaymentState::Reserved,
                    reference: Some(reference.clone()),
                    refunded: payment.refunded,
                }],
                ..Changes::default()
            })
            .await
            .unwrap();
    }
    ledger
        .rails
        .carrier
        .charge(&request, &reference)
        .await
        .unwrap();
}

#[actix_web::test]
async fn a_crash_between_charge_and_issue_is_completed_on_restart() {
    crash_between_charge_and_issue(true).await;
}

#[actix_web::test]
async fn a_crash_before_the_payment_was_stored_is_completed_though_the_product_was_withdrawn() {
    crash_between_charge_and_issue(false).await;
}

async fn crash_between_charge_and_issue(payment_stored: bool) {
    let database = TestDatabase::postgres().await;
    let billing = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let mut settings = test_settings(&database.url);
    settings.billing_url = Some(billing.base_url());

    let mut first = TestApp::on(settings.clone()).await;
    crash_after_charge(&first, "crash-1", "01090901111", payment_stored).await;
    if !payment_stored {
        // Taken off sale meanwhile: the charged order is still finished, not refused.
        let ledger = &first.gateway().ledger;
        let id = giftgate_actors::domain::ProductId::parse("dept-50000").unwrap();
        let mut product = ledger.store.product(&id).await.unwrap().unwrap();
        product.active = false;
        ledger.save_product(&product).await.unwrap();
    }
    first.stop_gateway().await;

    let restarted = TestApp::on(settings).await;
    eventually("recovery to complete the order", || async {
        let (_, order) = restarted
            .get("/v1/orders/crash-1", &restarted.channel_key)
            .await;
        order["status"] == "completed"
    })
    .await;
    let wallet = restarted.wallet("01090901111").await;
    assert_eq!(
        wallet.len(),
        1,
        "exactly one certificate for the one charge"
    );
    let charges = billing
        .transactions()
        .iter()
        .filter(|t| format!("{:?}", t.status) == "Charged")
        .count();
    assert_eq!(charges, 1, "the carrier charged once");
    billing.stop().await;
    let mut restarted = restarted;
    restarted.database = Some(database);
    restarted.finish().await;
}
