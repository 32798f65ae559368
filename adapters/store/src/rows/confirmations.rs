//! The `confirmations` row (requests waiting for `YES`/`NO`) and its conversion.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{
    Confirmation, ConfirmationId, ConfirmationKind, ConfirmationState, GiftId, Msisdn,
    PendingAction, ProductId,
};
use giftgate_actors::ports::StoreError;

use crate::error::corrupt;

/// A `confirmations` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ConfirmationRow {
    confirmation_id: String,
    msisdn: String,
    number: i64,
    kind: String,
    product_id: Option<String>,
    quantity: Option<i64>,
    gift_id: Option<String>,
    state: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl TryFrom<ConfirmationRow> for Confirmation {
    type Error = StoreError;
    fn try_from(row: ConfirmationRow) -> Result<Self, StoreError> {
        let kind = ConfirmationKind::parse(&row.kind)
            .ok_or_else(|| corrupt("confirmation kind", &row.kind))?;
        let action = match (kind, row.product_id, row.quantity, row.gift_id) {
            (ConfirmationKind::Purchase, Some(product_id), Some(quantity), _) => {
                PendingAction::Purchase {
                    product_id: ProductId::parse(&product_id)
                        .map_err(|e| corrupt("confirmation product", e))?,
                    quantity: u32::try_from(quantity)
                        .map_err(|e| corrupt("confirmation quantity", e))?,
                }
            }
            (ConfirmationKind::Gift, _, _, Some(gift_id)) => PendingAction::Gift {
                gift_id: GiftId::parse(&gift_id).map_err(|e| corrupt("confirmation gift", e))?,
            },
            (kind, ..) => {
                return Err(corrupt(
                    "confirmation",
                    format!("{kind} without its target"),
                ));
            }
        };
        Ok(Confirmation {
            id: ConfirmationId::parse(&row.confirmation_id)
                .map_err(|e| corrupt("confirmation id", e))?,
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            number: u32::try_from(row.number).map_err(|e| corrupt("confirmation number", e))?,
            action,
            state: ConfirmationState::parse(&row.state)
                .ok_or_else(|| corrupt("confirmation state", &row.state))?,
            created_at: row.created_at,
            expires_at: row.expires_at,
        })
    }
}

/// The stored columns of a request's target: `(product_id, quantity, gift_id)`.
pub(crate) fn target_columns(
    action: &PendingAction,
) -> (Option<String>, Option<i64>, Option<String>) {
    match action {
        PendingAction::Purchase {
            product_id,
            quantity,
        } => (
            Some(product_id.as_str().to_owned()),
            Some(i64::from(*quantity)),
            None,
        ),
        PendingAction::Gift { gift_id } => (None, None, Some(gift_id.as_str().to_owned())),
    }
}
