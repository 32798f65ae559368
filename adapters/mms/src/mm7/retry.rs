//! The retry policy of MM7 submissions, on the shared [`giftgate_edge::retry`] loop:
//! exponential backoff with jitter, bounded by a number of attempts. This module keeps
//! MM7's own numbers and says which failures are worth another attempt.

use std::future::Future;
use std::time::Duration;

use giftgate_edge::retry::{Attempt, BackoffConfig, retry};

use super::Mm7Error;

/// Growth of the delay per failed attempt.
const MULTIPLIER: f64 = 2.0;
/// Jitter of every delay (±20 %).
const JITTER: f64 = 0.2;

/// Outcome of one failed attempt.
pub(crate) enum AttemptError {
    /// Worth another attempt (3xxx/4xxx, HTTP 5xx, transport error).
    Retryable {
        /// MM7 status code, if any.
        status_code: Option<u16>,
        /// What went wrong.
        text: String,
    },
    /// Final: retrying cannot help.
    Fatal(Mm7Error),
}

/// How often and how fast to retry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Delay before the second attempt; it doubles (±20 % jitter) after each failure.
    pub base_delay: Duration,
    /// Ceiling of the delay between attempts.
    pub max_delay: Duration,
}

/// Runs `attempt` until it succeeds, fails fatally, or `policy.max_attempts` are used up
/// (then the last retryable failure becomes [`Mm7Error::Temporary`]).
pub(crate) async fn with_retries<T, F, Fut>(
    policy: RetryPolicy,
    mut attempt: F,
) -> Result<T, Mm7Error>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, AttemptError>>,
{
    let schedule = BackoffConfig {
        initial: policy.base_delay,
        max_interval: policy.max_delay,
        multiplier: MULTIPLIER,
        jitter: JITTER,
        give_up_after: None,
    }
    .schedule()
    .with_max_attempts(policy.max_attempts);
    retry(
        schedule,
        |number| {
            let fut = attempt(number);
            async move {
                fut.await.map_err(|failure| match failure {
                    AttemptError::Fatal(e) => Attempt::Stop(e),
                    AttemptError::Retryable { status_code, text } => {
                        Attempt::Retry(Mm7Error::Temporary {
                            status_code,
                            text,
                            attempts: number,
                        })
                    }
                })
            }
        },
        |e: &Mm7Error, wait: Duration| {
            tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "MM7 attempt failed, retrying");
        },
    )
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    #[tokio::test]
    async fn retryable_failures_are_retried_until_success() {
        let result = with_retries(fast(5), |n| async move {
            if n < 4 {
                Err(AttemptError::Retryable {
                    status_code: Some(4006),
                    text: "busy".into(),
                })
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(result, Ok(4));
    }

    #[tokio::test]
    async fn attempts_are_bounded_and_the_last_failure_is_reported() {
        let result: Result<(), _> = with_retries(fast(3), |_| async {
            Err(AttemptError::Retryable {
                status_code: Some(3000),
                text: "down".into(),
            })
        })
        .await;
        assert_eq!(
            result,
            Err(Mm7Error::Temporary {
                status_code: Some(3000),
                text: "down".into(),
                attempts: 3
            })
        );
    }

    #[tokio::test]
    async fn fatal_failures_stop_at_once() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(fast(5), |_| {
            calls.fetch_add(1, Ordering::Relaxed);
            async {
                Err(AttemptError::Fatal(Mm7Error::Permanent {
                    status_code: 2007,
                    text: "corrupt".into(),
                }))
            }
        })
        .await;
        assert!(matches!(
            result,
            Err(Mm7Error::Permanent {
                status_code: 2007,
                ..
            })
        ));
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }
}
