//! The outbox: commit order, retries and parking, claims held by one dispatcher.

use std::sync::Arc;

use chrono::Utc;
use futures::future::join_all;
use giftgate_actors::domain::OutboxChannel;
use giftgate_actors::ports::Changes;

use crate::is_not_found;
use crate::support::*;

conformance!(
    outbox_delivers_in_commit_order_with_retry_and_park,
    an_outbox_claim_is_held_by_one_dispatcher_and_keeps_each_handsets_order,
    concurrent_outbox_claims_never_share_an_entry,
    an_unreadable_outbox_entry_is_parked_not_blocking,
);

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
    let events = ctx
        .store
        .outbox_due(OutboxChannel::Event, now, 10)
        .await
        .unwrap();
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
    let texts = ctx
        .store
        .outbox_due(OutboxChannel::Sms, now, 10)
        .await
        .unwrap();
    assert_eq!(texts.len(), 2);
    assert_eq!(
        ctx.store
            .outbox_due(OutboxChannel::Event, now, 2)
            .await
            .unwrap()
            .len(),
        2,
        "limit"
    );
    assert!(
        ctx.store
            .outbox_due(OutboxChannel::Mms, now, 10)
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
            .outbox_due(OutboxChannel::Event, now, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = ctx
        .store
        .outbox_due(OutboxChannel::Event, later, 10)
        .await
        .unwrap();
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
    let first = ctx
        .store
        .outbox_claim(OutboxChannel::Sms, now, 2, lease)
        .await
        .unwrap();
    assert_eq!(first.len(), 2, "the limit");
    assert!(first[0].id < first[1].id, "commit order");
    // Another dispatcher gets what is left, never the first's; a3 waits behind a1 and a2.
    let second = ctx
        .store
        .outbox_claim(OutboxChannel::Sms, now, 10, lease)
        .await
        .unwrap();
    let keys: Vec<String> = second.iter().map(|r| r.message.partition_key()).collect();
    assert_eq!(keys, [b.to_string()], "a3 waits while a1 and a2 are out");
    assert!(
        ctx.store
            .outbox_claim(OutboxChannel::Sms, now, 10, lease)
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
        .outbox_claim(OutboxChannel::Sms, retry, 10, after_lease)
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
            OutboxChannel::Sms,
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
        async move {
            store
                .outbox_claim(OutboxChannel::Sms, now, 15, lease)
                .await
                .unwrap()
        }
    }))
    .await;
    let mut ids: Vec<i64> = claims.iter().flatten().map(|r| r.id).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no entry in two claims");
    assert!(claimed >= 15, "{claimed}");
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
    let due = ctx
        .store
        .outbox_due(OutboxChannel::Event, Utc::now(), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(
        ctx.store
            .outbox_due(OutboxChannel::Event, Utc::now(), 10)
            .await
            .unwrap(),
        due
    );
}
