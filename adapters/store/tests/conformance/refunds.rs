//! Refunds queued for the fallback rail and the accounts they are paid to.

use giftgate_actors::domain::{JournalKind, QueuedRefund, QueuedRefundState, RefundAccount};
use giftgate_actors::ports::Changes;

use crate::support::*;
use crate::{is_conflict, is_not_found, journal_rows};

conformance!(
    a_refund_is_queued_once_and_paid_once,
    refund_accounts_are_replaced_and_read,
);

pub(crate) fn queued(certificate: &giftgate_actors::domain::Certificate) -> QueuedRefund {
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
