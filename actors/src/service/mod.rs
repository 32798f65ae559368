//! The rules of the ledger: what each order, redemption and timer does, as functions of
//! what the store holds. Each step reads, decides, and commits one [`Changes`] set; a
//! [`StoreError::Conflict`] means someone changed the data first, so the step re-reads
//! and decides again (bounded by [`MAX_CONFLICT_RETRIES`]).
//!
//! [`Changes`]: crate::ports::Changes
//! [`StoreError::Conflict`]: crate::ports::StoreError::Conflict

pub mod audit;
pub mod catalog;
pub mod certificate_keys;
pub mod confirmations;
pub mod error;
pub mod expiry;
pub mod expiry_notice;
pub mod extension;
pub mod gift_checks;
pub mod gift_returns;
pub mod gifting;
pub mod ledger;
pub mod links;
pub mod order_recorder;
pub mod orders;
pub mod policy;
pub mod product_cache;
pub mod purchase;
pub mod quotes;
mod reads;
pub mod reconcile;
pub mod redemption;
pub mod refund;
pub mod refund_expired;
pub mod refund_fallback;
pub mod refund_rules;
pub mod rekey;
pub mod secrets_at_rest;
pub mod settlement;
pub mod sign_in;
pub mod wallet;

pub use audit::{AuditReport, audit};
pub use error::{Refusal, ServiceError};
pub use expiry_notice::ExpiryNotices;
pub use ledger::{Ledger, PaymentRails};
pub use policy::Policy;
pub use redemption::{BalanceView, RedeemRequest, RedemptionOutcome, Redemptions};

/// How often a step re-reads and retries after losing a race.
pub const MAX_CONFLICT_RETRIES: usize = 16;
