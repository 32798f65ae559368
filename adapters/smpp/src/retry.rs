//! Every retry and pause policy of the crate, in one place, on the shared schedules of
//! [`giftgate_edge::retry`].

use std::time::Duration;

use giftgate_edge::retry::{BackoffConfig, Schedule};

/// Delays used when reconnecting, after throttling and after temporary errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// First delay before reconnecting after a drop or a refused bind.
    pub reconnect_initial: Duration,
    /// Cap of the reconnect delay.
    pub reconnect_max: Duration,
    /// First pause of a bind after ESME_RTHROTTLED / ESME_RMSGQFUL.
    pub throttle_initial: Duration,
    /// Cap of that pause.
    pub throttle_max: Duration,
    /// First delay before resending after a temporary error.
    pub temporary_initial: Duration,
    /// Cap of that delay.
    pub temporary_max: Duration,
    /// How many temporary errors one message may meet before it fails.
    pub temporary_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            reconnect_initial: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            throttle_initial: Duration::from_millis(200),
            throttle_max: Duration::from_secs(5),
            temporary_initial: Duration::from_secs(1),
            temporary_max: Duration::from_secs(60),
            temporary_attempts: 8,
        }
    }
}

/// Jitter applied to every delay (±50 %), so binds of many gateways do not reconnect in step.
const JITTER: f64 = 0.5;
/// Growth of the delay per failure.
const MULTIPLIER: f64 = 2.0;

/// A jittered, capped exponential backoff that never gives up on its own.
#[derive(Debug)]
pub struct Backoff {
    inner: Schedule,
}

impl Backoff {
    fn new(initial: Duration, max: Duration) -> Self {
        let config = BackoffConfig {
            initial,
            max_interval: max,
            multiplier: MULTIPLIER,
            jitter: JITTER,
            give_up_after: None,
        };
        Self {
            inner: config.schedule(),
        }
    }

    /// Backoff between reconnect attempts.
    pub fn reconnect(policy: &RetryPolicy) -> Self {
        Self::new(policy.reconnect_initial, policy.reconnect_max)
    }

    /// Pause of a throttled bind.
    pub fn throttle(policy: &RetryPolicy) -> Self {
        Self::new(policy.throttle_initial, policy.throttle_max)
    }

    /// Delay of a message after a temporary error.
    pub fn temporary(policy: &RetryPolicy) -> Self {
        Self::new(policy.temporary_initial, policy.temporary_max)
    }

    /// The next delay (never more than 1.5 × the cap, jitter included).
    pub fn next_delay(&mut self) -> Duration {
        self.inner
            .next_delay()
            .unwrap_or_else(|| self.inner.max_interval())
    }

    /// Back to the initial delay (after a success).
    pub fn reset(&mut self) {
        self.inner.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_jitter_and_stay_capped() {
        let policy = RetryPolicy {
            reconnect_initial: Duration::from_millis(100),
            reconnect_max: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let mut backoff = Backoff::reconnect(&policy);
        let first = backoff.next_delay();
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(150));
        for _ in 0..20 {
            assert!(backoff.next_delay() <= Duration::from_millis(1500));
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(150));
    }
}
