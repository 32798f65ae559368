//! The store's side of reconciliation, on both backends: the day's charges and refunds
//! as settlement records, and reconciliation repairs recorded once.

use crate::support::*;
use chrono::Duration;
use giftgate_actors::domain::{
    JournalKind, Payment, PaymentState, Rail, SettlementKind, SettlementRecord, SettlementRepair,
};
use giftgate_actors::ports::{Changes, StoreError};

conformance!(
    the_days_charges_and_refunds_are_its_settlement,
    a_repair_is_recorded_once_and_settles_both_ways,
);

fn summary(records: &[SettlementRecord]) -> Vec<(Rail, SettlementKind, String, String, i64)> {
    let mut rows: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.rail,
                r.kind,
                r.order_id.clone(),
                r.refund_key.clone(),
                r.amount.to_minor_units(),
            )
        })
        .collect();
    rows.sort();
    rows
}

async fn the_days_charges_and_refunds_are_its_settlement(ctx: Ctx) {
    let owner = msisdn(1);
    // ord-1: carrier, charged. ord-2: card, charged then its certificate refunded.
    issue(&ctx.store, 1, &owner, krw(50_000)).await;
    let card = issue(&ctx.store, 2, &owner, krw(30_000)).await;
    let mut refunded = card.clone();
    refunded.balance = krw(0);
    refunded.status = giftgate_actors::domain::CertificateStatus::Refunded;
    let mut refund_row = entry(JournalKind::Refund, &card, krw(30_000));
    refund_row.order_id = Some(order_id("refund-order-2"));
    // Paid back through the charge's own rail (a fallback payout would name its rail).
    refund_row.reference = Some("card".to_owned());
    refund_row.at = at(60);
    ctx.store
        .commit(Changes {
            certificates: vec![refunded],
            payments: vec![giftgate_actors::ports::PaymentUpdate {
                order_id: order_id("ord-2"),
                expected: PaymentState::Charged,
                state: PaymentState::Refunded,
                reference: None,
                refunded: krw(30_000),
            }],
            journal: vec![refund_row],
            ..Changes::default()
        })
        .await
        .unwrap();
    ctx.execute("UPDATE payments SET method = 'card' WHERE order_id = 'ord-2'")
        .await
        .unwrap();
    // Not settled: a released payment, and a charge of the day before.
    let released = payment("ord-3", &owner, krw(10_000), PaymentState::Released);
    let yesterday = Payment {
        created_at: at(-86_400),
        ..payment("ord-4", &owner, krw(10_000), PaymentState::Charged)
    };
    ctx.store
        .commit(Changes {
            new_payments: vec![released, yesterday],
            ..Changes::default()
        })
        .await
        .unwrap();

    let day_start = t0() - Duration::hours(9);
    let records = ctx
        .store
        .settlement_records(day_start, day_start + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        summary(&records),
        vec![
            (
                Rail::Carrier,
                SettlementKind::Charge,
                "ord-1".into(),
                "".into(),
                50_000
            ),
            (
                Rail::Psp,
                SettlementKind::Charge,
                "ord-2".into(),
                "".into(),
                30_000
            ),
            (
                Rail::Psp,
                SettlementKind::Refund,
                "ord-2".into(),
                card.code.as_str().into(),
                30_000
            ),
        ]
    );
    let refund = records
        .iter()
        .find(|r| r.kind == SettlementKind::Refund)
        .unwrap();
    assert_eq!(refund.at, at(60));
    assert_eq!(refund.payer.as_deref(), Some(owner.as_str()));
    let previous = ctx
        .store
        .settlement_records(day_start - Duration::days(1), day_start)
        .await
        .unwrap();
    assert_eq!(summary(&previous).len(), 1);
    assert_eq!(previous[0].order_id, "ord-4");
}

async fn a_repair_is_recorded_once_and_settles_both_ways(ctx: Ctx) {
    let repair = SettlementRepair {
        rail: Rail::Carrier,
        order_id: "orphan-1".to_owned(),
        rail_reference: "sim-1".to_owned(),
        payer: Some(msisdn(7).as_str().to_owned()),
        amount: krw(10_000),
        charged_at: t0(),
        repaired_at: at(86_400),
    };
    ctx.store
        .commit(Changes {
            settlement_repairs: vec![repair.clone()],
            outbox: vec![event("settlement.repaired", &msisdn(7))],
            ..Changes::default()
        })
        .await
        .unwrap();
    let again = ctx
        .store
        .commit(Changes {
            settlement_repairs: vec![repair.clone()],
            outbox: vec![event("settlement.repaired", &msisdn(7))],
            ..Changes::default()
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(ctx.store.outbox_pending(10).await.unwrap().len(), 1);

    let day_start = t0() - Duration::hours(9);
    let day = ctx
        .store
        .settlement_records(day_start, day_start + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(day, vec![repair.records()[0].clone()]);
    let next_day = ctx
        .store
        .settlement_records(day_start + Duration::days(1), day_start + Duration::days(2))
        .await
        .unwrap();
    assert_eq!(next_day, vec![repair.records()[1].clone()]);
    assert_eq!(next_day[0].refund_key, "reconcile");
}
