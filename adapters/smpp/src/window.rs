//! The send window of one bind: outstanding `submit_sm`s keyed by sequence number.
//!
//! At most `capacity` parts are in flight. When the connection is lost, the parts whose
//! response never came are handed back oldest first, to be resubmitted after the rebind.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// One outstanding `submit_sm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight<J> {
    /// The job (message) the part belongs to.
    pub job: J,
    /// Index of the part within its message.
    pub part: usize,
    /// When it was written.
    pub sent_at: Instant,
}

/// Outstanding submits of one bind.
#[derive(Debug)]
pub struct Window<J> {
    outstanding: HashMap<u32, InFlight<J>>,
    capacity: usize,
}

impl<J: Copy> Window<J> {
    /// A window of `capacity` outstanding submits (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            outstanding: HashMap::with_capacity(capacity),
            capacity: capacity.max(1),
        }
    }

    /// Whether another submit may be sent.
    pub fn has_room(&self) -> bool {
        self.outstanding.len() < self.capacity
    }

    /// Records a submit written under `sequence_number`.
    pub fn insert(&mut self, sequence_number: u32, in_flight: InFlight<J>) {
        self.outstanding.insert(sequence_number, in_flight);
    }

    /// Takes the submit a response answers (`None` for an unknown sequence number).
    pub fn complete(&mut self, sequence_number: u32) -> Option<InFlight<J>> {
        self.outstanding.remove(&sequence_number)
    }

    /// Whether some submit has waited longer than `timeout`.
    pub fn has_expired(&self, now: Instant, timeout: Duration) -> bool {
        self.outstanding
            .values()
            .any(|f| now.duration_since(f.sent_at) >= timeout)
    }

    /// Empties the window after a connection loss, oldest submit first.
    pub fn drain_oldest_first(&mut self) -> Vec<InFlight<J>> {
        let mut lost: Vec<(u32, InFlight<J>)> = self.outstanding.drain().collect();
        lost.sort_by_key(|(sequence, f)| (f.sent_at, *sequence));
        lost.into_iter().map(|(_, f)| f).collect()
    }

    /// The jobs with a submit outstanding.
    pub fn jobs(&self) -> impl Iterator<Item = J> + '_ {
        self.outstanding.values().map(|f| f.job)
    }

    /// Outstanding submits.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.outstanding.len()
    }

    /// Whether nothing is outstanding.
    pub fn is_empty(&self) -> bool {
        self.outstanding.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_window_fills_and_drains_oldest_first() {
        let mut window = Window::new(2);
        let t0 = Instant::now();
        window.insert(
            5,
            InFlight {
                job: 'a',
                part: 0,
                sent_at: t0,
            },
        );
        tokio::time::advance(Duration::from_millis(10)).await;
        window.insert(
            6,
            InFlight {
                job: 'b',
                part: 1,
                sent_at: Instant::now(),
            },
        );
        assert!(!window.has_room());
        assert!(!window.has_expired(Instant::now(), Duration::from_secs(1)));
        assert!(window.has_expired(t0 + Duration::from_secs(1), Duration::from_secs(1)));
        let lost: Vec<char> = window.drain_oldest_first().iter().map(|f| f.job).collect();
        assert_eq!(lost, vec!['a', 'b']);
        assert!(window.is_empty());
    }

    #[test]
    fn a_response_completes_its_submit_once() {
        let mut window = Window::new(4);
        window.insert(
            1,
            InFlight {
                job: 1u64,
                part: 0,
                sent_at: Instant::now(),
            },
        );
        assert_eq!(window.complete(1).map(|f| f.job), Some(1));
        assert_eq!(window.complete(1), None);
        assert_eq!(window.len(), 0);
    }
}
