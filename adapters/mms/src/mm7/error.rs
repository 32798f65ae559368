//! Errors of the MM7 client and parsers.

/// Why an MM7 operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Mm7Error {
    /// The MMSC refused the request with a 2xxx (client error) status, or another status
    /// that does not get better by retrying. Sending the same request again is pointless.
    #[error("MMSC refused the request: {status_code} {text}")]
    Permanent {
        /// MM7 status code.
        status_code: u16,
        /// Status text (or fault string) from the MMSC.
        text: String,
    },
    /// Every attempt failed with a 3xxx/4xxx status, an HTTP 5xx or a transport error.
    #[error("MMSC unavailable after {attempts} attempts: {text}")]
    Temporary {
        /// The last MM7 status code, if the last failure carried one.
        status_code: Option<u16>,
        /// What the last failure was.
        text: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The MMSC rejected our credentials (HTTP 401/403).
    #[error("MMSC rejected the credentials (HTTP {http_status})")]
    Unauthorized {
        /// HTTP status.
        http_status: u16,
    },
    /// The MMSC answered something that is not a readable MM7 answer to our request
    /// (wrong TransactionID, no status, not SOAP). Whether it took the message is unknown,
    /// so the request is not retried blindly.
    #[error("unreadable MM7 answer: {0}")]
    InvalidResponse(String),
    /// An MM7 request received from the MMSC (a delivery report) is malformed.
    #[error("malformed MM7 request: {0}")]
    Malformed(String),
    /// The client configuration or the request cannot be used.
    #[error("invalid MM7 configuration or request: {0}")]
    Invalid(String),
}
