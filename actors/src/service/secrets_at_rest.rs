//! Secrets at rest other than PINs: refund bank account numbers are sealed with the
//! deployment's key before they are stored and opened only to pay a refund out. Rows
//! written before sealing existed (plain digits and dashes) are sealed by
//! [`Ledger::seal_plain_refund_accounts`] at start, a step that may be cut short and
//! run again.

use super::error::ServiceError;
use super::ledger::Ledger;
use crate::domain::{Msisdn, RefundAccount, SEALED_PREFIX};
use crate::ports::{SecretKind, StoreError};

/// Rows read per step when sealing legacy accounts.
const BATCH: u32 = 500;

/// What binds a sealed account number to its subscriber.
pub fn account_context(msisdn: &str) -> String {
    format!("refund-account:{msisdn}")
}

impl Ledger {
    /// The account as stored: its number sealed.
    pub(crate) fn sealed_account(&self, account: &RefundAccount) -> RefundAccount {
        RefundAccount {
            account: self
                .pins
                .seal_text(&account.account, &account_context(account.msisdn.as_str())),
            ..account.clone()
        }
    }

    /// A stored account with its number opened (a legacy plain row as it is).
    pub(crate) fn opened_account(
        &self,
        stored: RefundAccount,
    ) -> Result<RefundAccount, ServiceError> {
        if !stored.account.starts_with(SEALED_PREFIX) {
            return Ok(stored);
        }
        let account = self
            .pins
            .open_text(&stored.account, &account_context(stored.msisdn.as_str()))
            .map_err(|e| {
                ServiceError::Store(StoreError::Corrupt(format!(
                    "refund account of {}: {e}",
                    stored.msisdn.masked()
                )))
            })?;
        Ok(RefundAccount { account, ..stored })
    }

    /// A subscriber's refund account, its number opened.
    pub async fn refund_account_of(
        &self,
        msisdn: &Msisdn,
    ) -> Result<Option<RefundAccount>, ServiceError> {
        match self.store.refund_account(msisdn).await? {
            Some(stored) => Ok(Some(self.opened_account(stored)?)),
            None => Ok(None),
        }
    }

    /// Seals every refund account number still stored plain; answers how many.
    pub async fn seal_plain_refund_accounts(&self) -> Result<u64, ServiceError> {
        let mut sealed = 0;
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .sealed_secrets(SecretKind::RefundAccountNumber, after.as_deref(), BATCH)
                .await?;
            let Some(last) = page.last() else {
                return Ok(sealed);
            };
            after = Some(last.key.clone());
            for row in page.iter().filter(|r| !r.sealed.starts_with(SEALED_PREFIX)) {
                let resealed = self.pins.seal_text(&row.sealed, &account_context(&row.key));
                if self
                    .store
                    .reseal_secret(
                        SecretKind::RefundAccountNumber,
                        &row.key,
                        &row.sealed,
                        &resealed,
                    )
                    .await?
                {
                    sealed += 1;
                }
            }
        }
    }
}
