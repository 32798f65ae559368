//! The carrier's channel views of a subscriber: wallet, gifts, histories, and the gift
//! package and its confirmation.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand};
use giftgate_actors::domain::{Certificate, Gift, GiftId, JournalEntry, Msisdn, Pin};
use giftgate_actors::service::wallet::HistoryKind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::scopes::Scope;
use super::state::AppState;

fn msisdn(state: &AppState, text: &str) -> Result<Msisdn, ApiError> {
    Msisdn::parse(text, state.ledger.region())
        .map_err(|e| ApiError::bad_request("invalid_msisdn", e.to_string()))
}

/// A certificate as the owner's channel shows it (with its PIN).
pub fn certificate_view(certificate: &Certificate, pin: Option<&Pin>) -> Value {
    json!({
        "code": certificate.code.as_str(),
        "pin": pin.map(|p| p.reveal().to_owned()),
        "product_id": certificate.product_id.as_str(),
        "face_value": certificate.face_value.amount().to_string(),
        "balance": certificate.balance.amount().to_string(),
        "currency": certificate.balance.currency().code(),
        "status": certificate.status.as_str(),
        "expires_at": certificate.expires_at,
        "issued_at": certificate.issued_at,
        "gift_id": certificate.gift_id.as_ref().map(|g| g.as_str().to_owned()),
    })
}

/// A gift as channels show it.
pub fn gift_view(gift: &Gift) -> Value {
    json!({
        "gift_id": gift.id.as_str(),
        "order_id": gift.order_id.as_str(),
        "giver": gift.giver.as_str(),
        "transferee": gift.transferee.as_str(),
        "message": gift.message,
        "extras": gift.extras.iter().map(|e| e.as_str().to_owned()).collect::<Vec<_>>(),
        "certificate_codes": gift.certificate_codes.iter().map(|c| c.as_str().to_owned()).collect::<Vec<_>>(),
        "state": gift.state.as_str(),
        "created_at": gift.created_at,
        "answer_by": gift.answer_by,
        "settled_at": gift.settled_at,
    })
}

fn journal_view(entry: &JournalEntry) -> Value {
    json!({
        "kind": entry.kind.as_str(),
        "certificate_code": entry.certificate_code.as_str(),
        "amount": entry.amount.amount().to_string(),
        "currency": entry.amount.currency().code(),
        "counterparty": entry.counterparty.as_ref().map(|m| m.as_str().to_owned()),
        "order_id": entry.order_id.as_ref().map(|o| o.as_str().to_owned()),
        "merchant_id": entry.merchant_id,
        "reference": entry.reference,
        "at": entry.at,
    })
}

/// The wallet: every certificate with code, PIN, balance, status and expiry.
#[utoipa::path(get, path = "/v1/subscribers/{msisdn}/certificates", tag = "subscribers",
    params(("msisdn" = String, Path)), responses((status = 200, description = "{certificates: […]}")),
    security(("channel_key" = [])))]
pub async fn certificates(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let key = state.keys.channel(&request, Scope::Wallet).await?;
    let owner = msisdn(&state, &path)?;
    let wallet = state.ledger.wallet(&owner).await?;
    // Without the `pins` scope the wallet shows no PIN (`"pin": null`).
    let shows_pins = key.has(Scope::Pins);
    let certificates: Vec<Value> = wallet
        .iter()
        .map(|(certificate, pin)| {
            certificate_view(certificate, pin.as_ref().filter(|_| shows_pins))
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "msisdn": owner.as_str(), "certificates": certificates })))
}

/// Gifts sent and received.
#[utoipa::path(get, path = "/v1/subscribers/{msisdn}/gifts", tag = "subscribers",
    params(("msisdn" = String, Path)), responses((status = 200, description = "{sent: […], received: […]}")),
    security(("channel_key" = [])))]
pub async fn gifts(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Wallet).await?;
    let subscriber = msisdn(&state, &path)?;
    let gifts = state.ledger.gifts(&subscriber).await?;
    let (sent, received): (Vec<&Gift>, Vec<&Gift>) =
        gifts.iter().partition(|g| g.giver == subscriber);
    Ok(HttpResponse::Ok().json(json!({
        "msisdn": subscriber.as_str(),
        "sent": sent.into_iter().map(gift_view).collect::<Vec<_>>(),
        "received": received.into_iter().map(gift_view).collect::<Vec<_>>(),
    })))
}

/// `?kind=purchase|usage|gift`
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    kind: Option<String>,
    limit: Option<u32>,
}

/// The purchase, usage or gift history (all when `kind` is absent), newest first.
#[utoipa::path(get, path = "/v1/subscribers/{msisdn}/history", tag = "subscribers",
    params(("msisdn" = String, Path), ("kind" = Option<String>, Query, description = "purchase | usage | gift")),
    responses((status = 200, description = "{entries: […]}")), security(("channel_key" = [])))]
pub async fn history(
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Wallet).await?;
    let subscriber = msisdn(&state, &path)?;
    let kind = match query.kind.as_deref() {
        None => None,
        Some(text) => Some(HistoryKind::parse(text).ok_or_else(|| {
            ApiError::bad_request("invalid_query", "kind must be purchase, usage or gift")
        })?),
    };
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let entries = state.ledger.history(&subscriber, kind, limit).await?;
    Ok(HttpResponse::Ok().json(json!({
        "msisdn": subscriber.as_str(),
        "kind": query.kind,
        "entries": entries.iter().map(journal_view).collect::<Vec<_>>(),
    })))
}

fn gift_id(text: &str) -> Result<GiftId, ApiError> {
    GiftId::parse(text).map_err(|e| ApiError::bad_request("invalid_gift_id", e.to_string()))
}

async fn stored_gift(state: &AppState, id: &GiftId) -> Result<Gift, ApiError> {
    state
        .ledger
        .find_gift(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no gift {id}")))
}

/// The gift package: certificates, message, extras, state.
#[utoipa::path(get, path = "/v1/gifts/{gift_id}", tag = "gifts",
    params(("gift_id" = String, Path)), responses((status = 200, description = "the package"), (status = 404, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn gift(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Wallet).await?;
    let id = gift_id(&path)?;
    let gift = stored_gift(&state, &id).await?;
    let mut certificates = Vec::new();
    for code in &gift.certificate_codes {
        if let Some(certificate) = state.ledger.find_certificate(code).await? {
            certificates.push(json!({
                "code": certificate.code.as_str(),
                "product_id": certificate.product_id.as_str(),
                "balance": certificate.balance.amount().to_string(),
                "currency": certificate.balance.currency().code(),
            }));
        }
    }
    let size = state.ledger.gift_package_size(&gift).await?;
    let mut view = gift_view(&gift);
    view["certificates"] = json!(certificates);
    view["size"] = json!(size);
    Ok(HttpResponse::Ok().json(view))
}

/// Sends a gift that waits for the giver's check.
#[utoipa::path(post, path = "/v1/gifts/{gift_id}/confirm", tag = "gifts",
    params(("gift_id" = String, Path)), responses((status = 200, description = "the gift, now sent"), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn confirm_gift(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    in_givers_session(&state, &path, SessionCommand::ConfirmGift).await
}

/// Cancels a gift for its giver's channel: one waiting for the giver's check, or sent
/// and not answered yet. The certificates are the giver's again (run in the giver's
/// session, after their earlier orders); the giver is told, and the transferee when the
/// gift had reached them.
#[utoipa::path(delete, path = "/v1/gifts/{gift_id}", tag = "gifts",
    params(("gift_id" = String, Path)),
    responses((status = 200, description = "the gift, now cancelled"), (status = 404, body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn cancel_gift(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    in_givers_session(&state, &path, SessionCommand::CancelGift).await
}

/// Runs `command` on the gift named by `path` in its giver's session (after the giver's
/// earlier orders) and answers the gift as it stands afterwards.
async fn in_givers_session(
    state: &AppState,
    path: &str,
    command: impl FnOnce(GiftId) -> SessionCommand,
) -> Result<HttpResponse, ApiError> {
    let id = gift_id(path)?;
    let gift = stored_gift(state, &id).await?;
    state
        .registry
        .send(Dispatch {
            msisdn: gift.giver.clone(),
            command: command(id.clone()),
        })
        .await
        .map_err(|e| ApiError::unavailable("unavailable", e.to_string()))??;
    let gift = stored_gift(state, &id).await?;
    Ok(HttpResponse::Ok().json(gift_view(&gift)))
}

/// `{"msisdn"}`: whose certificate.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExtendBody {
    /// The owner.
    pub msisdn: String,
}

/// Extends a certificate's validity by 3 months, within the deployment's limit.
#[utoipa::path(post, path = "/v1/certificates/{code}/extend", tag = "subscribers", request_body = ExtendBody,
    params(("code" = String, Path)),
    responses((status = 200, description = "the certificate with its new expires_at"), (status = 422, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn extend(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<ExtendBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    let owner = msisdn(&state, &body.msisdn)?;
    let code = giftgate_actors::domain::CertificateCode::parse(&path)
        .map_err(|e| ApiError::bad_request("invalid_certificate_code", e.to_string()))?;
    let certificate = state.ledger.extend_certificate(&owner, &code).await?;
    Ok(HttpResponse::Ok().json(certificate_view(&certificate, None)))
}
