//! What passes between the routes and the books: a write parsed from a request, and the
//! answer the books give with how the routes must deliver it (as the trigger asks).

use serde::Serialize;

use crate::wire::{AuthorizeRequest, CaptureRequest, ErrorBody, RefundRequest};

/// A write to the books, parsed from the request.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    /// `POST /v1/payments`.
    Authorize(AuthorizeRequest),
    /// `POST /v1/payments/{id}/capture`.
    Capture {
        /// The payment.
        payment_id: String,
        /// The amount asked for.
        request: CaptureRequest,
    },
    /// `POST /v1/payments/{id}/void`.
    Void {
        /// The payment.
        payment_id: String,
    },
    /// `POST /v1/payments/{id}/refunds`.
    Refund {
        /// The payment.
        payment_id: String,
        /// The refund asked for.
        request: RefundRequest,
    },
}

/// How the routes must deliver an answer, as the payment's trigger asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// As it is.
    Normal,
    /// After the slow-answer delay.
    Slow,
    /// As a 500 instead (the write did take effect).
    ServerError,
    /// As malformed JSON instead.
    Garbage,
    /// Deliver the request to the books once more and answer with that second answer.
    Twice,
}

/// An answer of the books: HTTP status, JSON body and how to deliver it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The JSON body, byte for byte what a replay sends again.
    pub(crate) body: String,
    /// How to deliver it.
    pub(crate) delivery: Delivery,
}

impl Answer {
    pub(super) fn json(status: u16, body: &impl Serialize) -> Self {
        Answer {
            status,
            // unwrap_or_else: the wire types serialize infallibly (no maps with non-string keys).
            body: serde_json::to_string(body).unwrap_or_else(|e| {
                format!("{{\"error\":{{\"code\":\"internal_error\",\"message\":\"{e}\"}}}}")
            }),
            delivery: Delivery::Normal,
        }
    }

    pub(super) fn error(
        status: u16,
        code: &str,
        message: impl Into<String>,
        payment_id: Option<&str>,
    ) -> Self {
        Answer::json(
            status,
            &ErrorBody::new(code, message, payment_id.map(str::to_owned)),
        )
    }
}
