//! Refunds waiting for the fallback rail, and the bank accounts subscribers give for
//! them (a carrier refund refused once the billing month has closed, or unsupported).

use chrono::{DateTime, Utc};

use super::certificate_code::CertificateCode;
use super::ids::OrderId;
use super::money::Money;
use super::msisdn::Msisdn;

/// Where a queued refund is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuedRefundState {
    /// Waiting for the fallback rail (or for the payee's bank account).
    Queued,
    /// Paid by the fallback rail and booked.
    Paid,
}

impl QueuedRefundState {
    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            QueuedRefundState::Queued => "queued",
            QueuedRefundState::Paid => "paid",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "queued" => Some(QueuedRefundState::Queued),
            "paid" => Some(QueuedRefundState::Paid),
            _ => None,
        }
    }
}

/// A refund the original rail would not make, kept until the fallback rail pays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRefund {
    /// The certificate refunded (one refund per certificate).
    pub certificate_code: CertificateCode,
    /// The refund order that finishes when it is paid.
    pub order_id: OrderId,
    /// Who is paid.
    pub payee: Msisdn,
    /// What is paid.
    pub amount: Money,
    /// What is kept as breakage (expiry claims), booked with the payment.
    pub kept: Money,
    /// Why it is refunded (`withdrawal`, `unused`, `partly_used`, `expired`).
    pub basis: String,
    /// The fallback rail (`bank`).
    pub rail: String,
    /// Where it is.
    pub state: QueuedRefundState,
    /// What the original rail answered.
    pub refused_by: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

/// A bank account a subscriber gives for refunds. `Debug` masks the account number.
#[derive(Clone, PartialEq, Eq)]
pub struct RefundAccount {
    /// The subscriber.
    pub msisdn: Msisdn,
    /// Bank name or code.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Account holder's name.
    pub holder: String,
}

impl std::fmt::Debug for RefundAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefundAccount")
            .field("msisdn", &self.msisdn.masked())
            .field("bank", &self.bank)
            .field("account", &super::pin::mask_account(&self.account))
            .field("holder", &self.holder)
            .finish()
    }
}
