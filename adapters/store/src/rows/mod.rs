//! Row structs as the database returns them (`#[derive(sqlx::FromRow)]`, shared by both
//! backends), and their conversion into domain records.
//!
//! Every conversion re-checks what the domain checks at the edge (known enum names,
//! currencies, money scale, id syntax); a row that fails is reported as
//! [`StoreError::Corrupt`] rather than silently repaired. One file per table or topic;
//! the helpers every conversion shares are here.

mod audit;
mod catalogue;
mod certificates;
mod confirmations;
mod gifts;
mod keys;
mod messages;
mod orders;
mod refunds;

pub(crate) use audit::{SettlementRepairRow, SettlementRow, TotalsRow};
pub(crate) use catalogue::{ContentRow, ContentSummaryRow, ProductRow};
pub(crate) use certificates::{CertificateRow, JournalRow, RedemptionRow};
pub(crate) use confirmations::{ConfirmationRow, target_columns};
pub(crate) use gifts::{GiftRow, codes_text, extras_text};
pub(crate) use keys::ApiKeyRow;
pub(crate) use messages::{MessageRow, OutboxRow};
pub(crate) use orders::{OrderRow, PaymentRow};
pub(crate) use refunds::{QueuedRefundRow, RefundAccountRow};

use giftgate_actors::domain::{Currency, GiftId, Money, OrderId};
use giftgate_actors::ports::StoreError;

use crate::error::corrupt;

/// Rebuilds money from stored minor units and currency code.
pub(crate) fn money(units: i64, currency: &str) -> Result<Money, StoreError> {
    let currency = Currency::parse(currency).map_err(|e| corrupt("currency", e))?;
    Money::from_minor_units(units, currency).map_err(|e| corrupt("amount", e))
}

/// Reads a stored JSON text.
pub(crate) fn json(what: &str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

pub(super) fn order_id(text: &str) -> Result<OrderId, StoreError> {
    OrderId::parse(text).map_err(|e| corrupt("order_id", e))
}

pub(super) fn gift_id(text: &str) -> Result<GiftId, StoreError> {
    GiftId::parse(text).map_err(|e| corrupt("gift_id", e))
}

pub(super) fn count(what: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|e| corrupt(what, e))
}

pub(super) fn parsed<T>(
    what: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(text).ok_or_else(|| corrupt(what, format!("unknown value {text:?}")))
}

/// Converts every row, failing on the first that does not read back.
pub(crate) fn convert<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}
