//! The deployment's refund rules (configuration fills them; the defaults are the Korean
//! standard terms for mobile gift certificates): who may ask, which certificates are
//! refundable, and how much is paid back. Pure decisions over certificates and time, so
//! the refund steps only carry them out.

use chrono::{DateTime, Duration, Months, Utc};
use rust_decimal::Decimal;

use super::error::Refusal;
use crate::domain::{Certificate, CertificateStatus, Money, Msisdn, RefusalCode};

/// The refund rules of one deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRules {
    /// Within this time of purchase an unused certificate is refunded in full
    /// (withdrawal; 7 days by default).
    pub withdrawal_window: Duration,
    /// Whether an unused certificate stays refundable in full after the withdrawal
    /// window until it expires (the standard terms: yes).
    pub unused_after_withdrawal: bool,
    /// The remaining balance of a partly used certificate; `None` = not refunded.
    pub partial: Option<PartialRefundRule>,
    /// The claim on a balance that lapsed at expiry.
    pub after_expiry: ExpiredRefundRule,
    /// Where a refund goes when the carrier will not make it (billing month closed,
    /// unsupported).
    pub fallback: RefundFallback,
}

/// The fallback rail for refunds the carrier refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundFallback {
    /// None: the refund order fails `refund_refused`.
    Off,
    /// Bank transfer to an account the payee gives (queued until then).
    Bank,
    /// Credited to the payee's carrier points.
    Points,
}

impl Default for RefundRules {
    fn default() -> Self {
        RefundRules {
            withdrawal_window: Duration::days(7),
            unused_after_withdrawal: true,
            partial: Some(PartialRefundRule::default()),
            after_expiry: ExpiredRefundRule::default(),
            fallback: RefundFallback::Bank,
        }
    }
}

/// When the remaining balance of a partly used certificate is refunded: once enough of
/// the face value is used, counted over the certificates bought together in one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialRefundRule {
    /// Share of the face value that must be used, in percent (60).
    pub used_percent: u32,
    /// The share for certificates of at most `small_face_limit` (80).
    pub small_face_used_percent: u32,
    /// Face values up to this (in the certificate's currency) count as small (10,000).
    pub small_face_limit: Decimal,
}

impl Default for PartialRefundRule {
    fn default() -> Self {
        PartialRefundRule {
            used_percent: 60,
            small_face_used_percent: 80,
            small_face_limit: Decimal::from(10_000),
        }
    }
}

/// The claim on a balance that lapsed at expiry (Korean terms since 2025).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredRefundRule {
    /// Share of the lapsed balance paid back, in percent (90).
    pub percent: u32,
    /// The share for face values above `large_face_above` (95).
    pub large_face_percent: u32,
    /// Face values above this (in the certificate's currency) get `large_face_percent`
    /// (50,000).
    pub large_face_above: Decimal,
    /// Share paid back when the claimant takes it as carrier points (100).
    pub points_percent: u32,
    /// Years from purchase during which the claim can be made (5); 0 = no claim.
    pub claim_years: u32,
    /// How long after expiry the holder has the claim before it passes to the
    /// purchaser (180 days).
    pub holder_window: Duration,
}

impl Default for ExpiredRefundRule {
    fn default() -> Self {
        ExpiredRefundRule {
            percent: 90,
            large_face_percent: 95,
            large_face_above: Decimal::from(50_000),
            points_percent: 100,
            claim_years: 5,
            holder_window: Duration::days(180),
        }
    }
}

/// Why a live certificate is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundBasis {
    /// Unused, within the withdrawal window: in full.
    Withdrawal,
    /// Unused, after the window: in full, by the deployment's rule.
    Unused,
    /// Partly used: its remaining balance.
    PartlyUsed,
}

impl RefundBasis {
    /// The name in order outcomes and events.
    pub fn as_str(&self) -> &'static str {
        match self {
            RefundBasis::Withdrawal => "withdrawal",
            RefundBasis::Unused => "unused",
            RefundBasis::PartlyUsed => "partly_used",
        }
    }

    /// Reads the name back (`expired` is not a live basis).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "withdrawal" => Some(RefundBasis::Withdrawal),
            "unused" => Some(RefundBasis::Unused),
            "partly_used" => Some(RefundBasis::PartlyUsed),
            _ => None,
        }
    }
}

/// A refusal of a certificate that is not in a refundable state at all.
pub fn refuse_status(certificate: &Certificate) -> Option<Refusal> {
    let code = certificate.code.grouped();
    match certificate.status {
        CertificateStatus::Refunded => Some(Refusal::new(
            RefusalCode::AlreadyRefunded,
            format!("certificate {code} has already been refunded"),
        )),
        CertificateStatus::Redeemed => Some(Refusal::new(
            RefusalCode::Redeemed,
            format!("certificate {code} has been used up; nothing is left to refund"),
        )),
        CertificateStatus::Blocked => Some(super::certificate_keys::blocked(&certificate.code)),
        _ => None,
    }
}

impl RefundRules {
    /// Whether (and why) an active certificate with value left is refunded now.
    /// `order_usage` is what was used of the certificates bought in the same order.
    pub fn live_refund(
        &self,
        certificate: &Certificate,
        order_usage: OrderUsage,
        now: DateTime<Utc>,
    ) -> Result<RefundBasis, Refusal> {
        let code = certificate.code.grouped();
        if certificate.balance == certificate.face_value {
            if now < certificate.issued_at + self.withdrawal_window {
                return Ok(RefundBasis::Withdrawal);
            }
            if self.unused_after_withdrawal {
                return Ok(RefundBasis::Unused);
            }
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!(
                    "certificate {code}: the withdrawal period of {} days after purchase has passed",
                    self.withdrawal_window.num_days()
                ),
            ));
        }
        let Some(rule) = &self.partial else {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!(
                    "certificate {code} has been used; this deployment refunds unused certificates only"
                ),
            ));
        };
        let required = if certificate.face_value.amount() <= rule.small_face_limit {
            rule.small_face_used_percent
        } else {
            rule.used_percent
        };
        let OrderUsage { used, face } = order_usage;
        if used * 100 >= face * i64::from(required) {
            return Ok(RefundBasis::PartlyUsed);
        }
        let used_percent = if face > 0 { used * 100 / face } else { 0 };
        Err(Refusal::new(
            RefusalCode::NotRefundable,
            format!(
                "certificate {code}: {used_percent}% of the face value bought together is used; the remaining balance is refunded once {required}% is"
            ),
        ))
    }
}

/// Used and face value (minor units) of the certificates bought together in one order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderUsage {
    /// Value redeemed (less voids).
    pub used: i64,
    /// Face value of the certificates that count.
    pub face: i64,
}

impl OrderUsage {
    /// Sums certificates with what each had redeemed (less voids, minor units). An
    /// expired certificate, or one refunded without having been used, does not count.
    pub fn of(certificates: &[(Certificate, i64)]) -> OrderUsage {
        certificates
            .iter()
            .filter(|(c, used)| match c.status {
                CertificateStatus::Expired => false,
                CertificateStatus::Refunded => *used > 0,
                _ => true,
            })
            .fold(OrderUsage::default(), |sum, (c, used)| OrderUsage {
                used: sum.used + used,
                face: sum.face + c.face_value.to_minor_units(),
            })
    }
}

impl ExpiredRefundRule {
    /// Who may claim an expired certificate's lapsed balance now: the holder within the
    /// holder window after expiry, then the purchaser; no one after the claim period.
    pub fn claimant<'a>(
        &self,
        certificate: &'a Certificate,
        now: DateTime<Utc>,
    ) -> Result<&'a Msisdn, Refusal> {
        let code = certificate.code.grouped();
        let deadline = certificate
            .issued_at
            .checked_add_months(Months::new(self.claim_years.saturating_mul(12)))
            .unwrap_or(certificate.issued_at);
        if self.claim_years == 0 || now >= deadline {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!(
                    "certificate {code} expired and the claim period of {} years from purchase has passed",
                    self.claim_years
                ),
            ));
        }
        let expired_at = certificate.expires_at.unwrap_or(certificate.issued_at);
        if now < expired_at + self.holder_window {
            Ok(&certificate.owner)
        } else {
            Ok(&certificate.purchaser)
        }
    }

    /// What is paid back of a lapsed balance and what is kept as breakage (the payout is
    /// rounded down to the currency's minor unit); `as_points` = taken as carrier points.
    pub fn payout(
        &self,
        face_value: Money,
        lapsed: Money,
        as_points: bool,
    ) -> Result<(Money, Money), Refusal> {
        let percent = if as_points {
            self.points_percent
        } else if face_value.amount() > self.large_face_above {
            self.large_face_percent
        } else {
            self.percent
        };
        let lapsed_minor = lapsed.to_minor_units();
        let paid_minor = lapsed_minor * i64::from(percent.min(100)) / 100;
        let currency = lapsed.currency();
        let paid = Money::from_minor_units(paid_minor, currency)
            .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
        let kept = Money::from_minor_units(lapsed_minor - paid_minor, currency)
            .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
        Ok((paid, kept))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{CertificateCode, Currency, OrderId, ProductId};

    fn krw(units: i64) -> Money {
        Money::from_minor_units(units, Currency::KRW).unwrap()
    }

    fn certificate(face: i64, balance: i64, issued_days_ago: i64) -> Certificate {
        Certificate {
            code: CertificateCode::parse("4111111111111111").unwrap(),
            product_id: ProductId::parse("book-10000").unwrap(),
            order_id: OrderId::parse("o-1").unwrap(),
            purchaser: Msisdn::from_e164_unchecked("+821011110000"),
            owner: Msisdn::from_e164_unchecked("+821022220000"),
            face_value: krw(face),
            balance: krw(balance),
            status: CertificateStatus::Active,
            expires_at: Some(now() - Duration::days(1)),
            pin_sealed: String::new(),
            pin_failures: 0,
            locked_until: None,
            gift_id: None,
            issued_at: now() - Duration::days(issued_days_ago),
            version: 0,
        }
    }

    fn alone(certificate: &Certificate) -> OrderUsage {
        let used = certificate.face_value.to_minor_units() - certificate.balance.to_minor_units();
        OrderUsage::of(&[(certificate.clone(), used)])
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn unused_is_withdrawal_within_seven_days_then_by_the_deployment_rule() {
        let rules = RefundRules::default();
        let fresh = certificate(10_000, 10_000, 6);
        assert_eq!(
            rules.live_refund(&fresh, alone(&fresh), now()),
            Ok(RefundBasis::Withdrawal)
        );
        let old = certificate(10_000, 10_000, 7);
        assert_eq!(
            rules.live_refund(&old, alone(&old), now()),
            Ok(RefundBasis::Unused)
        );
        let strict = RefundRules {
            unused_after_withdrawal: false,
            ..RefundRules::default()
        };
        assert_eq!(
            strict
                .live_refund(&old, alone(&old), now())
                .unwrap_err()
                .code,
            RefusalCode::NotRefundable
        );
    }

    #[test]
    fn a_balance_is_refunded_at_60_percent_used_or_80_for_small_faces() {
        let rules = RefundRules::default();
        let large = certificate(50_000, 20_000, 30);
        assert_eq!(
            rules.live_refund(&large, alone(&large), now()),
            Ok(RefundBasis::PartlyUsed)
        );
        let large_short = certificate(50_000, 20_001, 30);
        assert!(
            rules
                .live_refund(&large_short, alone(&large_short), now())
                .is_err()
        );
        let small = certificate(10_000, 3_000, 30);
        let refusal = rules.live_refund(&small, alone(&small), now()).unwrap_err();
        assert!(refusal.detail.contains("80%"), "{refusal}");
        let small_done = certificate(10_000, 2_000, 30);
        assert!(
            rules
                .live_refund(&small_done, alone(&small_done), now())
                .is_ok()
        );
        let off = RefundRules {
            partial: None,
            ..RefundRules::default()
        };
        assert!(
            off.live_refund(&small_done, alone(&small_done), now())
                .is_err()
        );
    }

    #[test]
    fn usage_counts_over_the_certificates_bought_together() {
        let rules = RefundRules::default();
        // Two 10,000 certificates: one used up, one nearly untouched = 55 % used together.
        let mut spent = certificate(10_000, 0, 30);
        spent.status = CertificateStatus::Redeemed;
        let kept = certificate(10_000, 9_000, 30);
        let together = OrderUsage::of(&[(spent.clone(), 10_000), (kept.clone(), 1_000)]);
        assert_eq!(
            together,
            OrderUsage {
                used: 11_000,
                face: 20_000
            }
        );
        assert!(rules.live_refund(&kept, together, now()).is_err());
        let more = certificate(10_000, 3_000, 30);
        let together = OrderUsage::of(&[(spent.clone(), 10_000), (more.clone(), 7_000)]);
        assert_eq!(
            rules.live_refund(&more, together, now()),
            Ok(RefundBasis::PartlyUsed)
        );
        // A certificate refunded unused, or expired, does not dilute the share.
        let mut withdrawn = certificate(10_000, 0, 30);
        withdrawn.status = CertificateStatus::Refunded;
        let mut lapsed = certificate(10_000, 0, 30);
        lapsed.status = CertificateStatus::Expired;
        let mut partly_refunded = certificate(10_000, 0, 30);
        partly_refunded.status = CertificateStatus::Refunded;
        assert_eq!(
            OrderUsage::of(&[
                (withdrawn, 0),
                (lapsed, 4_000),
                (partly_refunded, 9_000),
                (more, 7_000)
            ]),
            OrderUsage {
                used: 16_000,
                face: 20_000
            }
        );
    }

    #[test]
    fn expired_balances_pay_90_or_95_percent_rounded_down() {
        let rule = ExpiredRefundRule::default();
        assert_eq!(
            rule.payout(krw(50_000), krw(7_001), false).unwrap(),
            (krw(6_300), krw(701))
        );
        assert_eq!(
            rule.payout(krw(100_000), krw(100_000), false).unwrap(),
            (krw(95_000), krw(5_000))
        );
        assert_eq!(
            rule.payout(krw(100_000), krw(100_000), true).unwrap(),
            (krw(100_000), krw(0))
        );
    }

    #[test]
    fn the_claim_passes_to_the_purchaser_and_ends_five_years_after_purchase() {
        let rule = ExpiredRefundRule::default();
        let mut expired = certificate(10_000, 0, 400);
        expired.status = CertificateStatus::Expired;
        expired.expires_at = Some(now() - Duration::days(10));
        assert_eq!(rule.claimant(&expired, now()).unwrap(), &expired.owner);
        expired.expires_at = Some(now() - Duration::days(180));
        assert_eq!(rule.claimant(&expired, now()).unwrap(), &expired.purchaser);
        expired.issued_at = now() - Duration::days(5 * 366);
        assert_eq!(
            rule.claimant(&expired, now()).unwrap_err().code,
            RefusalCode::NotRefundable
        );
    }
}
