//! A short-lived cache of products for the purchase path.
//!
//! Every purchase reads its product; the catalog changes rarely. Entries live for
//! [`PRODUCT_TTL`], and a change made through [`Ledger::save_product`] drops this
//! instance's entry at once, so another instance on the same database sees a catalog
//! change (a product taken off sale, a new face value) within the TTL.
//!
//! [`Ledger::save_product`]: super::Ledger::save_product

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::domain::{Product, ProductId};

/// How long a cached product is trusted.
pub const PRODUCT_TTL: Duration = Duration::from_secs(2);

/// Products read recently, shared by clones of the ledger.
#[derive(Debug, Clone, Default)]
pub struct ProductCache {
    entries: Arc<Mutex<HashMap<ProductId, (Product, Instant)>>>,
}

impl ProductCache {
    /// The cached product, if read less than [`PRODUCT_TTL`] ago.
    pub fn get(&self, id: &ProductId) -> Option<Product> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(id)
            .filter(|(_, read_at)| read_at.elapsed() < PRODUCT_TTL)
            .map(|(product, _)| product.clone())
    }

    /// Remembers a product just read from the store.
    pub fn put(&self, product: &Product) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(product.id.clone(), (product.clone(), Instant::now()));
    }

    /// Forgets a product (it was just changed).
    pub fn forget(&self, id: &ProductId) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Currency, Money, WellKnownCategory};

    fn product(id: &str) -> Product {
        Product {
            id: ProductId::parse(id).expect("valid id"),
            issuer: "Issuer".to_owned(),
            category: WellKnownCategory::Book.into(),
            name: "Book 10,000".to_owned(),
            face_value: Money::parse("10000", Currency::KRW).expect("valid amount"),
            validity_days: Some(365),
            active: true,
        }
    }

    #[test]
    fn answers_what_was_put_until_forgotten() {
        let cache = ProductCache::default();
        let book = product("book-10000");
        assert_eq!(cache.get(&book.id), None);
        cache.put(&book);
        assert_eq!(cache.get(&book.id), Some(book.clone()));
        let clone = cache.clone();
        clone.forget(&book.id);
        assert_eq!(cache.get(&book.id), None);
    }
}
