//! All retry and backoff policy of the payment client, in one place, on the shared
//! [`giftgate_edge::retry`] loop.
//!
//! The client never re-sends a write to find out what happened to it: a provider may refuse
//! a retried idempotency key without replaying the first answer. It looks the payment up
//! instead, on the schedule below, until a look-up settles the outcome or the schedule runs
//! out — and then the outcome is unknown, and the core moves no money.

use std::future::Future;
use std::time::Duration;

use giftgate_edge::retry::{Attempt, BackoffConfig, Schedule, retry};

/// Growth of the pause between look-ups.
const MULTIPLIER: f64 = 2.0;
/// Jitter of every pause (±20 %).
const JITTER: f64 = 0.2;

/// When to look a payment up after an unknown outcome: the first look-up at once, then
/// exponentially spaced ones (doubling from `initial_interval` up to `max_interval`, with
/// ±20 % jitter), `max_lookups` in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupSchedule {
    /// Pause before the second look-up.
    pub initial_interval: Duration,
    /// Longest pause between two look-ups.
    pub max_interval: Duration,
    /// Look-ups in all, the first one included; at least one is always made.
    pub max_lookups: u32,
}

impl LookupSchedule {
    /// The pauses between the look-ups of this schedule.
    fn policy(&self) -> Schedule {
        BackoffConfig {
            initial: self.initial_interval,
            max_interval: self.max_interval.max(self.initial_interval),
            multiplier: MULTIPLIER,
            jitter: JITTER,
            give_up_after: None,
        }
        .schedule()
        .with_max_attempts(self.max_lookups)
    }
}

/// What one look-up found.
#[derive(Debug)]
pub(crate) enum Lookup<T> {
    /// The look-up settles the outcome.
    Settled(T),
    /// It does not yet; the words say why (kept for the final "unknown" answer).
    Unsettled(String),
}

/// Runs `lookup` on `schedule` until it settles; answers the settled value, or the last
/// reason it was unsettled once the schedule runs out.
pub(crate) async fn until_settled<T, F, Fut>(
    schedule: LookupSchedule,
    mut lookup: F,
) -> Result<T, String>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Lookup<T>>,
{
    retry(
        schedule.policy(),
        |attempt| {
            let look = lookup(attempt);
            async move {
                match look.await {
                    Lookup::Settled(value) => Ok(value),
                    Lookup::Unsettled(why) => Err(Attempt::Retry(why)),
                }
            }
        },
        |why: &String, pause: Duration| {
            tracing::debug!(%why, pause_ms = pause.as_millis() as u64, "payment outcome not settled yet; looking up again");
        },
    )
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn schedule(max_lookups: u32) -> LookupSchedule {
        LookupSchedule {
            initial_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(40),
            max_lookups,
        }
    }

    #[test]
    fn the_policy_pauses_once_less_than_it_looks_up_and_grows_to_the_cap() {
        let mut policy = schedule(5).policy();
        let pauses: Vec<Duration> = std::iter::from_fn(|| policy.next_delay()).collect();
        assert_eq!(pauses.len(), 4);
        assert!(pauses[0] <= Duration::from_millis(12));
        assert!(pauses[3] >= Duration::from_millis(32) && pauses[3] <= Duration::from_millis(48));
        policy.reset();
        assert!(policy.next_delay().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn looks_up_until_settled() {
        let found = until_settled(schedule(5), |attempt| async move {
            if attempt < 3 {
                Lookup::Unsettled(format!("attempt {attempt}"))
            } else {
                Lookup::Settled(attempt)
            }
        })
        .await;
        assert_eq!(found, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_lookups_with_the_last_reason() {
        let mut calls = 0;
        let found: Result<(), String> = until_settled(schedule(3), |attempt| {
            calls += 1;
            async move { Lookup::Unsettled(format!("attempt {attempt}")) }
        })
        .await;
        assert_eq!(found, Err("attempt 3".to_owned()));
        assert_eq!(calls, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_lookups_still_looks_once() {
        let mut calls = 0;
        let _ = until_settled(schedule(0), |_| {
            calls += 1;
            async { Lookup::<()>::Unsettled("no".into()) }
        })
        .await;
        assert_eq!(calls, 1);
    }
}
