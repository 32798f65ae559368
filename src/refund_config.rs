//! The deployment's refund rules from settings (`GIFTGATE_WITHDRAWAL_DAYS`,
//! `GIFTGATE_PARTIAL_REFUND*`, `GIFTGATE_EXPIRED_REFUND*`, `GIFTGATE_EXPIRED_HOLDER_DAYS`).

use anyhow::ensure;
use chrono::Duration;
use giftgate_actors::service::refund_rules::{ExpiredRefundRule, PartialRefundRule, RefundRules};
use rust_decimal::Decimal;

use crate::config::Settings;

/// The refund rules the settings describe; percentages above 100 are refused.
pub fn refund_rules(settings: &Settings) -> anyhow::Result<RefundRules> {
    for (name, percent) in [
        (
            "GIFTGATE_PARTIAL_REFUND_USED_PERCENT",
            settings.partial_refund_used_percent,
        ),
        (
            "GIFTGATE_PARTIAL_REFUND_SMALL_USED_PERCENT",
            settings.partial_refund_small_used_percent,
        ),
        (
            "GIFTGATE_EXPIRED_REFUND_PERCENT",
            settings.expired_refund_percent,
        ),
        (
            "GIFTGATE_EXPIRED_REFUND_LARGE_PERCENT",
            settings.expired_refund_large_percent,
        ),
        (
            "GIFTGATE_EXPIRED_REFUND_POINTS_PERCENT",
            settings.expired_refund_points_percent,
        ),
    ] {
        ensure!(percent <= 100, "{name} must be at most 100, not {percent}");
    }
    Ok(RefundRules {
        fallback: settings.refund_fallback,
        withdrawal_window: Duration::days(i64::from(settings.withdrawal_days)),
        unused_after_withdrawal: settings.refund_unused_after_withdrawal,
        partial: settings.partial_refund.then(|| PartialRefundRule {
            used_percent: settings.partial_refund_used_percent,
            small_face_used_percent: settings.partial_refund_small_used_percent,
            small_face_limit: Decimal::from(settings.partial_refund_small_face),
        }),
        after_expiry: ExpiredRefundRule {
            percent: settings.expired_refund_percent,
            large_face_percent: settings.expired_refund_large_percent,
            large_face_above: Decimal::from(settings.expired_refund_large_above),
            points_percent: settings.expired_refund_points_percent,
            claim_years: settings.expired_refund_years,
            holder_window: Duration::days(i64::from(settings.expired_holder_days)),
        },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use giftgate_actors::service::refund_rules::RefundFallback;

    use super::*;

    #[test]
    fn the_defaults_are_the_korean_standard_terms() {
        let rules = refund_rules(&Settings::default()).unwrap();
        assert_eq!(rules, RefundRules::default());
    }

    #[test]
    fn a_percentage_above_100_is_refused() {
        let settings = Settings {
            expired_refund_percent: 101,
            ..Settings::default()
        };
        let error = refund_rules(&settings).unwrap_err().to_string();
        assert!(error.contains("GIFTGATE_EXPIRED_REFUND_PERCENT"), "{error}");
    }

    #[test]
    fn the_fallback_is_bank_points_or_none() {
        let load = |value: &str| {
            Settings::load_from(
                None,
                [("GIFTGATE_REFUND_FALLBACK".to_owned(), value.to_owned())],
            )
        };
        let none = load("none").unwrap();
        assert_eq!(refund_rules(&none).unwrap().fallback, RefundFallback::Off);
        let points = load("points").unwrap();
        assert_eq!(
            refund_rules(&points).unwrap().fallback,
            RefundFallback::Points
        );
        assert!(load("moon").is_err());
    }
}
