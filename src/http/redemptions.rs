//! Merchant routes: redeem (with `Idempotency-Key`), void, balance check.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{CertificateCode, Currency, Money, Pin};
use giftgate_actors::service::RedeemRequest;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::state::AppState;

/// A merchant's redemption request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RedeemBody {
    /// The certificate's 16-digit code.
    pub certificate_code: String,
    /// Its 6-digit PIN.
    pub pin: String,
    /// Amount as a decimal string.
    pub amount: String,
    /// ISO 4217 currency.
    pub currency: String,
}

/// Redeem value from a certificate.
#[utoipa::path(post, path = "/v1/redemptions", tag = "merchants", request_body = RedeemBody,
    params(("Idempotency-Key" = String, Header)),
    responses((status = 200, description = "{redemption_id, approved, amount, balance}"),
              (status = 422, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
              (status = 423, body = super::error::ErrorBody)),
    security(("merchant_key" = [])))]
pub async fn redeem(
    request: HttpRequest,
    body: web::Json<RedeemBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let merchant = state.keys.merchant(&request).await?;
    let idempotency_key = request
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing_idempotency_key",
                "the Idempotency-Key header (1-128 chars) is required",
            )
        })?
        .to_owned();
    let code = CertificateCode::parse(&body.certificate_code)
        .map_err(|e| ApiError::bad_request("invalid_certificate_code", e.to_string()))?;
    let pin = Pin::parse(&body.pin)
        .map_err(|e| ApiError::bad_request("invalid_pin_format", e.to_string()))?;
    let currency = Currency::parse(&body.currency)
        .map_err(|e| ApiError::bad_request("unknown_currency", e.to_string()))?;
    let amount = Money::parse(&body.amount, currency)
        .map_err(|e| ApiError::bad_request("invalid_amount", e.to_string()))?;
    if amount.is_zero() {
        return Err(ApiError::bad_request(
            "invalid_amount",
            "amount must be greater than zero",
        ));
    }
    let started = std::time::Instant::now();
    let outcome = state
        .ledger
        .redemptions()
        .redeem(&RedeemRequest {
            merchant_id: merchant.id.clone(),
            merchant_name: merchant.name.clone(),
            idempotency_key,
            code,
            pin,
            amount,
        })
        .await;
    metrics::histogram!("giftgate_redemption_seconds").record(started.elapsed().as_secs_f64());
    let outcome = outcome?;
    Ok(HttpResponse::Ok().json(json!({
        "redemption_id": outcome.redemption_id,
        "approved": true,
        "amount": outcome.amount.amount().to_string(),
        "balance": outcome.balance.amount().to_string(),
        "currency": outcome.balance.currency().code(),
        "replayed": outcome.replayed,
    })))
}

/// Void the merchant's own redemption; the balance comes back.
#[utoipa::path(post, path = "/v1/redemptions/{redemption_id}/void", tag = "merchants",
    params(("redemption_id" = String, Path)),
    responses((status = 200, description = "{redemption_id, voided, balance}"), (status = 404, body = super::error::ErrorBody)),
    security(("merchant_key" = [])))]
pub async fn void(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let merchant = state.keys.merchant(&request).await?;
    let outcome = state
        .ledger
        .redemptions()
        .void_redemption(&merchant.id, &merchant.name, &path)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "redemption_id": outcome.redemption_id,
        "voided": true,
        "amount": outcome.amount.amount().to_string(),
        "balance": outcome.balance.amount().to_string(),
        "currency": outcome.balance.currency().code(),
    })))
}

/// Merchant balance check; the PIN comes as `X-Certificate-Pin`.
#[utoipa::path(get, path = "/v1/certificates/{code}", tag = "merchants",
    params(("code" = String, Path), ("X-Certificate-Pin" = String, Header)),
    responses((status = 200, description = "{code, balance, face_value, currency, status, expires_at}"),
              (status = 403, body = super::error::ErrorBody)),
    security(("merchant_key" = [])))]
pub async fn balance(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let merchant = state.keys.merchant(&request).await?;
    let code = CertificateCode::parse(&path)
        .map_err(|e| ApiError::bad_request("invalid_certificate_code", e.to_string()))?;
    let pin = request
        .headers()
        .get("X-Certificate-Pin")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request("missing_pin", "the X-Certificate-Pin header is required")
        })?;
    let pin =
        Pin::parse(pin).map_err(|e| ApiError::bad_request("invalid_pin_format", e.to_string()))?;
    let view = state
        .ledger
        .redemptions()
        .check_balance(&code, &pin, &merchant.id)
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "code": view.code.as_str(),
        "product_id": view.product_id,
        "balance": view.balance.amount().to_string(),
        "face_value": view.face_value.amount().to_string(),
        "currency": view.balance.currency().code(),
        "status": view.status.as_str(),
        "expires_at": view.expires_at,
    })))
}
