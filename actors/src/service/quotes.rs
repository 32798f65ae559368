//! What a subscriber is shown before confirming: the refund a certificate would get now
//! under the refund rules, and how much of the monthly phone-bill cap is left. Both read
//! the same rules and totals the orders themselves apply, so the page never promises
//! what the order then refuses (short of a race, which the order decides).

use chrono::{Datelike, TimeZone, Utc};

use super::error::{Refusal, ServiceError};
use super::ledger::Ledger;
use super::refund_rules::refuse_status;
use crate::domain::{CertificateCode, CertificateStatus, Currency, Money, Msisdn, RefusalCode};

/// The phone-bill cap of a month and what is billed against it so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CarrierHeadroom {
    /// The monthly cap.
    pub cap: Money,
    /// Billed this month (reserved or charged, less refunds).
    pub billed: Money,
}

impl Ledger {
    /// The amount a refund of `code` would pay `holder` now, or the refusal the refund
    /// order would give (`not_refundable`, `blocked`, …).
    pub async fn refund_quote(
        &self,
        holder: &Msisdn,
        code: &CertificateCode,
    ) -> Result<Money, ServiceError> {
        let certificate = self.held_certificate(holder, code).await?;
        if let Some(refusal) = refuse_status(&certificate) {
            return Err(refusal.into());
        }
        if certificate.status != CertificateStatus::Active
            || certificate.expires_at.is_some_and(|at| at <= self.now())
        {
            return Err(Refusal::new(
                RefusalCode::NotRefundable,
                format!("certificate {} is {}", code.grouped(), certificate.status),
            )
            .into());
        }
        let usage = self.order_usage(&certificate).await?;
        self.policy
            .refunds
            .live_refund(&certificate, usage, self.now())?;
        Ok(certificate.balance)
    }

    /// The monthly phone-bill cap in `currency` and what `msisdn` was billed this month,
    /// or `None` when the deployment sets no cap in that currency.
    pub async fn carrier_headroom(
        &self,
        msisdn: &Msisdn,
        currency: Currency,
    ) -> Result<Option<CarrierHeadroom>, ServiceError> {
        let Some(cap) = self.policy.monthly_carrier_cap else {
            return Ok(None);
        };
        if cap.currency() != currency {
            return Ok(None);
        }
        let now = self.now();
        let month_start = Utc
            .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
            .single()
            .unwrap_or(now);
        let billed = self
            .store
            .carrier_billed_since(msisdn, month_start, currency.code())
            .await?;
        let billed = Money::from_minor_units(billed, currency)
            .map_err(|e| Refusal::new(RefusalCode::InvalidAmount, e.to_string()))?;
        Ok(Some(CarrierHeadroom { cap, billed }))
    }
}
