//! Admin routes (bearer `GIFTGATE_ADMIN_TOKEN`): merchants, channels, products.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{Category, Currency, Money, Product, ProductId};
use giftgate_actors::ports::KeyKind;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::scopes::{Scope, parse_scopes};
use super::state::AppState;

/// `{"name"}`
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NameBody {
    /// The holder's name.
    pub name: String,
}

fn checked_name(body: &NameBody) -> Result<&str, ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "name must be 1-100 characters",
        ));
    }
    Ok(name)
}

/// Register a merchant; its API key is shown once.
#[utoipa::path(post, path = "/v1/admin/merchants", tag = "admin", request_body = NameBody,
    responses((status = 201, description = "{merchant_id, api_key}")), security(("admin_token" = [])))]
pub async fn create_merchant(
    request: HttpRequest,
    body: web::Json<NameBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let (id, key) = state
        .keys
        .issue(KeyKind::Merchant, checked_name(&body)?, &Scope::ALL)
        .await?;
    Ok(HttpResponse::Created().json(json!({ "merchant_id": id, "api_key": key })))
}

/// `{"name", "scopes"?}`: a channel and what its key may do (default: all scopes).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChannelBody {
    /// The channel's name (web, app, call center…).
    pub name: String,
    /// Any of `orders`, `wallet`, `pins`; absent = all three.
    pub scopes: Option<Vec<String>>,
}

/// Register a channel (web, app, call center); its API key is shown once.
#[utoipa::path(post, path = "/v1/admin/channels", tag = "admin", request_body = ChannelBody,
    responses((status = 201, description = "{channel_id, api_key, scopes}"), (status = 400, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn create_channel(
    request: HttpRequest,
    body: web::Json<ChannelBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let name = checked_name(&NameBody {
        name: body.name.clone(),
    })?
    .to_owned();
    let scopes = parse_scopes(body.scopes.as_deref())
        .map_err(|detail| ApiError::bad_request("invalid_scopes", detail))?;
    let (id, key) = state.keys.issue(KeyKind::Channel, &name, &scopes).await?;
    Ok(HttpResponse::Created().json(json!({
        "channel_id": id,
        "api_key": key,
        "scopes": scopes,
    })))
}

/// A product as admins write it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProductBody {
    /// Issuer name.
    pub issuer: String,
    /// A snake_case word of the operator's choice; the well-known ones (`coffee`,
    /// `convenience_store`, `bakery`, `chicken`, `movie`, `book`, `department_store`,
    /// `carrier_general`, …) are listed in the README.
    pub category: String,
    /// Display name.
    pub name: String,
    /// Face value as a decimal string.
    pub face_value: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// Days of validity; absent or null = never expires.
    pub validity_days: Option<u32>,
    /// On sale (default true).
    pub active: Option<bool>,
}

/// Create or replace a catalog product.
#[utoipa::path(put, path = "/v1/admin/products/{product_id}", tag = "admin", request_body = ProductBody,
    params(("product_id" = String, Path)),
    responses((status = 200, description = "the product"), (status = 400, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn put_product(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ProductBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let id = ProductId::parse(&path)
        .map_err(|e| ApiError::bad_request("invalid_product_id", e.to_string()))?;
    let category = Category::parse(&body.category)
        .map_err(|e| ApiError::bad_request("invalid_category", e.to_string()))?;
    let currency = Currency::parse(&body.currency)
        .map_err(|e| ApiError::bad_request("unknown_currency", e.to_string()))?;
    let face_value = Money::positive(
        body.face_value.trim().parse().map_err(|_| {
            ApiError::bad_request("invalid_amount", "face_value must be a decimal string")
        })?,
        currency,
    )
    .map_err(|e| ApiError::bad_request("invalid_amount", e.to_string()))?;
    if body.issuer.trim().is_empty() || body.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid_product",
            "issuer and name are required",
        ));
    }
    let product = Product {
        id,
        issuer: body.issuer.trim().to_owned(),
        category,
        name: body.name.trim().to_owned(),
        face_value,
        validity_days: body.validity_days,
        active: body.active.unwrap_or(true),
    };
    state.ledger.save_product(&product).await?;
    Ok(HttpResponse::Ok().json(super::catalog::product_view(&product)))
}

/// A subscriber's handset capabilities.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HandsetBody {
    /// Whether the handset can receive MMS; gifts to one that cannot go by SMS.
    pub mms_capable: bool,
}

/// Record what a subscriber's handset can receive.
#[utoipa::path(put, path = "/v1/admin/subscribers/{msisdn}/handset", tag = "admin", request_body = HandsetBody,
    params(("msisdn" = String, Path)), responses((status = 200, description = "{msisdn, mms_capable}")),
    security(("admin_token" = [])))]
pub async fn put_handset(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<HandsetBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let msisdn = giftgate_actors::domain::Msisdn::parse(&path, state.ledger.region())
        .map_err(|e| ApiError::bad_request("invalid_msisdn", e.to_string()))?;
    state
        .ledger
        .set_mms_capable(&msisdn, body.mms_capable)
        .await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "msisdn": msisdn.as_str(), "mms_capable": body.mms_capable })))
}
