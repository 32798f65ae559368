//! Errors: [`BillingError`] when the client cannot be built, and [`CallFailure`], what one
//! HTTP exchange with the carrier came to when it did not succeed. The core only ever sees
//! [`PaymentError`]; [`crate::OneApiBilling`] turns failures into it once it knows whether
//! money may have moved.

use giftgate_actors::ports::PaymentError;

/// Why [`crate::OneApiBilling::new`] refused its configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BillingError {
    /// `base_url` is not an absolute `http`/`https` URL.
    #[error("billing base URL {url:?} is invalid: {reason}")]
    InvalidBaseUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting cannot work, e.g. a zero timeout or zero attempts.
    #[error("invalid billing configuration: {0}")]
    InvalidConfig(String),
    /// The HTTP client could not be built (TLS backend, resolver).
    #[error("cannot build the billing HTTP client")]
    HttpClient(#[source] reqwest::Error),
}

/// What went wrong with one exchange; decides whether to re-send, look up or give up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// Nothing reached the carrier (connection refused, connect timeout): re-sending is safe
    /// and nothing needs settling.
    #[error("not sent: {0}")]
    NotSent(String),
    /// The carrier answered a definite no (decline, bad request); nothing moved.
    #[error("refused: {0}")]
    Refused(PaymentError),
    /// The request may have taken effect: timeout, 5xx, an answer that cannot be read.
    #[error("outcome uncertain: {0}")]
    Uncertain(String),
}
