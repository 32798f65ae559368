//! Usage (seed S210–S280): a chain store's POS or an online mall redeems value from a
//! certificate by code and PIN, in part or in full; the balance is kept. A merchant may
//! void its own redemption. Redemptions are idempotent per merchant by the
//! `Idempotency-Key`; five wrong PINs in a row lock the certificate for a while.
//!
//! These run outside subscriber sessions (a merchant is not the subscriber); the
//! certificate's version guard is what keeps racing redemptions, gifts and refunds from
//! overspending it.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::certificate_keys::blocked;
use super::error::{Refusal, ServiceError};
use super::ledger::{is_conflict, sms_to};
use super::policy::Policy;
use crate::domain::{
    Certificate, CertificateCode, CertificateStatus, Event, EventType, JournalEntry, JournalKind,
    Money, Notices, OutboxMessage, Pin, PinCipher, Redemption, RefusalCode,
};
use crate::ports::{Changes, Clock, Store};

/// Merchants redeeming, voiding and checking balances. Handed out by
/// [`Ledger::redemptions`](super::Ledger::redemptions).
#[derive(Clone)]
pub struct Redemptions {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    pins: PinCipher,
    policy: Arc<Policy>,
}

/// A merchant's request to redeem.
#[derive(Debug, Clone)]
pub struct RedeemRequest {
    /// The merchant's id.
    pub merchant_id: String,
    /// The merchant's name, for the owner's text.
    pub merchant_name: String,
    /// The merchant's idempotency key.
    pub idempotency_key: String,
    /// The certificate.
    pub code: CertificateCode,
    /// The PIN the customer gave.
    pub pin: Pin,
    /// How much to take.
    pub amount: Money,
}

/// An approved redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionOutcome {
    /// The redemption id (to void it).
    pub redemption_id: String,
    /// Amount taken.
    pub amount: Money,
    /// Balance left.
    pub balance: Money,
    /// True when this answers a replayed idempotency key.
    pub replayed: bool,
}

/// What a balance check shows a merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceView {
    /// The certificate.
    pub code: CertificateCode,
    /// Its product.
    pub product_id: String,
    /// Balance left.
    pub balance: Money,
    /// Face value.
    pub face_value: Money,
    /// Status.
    pub status: CertificateStatus,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Redemptions {
    pub(crate) fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        pins: PinCipher,
        policy: Arc<Policy>,
    ) -> Self {
        Redemptions {
            store,
            clock,
            pins,
            policy,
        }
    }

    /// Redeems value from a certificate for a merchant.
    pub async fn redeem(&self, request: &RedeemRequest) -> Result<RedemptionOutcome, ServiceError> {
        // The happy path does not read the idempotency key first: the unique index on
        // (merchant, key) catches a replay at commit, and a replay refused by the rules
        // (the balance it used is gone) is recognised before the refusal is answered.
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            match self.try_redeem(request).await {
                Err(error) if is_conflict(&error) => {
                    if let Some(previous) = self.previous_redemption(request).await? {
                        return replay(previous, request);
                    }
                }
                Err(ServiceError::Refused(refusal)) => {
                    return match self.previous_redemption(request).await? {
                        Some(previous) => replay(previous, request),
                        None => Err(refusal.into()),
                    };
                }
                other => return other,
            }
        }
        Err(ServiceError::Contention(format!(
            "certificate {}",
            request.code
        )))
    }

    async fn previous_redemption(
        &self,
        request: &RedeemRequest,
    ) -> Result<Option<Redemption>, ServiceError> {
        Ok(self
            .store
            .redemption_by_key(&request.merchant_id, &request.idempotency_key)
            .await?)
    }

    async fn try_redeem(&self, request: &RedeemRequest) -> Result<RedemptionOutcome, ServiceError> {
        let certificate = self
            .unlock_with_pin(&request.code, &request.pin, &request.merchant_id)
            .await?;
        let now = self.now();
        if certificate.expires_at.is_some_and(|at| at <= now)
            || certificate.status == CertificateStatus::Expired
        {
            return Err(Refusal::new(RefusalCode::Expired, "the certificate has expired").into());
        }
        match certificate.status {
            CertificateStatus::Active => {}
            CertificateStatus::Redeemed => {
                return Err(Refusal::new(
                    RefusalCode::InsufficientBalance,
                    "the certificate is used up",
                )
                .into());
            }
            CertificateStatus::Blocked => return Err(blocked(&certificate.code).into()),
            other => {
                return Err(Refusal::new(
                    RefusalCode::NotRedeemable,
                    format!("the certificate is {other}"),
                )
                .into());
            }
        }
        if certificate.balance.currency() != request.amount.currency() {
            return Err(Refusal::new(
                RefusalCode::CurrencyMismatch,
                format!("the certificate is in {}", certificate.balance.currency()),
            )
            .into());
        }
        let balance = certificate
            .balance
            .checked_sub(request.amount)
            .map_err(|_| {
                Refusal::new(
                    RefusalCode::InsufficientBalance,
                    format!(
                        "balance {} is less than {}",
                        certificate.balance, request.amount
                    ),
                )
            })?;
        let redemption = Redemption {
            id: format!("r_{}", uuid::Uuid::now_v7().simple()),
            merchant_id: request.merchant_id.clone(),
            idempotency_key: request.idempotency_key.clone(),
            certificate_code: certificate.code.clone(),
            amount: request.amount,
            balance_after: balance,
            voided: false,
            created_at: now,
        };
        let updated = Certificate {
            balance,
            status: if balance.is_zero() {
                CertificateStatus::Redeemed
            } else {
                CertificateStatus::Active
            },
            pin_failures: 0,
            locked_until: None,
            ..certificate.clone()
        };
        let mut changes = Changes {
            certificates: vec![updated],
            journal: vec![JournalEntry {
                kind: JournalKind::Redeem,
                certificate_code: certificate.code.clone(),
                amount: request.amount,
                msisdn: certificate.owner.clone(),
                counterparty: None,
                order_id: None,
                merchant_id: Some(request.merchant_id.clone()),
                reference: Some(redemption.id.clone()),
                at: now,
            }],
            ..Changes::default()
        };
        changes.outbox.push(crate::domain::OutboxMessage::event(
            Event::new(EventType::CertificateRedeemed, now)
                .with_msisdn(&certificate.owner)
                .with_certificate(&certificate.code)
                .with_amount(request.amount)
                .with_reason(
                    "redeemed",
                    &format!("{} ({})", request.merchant_name, redemption.id),
                ),
        ));
        changes.outbox.push(self.sms(
            certificate.owner.as_str(),
            self.notices().redeemed(
                &request.merchant_name,
                request.amount,
                balance,
                &certificate.code,
            ),
        ));
        let outcome = RedemptionOutcome {
            redemption_id: redemption.id.clone(),
            amount: request.amount,
            balance,
            replayed: false,
        };
        changes.new_redemptions.push(redemption);
        self.commit(changes).await?;
        Ok(outcome)
    }

    /// A merchant voids its own redemption: the amount returns to the certificate.
    pub async fn void_redemption(
        &self,
        merchant_id: &str,
        merchant_name: &str,
        redemption_id: &str,
    ) -> Result<RedemptionOutcome, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            let redemption = self
                .store
                .redemption(redemption_id)
                .await?
                .filter(|r| r.merchant_id == merchant_id)
                .ok_or_else(|| {
                    Refusal::new(
                        RefusalCode::NotFound,
                        format!("no redemption {redemption_id} of yours"),
                    )
                })?;
            if redemption.voided {
                return Err(Refusal::new(
                    RefusalCode::AlreadyVoided,
                    "the redemption was already voided",
                )
                .into());
            }
            let certificate = self
                .store
                .certificate(&redemption.certificate_code)
                .await?
                .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "the certificate is gone"))?;
            if !matches!(
                certificate.status,
                CertificateStatus::Active | CertificateStatus::Redeemed
            ) {
                return Err(Refusal::new(
                    RefusalCode::NotVoidable,
                    format!("the certificate is {}", certificate.status),
                )
                .into());
            }
            let balance = certificate
                .balance
                .checked_add(redemption.amount)
                .map_err(|e| Refusal::new(RefusalCode::CurrencyMismatch, e.to_string()))?;
            let now = self.now();
            let mut changes = Changes {
                certificates: vec![Certificate {
                    balance,
                    status: CertificateStatus::Active,
                    ..certificate.clone()
                }],
                voided_redemptions: vec![redemption.id.clone()],
                journal: vec![JournalEntry {
                    kind: JournalKind::Void,
                    certificate_code: certificate.code.clone(),
                    amount: redemption.amount,
                    msisdn: certificate.owner.clone(),
                    counterparty: None,
                    order_id: None,
                    merchant_id: Some(merchant_id.to_owned()),
                    reference: Some(redemption.id.clone()),
                    at: now,
                }],
                ..Changes::default()
            };
            changes.outbox.push(crate::domain::OutboxMessage::event(
                Event::new(EventType::RedemptionVoided, now)
                    .with_msisdn(&certificate.owner)
                    .with_certificate(&certificate.code)
                    .with_amount(redemption.amount)
                    .with_reason("voided", &redemption.id),
            ));
            changes.outbox.push(
                self.sms(
                    certificate.owner.as_str(),
                    self.notices()
                        .redemption_voided(merchant_name, redemption.amount, balance),
                ),
            );
            match self.commit(changes).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(()) => {
                    return Ok(RedemptionOutcome {
                        redemption_id: redemption.id,
                        amount: redemption.amount,
                        balance,
                        replayed: false,
                    });
                }
            }
        }
        Err(ServiceError::Contention(format!(
            "redemption {redemption_id}"
        )))
    }

    /// A merchant's balance check; the PIN counts towards the lockout like a redemption.
    pub async fn check_balance(
        &self,
        code: &CertificateCode,
        pin: &Pin,
        merchant_id: &str,
    ) -> Result<BalanceView, ServiceError> {
        for _ in 0..super::MAX_CONFLICT_RETRIES {
            match self.unlock_with_pin(code, pin, merchant_id).await {
                Err(error) if is_conflict(&error) => continue,
                Err(error) => return Err(error),
                Ok(certificate) => {
                    return Ok(BalanceView {
                        code: certificate.code,
                        product_id: certificate.product_id.to_string(),
                        balance: certificate.balance,
                        face_value: certificate.face_value,
                        status: certificate.status,
                        expires_at: certificate.expires_at,
                    });
                }
            }
        }
        Err(ServiceError::Contention(format!("certificate {code}")))
    }

    /// Reads a certificate and checks the PIN `merchant_id` was given.
    ///
    /// Wrong PINs count twice: for the merchant (five in a row lock the certificate for
    /// that merchant only, so one careless or hostile merchant cannot lock the holder out
    /// everywhere) and for the certificate (twenty from all merchants together lock it
    /// everywhere). A right PIN clears the merchant's count, and the certificate's count
    /// rides along with the caller's next commit of the certificate. Counts are committed
    /// on their own, before the refusal is answered.
    async fn unlock_with_pin(
        &self,
        code: &CertificateCode,
        pin: &Pin,
        merchant_id: &str,
    ) -> Result<Certificate, ServiceError> {
        let certificate = self
            .store
            .certificate(code)
            .await?
            .ok_or_else(|| Refusal::new(RefusalCode::NotFound, "no such certificate"))?;
        let now = self.now();
        let locked = |until: Option<chrono::DateTime<chrono::Utc>>| until.is_some_and(|u| u > now);
        if locked(certificate.locked_until)
            || locked(self.store.merchant_pin_lock(code, merchant_id).await?)
        {
            return Err(Refusal::new(
                RefusalCode::PinLocked,
                "too many wrong PINs; try again later",
            )
            .into());
        }
        let stored = self
            .pins
            .open(&certificate.pin_sealed, certificate.code.as_str())
            .map_err(|e| ServiceError::Store(crate::ports::StoreError::Corrupt(e.to_string())))?;
        if stored.matches(pin) {
            self.store
                .clear_merchant_pin_failures(code, merchant_id)
                .await?;
            return Ok(Certificate {
                pin_failures: 0,
                ..certificate
            });
        }
        let lock_until = now + self.policy.pin_lock;
        let failures = certificate.pin_failures + 1;
        let locks_everywhere = failures >= self.policy.pin_max_failures_all;
        let counted = Certificate {
            pin_failures: if locks_everywhere { 0 } else { failures },
            locked_until: if locks_everywhere {
                Some(lock_until)
            } else {
                certificate.locked_until
            },
            ..certificate
        };
        self.commit(Changes {
            certificates: vec![counted],
            ..Changes::default()
        })
        .await?;
        let locks_merchant = self
            .store
            .count_merchant_pin_failure(code, merchant_id, self.policy.pin_max_failures, lock_until)
            .await?;
        if locks_everywhere || locks_merchant {
            Err(Refusal::new(
                RefusalCode::PinLocked,
                "too many wrong PINs; the certificate is locked for a while",
            )
            .into())
        } else {
            Err(Refusal::new(RefusalCode::InvalidPin, "the PIN is wrong").into())
        }
    }
}

impl Redemptions {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn notices(&self) -> Notices {
        Notices {
            language: self.policy.language,
        }
    }

    fn sms(&self, to: &str, text: String) -> OutboxMessage {
        sms_to(to, text)
    }

    async fn commit(&self, changes: Changes) -> Result<(), ServiceError> {
        self.store.commit(changes).await.map_err(ServiceError::from)
    }
}

fn replay(
    previous: Redemption,
    request: &RedeemRequest,
) -> Result<RedemptionOutcome, ServiceError> {
    if previous.certificate_code != request.code || previous.amount != request.amount {
        return Err(Refusal::new(
            RefusalCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for another redemption",
        )
        .into());
    }
    Ok(RedemptionOutcome {
        redemption_id: previous.id,
        amount: previous.amount,
        balance: previous.balance_after,
        replayed: true,
    })
}
