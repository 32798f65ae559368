//! What `giftgate reconcile` prints: every mismatch (and what its repair did), both
//! sides' totals, as text or as one JSON document (`--json`).

use std::fmt;

use giftgate_actors::domain::{Currency, Money};
use giftgate_actors::service::reconcile::{Comparison, Mismatch, SideTotals};
use giftgate_actors::service::settlement::RepairOutcome;
use serde_json::{Value, json};

/// The result of one run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The comparison.
    pub comparison: Comparison,
    /// Per mismatch (same index), what `--repair` did; empty without `--repair`.
    pub repairs: Vec<Option<RepairOutcome>>,
}

impl Report {
    /// Mismatches repaired in this run.
    pub fn repaired(&self) -> usize {
        self.repairs
            .iter()
            .filter(|r| matches!(r, Some(RepairOutcome::Repaired(_))))
            .count()
    }

    /// Mismatches left after the repairs.
    pub fn remaining(&self) -> usize {
        self.comparison.mismatches.len() - self.repaired()
    }

    fn repair_of(&self, index: usize) -> Option<&RepairOutcome> {
        self.repairs.get(index).and_then(Option::as_ref)
    }

    /// The report as one JSON document.
    pub fn to_json(&self) -> Value {
        let mismatches: Vec<Value> = self
            .comparison
            .mismatches
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut value = json!({
                    "kind": m.kind.as_str(),
                    "rail": m.rail.as_str(),
                    "order_id": m.order_id,
                    "refund_key": m.refund_key,
                    "giftgate_amount": m.ours.map(|a| a.amount().to_string()),
                    "rail_amount": m.theirs.map(|a| a.amount().to_string()),
                    "currency": m.ours.or(m.theirs).map(|a| a.currency().code()),
                    "rail_reference": m.rail_record.as_ref().and_then(|r| r.rail_reference.clone()),
                });
                match self.repair_of(i) {
                    Some(RepairOutcome::Repaired(_)) => value["repair"] = json!("repaired"),
                    Some(RepairOutcome::Skipped(why)) => {
                        value["repair"] = json!("skipped");
                        value["repair_detail"] = json!(why);
                    }
                    None => {}
                }
                value
            })
            .collect();
        json!({
            "day": self.comparison.day.to_string(),
            "giftgate": self.comparison.ours,
            "rails": self.comparison.theirs,
            "mismatches": mismatches,
            "repaired": self.repaired(),
            "remaining": self.remaining(),
            "clean": self.remaining() == 0,
        })
    }
}

fn amount(money: Option<Money>) -> String {
    money.map_or_else(|| "-".to_owned(), |m| m.to_string())
}

fn totals(f: &mut fmt::Formatter<'_>, side: &str, totals: &SideTotals) -> fmt::Result {
    write!(
        f,
        "{side:<9} {} charges, {} refunds",
        totals.charges, totals.refunds
    )?;
    for (label, sums) in [
        ("charged", &totals.charged_minor),
        ("refunded", &totals.refunded_minor),
    ] {
        for (currency, minor) in sums {
            let shown = Currency::parse(currency)
                .ok()
                .and_then(|c| Money::from_minor_units(*minor, c).ok())
                .map_or_else(|| format!("{minor} minor {currency}"), |m| m.to_string());
            write!(f, "; {label} {shown}")?;
        }
    }
    writeln!(f)
}

fn line(f: &mut fmt::Formatter<'_>, m: &Mismatch) -> fmt::Result {
    write!(
        f,
        "MISMATCH {} {} order {}",
        m.kind.as_str(),
        m.rail.as_str(),
        m.order_id
    )?;
    if !m.refund_key.is_empty() {
        write!(f, " refund {}", m.refund_key)?;
    }
    write!(
        f,
        ": giftgate {}, rail {}",
        amount(m.ours),
        amount(m.theirs)
    )
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "reconcile {}", self.comparison.day)?;
        totals(f, "giftgate:", &self.comparison.ours)?;
        totals(f, "rails:", &self.comparison.theirs)?;
        for (i, mismatch) in self.comparison.mismatches.iter().enumerate() {
            line(f, mismatch)?;
            match self.repair_of(i) {
                Some(RepairOutcome::Repaired(repair)) => writeln!(
                    f,
                    " -> REPAIRED: refunded {} through the {} rail",
                    repair.amount,
                    repair.rail.as_str()
                )?,
                Some(RepairOutcome::Skipped(why)) => writeln!(f, " -> not repaired: {why}")?,
                None => writeln!(f)?,
            }
        }
        writeln!(
            f,
            "reconcile: {} mismatch(es), {} repaired, {} remaining",
            self.comparison.mismatches.len(),
            self.repaired(),
            self.remaining()
        )
    }
}
