//! The store conformance suite: every test runs unchanged on PostgreSQL (`pg::…`, a fresh
//! database each) and SQLite (`sqlite::…`, a temporary file each). What passes here is
//! what the core may rely on from either backend.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use chrono::Utc;
use futures::future::join_all;
use giftgate_actors::domain::OrderRecord;
use giftgate_actors::domain::{
    Certificate, CertificateStatus, ContentId, ContentItem, GiftState, JournalKind, MessageRecord,
    MessageState, OrderStatus, PaymentState, QueuedRefund, QueuedRefundState, RefundAccount,
};
use giftgate_actors::ports::{
    ApiKeyRecord, Changes, GiftUpdate, KeyKind, OrderUpdate, PaymentUpdate, Store, StoreError,
};
use giftgate_actors::service::order_recorder::OrderRecorder;
use support::*;

conformance!(
    insert_order_is_idempotent_and_returns_the_first_order,
    insert_orders_records_the_new_ones_and_names_them,
    orders_recorded_together_share_inserts_and_replays_find_the_first,
    a_store_that_refuses_order_inserts_fails_each_caller_and_stalls_nothing,
    a_recorded_order_makes_its_sender_a_member,
    pending_orders_are_listed_oldest_first_before_a_time,
    records_read_back_as_committed,
    a_stale_certificate_version_conflicts_and_writes_nothing,
    a_guarded_update_with_inserts_applies_all_or_nothing,
    an_order_settled_with_its_certificates_applies_all_or_nothing,
    of_two_concurrent_commits_of_one_version_exactly_one_wins,
    concurrent_redemptions_never_overspend_even_across_processes,
    a_redemption_key_is_unique_per_merchant,
    a_redemption_is_voided_once,
    gift_payment_and_order_updates_are_guarded,
    a_certificate_of_an_unknown_product_is_refused,
    outbox_delivers_in_commit_order_with_retry_and_park,
    an_outbox_claim_is_held_by_one_dispatcher_and_keeps_each_handsets_order,
    concurrent_outbox_claims_never_share_an_entry,
    an_unreadable_outbox_entry_is_parked_not_blocking,
    the_journal_refuses_update_and_delete,
    journal_of_filters_by_subscriber_and_kind,
    expiring_certificates_and_due_gifts_include_now,
    carrier_billed_since_sums_reserved_and_charged_less_refunds,
    products_are_upserted_and_read,
    api_keys_are_stored_once,
    a_key_rotates_in_place_and_a_revoked_key_stays_revoked,
    wrong_pins_lock_one_merchant_at_the_limit_and_a_right_one_clears,
    audit_is_clean_after_issue_redeem_void_refund_expire,
    expiry_claims_balance_against_what_expired,
    audit_detects_an_expiry_claim_that_does_not_add_up,
    certificate_journal_lists_one_certificates_rows_oldest_first,
    a_refund_is_queued_once_and_paid_once,
    the_audit_accepts_a_queued_refund_paid_and_booked,
    refund_accounts_are_replaced_and_read,
    redeliveries_are_counted_per_order,
    audit_detects_a_tampered_balance,
    audit_detects_charges_and_certificates_without_each_other,
    ping_answers,
    messages_are_tracked_by_provider_id,
    contents_are_upserted_and_listed_without_bytes,
    handsets_are_mms_capable_unless_marked,
);

fn is_conflict<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

fn is_not_found<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound(_)))
}

async fn journal_rows(store: &Arc<dyn Store>) -> i64 {
    store.audit_facts().await.unwrap().journal_rows
}

async fn insert_order_is_idempotent_and_returns_the_first_order(ctx: Ctx) {
    let buyer = msisdn(1);
    let first = order("ord-1", &buyer);
    assert_eq!(ctx.store.insert_order(&first).await.unwrap(), None);

    let mut replay = order("ord-1", &msisdn(2));
    replay.body = serde_json::json!({"different": true});
    let stored = ctx.store.insert_order(&replay).await.unwrap();
    assert_eq!(stored, Some(first.clone()));
    assert_eq!(ctx.store.order(&first.order_id).await.unwrap(), Some(first));
    assert_eq!(ctx.store.order(&order_id("nope")).await.unwrap(), None);
}

async fn insert_orders_records_the_new_ones_and_names_them(ctx: Ctx) {
    let first = order("ord-1", &msisdn(1));
    ctx.store.insert_order(&first).await.unwrap();
    let mut replay = order("ord-1", &msisdn(1));
    replay.body = serde_json::json!({"different": true});
    // More rows than one statement takes, so the chunking is covered too.
    let mut batch = vec![replay];
    batch.extend((0..620).map(|i| order(&format!("new-{i}"), &msisdn(10 + i % 7))));
    batch.push(order("new-3", &msisdn(99)));
    batch.push(order("new-600", &msisdn(98)));

    let inserted = ctx.store.insert_orders(&batch).await.unwrap();

    assert_eq!(inserted.len(), 620, "the replay and the repeat are not new");
    assert!(inserted.iter().all(|id| id.as_str().starts_with("new-")));
    assert_eq!(ctx.store.order(&first.order_id).await.unwrap(), Some(first));
    let stored = ctx.store.order(&order_id("new-3")).await.unwrap().unwrap();
    assert_eq!(stored, batch[4], "the first of two with one id is kept");
    let stored = ctx
        .store
        .order(&order_id("new-600"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, batch[601], "also within one statement");
    assert_eq!(
        member_rows(&ctx, &msisdn(12)).await,
        1,
        "senders become members"
    );
    assert!(ctx.store.insert_orders(&[]).await.unwrap().is_empty());
}

async fn orders_recorded_together_share_inserts_and_replays_find_the_first(ctx: Ctx) {
    let recorder = OrderRecorder::default();
    let store = ctx.store.as_ref();
    let stored_before = order("ord-0", &msisdn(1));
    store.insert_order(&stored_before).await.unwrap();
    // 300 sessions recording at once; ord-0 … ord-49 come twice.
    let orders: Vec<OrderRecord> = (0..300)
        .map(|i| order(&format!("ord-{}", i % 250), &msisdn(2 + i % 9)))
        .collect();

    let answers = join_all(orders.iter().map(|o| recorder.insert(store, o.clone()))).await;

    let mut new = 0;
    for (order, answer) in orders.iter().zip(answers) {
        match answer.unwrap() {
            None => new += 1,
            Some(first) => assert_eq!(first.order_id, order.order_id),
        }
    }
    assert_eq!(new, 249, "each order is new once; ord-0 was stored before");
    assert_eq!(
        store.order(&order_id("ord-0")).await.unwrap(),
        Some(stored_before)
    );
    assert_eq!(
        store.order(&order_id("ord-7")).await.unwrap(),
        Some(orders[7].clone())
    );
    assert!(
        recorder.group_inserts() >= 3,
        "at most 128 orders per insert"
    );
}

async fn a_store_that_refuses_order_inserts_fails_each_caller_and_stalls_nothing(ctx: Ctx) {
    let recorder = OrderRecorder::default();
    let store = ctx.store.as_ref();
    ctx.execute("ALTER TABLE orders RENAME TO orders_away")
        .await
        .unwrap();
    let orders: Vec<OrderRecord> = (0..5)
        .map(|i| order(&format!("ord-{i}"), &msisdn(2 + i)))
        .collect();
    let answers = join_all(orders.iter().map(|o| recorder.insert(store, o.clone()))).await;
    assert!(
        answers.iter().all(Result::is_err),
        "the group insert and the one-by-one insert after it both fail: {answers:?}"
    );
    ctx.execute("ALTER TABLE orders_away RENAME TO orders")
        .await
        .unwrap();
    let again = recorder.insert(store, orders[0].clone());
    let within = std::time::Duration::from_secs(10);
    assert_eq!(
        tokio::time::timeout(within, again).await.unwrap().unwrap(),
        None
    );
}

/// On PostgreSQL every insert waits on the network, so the orders recorded meanwhile are
/// sure to queue behind it (SQLite's worker thread may answer within the first poll).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_recorded_at_once_are_grouped_into_few_inserts() {
    on_postgres(|ctx: Ctx| async move {
        let recorder = OrderRecorder::default();
        let store = ctx.store.as_ref();
        let orders: Vec<OrderRecord> = (0..300)
            .map(|i| order(&format!("ord-{i}"), &msisdn(2 + i % 9)))
            .collect();
        let answers = join_all(orders.iter().map(|o| recorder.insert(store, o.clone()))).await;
        assert!(answers.iter().all(|answer| matches!(answer, Ok(None))));
        // The split follows the executor's polling; never above the cap of 128.
        let inserts = recorder.group_inserts();
        assert!(
            (3..=30).contains(&inserts),
            "{inserts} inserts for 300 orders"
        );
    })
    .await;
}

/// The recorder's hand-over logic is the same over any store; on PostgreSQL an insert
/// is sure to wait on the network, which the scenario needs (SQLite's worker thread can
/// answer within the first poll).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_that_give_up_while_recording_never_stall_the_others() {
    on_postgres(give_up_while_recording).await;
}

async fn give_up_while_recording(ctx: Ctx) {
    let recorder = OrderRecorder::default();
    let store = ctx.store.as_ref();
    let within = std::time::Duration::from_secs(10);
    let mut leader = Box::pin(recorder.insert(store, order("lead", &msisdn(1))));
    assert!(
        futures::poll!(&mut leader).is_pending(),
        "the insert is under way"
    );
    let mut quitter = Box::pin(recorder.insert(store, order("quit", &msisdn(2))));
    let mut heir = Box::pin(recorder.insert(store, order("heir", &msisdn(3))));
    let mut last = Box::pin(recorder.insert(store, order("last", &msisdn(4))));
    for waiting in [&mut quitter, &mut heir, &mut last] {
        assert!(
            futures::poll!(waiting).is_pending(),
            "queued behind the leader"
        );
    }
    // The leader finishes and hands the lead to `quitter`, who is dropped before taking
    // it: the lead passes on to `heir`, who records itself and `last`.
    assert_eq!(leader.await.unwrap(), None);
    drop(quitter);
    assert_eq!(
        tokio::time::timeout(within, heir).await.unwrap().unwrap(),
        None
    );
    assert_eq!(
        tokio::time::timeout(within, last).await.unwrap().unwrap(),
        None
    );
    assert!(store.order(&order_id("quit")).await.unwrap().is_none());
    // Nothing is left busy: a new order is recorded at once.
    let alone = recorder.insert(store, order("alone", &msisdn(5)));
    assert_eq!(
        tokio::time::timeout(within, alone).await.unwrap().unwrap(),
        None
    );
    assert_eq!(recorder.group_inserts(), 3);
}

/// Counts the member rows of `who` (an UPDATE that changes nothing reports the match).
async fn member_rows(ctx: &Ctx, who: &giftgate_actors::domain::Msisdn) -> u64 {
    ctx.execute(&format!(
        "UPDATE subscribers SET joined_at = joined_at WHERE msisdn = '{}'",
        who.as_str()
    ))
    .await
    .unwrap()
}

async fn a_recorded_order_makes_its_sender_a_member(ctx: Ctx) {
    let buyer = msisdn(1);
    assert_eq!(member_rows(&ctx, &buyer).await, 0);
    ctx.store
        .insert_order(&order("ord-1", &buyer))
        .await
        .unwrap();
    assert_eq!(member_rows(&ctx, &buyer).await, 1);
    // A second order, and a replay of the first, leave one membership.
    ctx.store
        .insert_order(&order("ord-2", &buyer))
        .await
        .unwrap();
    ctx.store
        .insert_order(&order("ord-1", &buyer))
        .await
        .unwrap();
    assert_eq!(member_rows(&ctx, &buyer).await, 1);
    assert_eq!(member_rows(&ctx, &msisdn(2)).await, 0);
}

async fn pending_orders_are_listed_oldest_first_before_a_time(ctx: Ctx) {
    let who = msisdn(1);
    for (id, offset) in [("b", 20), ("a", 10), ("c", 30)] {
        let mut record = order(id, &who);
        record.created_at = at(offset);
        ctx.store.insert_order(&record).await.unwrap();
    }
    ctx.store
        .commit(Changes {
            orders: vec![OrderUpdate {
                order_id: order_id("a"),
                status: OrderStatus::Completed,
                reason: None,
                detail: None,
                outcome: Some(serde_json::json!({"certificates": ["1"]})),
            }],
            ..Changes::default()
        })
        .await
        .unwrap();
    let pending = ctx.store.pending_orders(at(30), 10).await.unwrap();
    let ids: Vec<&str> = pending.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(
        ids,
        ["b"],
        "completed and not-yet-arrived orders are not listed"
    );
    let pending = ctx.store.pending_orders(at(31), 1).await.unwrap();
    assert_eq!(pending.len(), 1, "limit");
    let done = ctx.store.order(&order_id("a")).await.unwrap().unwrap();
    assert_eq!(done.status, OrderStatus::Completed);
    assert_eq!(
        done.outcome,
        Some(serde_json::json!({"certificates": ["1"]}))
    );
}

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
        support::payment("ord-1", &giver, krw(50_000), PaymentState::Charged)
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

fn redemption_changes(
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
async fn redeemed_once(ctx: &Ctx) -> (Certificate, i64, usize) {
    let issued = issue(&ctx.store, 1, &msisdn(1), krw(50_000)).await;
    ctx.store
        .commit(redemption_changes(&issued, "r1", "m_1", "k1", krw(10_000)))
        .await
        .unwrap();
    let journal_before = journal_rows(&ctx.store).await;
    let outbox_before = ctx.store.outbox_pending(100).await.unwrap().len();
    (issued, journal_before, outbox_before)
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
            new_payments: vec![support::payment(
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

async fn outbox_delivers_in_commit_order_with_retry_and_park(ctx: Ctx) {
    let a = msisdn(1);
    let b = msisdn(2);
    ctx.store
        .commit(Changes {
            outbox: vec![event("e.1", &a), sms(&a, "one"), event("e.2", &b)],
            ..Changes::default()
        })
        .await
        .unwrap();
    ctx.store
        .commit(Changes {
            outbox: vec![sms(&b, "two"), event("e.3", &a)],
            ..Changes::default()
        })
        .await
        .unwrap();

    let now = Utc::now();
    let events = ctx.store.outbox_due("event", now, 10).await.unwrap();
    let types: Vec<String> = events
        .iter()
        .map(|r| match &r.message {
            giftgate_actors::domain::OutboxMessage::Event { event, .. } => event.event_type.clone(),
            other => panic!("wrong channel {other:?}"),
        })
        .collect();
    assert_eq!(types, ["e.1", "e.2", "e.3"]);
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(events[0].message.partition_key(), a.to_string());
    let texts = ctx.store.outbox_due("sms", now, 10).await.unwrap();
    assert_eq!(texts.len(), 2);
    assert_eq!(
        ctx.store.outbox_due("event", now, 2).await.unwrap().len(),
        2,
        "limit"
    );
    assert!(
        ctx.store
            .outbox_due("mms", now, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Delivered entries are gone; a retried one comes back when due; a parked one never.
    ctx.store.outbox_delivered(&[events[0].id]).await.unwrap();
    ctx.store.outbox_delivered(&[]).await.unwrap();
    let later = now + chrono::Duration::seconds(30);
    ctx.store
        .outbox_retry_at(events[1].id, "broker down", later)
        .await
        .unwrap();
    ctx.store.outbox_park(events[2].id, "poison").await.unwrap();
    assert!(
        ctx.store
            .outbox_due("event", now, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = ctx.store.outbox_due("event", later, 10).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!((retried[0].id, retried[0].attempts), (events[1].id, 1));

    let pending = ctx.store.outbox_pending(10).await.unwrap();
    let pending_ids: Vec<i64> = pending.iter().map(|r| r.id).collect();
    assert_eq!(
        pending_ids,
        [texts[0].id, events[1].id, texts[1].id, events[2].id]
    );

    assert!(is_not_found(
        &ctx.store.outbox_retry_at(9_999, "x", later).await
    ));
    assert!(is_not_found(&ctx.store.outbox_park(9_999, "x").await));
}

async fn an_unreadable_outbox_entry_is_parked_not_blocking(ctx: Ctx) {
    let a = msisdn(1);
    ctx.store
        .commit(Changes {
            outbox: vec![event("e.1", &a)],
            ..Changes::default()
        })
        .await
        .unwrap();
    ctx.execute(
        "INSERT INTO outbox (channel, partition_key, payload, created_at, attempts) \
         VALUES ('event', 'x', 'not json', '2026-03-01T09:00:00+00:00', 0)",
    )
    .await
    .unwrap();
    ctx.store
        .commit(Changes {
            outbox: vec![event("e.2", &a)],
            ..Changes::default()
        })
        .await
        .unwrap();
    let due = ctx.store.outbox_due("event", Utc::now(), 10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(
        ctx.store.outbox_due("event", Utc::now(), 10).await.unwrap(),
        due
    );
}

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

async fn expiring_certificates_and_due_gifts_include_now(ctx: Ctx) {
    let owner = msisdn(1);
    ctx.store.upsert_product(&product()).await.unwrap();
    let now = at(1_000);
    let mut at_now = certificate(1, "ord-1", &owner, krw(1_000));
    at_now.expires_at = Some(now);
    let mut earlier = certificate(2, "ord-2", &owner, krw(1_000));
    earlier.expires_at = Some(at(999));
    earlier.status = CertificateStatus::PendingGift;
    let mut later = certificate(3, "ord-3", &owner, krw(1_000));
    later.expires_at = Some(at(1_001));
    let mut never = certificate(4, "ord-4", &owner, krw(1_000));
    never.expires_at = None;
    let mut used = certificate(5, "ord-5", &owner, krw(1_000));
    used.expires_at = Some(at(1));
    used.balance = krw(0);
    used.status = CertificateStatus::Redeemed;
    ctx.store
        .commit(Changes {
            new_certificates: vec![at_now.clone(), earlier.clone(), later, never, used],
            ..Changes::default()
        })
        .await
        .unwrap();
    let expiring = ctx.store.certificates_expiring(now, 10).await.unwrap();
    assert_eq!(expiring, vec![earlier.clone(), at_now]);
    assert_eq!(
        ctx.store.certificates_expiring(now, 1).await.unwrap(),
        vec![earlier]
    );

    let giver = msisdn(2);
    let due_now = gift("g-now", "o1", &giver, &owner, vec![code(1)], now);
    let due_before = gift("g-before", "o2", &giver, &owner, vec![code(2)], at(10));
    let not_yet = gift("g-later", "o3", &giver, &owner, vec![code(3)], at(1_001));
    let mut answered = gift("g-done", "o4", &giver, &owner, vec![code(4)], at(5));
    answered.state = GiftState::Accepted;
    ctx.store
        .commit(Changes {
            new_gifts: vec![due_now.clone(), due_before.clone(), not_yet, answered],
            ..Changes::default()
        })
        .await
        .unwrap();
    assert_eq!(
        ctx.store.gifts_due(now, 10).await.unwrap(),
        vec![due_before, due_now]
    );
}

async fn carrier_billed_since_sums_reserved_and_charged_less_refunds(ctx: Ctx) {
    let who = msisdn(1);
    let mut refunded = payment("o-refunded", &who, krw(10_000), PaymentState::Refunded);
    refunded.refunded = krw(10_000);
    let mut partly = payment("o-partly", &who, krw(20_000), PaymentState::Charged);
    partly.refunded = krw(5_000);
    let mut old = payment("o-old", &who, krw(40_000), PaymentState::Charged);
    old.created_at = at(-1);
    let mut card = payment("o-card", &who, krw(80_000), PaymentState::Charged);
    card.method = "card".to_owned();
    let payments = vec![
        payment("o-reserved", &who, krw(1_000), PaymentState::Reserved),
        payment("o-charged", &who, krw(2_000), PaymentState::Charged),
        payment("o-declined", &who, krw(4_000), PaymentState::Declined),
        payment("o-released", &who, krw(8_000), PaymentState::Released),
        payment("o-initiated", &who, krw(16_000), PaymentState::Initiated),
        payment("o-other", &msisdn(2), krw(32_000), PaymentState::Charged),
        payment("o-usd", &who, usd_cents(500), PaymentState::Charged),
        refunded,
        partly,
        old,
        card,
    ];
    ctx.store
        .commit(Changes {
            new_payments: payments,
            ..Changes::default()
        })
        .await
        .unwrap();
    assert_eq!(
        ctx.store
            .carrier_billed_since(&who, t0(), "KRW")
            .await
            .unwrap(),
        1_000 + 2_000 + 15_000
    );
    assert_eq!(
        ctx.store
            .carrier_billed_since(&who, t0(), "USD")
            .await
            .unwrap(),
        500
    );
    assert_eq!(
        ctx.store
            .carrier_billed_since(&who, at(1), "KRW")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        ctx.store
            .carrier_billed_since(&msisdn(9), t0(), "KRW")
            .await
            .unwrap(),
        0
    );
}

async fn products_are_upserted_and_read(ctx: Ctx) {
    assert!(
        ctx.store.products().await.unwrap().is_empty(),
        "migrations seed no catalog"
    );
    let mut dept = product();
    ctx.store.upsert_product(&dept).await.unwrap();
    let mut culture = product();
    culture.id = giftgate_actors::domain::ProductId::parse("culture-10000").unwrap();
    culture.category = giftgate_actors::domain::WellKnownCategory::Culture.into();
    culture.face_value = krw(10_000);
    culture.validity_days = None;
    ctx.store.upsert_product(&culture).await.unwrap();
    dept.active = false;
    dept.name = "renamed".to_owned();
    ctx.store.upsert_product(&dept).await.unwrap();
    assert_eq!(
        ctx.store.product(&dept.id).await.unwrap(),
        Some(dept.clone())
    );
    assert_eq!(ctx.store.products().await.unwrap(), vec![culture, dept]);
    let none = giftgate_actors::domain::ProductId::parse("none").unwrap();
    assert_eq!(ctx.store.product(&none).await.unwrap(), None);
}

async fn api_keys_are_stored_once(ctx: Ctx) {
    let key = ApiKeyRecord {
        holder_id: "m_abc123".to_owned(),
        kind: KeyKind::Merchant,
        name: "Corner Books".to_owned(),
        secret_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        created_at: t0(),
        scopes: vec!["orders".to_owned(), "wallet".to_owned(), "pins".to_owned()],
        revoked_at: None,
    };
    ctx.store.insert_api_key(&key).await.unwrap();
    assert_eq!(
        ctx.store.api_key("m_abc123").await.unwrap(),
        Some(key.clone())
    );
    assert_eq!(ctx.store.api_key("m_none").await.unwrap(), None);
    let again = ctx.store.insert_api_key(&key).await;
    assert!(is_conflict(&again), "{again:?}");
    let channel = ApiKeyRecord {
        holder_id: "c_web".to_owned(),
        kind: KeyKind::Channel,
        ..key
    };
    ctx.store.insert_api_key(&channel).await.unwrap();
    assert_eq!(
        ctx.store.api_key("c_web").await.unwrap().unwrap().kind,
        KeyKind::Channel
    );
}

async fn audit_is_clean_after_issue_redeem_void_refund_expire(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    let b = issue(&ctx.store, 2, &owner, krw(30_000)).await;

    ctx.store
        .commit(redemption_changes(&a, "r1", "m_1", "k1", krw(20_000)))
        .await
        .unwrap();
    // Void r1: the value returns.
    let current = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    let mut restored = current.clone();
    restored.balance = krw(50_000);
    ctx.store
        .commit(Changes {
            certificates: vec![restored],
            voided_redemptions: vec!["r1".to_owned()],
            journal: vec![entry(JournalKind::Void, &a, krw(20_000))],
            ..Changes::default()
        })
        .await
        .unwrap();
    let current = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    ctx.store
        .commit(redemption_changes(&current, "r2", "m_1", "k2", krw(10_000)))
        .await
        .unwrap();
    // Expire what is left of A.
    let current = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    let mut expired = current.clone();
    expired.balance = krw(0);
    expired.status = CertificateStatus::Expired;
    ctx.store
        .commit(Changes {
            certificates: vec![expired],
            journal: vec![entry(JournalKind::Expire, &a, krw(40_000))],
            ..Changes::default()
        })
        .await
        .unwrap();
    // Refund B in full.
    let mut refunded = b.clone();
    refunded.balance = krw(0);
    refunded.status = CertificateStatus::Refunded;
    ctx.store
        .commit(Changes {
            certificates: vec![refunded],
            payments: vec![PaymentUpdate {
                order_id: order_id("ord-2"),
                expected: PaymentState::Charged,
                state: PaymentState::Refunded,
                reference: None,
                refunded: krw(30_000),
            }],
            journal: vec![entry(JournalKind::Refund, &b, krw(30_000))],
            ..Changes::default()
        })
        .await
        .unwrap();

    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(facts.totals.len(), 1);
    let t = &facts.totals[0];
    assert_eq!(
        (
            t.issued,
            t.redeemed,
            t.voided,
            t.refunded,
            t.expired,
            t.balances,
            t.face_values
        ),
        (80_000, 30_000, 20_000, 30_000, 40_000, 0, 80_000)
    );
    assert_eq!(
        t.issued,
        t.balances + t.redeemed - t.voided + t.refunded + t.expired
    );
    assert!(facts.certificates_off_journal.is_empty(), "{facts:?}");
    assert!(facts.charges_without_certificates.is_empty(), "{facts:?}");
    assert!(facts.certificates_without_charge.is_empty(), "{facts:?}");
    assert_eq!((facts.certificate_count, facts.journal_rows), (2, 7));
}

/// Expires a certificate's whole balance (journal `expire`, status `expired`).
async fn expire_all(store: &Arc<dyn Store>, certificate: &giftgate_actors::domain::Certificate) {
    let current = store.certificate(&certificate.code).await.unwrap().unwrap();
    let mut expired = current.clone();
    expired.balance = krw(0);
    expired.status = CertificateStatus::Expired;
    store
        .commit(Changes {
            certificates: vec![expired],
            journal: vec![entry(JournalKind::Expire, &current, current.balance)],
            ..Changes::default()
        })
        .await
        .unwrap();
}

/// Claims an expired certificate: `paid` back, `kept` as breakage, status `refunded`.
fn claim_changes(expired: &giftgate_actors::domain::Certificate, paid: i64, kept: i64) -> Changes {
    let mut refunded = expired.clone();
    refunded.status = CertificateStatus::Refunded;
    Changes {
        certificates: vec![refunded],
        journal: vec![
            entry(JournalKind::ExpiredRefund, expired, krw(paid)),
            entry(JournalKind::Breakage, expired, krw(kept)),
        ],
        ..Changes::default()
    }
}

async fn expiry_claims_balance_against_what_expired(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    let b = issue(&ctx.store, 2, &owner, krw(30_000)).await;
    expire_all(&ctx.store, &a).await;
    expire_all(&ctx.store, &b).await;
    let facts = ctx.store.audit_facts().await.unwrap();
    let t = &facts.totals[0];
    assert_eq!(
        (
            t.expired,
            t.expired_unclaimed,
            t.expired_refunded,
            t.breakage
        ),
        (80_000, 80_000, 0, 0)
    );

    let expired_a = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    ctx.store
        .commit(claim_changes(&expired_a, 45_000, 5_000))
        .await
        .unwrap();
    // The claim is guarded by the certificate's version: a second one conflicts.
    assert!(is_conflict(
        &ctx.store
            .commit(claim_changes(&expired_a, 45_000, 5_000))
            .await
    ));
    let facts = ctx.store.audit_facts().await.unwrap();
    let t = &facts.totals[0];
    assert_eq!(
        (
            t.expired,
            t.expired_unclaimed,
            t.expired_refunded,
            t.breakage
        ),
        (80_000, 30_000, 45_000, 5_000)
    );
    assert_eq!(
        t.issued,
        t.balances + t.redeemed - t.voided + t.refunded + t.expired
    );
    assert!(facts.expiry_claims_off_journal.is_empty(), "{facts:?}");
    assert!(facts.certificates_off_journal.is_empty(), "{facts:?}");
    let history = ctx
        .store
        .journal_of(
            &owner,
            &[JournalKind::ExpiredRefund, JournalKind::Breakage],
            10,
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
}

async fn audit_detects_an_expiry_claim_that_does_not_add_up(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    expire_all(&ctx.store, &a).await;
    let expired_a = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    ctx.store
        .commit(claim_changes(&expired_a, 45_000, 5_001))
        .await
        .unwrap();
    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(facts.expiry_claims_off_journal, vec![a.code.to_string()]);
    let t = &facts.totals[0];
    assert_ne!(
        t.expired,
        t.expired_unclaimed + t.expired_refunded + t.breakage
    );
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

fn queued(certificate: &giftgate_actors::domain::Certificate) -> QueuedRefund {
    QueuedRefund {
        certificate_code: certificate.code.clone(),
        order_id: order_id("refund-1"),
        payee: certificate.owner.clone(),
        amount: krw(9_000),
        kept: krw(1_000),
        basis: "expired".to_owned(),
        rail: "bank".to_owned(),
        state: QueuedRefundState::Queued,
        refused_by: "POL0254: month closed".to_owned(),
        created_at: at(5),
    }
}

async fn a_refund_is_queued_once_and_paid_once(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(10_000)).await;
    let b = issue(&ctx.store, 2, &owner, krw(10_000)).await;
    assert_eq!(ctx.store.queued_refund(&a.code).await.unwrap(), None);
    ctx.store
        .commit(Changes {
            queued_refunds: vec![queued(&a), queued(&b)],
            ..Changes::default()
        })
        .await
        .unwrap();
    assert_eq!(
        ctx.store.queued_refund(&a.code).await.unwrap(),
        Some(queued(&a))
    );
    // One refund per certificate: queuing it again conflicts and writes nothing.
    let again = ctx
        .store
        .commit(Changes {
            queued_refunds: vec![queued(&a)],
            journal: vec![entry(JournalKind::Redeem, &a, krw(1))],
            ..Changes::default()
        })
        .await;
    assert!(is_conflict(&again), "{again:?}");
    assert_eq!(journal_rows(&ctx.store).await, 2);
    assert_eq!(ctx.store.queued_refunds_of(&owner).await.unwrap().len(), 2);

    ctx.store
        .commit(Changes {
            paid_refunds: vec![a.code.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let paid = ctx.store.queued_refund(&a.code).await.unwrap().unwrap();
    assert_eq!(paid.state, QueuedRefundState::Paid);
    let still: Vec<_> = ctx
        .store
        .queued_refunds_of(&owner)
        .await
        .unwrap()
        .into_iter()
        .map(|q| q.certificate_code)
        .collect();
    assert_eq!(still, vec![b.code.clone()]);
    // Paying twice is refused by the guard; an unknown one is not found.
    assert!(is_conflict(
        &ctx.store
            .commit(Changes {
                paid_refunds: vec![a.code.clone()],
                ..Changes::default()
            })
            .await
    ));
    assert!(is_not_found(
        &ctx.store
            .commit(Changes {
                paid_refunds: vec![code(99)],
                ..Changes::default()
            })
            .await
    ));
    // A: paid without its journal row; B: queued while its certificate is still active.
    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(
        facts.refund_queue_off_journal,
        vec![a.code.to_string(), b.code.to_string()]
    );
}

async fn the_audit_accepts_a_queued_refund_paid_and_booked(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(10_000)).await;
    let mut refunding = a.clone();
    refunding.status = CertificateStatus::Refunding;
    let mut row = queued(&a);
    row.amount = krw(10_000);
    row.kept = krw(0);
    row.basis = "unused".to_owned();
    ctx.store
        .commit(Changes {
            certificates: vec![refunding],
            queued_refunds: vec![row],
            ..Changes::default()
        })
        .await
        .unwrap();
    assert!(
        ctx.store
            .audit_facts()
            .await
            .unwrap()
            .refund_queue_off_journal
            .is_empty()
    );
    let current = ctx.store.certificate(&a.code).await.unwrap().unwrap();
    let mut refunded = current.clone();
    refunded.status = CertificateStatus::Refunded;
    refunded.balance = krw(0);
    let mut booked = entry(JournalKind::Refund, &a, krw(10_000));
    booked.reference = Some("bank".to_owned());
    ctx.store
        .commit(Changes {
            certificates: vec![refunded],
            journal: vec![booked],
            paid_refunds: vec![a.code.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let facts = ctx.store.audit_facts().await.unwrap();
    assert!(facts.refund_queue_off_journal.is_empty(), "{facts:?}");
    assert!(facts.certificates_off_journal.is_empty(), "{facts:?}");
}

async fn refund_accounts_are_replaced_and_read(ctx: Ctx) {
    let who = msisdn(1);
    assert_eq!(ctx.store.refund_account(&who).await.unwrap(), None);
    let mut account = RefundAccount {
        msisdn: who.clone(),
        bank: "KB".to_owned(),
        account: "123-456".to_owned(),
        holder: "Kim".to_owned(),
    };
    ctx.store.set_refund_account(&account, at(1)).await.unwrap();
    account.account = "999-000".to_owned();
    ctx.store.set_refund_account(&account, at(2)).await.unwrap();
    assert_eq!(ctx.store.refund_account(&who).await.unwrap(), Some(account));
    assert_eq!(ctx.store.refund_account(&msisdn(2)).await.unwrap(), None);
}

async fn redeliveries_are_counted_per_order(ctx: Ctx) {
    let poison = order_id("poison-1");
    for expected in 1..=3 {
        assert_eq!(
            ctx.store
                .count_redelivery(&poison, at(expected))
                .await
                .unwrap(),
            u32::try_from(expected).unwrap()
        );
    }
    assert_eq!(
        ctx.store
            .count_redelivery(&order_id("other-1"), at(4))
            .await
            .unwrap(),
        1,
        "each order has its own count"
    );
    assert_eq!(ctx.store.prune_redeliveries(at(3)).await.unwrap(), 0);
    assert_eq!(
        ctx.store.prune_redeliveries(at(4)).await.unwrap(),
        1,
        "poison-1, last counted at 3"
    );
    assert_eq!(
        ctx.store.count_redelivery(&poison, at(5)).await.unwrap(),
        1,
        "counted afresh"
    );
}

async fn audit_detects_a_tampered_balance(ctx: Ctx) {
    let owner = msisdn(1);
    let a = issue(&ctx.store, 1, &owner, krw(50_000)).await;
    issue(&ctx.store, 2, &owner, krw(30_000)).await;
    assert!(
        ctx.store
            .audit_facts()
            .await
            .unwrap()
            .certificates_off_journal
            .is_empty()
    );

    let tampered = ctx
        .execute(&format!(
            "UPDATE certificates SET balance_minor = balance_minor - 1 WHERE code = '{}'",
            a.code
        ))
        .await
        .unwrap();
    assert_eq!(tampered, 1);
    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(facts.certificates_off_journal, vec![a.code.to_string()]);
    let t = &facts.totals[0];
    assert_ne!(
        t.issued,
        t.balances + t.redeemed - t.voided + t.refunded + t.expired
    );
}

async fn audit_detects_charges_and_certificates_without_each_other(ctx: Ctx) {
    let owner = msisdn(1);
    issue(&ctx.store, 1, &owner, krw(50_000)).await;
    // A charge that issued nothing, and a certificate whose payment was never charged.
    let uncharged = certificate(2, "ord-2", &owner, krw(10_000));
    ctx.store
        .commit(Changes {
            new_payments: vec![
                payment("ord-lost", &owner, krw(10_000), PaymentState::Charged),
                payment("ord-2", &owner, krw(10_000), PaymentState::Reserved),
            ],
            new_certificates: vec![uncharged.clone()],
            journal: vec![entry(JournalKind::Issue, &uncharged, krw(10_000))],
            ..Changes::default()
        })
        .await
        .unwrap();
    let facts = ctx.store.audit_facts().await.unwrap();
    assert_eq!(
        facts.charges_without_certificates,
        vec!["ord-lost".to_owned()]
    );
    assert_eq!(
        facts.certificates_without_charge,
        vec![uncharged.code.to_string()]
    );
    assert!(facts.certificates_off_journal.is_empty());
}

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

async fn messages_are_tracked_by_provider_id(ctx: Ctx) {
    let submitted = MessageRecord {
        message_id: "msg-1".into(),
        channel: "sms".into(),
        recipient: "+821012345678".into(),
        provider_ids: vec!["1a".into(), "1b".into()],
        raw_provider_ids: vec!["0001A".into(), "0001B".into()],
        state: MessageState::Submitted,
        detail: None,
        updated_at: Utc::now(),
    };
    ctx.store
        .commit(Changes {
            messages: vec![submitted.clone()],
            ..Changes::default()
        })
        .await
        .unwrap();
    let found = ctx
        .store
        .message_by_provider_id("sms", "1b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.message_id, "msg-1");
    assert_eq!(found.provider_ids, vec!["1a".to_owned(), "1b".to_owned()]);
    assert_eq!(
        found.raw_provider_ids,
        vec!["0001A".to_owned(), "0001B".to_owned()]
    );
    assert!(
        ctx.store
            .message_by_provider_id("mms", "1b")
            .await
            .unwrap()
            .is_none()
    );
    let delivered = MessageRecord {
        state: MessageState::Delivered,
        detail: Some("DELIVRD".into()),
        ..submitted
    };
    ctx.store
        .commit(Changes {
            messages: vec![delivered],
            ..Changes::default()
        })
        .await
        .unwrap();
    let found = ctx.store.message("msg-1").await.unwrap().unwrap();
    assert_eq!(found.state, MessageState::Delivered);
    assert_eq!(found.detail.as_deref(), Some("DELIVRD"));
    assert_eq!(
        found.provider_ids.len(),
        2,
        "provider ids are not duplicated"
    );
    assert!(ctx.store.message("nope").await.unwrap().is_none());
}

async fn contents_are_upserted_and_listed_without_bytes(ctx: Ctx) {
    let item = ContentItem {
        id: ContentId::parse("card-9").unwrap(),
        kind: "theme_card".into(),
        title: "Spring".into(),
        mime: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        created_at: Utc::now(),
    };
    ctx.store.upsert_content(&item).await.unwrap();
    let read = ctx.store.content(&item.id).await.unwrap().unwrap();
    assert_eq!(read.bytes, item.bytes);
    assert_eq!(read.title, "Spring");
    let listed = ctx.store.contents().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].0.bytes.is_empty());
    assert_eq!(listed[0].1, 7);
    ctx.store
        .upsert_content(&ContentItem {
            title: "Summer".into(),
            ..item.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        ctx.store.content(&item.id).await.unwrap().unwrap().title,
        "Summer"
    );
    assert!(
        ctx.store
            .content(&ContentId::parse("none").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn handsets_are_mms_capable_unless_marked(ctx: Ctx) {
    let someone = msisdn(7);
    assert!(
        ctx.store.mms_capable(&someone).await.unwrap(),
        "unknown subscribers: yes"
    );
    ctx.store.set_mms_capable(&someone, false).await.unwrap();
    assert!(!ctx.store.mms_capable(&someone).await.unwrap());
    ctx.store.set_mms_capable(&someone, true).await.unwrap();
    assert!(ctx.store.mms_capable(&someone).await.unwrap());
}

async fn a_key_rotates_in_place_and_a_revoked_key_stays_revoked(ctx: Ctx) {
    let key = ApiKeyRecord {
        holder_id: "c_callcenter".to_owned(),
        kind: KeyKind::Channel,
        name: "Call center".to_owned(),
        secret_hash: "old-hash".to_owned(),
        created_at: t0(),
        scopes: vec!["wallet".to_owned()],
        revoked_at: None,
    };
    ctx.store.insert_api_key(&key).await.unwrap();
    assert_eq!(
        ctx.store
            .api_key("c_callcenter")
            .await
            .unwrap()
            .unwrap()
            .scopes,
        vec!["wallet".to_owned()]
    );
    // The kind must match: a merchant route cannot rotate a channel's key.
    assert!(
        !ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Merchant, "x")
            .await
            .unwrap()
    );
    assert!(
        ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Channel, "new-hash")
            .await
            .unwrap()
    );
    let rotated = ctx.store.api_key("c_callcenter").await.unwrap().unwrap();
    assert_eq!(rotated.secret_hash, "new-hash");
    assert!(
        !ctx.store
            .rotate_api_key("c_none", KeyKind::Channel, "x")
            .await
            .unwrap()
    );

    assert!(
        ctx.store
            .revoke_api_key("c_callcenter", KeyKind::Channel, t0())
            .await
            .unwrap()
    );
    let revoked = ctx.store.api_key("c_callcenter").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(t0()));
    assert!(
        !ctx.store
            .revoke_api_key("c_callcenter", KeyKind::Channel, t0())
            .await
            .unwrap(),
        "revoked once"
    );
    assert!(
        !ctx.store
            .rotate_api_key("c_callcenter", KeyKind::Channel, "again")
            .await
            .unwrap(),
        "a revoked key is not brought back by rotation"
    );
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

async fn an_outbox_claim_is_held_by_one_dispatcher_and_keeps_each_handsets_order(ctx: Ctx) {
    let a = msisdn(1);
    let b = msisdn(2);
    ctx.store
        .commit(Changes {
            outbox: vec![sms(&a, "a1"), sms(&a, "a2"), sms(&b, "b1"), sms(&a, "a3")],
            ..Changes::default()
        })
        .await
        .unwrap();
    let now = Utc::now();
    let lease = now + chrono::Duration::seconds(60);
    let first = ctx.store.outbox_claim("sms", now, 2, lease).await.unwrap();
    assert_eq!(first.len(), 2, "the limit");
    assert!(first[0].id < first[1].id, "commit order");
    // Another dispatcher gets what is left, never the first's; a3 waits behind a1 and a2.
    let second = ctx.store.outbox_claim("sms", now, 10, lease).await.unwrap();
    let keys: Vec<String> = second.iter().map(|r| r.message.partition_key()).collect();
    assert_eq!(keys, [b.to_string()], "a3 waits while a1 and a2 are out");
    assert!(
        ctx.store
            .outbox_claim("sms", now, 10, lease)
            .await
            .unwrap()
            .is_empty()
    );

    // a1 delivered, a2 set for a retry later: a3 still waits for a2.
    ctx.store.outbox_delivered(&[first[0].id]).await.unwrap();
    let retry = now + chrono::Duration::seconds(30);
    ctx.store
        .outbox_retry_at(first[1].id, "throttled", retry)
        .await
        .unwrap();
    let after_lease = lease + chrono::Duration::seconds(1);
    let again = ctx
        .store
        .outbox_claim("sms", retry, 10, after_lease)
        .await
        .unwrap();
    let texts: Vec<i64> = again.iter().map(|r| r.id).collect();
    assert_eq!(texts.len(), 2, "a2 due again, and a3 behind it: {again:?}");
    assert_eq!(texts[0], first[1].id, "a2 first");
    ctx.store.outbox_delivered(&[again[0].id]).await.unwrap();
    // Leases that ran out (the dispatchers died) make their entries due again.
    let rest = ctx
        .store
        .outbox_claim(
            "sms",
            after_lease,
            10,
            after_lease + chrono::Duration::seconds(60),
        )
        .await
        .unwrap();
    let keys: Vec<String> = rest.iter().map(|r| r.message.partition_key()).collect();
    assert_eq!(
        keys,
        [b.to_string(), a.to_string()],
        "the unfinished b1 and a3"
    );
}

async fn concurrent_outbox_claims_never_share_an_entry(ctx: Ctx) {
    let outbox = (0..60).map(|n| sms(&msisdn(n % 20), "x")).collect();
    ctx.store
        .commit(Changes {
            outbox,
            ..Changes::default()
        })
        .await
        .unwrap();
    let now = Utc::now();
    let lease = now + chrono::Duration::seconds(60);
    let claims = join_all((0..4).map(|_| {
        let store = Arc::clone(&ctx.store);
        async move { store.outbox_claim("sms", now, 15, lease).await.unwrap() }
    }))
    .await;
    let mut ids: Vec<i64> = claims.iter().flatten().map(|r| r.id).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no entry in two claims");
    assert!(claimed >= 15, "{claimed}");
}
