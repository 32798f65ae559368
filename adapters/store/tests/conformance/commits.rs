//! Commits: records read back as written, guarded updates that conflict and write nothing,
//! and change sets that apply all or nothing.

use std::sync::Arc;

use giftgate_actors::domain::{
    Certificate, CertificateStatus, GiftState, JournalKind, OrderStatus, PaymentState,
};
use giftgate_actors::ports::{Changes, GiftUpdate, OrderUpdate, PaymentUpdate, Store, StoreError};

use crate::redemptions::{redeemed_once, redemption_changes};
use crate::support::*;
use crate::{is_conflict, is_not_found, journal_rows};

conformance!(
    records_read_back_as_committed,
    a_stale_certificate_version_conflicts_and_writes_nothing,
    a_guarded_update_with_inserts_applies_all_or_nothing,
    an_order_settled_with_its_certificates_applies_all_or_nothing,
    of_two_concurrent_commits_of_one_version_exactly_one_wins,
    gift_payment_and_order_updates_are_guarded,
    a_certificate_of_an_unknown_product_is_refused,
);

async fn records_read_back_as_committed(ctx: Ctx) {
    let giver = msisdn(1);
    let friend = msisdn(2);
    let issued = issue(&ctx.store, 1, &giver, krw(50_000)).await;
    assert_eq!(
        ctx.store.certificate(&issued.code).await.unwrap(),
        Some(issued.clone())
    );
    assert_eq!(ctx.store.certificate(&code(999)).await.unwrap(), None);

    let second = issue(&ctx.store, 2, &giver, krw(30_000)).await;
    let owned = ctx.store.certificates_of(&giver).await.unwrap();
    assert_eq!(owned.len(), 2);
    assert_eq!(
        ctx.store
            .certificates_of_order(&order_id("ord-2"))
            .await
            .unwrap(),
        vec![second]
    );

    let payment = ctx
        .store
        .payment(&order_id("ord-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        payment,
        crate::support::payment("ord-1", &giver, krw(50_000), PaymentState::Charged)
    );

    // A gift moves the certificate; the update bumps the version.
    let package = gift(
        "g1",
        "ord-g1",
        &giver,
        &friend,
        vec![issued.code.clone()],
        at(3600),
    );
    let mut pending = issued.clone();
    pending.status = CertificateStatus::PendingGift;
    pending.gift_id = Some(package.id.clone());
    pending.locked_until = Some(at(60));
    pending.pin_failures = 2;
    ctx.store
        .commit(Changes {
            subscribers: vec![friend.clone()],
            certificates: vec![pending.clone()],
            new_gifts: vec![package.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let stored = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    assert_eq!(
        stored,
        Certificate {
            version: 1,
            ..pending
        }
    );
    assert_eq!(
        ctx.store.gift(&package.id).await.unwrap(),
        Some(package.clone())
    );
    assert_eq!(
        ctx.store.gifts_of(&friend).await.unwrap(),
        vec![package.clone()]
    );
    assert_eq!(ctx.store.gifts_of(&giver).await.unwrap(), vec![package]);
    assert!(ctx.store.gifts_of(&msisdn(3)).await.unwrap().is_empty());

    // Registering a known subscriber again is harmless.
    ctx.store
        .commit(Changes {
            subscribers: vec![friend.clone(), friend],
            ..Changes::default()
        })
        .await
        .unwrap();
    // Nothing to write is fine too.
    ctx.store.commit(Changes::default()).await.unwrap();
}

/// The shape of a redemption (one guarded certificate update plus inserts), which
/// PostgreSQL commits as one statement: a failed guard inserts nothing, a failed insert
/// moves nothing.
async fn a_guarded_update_with_inserts_applies_all_or_nothing(ctx: Ctx) {
    let (issued, journal_before, outbox_before) = redeemed_once(&ctx).await;
    let unchanged = |store: Arc<dyn Store>| async move {
        let stored = store.certificate(&code(1)).await.unwrap().unwrap();
        assert_eq!((stored.balance, stored.version), (krw(40_000), 1));
        assert_eq!(journal_rows(&store).await, journal_before);
        assert_eq!(
            store.outbox_pending(100).await.unwrap().len(),
            outbox_before
        );
    };

    let stale = ctx
        .store
        .commit(redemption_changes(&issued, "r2", "m_1", "k2", krw(5_000)))
        .await;
    assert!(is_conflict(&stale), "{stale:?}");
    assert_eq!(ctx.store.redemption("r2").await.unwrap(), None);
    unchanged(Arc::clone(&ctx.store)).await;

    let current = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    let duplicate = ctx
        .store
        .commit(redemption_changes(&current, "r1", "m_1", "k3", krw(5_000)))
        .await;
    assert!(
        duplicate.is_err(),
        "redemption id r1 is taken: {duplicate:?}"
    );
    unchanged(Arc::clone(&ctx.store)).await;

    let mut ghost = current.clone();
    ghost.code = code(404);
    let missing = ctx
        .store
        .commit(redemption_changes(&ghost, "r4", "m_1", "k4", krw(1_000)))
        .await;
    assert!(is_not_found(&missing), "{missing:?}");
    unchanged(Arc::clone(&ctx.store)).await;

    ctx.store
        .commit(redemption_changes(&current, "r5", "m_1", "k5", krw(40_000)))
        .await
        .unwrap();
    let spent = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    assert_eq!(
        (spent.balance, spent.status),
        (krw(0), CertificateStatus::Redeemed)
    );
    assert!(ctx.store.redemption("r5").await.unwrap().is_some());
    assert_eq!(journal_rows(&ctx.store).await, journal_before + 1);
}

/// The shape of a purchase's issue (the pending order settled, its payment, certificates,
/// journal and events inserted), which PostgreSQL commits as one statement.
async fn an_order_settled_with_its_certificates_applies_all_or_nothing(ctx: Ctx) {
    let buyer = msisdn(1);
    ctx.store
        .insert_order(&order("ord-p", &buyer))
        .await
        .unwrap();
    let issue_changes = |first: u64| {
        let certificates: Vec<Certificate> = (first..first + 3)
            .map(|n| certificate(n, "ord-p", &buyer, krw(10_000)))
            .collect();
        Changes {
            orders: vec![OrderUpdate {
                order_id: order_id("ord-p"),
                status: OrderStatus::Completed,
                reason: None,
                detail: None,
                outcome: Some(serde_json::json!({"certificates": 3})),
            }],
            new_payments: vec![crate::support::payment(
                "ord-p",
                &buyer,
                krw(30_000),
                PaymentState::Charged,
            )],
            journal: certificates
                .iter()
                .map(|c| entry(JournalKind::Issue, c, krw(10_000)))
                .collect(),
            new_certificates: certificates,
            outbox: vec![event("order.completed", &buyer), sms(&buyer, "issued")],
            ..Changes::default()
        }
    };

    // Certificate 1 exists already: the insert fails, so the order stays pending.
    issue(&ctx.store, 1, &msisdn(9), krw(10_000)).await;
    let journal_before = journal_rows(&ctx.store).await;
    let taken = ctx.store.commit(issue_changes(1)).await;
    assert!(taken.is_err(), "certificate 1 is taken: {taken:?}");
    let stored = ctx.store.order(&order_id("ord-p")).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Pending);
    assert_eq!(ctx.store.payment(&order_id("ord-p")).await.unwrap(), None);
    assert_eq!(journal_rows(&ctx.store).await, journal_before);

    ctx.store.commit(issue_changes(11)).await.unwrap();
    let stored = ctx.store.order(&order_id("ord-p")).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Completed);
    assert!(ctx.store.certificate(&code(13)).await.unwrap().is_some());
    assert_eq!(journal_rows(&ctx.store).await, journal_before + 3);

    // Settled once: a second settling is a conflict and inserts nothing.
    let again = ctx.store.commit(issue_changes(21)).await;
    assert!(is_conflict(&again), "{again:?}");
    assert!(ctx.store.certificate(&code(21)).await.unwrap().is_none());
    assert_eq!(journal_rows(&ctx.store).await, journal_before + 3);
}

async fn a_stale_certificate_version_conflicts_and_writes_nothing(ctx: Ctx) {
    let (issued, journal_before, outbox_before) = redeemed_once(&ctx).await;

    // `issued` is version 0; the stored certificate is version 1 now.
    let mut stale = redemption_changes(&issued, "r2", "m_1", "k2", krw(5_000));
    stale.subscribers = vec![msisdn(7)];
    let result = ctx.store.commit(stale).await;
    assert!(is_conflict(&result), "{result:?}");

    assert_eq!(journal_rows(&ctx.store).await, journal_before);
    assert_eq!(
        ctx.store.outbox_pending(100).await.unwrap().len(),
        outbox_before
    );
    assert_eq!(ctx.store.redemption("r2").await.unwrap(), None);
    let stored = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    assert_eq!((stored.balance, stored.version), (krw(40_000), 1));
    let facts = ctx.store.audit_facts().await.unwrap();
    assert!(facts.certificates_off_journal.is_empty());

    // A certificate update of a code that does not exist is NotFound.
    let mut ghost = issued.clone();
    ghost.code = code(404);
    let result = ctx
        .store
        .commit(Changes {
            certificates: vec![ghost],
            ..Changes::default()
        })
        .await;
    assert!(is_not_found(&result), "{result:?}");
}

async fn of_two_concurrent_commits_of_one_version_exactly_one_wins(ctx: Ctx) {
    let owner = msisdn(1);
    let issued = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    let journal_before = journal_rows(&ctx.store).await;
    let racers: Vec<_> = (0..2)
        .map(|i| {
            let store = ctx.store.clone();
            let changes = redemption_changes(
                &issued,
                &format!("r{i}"),
                "m_1",
                &format!("k{i}"),
                krw(30_000),
            );
            tokio::spawn(async move { store.commit(changes).await })
        })
        .collect();
    let mut wins = 0;
    let mut conflicts = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(()) => wins += 1,
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((wins, conflicts), (1, 1));
    let stored = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    assert_eq!((stored.balance, stored.version), (krw(20_000), 1));
    assert_eq!(journal_rows(&ctx.store).await, journal_before + 1);
}

async fn gift_payment_and_order_updates_are_guarded(ctx: Ctx) {
    let giver = msisdn(1);
    let friend = msisdn(2);
    let issued = issue(&ctx.store, 1, &giver, krw(50_000)).await;
    let package = gift(
        "g1",
        "ord-g1",
        &giver,
        &friend,
        vec![issued.code.clone()],
        at(3600),
    );
    ctx.store
        .commit(Changes {
            new_gifts: vec![package],
            ..Changes::default()
        })
        .await
        .unwrap();

    let accept = |expected| GiftUpdate {
        gift_id: gift_id("g1"),
        expected,
        state: GiftState::Accepted,
        settled_at: Some(at(100)),
    };
    ctx.store
        .commit(Changes {
            gifts: vec![accept(GiftState::Sent)],
            ..Changes::default()
        })
        .await
        .unwrap();
    let again = ctx
        .store
        .commit(Changes {
            gifts: vec![accept(GiftState::Sent)],
            ..Changes::default()
        })
        .await;
    assert!(is_conflict(&again), "{again:?}");
    let stored = ctx.store.gift(&gift_id("g1")).await.unwrap().unwrap();
    assert_eq!(
        (stored.state, stored.settled_at),
        (GiftState::Accepted, Some(at(100)))
    );

    // Payments.
    let buyer = msisdn(3);
    ctx.store
        .commit(Changes {
            new_payments: vec![payment(
                "ord-p",
                &buyer,
                krw(10_000),
                PaymentState::Initiated,
            )],
            ..Changes::default()
        })
        .await
        .unwrap();
    let reserve = |expected| PaymentUpdate {
        order_id: order_id("ord-p"),
        expected,
        state: PaymentState::Reserved,
        reference: Some("tx-1".to_owned()),
        refunded: krw(0),
    };
    ctx.store
        .commit(Changes {
            payments: vec![reserve(PaymentState::Initiated)],
            ..Changes::default()
        })
        .await
        .unwrap();
    let again = ctx
        .store
        .commit(Changes {
            payments: vec![reserve(PaymentState::Initiated)],
            ..Changes::default()
        })
        .await;
    assert!(is_conflict(&again), "{again:?}");
    let charge = PaymentUpdate {
        order_id: order_id("ord-p"),
        expected: PaymentState::Reserved,
        state: PaymentState::Charged,
        reference: None,
        refunded: krw(0),
    };
    ctx.store
        .commit(Changes {
            payments: vec![charge],
            ..Changes::default()
        })
        .await
        .unwrap();
    let stored = ctx
        .store
        .payment(&order_id("ord-p"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, PaymentState::Charged);
    assert_eq!(
        stored.reference.as_deref(),
        Some("tx-1"),
        "a missing reference keeps the known one"
    );
    let ghost = PaymentUpdate {
        order_id: order_id("ord-none"),
        ..reserve(PaymentState::Initiated)
    };
    let missing = ctx
        .store
        .commit(Changes {
            payments: vec![ghost],
            ..Changes::default()
        })
        .await;
    assert!(is_not_found(&missing), "{missing:?}");

    // Orders finish once.
    ctx.store
        .insert_order(&order("ord-o", &buyer))
        .await
        .unwrap();
    let fail = OrderUpdate {
        order_id: order_id("ord-o"),
        status: OrderStatus::Failed,
        reason: Some("billing_declined".to_owned()),
        detail: Some("declined by the carrier".to_owned()),
        outcome: None,
    };
    ctx.store
        .commit(Changes {
            orders: vec![fail.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let again = ctx
        .store
        .commit(Changes {
            orders: vec![fail],
            ..Changes::default()
        })
        .await;
    assert!(is_conflict(&again), "{again:?}");
    let stored = ctx.store.order(&order_id("ord-o")).await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Failed);
    assert_eq!(stored.reason.as_deref(), Some("billing_declined"));

    // A conflict late in a change set undoes its earlier parts.
    let mut moved = ctx.store.certificate(&issued.code).await.unwrap().unwrap();
    moved.owner = friend.clone();
    let late_conflict = Changes {
        certificates: vec![moved],
        orders: vec![OrderUpdate {
            order_id: order_id("ord-o"),
            status: OrderStatus::Completed,
            reason: None,
            detail: None,
            outcome: None,
        }],
        ..Changes::default()
    };
    let result = ctx.store.commit(late_conflict).await;
    assert!(is_conflict(&result), "{result:?}");
    assert_eq!(
        ctx.store.certificate(&issued.code).await.unwrap().unwrap(),
        issued
    );
}

async fn a_certificate_of_an_unknown_product_is_refused(ctx: Ctx) {
    let owner = msisdn(1);
    let mut orphan = certificate(1, "ord-1", &owner, krw(1_000));
    orphan.product_id = giftgate_actors::domain::ProductId::parse("no-such-product").unwrap();
    let result = ctx
        .store
        .commit(Changes {
            new_certificates: vec![orphan],
            ..Changes::default()
        })
        .await;
    assert!(is_not_found(&result), "{result:?}");

    let issued = issue(&ctx.store, 2, &owner, krw(1_000)).await;
    let duplicate = ctx
        .store
        .commit(Changes {
            new_certificates: vec![issued],
            ..Changes::default()
        })
        .await;
    assert!(
        is_conflict(&duplicate),
        "a code is issued once: {duplicate:?}"
    );
}
