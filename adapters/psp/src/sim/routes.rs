//! The simulator's HTTP face: the payment network API of [`crate::wire`] plus
//! `GET /sim/payments`, the records a reconciliation or a test reads.
//!
//! Handlers parse, ask the [`Books`], and deliver its answer the way the payment's trigger
//! wants (late, as a 500, as garbage, or after a second delivery). Delays are
//! `tokio::time::sleep`, so a slow answer never blocks the worker thread.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::PspSimConfig;
use super::books::{Answer, Books, Delivery, Write};
use crate::wire::{ErrorBody, IDEMPOTENCY_KEY_HEADER, MERCHANT_ID_HEADER};

/// What every handler shares.
pub(crate) struct SimState {
    pub(crate) books: Arc<Books>,
    pub(crate) config: PspSimConfig,
    pub(crate) transfers: Arc<super::transfers::Transfers>,
}

/// Mounts the routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/payments", web::post().to(authorize))
        .route("/v1/payments", web::get().to(find_by_reference))
        .route("/v1/payments/{id}", web::get().to(get_payment))
        .route("/v1/payments/{id}/capture", web::post().to(capture))
        .route("/v1/payments/{id}/void", web::post().to(void))
        .route("/v1/payments/{id}/refunds", web::post().to(refund))
        .route("/v1/transfers", web::post().to(super::transfers::create))
        .route("/v1/transfers", web::get().to(super::transfers::find))
        .route("/sim/payments", web::get().to(sim_payments));
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody::new(code, message, None))
}

/// A failure to read the request, answered before the books are asked.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    fn into_response(self) -> HttpResponse {
        error(self.status, self.code, self.message)
    }
}

fn merchant(request: &HttpRequest) -> Result<String, Refusal> {
    request
        .headers()
        .get(MERCHANT_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::UNAUTHORIZED,
                "merchant_required",
                format!("the {MERCHANT_ID_HEADER} header is required"),
            )
        })
}

fn idempotency_key(request: &HttpRequest) -> Result<String, Refusal> {
    request
        .headers()
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .map(str::to_owned)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                format!("writes need an {IDEMPOTENCY_KEY_HEADER} header of 1-255 characters"),
            )
        })
}

/// Parses a JSON body (an empty body reads as `{}`); answers the request and its
/// fingerprint, the canonical JSON a repeated key is compared by.
fn parse_body<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<(T, String), Refusal> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let invalid = |e: serde_json::Error| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("malformed request body: {e}"),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
    let fingerprint = format!("{path} {value}");
    let parsed = serde_json::from_value(value).map_err(invalid)?;
    Ok((parsed, fingerprint))
}

/// Reads a write's headers and body, applies it (twice for `tok_duplicate`) and delivers
/// the answer.
async fn apply(
    state: web::Data<SimState>,
    request: HttpRequest,
    body: web::Bytes,
    to_write: impl Fn(&HttpRequest, &[u8]) -> Result<(Write, String), Refusal>,
) -> HttpResponse {
    let parsed = merchant(&request).and_then(|merchant| {
        let key = idempotency_key(&request)?;
        let (write, fingerprint) = to_write(&request, &body)?;
        Ok((merchant, key, write, fingerprint))
    });
    let (merchant, key, write, fingerprint) = match parsed {
        Ok(parsed) => parsed,
        Err(refusal) => return refusal.into_response(),
    };
    let mut answer = state
        .books
        .write(&merchant, &key, &fingerprint, write.clone());
    if answer.delivery == Delivery::Twice {
        answer = state.books.write(&merchant, &key, &fingerprint, write);
    }
    deliver(&state.config, answer).await
}

async fn deliver(config: &PspSimConfig, answer: Answer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match answer.delivery {
        Delivery::Normal | Delivery::Twice => json_text(status, answer.body),
        Delivery::Slow => {
            tokio::time::sleep(config.slow_answer_delay).await;
            json_text(status, answer.body)
        }
        Delivery::ServerError => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the payment processor failed",
        ),
        Delivery::Garbage => garbage(),
    }
}

fn json_text(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body)
}

/// A 200 whose body claims JSON but is cut off mid-object.
fn garbage() -> HttpResponse {
    json_text(StatusCode::OK, "{\"id\": \"pay_".to_owned())
}

async fn authorize(
    state: web::Data<SimState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    apply(state, request, body, |_, body| {
        let (authorize, fingerprint) = parse_body("/v1/payments", body)?;
        Ok((Write::Authorize(authorize), fingerprint))
    })
    .await
}

fn payment_id(request: &HttpRequest) -> String {
    request
        .match_info()
        .get("id")
        .unwrap_or_default()
        .to_owned()
}

async fn capture(
    state: web::Data<SimState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    apply(state, request, body, |request, body| {
        let payment_id = payment_id(request);
        let (capture, fingerprint) = parse_body(request.path(), body)?;
        Ok((
            Write::Capture {
                payment_id,
                request: capture,
            },
            fingerprint,
        ))
    })
    .await
}

async fn void(state: web::Data<SimState>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    apply(state, request, body, |request, body| {
        let payment_id = payment_id(request);
        let (_, fingerprint): (serde_json::Value, String) = parse_body(request.path(), body)?;
        Ok((Write::Void { payment_id }, fingerprint))
    })
    .await
}

async fn refund(
    state: web::Data<SimState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    apply(state, request, body, |request, body| {
        let payment_id = payment_id(request);
        let (refund, fingerprint) = parse_body(request.path(), body)?;
        Ok((
            Write::Refund {
                payment_id,
                request: refund,
            },
            fingerprint,
        ))
    })
    .await
}

#[derive(Deserialize)]
struct ReferenceQuery {
    reference: Option<String>,
}

async fn find_by_reference(
    state: web::Data<SimState>,
    request: HttpRequest,
    query: web::Query<ReferenceQuery>,
) -> HttpResponse {
    let merchant = match merchant(&request) {
        Ok(merchant) => merchant,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(reference) = query.into_inner().reference.filter(|r| !r.is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "reference_required",
            "look-ups need ?reference=",
        );
    };
    match state.books.find(&merchant, &reference) {
        (_, true) => garbage(),
        (list, false) => HttpResponse::Ok().json(list),
    }
}

async fn get_payment(state: web::Data<SimState>, request: HttpRequest) -> HttpResponse {
    let merchant = match merchant(&request) {
        Ok(merchant) => merchant,
        Err(refusal) => return refusal.into_response(),
    };
    let id = payment_id(&request);
    match state.books.get(&merchant, &id) {
        None => error(
            StatusCode::NOT_FOUND,
            "payment_not_found",
            format!("no payment {id}"),
        ),
        Some((_, true)) => garbage(),
        Some((payment, false)) => HttpResponse::Ok().json(payment),
    }
}

#[derive(Deserialize)]
struct RecordsQuery {
    date: Option<String>,
}

/// `GET /sim/payments[?date=YYYY-MM-DD]`: every payment (with `date`: those whose
/// capture or a refund was settled that UTC day), oldest first, with masked tokens;
/// `{"data": [...]}`.
async fn sim_payments(state: web::Data<SimState>, query: web::Query<RecordsQuery>) -> HttpResponse {
    let date = match query
        .into_inner()
        .date
        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
    {
        None => None,
        Some(Ok(date)) => Some(date),
        Some(Err(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_date",
                format!("date must be YYYY-MM-DD: {e}"),
            );
        }
    };
    let data: Vec<_> = state
        .books
        .records()
        .into_iter()
        .filter(|p| date.is_none_or(|d| p.settled_on(d)))
        .collect();
    HttpResponse::Ok().json(serde_json::json!({ "data": data }))
}
