//! Refund rules through the running gateway: withdrawal, unused after the withdrawal
//! period, the remaining balance of a partly used certificate (counted over one order),
//! who holds the right before and after a gift is accepted, refusal codes, and the claim
//! on a balance that lapsed at expiry (share paid back, rest booked as breakage).

use chrono::Utc;
use giftgate_actors::domain::{Certificate, CertificateCode, Language};
use giftgate_actors::ports::Changes;
use giftgate_actors::service::refund_rules::RefundFallback;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, eventually, test_settings};

/// Refund transactions the billing simulator recorded for a subscriber (by the last
/// digits of the number), as amounts.
fn carrier_refunds(app: &TestApp, digits: &str) -> Vec<Decimal> {
    app.gateway()
        .billing_simulator
        .as_ref()
        .unwrap()
        .transactions()
        .iter()
        .filter(|t| t.end_user_id.ends_with(digits) && format!("{:?}", t.status) == "Refunded")
        .map(|t| t.amount)
        .collect()
}

fn refund(order_id: &str, msisdn: &str, code: &str) -> Value {
    json!({"order_id": order_id, "type": "refund", "msisdn": msisdn, "certificate_code": code})
}

/// Submits a refund that must fail; answers `(reason, detail)`.
async fn refused(app: &TestApp, order_id: &str, msisdn: &str, code: &str) -> (String, String) {
    let (status, answer) = app.order(refund(order_id, msisdn, code)).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["status"], "failed", "{answer}");
    (
        answer["reason"].as_str().unwrap().to_owned(),
        answer["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn history_kinds(app: &TestApp, msisdn: &str, kind: &str) -> Vec<String> {
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
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// Lets a certificate's validity run out now (its `expires_at` moved to the present)
/// and runs the expiry job.
async fn expire_now(app: &TestApp, code: &str) {
    backdate_expiry(app, code).await;
    let ledger = &app.gateway().ledger;
    assert!(ledger.expire_due_certificates(100).await.unwrap() >= 1);
}

/// Moves a certificate's expiry a second into the past (the job has not run yet).
async fn backdate_expiry(app: &TestApp, code: &str) {
    let ledger = &app.gateway().ledger;
    let code = CertificateCode::parse(code).unwrap();
    let certificate = ledger.store().certificate(&code).await.unwrap().unwrap();
    ledger
        .store()
        .commit(Changes {
            certificates: vec![Certificate {
                expires_at: Some(Utc::now() - chrono::Duration::seconds(1)),
                ..certificate
            }],
            ..Changes::default()
        })
        .await
        .unwrap();
}

/// Buys one certificate, gifts it and has the transferee accept it; answers the code.
async fn gift_accepted(app: &TestApp, id: &str, giver: &str, to: &str, product: &str) -> String {
    let code = app
        .buy(&format!("{id}-buy"), giver, product, 1)
        .await
        .remove(0);
    let gift = app
        .completed(
            json!({"order_id": format!("{id}-gift"), "type": "gift", "msisdn": giver,
            "certificate_codes": [code], "to": to}),
        )
        .await;
    app.completed(
        json!({"order_id": format!("{id}-accept"), "type": "accept", "msisdn": to,
        "gift_id": gift["gift_id"]}),
    )
    .await;
    code
}

#[actix_web::test]
async fn an_unused_certificate_is_withdrawn_in_full_once_and_a_used_up_one_is_refused() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let codes = app.buy("w-buy", "01061611001", "culture-10000", 2).await;
    let outcome = app
        .completed(refund("w-refund", "01061611001", &codes[0]))
        .await;
    assert_eq!(outcome["basis"], "withdrawal", "{outcome}");
    assert_eq!(outcome["amount"], "10000");
    assert_eq!(outcome["settlement"], "carrier");
    let (reason, _) = refused(&app, "w-again", "01061611001", &codes[0]).await;
    assert_eq!(reason, "already_refunded");

    let pin = app.pin("01061611001", &codes[1]).await;
    let (status, _) = app.redeem(&codes[1], &pin, "10000", "w-use").await;
    assert_eq!(status, 200);
    let (reason, _) = refused(&app, "w-used", "01061611001", &codes[1]).await;
    assert_eq!(reason, "redeemed");
    let (reason, _) = refused(&app, "w-other", "01061619999", &codes[1]).await;
    assert_eq!(reason, "certificate_not_found");

    assert_eq!(
        carrier_refunds(&app, "1061611001"),
        vec![Decimal::from(10_000)]
    );
    assert_eq!(
        history_kinds(&app, "01061611001", "purchase").await,
        vec!["refund", "issue", "issue"]
    );
    app.finish().await;
}

#[actix_web::test]
async fn after_the_withdrawal_period_the_deployments_rule_decides() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.withdrawal_days = 0;
        s.refund_unused_after_withdrawal = false;
    })
    .await;
    let code = app
        .buy("late-buy", "01062621001", "book-10000", 1)
        .await
        .remove(0);
    let (reason, detail) = refused(&app, "late-refund", "01062621001", &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("withdrawal period"), "{detail}");
    assert!(carrier_refunds(&app, "1062621001").is_empty());
    app.finish().await;

    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.withdrawal_days = 0).await;
    let code = app
        .buy("late-buy", "01062621001", "book-10000", 1)
        .await
        .remove(0);
    let outcome = app
        .completed(refund("late-refund", "01062621001", &code))
        .await;
    assert_eq!(outcome["basis"], "unused", "{outcome}");
    assert_eq!(outcome["amount"], "10000");
    app.finish().await;
}

#[actix_web::test]
async fn the_balance_of_a_partly_used_certificate_is_refunded_once_enough_of_the_order_is_used() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let buyer = "01063631001";
    // Two 10,000 certificates bought together: small faces need 80 % used.
    let codes = app.buy("p-buy", buyer, "book-10000", 2).await;
    let pin = app.pin(buyer, &codes[0]).await;
    assert_eq!(app.redeem(&codes[0], &pin, "9000", "p-use-1").await.0, 200);
    let (reason, detail) = refused(&app, "p-early", buyer, &codes[0]).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("45%") && detail.contains("80%"), "{detail}");

    let pin = app.pin(buyer, &codes[1]).await;
    assert_eq!(app.redeem(&codes[1], &pin, "7000", "p-use-2").await.0, 200);
    // 16,000 of 20,000 used together: the balances are refunded now.
    let first = app.completed(refund("p-1", buyer, &codes[0])).await;
    assert_eq!(first["basis"], "partly_used", "{first}");
    assert_eq!(first["amount"], "1000");
    let second = app.completed(refund("p-2", buyer, &codes[1])).await;
    assert_eq!(second["amount"], "3000");
    assert_eq!(
        carrier_refunds(&app, "1063631001"),
        vec![Decimal::from(1_000), Decimal::from(3_000)]
    );
    let wallet = app.wallet(buyer).await;
    assert!(
        wallet
            .iter()
            .all(|c| c["status"] == "refunded" && c["balance"] == "0"),
        "{wallet:?}"
    );
    // The rails' books agree with the journal (refunds through the charge's own rail).
    let (status, report) = crate::reconcile::reconcile(&app, &[]).await;
    assert_eq!(status, 0, "{report:#}");
    app.finish().await;

    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.partial_refund = false).await;
    let code = app.buy("p-buy", buyer, "book-10000", 1).await.remove(0);
    let pin = app.pin(buyer, &code).await;
    assert_eq!(app.redeem(&code, &pin, "9000", "p-use").await.0, 200);
    let (reason, detail) = refused(&app, "p-off", buyer, &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("unused certificates only"), "{detail}");
    app.finish().await;
}

#[actix_web::test]
async fn the_giver_holds_the_right_until_acceptance_and_the_holder_after() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (giver, friend) = ("01064641001", "01064641002");
    let code = app.buy("g-buy", giver, "culture-10000", 1).await.remove(0);
    let gift = app
        .completed(json!({"order_id":"g-gift","type":"gift","msisdn":giver,
            "certificate_codes":[code],"to":friend}))
        .await;
    let (reason, detail) = refused(&app, "g-friend", friend, &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("giver holds"), "{detail}");
    // The purchaser's refund withdraws the pending gift; the transferee is told.
    let outcome = app.completed(refund("g-refund", giver, &code)).await;
    assert_eq!(outcome["amount"], "10000");
    let (_, view) = app
        .get(
            &format!("/v1/gifts/{}", gift["gift_id"].as_str().unwrap()),
            &app.channel_key,
        )
        .await;
    assert_eq!(view["state"], "cancelled", "{view}");
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    eventually("the transferee is told", || async {
        smsc.inbox("+821064641002")
            .iter()
            .any(|m| m.text.contains("환불되어 취소"))
    })
    .await;
    let (reason, _) = refused(&app, "g-friend-late", friend, &code).await;
    assert_eq!(
        reason, "certificate_not_found",
        "the transferee never held it"
    );

    // After acceptance the holder has the right, not the purchaser.
    let accepted = gift_accepted(&app, "h", giver, friend, "culture-10000").await;
    let (reason, detail) = refused(&app, "h-giver", giver, &accepted).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("holder holds"), "{detail}");
    let outcome = app.completed(refund("h-refund", friend, &accepted)).await;
    assert_eq!(outcome["amount"], "10000");
    assert_eq!(
        carrier_refunds(&app, "1064641001").len(),
        2,
        "both refunds go back the way they were paid"
    );
    app.finish().await;
}

#[actix_web::test]
async fn a_rejected_gift_returns_to_the_giver_not_to_the_bank() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (giver, friend) = ("01065651001", "01065651002");
    let code = app.buy("r-buy", giver, "book-30000", 1).await.remove(0);
    let gift = app
        .completed(json!({"order_id":"r-gift","type":"gift","msisdn":giver,
            "certificate_codes":[code],"to":friend}))
        .await;
    app.completed(
        json!({"order_id":"r-reject","type":"reject","msisdn":friend,
        "gift_id":gift["gift_id"]}),
    )
    .await;
    let wallet = app.wallet(giver).await;
    assert_eq!(wallet.len(), 1);
    assert_eq!(wallet[0]["status"], "active");
    assert_eq!(wallet[0]["balance"], "30000");
    assert!(carrier_refunds(&app, "1065651001").is_empty());
    app.finish().await;
}

#[actix_web::test]
async fn the_holder_claims_an_expired_balance_at_90_percent_and_the_rest_is_breakage() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (buyer, holder) = ("01066661001", "01066661002");
    let code = gift_accepted(&app, "e", buyer, holder, "dept-50000").await;
    let pin = app.pin(holder, &code).await;
    assert_eq!(app.redeem(&code, &pin, "20000", "e-use").await.0, 200);
    expire_now(&app, &code).await;

    let (reason, detail) = refused(&app, "e-buyer", buyer, &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("holder holds the claim"), "{detail}");
    let outcome = app.completed(refund("e-claim", holder, &code)).await;
    assert_eq!(outcome["basis"], "expired", "{outcome}");
    assert_eq!(outcome["amount"], "27000");
    assert_eq!(outcome["kept"], "3000");
    let (reason, _) = refused(&app, "e-again", holder, &code).await;
    assert_eq!(reason, "already_refunded");
    assert_eq!(
        carrier_refunds(&app, "1066661001"),
        vec![Decimal::from(27_000)]
    );
    assert_eq!(
        history_kinds(&app, holder, "purchase").await,
        vec!["expired_refund"]
    );
    assert_eq!(
        history_kinds(&app, holder, "usage").await,
        vec!["breakage", "expire", "redeem"]
    );
    let facts = app.gateway().ledger.store().audit_facts().await.unwrap();
    let krw = &facts.totals[0];
    assert_eq!(
        (
            krw.expired,
            krw.expired_unclaimed,
            krw.expired_refunded,
            krw.breakage
        ),
        (30_000, 0, 27_000, 3_000)
    );
    // The rails' books agree with the journal (refunds through the charge's own rail).
    let (status, report) = crate::reconcile::reconcile(&app, &[]).await;
    assert_eq!(status, 0, "{report:#}");
    app.finish().await;
}

#[actix_web::test]
async fn after_the_holders_period_the_purchaser_claims_by_sms_and_large_faces_get_95_percent() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.expired_holder_days = 0;
        s.language = Language::En;
    })
    .await;
    let (buyer, holder) = ("01067671001", "01067671002");
    let code = gift_accepted(&app, "l", buyer, holder, "dept-100000").await;
    expire_now(&app, &code).await;
    let (reason, detail) = refused(&app, "l-holder", holder, &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("purchaser now holds the claim"), "{detail}");

    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    smsc.inject_mo("+821067671001", "1555", &format!("REFUND {code}"))
        .await
        .unwrap();
    eventually("the purchaser's claim is paid and told", || async {
        smsc.inbox("+821067671001")
            .iter()
            .any(|m| m.text.contains("Expired certificate") && m.text.contains("5,000"))
    })
    .await;
    assert_eq!(
        carrier_refunds(&app, "1067671001"),
        vec![Decimal::from(95_000)]
    );
    app.finish().await;

    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.expired_refund_years = 0).await;
    let code = app.buy("n-buy", buyer, "book-10000", 1).await.remove(0);
    expire_now(&app, &code).await;
    let (reason, detail) = refused(&app, "n-claim", buyer, &code).await;
    assert_eq!(reason, "not_refundable");
    assert!(detail.contains("claim period"), "{detail}");
    app.finish().await;
}

#[actix_web::test]
async fn without_a_fallback_a_carrier_refusal_leaves_the_certificate_and_its_claim_intact() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |s| s.refund_fallback = RefundFallback::Off).await;
    // The billing simulator refuses every refund of numbers ending 0004 (month closed).
    let buyer = "01068680004";
    let codes = app.buy("c-buy", buyer, "culture-10000", 2).await;
    let (reason, detail) = refused(&app, "c-refund", buyer, &codes[0]).await;
    assert_eq!(reason, "refund_refused");
    assert!(detail.contains("POL0254"), "{detail}");
    let wallet = app.wallet(buyer).await;
    let first = wallet.iter().find(|c| c["code"] == codes[0]).unwrap();
    assert_eq!(first["status"], "active", "{first}");
    assert_eq!(first["balance"], "10000");

    expire_now(&app, &codes[1]).await;
    let (reason, _) = refused(&app, "c-claim", buyer, &codes[1]).await;
    assert_eq!(reason, "refund_refused");
    let wallet = app.wallet(buyer).await;
    let second = wallet.iter().find(|c| c["code"] == codes[1]).unwrap();
    assert_eq!(second["status"], "expired", "still claimable: {second}");
    assert!(carrier_refunds(&app, "1068680004").is_empty());
    let facts = app.gateway().ledger.store().audit_facts().await.unwrap();
    assert_eq!(facts.totals[0].expired_unclaimed, 10_000);
    app.finish().await;
}

#[actix_web::test]
async fn a_card_balance_is_refunded_in_part_through_the_payment_network() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let buyer = "01069691234";
    let outcome = app
        .completed(json!({"order_id":"k-buy","type":"purchase","msisdn":buyer,
            "product_id":"dept-50000","settlement":{"method":"card","token":"tok_ok"}}))
        .await;
    let code = outcome["certificate_codes"][0].as_str().unwrap().to_owned();
    let pin = app.pin(buyer, &code).await;
    assert_eq!(app.redeem(&code, &pin, "30000", "k-use").await.0, 200);
    // 60 % of a 50,000 face value is used: the 20,000 left go back to the card.
    let refund = app.completed(refund("k-refund", buyer, &code)).await;
    assert_eq!(refund["basis"], "partly_used", "{refund}");
    assert_eq!(refund["settlement"], "card");
    assert_eq!(refund["amount"], "20000");
    let payments = app.gateway().psp_simulator.as_ref().unwrap().payments();
    let refunded: Vec<Decimal> = payments.iter().map(|p| p.refunded_amount).collect();
    assert_eq!(refunded, vec![Decimal::from(20_000)], "{payments:?}");
    // The rails' books agree with the journal (refunds through the charge's own rail).
    let (status, report) = crate::reconcile::reconcile(&app, &[]).await;
    assert_eq!(status, 0, "{report:#}");
    app.finish().await;
}

#[actix_web::test]
async fn a_certificate_past_its_validity_is_expired_first_when_its_refund_is_asked() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let buyer = "01069695678";
    let code = app.buy("d-buy", buyer, "book-10000", 1).await.remove(0);
    backdate_expiry(&app, &code).await;
    // The expiry job has not run yet: the refund order expires it, then claims.
    let outcome = app.completed(refund("d-refund", buyer, &code)).await;
    assert_eq!(outcome["basis"], "expired", "{outcome}");
    assert_eq!(outcome["amount"], "9000");
    assert_eq!(outcome["kept"], "1000");
    assert_eq!(
        history_kinds(&app, buyer, "usage").await,
        vec!["breakage", "expire"]
    );
    app.finish().await;
}

async fn order_status(app: &TestApp, order_id: &str) -> Value {
    app.get(&format!("/v1/orders/{order_id}"), &app.channel_key)
        .await
        .1
}

async fn completed_eventually(app: &TestApp, order_id: &str) -> Value {
    eventually(&format!("order {order_id} to complete"), || async {
        order_status(app, order_id).await["status"] == "completed"
    })
    .await;
    order_status(app, order_id).await["outcome"].clone()
}

#[actix_web::test]
async fn a_refund_the_carrier_refuses_is_queued_and_paid_by_bank_transfer_once_across_a_restart() {
    let database = giftgate_store::testing::TestDatabase::postgres().await;
    let billing =
        giftgate_billing::BillingSimulator::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
    let psp = giftgate_psp::PspSimulator::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let mut settings = test_settings(&database.url);
    settings.billing_url = Some(billing.base_url());
    settings.psp_url = Some(psp.base_url().to_owned());
    // Numbers ending 0004: the billing simulator refuses refunds (month closed).
    let buyer = "01068690004";
    let mut first = TestApp::on(settings.clone()).await;
    let codes = first.buy("q-buy", buyer, "culture-10000", 2).await;
    let (status, answer) = first.order(refund("q-refund", buyer, &codes[0])).await;
    assert_eq!(status, 202);
    assert_eq!(
        answer["status"], "pending",
        "queued, waiting for an account: {answer}"
    );
    let queued = first
        .gateway()
        .ledger
        .store()
        .queued_refund(&CertificateCode::parse(&codes[0]).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queued.state.as_str(), "queued");
    assert!(queued.refused_by.contains("POL0254"), "{queued:?}");
    let smsc = first.gateway().smsc_simulator.as_ref().unwrap();
    eventually("the buyer is asked for an account", || async {
        smsc.inbox("+821068690004")
            .iter()
            .any(|m| m.text.contains("계좌를 등록"))
    })
    .await;
    let wallet = first.wallet(buyer).await;
    let held = wallet.iter().find(|c| c["code"] == codes[0]).unwrap();
    assert_eq!(held["status"], "refunding", "{held}");
    first.stop_gateway().await;

    // While the gateway is down the account arrives (another instance took it); the
    // recovery timer pays the queued refund when the gateway starts again.
    let store = giftgate_store::connect(&database.url).await.unwrap();
    let account = giftgate_actors::domain::RefundAccount {
        msisdn: giftgate_actors::domain::Msisdn::from_e164_unchecked("+821068690004"),
        bank: "KB".to_owned(),
        account: "123-456-7890".to_owned(),
        holder: "Kim".to_owned(),
    };
    store
        .set_refund_account(&account, Utc::now())
        .await
        .unwrap();
    // As if an instance had made the transfer and died before booking it: the same
    // key again pays nothing more (the transfers below are each paid once).
    let network =
        giftgate_psp::PspClient::new(giftgate_psp::PspConfig::new(psp.base_url(), "giftgate"))
            .unwrap();
    giftgate_actors::ports::PayoutRail::pay_out(
        &network,
        &giftgate_actors::ports::Payout {
            key: format!("{}:bank", codes[0]),
            reference: codes[0].clone(),
            account,
            amount: giftgate_actors::domain::Money::from_minor_units(
                10_000,
                giftgate_actors::domain::Currency::KRW,
            )
            .unwrap(),
        },
    )
    .await
    .unwrap();
    let mut app = TestApp::on(settings).await;
    let outcome = completed_eventually(&app, "q-refund").await;
    assert_eq!(outcome["settlement"], "bank", "{outcome}");
    assert_eq!(outcome["amount"], "10000");

    // An expiry claim the carrier refuses goes to the account at once.
    expire_now(&app, &codes[1]).await;
    let claim = app.completed(refund("q-claim", buyer, &codes[1])).await;
    assert_eq!(claim["settlement"], "bank", "{claim}");
    assert_eq!(claim["amount"], "9000");
    assert_eq!(claim["kept"], "1000");
    let (reason, _) = refused(&app, "q-again", buyer, &codes[0]).await;
    assert_eq!(reason, "already_refunded");

    // A subscriber who registers the account after the refusal is paid right away.
    let late = "01069690004";
    let code = app.buy("q-late-buy", late, "book-10000", 1).await.remove(0);
    let (_, answer) = app.order(refund("q-late", late, &code)).await;
    assert_eq!(answer["status"], "pending", "{answer}");
    let (status, bad) = app
        .post(
            &format!("/v1/subscribers/{late}/refund-account"),
            &app.channel_key,
            json!({"bank": "Shinhan", "account": "not a number", "holder": "Lee"}),
        )
        .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (422, Some("invalid_account"))
    );
    let (status, registered) = app
        .post(
            &format!("/v1/subscribers/{late}/refund-account"),
            &app.channel_key,
            json!({"bank": "Shinhan", "account": "110-222-333333", "holder": "Lee"}),
        )
        .await;
    assert_eq!(status, 200, "{registered}");
    assert_eq!(registered["queued_refunds"], 1);
    let outcome = completed_eventually(&app, "q-late").await;
    assert_eq!(outcome["settlement"], "bank", "{outcome}");

    let transfers: Vec<(String, Decimal)> = psp
        .transfers()
        .iter()
        .map(|t| (t.account.clone(), t.amount))
        .collect();
    assert_eq!(
        transfers,
        vec![
            ("123-456-7890".to_owned(), Decimal::from(10_000)),
            ("123-456-7890".to_owned(), Decimal::from(9_000)),
            ("110-222-333333".to_owned(), Decimal::from(10_000)),
        ],
        "each queued refund is paid exactly once"
    );
    assert!(
        billing
            .transactions()
            .iter()
            .all(|t| format!("{:?}", t.status) != "Refunded"),
        "the carrier refunded nothing"
    );
    assert_eq!(
        history_kinds(&app, buyer, "purchase").await,
        vec!["expired_refund", "refund", "issue", "issue"]
    );
    app.stop_gateway().await;
    billing.stop().await;
    psp.stop().await;
    app.database = Some(database);
    app.finish().await;
}

#[actix_web::test]
async fn an_expired_balance_taken_as_carrier_points_is_paid_in_full() {
    let app = TestApp::spawn_with(Backend::Postgres, |s| {
        s.refund_fallback = RefundFallback::Points
    })
    .await;
    let buyer = "01060601234";
    let code = app.buy("pt-buy", buyer, "dept-50000", 1).await.remove(0);
    let pin = app.pin(buyer, &code).await;
    assert_eq!(app.redeem(&code, &pin, "20000", "pt-use").await.0, 200);
    expire_now(&app, &code).await;
    let (status, bad) = app
        .order(json!({"order_id":"pt-bad","type":"refund","msisdn":buyer,
            "certificate_code":code,"to":"moon"}))
        .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (400, Some("invalid_refund_target"))
    );
    let claim = app
        .completed(json!({"order_id":"pt-claim","type":"refund","msisdn":buyer,
            "certificate_code":code,"to":"points"}))
        .await;
    assert_eq!(claim["settlement"], "points", "{claim}");
    assert_eq!(claim["amount"], "30000", "100 % as points");
    assert_eq!(claim["kept"], "0");
    let billing = app.gateway().billing_simulator.as_ref().unwrap();
    let credited: Vec<Decimal> = billing.points_credits().iter().map(|c| c.amount).collect();
    assert_eq!(credited, vec![Decimal::from(30_000)]);

    // With the points fallback a refund the carrier refuses is credited as points at once.
    let closed = "01060600004";
    let code = app
        .buy("pt-closed", closed, "book-10000", 1)
        .await
        .remove(0);
    let refund = app.completed(refund("pt-refund", closed, &code)).await;
    assert_eq!(refund["settlement"], "points", "{refund}");
    assert_eq!(refund["amount"], "10000");
    assert_eq!(billing.points_credits().len(), 2);
    assert!(carrier_refunds(&app, "1060600004").is_empty());

    // By SMS: `환불 <코드> 포인트` claims an expired balance as points, in full.
    let texter = "01060605555";
    let code = app.buy("pt-sms", texter, "book-10000", 1).await.remove(0);
    expire_now(&app, &code).await;
    let smsc = app.gateway().smsc_simulator.as_ref().unwrap();
    smsc.inject_mo("+821060605555", "1555", &format!("환불 {code} 포인트"))
        .await
        .unwrap();
    eventually("the SMS claim is credited as points", || async {
        billing.points_credits().len() == 3
    })
    .await;
    assert_eq!(
        billing.points_credits()[2].amount,
        Decimal::from(10_000),
        "100 % as points"
    );
    // The rails' books agree with the journal (refunds through the charge's own rail).
    let (status, report) = crate::reconcile::reconcile(&app, &[]).await;
    assert_eq!(status, 0, "{report:#}");
    app.finish().await;
}
