//! Reconciliation: giftgate's charges and refunds of a day against a rail's, and every
//! way they disagree.
//!
//! Both sides are sorted by (rail, order, kind, refund key) and merged order by order,
//! so a day of a million charges costs two sorts and one pass. Within one order:
//! - a rail charge without a giftgate charge is [`MismatchKind::ChargedNotIssued`] (the
//!   repairable orphan), the reverse [`MismatchKind::IssuedNotCharged`], two rail charges
//!   [`MismatchKind::ChargedTwice`];
//! - a refund key the rail shows twice, or a rail refund under a key giftgate does not
//!   know that takes the order's refunds past its charge, is
//!   [`MismatchKind::RefundedTwice`]; any other rail refund giftgate has not booked is
//!   [`MismatchKind::RefundNotRecorded`], a giftgate refund the rail lacks
//!   [`MismatchKind::RefundMissing`];
//! - matched records whose sums differ are [`MismatchKind::AmountDiffers`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{Money, Rail, SettlementKind, SettlementRecord};

/// How the two sides disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// The rail charged; giftgate has no charge (no certificate) for the order.
    ChargedNotIssued,
    /// giftgate booked a charge (and issued) that the rail does not show.
    IssuedNotCharged,
    /// The rail shows the order charged more than once.
    ChargedTwice,
    /// Both have it, with different amounts or currencies.
    AmountDiffers,
    /// The rail refunded the same thing twice.
    RefundedTwice,
    /// The rail refunded an order giftgate never refunded.
    RefundNotRecorded,
    /// giftgate booked a refund the rail does not show.
    RefundMissing,
}

impl MismatchKind {
    /// The stable snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            MismatchKind::ChargedNotIssued => "charged_not_issued",
            MismatchKind::IssuedNotCharged => "issued_not_charged",
            MismatchKind::ChargedTwice => "charged_twice",
            MismatchKind::AmountDiffers => "amount_differs",
            MismatchKind::RefundedTwice => "refunded_twice",
            MismatchKind::RefundNotRecorded => "refund_not_recorded",
            MismatchKind::RefundMissing => "refund_missing",
        }
    }
}

/// One disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// How they disagree.
    pub kind: MismatchKind,
    /// The rail.
    pub rail: Rail,
    /// The purchase order.
    pub order_id: String,
    /// The refund key, for refunds; empty for charges.
    pub refund_key: String,
    /// What giftgate booked (sum), if anything.
    pub ours: Option<Money>,
    /// What the rail settled (sum), if anything.
    pub theirs: Option<Money>,
    /// The rail's record, for repairs (the first, when several).
    pub rail_record: Option<SettlementRecord>,
}

/// Counts and sums of one side, per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SideTotals {
    /// Charges.
    pub charges: u64,
    /// Refunds.
    pub refunds: u64,
    /// Charged, minor units per currency.
    pub charged_minor: BTreeMap<String, i64>,
    /// Refunded, minor units per currency.
    pub refunded_minor: BTreeMap<String, i64>,
}

impl SideTotals {
    fn add(&mut self, record: &SettlementRecord) {
        let (count, sums) = match record.kind {
            SettlementKind::Charge => (&mut self.charges, &mut self.charged_minor),
            SettlementKind::Refund => (&mut self.refunds, &mut self.refunded_minor),
        };
        *count += 1;
        *sums
            .entry(record.amount.currency().code().to_owned())
            .or_default() += record.amount.to_minor_units();
    }
}

/// The comparison of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The UTC day.
    pub day: NaiveDate,
    /// giftgate's side.
    pub ours: SideTotals,
    /// The rails' side.
    pub theirs: SideTotals,
    /// Every disagreement, in (rail, order, kind, key) order.
    pub mismatches: Vec<Mismatch>,
}

/// Compares the two sides of `day` (each in any order).
pub fn compare(
    day: NaiveDate,
    mut ours: Vec<SettlementRecord>,
    mut theirs: Vec<SettlementRecord>,
) -> Comparison {
    ours.sort_unstable_by(SettlementRecord::cmp_key);
    theirs.sort_unstable_by(SettlementRecord::cmp_key);
    let mut comparison = Comparison {
        day,
        ours: SideTotals::default(),
        theirs: SideTotals::default(),
        mismatches: Vec::new(),
    };
    ours.iter().for_each(|r| comparison.ours.add(r));
    theirs.iter().for_each(|r| comparison.theirs.add(r));
    let (mut i, mut j) = (0, 0);
    while i < ours.len() || j < theirs.len() {
        let next = match (ours.get(i), theirs.get(j)) {
            (Some(a), Some(b)) => order_key(a).min(order_key(b)),
            (Some(a), None) => order_key(a),
            (None, Some(b)) => order_key(b),
            (None, None) => break,
        };
        let ours_end = run_end(&ours, i, next);
        let theirs_end = run_end(&theirs, j, next);
        compare_order(
            &ours[i..ours_end],
            &theirs[j..theirs_end],
            &mut comparison.mismatches,
        );
        i = ours_end;
        j = theirs_end;
    }
    comparison
}

fn order_key(record: &SettlementRecord) -> (Rail, &str) {
    (record.rail, record.order_id.as_str())
}

/// The end of the run of records of one order starting at `start`.
fn run_end(records: &[SettlementRecord], start: usize, key: (Rail, &str)) -> usize {
    let mut end = start;
    while records.get(end).is_some_and(|r| order_key(r) == key) {
        end += 1;
    }
    end
}

/// Compares the records of one order (each side sorted by kind, then refund key).
fn compare_order(ours: &[SettlementRecord], theirs: &[SettlementRecord], out: &mut Vec<Mismatch>) {
    let charges = |side: &[SettlementRecord]| -> Vec<SettlementRecord> {
        side.iter()
            .filter(|r| r.kind == SettlementKind::Charge)
            .cloned()
            .collect()
    };
    let (our_charges, their_charges) = (charges(ours), charges(theirs));
    let kind = match (our_charges.is_empty(), their_charges.len()) {
        (_, 2..) => Some(MismatchKind::ChargedTwice),
        (true, 1) => Some(MismatchKind::ChargedNotIssued),
        (false, 0) => Some(MismatchKind::IssuedNotCharged),
        (false, _) if sum(&our_charges) != sum(&their_charges) => Some(MismatchKind::AmountDiffers),
        _ => None,
    };
    if let Some(kind) = kind {
        out.push(mismatch(kind, &our_charges, &their_charges));
    }
    let minor = |records: &[SettlementRecord]| -> i64 {
        records.iter().map(|r| r.amount.to_minor_units()).sum()
    };
    let their_refunded: Vec<SettlementRecord> = theirs
        .iter()
        .filter(|r| r.kind == SettlementKind::Refund)
        .cloned()
        .collect();
    let over_refunded = minor(&their_refunded) > minor(&their_charges);
    let our_refunds = by_key(ours);
    let their_refunds = by_key(theirs);
    let mut keys: Vec<&str> = our_refunds
        .keys()
        .chain(their_refunds.keys())
        .copied()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let mine = our_refunds.get(key).cloned().unwrap_or_default();
        let rail = their_refunds.get(key).cloned().unwrap_or_default();
        let kind = if rail.len() > mine.len().max(1) || (mine.is_empty() && over_refunded) {
            Some(MismatchKind::RefundedTwice)
        } else if mine.is_empty() {
            Some(MismatchKind::RefundNotRecorded)
        } else if rail.is_empty() {
            Some(MismatchKind::RefundMissing)
        } else if sum(&mine) != sum(&rail) {
            Some(MismatchKind::AmountDiffers)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(mismatch(kind, &mine, &rail));
        }
    }
}

/// The refunds of one order by refund key.
fn by_key(side: &[SettlementRecord]) -> BTreeMap<&str, Vec<SettlementRecord>> {
    let mut refunds: BTreeMap<&str, Vec<SettlementRecord>> = BTreeMap::new();
    for record in side.iter().filter(|r| r.kind == SettlementKind::Refund) {
        refunds
            .entry(record.refund_key.as_str())
            .or_default()
            .push(record.clone());
    }
    refunds
}

/// The sum of records of one currency; `None` when empty or currencies are mixed.
fn sum(records: &[SettlementRecord]) -> Option<Money> {
    let (first, rest) = records.split_first()?;
    rest.iter()
        .try_fold(first.amount, |total, r| total.checked_add(r.amount).ok())
}

fn mismatch(
    kind: MismatchKind,
    ours: &[SettlementRecord],
    theirs: &[SettlementRecord],
) -> Mismatch {
    let any = ours.first().or(theirs.first());
    Mismatch {
        kind,
        rail: any.map_or(Rail::Carrier, |r| r.rail),
        order_id: any.map(|r| r.order_id.clone()).unwrap_or_default(),
        refund_key: any.map(|r| r.refund_key.clone()).unwrap_or_default(),
        ours: sum(ours),
        theirs: sum(theirs),
        rail_record: theirs.first().cloned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::Currency;

    fn record(
        rail: Rail,
        kind: SettlementKind,
        order: &str,
        key: &str,
        won: i64,
    ) -> SettlementRecord {
        SettlementRecord {
            rail,
            kind,
            order_id: order.to_owned(),
            refund_key: key.to_owned(),
            amount: Money::from_minor_units(won, Currency::KRW).unwrap(),
            rail_reference: Some(format!("ref-{order}")),
            payer: Some("+821012345678".to_owned()),
            at: Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap(),
        }
    }

    fn charge(order: &str, won: i64) -> SettlementRecord {
        record(Rail::Carrier, SettlementKind::Charge, order, "", won)
    }

    fn refund(order: &str, key: &str, won: i64) -> SettlementRecord {
        record(Rail::Carrier, SettlementKind::Refund, order, key, won)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn kinds(comparison: &Comparison) -> Vec<(MismatchKind, String)> {
        comparison
            .mismatches
            .iter()
            .map(|m| (m.kind, m.order_id.clone()))
            .collect()
    }

    #[test]
    fn identical_sides_in_any_order_match() {
        let ours = vec![
            charge("a", 10_000),
            refund("a", "c1", 10_000),
            charge("b", 5_000),
        ];
        let mut theirs = ours.clone();
        theirs.reverse();
        let comparison = compare(day(), ours, theirs);
        assert!(comparison.mismatches.is_empty(), "{comparison:?}");
        assert_eq!(comparison.ours, comparison.theirs);
        assert_eq!(comparison.theirs.charged_minor["KRW"], 15_000);
    }

    #[test]
    fn every_kind_of_disagreement_is_named() {
        let ours = vec![
            charge("issued-only", 10_000),
            charge("differs", 10_000),
            charge("refunded-twice", 10_000),
            refund("refunded-twice", "c1", 10_000),
            charge("refund-missing", 10_000),
            refund("refund-missing", "c1", 10_000),
            charge("unrecorded", 10_000),
        ];
        let theirs = vec![
            charge("orphan", 10_000),
            charge("differs", 9_000),
            charge("refunded-twice", 10_000),
            refund("refunded-twice", "c1", 10_000),
            refund("refunded-twice", "c1", 10_000),
            charge("refund-missing", 10_000),
            charge("unrecorded", 10_000),
            refund("unrecorded", "c9", 10_000),
            charge("double", 10_000),
            charge("double", 10_000),
        ];
        let comparison = compare(day(), ours, theirs);
        let mut found = kinds(&comparison);
        found.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(
            found,
            vec![
                (MismatchKind::AmountDiffers, "differs".to_owned()),
                (MismatchKind::ChargedTwice, "double".to_owned()),
                (MismatchKind::IssuedNotCharged, "issued-only".to_owned()),
                (MismatchKind::ChargedNotIssued, "orphan".to_owned()),
                (MismatchKind::RefundMissing, "refund-missing".to_owned()),
                (MismatchKind::RefundedTwice, "refunded-twice".to_owned()),
                (MismatchKind::RefundNotRecorded, "unrecorded".to_owned()),
            ]
        );
        let orphan = comparison
            .mismatches
            .iter()
            .find(|m| m.kind == MismatchKind::ChargedNotIssued)
            .unwrap();
        assert_eq!(orphan.rail_record.as_ref().unwrap().order_id, "orphan");
        assert_eq!(orphan.ours, None);
    }

    #[test]
    fn a_second_refund_under_a_new_key_is_a_double_refund() {
        let ours = vec![charge("a", 10_000), refund("a", "c1", 10_000)];
        let theirs = vec![
            charge("a", 10_000),
            refund("a", "c1", 10_000),
            refund("a", "c2", 10_000),
        ];
        let comparison = compare(day(), ours, theirs);
        assert_eq!(
            kinds(&comparison),
            vec![(MismatchKind::RefundedTwice, "a".to_owned())]
        );
    }

    #[test]
    fn the_same_order_on_two_rails_is_two_orders() {
        let ours = vec![charge("a", 10_000)];
        let theirs = vec![record(Rail::Psp, SettlementKind::Charge, "a", "", 10_000)];
        let comparison = compare(day(), ours, theirs);
        let mut found: Vec<_> = comparison
            .mismatches
            .iter()
            .map(|m| (m.kind, m.rail))
            .collect();
        found.sort_by_key(|(_, rail)| *rail);
        assert_eq!(
            found,
            vec![
                (MismatchKind::IssuedNotCharged, Rail::Carrier),
                (MismatchKind::ChargedNotIssued, Rail::Psp)
            ]
        );
    }
}
