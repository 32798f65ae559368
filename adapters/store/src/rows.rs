//! Row structs as the database returns them (`#[derive(sqlx::FromRow)]`, shared by both
//! backends), and their conversion into domain records.
//!
//! Every conversion re-checks what the domain checks at the edge (known enum names,
//! currencies, money scale, id syntax); a row that fails is reported as
//! [`StoreError::Corrupt`] rather than silently repaired.

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{
    Category, Certificate, CertificateCode, CertificateStatus, ContentId, Currency, Gift, GiftId,
    GiftState, JournalEntry, JournalKind, Money, Msisdn, OrderId, OrderRecord, OrderStatus,
    OutboxMessage, OutboxRecord, Payment, PaymentState, Product, ProductId, QueuedRefund,
    QueuedRefundState, Rail, Redemption, RefundAccount, SettlementKind, SettlementRecord,
    SettlementRepair,
};
use giftgate_actors::ports::{ApiKeyRecord, CurrencyTotals, KeyKind, StoreError};

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

fn order_id(text: &str) -> Result<OrderId, StoreError> {
    OrderId::parse(text).map_err(|e| corrupt("order_id", e))
}

fn gift_id(text: &str) -> Result<GiftId, StoreError> {
    GiftId::parse(text).map_err(|e| corrupt("gift_id", e))
}

fn count(what: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|e| corrupt(what, e))
}

fn parsed<T>(
    what: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(text).ok_or_else(|| corrupt(what, format!("unknown value {text:?}")))
}

/// A `products` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ProductRow {
    id: String,
    issuer: String,
    category: String,
    name: String,
    face_minor: i64,
    currency: String,
    validity_days: Option<i64>,
    active: bool,
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;
    fn try_from(row: ProductRow) -> Result<Self, StoreError> {
        Ok(Product {
            id: ProductId::parse(&row.id).map_err(|e| corrupt("product id", e))?,
            issuer: row.issuer,
            category: parsed("category", &row.category, |text| Category::parse(text).ok())?,
            name: row.name,
            face_value: money(row.face_minor, &row.currency)?,
            validity_days: row
                .validity_days
                .map(|days| count("validity_days", days))
                .transpose()?,
            active: row.active,
        })
    }
}

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

/// An `outbox` row as read for delivery.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub(crate) id: i64,
    payload: String,
    attempts: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<OutboxRow> for OutboxRecord {
    type Error = StoreError;
    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        let message: OutboxMessage =
            serde_json::from_str(&row.payload).map_err(|e| corrupt("outbox payload", e))?;
        Ok(OutboxRecord {
            id: row.id,
            message,
            attempts: count("outbox attempts", row.attempts)?,
            created_at: row.created_at,
        })
    }
}

/// An `api_keys` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    holder_id: String,
    kind: String,
    name: String,
    secret_hash: String,
    created_at: DateTime<Utc>,
    scopes: String,
    revoked_at: Option<DateTime<Utc>>,
}

fn key_kind(text: &str) -> Option<KeyKind> {
    match text {
        "merchant" => Some(KeyKind::Merchant),
        "channel" => Some(KeyKind::Channel),
        _ => None,
    }
}

impl TryFrom<ApiKeyRow> for ApiKeyRecord {
    type Error = StoreError;
    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        Ok(ApiKeyRecord {
            holder_id: row.holder_id,
            kind: parsed("api key kind", &row.kind, key_kind)?,
            name: row.name,
            secret_hash: row.secret_hash,
            created_at: row.created_at,
            scopes: row
                .scopes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            revoked_at: row.revoked_at,
        })
    }
}

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

/// Converts every row, failing on the first that does not read back.
pub(crate) fn convert<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// A `messages` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub(crate) message_id: String,
    channel: String,
    recipient: String,
    state: String,
    detail: Option<String>,
    updated_at: DateTime<Utc>,
}

impl MessageRow {
    /// The record, with the provider ids read separately as `(normalised, raw)` pairs.
    pub(crate) fn into_record(
        self,
        provider_ids: Vec<(String, String)>,
    ) -> Result<giftgate_actors::domain::MessageRecord, StoreError> {
        let (provider_ids, raw_provider_ids) = provider_ids.into_iter().unzip();
        Ok(giftgate_actors::domain::MessageRecord {
            state: parsed(
                "message state",
                &self.state,
                giftgate_actors::domain::MessageState::parse,
            )?,
            message_id: self.message_id,
            channel: self.channel,
            recipient: self.recipient,
            provider_ids,
            raw_provider_ids,
            detail: self.detail,
            updated_at: self.updated_at,
        })
    }
}

/// A `contents` row with its bytes.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ContentRow {
    content_id: String,
    kind: String,
    title: String,
    mime: String,
    bytes: Vec<u8>,
    created_at: DateTime<Utc>,
}

impl TryFrom<ContentRow> for giftgate_actors::domain::ContentItem {
    type Error = StoreError;
    fn try_from(row: ContentRow) -> Result<Self, StoreError> {
        Ok(giftgate_actors::domain::ContentItem {
            id: giftgate_actors::domain::ContentId::parse(&row.content_id)
                .map_err(|e| StoreError::Corrupt(format!("content id: {e}")))?,
            kind: row.kind,
            title: row.title,
            mime: row.mime,
            bytes: row.bytes,
            created_at: row.created_at,
        })
    }
}

/// A `contents` row without its bytes.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ContentSummaryRow {
    content_id: String,
    kind: String,
    title: String,
    mime: String,
    size: i64,
    created_at: DateTime<Utc>,
}

impl ContentSummaryRow {
    /// The item (empty bytes) and its size.
    pub(crate) fn into_summary(
        self,
    ) -> Result<(giftgate_actors::domain::ContentItem, i64), StoreError> {
        let size = self.size;
        let item = ContentRow {
            content_id: self.content_id,
            kind: self.kind,
            title: self.title,
            mime: self.mime,
            bytes: Vec::new(),
            created_at: self.created_at,
        };
        Ok((item.try_into()?, size))
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
