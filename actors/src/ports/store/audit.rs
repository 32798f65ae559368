//! The audit role: giftgate's side of a settlement period and the facts the conservation
//! audit checks (`giftgate audit`, `giftgate reconcile`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::SettlementRecord;

/// Sums of one currency that the conservation invariant relates (DESIGN.md, Data):
/// `issued = balances + redeemed − voided + refunded + expired`, and what expired is
/// either still claimable or was claimed: `expired = expired_unclaimed + expired_refunded
/// + breakage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyTotals {
    /// The currency.
    pub currency: String,
    /// Journal: face value issued (minor units).
    pub issued: i64,
    /// Journal: redeemed.
    pub redeemed: i64,
    /// Journal: voided.
    pub voided: i64,
    /// Journal: refunded.
    pub refunded: i64,
    /// Journal: expired.
    pub expired: i64,
    /// Journal: `expire` rows of certificates still `expired` (not claimed yet).
    pub expired_unclaimed: i64,
    /// Journal: paid back from expired value (`expired_refund`).
    pub expired_refunded: i64,
    /// Journal: kept from expired value when a claim was paid (`breakage`).
    pub breakage: i64,
    /// Certificates: sum of balances.
    pub balances: i64,
    /// Certificates: sum of face values.
    pub face_values: i64,
}

/// What the store reads for `giftgate audit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFacts {
    /// Totals per currency.
    pub totals: Vec<CurrencyTotals>,
    /// Certificates whose balance differs from face − redeemed + voided − refunded −
    /// expired of their own journal rows, or is negative or above face value.
    pub certificates_off_journal: Vec<String>,
    /// Certificates whose expiry claim does not add up: `expired_refund + breakage`
    /// differs from what expired, or a claimed certificate is not `refunded`.
    pub expiry_claims_off_journal: Vec<String>,
    /// Queued refunds that disagree with the ledger: paid without their journal row (or
    /// with the certificate not `refunded`), or still queued for a certificate that is
    /// neither `refunding` nor `expired`.
    pub refund_queue_off_journal: Vec<String>,
    /// Charged payments with neither certificates nor a refund.
    pub charges_without_certificates: Vec<String>,
    /// Certificates whose order has no charged (or refunded) payment.
    pub certificates_without_charge: Vec<String>,
    /// Number of certificates.
    pub certificate_count: i64,
    /// Number of journal rows.
    pub journal_rows: i64,
}

/// What the settlement reconciliation and the conservation audit read.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// giftgate's side of the settlement of `[from, to)`, unsorted: every charged (or
    /// since refunded) payment created then, every refund journaled then (keyed by the
    /// certificate code), and the charges and refunds of the reconciliation repairs.
    async fn settlement_records(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SettlementRecord>, StoreError>;

    /// Reads what the conservation audit needs.
    async fn audit_facts(&self) -> Result<AuditFacts, StoreError>;
}
