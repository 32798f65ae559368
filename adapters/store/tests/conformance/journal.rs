//! The journal: append-only, read per subscriber and kind or per certificate.

use giftgate_actors::domain::JournalKind;

use crate::journal_rows;
use crate::redemptions::redemption_changes;
use crate::support::*;

conformance!(
    the_journal_refuses_update_and_delete,
    journal_of_filters_by_subscriber_and_kind,
    certificate_journal_lists_one_certificates_rows_oldest_first,
);

async fn the_journal_refuses_update_and_delete(ctx: Ctx) {
    issue(&ctx.store, 1, &msisdn(1), krw(50_000)).await;
    let update = ctx.execute("UPDATE journal SET amount_minor = 1").await;
    assert!(update.is_err(), "{update:?}");
    let delete = ctx.execute("DELETE FROM journal").await;
    assert!(delete.is_err(), "{delete:?}");
    let message = delete.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("append-only"), "{message}");
    assert_eq!(journal_rows(&ctx.store).await, 1);
    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(facts.totals[0].issued, 50_000);
}

async fn journal_of_filters_by_subscriber_and_kind(ctx: Ctx) {
    let a = msisdn(1);
    let b = msisdn(2);
    let first = issue(&ctx.store, 1, &a, krw(50_000)).await;
    issue(&ctx.store, 2, &b, krw(10_000)).await;
    let mut redeem = redemption_changes(&first, "r1", "m_1", "k1", krw(5_000));
    redeem.journal[0].at = at(60);
    ctx.store.commit(redeem).await.unwrap();

    let all = ctx
        .store
        .journal_of(&a, &[JournalKind::Issue, JournalKind::Redeem], 10)
        .await
        .unwrap();
    let kinds: Vec<JournalKind> = all.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [JournalKind::Redeem, JournalKind::Issue],
        "newest first"
    );
    assert_eq!(all[0].merchant_id.as_deref(), Some("m_1"));
    assert_eq!(all[1], entry(JournalKind::Issue, &first, krw(50_000)));

    let redeemed = ctx
        .store
        .journal_of(&a, &[JournalKind::Redeem], 10)
        .await
        .unwrap();
    assert_eq!(redeemed.len(), 1);
    let limited = ctx
        .store
        .journal_of(&a, &[JournalKind::Issue, JournalKind::Redeem], 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    assert!(
        ctx.store
            .journal_of(&a, &[JournalKind::Void], 10)
            .await
            .unwrap()
            .is_empty()
    );
    let of_b = ctx
        .store
        .journal_of(&b, &[JournalKind::Issue, JournalKind::Redeem], 10)
        .await
        .unwrap();
    assert_eq!(of_b.len(), 1);
    assert!(ctx.store.journal_of(&a, &[], 10).await.unwrap().is_empty());
}

async fn certificate_journal_lists_one_certificates_rows_oldest_first(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    let b = issue(&ctx.store, 2, &owner, krw(30_000)).await;
    ctx.store
        .commit(redemption_changes(&a, "r1", "m_1", "k1", krw(20_000)))
        .await
        .unwrap();
    let rows = ctx.store.certificate_journal(&a.code).await.unwrap();
    let kinds: Vec<_> = rows.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![JournalKind::Issue, JournalKind::Redeem]);
    assert!(rows.iter().all(|r| r.certificate_code == a.code));
    assert_eq!(rows[1].amount, krw(20_000));
    assert_eq!(
        ctx.store.certificate_journal(&b.code).await.unwrap().len(),
        1
    );
    assert!(
        ctx.store
            .certificate_journal(&code(99))
            .await
            .unwrap()
            .is_empty()
    );
}
