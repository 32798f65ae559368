//! The whole story on each backend: purchase → gift → accept → partial redemption →
//! gift → reject → refund, with the histories and the handsets' messages.

use serde_json::json;

use crate::helpers::{Backend, TestApp, eventually};

const BUYER: &str = "010-1234-5678";
const FRIEND: &str = "+821023456789";
const COLLEAGUE: &str = "01034567890";

async fn story(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let codes = app.buy("story-buy", BUYER, "dept-50000", 2).await;
    assert_eq!(codes.len(), 2);

    let gift = app
        .completed(json!({"order_id":"story-gift","type":"gift","msisdn":BUYER,
            "certificate_codes":[codes[0]],"to":FRIEND,"message":"생일 축하해","extras":["ring-001"]}))
        .await;
    let gift_id = gift["gift_id"].as_str().unwrap().to_owned();
    let wallet = app.wallet(BUYER).await;
    let pending = wallet
        .iter()
        .find(|c| c["code"] == codes[0].as_str())
        .unwrap();
    assert_eq!(pending["status"], "pending_gift");

    app.completed(
        json!({"order_id":"story-accept","type":"accept","msisdn":FRIEND,"gift_id":gift_id}),
    )
    .await;
    let pin = app.pin(FRIEND, &codes[0]).await;
    let (status, redemption) = app.redeem(&codes[0], &pin, "20000", "pos-1").await;
    assert_eq!(status, 200, "{redemption}");
    assert_eq!(redemption["balance"], "30000");
    assert_eq!(redemption["approved"], true);

    let gift = app
        .completed(
            json!({"order_id":"story-gift-2","type":"gift","msisdn":BUYER,
            "certificate_codes":[codes[1]],"to":COLLEAGUE}),
        )
        .await;
    app.completed(
        json!({"order_id":"story-reject","type":"reject","msisdn":COLLEAGUE,
        "gift_id":gift["gift_id"]}),
    )
    .await;
    let refund = app
        .completed(json!({"order_id":"story-refund","type":"refund","msisdn":BUYER,"certificate_code":codes[1]}))
        .await;
    assert_eq!(refund["amount"], "50000");

    let buyer = app.wallet(BUYER).await;
    assert_eq!(buyer.len(), 1);
    assert_eq!(buyer[0]["status"], "refunded");
    assert_eq!(buyer[0]["balance"], "0");
    let friend = app.wallet(FRIEND).await;
    assert_eq!(friend[0]["balance"], "30000");

    let (_, usage) = app
        .get(
            &format!("/v1/subscribers/{FRIEND}/history?kind=usage"),
            &app.channel_key,
        )
        .await;
    assert_eq!(usage["entries"].as_array().unwrap().len(), 1);
    assert_eq!(usage["entries"][0]["kind"], "redeem");
    let (_, purchases) = app
        .get(
            &format!("/v1/subscribers/{BUYER}/history?kind=purchase"),
            &app.channel_key,
        )
        .await;
    let kinds: Vec<_> = purchases["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("refund"), json!("issue"), json!("issue")]);

    // Every handset got its messages through the SMSC and MMSC; the accepted gift's SMS
    // carries code and PIN.
    let grouped = format!(
        "code {}-{}-{}-{}",
        &codes[0][0..4],
        &codes[0][4..8],
        &codes[0][8..12],
        &codes[0][12..16]
    );
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    let mmsc = app.gateway().mmsc_simulator.as_ref().unwrap();
    eventually("the friend's messages", || async {
        smsc.inbox("+821023456789").len() >= 2 && !mmsc.inbox("+821023456789").is_empty()
    })
    .await;
    let friend_texts: Vec<String> = smsc
        .inbox("+821023456789")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(friend_texts[0].contains(&grouped), "{friend_texts:?}");
    assert!(
        friend_texts[0].contains(&format!("PIN {pin}")),
        "{friend_texts:?}"
    );
    assert!(friend_texts[1].contains("20,000"), "{friend_texts:?}");
    let mms = mmsc.inbox("+821023456789");
    assert!(
        mms[0]
            .parts
            .iter()
            .any(|p| p.content_id.contains("ring-001")),
        "{mms:?}"
    );
    eventually("the buyer's six messages", || async {
        smsc.inbox("+821012345678").len() == 6
    })
    .await;
    app.finish().await;
}

#[actix_web::test]
async fn the_story_runs_on_postgres() {
    story(Backend::Postgres).await;
}

#[actix_web::test]
async fn the_story_runs_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[actix_web::test]
async fn a_replayed_order_id_answers_the_first_outcome() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let body = json!({"order_id":"same-id","type":"purchase","msisdn":"01011112222",
        "product_id":"book-10000","settlement":{"method":"carrier"}});
    let (_, first) = app.order(body.clone()).await;
    let (_, second) = app.order(body).await;
    assert_eq!(first["status"], "completed");
    assert_eq!(first["outcome"], second["outcome"]);
    // A different body under the same id still answers the first outcome and changes nothing.
    let (_, third) = app
        .order(
            json!({"order_id":"same-id","type":"purchase","msisdn":"01011112222",
            "product_id":"book-10000","quantity":3,"settlement":{"method":"carrier"}}),
        )
        .await;
    assert_eq!(third["outcome"], first["outcome"]);
    assert_eq!(app.wallet("01011112222").await.len(), 1);
    let charged = app
        .gateway()
        .billing_simulator
        .as_ref()
        .unwrap()
        .transactions()
        .iter()
        .filter(|t| format!("{:?}", t.status) == "Charged")
        .count();
    assert_eq!(charged, 1);
    let (status, stored) = app.get("/v1/orders/same-id", &app.channel_key).await;
    assert_eq!(status, 200);
    assert_eq!(stored["outcome"], first["outcome"]);
    app.finish().await;
}
