//! Pre-expiry notices on the manual clock: one SMS per certificate 30 days before it
//! expires (balance, date, how to extend), exactly once, and again for the new date after
//! an extension — on PostgreSQL and SQLite.

use chrono::Duration;
use giftgate_actors::domain::{Language, OutboxMessage};
use giftgate_actors::ports::Store;
use giftgate_actors::service::Policy;
use giftgate_store::testing::TestDatabase;

use crate::expiry::{buy_one_book, ledger_at, set_clock as set, store_billing_and_clock};
use crate::helpers::assert_audit_passes;

/// The texts sent to `to` and the `certificate.expiring` events, in commit order.
async fn notices(store: &dyn Store, to: &str) -> (Vec<String>, usize) {
    let outbox = store.outbox_pending(1000).await.unwrap();
    let texts = outbox
        .iter()
        .filter_map(|r| match &r.message {
            OutboxMessage::Sms(sms) if sms.to == to && sms.text.contains("expires on") => {
                Some(sms.text.clone())
            }
            _ => None,
        })
        .collect();
    let events = outbox
        .iter()
        .filter(|r| matches!(&r.message, OutboxMessage::Event { event, .. } if event.event_type == "certificate.expiring"))
        .count();
    (texts, events)
}

async fn owners_are_told_once_before_expiry(database: TestDatabase) {
    let (store, billing, clock) = store_billing_and_clock(&database).await;
    let policy = Policy {
        language: Language::En,
        max_extension_months: 6,
        expiry_notice_days: 30,
        ..Policy::default()
    };
    let ledger = ledger_at(&store, billing.base_url(), clock.clone(), policy);
    let code = buy_one_book(&ledger, "n-buy", "01072720000").await;
    let certificate = store.certificate(&code).await.unwrap().unwrap();
    let expires_at = certificate.expires_at.unwrap();
    let owner = certificate.owner.as_str().to_owned();

    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        0
    );
    set(
        &clock,
        expires_at - Duration::days(30) - Duration::seconds(1),
    );
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        0,
        "one second before the window"
    );
    set(&clock, expires_at - Duration::days(30));
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        0,
        "exactly once"
    );
    let (texts, events) = notices(store.as_ref(), &owner).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(events, 1);
    // Dates in texts are the carrier's local dates (domain::format).
    let english = giftgate_actors::domain::Format::new(Language::En);
    let date = english.date(expires_at);
    assert!(texts[0].contains(&date), "{}", texts[0]);
    assert!(texts[0].contains("10,000"), "{}", texts[0]);
    assert!(
        texts[0].contains(&format!("EXTEND {}", code.as_str())),
        "{}",
        texts[0]
    );
    // What stays refundable after expiry: 90 % of the 10,000 balance.
    assert!(
        texts[0].contains("9,000") && texts[0].contains(&format!("REFUND {}", code.as_str())),
        "{}",
        texts[0]
    );

    // Extended: the new expiry is announced 30 days before it, once.
    let extended = ledger
        .extend_certificate(&certificate.owner, &code)
        .await
        .unwrap();
    let new_expiry = extended.expires_at.unwrap();
    assert!(new_expiry > expires_at);
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        0
    );
    set(&clock, new_expiry - Duration::days(29));
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ledger
            .expiry_notices()
            .send_expiry_notices(100)
            .await
            .unwrap(),
        0
    );
    let (texts, events) = notices(store.as_ref(), &owner).await;
    assert_eq!((texts.len(), events), (2, 2));
    assert!(texts[1].contains(&english.date(new_expiry)));

    billing.stop().await;
    assert_audit_passes(&database.url).await;
    database.drop().await;
}

#[actix_web::test]
async fn owners_are_told_once_before_expiry_on_postgres() {
    owners_are_told_once_before_expiry(TestDatabase::postgres().await).await;
}

#[actix_web::test]
async fn owners_are_told_once_before_expiry_on_sqlite() {
    owners_are_told_once_before_expiry(TestDatabase::sqlite().await).await;
}
