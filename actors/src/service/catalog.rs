//! The sample catalog a fresh database holds, so the demo and a first `serve` have
//! something to sell (CONTRACT.md §4).

use super::error::ServiceError;
use crate::domain::{Currency, Money, Product, ProductId, WellKnownCategory};
use crate::ports::Store;

/// The sample products: department store, culture, book and the carrier's general-use
/// certificates in KRW.
pub fn sample_products() -> Vec<Product> {
    let product = |id: &str,
                   issuer: &str,
                   category: WellKnownCategory,
                   name: &str,
                   won: i64,
                   days: Option<u32>| Product {
        id: ProductId::parse(id).expect("sample product ids are valid literals"),
        issuer: issuer.to_owned(),
        category: category.into(),
        name: name.to_owned(),
        face_value: Money::from_minor_units(won, Currency::KRW)
            .unwrap_or_else(|_| Money::zero(Currency::KRW)),
        validity_days: days,
        active: true,
    };
    vec![
        product(
            "dept-50000",
            "Hanbit Department Store",
            WellKnownCategory::DepartmentStore,
            "Hanbit Dept 50,000",
            50_000,
            Some(1825),
        ),
        product(
            "dept-100000",
            "Hanbit Department Store",
            WellKnownCategory::DepartmentStore,
            "Hanbit Dept 100,000",
            100_000,
            Some(1825),
        ),
        product(
            "culture-10000",
            "Culture Land",
            WellKnownCategory::Culture,
            "Culture 10,000",
            10_000,
            Some(1825),
        ),
        product(
            "book-10000",
            "Book & Life",
            WellKnownCategory::Book,
            "Book 10,000",
            10_000,
            Some(1825),
        ),
        product(
            "book-30000",
            "Book & Life",
            WellKnownCategory::Book,
            "Book 30,000",
            30_000,
            Some(1825),
        ),
        product(
            "carrier-5000",
            "Carrier",
            WellKnownCategory::CarrierGeneral,
            "Carrier general-use 5,000",
            5_000,
            None,
        ),
        product(
            "carrier-30000",
            "Carrier",
            WellKnownCategory::CarrierGeneral,
            "Carrier general-use 30,000",
            30_000,
            None,
        ),
    ]
}

/// Inserts the sample products that the catalog does not hold yet.
pub async fn seed_sample_catalog(store: &dyn Store) -> Result<usize, ServiceError> {
    let mut added = 0;
    for product in sample_products() {
        if store.product(&product.id).await?.is_none() {
            store.upsert_product(&product).await?;
            added += 1;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_products_are_valid() {
        let products = sample_products();
        assert_eq!(products.len(), 7);
        assert!(products.iter().all(|p| !p.face_value.is_zero()));
        assert!(products.iter().any(|p| p.validity_days.is_none()));
    }
}
