//! The conservation audit (DESIGN.md, Data): for every currency,
//! `issued = balances + redeemed − voided + refunded + expired`, and what expired is still
//! claimable or was claimed, `expired = expired_unclaimed + expired_refunded + breakage`;
//! every certificate's balance agrees with its own journal, and so does every expiry
//! claim and every refund queued for the fallback rail; every confirmed charge maps to certificates or a refund, and every certificate
//! to a confirmed charge.

use std::fmt;

use super::error::ServiceError;
use crate::ports::{AuditFacts, CurrencyTotals, Store};

/// The audit's verdict.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// What the store holds.
    pub facts: AuditFacts,
    /// Every violation found, in words.
    pub violations: Vec<String>,
}

impl AuditReport {
    /// True when no invariant is violated.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Reads the facts and checks them.
pub async fn audit(store: &dyn Store) -> Result<AuditReport, ServiceError> {
    let facts = store.audit_facts().await?;
    Ok(check(facts))
}

/// Checks audit facts (pure; unit-tested).
pub fn check(facts: AuditFacts) -> AuditReport {
    let mut violations = Vec::new();
    for totals in &facts.totals {
        let right =
            totals.balances + totals.redeemed - totals.voided + totals.refunded + totals.expired;
        if totals.issued != right {
            violations.push(format!(
                "{}: issued {} != balances {} + redeemed {} - voided {} + refunded {} + expired {} (= {right})",
                totals.currency,
                totals.issued,
                totals.balances,
                totals.redeemed,
                totals.voided,
                totals.refunded,
                totals.expired
            ));
        }
        let claims = totals.expired_unclaimed + totals.expired_refunded + totals.breakage;
        if totals.expired != claims {
            violations.push(format!(
                "{}: expired {} != unclaimed {} + refunded after expiry {} + breakage {} (= {claims})",
                totals.currency,
                totals.expired,
                totals.expired_unclaimed,
                totals.expired_refunded,
                totals.breakage
            ));
        }
        if totals.issued != totals.face_values {
            violations.push(format!(
                "{}: issued {} != face values of certificates {}",
                totals.currency, totals.issued, totals.face_values
            ));
        }
    }
    for code in &facts.certificates_off_journal {
        violations.push(format!(
            "certificate {code}: balance disagrees with its journal"
        ));
    }
    for code in &facts.expiry_claims_off_journal {
        violations.push(format!(
            "certificate {code}: expiry claim disagrees with what expired"
        ));
    }
    for code in &facts.refund_queue_off_journal {
        violations.push(format!(
            "certificate {code}: its queued refund disagrees with the ledger"
        ));
    }
    for order in &facts.charges_without_certificates {
        violations.push(format!(
            "order {order}: charged but no certificate and no refund"
        ));
    }
    for code in &facts.certificates_without_charge {
        violations.push(format!(
            "certificate {code}: issued without a confirmed charge"
        ));
    }
    AuditReport { facts, violations }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "certificates: {}  journal rows: {}",
            self.facts.certificate_count, self.facts.journal_rows
        )?;
        for CurrencyTotals {
            currency,
            issued,
            redeemed,
            voided,
            refunded,
            expired,
            expired_unclaimed,
            expired_refunded,
            breakage,
            balances,
            ..
        } in &self.facts.totals
        {
            writeln!(
                f,
                "{currency}: issued {issued} = balances {balances} + redeemed {redeemed} - voided {voided} + refunded {refunded} + expired {expired}"
            )?;
            writeln!(
                f,
                "{currency}: expired {expired} = unclaimed {expired_unclaimed} + refunded after expiry {expired_refunded} + breakage {breakage}"
            )?;
        }
        if self.violations.is_empty() {
            writeln!(f, "audit: OK, every invariant holds")
        } else {
            for violation in &self.violations {
                writeln!(f, "VIOLATION: {violation}")?;
            }
            writeln!(f, "audit: {} violation(s)", self.violations.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(balances: i64) -> AuditFacts {
        AuditFacts {
            totals: vec![CurrencyTotals {
                currency: "KRW".into(),
                issued: 100_000,
                redeemed: 30_000,
                voided: 10_000,
                refunded: 40_000,
                expired: 10_000,
                expired_unclaimed: 0,
                expired_refunded: 9_000,
                breakage: 1_000,
                balances,
                face_values: 100_000,
            }],
            certificates_off_journal: vec![],
            expiry_claims_off_journal: vec![],
            refund_queue_off_journal: vec![],
            charges_without_certificates: vec![],
            certificates_without_charge: vec![],
            certificate_count: 3,
            journal_rows: 6,
        }
    }

    #[test]
    fn conserved_totals_pass() {
        assert!(check(facts(30_000)).is_clean());
    }

    #[test]
    fn a_missing_won_is_a_violation() {
        let report = check(facts(29_999));
        assert_eq!(report.violations.len(), 1);
        assert!(report.to_string().contains("VIOLATION"));
    }

    #[test]
    fn an_expiry_claim_paying_more_than_expired_is_a_violation() {
        let mut facts = facts(30_000);
        facts.totals[0].breakage = 1_001;
        let report = check(facts);
        assert_eq!(report.violations.len(), 1, "{report}");
        assert!(report.violations[0].contains("breakage"));
    }
}
