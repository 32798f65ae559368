//! The catalogue role: the products on sale.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{Product, ProductId};

/// The catalog of products on sale.
#[async_trait]
pub trait CatalogueStore: Send + Sync + 'static {
    /// Inserts or replaces a catalog product.
    async fn upsert_product(&self, product: &Product) -> Result<(), StoreError>;

    /// One product.
    async fn product(&self, id: &ProductId) -> Result<Option<Product>, StoreError>;

    /// The catalog, by product id.
    async fn products(&self) -> Result<Vec<Product>, StoreError>;
}
