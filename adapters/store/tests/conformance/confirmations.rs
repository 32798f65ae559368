//! Requests waiting for a subscriber's `YES` in the store, on both backends: stored with
//! their deadline and number, listed, settled once, due at their deadline, and
//! committed all or nothing with the gift they belong to.

use crate::support::*;
use chrono::Duration;
use giftgate_actors::domain::{
    Confirmation, ConfirmationId, ConfirmationState, ConfirmationUpdate, GiftState, Msisdn,
    PendingAction, ProductId,
};
use giftgate_actors::ports::{Changes, StoreError};

conformance!(
    a_request_is_stored_and_read_back_with_its_number_and_deadline,
    a_number_is_unique_among_a_subscribers_waiting_requests,
    a_request_is_settled_once,
    requests_are_due_at_their_deadline_until_settled,
    a_gift_and_its_request_commit_all_or_nothing,
);

fn purchase_request(id: &str, who: &Msisdn, number: u32, offset: i64) -> Confirmation {
    Confirmation {
        id: ConfirmationId::parse(id).unwrap(),
        msisdn: who.clone(),
        number,
        action: PendingAction::Purchase {
            product_id: ProductId::parse("ACC-B3A7EA").unwrap(),
            quantity: 2,
        },
        state: ConfirmationState::Waiting,
        created_at: at(offset),
        expires_at: at(offset + 300),
    }
}

fn settle(id: &str, state: ConfirmationState) -> Changes {
    Changes {
        confirmations: vec![ConfirmationUpdate {
            id: ConfirmationId::parse(id).unwrap(),
            state,
            settled_at: at(10),
        }],
        ..Changes::default()
    }
}

async fn store_requests(ctx: &Ctx, requests: Vec<Confirmation>) -> Result<(), StoreError> {
    ctx.store
        .commit(Changes {
            new_confirmations: requests,
            ..Changes::default()
        })
        .await
}

async fn a_request_is_stored_and_read_back_with_its_number_and_deadline(ctx: Ctx) {
    let buyer = msisdn(1);
    let request = purchase_request("c1", &buyer, 1, 0);
    store_requests(&ctx, vec![request.clone()]).await.unwrap();
    let read = ctx.store.confirmation(&request.id).await.unwrap().unwrap();
    assert_eq!(read, request);
    assert_eq!(
        ctx.store.confirmations_waiting(&buyer).await.unwrap(),
        vec![request.clone()]
    );
    assert!(
        ctx.store
            .confirmations_waiting(&msisdn(2))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        ctx.store
            .confirmation(&ConfirmationId::parse("nosuch").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_number_is_unique_among_a_subscribers_waiting_requests(ctx: Ctx) {
    let buyer = msisdn(1);
    store_requests(&ctx, vec![purchase_request("c1", &buyer, 1, 0)])
        .await
        .unwrap();
    let taken = store_requests(&ctx, vec![purchase_request("c2", &buyer, 1, 1)]).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    // Another subscriber's number 1 is theirs.
    store_requests(&ctx, vec![purchase_request("c3", &msisdn(2), 1, 1)])
        .await
        .unwrap();
    // A settled request frees its number.
    ctx.store
        .commit(settle("c1", ConfirmationState::Cancelled))
        .await
        .unwrap();
    store_requests(&ctx, vec![purchase_request("c4", &buyer, 1, 2)])
        .await
        .unwrap();
    store_requests(&ctx, vec![purchase_request("c5", &buyer, 2, 3)])
        .await
        .unwrap();
    let numbers: Vec<(String, u32)> = ctx
        .store
        .confirmations_waiting(&buyer)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id.to_string(), c.number))
        .collect();
    assert_eq!(numbers, [("c4".to_owned(), 1), ("c5".to_owned(), 2)]);
}

async fn a_request_is_settled_once(ctx: Ctx) {
    let buyer = msisdn(1);
    store_requests(&ctx, vec![purchase_request("c1", &buyer, 1, 0)])
        .await
        .unwrap();
    ctx.store
        .commit(settle("c1", ConfirmationState::Confirmed))
        .await
        .unwrap();
    let again = ctx
        .store
        .commit(settle("c1", ConfirmationState::Expired))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let missing = ctx
        .store
        .commit(settle("nosuch", ConfirmationState::Expired))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    let stored = ctx
        .store
        .confirmation(&ConfirmationId::parse("c1").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, ConfirmationState::Confirmed);
    assert!(
        ctx.store
            .confirmations_waiting(&buyer)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn requests_are_due_at_their_deadline_until_settled(ctx: Ctx) {
    let buyer = msisdn(1);
    store_requests(
        &ctx,
        vec![
            purchase_request("c1", &buyer, 1, 0),
            purchase_request("c2", &buyer, 2, 60),
            purchase_request("c3", &msisdn(2), 1, 0),
        ],
    )
    .await
    .unwrap();
    let due = |now| {
        let store = ctx.store.clone();
        async move {
            store
                .confirmations_due(now, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert!(due(at(299)).await.is_empty());
    assert_eq!(
        due(at(300)).await,
        ["c1", "c3"],
        "the deadline itself is due"
    );
    assert_eq!(due(at(360)).await, ["c1", "c3", "c2"]);
    ctx.store
        .commit(settle("c1", ConfirmationState::Expired))
        .await
        .unwrap();
    assert_eq!(due(at(360)).await, ["c3", "c2"]);
    assert_eq!(
        ctx.store.confirmations_due(at(360), 1).await.unwrap().len(),
        1,
        "the limit holds"
    );
}

async fn a_gift_and_its_request_commit_all_or_nothing(ctx: Ctx) {
    let giver = msisdn(1);
    let certificate = issue(&ctx.store, 1, &giver, krw(10_000)).await;
    store_requests(&ctx, vec![purchase_request("c1", &giver, 1, 0)])
        .await
        .unwrap();
    let mut waiting_gift = gift(
        "gabc",
        "ord-1",
        &giver,
        &msisdn(2),
        vec![certificate.code.clone()],
        t0() + Duration::days(7),
    );
    waiting_gift.state = GiftState::AwaitingConfirmation;
    let request = |number| Confirmation {
        id: ConfirmationId::of_gift(&waiting_gift.id),
        number,
        action: PendingAction::Gift {
            gift_id: waiting_gift.id.clone(),
        },
        ..purchase_request("x", &giver, number, 0)
    };
    let clash = ctx
        .store
        .commit(Changes {
            new_gifts: vec![waiting_gift.clone()],
            new_confirmations: vec![request(1)],
            ..Changes::default()
        })
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert!(
        ctx.store.gift(&waiting_gift.id).await.unwrap().is_none(),
        "nothing written"
    );
    ctx.store
        .commit(Changes {
            new_gifts: vec![waiting_gift.clone()],
            new_confirmations: vec![request(2)],
            ..Changes::default()
        })
        .await
        .unwrap();
    let stored = ctx
        .store
        .confirmation(&ConfirmationId::of_gift(&waiting_gift.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, request(2));
    assert_eq!(
        ctx.store.confirmations_waiting(&giver).await.unwrap().len(),
        2
    );
}
