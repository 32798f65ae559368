//! What went wrong talking to the PSP, and how an answer becomes one: a transport failure,
//! a non-2xx answer with or without the API's error body, and the port's [`PaymentError`]
//! each failure stands for (certain, declined, or unknown until looked up).

use giftgate_actors::ports::PaymentError;
use reqwest::StatusCode;

use crate::wire::{CARD_DECLINED, ErrorBody, INSUFFICIENT_FUNDS};

/// What went wrong talking to the PSP, before it is translated into a [`PaymentError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PspError {
    /// The configuration cannot work (bad base URL, unusable API key).
    #[error("invalid PSP configuration: {0}")]
    InvalidConfig(String),
    /// The PSP could not be reached; the request was never delivered.
    #[error("PSP unreachable: {0}")]
    Unreachable(String),
    /// The request may have been delivered but no answer came (timeout, connection lost).
    #[error("no answer from the PSP: {0}")]
    NoAnswer(String),
    /// The PSP failed (5xx); the request may or may not have taken effect.
    #[error("PSP server error {status}: {detail}")]
    ServerError {
        /// The HTTP status.
        status: u16,
        /// The PSP's words.
        detail: String,
    },
    /// The PSP refused a retried idempotency key without replaying the first answer (409).
    #[error("PSP refused the retried idempotency key: {0}")]
    IdempotencyConflict(String),
    /// The issuer or bank declined (402).
    #[error("declined: {code} ({message})")]
    Declined {
        /// The PSP's decline code.
        code: String,
        /// The PSP's words.
        message: String,
    },
    /// The PSP refused the request itself (4xx other than 402 and 409).
    #[error("PSP rejected the request ({status} {code}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The PSP's error code.
        code: String,
        /// The PSP's words.
        message: String,
    },
    /// A refusal that is not the PSP API's (no error body: a proxy, a wrong base URL, a
    /// redirect); the request never reached the payment logic.
    #[error("answer {status} is not the PSP API's: {excerpt:?}")]
    NotTheApi {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The PSP answered something that is not the JSON of its API.
    #[error("PSP answered malformed JSON: {0}")]
    Malformed(String),
}

impl PspError {
    /// True when the call may have taken effect at the PSP: only a look-up can tell.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            PspError::NoAnswer(_)
                | PspError::ServerError { .. }
                | PspError::IdempotencyConflict(_)
                | PspError::Malformed(_)
        )
    }

    /// The port's view of a failure that is not ambiguous.
    pub(crate) fn into_payment_error(self) -> PaymentError {
        match self {
            PspError::Declined { code, message } => declined(&code, message),
            PspError::Rejected {
                status,
                code,
                message,
            } => match status {
                401 | 403 | 429 => PaymentError::Unavailable(format!(
                    "PSP refused us ({status} {code}): {message}"
                )),
                _ => PaymentError::Declined {
                    reason: code,
                    detail: message,
                },
            },
            PspError::InvalidConfig(_) | PspError::Unreachable(_) | PspError::NotTheApi { .. } => {
                PaymentError::Unavailable(self.to_string())
            }
            PspError::NoAnswer(_)
            | PspError::ServerError { .. }
            | PspError::IdempotencyConflict(_)
            | PspError::Malformed(_) => PaymentError::Unknown(self.to_string()),
        }
    }
}

/// A decline with the core's stable reasons: `insufficient_funds` as is, every other issuer
/// or bank refusal as `card_declined` (the PSP's own code stays in the detail).
pub(super) fn declined(code: &str, message: String) -> PaymentError {
    let reason = if code == INSUFFICIENT_FUNDS {
        INSUFFICIENT_FUNDS
    } else {
        CARD_DECLINED
    };
    let detail = if code == reason {
        message
    } else {
        format!("{code}: {message}")
    };
    PaymentError::Declined {
        reason: reason.to_owned(),
        detail,
    }
}

/// Classifies a transport failure: a connection never made is certain, anything else not.
pub(super) fn transport_error(error: reqwest::Error) -> PspError {
    if error.is_connect() {
        PspError::Unreachable(error_chain(&error))
    } else {
        PspError::NoAnswer(error_chain(&error))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Reads a non-2xx answer.
pub(super) fn error_answer(status: StatusCode, body: &[u8]) -> PspError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let excerpt = || String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    let code = detail.as_ref().map(|d| d.code.clone());
    let message = detail
        .as_ref()
        .map(|d| d.message.clone())
        .unwrap_or_else(excerpt);
    match status {
        s if s.is_server_error() => PspError::ServerError {
            status: s.as_u16(),
            detail: message,
        },
        StatusCode::CONFLICT => PspError::IdempotencyConflict(message),
        StatusCode::PAYMENT_REQUIRED => PspError::Declined {
            code: code.unwrap_or_else(|| CARD_DECLINED.to_owned()),
            message,
        },
        s => match code {
            Some(code) => PspError::Rejected {
                status: s.as_u16(),
                code,
                message,
            },
            None => PspError::NotTheApi {
                status: s.as_u16(),
                excerpt: excerpt(),
            },
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_are_classified() {
        let body = br#"{"error":{"code":"insufficient_funds","message":"no money"}}"#;
        match error_answer(StatusCode::PAYMENT_REQUIRED, body).into_payment_error() {
            PaymentError::Declined { reason, .. } => assert_eq!(reason, "insufficient_funds"),
            other => panic!("{other:?}"),
        }
        let body = br#"{"error":{"code":"do_not_honor","message":"issuer says no"}}"#;
        match error_answer(StatusCode::PAYMENT_REQUIRED, body).into_payment_error() {
            PaymentError::Declined { reason, detail } => {
                assert_eq!(reason, "card_declined");
                assert!(detail.contains("do_not_honor"));
            }
            other => panic!("{other:?}"),
        }
        assert!(error_answer(StatusCode::CONFLICT, b"").is_ambiguous());
        assert!(error_answer(StatusCode::BAD_GATEWAY, b"<html>").is_ambiguous());
        assert!(matches!(
            error_answer(StatusCode::UNAUTHORIZED, b"").into_payment_error(),
            PaymentError::Unavailable(_)
        ));
        assert!(matches!(
            error_answer(StatusCode::NOT_FOUND, b"<html>Not Found</html>"),
            PspError::NotTheApi { status: 404, .. }
        ));
        assert!(matches!(
            error_answer(StatusCode::UNPROCESSABLE_ENTITY, br#"{"error":{"code":"payment_not_capturable","message":"x"}}"#)
                .into_payment_error(),
            PaymentError::Declined { reason, .. } if reason == "payment_not_capturable"
        ));
    }
}
