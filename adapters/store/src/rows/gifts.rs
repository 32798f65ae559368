//! The `gifts` row, and the JSON array texts it stores its extras and codes in.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{CertificateCode, ContentId, Gift, GiftState, Msisdn};
use giftgate_actors::ports::StoreError;

use super::{gift_id, order_id, parsed};
use crate::error::corrupt;

/// A `gifts` row; extras and certificate codes are JSON arrays of strings.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct GiftRow {
    gift_id: String,
    order_id: String,
    giver: String,
    transferee: String,
    message: Option<String>,
    extras: String,
    certificate_codes: String,
    state: String,
    created_at: DateTime<Utc>,
    answer_by: DateTime<Utc>,
    settled_at: Option<DateTime<Utc>>,
}

fn string_list(what: &str, text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

impl TryFrom<GiftRow> for Gift {
    type Error = StoreError;
    fn try_from(row: GiftRow) -> Result<Self, StoreError> {
        let extras = string_list("gift extras", &row.extras)?
            .iter()
            .map(|id| ContentId::parse(id).map_err(|e| corrupt("gift extra", e)))
            .collect::<Result<Vec<_>, _>>()?;
        let certificate_codes = string_list("gift certificates", &row.certificate_codes)?
            .into_iter()
            .map(CertificateCode::from_stored)
            .collect();
        Ok(Gift {
            id: gift_id(&row.gift_id)?,
            order_id: order_id(&row.order_id)?,
            giver: Msisdn::from_e164_unchecked(row.giver),
            transferee: Msisdn::from_e164_unchecked(row.transferee),
            message: row.message,
            extras,
            certificate_codes,
            state: parsed("gift state", &row.state, GiftState::parse)?,
            created_at: row.created_at,
            answer_by: row.answer_by,
            settled_at: row.settled_at,
        })
    }
}

/// The JSON array text stored for a gift's extras.
pub(crate) fn extras_text(extras: &[ContentId]) -> String {
    serde_json::Value::from(extras.iter().map(|id| id.as_str()).collect::<Vec<_>>()).to_string()
}

/// The JSON array text stored for a gift's certificate codes.
pub(crate) fn codes_text(codes: &[CertificateCode]) -> String {
    serde_json::Value::from(codes.iter().map(|code| code.as_str()).collect::<Vec<_>>()).to_string()
}
