//! Rows the audit and the settlement read: per-currency totals, settlement records and
//! reconciliation repairs.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{Rail, SettlementKind, SettlementRecord, SettlementRepair};
use giftgate_actors::ports::{CurrencyTotals, StoreError};

use super::{money, parsed};

/// One currency's line of the audit totals.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct TotalsRow {
    currency: String,
    issued: i64,
    redeemed: i64,
    voided: i64,
    refunded: i64,
    expired: i64,
    expired_unclaimed: i64,
    expired_refunded: i64,
    breakage: i64,
    balances: i64,
    face_values: i64,
}

impl From<TotalsRow> for CurrencyTotals {
    fn from(row: TotalsRow) -> Self {
        CurrencyTotals {
            currency: row.currency,
            issued: row.issued,
            redeemed: row.redeemed,
            voided: row.voided,
            refunded: row.refunded,
            expired: row.expired,
            expired_unclaimed: row.expired_unclaimed,
            expired_refunded: row.expired_refunded,
            breakage: row.breakage,
            balances: row.balances,
            face_values: row.face_values,
        }
    }
}

/// A row of the day's settlement (`SETTLEMENT_RECORDS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SettlementRow {
    rail: String,
    kind: String,
    order_id: String,
    refund_key: String,
    amount_minor: i64,
    currency: String,
    reference: Option<String>,
    payer: Option<String>,
    at: DateTime<Utc>,
}

impl TryFrom<SettlementRow> for SettlementRecord {
    type Error = StoreError;
    fn try_from(row: SettlementRow) -> Result<Self, StoreError> {
        Ok(SettlementRecord {
            rail: parsed("rail", &row.rail, Rail::parse)?,
            kind: parsed("settlement kind", &row.kind, SettlementKind::parse)?,
            order_id: row.order_id,
            refund_key: row.refund_key,
            amount: money(row.amount_minor, &row.currency)?,
            rail_reference: row.reference,
            payer: row.payer,
            at: row.at,
        })
    }
}

/// A `settlement_repairs` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SettlementRepairRow {
    rail: String,
    order_id: String,
    reference: String,
    payer: Option<String>,
    amount_minor: i64,
    currency: String,
    charged_at: DateTime<Utc>,
    repaired_at: DateTime<Utc>,
}

impl TryFrom<SettlementRepairRow> for SettlementRepair {
    type Error = StoreError;
    fn try_from(row: SettlementRepairRow) -> Result<Self, StoreError> {
        Ok(SettlementRepair {
            rail: parsed("rail", &row.rail, Rail::parse)?,
            order_id: row.order_id,
            rail_reference: row.reference,
            payer: row.payer,
            amount: money(row.amount_minor, &row.currency)?,
            charged_at: row.charged_at,
            repaired_at: row.repaired_at,
        })
    }
}
