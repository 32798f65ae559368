//! Certificates and gifts due: expiry and answer deadlines include `now`; the carrier-billed
//! sum of the monthly cap.

use giftgate_actors::domain::{CertificateStatus, GiftState, PaymentState};
use giftgate_actors::ports::Changes;

use crate::support::*;

conformance!(
    expiring_certificates_and_due_gifts_include_now,
    carrier_billed_since_sums_reserved_and_charged_less_refunds,
);

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
