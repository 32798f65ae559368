//! What the carrier's answer means when it is not a readable 2xx: a decline, a refusal of
//! the request, a refund the carrier will not make, an answer that is not OneAPI's, or an
//! unknown outcome; and the texts such failures carry into logs.

use std::error::Error as StdError;

use giftgate_actors::ports::PaymentError;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::{REASON_DECLINED, REASON_REJECTED};
use crate::error::CallFailure;
use crate::wire::RequestErrorEnvelope;

/// What a non-2xx answer means.
pub(super) fn classify_refusal(status: StatusCode, body: &[u8]) -> CallFailure {
    let oneapi = serde_json::from_slice::<RequestErrorEnvelope>(body).ok();
    let detail = oneapi
        .as_ref()
        .map(|envelope| envelope.error.describe())
        .unwrap_or_else(|| snippet(body));
    if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        return CallFailure::Uncertain(format!("billing answered HTTP {status}: {detail}"));
    }
    match oneapi {
        Some(envelope) if status.is_client_error() && envelope.error.is_refund_not_allowed() => {
            CallFailure::Refused(PaymentError::NotSupported(detail))
        }
        Some(envelope) if status.is_client_error() => {
            let reason = if envelope.error.is_decline() {
                REASON_DECLINED
            } else {
                REASON_REJECTED
            };
            CallFailure::Refused(PaymentError::Declined {
                reason: reason.to_owned(),
                detail,
            })
        }
        _ => CallFailure::Refused(PaymentError::Unavailable(format!(
            "billing answered HTTP {status} without a OneAPI requestError \
             (is the billing base URL right?): {detail}"
        ))),
    }
}

pub(super) fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, CallFailure> {
    serde_json::from_slice(body).map_err(|e| {
        CallFailure::Uncertain(format!(
            "billing's answer is not a OneAPI {what} ({e}); it starts {}",
            snippet(body)
        ))
    })
}

/// The start of a body, for error messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(120).collect();
    if text.chars().count() > 120 {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// An error and its sources, `a: b: c`.
pub(super) fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn policy_exceptions_are_declines_and_5xx_is_uncertain() {
        let decline = br#"{"requestError":{"policyException":{"messageId":"POL1000","text":"User has insufficient credit for transaction"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::BAD_REQUEST, decline),
            CallFailure::Refused(PaymentError::Declined { ref reason, .. }) if reason == REASON_DECLINED
        ));
        let invalid = br#"{"requestError":{"serviceException":{"messageId":"SVC0002","text":"Invalid input"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::BAD_REQUEST, invalid),
            CallFailure::Refused(PaymentError::Declined { ref reason, .. }) if reason == REASON_REJECTED
        ));
        assert!(matches!(
            classify_refusal(StatusCode::INTERNAL_SERVER_ERROR, decline),
            CallFailure::Uncertain(_)
        ));
        assert!(matches!(
            classify_refusal(StatusCode::NOT_FOUND, b"<html>nope</html>"),
            CallFailure::Refused(PaymentError::Unavailable(_))
        ));
    }

    #[test]
    fn a_refund_the_carrier_will_not_make_is_not_supported() {
        let closed = br#"{"requestError":{"policyException":{"messageId":"POL0254","text":"Refund not allowed: the billing month of the charge has closed"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::FORBIDDEN, closed),
            CallFailure::Refused(PaymentError::NotSupported(ref detail)) if detail.contains("month")
        ));
    }
}
