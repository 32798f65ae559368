//! The catalog: issuers' products that can be bought as certificates.
//!
//! A category is operator data: any snake_case word the carrier chooses (`coffee`,
//! `convenience_store`, `pizza`, …). The commonest Korean mobile vouchers have
//! well-known names ([`WellKnownCategory`]) that channels and pages can label; an
//! unknown word is accepted as written, never refused for not being on the list.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ids::ProductId;
use super::money::Money;

/// Why a category was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("category must be 1-{max} characters of [a-z0-9_], starting with a letter")]
pub struct CategoryError {
    /// The longest category.
    pub max: usize,
}

/// A product's category: a snake_case word (`coffee`, `department_store`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Category(String);

impl Category {
    /// The longest category name.
    pub const MAX_LEN: usize = 40;

    /// Reads a category; surrounding space, upper case and inner spaces or hyphens
    /// (`Convenience Store`, `convenience-store`) become the snake_case word.
    pub fn parse(text: &str) -> Result<Self, CategoryError> {
        let word: String = text
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let valid = !word.is_empty()
            && word.len() <= Self::MAX_LEN
            && word.starts_with(|c: char| c.is_ascii_lowercase())
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid {
            Ok(Category(word))
        } else {
            Err(CategoryError { max: Self::MAX_LEN })
        }
    }

    /// The stored name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The well-known category of this name, if it is one.
    pub fn well_known(&self) -> Option<WellKnownCategory> {
        WellKnownCategory::ALL
            .iter()
            .copied()
            .find(|known| known.as_str() == self.0)
    }
}

impl From<WellKnownCategory> for Category {
    fn from(known: WellKnownCategory) -> Self {
        Category(known.as_str().to_owned())
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Category::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The documented category names (README, "Catalog"): the commonest kinds of Korean
/// mobile vouchers, and the seed's own kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WellKnownCategory {
    /// Coffee shops.
    Coffee,
    /// Convenience stores.
    ConvenienceStore,
    /// Bakeries.
    Bakery,
    /// Fried-chicken chains.
    Chicken,
    /// Pizza chains.
    Pizza,
    /// Ice cream and desserts.
    Dessert,
    /// Restaurants.
    Restaurant,
    /// Cinemas.
    Movie,
    /// Books.
    Book,
    /// Culture certificates (plays, concerts, movies).
    Culture,
    /// Department stores.
    DepartmentStore,
    /// Beauty and cosmetics.
    Beauty,
    /// Mobile data and other carrier services.
    MobileData,
    /// The carrier's own general-use certificate.
    CarrierGeneral,
    /// Anything else.
    Other,
}

impl WellKnownCategory {
    /// Every well-known category, in the README's order.
    pub const ALL: [WellKnownCategory; 15] = [
        WellKnownCategory::Coffee,
        WellKnownCategory::ConvenienceStore,
        WellKnownCategory::Bakery,
        WellKnownCategory::Chicken,
        WellKnownCategory::Pizza,
        WellKnownCategory::Dessert,
        WellKnownCategory::Restaurant,
        WellKnownCategory::Movie,
        WellKnownCategory::Book,
        WellKnownCategory::Culture,
        WellKnownCategory::DepartmentStore,
        WellKnownCategory::Beauty,
        WellKnownCategory::MobileData,
        WellKnownCategory::CarrierGeneral,
        WellKnownCategory::Other,
    ];

    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            WellKnownCategory::Coffee => "coffee",
            WellKnownCategory::ConvenienceStore => "convenience_store",
            WellKnownCategory::Bakery => "bakery",
            WellKnownCategory::Chicken => "chicken",
            WellKnownCategory::Pizza => "pizza",
            WellKnownCategory::Dessert => "dessert",
            WellKnownCategory::Restaurant => "restaurant",
            WellKnownCategory::Movie => "movie",
            WellKnownCategory::Book => "book",
            WellKnownCategory::Culture => "culture",
            WellKnownCategory::DepartmentStore => "department_store",
            WellKnownCategory::Beauty => "beauty",
            WellKnownCategory::MobileData => "mobile_data",
            WellKnownCategory::CarrierGeneral => "carrier_general",
            WellKnownCategory::Other => "other",
        }
    }

    /// The Korean label pages and texts show (`커피`, `편의점`).
    pub fn korean(&self) -> &'static str {
        match self {
            WellKnownCategory::Coffee => "커피",
            WellKnownCategory::ConvenienceStore => "편의점",
            WellKnownCategory::Bakery => "베이커리",
            WellKnownCategory::Chicken => "치킨",
            WellKnownCategory::Pizza => "피자",
            WellKnownCategory::Dessert => "아이스크림·디저트",
            WellKnownCategory::Restaurant => "외식",
            WellKnownCategory::Movie => "영화",
            WellKnownCategory::Book => "도서",
            WellKnownCategory::Culture => "문화",
            WellKnownCategory::DepartmentStore => "백화점",
            WellKnownCategory::Beauty => "뷰티",
            WellKnownCategory::MobileData => "데이터",
            WellKnownCategory::CarrierGeneral => "통신사 범용",
            WellKnownCategory::Other => "기타",
        }
    }
}

/// A product of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Product id, e.g. `dept-50000`.
    pub id: ProductId,
    /// Who issues it (`Hyundai Department Store`).
    pub issuer: String,
    /// Kind of certificate.
    pub category: Category,
    /// Display name.
    pub name: String,
    /// Face value of one certificate.
    pub face_value: Money,
    /// Days a certificate stays valid; `None` never expires (carrier general-use).
    pub validity_days: Option<u32>,
    /// Whether it is on sale.
    pub active: bool,
}

/// Which products a catalog query wants (`GET /v1/products?category=&issuer=&max_price=`,
/// SMS `LIST`). Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogQuery {
    /// Only this category.
    pub category: Option<Category>,
    /// Only this issuer (compared ignoring case and surrounding space).
    pub issuer: Option<String>,
    /// Only face values up to this amount (in the product's own currency).
    pub max_price: Option<Decimal>,
    /// Only products on sale.
    pub active_only: bool,
}

impl CatalogQuery {
    /// Whether `product` is wanted.
    pub fn matches(&self, product: &Product) -> bool {
        self.category
            .as_ref()
            .is_none_or(|category| &product.category == category)
            && self
                .issuer
                .as_deref()
                .is_none_or(|issuer| product.issuer.trim().eq_ignore_ascii_case(issuer.trim()))
            && self
                .max_price
                .is_none_or(|max| product.face_value.amount() <= max)
            && (!self.active_only || product.active)
    }

    /// The wanted products of `catalog`, by product id.
    pub fn select(&self, catalog: Vec<Product>) -> Vec<Product> {
        let mut wanted: Vec<Product> = catalog.into_iter().filter(|p| self.matches(p)).collect();
        wanted.sort_by(|a, b| a.id.cmp(&b.id));
        wanted
    }
}

/// The product a subscriber typed (`ACC-B3A7EA`, `acc-b3a7ea`): the exact id if there
/// is one, else the only id equal to it ignoring case. `None` when there is none, or
/// several that differ only in case.
pub fn find_ignoring_case<'a>(catalog: &'a [Product], typed: &str) -> Option<&'a Product> {
    if let Some(exact) = catalog.iter().find(|p| p.id.as_str() == typed) {
        return Some(exact);
    }
    let mut matches = catalog
        .iter()
        .filter(|p| p.id.as_str().eq_ignore_ascii_case(typed));
    match (matches.next(), matches.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn product(id: &str, issuer: &str, category: &str, won: i64, active: bool) -> Product {
        Product {
            id: ProductId::parse(id).unwrap(),
            issuer: issuer.to_owned(),
            category: Category::parse(category).unwrap(),
            name: id.to_owned(),
            face_value: Money::from_minor_units(won, Currency::KRW).unwrap(),
            validity_days: None,
            active,
        }
    }

    #[test]
    fn categories_are_snake_case_words_of_the_operators_choice() {
        let table = [
            ("coffee", Some("coffee")),
            ("Convenience Store", Some("convenience_store")),
            ("convenience-store", Some("convenience_store")),
            ("  bakery ", Some("bakery")),
            ("pet_food2", Some("pet_food2")),
            ("", None),
            ("2coffee", None),
            ("커피", None),
            ("coffee;drop", None),
        ];
        for (text, expected) in table {
            assert_eq!(
                Category::parse(text).ok().as_ref().map(Category::as_str),
                expected,
                "{text:?}"
            );
        }
        assert!(Category::parse(&"a".repeat(41)).is_err());
    }

    #[test]
    fn the_documented_list_holds_the_commonest_vouchers_and_each_name_parses() {
        for name in [
            "coffee",
            "convenience_store",
            "bakery",
            "chicken",
            "movie",
            "book",
            "department_store",
            "carrier_general",
        ] {
            let category = Category::parse(name).unwrap();
            assert!(category.well_known().is_some(), "{name}");
        }
        for known in WellKnownCategory::ALL {
            assert_eq!(
                Category::parse(known.as_str()).unwrap().well_known(),
                Some(known)
            );
            assert!(!known.korean().is_empty());
        }
        assert_eq!(Category::parse("pet_food").unwrap().well_known(), None);
    }

    #[test]
    fn a_catalog_query_filters_by_category_issuer_price_and_sale() {
        let catalog = vec![
            product("latte-4500", "Star Coffee", "coffee", 4_500, true),
            product("cu-10000", "CU", "convenience_store", 10_000, true),
            product("americano-3000", "Star Coffee", "coffee", 3_000, false),
            product("cake-30000", "Paris Bakery", "bakery", 30_000, true),
        ];
        let ids = |query: CatalogQuery| -> Vec<String> {
            query
                .select(catalog.clone())
                .into_iter()
                .map(|p| p.id.to_string())
                .collect()
        };
        let coffee = Category::parse("coffee").ok();
        assert_eq!(
            ids(CatalogQuery {
                category: coffee.clone(),
                ..CatalogQuery::default()
            }),
            ["americano-3000", "latte-4500"]
        );
        assert_eq!(
            ids(CatalogQuery {
                category: coffee,
                active_only: true,
                ..CatalogQuery::default()
            }),
            ["latte-4500"]
        );
        assert_eq!(
            ids(CatalogQuery {
                issuer: Some(" star coffee".into()),
                max_price: Some(Decimal::from(4_000)),
                ..CatalogQuery::default()
            }),
            ["americano-3000"]
        );
        assert_eq!(
            ids(CatalogQuery {
                max_price: Some(Decimal::from(10_000)),
                ..CatalogQuery::default()
            }),
            ["americano-3000", "cu-10000", "latte-4500"]
        );
        assert_eq!(ids(CatalogQuery::default()).len(), 4);
    }

    #[test]
    fn a_typed_product_id_matches_regardless_of_case_unless_ambiguous() {
        let catalog = vec![
            product("ACC-B3A7EA", "Acc", "other", 1_000, true),
            product("dup-a", "Dup", "other", 1_000, true),
            product("DUP-A", "Dup", "other", 1_000, true),
        ];
        let found = |typed: &str| find_ignoring_case(&catalog, typed).map(|p| p.id.to_string());
        assert_eq!(found("ACC-B3A7EA").as_deref(), Some("ACC-B3A7EA"));
        assert_eq!(found("acc-b3a7ea").as_deref(), Some("ACC-B3A7EA"));
        assert_eq!(found("Acc-B3a7Ea").as_deref(), Some("ACC-B3A7EA"));
        assert_eq!(found("dup-a").as_deref(), Some("dup-a"), "exact wins");
        assert_eq!(found("Dup-A"), None, "ambiguous");
        assert_eq!(found("nosuch"), None);
    }
}
