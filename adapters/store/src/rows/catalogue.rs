//! Rows of the catalogue: `products` and `contents` (with or without their bytes).

use chrono::{DateTime, Utc};
use giftgate_actors::domain::{Category, Product, ProductId};
use giftgate_actors::ports::StoreError;

use super::{count, money, parsed};
use crate::error::corrupt;

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
