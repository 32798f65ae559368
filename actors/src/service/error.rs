//! What a service step answers when it does not do what was asked.

use crate::domain::RefusalCode;
use crate::ports::StoreError;

/// A business refusal: the request was understood and answered "no". `code` is the
/// stable reason that goes into `order.failed` events and HTTP errors unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct Refusal {
    /// Stable reason code.
    pub code: RefusalCode,
    /// Human explanation.
    pub detail: String,
}

impl Refusal {
    /// A refusal with its code and detail.
    pub fn new(code: RefusalCode, detail: impl Into<String>) -> Self {
        Refusal {
            code,
            detail: detail.into(),
        }
    }
}

/// Why a service step did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Refused by the rules; nothing changed (or the refusal was recorded).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The store failed; the step may be retried (orders stay pending until recovery).
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A payment's outcome is not known yet; the order stays pending and moves no money.
    #[error("payment outcome unknown: {0}")]
    PaymentUnknown(String),
    /// A refund the original rail refused waits in the durable refund queue for its
    /// fallback (e.g. the payee's bank account); the order stays pending until paid.
    #[error("refund queued: {0}")]
    RefundQueued(String),
    /// The step kept losing races to other writers.
    #[error("too much contention on {0}")]
    Contention(String),
    /// The step failed in a way no rule foresaw (a caught panic); nothing was committed
    /// by it and the order stays where its last commit left it.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// The stable code for HTTP and events.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Refused(refusal) => refusal.code.as_str(),
            ServiceError::Store(_) => "store_unavailable",
            ServiceError::PaymentUnknown(_) => "payment_pending",
            ServiceError::RefundQueued(_) => "refund_queued",
            ServiceError::Contention(_) => "contention",
            ServiceError::Internal(_) => "internal",
        }
    }
}
