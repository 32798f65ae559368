//! Admin routes that rotate and revoke merchant and channel keys. Rotation gives the
//! holder a new secret (shown once, in the answer) and refuses the old key at once;
//! revocation refuses the key for good. Both take effect on every instance at the next
//! request, since each request reads the key's row.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::ports::KeyKind;
use serde_json::json;

use super::error::ApiError;
use super::state::AppState;

fn kind_of(holders: &str) -> KeyKind {
    if holders == "merchants" {
        KeyKind::Merchant
    } else {
        KeyKind::Channel
    }
}

/// A new secret for a merchant's or channel's key; the old key is refused from now on.
#[utoipa::path(post, path = "/v1/admin/{holders}/{holder_id}/rotate", tag = "admin",
    params(("holders" = String, Path, description = "merchants or channels"), ("holder_id" = String, Path)),
    responses((status = 200, description = "{holder_id, api_key}"), (status = 404, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn rotate(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let (holders, holder_id) = path.into_inner();
    let key = state.keys.rotate(kind_of(&holders), &holder_id).await?;
    tracing::info!(holder_id = %holder_id, "API key rotated");
    Ok(HttpResponse::Ok().json(json!({ "holder_id": holder_id, "api_key": key })))
}

/// Revokes a merchant's or channel's key for good.
#[utoipa::path(post, path = "/v1/admin/{holders}/{holder_id}/revoke", tag = "admin",
    params(("holders" = String, Path, description = "merchants or channels"), ("holder_id" = String, Path)),
    responses((status = 200, description = "{holder_id, revoked: true}"), (status = 404, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn revoke(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let (holders, holder_id) = path.into_inner();
    state.keys.revoke(kind_of(&holders), &holder_id).await?;
    tracing::info!(holder_id = %holder_id, "API key revoked");
    Ok(HttpResponse::Ok().json(json!({ "holder_id": holder_id, "revoked": true })))
}
