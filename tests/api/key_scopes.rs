//! Keys with scopes, rotated and revoked by the admin, and wrong PINs counted per
//! merchant (issue 11, CONTRACT.md §4).

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};
use crate::rekeying::balance_check;

fn admin(app: &TestApp) -> String {
    app.settings.admin_token.clone().unwrap()
}

/// Issues a channel key with `scopes` (absent = default); answers id and key.
async fn channel(app: &TestApp, scopes: Option<Value>) -> (String, String) {
    let mut body = json!({"name": "front end"});
    if let Some(scopes) = scopes {
        body["scopes"] = scopes;
    }
    let (status, answer) = app.post("/v1/admin/channels", &admin(app), body).await;
    assert_eq!(status, 201, "{answer}");
    (
        answer["channel_id"].as_str().unwrap().to_owned(),
        answer["api_key"].as_str().unwrap().to_owned(),
    )
}

async fn merchant(app: &TestApp, name: &str) -> (String, String) {
    let (status, answer) = app
        .post("/v1/admin/merchants", &admin(app), json!({"name": name}))
        .await;
    assert_eq!(status, 201, "{answer}");
    (
        answer["merchant_id"].as_str().unwrap().to_owned(),
        answer["api_key"].as_str().unwrap().to_owned(),
    )
}

/// A redemption with a given merchant key.
async fn redeem_as(app: &TestApp, key: &str, code: &str, pin: &str, idem: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/v1/redemptions", app.base))
        .bearer_auth(key)
        .header("Idempotency-Key", idem)
        .json(&json!({"certificate_code": code, "pin": pin, "amount": "100", "currency": "KRW"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get_status(app: &TestApp, path: &str, key: &str) -> (u16, Value) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn scopes_per_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let holder = "01081810011";
    let code = app.buy("scopes", holder, "book-10000", 1).await.remove(0);
    let (_, orders_only) = channel(&app, Some(json!(["orders"]))).await;
    let (_, wallet_only) = channel(&app, Some(json!(["wallet"]))).await;
    let (_, everything) = channel(&app, None).await;
    let wallet_path = format!("/v1/subscribers/{holder}/certificates");

    // The wallet: `wallet` reads it, without PINs unless `pins` too.
    let (status, wallet) = get_status(&app, &wallet_path, &wallet_only).await;
    assert_eq!(status, 200, "{wallet}");
    assert!(wallet["certificates"][0]["pin"].is_null(), "{wallet}");
    assert_eq!(wallet["certificates"][0]["code"], code.as_str());
    let (_, full) = get_status(&app, &wallet_path, &everything).await;
    assert_eq!(full["certificates"][0]["pin"].as_str().unwrap().len(), 6);

    let denied = |answer: &Value| answer["error"] == "insufficient_scope";
    for (path, key) in [
        (wallet_path.clone(), &orders_only),
        (format!("/v1/subscribers/{holder}/history"), &orders_only),
        (format!("/v1/subscribers/{holder}/gifts"), &orders_only),
        (format!("/v1/certificates/{code}/barcode.png"), &wallet_only),
        (format!("/v1/certificates/{code}/barcode.svg"), &orders_only),
        ("/v1/orders/none".to_owned(), &wallet_only),
    ] {
        let (status, answer) = get_status(&app, &path, key).await;
        assert_eq!(status, 403, "{path}: {answer}");
        assert!(denied(&answer), "{path}: {answer}");
    }
    let (status, answer) = app
        .post(
            "/v1/orders",
            &wallet_only,
            json!({"order_id": "scoped", "type": "purchase", "msisdn": holder,
                "product_id": "book-10000", "settlement": {"method": "carrier"}}),
        )
        .await;
    assert_eq!((status, denied(&answer)), (403, true), "{answer}");
    let (status, answer) = app
        .post(
            &format!("/v1/certificates/{code}/pin"),
            &orders_only,
            json!({"msisdn": holder}),
        )
        .await;
    assert_eq!((status, denied(&answer)), (403, true), "{answer}");
    let (status, _) = get_status(
        &app,
        &format!("/v1/certificates/{code}/barcode.svg"),
        &everything,
    )
    .await;
    assert_eq!(status, 200);
    let (status, answer) = get_status(&app, "/v1/orders/scopes", &orders_only).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(app.wallet(holder).await.len(), 1, "nothing was bought");

    // Bad scope lists are refused and issue nothing.
    for scopes in [json!(["admin"]), json!([]), json!("pins"), json!([1])] {
        let (status, answer) = app
            .post(
                "/v1/admin/channels",
                &admin(&app),
                json!({"name": "x", "scopes": scopes}),
            )
            .await;
        assert_eq!(status, 400, "{scopes}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    app.finish().await;
}

#[actix_web::test]
async fn each_route_needs_its_scope_on_postgres() {
    scopes_per_route(Backend::Postgres).await;
}

#[actix_web::test]
async fn each_route_needs_its_scope_on_sqlite() {
    scopes_per_route(Backend::Sqlite).await;
}

async fn rotate_and_revoke(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let holder = "01081820011";
    let code = app.buy("rotate", holder, "book-10000", 1).await.remove(0);
    let pin = app.pin(holder, &code).await;
    let wallet_path = format!("/v1/subscribers/{holder}/certificates");
    let (channel_id, old_key) = channel(&app, None).await;
    assert_eq!(get_status(&app, &wallet_path, &old_key).await.0, 200);

    let (status, rotated) = app
        .post(
            &format!("/v1/admin/channels/{channel_id}/rotate"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_key = rotated["api_key"].as_str().unwrap().to_owned();
    assert_ne!(new_key, old_key);
    let (status, refused) = get_status(&app, &wallet_path, &old_key).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert_eq!(get_status(&app, &wallet_path, &new_key).await.0, 200);

    let (status, _) = app
        .post(
            &format!("/v1/admin/channels/{channel_id}/revoke"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, refused) = get_status(&app, &wallet_path, &new_key).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (401, Some("revoked_key"))
    );
    let (status, again) = app
        .post(
            &format!("/v1/admin/channels/{channel_id}/rotate"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!((status, again["error"].as_str()), (404, Some("not_found")));

    // Merchants the same way; a channel id is not a merchant's.
    let (merchant_id, merchant_key) = merchant(&app, "Corner Books").await;
    assert_eq!(
        redeem_as(&app, &merchant_key, &code, &pin, "m-1").await.0,
        200
    );
    let (status, _) = app
        .post(
            &format!("/v1/admin/merchants/{channel_id}/revoke"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, rotated) = app
        .post(
            &format!("/v1/admin/merchants/{merchant_id}/rotate"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_merchant_key = rotated["api_key"].as_str().unwrap();
    assert_eq!(
        redeem_as(&app, &merchant_key, &code, &pin, "m-2").await.0,
        401
    );
    assert_eq!(
        redeem_as(&app, new_merchant_key, &code, &pin, "m-3")
            .await
            .0,
        200
    );
    let (status, _) = app
        .post(
            &format!("/v1/admin/merchants/{merchant_id}/revoke"),
            &admin(&app),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        redeem_as(&app, new_merchant_key, &code, &pin, "m-4")
            .await
            .0,
        401
    );

    // Without the admin token, or with a key for a token, nothing happens.
    for token in ["", "wrong-token", new_merchant_key] {
        let (status, _) = app
            .post(
                &format!("/v1/admin/merchants/{merchant_id}/rotate"),
                token,
                json!({}),
            )
            .await;
        assert_eq!(status, 401, "{token}");
    }
    let (status, _) = app
        .post("/v1/admin/robots/x/rotate", &admin(&app), json!({}))
        .await;
    assert_eq!(status, 404);
    app.finish().await;
}

#[actix_web::test]
async fn keys_rotate_and_revoke_at_once_on_postgres() {
    rotate_and_revoke(Backend::Postgres).await;
}

#[actix_web::test]
async fn keys_rotate_and_revoke_at_once_on_sqlite() {
    rotate_and_revoke(Backend::Sqlite).await;
}

#[actix_web::test]
async fn a_revoked_key_is_refused_by_another_instance_at_once() {
    let mut first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::on(first.settings.clone()).await;
    let (channel_id, key) = channel(&first, None).await;
    let path = "/v1/subscribers/01081830011/certificates";
    assert_eq!(get_status(&second, path, &key).await.0, 200, "cached there");
    let (status, _) = first
        .post(
            &format!("/v1/admin/channels/{channel_id}/revoke"),
            &admin(&first),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(get_status(&second, path, &key).await.0, 401);
    let mut second = second;
    second.stop_gateway().await;
    first.stop_gateway().await;
    first.finish().await;
}

async fn per_merchant_locks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let holder = "01081840011";
    let code = app.buy("locks", holder, "book-10000", 1).await.remove(0);
    let pin = app.pin(holder, &code).await;
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    let (_, careless) = merchant(&app, "Careless").await;
    let (_, honest) = merchant(&app, "Honest").await;

    // Four wrong, then a right one: the careless merchant's count starts again.
    for n in 0..4 {
        let (status, _) = redeem_as(&app, &careless, &code, wrong, &format!("c-{n}")).await;
        assert_eq!(status, 403);
    }
    assert_eq!(
        redeem_as(&app, &careless, &code, &pin, "c-right").await.0,
        200
    );
    for n in 0..4 {
        let (status, _) = redeem_as(&app, &careless, &code, wrong, &format!("c2-{n}")).await;
        assert_eq!(status, 403, "the count restarted after a right PIN");
    }
    let (status, locked) = redeem_as(&app, &careless, &code, wrong, "c2-5").await;
    assert_eq!(
        (status, locked["error"].as_str()),
        (423, Some("pin_locked"))
    );
    let (status, _) = redeem_as(&app, &careless, &code, &pin, "c-locked").await;
    assert_eq!(
        status, 423,
        "locked for that merchant, even with the right PIN"
    );

    // Another merchant is not locked out by it.
    let (status, served) = redeem_as(&app, &honest, &code, &pin, "h-1").await;
    assert_eq!(status, 200, "{served}");
    let (status, _) = balance_check(&app, &code, &pin).await;
    assert_eq!(status, 200, "the test's own merchant is not locked either");

    // Twenty wrong PINs from all merchants together lock it everywhere.
    let mut others = Vec::new();
    for n in 0..4 {
        others.push(merchant(&app, &format!("Guesser {n}")).await.1);
    }
    let mut last = (0, Value::Null);
    for (m, key) in others.iter().enumerate() {
        for n in 0..4 {
            last = redeem_as(&app, key, &code, wrong, &format!("g-{m}-{n}")).await;
        }
    }
    for n in 0..3 {
        last = redeem_as(&app, &honest, &code, wrong, &format!("h-w{n}")).await;
    }
    assert_eq!(
        last.0, 403,
        "19 wrong so far since the last right one: {}",
        last.1
    );
    let (status, locked) = redeem_as(&app, &honest, &code, wrong, "h-w4").await;
    assert_eq!(
        (status, locked["error"].as_str()),
        (423, Some("pin_locked"))
    );
    let (status, _) = balance_check(&app, &code, &pin).await;
    assert_eq!(status, 423, "locked everywhere");
    app.finish().await;
}

#[actix_web::test]
async fn wrong_pins_lock_per_merchant_then_everywhere_on_postgres() {
    per_merchant_locks(Backend::Postgres).await;
}

#[actix_web::test]
async fn wrong_pins_lock_per_merchant_then_everywhere_on_sqlite() {
    per_merchant_locks(Backend::Sqlite).await;
}
