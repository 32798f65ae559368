//! Group insert of new orders: the orders that sessions record while another insert is
//! under way go to the store together, as one multi-row INSERT
//! ([`OrderStore::insert_orders`](crate::ports::OrderStore::insert_orders)) — one round
//! trip and one commit for the lot instead of one each. An order recorded when nothing else
//! is waiting goes alone and at once: nothing ever waits for company.
//!
//! There is no background task. The first caller that finds no insert running leads: it
//! inserts everything waiting (its own order included) and then hands the lead to the first
//! caller that queued meanwhile, who does the same. A leader that fails (the store refused
//! the batch) or disappears (its future dropped, a panic) leaves its followers to record
//! their orders one by one
//! ([`OrderStore::insert_order`](crate::ports::OrderStore::insert_order)), which also
//! answers a replayed `order_id` with its stored first order and reports a store outage as
//! usual.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tokio::sync::oneshot;

use crate::domain::{OrderId, OrderRecord};
use crate::ports::{Store, StoreError};

/// The most orders one INSERT records.
pub const MOST_PER_BATCH: usize = 128;

/// What a waiting caller is told.
enum Turn {
    /// The leader recorded the order: `true` when inserted now (it is new).
    Recorded(bool),
    /// Record what is waiting now (the previous leader finished).
    Lead,
}

struct Waiting {
    record: OrderRecord,
    /// How to tell the caller; `None` for the leader's own order.
    answer: Option<oneshot::Sender<Turn>>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// A leader is inserting (or about to be told to).
    busy: bool,
}

/// Records new orders, grouping those that arrive together; shared by every session.
#[derive(Default)]
pub struct OrderRecorder {
    queue: Mutex<Queue>,
    group_inserts: AtomicU64,
}

impl OrderRecorder {
    /// How many group inserts have run (each one statement for up to
    /// [`MOST_PER_BATCH`] orders).
    pub fn group_inserts(&self) -> u64 {
        self.group_inserts.load(Ordering::Relaxed)
    }

    /// Records a new `pending` order with the
    /// [`OrderStore::insert_order`](crate::ports::OrderStore::insert_order) contract:
    /// `None` when it was inserted now, the stored order when its id was there already.
    pub async fn insert(
        &self,
        store: &dyn Store,
        record: OrderRecord,
    ) -> Result<Option<OrderRecord>, StoreError> {
        let (answer, turn) = oneshot::channel();
        let leads = {
            let mut queue = self.lock();
            let leads = !std::mem::replace(&mut queue.busy, true);
            queue.waiting.push(Waiting {
                record: record.clone(),
                answer: (!leads).then_some(answer),
            });
            leads
        };
        let inserted = if leads {
            self.lead(store).await
        } else {
            let mut following = Following {
                recorder: self,
                turn,
            };
            match (&mut following.turn).await {
                Ok(Turn::Recorded(inserted)) => inserted,
                Ok(Turn::Lead) => self.lead(store).await,
                // The leader vanished with this order unanswered.
                Err(_) => false,
            }
        };
        if inserted {
            return Ok(None);
        }
        // Already stored, or the batch failed: the one-by-one path says which.
        store.insert_order(&record).await
    }

    /// Inserts what is waiting (the leader's own order first), answers each caller, and
    /// hands the lead on (or ends it). Answers whether the leader's own order was new.
    async fn lead(&self, store: &dyn Store) -> bool {
        let mut handover = Handover {
            recorder: self,
            done: false,
        };
        let batch: Vec<Waiting> = {
            let mut queue = self.lock();
            let take = queue.waiting.len().min(MOST_PER_BATCH);
            queue.waiting.drain(..take).collect()
        };
        let mut own_inserted = false;
        if !batch.is_empty() {
            self.group_inserts.fetch_add(1, Ordering::Relaxed);
            metrics::histogram!("giftgate_orders_recorded_per_insert").record(batch.len() as f64);
            let records: Vec<OrderRecord> = batch.iter().map(|w| w.record.clone()).collect();
            let mut inserted: HashSet<OrderId> = match store.insert_orders(&records).await {
                Ok(inserted) => inserted.into_iter().collect(),
                Err(error) => {
                    tracing::warn!(%error, orders = records.len(), "group insert of orders failed; recording them one by one");
                    HashSet::new()
                }
            };
            for waiting in batch {
                // Of two copies of one order in a batch only the first is new.
                let fresh = inserted.remove(&waiting.record.order_id);
                match waiting.answer {
                    Some(answer) => drop(answer.send(Turn::Recorded(fresh))),
                    None => own_inserted = fresh,
                }
            }
        }
        handover.done = true;
        own_inserted
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A caller waiting for its turn. Dropped with the lead handed to it but not taken (its
/// future was dropped in between), it passes the lead on, so the queue never stalls.
struct Following<'a> {
    recorder: &'a OrderRecorder,
    turn: oneshot::Receiver<Turn>,
}

impl Drop for Following<'_> {
    fn drop(&mut self) {
        if let Ok(Turn::Lead) = self.turn.try_recv() {
            drop(Handover {
                recorder: self.recorder,
                done: false,
            });
        }
    }
}

/// Passes the lead to the first waiting caller when a leader finishes — or vanishes
/// half-way (its future dropped): then its unanswered batch falls back to one by one and
/// the queue still moves.
struct Handover<'a> {
    recorder: &'a OrderRecorder,
    done: bool,
}

impl Drop for Handover<'_> {
    fn drop(&mut self) {
        if !self.done {
            tracing::warn!(
                "an order group insert was abandoned; its orders are recorded one by one"
            );
        }
        let mut queue = self.recorder.lock();
        loop {
            if queue.waiting.is_empty() {
                queue.busy = false;
                return;
            }
            let next = queue.waiting.remove(0);
            let Some(answer) = next.answer else {
                // A vanished leader's own order: nobody waits for it.
                continue;
            };
            if answer.send(Turn::Lead).is_ok() {
                // The new leader records its own order first, along with the rest.
                queue.waiting.insert(
                    0,
                    Waiting {
                        answer: None,
                        ..next
                    },
                );
                return;
            }
            // That caller is gone; try the next.
        }
    }
}
