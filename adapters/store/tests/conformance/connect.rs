//! Opening a store: URL schemes, in-memory SQLite, reopening, and the readiness ping.

use crate::support::*;

conformance!(ping_answers);

async fn ping_answers(ctx: Ctx) {
    ctx.store.ping().await.unwrap();
}

#[tokio::test]
async fn an_unknown_url_scheme_is_refused_clearly() {
    let refused = giftgate_store::connect("mysql://root:secret@localhost/gg").await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("postgres://"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[tokio::test]
async fn an_in_memory_sqlite_store_keeps_its_data_across_calls() {
    let store = giftgate_store::connect("sqlite::memory:").await.unwrap();
    let issued = issue(&store, 1, &msisdn(1), krw(1_000)).await;
    // Several concurrent reads share the one connection without losing the database.
    let reads: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            let code = issued.code.clone();
            tokio::spawn(async move { store.certificate(&code).await })
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.unwrap().unwrap(), Some(issued.clone()));
    }
}

#[tokio::test]
async fn a_store_reopened_on_the_same_database_sees_its_data() {
    let database = giftgate_store::testing::TestDatabase::sqlite().await;
    let options = giftgate_store::StoreOptions {
        max_connections: Some(2),
        ..Default::default()
    };
    let first = giftgate_store::connect_with(&database.url, &options)
        .await
        .unwrap();
    let issued = issue(&first, 1, &msisdn(1), krw(1_000)).await;
    let second = giftgate_store::connect_with(&database.url, &options)
        .await
        .unwrap();
    assert_eq!(
        second.certificate(&issued.code).await.unwrap(),
        Some(issued)
    );
    database.drop().await;
}
