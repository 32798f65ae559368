//! The simulator's HTTP face: the MM7 endpoint (`POST /mm7`) and the test and operator
//! routes (`GET /handsets/{msisdn}/inbox`, `PUT /status-script`, `GET /stats`).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use chrono::Utc;

use super::answers::{rs_error_fault, submit_rsp};
use super::reports::ReportSender;
use super::state::SimState;
use super::validate::{Refusal, validate_submit};
use super::{MmscSimConfig, ReceivedMms};
use crate::mm7::status::{SERVER_ERROR, StatusClass};
use giftgate_edge::mask_msisdn;

/// Everything a request handler needs.
pub(crate) struct AppContext {
    pub cfg: MmscSimConfig,
    pub state: Arc<SimState>,
    pub reports: Option<ReportSender>,
}

/// Registers the routes.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/mm7", web::post().to(mm7_endpoint))
        .route("/handsets/{msisdn}/inbox", web::get().to(inbox))
        .route("/status-script", web::put().to(set_status_script))
        .route("/status-script", web::get().to(get_status_script_help))
        .route("/stats", web::get().to(stats));
}

async fn mm7_endpoint(
    request: HttpRequest,
    body: web::Bytes,
    ctx: web::Data<AppContext>,
) -> HttpResponse {
    ctx.state.count_received();
    if !authorized(&request, &ctx.cfg) {
        ctx.state.count_unauthorized();
        return HttpResponse::Unauthorized()
            .insert_header((WWW_AUTHENTICATE, "Basic realm=\"MM7\""))
            .finish();
    }
    let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
    let content_type = header(CONTENT_TYPE.as_str());
    let soap_action = header("SOAPAction");
    let version = ctx.cfg.version;
    let valid = match validate_submit(
        version,
        ctx.cfg.max_message_bytes,
        content_type,
        soap_action,
        &body,
    ) {
        Ok(valid) => valid,
        Err(refusal) => {
            tracing::info!(code = refusal.code, details = %refusal.details, "SubmitReq refused");
            return refuse(&ctx, refusal);
        }
    };
    let scripted = ctx.state.next_scripted().unwrap_or(1000);
    if StatusClass::of(scripted) != StatusClass::Success {
        tracing::info!(code = scripted, transaction_id = %valid.transaction_id, "scripted refusal");
        return refuse(
            &ctx,
            Refusal {
                code: scripted,
                details: "scripted answer".to_owned(),
                transaction_id: Some(valid.transaction_id),
            },
        );
    }
    let message_id = format!("mmsc-{}", uuid::Uuid::new_v4().simple());
    let received_at = Utc::now();
    for recipient in &valid.recipients {
        ctx.state.deliver(
            recipient,
            ReceivedMms {
                message_id: message_id.clone(),
                transaction_id: valid.transaction_id.clone(),
                from: valid.from.clone(),
                to: recipient.clone(),
                subject: valid.subject.clone(),
                text: valid.text.clone(),
                parts: valid.parts.clone(),
                total_bytes: valid.total_bytes,
                received_at,
            },
        );
        if valid.delivery_report
            && let Some(reports) = &ctx.reports
        {
            reports.schedule(ctx.state.clone(), message_id.clone(), recipient.clone());
        }
        tracing::debug!(
            recipient = %mask_msisdn(recipient),
            %message_id,
            bytes = valid.total_bytes,
            "MMS stored in the handset's inbox"
        );
    }
    if valid.recipients.is_empty() {
        ctx.state.count_accepted_without_delivery();
    }
    match submit_rsp(version, &valid.transaction_id, scripted, &message_id) {
        Ok(xml) => soap_response(StatusCode::OK, xml),
        Err(e) => {
            tracing::error!(error = %e, "could not write SubmitRsp");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn refuse(ctx: &AppContext, refusal: Refusal) -> HttpResponse {
    ctx.state.count_refused(refusal.code);
    match rs_error_fault(
        ctx.cfg.version,
        refusal.transaction_id.as_deref(),
        refusal.code,
        &refusal.details,
    ) {
        // SOAP 1.1 sends faults with HTTP 500.
        Ok(xml) => soap_response(StatusCode::INTERNAL_SERVER_ERROR, xml),
        Err(e) => {
            tracing::error!(error = %e, code = SERVER_ERROR, "could not write the fault");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn soap_response(status: StatusCode, xml: Vec<u8>) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/xml; charset=utf-8")
        .body(xml)
}

/// Whether the request carries the configured basic-auth credentials (or none are set).
fn authorized(request: &HttpRequest, cfg: &MmscSimConfig) -> bool {
    let Some(user) = &cfg.username else {
        return true;
    };
    let expected = format!("{user}:{}", cfg.password.as_deref().unwrap_or(""));
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .is_some_and(|decoded| decoded == expected.as_bytes())
}

async fn inbox(path: web::Path<String>, ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok().json(ctx.state.inbox(&path.into_inner()))
}

async fn set_status_script(
    script: web::Json<Vec<u16>>,
    ctx: web::Data<AppContext>,
) -> HttpResponse {
    let script = script.into_inner();
    tracing::info!(?script, "status script replaced");
    ctx.state.set_script(script);
    HttpResponse::NoContent().finish()
}

async fn get_status_script_help() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .json(serde_json::json!({"error": "method_not_allowed", "detail": "PUT a JSON array of MM7 status codes, e.g. [4006, 4006, 1000]"}))
}

async fn stats(ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok().json(ctx.state.stats())
}
