//! Rows of `certificates`, `redemptions` and the `journal`.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{
    Certificate, CertificateCode, CertificateStatus, JournalEntry, JournalKind, Msisdn, ProductId,
    Redemption,
};
use giftgate_actors::ports::StoreError;

use super::{count, gift_id, money, order_id, parsed};
use crate::error::corrupt;

/// A `certificates` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CertificateRow {
    code: String,
    product_id: String,
    order_id: String,
    purchaser: String,
    owner: String,
    face_minor: i64,
    balance_minor: i64,
    currency: String,
    status: String,
    expires_at: Option<DateTime<Utc>>,
    pin_sealed: String,
    pin_failures: i64,
    locked_until: Option<DateTime<Utc>>,
    gift_id: Option<String>,
    issued_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<CertificateRow> for Certificate {
    type Error = StoreError;
    fn try_from(row: CertificateRow) -> Result<Self, StoreError> {
        Ok(Certificate {
            code: CertificateCode::from_stored(row.code),
            product_id: ProductId::parse(&row.product_id).map_err(|e| corrupt("product id", e))?,
            order_id: order_id(&row.order_id)?,
            purchaser: Msisdn::from_e164_unchecked(row.purchaser),
            owner: Msisdn::from_e164_unchecked(row.owner),
            face_value: money(row.face_minor, &row.currency)?,
            balance: money(row.balance_minor, &row.currency)?,
            status: parsed("certificate status", &row.status, CertificateStatus::parse)?,
            expires_at: row.expires_at,
            pin_sealed: row.pin_sealed,
            pin_failures: count("pin_failures", row.pin_failures)?,
            locked_until: row.locked_until,
            gift_id: row.gift_id.as_deref().map(gift_id).transpose()?,
            issued_at: row.issued_at,
            version: row.version,
        })
    }
}

/// A `redemptions` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RedemptionRow {
    id: String,
    merchant_id: String,
    idempotency_key: String,
    certificate_code: String,
    amount_minor: i64,
    balance_after_minor: i64,
    currency: String,
    voided: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<RedemptionRow> for Redemption {
    type Error = StoreError;
    fn try_from(row: RedemptionRow) -> Result<Self, StoreError> {
        Ok(Redemption {
            id: row.id,
            merchant_id: row.merchant_id,
            idempotency_key: row.idempotency_key,
            certificate_code: CertificateCode::from_stored(row.certificate_code),
            amount: money(row.amount_minor, &row.currency)?,
            balance_after: money(row.balance_after_minor, &row.currency)?,
            voided: row.voided,
            created_at: row.created_at,
        })
    }
}

/// A `journal` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JournalRow {
    kind: String,
    certificate_code: String,
    amount_minor: i64,
    currency: String,
    msisdn: String,
    counterparty: Option<String>,
    order_id: Option<String>,
    merchant_id: Option<String>,
    reference: Option<String>,
    at: DateTime<Utc>,
}

impl TryFrom<JournalRow> for JournalEntry {
    type Error = StoreError;
    fn try_from(row: JournalRow) -> Result<Self, StoreError> {
        Ok(JournalEntry {
            kind: parsed("journal kind", &row.kind, JournalKind::parse)?,
            certificate_code: CertificateCode::from_stored(row.certificate_code),
            amount: money(row.amount_minor, &row.currency)?,
            msisdn: Msisdn::from_e164_unchecked(row.msisdn),
            counterparty: row.counterparty.map(Msisdn::from_e164_unchecked),
            order_id: row.order_id.as_deref().map(order_id).transpose()?,
            merchant_id: row.merchant_id,
            reference: row.reference,
            at: row.at,
        })
    }
}
