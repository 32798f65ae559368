//! Rows of `orders` and `payments`.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{Msisdn, OrderRecord, OrderStatus, Payment, PaymentState};
use giftgate_actors::ports::StoreError;

use super::{json, money, order_id, parsed};

/// An `orders` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OrderRow {
    order_id: String,
    order_type: String,
    msisdn: String,
    body: String,
    status: String,
    reason: Option<String>,
    detail: Option<String>,
    outcome: Option<String>,
    reply_to: Option<String>,
    correlation_id: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<OrderRow> for OrderRecord {
    type Error = StoreError;
    fn try_from(row: OrderRow) -> Result<Self, StoreError> {
        Ok(OrderRecord {
            order_id: order_id(&row.order_id)?,
            order_type: row.order_type,
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            body: json("order body", &row.body)?,
            status: parsed("order status", &row.status, OrderStatus::parse)?,
            reason: row.reason,
            detail: row.detail,
            outcome: row
                .outcome
                .map(|text| json("order outcome", &text))
                .transpose()?,
            reply_to: row.reply_to,
            correlation_id: row.correlation_id,
            created_at: row.created_at,
        })
    }
}

/// A `payments` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PaymentRow {
    order_id: String,
    msisdn: String,
    method: String,
    reference: Option<String>,
    amount_minor: i64,
    refunded_minor: i64,
    currency: String,
    state: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = StoreError;
    fn try_from(row: PaymentRow) -> Result<Self, StoreError> {
        Ok(Payment {
            order_id: order_id(&row.order_id)?,
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            method: row.method,
            reference: row.reference,
            amount: money(row.amount_minor, &row.currency)?,
            refunded: money(row.refunded_minor, &row.currency)?,
            state: parsed("payment state", &row.state, PaymentState::parse)?,
            created_at: row.created_at,
        })
    }
}
