//! The global submit rate limit (`tps`), shared by every bind and counting PDUs (parts).
//!
//! A spacing limiter rather than a bucket: each part reserves the next free slot,
//! `1/tps` after the previous one, so the rate never exceeds `tps` in any window and
//! there is no burst after an idle period that an SMSC could count against us.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// Shared rate limiter; `tps == 0` means unlimited.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    next_slot: Option<Arc<Mutex<Instant>>>,
    interval: Duration,
}

impl RateLimiter {
    /// A limiter for `tps` parts per second (0: unlimited).
    pub fn new(tps: u32) -> Self {
        if tps == 0 {
            return Self {
                next_slot: None,
                interval: Duration::ZERO,
            };
        }
        Self {
            next_slot: Some(Arc::new(Mutex::new(Instant::now()))),
            interval: Duration::from_secs(1) / tps,
        }
    }

    /// Reserves the slot of one part: the instant it may be sent (now or later).
    /// `None` when unlimited.
    pub fn reserve(&self) -> Option<Instant> {
        let next_slot = self.next_slot.as_ref()?;
        let now = Instant::now();
        let mut slot = match next_slot.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let granted = (*slot).max(now);
        *slot = granted + self.interval;
        Some(granted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_one_over_tps() {
        let limiter = RateLimiter::new(100);
        let start = Instant::now();
        let slots: Vec<Instant> = (0..101).filter_map(|_| limiter.reserve()).collect();
        assert_eq!(slots[0], start);
        assert_eq!(slots[100] - start, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_period_gives_no_burst() {
        let limiter = RateLimiter::new(10);
        limiter.reserve();
        tokio::time::advance(Duration::from_secs(5)).await;
        let now = Instant::now();
        assert_eq!(limiter.reserve(), Some(now));
        assert_eq!(limiter.reserve(), Some(now + Duration::from_millis(100)));
    }

    #[test]
    fn zero_means_unlimited() {
        assert_eq!(RateLimiter::new(0).reserve(), None);
    }
}
