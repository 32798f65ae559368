//! Every retry and backoff policy of the billing client, on the shared
//! [`giftgate_edge::retry`] loop.
//!
//! Two policies come from [`crate::BillingConfig`]:
//! - [`RetryPolicy::connect`]: re-sending a request that never reached the carrier
//!   (connection refused); bounded by `connect_attempts`.
//! - [`RetryPolicy::lookup`]: settling an unknown outcome by status look-ups; bounded by
//!   `max_lookups` attempts and by `lookup_max_elapsed`, whichever ends first.
//!
//! Both wait exponentially longer between attempts (×1.5, ±50 % jitter), from
//! `retry_initial_interval` up to `retry_max_interval`.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use giftgate_edge::retry::{BackoffConfig, retry};

use crate::BillingConfig;

pub use giftgate_edge::retry::Attempt;

/// Growth of the wait per failed attempt.
const MULTIPLIER: f64 = 1.5;
/// Jitter of every wait (±50 %).
const JITTER: f64 = 0.5;

/// How often and how long to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (at least 1).
    pub max_attempts: u32,
    /// Give up once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// First wait.
    pub initial_interval: Duration,
    /// Longest wait.
    pub max_interval: Duration,
}

impl RetryPolicy {
    /// Re-sending requests that never reached the carrier.
    pub fn connect(config: &BillingConfig) -> Self {
        RetryPolicy {
            max_attempts: config.connect_attempts,
            max_elapsed: config
                .request_timeout
                .saturating_mul(config.connect_attempts),
            initial_interval: config.retry_initial_interval,
            max_interval: config.retry_max_interval,
        }
    }

    /// Status look-ups that settle an unknown outcome.
    pub fn lookup(config: &BillingConfig) -> Self {
        RetryPolicy {
            max_attempts: config.max_lookups,
            max_elapsed: config.lookup_max_elapsed,
            initial_interval: config.retry_initial_interval,
            max_interval: config.retry_max_interval,
        }
    }

    /// Runs `attempt` (given its 1-based number) until it succeeds, answers
    /// [`Attempt::Stop`], or the policy runs out; then answers the last error.
    ///
    /// The first attempt runs at once; each later one after a growing, jittered wait.
    pub async fn run<T, E, F, Fut>(&self, what: &str, attempt: F) -> Result<T, E>
    where
        E: Display,
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Attempt<E>>>,
    {
        let schedule = BackoffConfig {
            initial: self.initial_interval,
            max_interval: self.max_interval,
            multiplier: MULTIPLIER,
            jitter: JITTER,
            give_up_after: Some(self.max_elapsed),
        }
        .schedule()
        .with_max_attempts(self.max_attempts);
        retry(schedule, attempt, |error: &E, wait: Duration| {
            tracing::debug!(%error, ?wait, "{what}: trying again");
        })
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn policy(max_attempts: u32, max_elapsed: Duration) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            max_elapsed,
            initial_interval: Duration::from_millis(100),
            max_interval: Duration::from_secs(1),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_the_attempt_succeeds() {
        let calls = AtomicU32::new(0);
        let answer: Result<u32, String> = policy(5, Duration::from_secs(60))
            .run("test", |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 3 {
                        Err(Attempt::Retry(format!("attempt {n}")))
                    } else {
                        Ok(n)
                    }
                }
            })
            .await;
        assert_eq!(answer, Ok(3));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn stops_after_max_attempts_with_the_last_error() {
        let calls = AtomicU32::new(0);
        let answer: Result<(), String> = policy(4, Duration::from_secs(60))
            .run("test", |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { Err(Attempt::Retry(format!("attempt {n}"))) }
            })
            .await;
        assert_eq!(answer, Err("attempt 4".to_owned()));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_is_answered_at_once() {
        let calls = AtomicU32::new(0);
        let answer: Result<(), String> = policy(10, Duration::from_secs(60))
            .run("test", |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Attempt::Stop("declined".to_owned())) }
            })
            .await;
        assert_eq!(answer, Err("declined".to_owned()));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn elapsed_time_bounds_the_attempts_too() {
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let answer: Result<(), String> = policy(1000, Duration::from_secs(2))
            .run("test", |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Attempt::Retry("still down".to_owned())) }
            })
            .await;
        assert_eq!(answer, Err("still down".to_owned()));
        let attempts = calls.load(Ordering::SeqCst);
        assert!((2..1000).contains(&attempts), "{attempts} attempts");
        assert!(started.elapsed() <= Duration::from_secs(4));
    }
}
