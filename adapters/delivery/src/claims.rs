//! The outbox entries this instance has claimed and not finished. A claim is a lease
//! (see `OutboxStore::outbox_claim`): if the instance dies, its entries come due again when
//! the lease runs out. A graceful stop, and a handset whose earlier message failed, hand
//! theirs back at once, so another instance (or the next try) need not wait for it.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use giftgate_actors::ports::{Store, StoreError};

/// Claimed entries in hand, shared by the dispatchers and the gateway's stop.
#[derive(Debug, Clone, Default)]
pub struct ClaimBook(Arc<Mutex<BTreeSet<i64>>>);

impl ClaimBook {
    /// Notes entries just claimed.
    pub fn hold(&self, ids: impl IntoIterator<Item = i64>) {
        if let Ok(mut held) = self.0.lock() {
            held.extend(ids);
        }
    }

    /// Notes an entry finished (delivered, set for a retry, parked or handed back).
    pub fn done(&self, id: i64) {
        if let Ok(mut held) = self.0.lock() {
            held.remove(&id);
        }
    }

    /// Hands entries back to the outbox, due now, and forgets them.
    pub async fn hand_back(&self, store: &dyn Store, ids: &[i64]) -> Result<(), StoreError> {
        store.outbox_release(ids).await?;
        for id in ids {
            self.done(*id);
        }
        Ok(())
    }

    /// Hands back every entry still in hand (at a graceful stop).
    pub async fn hand_back_all(&self, store: &dyn Store) -> Result<(), StoreError> {
        let held: Vec<i64> = self
            .0
            .lock()
            .map(|held| held.iter().copied().collect())
            .unwrap_or_default();
        if held.is_empty() {
            return Ok(());
        }
        tracing::info!(entries = held.len(), "handing claimed outbox entries back");
        self.hand_back(store, &held).await
    }
}
