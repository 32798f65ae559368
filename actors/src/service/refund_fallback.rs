//! Refunds the carrier will not make (its billing month has closed, or it does not
//! support refunds): with `RefundFallback::Bank` the refund is queued durably (a
//! `refund_queue` row, committed with the payee's SMS and a `certificate.refund_queued`
//! event) and paid by bank transfer to the account the payee gives. The refund order
//! stays pending until then; every resume of it (the `Recovery` timer, also right after a
//! restart, or the payee registering an account) tries the transfer again with the same
//! idempotency key (`{code}:bank`), and the booking — journal, payment, certificate, the
//! queue row marked paid — is one commit, so it is paid and booked exactly once.

use super::error::{Refusal, ServiceError};
use super::ledger::{Ledger, is_conflict};
use super::orders::StepOutcome;
use super::refund::{POINTS, Via, not_held};
use super::refund_expired::Claim;
use super::refund_rules::RefundBasis;
use super::refund_rules::RefundFallback;
use crate::domain::{
    Certificate, CertificateCode, Event, EventType, Money, Msisdn, Order, OrderRecord,
    OutboxMessage, QueuedRefund, QueuedRefundState, RefundAccount, RefusalCode,
};
use crate::ports::{Changes, PaymentError, Payout, PointsCredit};

/// The fallback rail's name in the queue, the journal and events.
const BANK: &str = "bank";

impl Ledger {
    /// The certificate's refund if it is queued and not paid yet.
    pub(crate) async fn still_queued(
        &self,
        code: &CertificateCode,
    ) -> Result<Option<QueuedRefund>, ServiceError> {
        Ok(self
            .store
            .queued_refund(code)
            .await?
            .filter(|q| q.state == QueuedRefundState::Queued))
    }

    /// The queue row of a refund the carrier refused: `(paid, kept)` to `payee`.
    pub(crate) fn queued_refund_of(
        &self,
        order: &Order,
        certificate: &Certificate,
        payee: &Msisdn,
        (amount, kept): (Money, Money),
        basis: &str,
        refused_by: String,
    ) -> QueuedRefund {
        QueuedRefund {
            certificate_code: certificate.code.clone(),
            order_id: order.order_id.clone(),
            payee: payee.clone(),
            amount,
            kept,
            basis: basis.to_owned(),
            rail: match self.policy.refunds.fallback {
                RefundFallback::Points => POINTS.to_owned(),
                RefundFallback::Bank | RefundFallback::Off => BANK.to_owned(),
            },
            state: QueuedRefundState::Queued,
            refused_by,
            created_at: self.now(),
        }
    }

    /// Queues a refund the carrier refused (telling the payee), then tries to pay it.
    pub(crate) async fn queue_refund(
        &self,
        order: &Order,
        record: &OrderRecord,
        queued: QueuedRefund,
    ) -> Result<StepOutcome, ServiceError> {
        let code = queued.certificate_code.clone();
        let has_account =
            queued.rail == POINTS || self.store.refund_account(&queued.payee).await?.is_some();
        let now = self.now();
        let changes = Changes {
            queued_refunds: vec![queued.clone()],
            outbox: vec![
                OutboxMessage::event(
                    Event::new(EventType::CertificateRefundQueued, now)
                        .with_order(&order.order_id)
                        .with_msisdn(&queued.payee)
                        .with_certificate(&code)
                        .with_amount(queued.amount)
                        .with_reason(&queued.rail, &queued.refused_by),
                ),
                self.sms(
                    queued.payee.as_str(),
                    self.notices()
                        .refund_queued(&code, queued.amount, has_account),
                ),
            ],
            ..Changes::default()
        };
        tracing::info!(certificate = %code, rail = %queued.rail, refused_by = %queued.refused_by, "carrier refused the refund; queued for the fallback");
        match self.commit(changes).await {
            Ok(()) => self.pay_queued(order, record, queued).await,
            Err(error) if is_conflict(&error) => match self.still_queued(&code).await? {
                // Queued first by a concurrent run of the same order.
                Some(stored) => self.pay_queued(order, record, stored).await,
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// Pays a queued refund by bank transfer and books it; leaves it queued (the order
    /// pending) while the payee has no account or the transfer does not go through.
    pub(crate) async fn pay_queued(
        &self,
        order: &Order,
        record: &OrderRecord,
        queued: QueuedRefund,
    ) -> Result<StepOutcome, ServiceError> {
        let code = &queued.certificate_code;
        if queued.payee != order.msisdn {
            return Err(not_held(code).into());
        }
        if queued.order_id != order.order_id {
            return Err(Refusal::new(
                RefusalCode::RefundPending,
                format!(
                    "a refund of {} is already queued for the fallback rail (order {})",
                    code.grouped(),
                    queued.order_id
                ),
            )
            .into());
        }
        if queued.rail == POINTS {
            // A refused credit keeps the refund queued; the timer tries again.
            self.credit_refund_points(code, &queued.payee, queued.amount)
                .await
                .map_err(|error| match error {
                    ServiceError::Refused(refusal) => ServiceError::RefundQueued(refusal.detail),
                    other => other,
                })?;
        } else {
            self.transfer_queued(&queued).await?;
        }
        let certificate = self
            .store
            .certificate(code)
            .await?
            .ok_or_else(|| not_held(code))?;
        if queued.basis == "expired" {
            let claim = Claim {
                claimant: queued.payee.clone(),
                paid: queued.amount,
                kept: queued.kept,
            };
            return self
                .book_expiry_claim(order, record, certificate, &claim, Via::Queued(&queued))
                .await;
        }
        let basis = RefundBasis::parse(&queued.basis).ok_or_else(|| {
            Refusal::new(
                RefusalCode::NotRefundable,
                format!("queued refund of {code} has an unknown basis"),
            )
        })?;
        self.book_refund(order, record, &certificate, basis, Via::Queued(&queued))
            .await
    }
}

impl Ledger {
    /// Pays a queued refund by bank transfer (idempotent on `{code}:bank`).
    async fn transfer_queued(&self, queued: &QueuedRefund) -> Result<(), ServiceError> {
        let code = &queued.certificate_code;
        let Some(account) = self.refund_account_of(&queued.payee).await? else {
            return Err(ServiceError::RefundQueued(format!(
                "refund of {code} waits for a bank account of {}",
                queued.payee.masked()
            )));
        };
        let Some(payout) = &self.payout else {
            return Err(ServiceError::RefundQueued(format!(
                "refund of {code}: this instance has no bank-transfer rail"
            )));
        };
        if !queued.amount.is_zero() {
            let transfer = Payout {
                key: format!("{}:{BANK}", code.as_str()),
                reference: code.as_str().to_owned(),
                account,
                amount: queued.amount,
            };
            match payout.pay_out(&transfer).await {
                Ok(()) => {}
                Err(PaymentError::Unknown(detail)) => {
                    return Err(ServiceError::PaymentUnknown(detail));
                }
                Err(error) => {
                    // The refund stays queued and is tried again; an operator must look
                    // at the account (alert on this counter).
                    metrics::counter!("giftgate_refund_transfers_refused_total").increment(1);
                    tracing::error!(%code, %error, "bank transfer of a queued refund refused");
                    return Err(ServiceError::RefundQueued(format!(
                        "refund of {code}: bank transfer refused: {error}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Credits a refund to the payee's carrier points (idempotent on `{code}:points`).
    pub(crate) async fn credit_refund_points(
        &self,
        code: &CertificateCode,
        payee: &Msisdn,
        amount: Money,
    ) -> Result<(), ServiceError> {
        let Some(points) = &self.points else {
            return Err(Refusal::new(
                RefusalCode::RefundRefused,
                "this deployment has no carrier points rail",
            )
            .into());
        };
        if amount.is_zero() {
            return Ok(());
        }
        let credit = PointsCredit {
            key: format!("{}:{POINTS}", code.as_str()),
            msisdn: payee.clone(),
            amount,
            reference: code.as_str().to_owned(),
        };
        match points.credit_points(&credit).await {
            Ok(()) => Ok(()),
            Err(PaymentError::Unknown(detail)) => Err(ServiceError::PaymentUnknown(detail)),
            Err(error) => Err(Refusal::new(RefusalCode::RefundRefused, error.to_string()).into()),
        }
    }

    /// Records the bank account a subscriber gives for refunds; answers the refunds
    /// queued for them, whose orders can now be resumed.
    pub async fn set_refund_account(
        &self,
        account: &RefundAccount,
    ) -> Result<Vec<QueuedRefund>, ServiceError> {
        for (field, value) in [
            ("bank", &account.bank),
            ("account", &account.account),
            ("holder", &account.holder),
        ] {
            if value.trim().is_empty() || value.len() > 64 {
                return Err(Refusal::new(
                    RefusalCode::InvalidAccount,
                    format!("{field} must be 1 to 64 characters"),
                )
                .into());
            }
        }
        if !account
            .account
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-')
        {
            return Err(Refusal::new(
                RefusalCode::InvalidAccount,
                "the account number has only digits and dashes",
            )
            .into());
        }
        self.store
            .set_refund_account(&self.sealed_account(account), self.now())
            .await?;
        Ok(self.store.queued_refunds_of(&account.msisdn).await?)
    }
}
