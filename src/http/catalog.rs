//! `GET /v1/products`: the catalog, optionally narrowed by `category`, `issuer` and
//! `max_price` (`?category=coffee&max_price=10000`).

use actix_web::{HttpResponse, web};
use giftgate_actors::domain::{CatalogQuery, Category, Product};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::state::AppState;

/// A product as the catalog shows it.
pub fn product_view(product: &Product) -> Value {
    json!({
        "product_id": product.id.as_str(),
        "issuer": product.issuer,
        "category": product.category.as_str(),
        "name": product.name,
        "face_value": product.face_value.amount().to_string(),
        "currency": product.face_value.currency().code(),
        "validity_days": product.validity_days,
        "active": product.active,
    })
}

/// The catalog's filters, each optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProductFilter {
    /// Only this category (`coffee`, `convenience_store`, …).
    pub category: Option<String>,
    /// Only this issuer (ignoring case).
    pub issuer: Option<String>,
    /// Only face values up to this amount, a decimal string.
    pub max_price: Option<String>,
}

impl ProductFilter {
    /// The query, or a 400 naming the bad filter.
    fn query(&self) -> Result<CatalogQuery, ApiError> {
        let category = self
            .category
            .as_deref()
            .map(Category::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request("invalid_category", e.to_string()))?;
        let max_price = self
            .max_price
            .as_deref()
            .map(|text| {
                text.trim()
                    .parse::<Decimal>()
                    .ok()
                    .filter(|d| !d.is_sign_negative())
            })
            .map(|parsed| {
                parsed.ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_amount",
                        "max_price must be a non-negative decimal string",
                    )
                })
            })
            .transpose()?;
        Ok(CatalogQuery {
            category,
            issuer: self.issuer.clone().filter(|i| !i.trim().is_empty()),
            max_price,
            active_only: false,
        })
    }
}

/// The catalog.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(ProductFilter),
    responses((status = 200, description = "{products: […]}"), (status = 400, body = super::error::ErrorBody)))]
pub async fn products(
    filter: web::Query<ProductFilter>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = filter.query()?;
    let products = query.select(state.ledger.catalog_products().await?);
    Ok(HttpResponse::Ok().json(json!({
        "products": products.iter().map(product_view).collect::<Vec<_>>()
    })))
}
