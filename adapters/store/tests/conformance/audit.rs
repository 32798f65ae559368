//! The conservation audit: clean after every kind of movement, and what it detects.

use std::sync::Arc;

use giftgate_actors::domain::{CertificateStatus, JournalKind, PaymentState};
use giftgate_actors::ports::{Changes, PaymentUpdate, Store};

use crate::is_conflict;
use crate::redemptions::redemption_changes;
use crate::refunds::queued;
use crate::support::*;

conformance!(
    audit_is_clean_after_issue_redeem_void_refund_expire,
    expiry_claims_balance_against_what_expired,
    audit_detects_an_expiry_claim_that_does_not_add_up,
    the_audit_accepts_a_queued_refund_paid_and_booked,
    audit_detects_a_tampered_balance,
    audit_detects_charges_and_certificates_without_each_other,
);

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
