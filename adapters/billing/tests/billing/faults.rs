//! Carriers that are down or answer nonsense: the client answers a clear error, never
//! panics, and never claims an outcome it does not know.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use giftgate_actors::ports::{PaymentError, PaymentRail};
use giftgate_billing::OneApiBilling;

use crate::helpers::*;

/// A base URL where nothing listens: a port bound and released at once.
fn nothing_listening() -> String {
    let listener = TcpListener::bind(loopback()).unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/payment/v3")
}

/// An HTTP server that answers every request with `status` and `body`.
async fn answering(status: u16, body: &'static str) -> (String, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind(loopback()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = HttpServer::new(move || {
        App::new().default_service(web::to(move || async move {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                .content_type("application/json")
                .body(body)
        }))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://{addr}/payment/v3"), handle)
}

#[tokio::test]
async fn a_billing_server_that_is_not_running_is_unavailable() {
    let billing = OneApiBilling::new(fast_config(&nothing_listening())).unwrap();
    let request = order("ord-down", PLAIN, "50000");

    let started = Instant::now();
    let reserve = billing.reserve(&request).await;
    assert!(
        matches!(reserve, Err(PaymentError::Unavailable(ref why)) if why.contains("connect")),
        "{reserve:?}"
    );
    let reason = format!("{reserve:?}");
    assert!(!reason.contains("12345678"), "the number leaks: {reason}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(
        billing.charge(&request, "sim-x").await,
        Err(PaymentError::Unavailable(_))
    ));
    assert!(matches!(
        billing.status(&request).await,
        Err(PaymentError::Unavailable(_))
    ));
}

#[tokio::test]
async fn garbage_json_is_an_unknown_outcome_with_a_clear_reason() {
    let (base_url, server) = answering(200, "this is {not json").await;
    let billing = OneApiBilling::new(fast_config(&base_url)).unwrap();
    let request = order("ord-garbage", PLAIN, "50000");

    let reserve = billing.reserve(&request).await;
    match reserve {
        Err(PaymentError::Unknown(why)) => {
            assert!(why.contains("not a OneAPI"), "{why}");
            assert!(why.contains("this is {not json"), "{why}");
            assert!(why.contains("look-ups did not settle"), "{why}");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    let status = billing.status(&request).await;
    assert!(
        matches!(status, Err(PaymentError::Unknown(ref why)) if why.contains("paymentTransactionList")),
        "{status:?}"
    );
    server.stop(false).await;
}

#[tokio::test]
async fn a_server_that_keeps_failing_leaves_the_charge_unknown() {
    let (base_url, server) = answering(503, "").await;
    let billing = OneApiBilling::new(fast_config(&base_url)).unwrap();
    let request = order("ord-503", PLAIN, "50000");

    let charge = billing.charge(&request, "sim-ref").await;
    assert!(
        matches!(charge, Err(PaymentError::Unknown(ref why)) if why.contains("503")),
        "{charge:?}"
    );
    server.stop(false).await;
}

#[tokio::test]
async fn a_wrong_base_url_is_unavailable_not_a_decline() {
    let (base_url, server) = answering(404, "<html>Not Found</html>").await;
    let billing = OneApiBilling::new(fast_config(&base_url)).unwrap();
    let request = order("ord-404", PLAIN, "50000");

    let reserve = billing.reserve(&request).await;
    assert!(
        matches!(reserve, Err(PaymentError::Unavailable(ref why)) if why.contains("404")),
        "{reserve:?}"
    );
    server.stop(false).await;
}

#[tokio::test]
async fn the_simulator_refuses_malformed_bodies_with_a_oneapi_error() {
    let sim = simulator().await;
    let url = format!(
        "{}/tel:+821012345678/transactions/amountReservation",
        sim.base_url()
    );
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"amountReservationTransaction\": 5}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["requestError"]["serviceException"]["messageId"],
        "SVC0002"
    );
    assert!(sim.transactions().is_empty());
    sim.stop().await;
}
