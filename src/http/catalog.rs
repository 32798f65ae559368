//! `GET /v1/products`: the catalog.

use actix_web::{HttpResponse, web};
use giftgate_actors::domain::Product;
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

/// The catalog.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", responses((status = 200, description = "{products: […]}")))]
pub async fn products(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let products = state.ledger.store.products().await?;
    Ok(HttpResponse::Ok().json(json!({
        "products": products.iter().map(product_view).collect::<Vec<_>>()
    })))
}
