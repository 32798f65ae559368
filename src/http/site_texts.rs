//! `PUT /v1/admin/site-texts/{topic}`: the texts of the subscriber site's notices, usage
//! guide and call-center pages (`notices`, `guide`, `call_center`), per language.

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::domain::SiteTopic;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::state::AppState;

/// `{"language": "ko"|"en", "body": "…"}`; paragraphs are separated by a blank line.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SiteTextBody {
    /// `ko` or `en`.
    pub language: String,
    /// The text (1–4000 characters).
    pub body: String,
}

/// Writes one site text.
#[utoipa::path(put, path = "/v1/admin/site-texts/{topic}", tag = "admin", request_body = SiteTextBody,
    params(("topic" = String, Path, description = "notices, guide or call_center")),
    responses((status = 200, description = "{topic, language}"), (status = 400, body = super::error::ErrorBody)),
    security(("admin_token" = [])))]
pub async fn put_site_text(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Json<SiteTextBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.admin(&request)?;
    let topic = SiteTopic::parse(&path).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_topic",
            "topic must be notices, guide or call_center",
        )
    })?;
    state
        .ledger
        .put_site_text(topic, &body.language, &body.body)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "topic": topic.as_str(), "language": body.language })))
}
