//! Where an order's payment stands, read from every carrier transaction that carries its
//! reference code: refunded, charged, released, reserved, declined, or not found.

use giftgate_actors::domain::{Currency, Money, OrderId};
use giftgate_actors::ports::RailStatus;
use rust_decimal::Decimal;

use super::REASON_DECLINED;
use crate::wire::{AmountTransaction, TransactionOperationStatus};

/// Where an order's payment stands, from all the transactions carrying its reference code.
pub(super) fn summarize(
    order: &OrderId,
    transactions: &[AmountTransaction],
) -> Result<RailStatus, String> {
    let ours: Vec<&AmountTransaction> = transactions
        .iter()
        .filter(|t| t.reference_code == order.as_str())
        .collect();
    let with = |status: TransactionOperationStatus| {
        ours.iter()
            .copied()
            .filter(move |t| t.transaction_operation_status == status)
    };
    let refunds: Vec<&AmountTransaction> = with(TransactionOperationStatus::Refunded).collect();
    if let Some(first) = refunds.first() {
        let currency = Currency::parse(&first.payment_amount.charging_information.currency)
            .map_err(|e| format!("refund in an unknown currency: {e}"))?;
        let total = refunds
            .iter()
            .map(|t| t.payment_amount.charging_information.amount)
            .try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount))
            .ok_or_else(|| "refunded total out of range".to_owned())?;
        let amount = Money::new(total, currency).map_err(|e| format!("refunded total: {e}"))?;
        let reference = first
            .original_server_reference_code
            .clone()
            .unwrap_or_default();
        return Ok(RailStatus::Refunded { reference, amount });
    }
    let reference_of = |t: &AmountTransaction| t.server_reference_code.clone().unwrap_or_default();
    if let Some(charge) = with(TransactionOperationStatus::Charged).next() {
        return Ok(RailStatus::Charged {
            reference: reference_of(charge),
        });
    }
    if with(TransactionOperationStatus::Released).next().is_some() {
        return Ok(RailStatus::Released);
    }
    if let Some(reservation) = with(TransactionOperationStatus::Reserved).next() {
        return Ok(RailStatus::Reserved {
            reference: reference_of(reservation),
        });
    }
    if with(TransactionOperationStatus::Denied).next().is_some() {
        return Ok(RailStatus::Declined {
            reason: REASON_DECLINED.to_owned(),
        });
    }
    Ok(RailStatus::NotFound)
}
