//! Settlement records: each charge and refund of a day as giftgate booked it and as a
//! payment rail settled it, and the repairs a reconciliation made.
//!
//! Both sides speak the same [`SettlementRecord`], keyed by rail, purchase order and (for
//! refunds) the refund key, so the reconciliation is a merge of two sorted lists.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::money::Money;

/// The refund key of a repair: the rail sees the correlator `{order_id}:refund:reconcile`,
/// so a repair retried (by a crashed or a second run) is the same refund to the rail.
pub const REPAIR_REFUND_KEY: &str = "reconcile";

/// Which rail moved the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rail {
    /// Carrier billing (the phone bill).
    Carrier,
    /// The payment network (card and bank).
    Psp,
}

impl Rail {
    /// `carrier` or `psp`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Rail::Carrier => "carrier",
            Rail::Psp => "psp",
        }
    }

    /// Reads `carrier` or `psp`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "carrier" => Some(Rail::Carrier),
            "psp" => Some(Rail::Psp),
            _ => None,
        }
    }

    /// The rail of a payment method (`carrier`, `card`, `bank`).
    pub fn of_method(method: &str) -> Self {
        if method == "carrier" {
            Rail::Carrier
        } else {
            Rail::Psp
        }
    }
}

/// A charge or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementKind {
    /// Money taken from the payer (a carrier charge, a card or bank capture).
    Charge,
    /// Money given back.
    Refund,
}

impl SettlementKind {
    /// `charge` or `refund`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SettlementKind::Charge => "charge",
            SettlementKind::Refund => "refund",
        }
    }

    /// Reads `charge` or `refund`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "charge" => Some(SettlementKind::Charge),
            "refund" => Some(SettlementKind::Refund),
            _ => None,
        }
    }
}

/// One money movement at a rail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRecord {
    /// The rail.
    pub rail: Rail,
    /// Charge or refund.
    pub kind: SettlementKind,
    /// The purchase order it belongs to (the rail's merchant reference).
    pub order_id: String,
    /// For a refund, its idempotency key within the order (giftgate refunds a
    /// certificate with its code); empty for a charge.
    pub refund_key: String,
    /// The amount moved.
    pub amount: Money,
    /// The rail's reference of the payment (reservation or payment id), if known.
    pub rail_reference: Option<String>,
    /// The payer's E.164 number, if known.
    pub payer: Option<String>,
    /// When it was settled.
    pub at: DateTime<Utc>,
}

impl SettlementRecord {
    /// The order both sides are sorted and merged in: rail, order, kind, refund key.
    pub fn cmp_key(&self, other: &Self) -> Ordering {
        (
            self.rail,
            self.order_id.as_str(),
            self.kind,
            self.refund_key.as_str(),
        )
            .cmp(&(
                other.rail,
                other.order_id.as_str(),
                other.kind,
                other.refund_key.as_str(),
            ))
    }
}

/// A rail charge giftgate knew nothing of, refunded through its rail by a reconciliation
/// (`giftgate reconcile --repair`); stored once per rail and order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRepair {
    /// The rail.
    pub rail: Rail,
    /// The order reference the rail charged under.
    pub order_id: String,
    /// The rail's reference of the charged payment.
    pub rail_reference: String,
    /// The payer, if the rail said.
    pub payer: Option<String>,
    /// The amount charged and refunded.
    pub amount: Money,
    /// When the rail charged it.
    pub charged_at: DateTime<Utc>,
    /// When the refund was made.
    pub repaired_at: DateTime<Utc>,
}

impl SettlementRepair {
    /// The two movements a repair accounts for: the orphan charge and its refund.
    pub fn records(&self) -> [SettlementRecord; 2] {
        let charge = SettlementRecord {
            rail: self.rail,
            kind: SettlementKind::Charge,
            order_id: self.order_id.clone(),
            refund_key: String::new(),
            amount: self.amount,
            rail_reference: Some(self.rail_reference.clone()),
            payer: self.payer.clone(),
            at: self.charged_at,
        };
        let refund = SettlementRecord {
            kind: SettlementKind::Refund,
            refund_key: REPAIR_REFUND_KEY.to_owned(),
            at: self.repaired_at,
            ..charge.clone()
        };
        [charge, refund]
    }
}
