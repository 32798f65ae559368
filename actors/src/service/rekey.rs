//! Re-sealing every secret at rest under a new key (`giftgate rekey`).
//!
//! Each stored value is opened with the old key and sealed with the new one, in batches
//! ordered by the row's key, each row replaced only if it is still what was read (a
//! certificate's version moves on, so a concurrent writer holding the old value retries).
//! A value the new key already opens is left alone: that makes a run that was stopped
//! (crash, `--max-batches`) safe to start again from the beginning, and lets the gateway
//! seal new PINs with the new key while the run goes on (it opens both, see
//! [`PinCipher::with_previous`]).

use std::sync::Arc;

use super::secrets_at_rest::account_context;
use crate::domain::{PinCipher, SEALED_PREFIX};
use crate::ports::{SecretKind, Store, StoreError};

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RekeyReport {
    /// Values re-sealed under the new key.
    pub resealed: u64,
    /// Values the new key already opened.
    pub current: u64,
    /// Values changed by someone else meanwhile (sealed anew by them; looked at again on
    /// the next run).
    pub moved: u64,
    /// Values neither key opens: a wrong old key, or a damaged row.
    pub unreadable: u64,
    /// Whether every batch was done (false when stopped by the batch limit).
    pub complete: bool,
}

/// Re-seals from `old` to `new`.
pub struct Rekeyer {
    store: Arc<dyn Store>,
    old: PinCipher,
    new: PinCipher,
}

impl Rekeyer {
    /// A re-keying of `store` from `old` to `new`.
    pub fn new(store: Arc<dyn Store>, old: PinCipher, new: PinCipher) -> Self {
        Rekeyer { store, old, new }
    }

    /// Runs up to `max_batches` batches of `batch_size` rows (`None` = to the end).
    pub async fn run(
        &self,
        batch_size: u32,
        max_batches: Option<u64>,
    ) -> Result<RekeyReport, StoreError> {
        let mut report = RekeyReport::default();
        let mut batches = 0;
        for kind in [SecretKind::CertificatePin, SecretKind::RefundAccountNumber] {
            let mut after: Option<String> = None;
            loop {
                if max_batches.is_some_and(|limit| batches >= limit) {
                    return Ok(report);
                }
                let page = self
                    .store
                    .sealed_secrets(kind, after.as_deref(), batch_size.max(1))
                    .await?;
                let Some(last) = page.last() else {
                    break;
                };
                after = Some(last.key.clone());
                batches += 1;
                for row in &page {
                    let Some(resealed) = self.resealed(kind, &row.key, &row.sealed, &mut report)
                    else {
                        continue;
                    };
                    if self
                        .store
                        .reseal_secret(kind, &row.key, &row.sealed, &resealed)
                        .await?
                    {
                        report.resealed += 1;
                    } else {
                        report.moved += 1;
                    }
                }
            }
        }
        report.complete = true;
        Ok(report)
    }

    /// The value sealed under the new key, or `None` when it needs nothing (counted).
    fn resealed(
        &self,
        kind: SecretKind,
        key: &str,
        sealed: &str,
        report: &mut RekeyReport,
    ) -> Option<String> {
        match kind {
            SecretKind::CertificatePin => {
                if self.new.opens_with_current_key(sealed, key.as_bytes()) {
                    report.current += 1;
                    return None;
                }
                match self.old.open(sealed, key) {
                    Ok(pin) => Some(self.new.seal(&pin, key)),
                    Err(_) => {
                        report.unreadable += 1;
                        None
                    }
                }
            }
            SecretKind::RefundAccountNumber => {
                let context = account_context(key);
                if self.new.text_opens_with_current_key(sealed, &context) {
                    report.current += 1;
                    return None;
                }
                let plain = if sealed.starts_with(SEALED_PREFIX) {
                    self.old.open_text(sealed, &context).ok()
                } else {
                    Some(sealed.to_owned())
                };
                match plain {
                    Some(plain) => Some(self.new.seal_text(&plain, &context)),
                    None => {
                        report.unreadable += 1;
                        None
                    }
                }
            }
        }
    }
}
