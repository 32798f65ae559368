//! The happy paths and idempotency: reserve, charge, release, refund, status.

use giftgate_actors::domain::Settlement;
use giftgate_actors::ports::{PaymentError, PaymentRail, RailStatus};
use giftgate_billing::SimTransaction;
use giftgate_billing::wire::TransactionOperationStatus::{Charged, Refunded, Released, Reserved};
use rust_decimal_macros::dec;

use crate::helpers::*;

#[tokio::test]
async fn reserve_then_charge_leaves_the_order_charged() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-charge", PLAIN, "50000");

    let reference = billing.reserve(&request).await.unwrap();
    assert!(!reference.is_empty());
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Reserved {
            reference: reference.clone()
        }
    );
    billing.charge(&request, &reference).await.unwrap();
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Charged {
            reference: reference.clone()
        }
    );

    let charged = records(&sim, "ord-charge", Charged);
    assert_eq!(charged.len(), 1);
    assert_eq!(charged[0].client_correlator, "ord-charge:charge");
    assert_eq!(charged[0].end_user_id, "tel:+821012345678");
    assert_eq!(charged[0].amount, dec!(50000));
    assert_eq!(charged[0].currency, "KRW");
    assert_eq!(charged[0].server_reference_code, reference);
    let reserved = records(&sim, "ord-charge", Reserved);
    assert_eq!(reserved.len(), 1);
    assert_eq!(reserved[0].client_correlator, "ord-charge:reserve");
    sim.stop().await;
}

#[tokio::test]
async fn a_released_reservation_is_never_charged() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-release", PLAIN, "30000");

    let reference = billing.reserve(&request).await.unwrap();
    billing.release(&request, &reference).await.unwrap();
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Released
    );
    billing.release(&request, &reference).await.unwrap();

    let late_charge = billing.charge(&request, &reference).await;
    assert!(
        matches!(late_charge, Err(PaymentError::Declined { ref reason, .. }) if reason == "billing_rejected"),
        "{late_charge:?}"
    );
    assert!(records(&sim, "ord-release", Charged).is_empty());
    assert_eq!(records(&sim, "ord-release", Released).len(), 1);
    sim.stop().await;
}

#[tokio::test]
async fn a_full_refund_leaves_the_order_refunded() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-refund-full", PLAIN, "50000");

    let reference = billing.reserve(&request).await.unwrap();
    billing.charge(&request, &reference).await.unwrap();
    billing
        .refund(&request, &reference, won("50000"), "cancel-1")
        .await
        .unwrap();

    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Refunded {
            reference: reference.clone(),
            amount: won("50000")
        }
    );
    let refunds = records(&sim, "ord-refund-full", Refunded);
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        refunds[0].client_correlator,
        "ord-refund-full:refund:cancel-1"
    );
    assert_eq!(
        refunds[0].original_server_reference_code.as_deref(),
        Some(reference.as_str())
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_refund_after_the_billing_month_closed_is_not_supported_and_refunds_nothing() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-month-closed", "010-1234-0004", "50000");

    let reference = billing.reserve(&request).await.unwrap();
    billing.charge(&request, &reference).await.unwrap();
    let refused = billing
        .refund(&request, &reference, won("50000"), "cert-a")
        .await;
    assert!(
        matches!(refused, Err(PaymentError::NotSupported(ref why)) if why.contains("POL0254")),
        "{refused:?}"
    );
    assert!(records(&sim, "ord-month-closed", Refunded).is_empty());
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Charged { reference }
    );
    sim.stop().await;
}

#[tokio::test]
async fn partial_refunds_add_up_once_each_and_never_exceed_the_charge() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-refund-part", PLAIN, "50000");
    let reference = billing.reserve(&request).await.unwrap();
    billing.charge(&request, &reference).await.unwrap();

    billing
        .refund(&request, &reference, won("20000"), "cert-a")
        .await
        .unwrap();
    billing
        .refund(&request, &reference, won("10000"), "cert-b")
        .await
        .unwrap();
    billing
        .refund(&request, &reference, won("20000"), "cert-a")
        .await
        .unwrap();
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::Refunded {
            reference: reference.clone(),
            amount: won("30000")
        }
    );

    let too_much = billing
        .refund(&request, &reference, won("20001"), "cert-c")
        .await;
    assert!(
        matches!(too_much, Err(PaymentError::Declined { ref reason, .. }) if reason == "billing_rejected"),
        "{too_much:?}"
    );
    let refunded: Vec<SimTransaction> = records(&sim, "ord-refund-part", Refunded);
    assert_eq!(refunded.len(), 2);
    assert_eq!(
        refunded
            .iter()
            .map(|t| t.amount)
            .sum::<rust_decimal::Decimal>(),
        dec!(30000)
    );
    sim.stop().await;
}

#[tokio::test]
async fn retried_and_concurrent_calls_of_one_order_make_one_transaction_each() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-retry", PLAIN, "10000");

    let first = billing.reserve(&request).await.unwrap();
    let again = billing.reserve(&request).await.unwrap();
    let restarted = client(&sim).reserve(&request).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first, restarted);

    let other_process = client(&sim);
    let (a, b) = tokio::join!(
        billing.charge(&request, &first),
        other_process.charge(&request, &first)
    );
    a.unwrap();
    b.unwrap();
    billing.charge(&request, &first).await.unwrap();

    assert_eq!(records(&sim, "ord-retry", Reserved).len(), 1);
    assert_eq!(records(&sim, "ord-retry", Charged).len(), 1);
    assert_eq!(sim.transactions().len(), 2);
    sim.stop().await;
}

#[tokio::test]
async fn an_order_the_carrier_never_saw_is_not_found() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-unknown", PLAIN, "10000");
    assert_eq!(
        billing.status(&request).await.unwrap(),
        RailStatus::NotFound
    );
    sim.stop().await;
}

#[tokio::test]
async fn card_payments_are_not_carrier_billing() {
    let sim = simulator().await;
    let billing = client(&sim);
    let mut request = order("ord-card", PLAIN, "10000");
    request.settlement = Settlement::Card {
        token: "tok_ok".to_owned(),
    };
    assert!(matches!(
        billing.reserve(&request).await,
        Err(PaymentError::NotSupported(_))
    ));
    assert!(sim.transactions().is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn the_records_route_shows_what_the_simulator_recorded() {
    let sim = simulator().await;
    let billing = client(&sim);
    let request = order("ord-records", PLAIN, "50000");
    let reference = billing.reserve(&request).await.unwrap();
    billing.charge(&request, &reference).await.unwrap();

    let url = format!("http://{}/sim/transactions", sim.local_addr());
    let over_http: Vec<SimTransaction> = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(over_http, sim.transactions());
    assert_eq!(over_http.len(), 2);
    assert_eq!(over_http[1].status, Charged);
    let today = chrono::Utc::now().date_naive();
    let of_today: Vec<SimTransaction> = reqwest::get(format!("{url}?date={today}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(of_today, over_http);
    let other_day: Vec<SimTransaction> = reqwest::get(format!("{url}?date=2000-01-01"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(other_day.is_empty());
    let bad_day = reqwest::get(format!("{url}?date=yesterday")).await.unwrap();
    assert_eq!(bad_day.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn carrier_points_are_credited_once_per_key() {
    use giftgate_actors::ports::{PointsCredit, PointsRail};
    let sim = simulator().await;
    let billing = client(&sim);
    let credit = PointsCredit {
        key: "4111111111111111:points".to_owned(),
        msisdn: giftgate_actors::domain::Msisdn::from_e164_unchecked("+821012345678"),
        amount: won("30000"),
        reference: "4111111111111111".to_owned(),
    };
    billing.credit_points(&credit).await.unwrap();
    billing.credit_points(&credit).await.unwrap();
    let credits = sim.points_credits();
    assert_eq!(credits.len(), 1, "a replay credits nothing more");
    assert_eq!(credits[0].amount, dec!(30000));
    assert!(credits[0].end_user_id.ends_with("821012345678"));
    sim.stop().await;
}
