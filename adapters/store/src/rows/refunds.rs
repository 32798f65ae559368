//! Rows of `queued_refunds` and `refund_accounts`.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{
    CertificateCode, Msisdn, QueuedRefund, QueuedRefundState, RefundAccount,
};
use giftgate_actors::ports::StoreError;

use super::{money, order_id, parsed};

/// A `refund_queue` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct QueuedRefundRow {
    certificate_code: String,
    order_id: String,
    payee: String,
    amount_minor: i64,
    kept_minor: i64,
    currency: String,
    basis: String,
    rail: String,
    state: String,
    refused_by: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<QueuedRefundRow> for QueuedRefund {
    type Error = StoreError;
    fn try_from(row: QueuedRefundRow) -> Result<Self, StoreError> {
        Ok(QueuedRefund {
            certificate_code: CertificateCode::from_stored(row.certificate_code),
            order_id: order_id(&row.order_id)?,
            payee: Msisdn::from_e164_unchecked(row.payee),
            amount: money(row.amount_minor, &row.currency)?,
            kept: money(row.kept_minor, &row.currency)?,
            basis: row.basis,
            rail: row.rail,
            state: parsed("refund queue state", &row.state, QueuedRefundState::parse)?,
            refused_by: row.refused_by,
            created_at: row.created_at,
        })
    }
}

/// A `refund_accounts` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RefundAccountRow {
    msisdn: String,
    bank: String,
    account: String,
    holder: String,
}

impl From<RefundAccountRow> for RefundAccount {
    fn from(row: RefundAccountRow) -> Self {
        RefundAccount {
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            bank: row.bank,
            account: row.account,
            holder: row.holder,
        }
    }
}
