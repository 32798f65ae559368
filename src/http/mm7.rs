//! `POST /mm7/delivery-reports`: the MMSC's delivery reports, applied by
//! [`giftgate_delivery::reports`].

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_delivery::reports::{ReportError, apply_delivery_report};

use super::AppState;
use super::error::ApiError;

/// Accepts one delivery report.
pub async fn delivery_report(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let content_type = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/xml");
    let response = apply_delivery_report(state.ledger.store().as_ref(), &body, content_type)
        .await
        .map_err(|error| match error {
            ReportError::Malformed(e) => {
                ApiError::bad_request("malformed_delivery_report", e.to_string())
            }
            ReportError::Store(e) => e.into(),
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(response))
}
