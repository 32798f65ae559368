//! Orders: idempotent inserts, batches and group inserts, pending orders, members and
//! redelivery counts.

use futures::future::join_all;
use giftgate_actors::domain::{OrderRecord, OrderStatus};
use giftgate_actors::ports::{Changes, OrderUpdate};
use giftgate_actors::service::order_recorder::OrderRecorder;

use crate::support::*;

conformance!(
    insert_order_is_idempotent_and_returns_the_first_order,
    insert_orders_records_the_new_ones_and_names_them,
    orders_recorded_together_share_inserts_and_replays_find_the_first,
    a_store_that_refuses_order_inserts_fails_each_caller_and_stalls_nothing,
    a_recorded_order_makes_its_sender_a_member,
    pending_orders_are_listed_oldest_first_before_a_time,
    redeliveries_are_counted_per_order,
);

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
