//! The holder's and the call center's routes on a certificate's key and block:
//! `POST /v1/certificates/{code}/pin` (a new PIN, sent by SMS to the holder only — the
//! answer never carries it), `…/block` and `…/unblock` (who and why go into the journal).

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::{CertificateCode, Msisdn};
use giftgate_actors::service::certificate_keys::BlockRequest;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::scopes::Scope;
use super::state::AppState;
use super::subscribers::certificate_view;

/// `{"msisdn"}`: the holder asking for a new PIN.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PinRenewalBody {
    /// The holder (the new PIN goes to this handset only).
    pub msisdn: String,
}

/// `{"actor","reason"}`: who blocks or unblocks, and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BlockBody {
    /// The call-center agent or system acting (1–64 characters).
    pub actor: String,
    /// Why (1–200 characters).
    pub reason: String,
}

fn code_of(path: &str) -> Result<CertificateCode, ApiError> {
    CertificateCode::parse(path)
        .map_err(|e| ApiError::bad_request("invalid_certificate_code", e.to_string()))
}

/// Issues a new PIN for a lost or exposed one; it reaches only the holder's handset.
#[utoipa::path(post, path = "/v1/certificates/{code}/pin", tag = "subscribers", request_body = PinRenewalBody,
    params(("code" = String, Path)),
    responses((status = 202, description = "the new PIN is on its way to the holder by SMS"), (status = 404, body = super::error::ErrorBody), (status = 423, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn renew_pin(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<PinRenewalBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Pins).await?;
    let holder = Msisdn::parse(&body.msisdn, state.ledger.region())
        .map_err(|e| ApiError::bad_request("invalid_msisdn", e.to_string()))?;
    let code = code_of(&path)?;
    state.ledger.renew_pin(&holder, &code).await?;
    Ok(HttpResponse::Accepted().json(json!({
        "code": code.as_str(),
        "pin_sent_to": "holder",
    })))
}

/// Blocks an active certificate (lost or stolen handset, fraud).
#[utoipa::path(post, path = "/v1/certificates/{code}/block", tag = "subscribers", request_body = BlockBody,
    params(("code" = String, Path)),
    responses((status = 200, description = "the certificate, status blocked"), (status = 404, body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn block(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BlockBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    change_block(request, path, body, state, true).await
}

/// Lifts a block: the certificate is active again.
#[utoipa::path(post, path = "/v1/certificates/{code}/unblock", tag = "subscribers", request_body = BlockBody,
    params(("code" = String, Path)),
    responses((status = 200, description = "the certificate, status active"), (status = 404, body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn unblock(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BlockBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    change_block(request, path, body, state, false).await
}

async fn change_block(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<BlockBody>,
    state: web::Data<AppState>,
    block: bool,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    let code = code_of(&path)?;
    let who = BlockRequest::new(&body.actor, &body.reason)
        .map_err(|refusal| ApiError::bad_request(refusal.code.as_str(), refusal.detail))?;
    let certificate = if block {
        state.ledger.block_certificate(&code, &who).await?
    } else {
        state.ledger.unblock_certificate(&code, &who).await?
    };
    Ok(HttpResponse::Ok().json(certificate_view(&certificate, None)))
}
