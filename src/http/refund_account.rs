//! `POST /v1/subscribers/{msisdn}/refund-account`: the bank account a subscriber gives
//! for refunds the carrier will not make (billing month closed). Refunds already queued
//! for the subscriber are resumed at once through their sessions.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand};
use giftgate_actors::domain::{Msisdn, RefundAccount, mask_account};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::scopes::Scope;
use super::state::AppState;

/// `{"bank","account","holder"}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefundAccountBody {
    /// Bank name or code.
    pub bank: String,
    /// Account number (digits and dashes).
    pub account: String,
    /// Account holder's name.
    pub holder: String,
}

/// Records the subscriber's refund account; queued refunds go out to it.
#[utoipa::path(post, path = "/v1/subscribers/{msisdn}/refund-account", tag = "subscribers",
    request_body = RefundAccountBody, params(("msisdn" = String, Path)),
    responses((status = 200, description = "{msisdn, queued_refunds}"), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn put_refund_account(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<RefundAccountBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    let subscriber = Msisdn::parse(&path, state.ledger.region())
        .map_err(|e| ApiError::bad_request("invalid_msisdn", e.to_string()))?;
    let body = body.into_inner();
    let account = RefundAccount {
        msisdn: subscriber.clone(),
        bank: body.bank,
        account: body.account,
        holder: body.holder,
    };
    let queued = state.ledger.set_refund_account(&account).await?;
    for refund in &queued {
        let Some(record) = state.ledger.find_order(&refund.order_id).await? else {
            continue;
        };
        let registry = state.registry.clone();
        let dispatch = Dispatch {
            msisdn: subscriber.clone(),
            command: SessionCommand::Resume(record),
        };
        // The refund goes out in the subscriber's session; the timer retries if not.
        actix_web::rt::spawn(async move {
            if let Err(error) = registry.send(dispatch).await {
                tracing::warn!(%error, "could not resume a queued refund");
            }
        });
    }
    Ok(HttpResponse::Ok().json(json!({
        "msisdn": subscriber.as_str(),
        "bank": account.bank,
        "account": mask_account(&account.account),
        "queued_refunds": queued.len(),
    })))
}
