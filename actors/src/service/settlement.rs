//! What a reconciliation writes: the refund of an orphan rail charge (`--repair`) and the
//! day's `settlement.reconciled` event.
//!
//! A repair refunds the whole charge through its rail with the refund key
//! [`REPAIR_REFUND_KEY`] (correlator `{order_id}:refund:reconcile`), then records it —
//! the repair row and a `settlement.repaired` event in one commit. The row is unique per
//! rail and order and is part of giftgate's side of later comparisons, so a second run
//! finds nothing to repair; a run that died between the refund and the commit refunds
//! again with the same key, which the rail answers as the same refund.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::error::ServiceError;
use super::reconcile::{Comparison, Mismatch, MismatchKind};
use crate::domain::{
    Event, EventType, Msisdn, OrderId, OutboxMessage, PaymentState, REPAIR_REFUND_KEY, Rail,
    Settlement, SettlementRepair,
};
use crate::ports::{Changes, PaymentError, PaymentRail, PaymentRequest, Store, StoreError};

/// What became of one repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepairOutcome {
    /// Refunded at the rail and recorded.
    Repaired(SettlementRepair),
    /// Left alone, and why (not an orphan, payer unknown, the rail refused, …).
    Skipped(String),
}

/// Refunds an orphan charge ([`MismatchKind::ChargedNotIssued`]) through `rail` (the
/// client of the mismatch's rail) and records the repair; anything else is skipped with
/// the reason.
pub async fn repair_orphan(
    store: &dyn Store,
    rail: &dyn PaymentRail,
    mismatch: &Mismatch,
    now: DateTime<Utc>,
) -> Result<RepairOutcome, ServiceError> {
    let skip = |why: String| Ok(RepairOutcome::Skipped(why));
    if mismatch.kind != MismatchKind::ChargedNotIssued {
        return skip(format!(
            "{} is not repaired by rule",
            mismatch.kind.as_str()
        ));
    }
    let Some(record) = &mismatch.rail_record else {
        return skip("no rail record".to_owned());
    };
    let Some(reference) = record.rail_reference.clone() else {
        return skip("the rail record has no payment reference".to_owned());
    };
    let Ok(order_id) = OrderId::parse(&record.order_id) else {
        return skip(format!("{:?} is not an order reference", record.order_id));
    };
    let payment = store.payment(&order_id).await?;
    if let Some(payment) = &payment {
        match payment.state {
            PaymentState::Initiated | PaymentState::Reserved => {
                return skip("the order is still being paid; recovery settles it".to_owned());
            }
            PaymentState::Charged | PaymentState::Refunded => {
                return skip("giftgate booked this charge on another day".to_owned());
            }
            PaymentState::Released | PaymentState::Declined => {}
        }
    }
    let payer = match (&record.payer, &payment) {
        (Some(payer), _) => Msisdn::from_e164_unchecked(payer.clone()),
        (None, Some(payment)) => payment.msisdn.clone(),
        (None, None) => return skip("the rail does not say who paid".to_owned()),
    };
    let settlement = match record.rail {
        Rail::Carrier => Settlement::Carrier,
        Rail::Psp => Settlement::Card {
            token: String::new(),
        },
    };
    let request = PaymentRequest {
        order_id: order_id.clone(),
        payer: payer.clone(),
        settlement,
        amount: record.amount,
        description: format!("refund of unmatched charge {reference}"),
    };
    match rail
        .refund(&request, &reference, record.amount, REPAIR_REFUND_KEY)
        .await
    {
        Ok(()) => {}
        Err(PaymentError::Unknown(detail)) => return Err(ServiceError::PaymentUnknown(detail)),
        Err(refused) => return skip(format!("the rail refused the refund: {refused}")),
    }
    let repair = SettlementRepair {
        rail: record.rail,
        order_id: record.order_id.clone(),
        rail_reference: reference.clone(),
        payer: Some(payer.as_str().to_owned()),
        amount: record.amount,
        charged_at: record.at,
        repaired_at: now,
    };
    let event = Event::new(EventType::SettlementRepaired, now)
        .with_order(&order_id)
        .with_msisdn(&payer)
        .with_amount(record.amount)
        .with_reason(
            MismatchKind::ChargedNotIssued.as_str(),
            &format!(
                "{} charge {reference} refunded with key {REPAIR_REFUND_KEY}",
                record.rail.as_str()
            ),
        );
    match store
        .commit(Changes {
            settlement_repairs: vec![repair.clone()],
            outbox: vec![OutboxMessage::event(event)],
            ..Changes::default()
        })
        .await
    {
        Ok(()) => Ok(RepairOutcome::Repaired(repair)),
        Err(StoreError::Conflict(_)) => skip("already repaired by another run".to_owned()),
        Err(error) => Err(error.into()),
    }
}

/// Publishes the day's result as a `settlement.reconciled` event through the outbox:
/// the day, both sides' counts and totals, the mismatches by kind and the repairs made.
pub async fn publish_reconciled(
    store: &dyn Store,
    comparison: &Comparison,
    repaired: usize,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for mismatch in &comparison.mismatches {
        *by_kind.entry(mismatch.kind.as_str()).or_default() += 1;
    }
    let event = Event::new(EventType::SettlementReconciled, now).with_outcome(json!({
        "day": comparison.day.to_string(),
        "giftgate": comparison.ours,
        "rails": comparison.theirs,
        "mismatches": comparison.mismatches.len(),
        "mismatches_by_kind": by_kind,
        "repaired": repaired,
    }));
    store
        .commit(Changes {
            outbox: vec![OutboxMessage::event(event)],
            ..Changes::default()
        })
        .await?;
    Ok(())
}
