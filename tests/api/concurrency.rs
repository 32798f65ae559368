//! Racing redemptions, refunds and gifts of one certificate never overspend it — also
//! across two gateway instances sharing one PostgreSQL.

use futures::future::join_all;
use serde_json::json;

use crate::helpers::{Backend, TestApp};

#[actix_web::test]
async fn racing_redemptions_on_two_instances_never_overspend() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::on(first.settings.clone()).await;
    let code = first
        .buy("race", "01011110000", "dept-50000", 1)
        .await
        .remove(0);
    let pin = first.pin("01011110000", &code).await;
    let attempts = (0..20).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        let code = code.clone();
        let pin = pin.clone();
        async move { app.redeem(&code, &pin, "5000", &format!("race-{i}")).await }
    });
    let results = join_all(attempts).await;
    let approved = results.iter().filter(|(status, _)| *status == 200).count();
    let refused: Vec<_> = results
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert_eq!(approved, 10, "exactly the balance is spent: {refused:?}");
    assert!(
        refused
            .iter()
            .all(|(status, body)| *status == 422 && body["error"] == "insufficient_balance"),
        "{refused:?}"
    );
    let wallet = first.wallet("01011110000").await;
    assert_eq!(wallet[0]["balance"], "0");
    assert_eq!(wallet[0]["status"], "redeemed");
    let mut second = second;
    second.stop_gateway().await;
    first.finish().await;
}

#[actix_web::test]
async fn a_refund_racing_a_redemption_lets_only_one_win() {
    let app = TestApp::spawn(Backend::Postgres).await;
    for round in 0..5 {
        let msisdn = format!("010222{round}5678");
        let code = app
            .buy(&format!("rr-{round}"), &msisdn, "book-10000", 1)
            .await
            .remove(0);
        let pin = app.pin(&msisdn, &code).await;
        let refund = app.order(
            json!({"order_id": format!("rr-refund-{round}"), "type": "refund",
            "msisdn": msisdn, "certificate_code": code}),
        );
        let key = format!("rr-{round}");
        let redeem = app.redeem(&code, &pin, "1000", &key);
        let ((_, refund), (redeem_status, _)) = futures::join!(refund, redeem);
        let refunded = refund["status"] == "completed";
        let redeemed = redeem_status == 200;
        assert!(
            refunded ^ redeemed,
            "round {round}: exactly one wins ({refund})"
        );
        let wallet = app.wallet(&msisdn).await;
        if refunded {
            assert_eq!(wallet[0]["status"], "refunded");
        } else {
            assert_eq!(wallet[0]["balance"], "9000");
            assert_eq!(refund["reason"], "not_refundable");
        }
    }
    app.finish().await;
}
