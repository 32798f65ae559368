//! A gift changes hands for good (issue 11): acceptance re-keys every certificate, so the
//! giver's PIN opens nothing afterwards on any route; a rejected gift comes back with the
//! giver's own PIN; a holder can ask for a new PIN; the call center blocks and unblocks.

use serde_json::{Value, json};

use crate::handset::{ask, inbox_has, texts};
use crate::helpers::{Backend, TestApp, column_values};

/// A merchant's balance check with a PIN: status and answer.
pub async fn balance_check(app: &TestApp, code: &str, pin: &str) -> (u16, Value) {
    let response = app
        .client
        .get(format!("{}/v1/certificates/{code}", app.base))
        .bearer_auth(&app.merchant_key)
        .header("X-Certificate-Pin", pin)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The kinds and references of a subscriber's history of one kind.
pub async fn history(app: &TestApp, msisdn: &str, kind: &str) -> Vec<(String, String)> {
    let (status, answer) = app
        .get(
            &format!("/v1/subscribers/{msisdn}/history?kind={kind}"),
            &app.channel_key,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["reference"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The outbox payloads of events of one type, read from the database.
async fn event_payloads(app: &TestApp, event_type: &str) -> Vec<String> {
    let query = "SELECT payload FROM outbox WHERE channel = 'event' ORDER BY id";
    column_values(&app.settings.database_url, query)
        .await
        .into_iter()
        .filter(|p| p.contains(&format!("\"{event_type}\"")))
        .collect()
}

/// Buys one certificate for `giver` and sends it to `friend`; answers code, the giver's
/// PIN and the gift id.
async fn gift_one(app: &TestApp, tag: &str, giver: &str, friend: &str) -> (String, String, String) {
    let code = app
        .buy(&format!("{tag}-buy"), giver, "dept-50000", 1)
        .await
        .remove(0);
    let giver_pin = app.pin(giver, &code).await;
    let outcome = app
        .completed(
            json!({"order_id": format!("{tag}-gift"), "type": "gift", "msisdn": giver,
            "certificate_codes": [code], "to": friend, "message": "for you"}),
        )
        .await;
    let gift_id = outcome["gift_id"].as_str().unwrap().to_owned();
    (code, giver_pin, gift_id)
}

async fn accepted_gift_is_rekeyed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (giver, friend) = ("01071710011", "01071710002");
    let (code, giver_pin, gift_id) = gift_one(&app, "rekey", giver, friend).await;
    app.completed(
        json!({"order_id": "rekey-accept", "type": "accept", "msisdn": friend,
        "gift_id": gift_id}),
    )
    .await;
    let new_pin = app.pin(friend, &code).await;
    assert_ne!(new_pin, giver_pin, "acceptance gives a new PIN");

    // The giver's PIN opens nothing: redemption and the merchant's balance check.
    let (status, refused) = app.redeem(&code, &giver_pin, "1000", "old-pin-1").await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (403, Some("invalid_pin"))
    );
    let (status, refused) = balance_check(&app, &code, &giver_pin).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (403, Some("invalid_pin"))
    );

    // Only the transferee's texts carry the new PIN; the giver's never do.
    let handed_over = inbox_has(&app, "+821071710002", &format!("PIN {new_pin}")).await;
    assert!(handed_over.contains(&code[..4]), "{handed_over}");
    assert!(
        texts(&app, "+821071710011")
            .iter()
            .all(|t| !t.contains(&new_pin)),
        "the giver never sees the new PIN"
    );

    // The transferee's PIN works on every route.
    let (status, view) = balance_check(&app, &code, &new_pin).await;
    assert_eq!((status, view["balance"].as_str()), (200, Some("50000")));
    let (status, served) = app.redeem(&code, &new_pin, "20000", "new-pin-1").await;
    assert_eq!(status, 200, "{served}");
    assert_eq!(served["balance"], "30000");

    // The history and the event say so; no PIN in the event.
    let gifts = history(&app, friend, "gift").await;
    assert!(
        gifts
            .iter()
            .any(|(kind, reference)| kind == "rekey" && reference == &format!("gift {gift_id}")),
        "{gifts:?}"
    );
    let accepted = event_payloads(&app, "gift.accepted").await;
    assert_eq!(accepted.len(), 1);
    assert!(accepted[0].contains("rekeyed") && accepted[0].contains(&code));
    assert!(
        !accepted[0].to_lowercase().contains("\"pin\"") && !accepted[0].contains(&new_pin),
        "{}",
        accepted[0]
    );
    app.finish().await;
}

#[actix_web::test]
async fn an_accepted_gift_is_rekeyed_on_postgres() {
    accepted_gift_is_rekeyed(Backend::Postgres).await;
}

#[actix_web::test]
async fn an_accepted_gift_is_rekeyed_on_sqlite() {
    accepted_gift_is_rekeyed(Backend::Sqlite).await;
}

#[actix_web::test]
async fn an_sms_accept_rekeys_and_a_rejected_gift_comes_back_with_the_givers_pin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (giver, friend) = ("01071720011", "01071720002");
    // Rejected: the giver's own PIN still works, the transferee never saw one.
    let (code, giver_pin, gift_id) = gift_one(&app, "back", giver, friend).await;
    app.completed(
        json!({"order_id": "back-reject", "type": "reject", "msisdn": friend,
        "gift_id": gift_id}),
    )
    .await;
    assert_eq!(app.pin(giver, &code).await, giver_pin);
    let (status, served) = app.redeem(&code, &giver_pin, "1000", "back-1").await;
    assert_eq!(status, 200, "{served}");

    // Accepted by SMS: a new PIN in the answer, the old one refused.
    inbox_has(&app, "+821071720002", "거절했습니다").await;
    let (code, giver_pin, _) = gift_one(&app, "sms", giver, friend).await;
    let answer = ask(&app, "+821071720002", "수락").await;
    let new_pin = app.pin(friend, &code).await;
    assert_ne!(new_pin, giver_pin);
    assert!(answer.contains(&format!("PIN {new_pin}")), "{answer}");
    let (status, refused) = app.redeem(&code, &giver_pin, "1000", "sms-old").await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (403, Some("invalid_pin"))
    );
    app.finish().await;
}

#[actix_web::test]
async fn a_giver_redeeming_while_the_transferee_accepts_is_never_served() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (giver, friend) = ("01071730011", "01071730002");
    let (code, giver_pin, gift_id) = gift_one(&app, "race", giver, friend).await;
    let accept = app.order(json!({"order_id": "race-accept", "type": "accept",
        "msisdn": friend, "gift_id": gift_id}));
    let attempts = futures::future::join_all((0..4).map(|n| {
        let key = format!("race-{n}");
        let (code, pin) = (code.clone(), giver_pin.clone());
        let app = &app;
        async move { app.redeem(&code, &pin, "10000", &key).await }
    }));
    let ((status, accepted), giver_tries) = tokio::join!(accept, attempts);
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["status"], "completed", "{accepted}");
    for (status, refused) in &giver_tries {
        assert!(
            matches!(
                refused["error"].as_str(),
                Some("invalid_pin" | "not_redeemable")
            ),
            "the giver is never served: {status} {refused}"
        );
    }
    let new_pin = app.pin(friend, &code).await;
    let (status, view) = balance_check(&app, &code, &new_pin).await;
    assert_eq!((status, view["balance"].as_str()), (200, Some("50000")));
    app.finish().await;
}

async fn pin_renewal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let holder = "01071740011";
    let code = app.buy("renew", holder, "book-30000", 1).await.remove(0);
    let old_pin = app.pin(holder, &code).await;

    let (status, answer) = app
        .post(
            &format!("/v1/certificates/{code}/pin"),
            &app.channel_key,
            json!({"msisdn": holder}),
        )
        .await;
    assert_eq!(status, 202, "{answer}");
    assert!(!answer.to_string().contains("\"pin\""), "{answer}");
    let new_pin = app.pin(holder, &code).await;
    assert_ne!(new_pin, old_pin);
    inbox_has(&app, "+821071740011", &format!("PIN {new_pin}")).await;
    let (status, refused) = balance_check(&app, &code, &old_pin).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (403, Some("invalid_pin"))
    );
    let (status, _) = balance_check(&app, &code, &new_pin).await;
    assert_eq!(status, 200);

    // By SMS, in Korean: the answer is the new PIN.
    let answer = ask(&app, "+821071740011", &format!("핀 {code}")).await;
    let newest = app.pin(holder, &code).await;
    assert_ne!(newest, new_pin);
    assert!(answer.contains(&format!("PIN {newest}")), "{answer}");
    assert!(
        history(&app, holder, "gift")
            .await
            .iter()
            .filter(|(kind, reference)| kind == "rekey" && reference == "renewal")
            .count()
            == 2
    );

    // Someone else's certificate, bad codes, bad bodies: refused, nothing changed.
    let (status, refused) = app
        .post(
            &format!("/v1/certificates/{code}/pin"),
            &app.channel_key,
            json!({"msisdn": "01071749999"}),
        )
        .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (404, Some("certificate_not_found"))
    );
    let stranger = ask(&app, "+821071749999", &format!("PIN {code}")).await;
    assert!(stranger.contains("보유하신 상품권 중에"), "{stranger}");
    assert!(!stranger.contains("PIN "), "{stranger}");
    for (path, body) in [
        ("/v1/certificates/1234/pin", json!({"msisdn": holder})),
        (
            &*format!("/v1/certificates/{code}/pin"),
            json!({"msisdn": "12"}),
        ),
        (
            &*format!("/v1/certificates/{code}/pin"),
            json!({"who": holder}),
        ),
    ] {
        let (status, refused) = app.post(path, &app.channel_key, body).await;
        assert_eq!(status, 400, "{path}: {refused}");
        assert!(refused["error"].is_string(), "{refused}");
    }
    let (status, _) = app
        .post(
            &format!("/v1/certificates/{code}/pin"),
            "wrong-key",
            json!({"msisdn": holder}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(app.pin(holder, &code).await, newest, "nothing changed");
    app.finish().await;
}

#[actix_web::test]
async fn a_holder_gets_a_new_pin_on_postgres() {
    pin_renewal(Backend::Postgres).await;
}

#[actix_web::test]
async fn a_holder_gets_a_new_pin_on_sqlite() {
    pin_renewal(Backend::Sqlite).await;
}

async fn block_and_unblock(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let holder = "01071750011";
    let codes = app.buy("block", holder, "book-10000", 2).await;
    let (code, other) = (codes[0].clone(), codes[1].clone());
    let pin = app.pin(holder, &code).await;
    let block = |path: String, body: Value| {
        let app = &app;
        async move { app.post(&path, &app.channel_key, body).await }
    };
    let who = json!({"actor": "agent-7", "reason": "handset stolen"});

    let (status, blocked) = block(format!("/v1/certificates/{code}/block"), who.clone()).await;
    assert_eq!(status, 200, "{blocked}");
    assert_eq!(blocked["status"], "blocked");
    assert!(blocked["pin"].is_null());
    inbox_has(&app, "+821071750011", "사용이 정지되었습니다").await;

    // Redemption, gift and refund are refused with `blocked`.
    let (status, refused) = app.redeem(&code, &pin, "1000", "blocked-1").await;
    assert_eq!((status, refused["error"].as_str()), (423, Some("blocked")));
    let (_, gift) = app
        .order(
            json!({"order_id": "blocked-gift", "type": "gift", "msisdn": holder,
            "certificate_codes": [code], "to": "01071750002"}),
        )
        .await;
    assert_eq!(gift["reason"], "blocked", "{gift}");
    let (_, refund) = app
        .order(
            json!({"order_id": "blocked-refund", "type": "refund", "msisdn": holder,
            "certificate_code": code}),
        )
        .await;
    assert_eq!(refund["reason"], "blocked", "{refund}");
    let balance = ask(&app, "+821071750011", "잔액").await;
    assert!(balance.contains("사용 정지"), "{balance}");
    let gift_by_sms = ask(&app, "+821071750011", &format!("선물 {code} 01071750002")).await;
    assert!(
        !gift_by_sms.contains("blocked") && gift_by_sms.contains("정지"),
        "{gift_by_sms}"
    );

    // Who and why are in the journal; twice is refused; the other certificate is untouched.
    let (status, twice) = block(format!("/v1/certificates/{code}/block"), who.clone()).await;
    assert_eq!(
        (status, twice["error"].as_str()),
        (422, Some("not_blockable"))
    );
    let (status, not_blocked) =
        block(format!("/v1/certificates/{other}/unblock"), who.clone()).await;
    assert_eq!(
        (status, not_blocked["error"].as_str()),
        (422, Some("not_blocked"))
    );
    let (status, served) = app
        .redeem(&other, &app.pin(holder, &other).await, "1000", "other-1")
        .await;
    assert_eq!(status, 200, "{served}");

    let (status, lifted) = block(
        format!("/v1/certificates/{code}/unblock"),
        json!({"actor": "agent-9", "reason": "handset found"}),
    )
    .await;
    assert_eq!(status, 200, "{lifted}");
    assert_eq!(lifted["status"], "active");
    let usage = history(&app, holder, "usage").await;
    assert!(
        usage.contains(&("block".to_owned(), "agent-7: handset stolen".to_owned()))
            && usage.contains(&("unblock".to_owned(), "agent-9: handset found".to_owned())),
        "{usage:?}"
    );
    let (status, served) = app.redeem(&code, &pin, "1000", "unblocked-1").await;
    assert_eq!(status, 200, "{served}");

    // Bad input: nothing changes.
    for (path, body, expected) in [
        (
            format!("/v1/certificates/{code}/block"),
            json!({"actor": " ", "reason": "x"}),
            "invalid_actor",
        ),
        (
            format!("/v1/certificates/{code}/block"),
            json!({"actor": "a", "reason": "r".repeat(201)}),
            "invalid_reason",
        ),
        (
            "/v1/certificates/12345/block".to_owned(),
            who.clone(),
            "invalid_certificate_code",
        ),
    ] {
        let (status, refused) = block(path.clone(), body).await;
        assert_eq!(
            (status, refused["error"].as_str()),
            (400, Some(expected)),
            "{path}"
        );
    }
    let (status, refused) = block(
        format!("/v1/certificates/{code}/block"),
        json!({"actor": 7}),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    let unknown = giftgate_actors::domain::CertificateCode::generate();
    let (status, refused) = block(
        format!("/v1/certificates/{}/block", unknown.as_str()),
        who.clone(),
    )
    .await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (404, Some("not_found"))
    );
    assert_eq!(
        app.wallet(holder)
            .await
            .iter()
            .filter(|c| c["status"] == "active")
            .count(),
        2
    );
    app.finish().await;
}

#[actix_web::test]
async fn the_call_center_blocks_and_unblocks_on_postgres() {
    block_and_unblock(Backend::Postgres).await;
}

#[actix_web::test]
async fn the_call_center_blocks_and_unblocks_on_sqlite() {
    block_and_unblock(Backend::Sqlite).await;
}
