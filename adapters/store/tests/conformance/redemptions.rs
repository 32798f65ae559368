//! Redemptions: never overspent, unique per merchant key, voided once; and merchants'
//! wrong-PIN lockouts.

use giftgate_actors::domain::{Certificate, CertificateStatus, JournalKind};
use giftgate_actors::ports::{Changes, StoreError};

use crate::support::*;
use crate::{is_conflict, is_not_found, journal_rows};

conformance!(
    concurrent_redemptions_never_overspend_even_across_processes,
    a_redemption_key_is_unique_per_merchant,
    a_redemption_is_voided_once,
    wrong_pins_lock_one_merchant_at_the_limit_and_a_right_one_clears,
);

pub(crate) fn redemption_changes(
    current: &Certificate,
    id: &str,
    merchant: &str,
    key: &str,
    amount: giftgate_actors::domain::Money,
) -> Changes {
    let mut next = current.clone();
    next.balance = current.balance.checked_sub(amount).unwrap();
    if next.balance.is_zero() {
        next.status = CertificateStatus::Redeemed;
    }
    let mut journal = entry(JournalKind::Redeem, current, amount);
    journal.merchant_id = Some(merchant.to_owned());
    journal.reference = Some(id.to_owned());
    Changes {
        certificates: vec![next],
        new_redemptions: vec![redemption(id, merchant, key, current, amount)],
        journal: vec![journal],
        outbox: vec![
            event("certificate.redeemed", &current.owner),
            sms(&current.owner, "redeemed"),
        ],
        ..Changes::default()
    }
}

/// A certificate of 50,000 KRW issued to subscriber 1 and redeemed once for 10,000 (as
/// `r1`, so stored at version 1), with the journal rows and pending outbox entries after.
pub(crate) async fn redeemed_once(ctx: &Ctx) -> (Certificate, i64, usize) {
    let issued = issue(&ctx.store, 1, &msisdn(1), krw(50_000)).await;
    ctx.store
        .commit(redemption_changes(&issued, "r1", "m_1", "k1", krw(10_000)))
        .await
        .unwrap();
    let journal_before = journal_rows(&ctx.store).await;
    let outbox_before = ctx.store.outbox_pending(100).await.unwrap().len();
    (issued, journal_before, outbox_before)
}

async fn concurrent_redemptions_never_overspend_even_across_processes(ctx: Ctx) {
    const WORKERS: usize = 6;
    let owner = msisdn(1);
    let issued = issue(&ctx.store, 1, &owner, krw(10_000)).await;
    let amount = krw(700);
    // A second store on the same database stands for a second gateway process.
    let other_process = giftgate_store::connect(&ctx.url).await.unwrap();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        let store = if worker % 2 == 0 {
            ctx.store.clone()
        } else {
            other_process.clone()
        };
        let code = issued.code.clone();
        workers.spawn(async move {
            let mut redeemed = 0_u32;
            let mut conflicts = 0_u32;
            loop {
                let current = store.certificate(&code).await.unwrap().unwrap();
                if current.balance < amount {
                    return (redeemed, conflicts);
                }
                let id = format!("r-{worker}-{redeemed}-{conflicts}");
                match store
                    .commit(redemption_changes(&current, &id, "m_1", &id, amount))
                    .await
                {
                    Ok(()) => redeemed += 1,
                    Err(StoreError::Conflict(_)) => conflicts += 1,
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
        });
    }
    let mut redeemed = 0;
    while let Some(done) = workers.join_next().await {
        redeemed += done.unwrap().0;
    }
    assert_eq!(
        redeemed, 14,
        "10 000 won holds exactly 14 redemptions of 700"
    );
    let stored = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    assert_eq!(stored.balance, krw(200));
    assert_eq!(stored.version, 14);

    let facts = ctx.store.audit_facts().await.unwrap();
    assert!(facts.certificates_off_journal.is_empty(), "{facts:?}");
    let krw_totals = &facts.totals[0];
    assert_eq!(krw_totals.currency, "KRW");
    assert_eq!(krw_totals.issued, 10_000);
    assert_eq!(krw_totals.redeemed, 9_800);
    assert_eq!(krw_totals.balances, 200);
    assert_eq!(facts.journal_rows, 15);
    assert_eq!(
        ctx.store.outbox_pending(1000).await.unwrap().len(),
        1 + 2 * 14
    );
}

async fn a_redemption_key_is_unique_per_merchant(ctx: Ctx) {
    let owner = msisdn(1);
    let issued = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    ctx.store
        .commit(redemption_changes(
            &issued,
            "r1",
            "m_shop",
            "key-1",
            krw(1_000),
        ))
        .await
        .unwrap();
    let current = ctx.store.certificate(&issued.code).await.unwrap().unwrap();

    let replay = ctx
        .store
        .commit(redemption_changes(
            &current,
            "r2",
            "m_shop",
            "key-1",
            krw(1_000),
        ))
        .await;
    assert!(is_conflict(&replay), "{replay:?}");
    assert_eq!(
        ctx.store.certificate(&issued.code).await.unwrap().unwrap(),
        current
    );

    ctx.store
        .commit(redemption_changes(
            &current,
            "r3",
            "m_other",
            "key-1",
            krw(1_000),
        ))
        .await
        .unwrap();

    let found = ctx
        .store
        .redemption_by_key("m_shop", "key-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found,
        redemption("r1", "m_shop", "key-1", &issued, krw(1_000))
    );
    assert_eq!(ctx.store.redemption("r1").await.unwrap(), Some(found));
    assert_eq!(
        ctx.store
            .redemption_by_key("m_shop", "key-2")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        ctx.store
            .redemption_by_key("m_other", "key-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        "r3"
    );
}

async fn a_redemption_is_voided_once(ctx: Ctx) {
    let owner = msisdn(1);
    let issued = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    ctx.store
        .commit(redemption_changes(&issued, "r1", "m_1", "k1", krw(1_000)))
        .await
        .unwrap();
    let void = || Changes {
        voided_redemptions: vec!["r1".to_owned()],
        ..Changes::default()
    };
    ctx.store.commit(void()).await.unwrap();
    assert!(ctx.store.redemption("r1").await.unwrap().unwrap().voided);
    let again = ctx.store.commit(void()).await;
    assert!(is_conflict(&again), "{again:?}");
    let missing = ctx
        .store
        .commit(Changes {
            voided_redemptions: vec!["r404".to_owned()],
            ..Changes::default()
        })
        .await;
    assert!(is_not_found(&missing), "{missing:?}");
}

async fn wrong_pins_lock_one_merchant_at_the_limit_and_a_right_one_clears(ctx: Ctx) {
    let issued = issue(&ctx.store, 1, &msisdn(1), krw(10_000)).await;
    let code = &issued.code;
    let until = t0() + chrono::Duration::minutes(30);
    assert_eq!(
        ctx.store.merchant_pin_lock(code, "m_a").await.unwrap(),
        None
    );
    for _ in 0..4 {
        assert!(
            !ctx.store
                .count_merchant_pin_failure(code, "m_a", 5, until)
                .await
                .unwrap()
        );
    }
    assert!(
        !ctx.store
            .count_merchant_pin_failure(code, "m_b", 5, until)
            .await
            .unwrap()
    );
    assert!(
        ctx.store
            .count_merchant_pin_failure(code, "m_a", 5, until)
            .await
            .unwrap(),
        "the fifth in a row locks"
    );
    assert_eq!(
        ctx.store.merchant_pin_lock(code, "m_a").await.unwrap(),
        Some(until)
    );
    assert_eq!(
        ctx.store.merchant_pin_lock(code, "m_b").await.unwrap(),
        None
    );
    ctx.store
        .clear_merchant_pin_failures(code, "m_b")
        .await
        .unwrap();
    for _ in 0..4 {
        ctx.store
            .count_merchant_pin_failure(code, "m_b", 5, until)
            .await
            .unwrap();
    }
    assert_eq!(
        ctx.store.merchant_pin_lock(code, "m_b").await.unwrap(),
        None,
        "cleared counts start again"
    );
}
