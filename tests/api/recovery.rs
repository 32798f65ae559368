//! A gateway killed between charge and issue completes the order when it starts again.

use std::net::SocketAddr;

use giftgate_billing::BillingSimulator;
use giftgate_store::testing::TestDatabase;

use crate::crash_recovery::{CrashPoint, crash_at};
use crate::helpers::{TestApp, eventually, test_settings};

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
    let point = if payment_stored {
        CrashPoint::ChargedStoredReserved
    } else {
        CrashPoint::Charged
    };
    crash_at(&first, point, "crash-1", "01090901111").await;
    if !payment_stored {
        // Taken off sale meanwhile: the charged order is still finished, not refused.
        let ledger = &first.gateway().ledger;
        let id = giftgate_actors::domain::ProductId::parse("dept-50000").unwrap();
        let mut product = ledger.store().product(&id).await.unwrap().unwrap();
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
