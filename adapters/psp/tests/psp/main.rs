//! The payment network client against the PSP simulator over real HTTP on loopback: every
//! scenario of CONTRACT.md §7 and issue 6's faults, each checked against the simulator's
//! own records (never two captures, never a capture lost).
#![allow(clippy::unwrap_used)]

mod helpers;
mod transfers;

use std::time::{Duration, Instant};

use giftgate_actors::domain::Settlement;
use giftgate_actors::ports::{PaymentError, PaymentRail, RailStatus};
use giftgate_psp::wire::{PaymentMethod, PaymentStatus};
use giftgate_psp::{PspClient, PspConfig};
use helpers::*;

fn reason(error: &PaymentError) -> &str {
    match error {
        PaymentError::Declined { reason, .. } => reason,
        other => panic!("expected a decline, got {other:?}"),
    }
}

#[tokio::test]
async fn tok_ok_is_authorized_then_captured_once() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-ok-1", "tok_ok");

    let reference = client.reserve(&request).await.unwrap();
    assert_eq!(
        client.status(&request).await.unwrap(),
        RailStatus::Reserved {
            reference: reference.clone()
        }
    );
    let held = only_payment(&sim, "ord-ok-1");
    assert_eq!(held.status, PaymentStatus::Authorized);
    assert_never_captured(&held);

    client.charge(&request, &reference).await.unwrap();
    assert_eq!(
        client.status(&request).await.unwrap(),
        RailStatus::Charged {
            reference: reference.clone()
        }
    );
    let payment = only_payment(&sim, "ord-ok-1");
    assert_eq!(payment.id, reference);
    assert_eq!(payment.method, PaymentMethod::Card);
    assert_eq!(payment.amount, request.amount.amount());
    assert_eq!(
        payment.token, "tok_****",
        "the simulator keeps tokens masked"
    );
    assert_captured_once(&payment, &request.amount);
    sim.stop().await;
}

#[tokio::test]
async fn bank_payments_use_the_same_flow() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let mut request = card_payment("ord-bank-1", "tok_ok");
    request.settlement = Settlement::Bank {
        token: "tok_ok".into(),
    };

    let reference = client.reserve(&request).await.unwrap();
    client.charge(&request, &reference).await.unwrap();
    let payment = only_payment(&sim, "ord-bank-1");
    assert_eq!(payment.method, PaymentMethod::Bank);
    assert_captured_once(&payment, &request.amount);
    sim.stop().await;
}

#[tokio::test]
async fn carrier_settlement_is_not_the_payment_networks() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let mut request = card_payment("ord-carrier-1", "tok_ok");
    request.settlement = Settlement::Carrier;
    assert!(matches!(
        client.reserve(&request).await,
        Err(PaymentError::NotSupported(_))
    ));
    assert!(sim.payments().is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn a_voided_authorization_is_never_captured() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-void-1", "tok_ok");

    let reference = client.reserve(&request).await.unwrap();
    client.release(&request, &reference).await.unwrap();
    // Releasing again (a retry of the same order) is answered from the idempotency store.
    client.release(&request, &reference).await.unwrap();
    assert_eq!(client.status(&request).await.unwrap(), RailStatus::Released);

    let refused = client.charge(&request, &reference).await.unwrap_err();
    assert_eq!(reason(&refused), "payment_not_capturable");
    let payment = only_payment(&sim, "ord-void-1");
    assert_eq!(payment.status, PaymentStatus::Voided);
    assert_never_captured(&payment);
    sim.stop().await;
}

#[tokio::test]
async fn full_and_partial_refunds_never_exceed_the_capture() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-refund-1", "tok_ok");
    let reference = client.reserve(&request).await.unwrap();
    client.charge(&request, &reference).await.unwrap();

    client
        .refund(&request, &reference, won("20000"), "cert-1")
        .await
        .unwrap();
    // The same refund again (same refund key) refunds nothing more.
    client
        .refund(&request, &reference, won("20000"), "cert-1")
        .await
        .unwrap();
    assert_eq!(
        client.status(&request).await.unwrap(),
        RailStatus::Refunded {
            reference: reference.clone(),
            amount: won("20000")
        }
    );

    client
        .refund(&request, &reference, won("30000"), "cert-2")
        .await
        .unwrap();
    let too_much = client
        .refund(&request, &reference, won("1"), "cert-3")
        .await
        .unwrap_err();
    assert_eq!(reason(&too_much), "refund_exceeds_capture");

    assert_eq!(
        client.status(&request).await.unwrap(),
        RailStatus::Refunded {
            reference: reference.clone(),
            amount: won("50000")
        }
    );
    let payment = only_payment(&sim, "ord-refund-1");
    assert_captured_once(&payment, &request.amount);
    assert_eq!(payment.refunded_amount, won("50000").amount());
    let refund_keys: Vec<&str> = payment
        .refunds
        .iter()
        .map(|r| r.reference.as_str())
        .collect();
    assert_eq!(refund_keys, ["cert-1", "cert-2"]);
    sim.stop().await;
}

#[tokio::test]
async fn retrying_the_same_order_makes_no_second_payment() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-retry-1", "tok_ok");

    let first = client.reserve(&request).await.unwrap();
    let second = client.reserve(&request).await.unwrap();
    assert_eq!(first, second);
    client.charge(&request, &first).await.unwrap();
    client.charge(&request, &first).await.unwrap();

    let payment = only_payment(&sim, "ord-retry-1");
    assert_captured_once(&payment, &request.amount);
    assert_eq!(
        payment.repeated_requests, 2,
        "both retries were answered from the idempotency store"
    );
    sim.stop().await;
}

#[tokio::test]
async fn duplicate_deliveries_are_answered_once() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-dup-1", "tok_duplicate");

    let reference = client.reserve(&request).await.unwrap();
    client.charge(&request, &reference).await.unwrap();

    let payment = only_payment(&sim, "ord-dup-1");
    assert_captured_once(&payment, &request.amount);
    assert_eq!(
        payment.repeated_requests, 2,
        "each write reached the simulator twice"
    );
    sim.stop().await;
}

#[tokio::test]
async fn declines_carry_their_reason_and_capture_nothing() {
    let sim = start_sim().await;
    let client = client_for(&sim);

    let declined = card_payment("ord-decline-1", "tok_decline");
    assert_eq!(
        reason(&client.reserve(&declined).await.unwrap_err()),
        "card_declined"
    );
    assert_eq!(
        client.status(&declined).await.unwrap(),
        RailStatus::Declined {
            reason: "card_declined".into()
        }
    );
    let payment = only_payment(&sim, "ord-decline-1");
    assert_eq!(payment.status, PaymentStatus::Declined);
    assert_never_captured(&payment);

    let broke = card_payment("ord-decline-2", "tok_insufficient");
    assert_eq!(
        reason(&client.reserve(&broke).await.unwrap_err()),
        "insufficient_funds"
    );
    // A retry of the declined order gets the same decline, not a new payment.
    assert_eq!(
        reason(&client.reserve(&broke).await.unwrap_err()),
        "insufficient_funds"
    );
    assert_never_captured(&only_payment(&sim, "ord-decline-2"));
    sim.stop().await;
}

#[tokio::test]
async fn a_capture_that_times_out_is_settled_by_look_up_with_one_capture() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-timeout-1", "tok_timeout_then_ok");
    let reference = client.reserve(&request).await.unwrap();

    let started = Instant::now();
    client.charge(&request, &reference).await.unwrap();
    assert!(
        started.elapsed() >= CLIENT_TIMEOUT,
        "the first answer timed out"
    );
    assert!(
        started.elapsed() < SLOW_ANSWER,
        "the look-up, not the late answer, settled it"
    );
    assert_captured_once(&only_payment(&sim, "ord-timeout-1"), &request.amount);

    // The core's retry of the same order: the simulator now reports captured, at once.
    client.charge(&request, &reference).await.unwrap();
    assert_captured_once(&only_payment(&sim, "ord-timeout-1"), &request.amount);
    sim.stop().await;
}

#[tokio::test]
async fn a_capture_answered_500_is_settled_by_look_up() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-unknown-1", "tok_unknown_then_ok");
    let reference = client.reserve(&request).await.unwrap();

    client.charge(&request, &reference).await.unwrap();
    assert_eq!(
        client.status(&request).await.unwrap(),
        RailStatus::Charged { reference }
    );
    assert_captured_once(&only_payment(&sim, "ord-unknown-1"), &request.amount);
    sim.stop().await;
}

#[tokio::test]
async fn a_retry_refused_with_409_is_settled_by_look_up() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-conflict-1", "tok_conflict_on_retry");

    let reference = client.reserve(&request).await.unwrap();
    // The provider refuses the retried key without the first result...
    let raw = reqwest::Client::new()
        .post(format!("{}v1/payments/{reference}/void", sim.base_url()))
        .header("PSP-Merchant-Id", "giftgate-test")
        .header("Idempotency-Key", "ord-conflict-1:authorize")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 409);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_conflict");
    assert!(body.get("id").is_none());

    // ...so the client's retries are settled by looking the payment up.
    assert_eq!(client.reserve(&request).await.unwrap(), reference);
    client.charge(&request, &reference).await.unwrap();
    client.charge(&request, &reference).await.unwrap();
    client
        .refund(&request, &reference, won("50000"), "cert-1")
        .await
        .unwrap();
    client
        .refund(&request, &reference, won("50000"), "cert-1")
        .await
        .unwrap();

    let payment = only_payment(&sim, "ord-conflict-1");
    assert_captured_once(&payment, &request.amount);
    assert_eq!(payment.refunds.len(), 1, "{payment:#?}");
    assert_eq!(payment.refunded_amount, won("50000").amount());
    assert_eq!(payment.repeated_requests, 4);
    sim.stop().await;
}

#[tokio::test]
async fn a_capture_declined_after_authorize_leaves_a_voidable_authorization() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-late-decline-1", "tok_decline_after_authorize");

    let reference = client.reserve(&request).await.unwrap();
    let declined = client.charge(&request, &reference).await.unwrap_err();
    assert_eq!(reason(&declined), "card_declined");
    let held = only_payment(&sim, "ord-late-decline-1");
    assert_eq!(held.status, PaymentStatus::Authorized);
    assert_never_captured(&held);

    client.release(&request, &reference).await.unwrap();
    assert_eq!(client.status(&request).await.unwrap(), RailStatus::Released);
    let payment = only_payment(&sim, "ord-late-decline-1");
    assert_eq!(payment.status, PaymentStatus::Voided);
    assert_never_captured(&payment);
    sim.stop().await;
}

#[tokio::test]
async fn a_psp_that_cannot_be_reached_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let client = PspClient::new(config_for(&format!("http://{closed}/"))).unwrap();
    let request = card_payment("ord-down-1", "tok_ok");

    let started = Instant::now();
    assert!(matches!(
        client.reserve(&request).await,
        Err(PaymentError::Unavailable(_))
    ));
    assert!(matches!(
        client.charge(&request, "pay_x").await,
        Err(PaymentError::Unavailable(_))
    ));
    assert!(matches!(
        client.status(&request).await,
        Err(PaymentError::Unavailable(_))
    ));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no look-ups for a PSP that certainly did nothing"
    );
}

#[tokio::test]
async fn garbage_json_is_a_clear_unknown_outcome_not_a_panic() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-garbage-1", "tok_garbage");

    let error = client.reserve(&request).await.unwrap_err();
    match &error {
        PaymentError::Unknown(detail) => assert!(detail.contains("malformed JSON"), "{detail}"),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert!(matches!(
        client.status(&request).await,
        Err(PaymentError::Unknown(_))
    ));
    // The authorization exists at the PSP, but nothing was captured.
    let payment = only_payment(&sim, "ord-garbage-1");
    assert_eq!(payment.status, PaymentStatus::Authorized);
    assert_never_captured(&payment);
    sim.stop().await;
}

#[tokio::test]
async fn a_server_that_is_not_the_psp_does_not_confuse_the_client() {
    let sim = start_sim().await;
    // A wrong base URL: the simulator answers 404 without the API's error body.
    let client = PspClient::new(PspConfig {
        base_url: format!("{}sim/", sim.base_url()),
        ..config_for(sim.base_url())
    })
    .unwrap();
    let request = card_payment("ord-wrong-url-1", "tok_ok");
    match client.reserve(&request).await {
        Err(PaymentError::Unavailable(detail)) => assert!(detail.contains("404"), "{detail}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(sim.payments().is_empty(), "nothing was authorized");
    sim.stop().await;
}

#[tokio::test]
async fn the_simulator_lists_its_records_for_reconciliation() {
    let sim = start_sim().await;
    let client = client_for(&sim);
    let request = card_payment("ord-records-1", "tok_ok");
    let reference = client.reserve(&request).await.unwrap();
    client.charge(&request, &reference).await.unwrap();

    let today = chrono::Utc::now().date_naive();
    let http = reqwest::Client::new();
    let listed: serde_json::Value = http
        .get(format!("{}sim/payments?date={today}", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let records = listed["data"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["reference"], "ord-records-1");
    assert_eq!(records[0]["status"], "captured");
    assert_eq!(records[0]["captured_amount"], "50000");
    assert_eq!(records[0]["token"], "tok_****");
    assert_eq!(records[0]["capture_key"], "ord-records-1:capture");
    assert!(records[0]["captured_at"].is_string());

    let other_day: serde_json::Value = http
        .get(format!("{}sim/payments?date=2000-01-01", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(other_day["data"].as_array().unwrap().is_empty());
    sim.stop().await;
}
