//! Errors a submit can end with.

use crate::encoding::EncodingError;

/// Why a message was not accepted by the SMSC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// The SMSC refused a part for a reason that a retry cannot fix (invalid destination
    /// address, bad data coding…). Parts before it may have been accepted.
    #[error("SMSC refused part {part} permanently with status {status:#06x} ({description})")]
    Permanent {
        /// The `command_status` of the `submit_sm_resp`.
        status: u32,
        /// rusmpp's name of the status.
        description: String,
        /// 1-based number of the refused part.
        part: usize,
    },
    /// A part kept meeting temporary errors and the retry budget ran out.
    #[error(
        "SMSC kept failing part {part} temporarily (last status {status:#06x}) after {attempts} attempts"
    )]
    RetriesExhausted {
        /// The last `command_status`.
        status: u32,
        /// Attempts made.
        attempts: u32,
        /// 1-based number of the failing part.
        part: usize,
    },
    /// The text could not be encoded.
    #[error(transparent)]
    Encoding(#[from] EncodingError),
    /// The destination is not a phone number SMPP can carry.
    #[error("destination address is not a phone number of 1 to 20 digits")]
    InvalidDestination,
    /// The configured source address does not fit SMPP (more than 20 characters or not ASCII).
    #[error("source address does not fit an SMPP address field")]
    InvalidSource,
    /// The client was shut down before the message was accepted.
    #[error("SMPP client shut down before the message was accepted")]
    ShutDown,
}
