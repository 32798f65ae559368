//! The subscriber's views: wallet (with PINs, for the owner's channel), gifts and the
//! purchase, gift and usage histories.

use super::error::ServiceError;
use super::ledger::Ledger;
use crate::domain::{Certificate, Gift, JournalEntry, JournalKind, Msisdn, Pin};

/// Which history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryKind {
    /// Purchases and refunds (also of expired balances).
    Purchase,
    /// Redemptions, voids, expiries and what was kept of expired balances.
    Usage,
    /// Gifts sent, accepted and returned.
    Gift,
}

impl HistoryKind {
    /// Reads `purchase`, `usage` or `gift`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "purchase" => Some(HistoryKind::Purchase),
            "usage" => Some(HistoryKind::Usage),
            "gift" => Some(HistoryKind::Gift),
            _ => None,
        }
    }

    /// The journal kinds it shows.
    pub fn journal_kinds(&self) -> &'static [JournalKind] {
        match self {
            HistoryKind::Purchase => &[
                JournalKind::Issue,
                JournalKind::Refund,
                JournalKind::ExpiredRefund,
            ],
            HistoryKind::Usage => &[
                JournalKind::Redeem,
                JournalKind::Void,
                JournalKind::Expire,
                JournalKind::Breakage,
                JournalKind::Block,
                JournalKind::Unblock,
            ],
            HistoryKind::Gift => &[
                JournalKind::GiftOut,
                JournalKind::GiftAccept,
                JournalKind::GiftReturn,
                JournalKind::Rekey,
            ],
        }
    }
}

impl Ledger {
    /// The certificates a subscriber holds, each with its PIN revealed for the owner.
    pub async fn wallet(
        &self,
        owner: &Msisdn,
    ) -> Result<Vec<(Certificate, Option<Pin>)>, ServiceError> {
        let certificates = self.store.certificates_of(owner).await?;
        Ok(certificates
            .into_iter()
            .map(|c| {
                let pin = self.pins.open(&c.pin_sealed, c.code.as_str()).ok();
                (c, pin)
            })
            .collect())
    }

    /// Gifts a subscriber sent or received.
    pub async fn gifts(&self, msisdn: &Msisdn) -> Result<Vec<Gift>, ServiceError> {
        Ok(self.store.gifts_of(msisdn).await?)
    }

    /// One of the histories, newest first.
    pub async fn history(
        &self,
        msisdn: &Msisdn,
        kind: Option<HistoryKind>,
        limit: u32,
    ) -> Result<Vec<JournalEntry>, ServiceError> {
        let kinds: Vec<JournalKind> = match kind {
            Some(kind) => kind.journal_kinds().to_vec(),
            None => [HistoryKind::Purchase, HistoryKind::Usage, HistoryKind::Gift]
                .iter()
                .flat_map(|k| k.journal_kinds().iter().copied())
                .collect(),
        };
        Ok(self.store.journal_of(msisdn, &kinds, limit).await?)
    }
}
