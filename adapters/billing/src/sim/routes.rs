//! The simulator's HTTP routes: the OneAPI Payment resources under `/payment/v3`, and
//! `GET /sim/transactions`, the record of everything it accepted or declined.
//!
//! | route | does |
//! |---|---|
//! | `POST /payment/v3/{endUserId}/transactions/amountReservation` | reserve (`Reserved`); 201, or 200 on replay |
//! | `POST /payment/v3/{endUserId}/transactions/amountReservation/{serverReferenceCode}` | charge (`Charged`) or release (`Released`) the reservation |
//! | `POST /payment/v3/{endUserId}/transactions/amount` | refund (`Refunded`, with `originalServerReferenceCode`) |
//! | `GET /payment/v3/{endUserId}/transactions/amount[?clientCorrelator=…][&referenceCode=…]` | look-up: `paymentTransactionList` |
//! | `GET /sim/transactions[?date=YYYY-MM-DD]` | every record (of that UTC day), oldest first, as a JSON array of [`SimTransaction`] |
//!
//! Refusals are OneAPI `requestError`s: a decline is 400 `POL1000`; an unknown reservation
//! 404 `SVC0004`; a bad body 400 `SVC0002`; a wrong state 409 `SVC0007`; a correlator reused
//! for another request 409 `SVC0005`; a refund the carrier will not make 403 `POL0254`.
//! The triggers of [`Trigger`] apply to charges (declines to reservations, the refusal to
//! refunds). Handlers never block: the slow answer is a tokio sleep, and
//! the books' mutex is never held across an await.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use giftgate_actors::domain::msisdn::mask;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::books::{Books, Recorded, Refusal, SimTransaction};
use super::trigger::Trigger;
use crate::wire::{
    AmountEnvelope, RequestError, RequestErrorEnvelope, ReservationEnvelope, TransactionList,
    TransactionListEnvelope, TransactionOperationStatus, message_id,
};

/// The path prefix of the OneAPI resources.
pub const API_PREFIX: &str = "/payment/v3";

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct SimState {
    /// The records.
    pub books: Arc<Books>,
    /// How long the first answer of a `…0002` charge is held back.
    pub slow_answer: Duration,
    /// Carrier points credited.
    pub points: Arc<super::points::PointsBook>,
}

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::scope(API_PREFIX)
                .route(
                    "/{end_user}/transactions/amountReservation",
                    web::post().to(reserve),
                )
                .route(
                    "/{end_user}/transactions/amountReservation/{reference}",
                    web::post().to(settle),
                )
                .route("/{end_user}/transactions/amount", web::post().to(refund))
                .route("/{end_user}/transactions/amount", web::get().to(look_up))
                .route("/{end_user}/points", web::post().to(super::points::credit))
                .route("/{end_user}/points", web::get().to(super::points::list)),
        )
        .route("/sim/transactions", web::get().to(all_transactions));
}

async fn reserve(
    state: web::Data<SimState>,
    http: HttpRequest,
    end_user: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let request = match read::<ReservationEnvelope>(&body, &end_user) {
        Ok(envelope) => envelope.transaction,
        Err(why) => return invalid_body(why),
    };
    let decline = Trigger::for_end_user(&end_user) == Some(Trigger::Decline);
    let recorded = state.books.reserve(&request, decline);
    log_outcome("reserve", &end_user, &request.client_correlator, &recorded);
    match recorded {
        Ok(recorded) => {
            let url = reservation_url(
                &http,
                &end_user,
                &recorded.transaction().server_reference_code,
            );
            answer(&recorded, |transaction| ReservationEnvelope {
                transaction: transaction.to_wire(Some(url)),
            })
        }
        Err(refusal) => refuse(&refusal),
    }
}

async fn settle(
    state: web::Data<SimState>,
    http: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (end_user, reference) = path.into_inner();
    let request = match read::<ReservationEnvelope>(&body, &end_user) {
        Ok(envelope) => envelope.transaction,
        Err(why) => return invalid_body(why),
    };
    let recorded = state.books.settle(&reference, &request);
    log_outcome("settle", &end_user, &request.client_correlator, &recorded);
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(refusal) => return refuse(&refusal),
    };
    if request.transaction_operation_status == TransactionOperationStatus::Charged {
        match Trigger::for_end_user(&end_user) {
            Some(Trigger::SlowFirstCharge) if matches!(recorded, Recorded::New(_)) => {
                tracing::info!(delay = ?state.slow_answer, "billing sim: holding the first charge answer back");
                tokio::time::sleep(state.slow_answer).await;
            }
            Some(Trigger::ChargeFailsAfterRecording) => {
                tracing::info!("billing sim: charge recorded, answering 500");
                return error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    RequestError::service(message_id::SERVER_ERROR, "Internal server error"),
                );
            }
            _ => {}
        }
    }
    let url = reservation_url(&http, &end_user, &reference);
    answer(&recorded, |transaction| ReservationEnvelope {
        transaction: transaction.to_wire(Some(url)),
    })
}

async fn refund(
    state: web::Data<SimState>,
    http: HttpRequest,
    end_user: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let request = match read::<AmountEnvelope>(&body, &end_user) {
        Ok(envelope) => envelope.transaction,
        Err(why) => return invalid_body(why),
    };
    if Trigger::for_end_user(&end_user) == Some(Trigger::RefundRefused) {
        tracing::info!(end_user = %mask(&end_user), correlator = %request.client_correlator, "billing sim: refund refused, month closed");
        return error_response(
            StatusCode::FORBIDDEN,
            RequestError::policy(
                message_id::REFUND_NOT_ALLOWED,
                "Refund not allowed: the billing month of the charge has closed",
            ),
        );
    }
    let recorded = state.books.refund(&request);
    log_outcome("refund", &end_user, &request.client_correlator, &recorded);
    match recorded {
        Ok(recorded) => {
            let url = format!(
                "{}/{}",
                amount_url(&http, &end_user),
                recorded.transaction().server_reference_code
            );
            answer(&recorded, |transaction| AmountEnvelope {
                transaction: transaction.to_wire(Some(url)),
            })
        }
        Err(refusal) => refuse(&refusal),
    }
}

/// The look-up's filters.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LookUp {
    client_correlator: Option<String>,
    reference_code: Option<String>,
}

async fn look_up(
    state: web::Data<SimState>,
    http: HttpRequest,
    end_user: web::Path<String>,
    filter: web::Query<LookUp>,
) -> HttpResponse {
    let found = state.books.find(
        &end_user,
        filter.client_correlator.as_deref(),
        filter.reference_code.as_deref(),
    );
    tracing::debug!(end_user = %mask(&end_user), found = found.len(), "billing sim: look-up");
    let resource_url = amount_url(&http, &end_user);
    HttpResponse::Ok().json(TransactionListEnvelope {
        list: TransactionList {
            transactions: found
                .iter()
                .map(|t| t.to_wire(Some(format!("{resource_url}/{}", t.server_reference_code))))
                .collect(),
            resource_url: Some(resource_url),
        },
    })
}

/// The records' filter.
#[derive(Debug, Deserialize)]
struct Day {
    date: Option<String>,
}

async fn all_transactions(state: web::Data<SimState>, filter: web::Query<Day>) -> HttpResponse {
    let day = match filter
        .date
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
    {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(e)) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                RequestError::service(
                    message_id::INVALID_INPUT,
                    format!("date must be YYYY-MM-DD: {e}"),
                ),
            );
        }
    };
    let records: Vec<SimTransaction> = state
        .books
        .all()
        .into_iter()
        .filter(|t| day.is_none_or(|d| t.created_at.date_naive() == d))
        .collect();
    HttpResponse::Ok().json(records)
}

/// Parses a body and checks its end user is the path's; the error is the answer's text.
fn read<T: DeserializeOwned + HasTransaction>(body: &[u8], end_user: &str) -> Result<T, String> {
    let parsed: T =
        serde_json::from_slice(body).map_err(|e| format!("Invalid request body: {e}"))?;
    if !valid_end_user(end_user) || parsed.end_user_id() != end_user {
        return Err("endUserId must be a tel:+<digits> URI equal to the path's".to_owned());
    }
    Ok(parsed)
}

fn invalid_body(why: String) -> HttpResponse {
    error_response(
        StatusCode::BAD_REQUEST,
        RequestError::service(message_id::INVALID_INPUT, why),
    )
}

/// Bodies that carry one transaction.
trait HasTransaction {
    fn end_user_id(&self) -> &str;
}

impl HasTransaction for ReservationEnvelope {
    fn end_user_id(&self) -> &str {
        &self.transaction.end_user_id
    }
}

impl HasTransaction for AmountEnvelope {
    fn end_user_id(&self) -> &str {
        &self.transaction.end_user_id
    }
}

fn valid_end_user(end_user: &str) -> bool {
    end_user.strip_prefix("tel:+").is_some_and(|digits| {
        (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// 201 for a new transaction, 200 for a replay.
fn answer<B: serde::Serialize>(
    recorded: &Recorded,
    body: impl FnOnce(&SimTransaction) -> B,
) -> HttpResponse {
    let status = match recorded {
        Recorded::New(_) => StatusCode::CREATED,
        Recorded::Replayed(_) => StatusCode::OK,
    };
    HttpResponse::build(status).json(body(recorded.transaction()))
}

fn refuse(refusal: &Refusal) -> HttpResponse {
    let (status, error) = match refusal {
        Refusal::Declined => (
            StatusCode::BAD_REQUEST,
            RequestError::policy(
                message_id::INSUFFICIENT_CREDIT,
                "User has insufficient credit for transaction",
            ),
        ),
        Refusal::NotFound(what) => (
            StatusCode::NOT_FOUND,
            RequestError::service(message_id::NOT_FOUND, format!("No such resource: {what}")),
        ),
        Refusal::InvalidInput(why) => (
            StatusCode::BAD_REQUEST,
            RequestError::service(message_id::INVALID_INPUT, format!("Invalid input: {why}")),
        ),
        Refusal::InvalidState(why) => (
            StatusCode::CONFLICT,
            RequestError::service(message_id::INVALID_STATE, format!("Invalid state: {why}")),
        ),
        Refusal::DuplicateCorrelator(correlator) => (
            StatusCode::CONFLICT,
            RequestError::service(
                message_id::DUPLICATE_CORRELATOR,
                format!("clientCorrelator {correlator} was used for a different request"),
            ),
        ),
    };
    error_response(status, error)
}

fn error_response(status: StatusCode, error: RequestError) -> HttpResponse {
    HttpResponse::build(status).json(RequestErrorEnvelope { error })
}

fn log_outcome(what: &str, end_user: &str, correlator: &str, outcome: &Result<Recorded, Refusal>) {
    match outcome {
        Ok(Recorded::New(t)) => {
            tracing::info!(what, end_user = %mask(end_user), correlator, status = ?t.status, "billing sim: recorded")
        }
        Ok(Recorded::Replayed(t)) => {
            tracing::info!(what, end_user = %mask(end_user), correlator, status = ?t.status, "billing sim: replayed")
        }
        Err(refusal) => {
            tracing::info!(what, end_user = %mask(end_user), correlator, %refusal, "billing sim: refused")
        }
    }
}

fn amount_url(http: &HttpRequest, end_user: &str) -> String {
    let info = http.connection_info();
    format!(
        "{}://{}{API_PREFIX}/{end_user}/transactions/amount",
        info.scheme(),
        info.host()
    )
}

fn reservation_url(http: &HttpRequest, end_user: &str, reference: &str) -> String {
    let info = http.connection_info();
    format!(
        "{}://{}{API_PREFIX}/{end_user}/transactions/amountReservation/{reference}",
        info.scheme(),
        info.host()
    )
}
