//! JSON errors with stable codes: `{"error": "<snake_case_code>", "detail": "…"}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use giftgate_actors::domain::{OrderError, RefusalCode};
use giftgate_actors::service::ServiceError;
use serde::Serialize;

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub error: String,
    /// Human explanation.
    pub detail: String,
}

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: String,
    /// Human detail.
    pub detail: String,
}

impl ApiError {
    /// An error with status, code and detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            detail: detail.into(),
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 401: no or wrong credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 503 while something the answer needs is down.
    pub fn unavailable(code: &str, detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
    }
}

/// The HTTP status of a business refusal: one arm per code, so a new refusal cannot
/// ship without its status.
pub fn status_of(code: RefusalCode) -> StatusCode {
    use RefusalCode as R;
    match code {
        R::NotFound | R::CertificateNotFound | R::GiftNotFound | R::UnknownProduct => {
            StatusCode::NOT_FOUND
        }
        R::InvalidPin => StatusCode::FORBIDDEN,
        R::InvalidText | R::InvalidLanguage => StatusCode::BAD_REQUEST,
        R::PinLocked | R::Blocked => StatusCode::LOCKED,
        R::IdempotencyKeyReused | R::AlreadyVoided => StatusCode::CONFLICT,
        R::AlreadyRefunded
        | R::BillingDeclined
        | R::BillingLimitExceeded
        | R::CardDeclined
        | R::CodeExpired
        | R::ContentUnavailable
        | R::CorruptOrder
        | R::CurrencyMismatch
        | R::Expired
        | R::ExtensionLimitReached
        | R::ExtensionNotOffered
        | R::GiftExpired
        | R::GiftNotPending
        | R::InsufficientBalance
        | R::InsufficientFunds
        | R::InvalidAccount
        | R::InvalidActor
        | R::InvalidAmount
        | R::InvalidCertificateCodes
        | R::InvalidCommand
        | R::InvalidReason
        | R::InvalidTransferee
        | R::NoSignIn
        | R::NotBlockable
        | R::NotBlocked
        | R::NotExtendable
        | R::NotGiftable
        | R::NotRedeemable
        | R::NotRefundable
        | R::NotRekeyable
        | R::NotVoidable
        | R::PaymentDeclined
        | R::PaymentFailed
        | R::PaymentUnavailable
        | R::PaymentUnknown
        | R::ProductUnavailable
        | R::RateLimited
        | R::Redeemed
        | R::RefundPending
        | R::RefundRefused
        | R::SignInLocked
        | R::UnknownContent
        | R::UnsupportedContent
        | R::WrongCode
        | R::WrongOrderType => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The HTTP status of a service error: one arm per kind.
fn status_of_error(error: &ServiceError) -> StatusCode {
    match error {
        ServiceError::Refused(refusal) => status_of(refusal.code),
        ServiceError::Store(_) | ServiceError::PaymentUnknown(_) => StatusCode::SERVICE_UNAVAILABLE,
        ServiceError::RefundQueued(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::Contention(_) => StatusCode::CONFLICT,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Refused(refusal) => ApiError::new(
                status_of(refusal.code),
                refusal.code.as_str(),
                refusal.detail,
            ),
            ServiceError::Store(inner) => inner.into(),
            other => {
                if matches!(other, ServiceError::Internal(_)) {
                    tracing::error!(error = %other, "internal error");
                }
                ApiError::new(status_of_error(&other), other.code(), other.to_string())
            }
        }
    }
}

impl From<giftgate_actors::ports::StoreError> for ApiError {
    /// A store failure reaching a handler directly: logged, answered 503.
    fn from(error: giftgate_actors::ports::StoreError) -> Self {
        tracing::error!(%error, "store failure");
        ApiError::unavailable("store_unavailable", "the ledger is unavailable; retry")
    }
}

impl From<OrderError> for ApiError {
    fn from(error: OrderError) -> Self {
        ApiError::bad_request(error.code, error.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(ErrorBody {
            error: self.code.clone(),
            detail: self.detail.clone(),
        })
    }
}

/// Turns actix's JSON and path extraction errors into our JSON errors.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|error, _| ApiError::bad_request("malformed_json", error.to_string()).into())
}

/// Path extraction errors as JSON.
pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|error, _| ApiError::bad_request("invalid_path", error.to_string()).into())
}

/// Query extraction errors as JSON.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|error, _| ApiError::bad_request("invalid_query", error.to_string()).into())
}
