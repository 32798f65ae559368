//! The simulator's memory: each handset's inbox, the scripted answers still to give, and
//! counters. Shared by the HTTP workers behind one mutex (held only for short updates).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

use super::ReceivedMms;

/// Counters exposed at `GET /stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    /// SubmitReq requests received (valid or not).
    pub submits_received: u64,
    /// Messages accepted (answered 1xxx).
    pub accepted: u64,
    /// Requests refused, by status code (validation and scripted answers).
    pub refused: BTreeMap<u16, u64>,
    /// Requests refused for bad credentials.
    pub unauthorized: u64,
    /// Delivery reports the VASP acknowledged.
    pub reports_sent: u64,
    /// Delivery reports that could not be delivered.
    pub reports_failed: u64,
}

#[derive(Default)]
struct Inner {
    inboxes: HashMap<String, Vec<ReceivedMms>>,
    script: VecDeque<u16>,
    stats: SimStats,
}

/// Shared simulator state.
#[derive(Default)]
pub(crate) struct SimState {
    inner: Mutex<Inner>,
}

/// The key of a handset: its digits only, so `+8210…` and `8210…` are one handset.
pub(crate) fn handset_key(msisdn: &str) -> String {
    msisdn.chars().filter(char::is_ascii_digit).collect()
}

impl SimState {
    pub(crate) fn new(script: Vec<u16>) -> Self {
        SimState {
            inner: Mutex::new(Inner {
                script: script.into(),
                ..Inner::default()
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next scripted status code, if any remain.
    pub(crate) fn next_scripted(&self) -> Option<u16> {
        self.lock().script.pop_front()
    }

    pub(crate) fn set_script(&self, script: Vec<u16>) {
        self.lock().script = script.into();
    }

    pub(crate) fn deliver(&self, recipient: &str, mms: ReceivedMms) {
        let mut inner = self.lock();
        inner.stats.accepted += 1;
        inner
            .inboxes
            .entry(handset_key(recipient))
            .or_default()
            .push(mms);
    }

    pub(crate) fn count_accepted_without_delivery(&self) {
        self.lock().stats.accepted += 1;
    }

    pub(crate) fn inbox(&self, msisdn: &str) -> Vec<ReceivedMms> {
        self.lock()
            .inboxes
            .get(&handset_key(msisdn))
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn count_received(&self) {
        self.lock().stats.submits_received += 1;
    }

    pub(crate) fn count_refused(&self, code: u16) {
        *self.lock().stats.refused.entry(code).or_default() += 1;
    }

    pub(crate) fn count_unauthorized(&self) {
        self.lock().stats.unauthorized += 1;
    }

    pub(crate) fn count_report(&self, delivered: bool) {
        let mut inner = self.lock();
        if delivered {
            inner.stats.reports_sent += 1;
        } else {
            inner.stats.reports_failed += 1;
        }
    }

    pub(crate) fn stats(&self) -> SimStats {
        self.lock().stats.clone()
    }
}
