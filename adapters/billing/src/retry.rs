//! Every retry and backoff policy of the billing client, and the only user of the `backoff`
//! crate (unmaintained upstream, see DEPENDENCIES.md): swapping it for `backon` touches this
//! file alone.
//!
//! Two policies come from [`crate::BillingConfig`]:
//! - [`RetryPolicy::connect`]: re-sending a request that never reached the carrier
//!   (connection refused); bounded by `connect_attempts`.
//! - [`RetryPolicy::lookup`]: settling an unknown outcome by status look-ups; bounded by
//!   `max_lookups` attempts and by `lookup_max_elapsed`, whichever ends first.
//!
//! Both wait exponentially longer between attempts, with jitter, from
//! `retry_initial_interval` up to `retry_max_interval`.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use backoff::exponential::ExponentialBackoffBuilder;

use crate::BillingConfig;

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

/// What one attempt came to, when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<E> {
    /// Worth trying again (after a wait), if the policy allows.
    Retry(E),
    /// Final: answer this error now.
    Stop(E),
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
    pub async fn run<T, E, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T, E>
    where
        E: Display,
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Attempt<E>>>,
    {
        let schedule = ExponentialBackoffBuilder::<TokioClock>::new()
            .with_initial_interval(self.initial_interval)
            .with_max_interval(self.max_interval)
            .with_max_elapsed_time(Some(self.max_elapsed))
            .build();
        let max_attempts = self.max_attempts.max(1);
        let mut number = 0;
        backoff::future::retry_notify(
            schedule,
            || {
                number += 1;
                let this_attempt = number;
                let outcome = attempt(this_attempt);
                async move {
                    match outcome.await {
                        Ok(value) => Ok(value),
                        Err(Attempt::Retry(error)) if this_attempt < max_attempts => {
                            Err(backoff::Error::transient(error))
                        }
                        Err(Attempt::Retry(error) | Attempt::Stop(error)) => {
                            Err(backoff::Error::permanent(error))
                        }
                    }
                }
            },
            |error: E, wait: Duration| {
                tracing::debug!(%error, ?wait, "{what}: trying again");
            },
        )
        .await
    }
}

/// Measures the elapsed-time bound on tokio's clock, the one the waits sleep on, so a
/// paused test clock (`tokio::time::pause`) drives both alike; in production it is the
/// system's monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
struct TokioClock;

impl backoff::Clock for TokioClock {
    fn now(&self) -> std::time::Instant {
        tokio::time::Instant::now().into_std()
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
