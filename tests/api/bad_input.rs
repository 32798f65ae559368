//! Bad input gets a 4xx with a stable code and changes nothing.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

fn purchase(overrides: Value) -> Value {
    let mut body = json!({"order_id":"bad-1","type":"purchase","msisdn":"01012345678",
        "product_id":"dept-50000","quantity":1,"settlement":{"method":"carrier"}});
    for (key, value) in overrides.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

#[actix_web::test]
async fn malformed_orders_are_refused_with_codes_and_change_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let cases = [
        (
            purchase(json!({"quantity": 0})),
            400,
            "quantity_out_of_range",
        ),
        (
            purchase(json!({"quantity": 11})),
            400,
            "quantity_out_of_range",
        ),
        (purchase(json!({"quantity": "2"})), 400, "wrong_type"),
        (
            purchase(json!({"msisdn": "12345678901234567890"})),
            400,
            "invalid_msisdn",
        ),
        (
            purchase(json!({"product_id": "no-such-product"})),
            404,
            "unknown_product",
        ),
        (
            purchase(json!({"type": "steal"})),
            400,
            "unknown_order_type",
        ),
        (
            purchase(json!({"settlement": {"method": "cash"}})),
            400,
            "invalid_settlement",
        ),
        (json!([1, 2, 3]), 400, "not_an_object"),
    ];
    for (body, status, code) in cases {
        let (got, answer) = app.order(body.clone()).await;
        assert_eq!(got, status, "{body} → {answer}");
        assert_eq!(answer["error"], code, "{body} → {answer}");
    }
    let response = app
        .client
        .post(format!("{}/v1/orders", app.base))
        .bearer_auth(&app.channel_key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"], "malformed_json");

    let (status, _) = app.get("/v1/orders/bad-1", &app.channel_key).await;
    assert_eq!(status, 404, "nothing was recorded");
    assert!(app.wallet("01012345678").await.is_empty());
    app.finish().await;
}

#[actix_web::test]
async fn bad_redemption_amounts_and_currencies_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let code = app
        .buy("amounts", "01055556666", "book-10000", 1)
        .await
        .remove(0);
    let pin = app.pin("01055556666", &code).await;
    for (amount, currency, expected) in [
        ("-100", "KRW", "invalid_amount"),
        ("100.5", "KRW", "invalid_amount"),
        ("0", "KRW", "invalid_amount"),
        ("100", "XYZ", "unknown_currency"),
    ] {
        let response = app
            .client
            .post(format!("{}/v1/redemptions", app.base))
            .bearer_auth(&app.merchant_key)
            .header("Idempotency-Key", format!("k-{amount}-{currency}"))
            .json(&json!({"certificate_code": code, "pin": pin, "amount": amount, "currency": currency}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{amount} {currency}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"], expected, "{amount} {currency}");
    }
    let (status, answer) = app.redeem(&code, &pin, "100", "usd-key").await;
    assert_eq!(status, 200, "{answer}");
    let response = app
        .client
        .post(format!("{}/v1/redemptions", app.base))
        .bearer_auth(&app.merchant_key)
        .header("Idempotency-Key", "usd")
        .json(&json!({"certificate_code": code, "pin": pin, "amount": "1.50", "currency": "USD"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"], "currency_mismatch");
    assert_eq!(app.wallet("01055556666").await[0]["balance"], "9900");
    app.finish().await;
}

#[actix_web::test]
async fn keys_are_required_and_kept_apart() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, answer) = app
        .get("/v1/subscribers/01012345678/certificates", "nope")
        .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["error"], "unauthorized");
    let (status, _) = app
        .get(
            "/v1/subscribers/01012345678/certificates",
            &app.merchant_key,
        )
        .await;
    assert_eq!(status, 403, "a merchant key is not a channel key");
    let (status, _) = app
        .post("/v1/admin/merchants", &app.channel_key, json!({"name":"x"}))
        .await;
    assert_eq!(status, 401);
    let (status, answer) = app.get("/v1/no-such-route", &app.channel_key).await;
    assert_eq!(status, 404);
    assert_eq!(answer["error"], "not_found");
    let (status, doc) = app.get("/openapi.json", "").await;
    assert_eq!(status, 200);
    assert!(doc["paths"]["/v1/redemptions"].is_object());
    let (status, ready) = app.get("/readyz", "").await;
    assert_eq!(status, 200, "{ready}");
    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("giftgate_http_requests_total"),
        "{metrics}"
    );
    app.finish().await;
}
