//! Retrying, said once: a jittered exponential back-off [`Schedule`] built from a
//! [`BackoffConfig`], and [`retry`], the loop that runs an attempt on it.
//!
//! Each adapter keeps its own numbers (its config constants) and its own judgement of which
//! failures are worth another attempt ([`Attempt::Retry`]) and which are final
//! ([`Attempt::Stop`]); this module only spaces the attempts. It is the project's only user
//! of the `backoff` crate (unmaintained upstream, RUSTSEC-2025-0012), so swapping it for
//! `backon` touches this file alone.
//!
//! Time is read from tokio's clock, the one the waits sleep on: a paused test clock
//! (`tokio::time::pause`) drives the give-up time and the waits alike; in production it is
//! the system's monotonic clock.

use std::future::Future;
use std::time::Duration;

use backoff::backoff::Backoff as _;
use backoff::exponential::{ExponentialBackoff, ExponentialBackoffBuilder};

/// The shape of a back-off: how the waits between attempts grow and when they stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackoffConfig {
    /// First wait.
    pub initial: Duration,
    /// Longest wait, before jitter.
    pub max_interval: Duration,
    /// Growth of the wait after each failure (2.0 doubles it).
    pub multiplier: f64,
    /// Jitter: each wait is drawn within ± this fraction of its nominal value (0.2 = ±20 %).
    pub jitter: f64,
    /// Give up once this much time has passed since the schedule started; `None`: never.
    pub give_up_after: Option<Duration>,
}

impl BackoffConfig {
    /// A schedule of waits of this shape, starting now.
    pub fn schedule(&self) -> Schedule {
        Schedule::new(self)
    }
}

/// A sequence of growing, jittered waits; `None` once the schedule gives up (its give-up
/// time passed, or its attempts are used up).
#[derive(Debug)]
pub struct Schedule {
    backoff: ExponentialBackoff<TokioClock>,
    max_waits: Option<u32>,
    waits_left: Option<u32>,
}

impl Schedule {
    /// A schedule of `config`'s shape, starting now, bounded only by its give-up time.
    pub fn new(config: &BackoffConfig) -> Self {
        let backoff = ExponentialBackoffBuilder::<TokioClock>::new()
            .with_initial_interval(config.initial)
            .with_max_interval(config.max_interval)
            .with_multiplier(config.multiplier)
            .with_randomization_factor(config.jitter)
            .with_max_elapsed_time(config.give_up_after)
            .build();
        Schedule {
            backoff,
            max_waits: None,
            waits_left: None,
        }
    }

    /// The same schedule, bounded to `attempts` attempts in all (the first included, and at
    /// least one is always made): it gives up after `attempts - 1` waits.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        let waits = attempts.saturating_sub(1);
        self.max_waits = Some(waits);
        self.waits_left = Some(waits);
        self
    }

    /// The wait before the next attempt, or `None` when the schedule gives up.
    pub fn next_delay(&mut self) -> Option<Duration> {
        if let Some(left) = self.waits_left.as_mut() {
            if *left == 0 {
                return None;
            }
            *left -= 1;
        }
        self.backoff.next_backoff()
    }

    /// Starts the schedule over (after a success): first wait, give-up time and attempts.
    pub fn reset(&mut self) {
        self.backoff.reset();
        self.waits_left = self.max_waits;
    }

    /// The longest wait, before jitter.
    pub fn max_interval(&self) -> Duration {
        self.backoff.max_interval
    }
}

/// What one failed attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<E> {
    /// Worth trying again (after a wait), if the schedule allows.
    Retry(E),
    /// Final: answer this error now.
    Stop(E),
}

/// Runs `attempt` (given its 1-based number) until it succeeds, answers [`Attempt::Stop`],
/// or `schedule` gives up; then answers the last error.
///
/// The first attempt runs at once; before each later one, `on_retry` hears the error and
/// the wait, and the loop sleeps that long on tokio's clock.
///
/// ```
/// use std::time::Duration;
/// use giftgate_edge::retry::{Attempt, BackoffConfig, retry};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let config = BackoffConfig {
///     initial: Duration::from_millis(100),
///     max_interval: Duration::from_secs(1),
///     multiplier: 2.0,
///     jitter: 0.2,
///     give_up_after: None,
/// };
/// let answer: Result<u32, String> = retry(
///     config.schedule().with_max_attempts(5),
///     |n| async move { if n < 3 { Err(Attempt::Retry(format!("busy ({n})"))) } else { Ok(n) } },
///     |_error, _wait| {},
/// )
/// .await;
/// assert_eq!(answer, Ok(3));
/// # }
/// ```
pub async fn retry<T, E, F, Fut, N>(
    mut schedule: Schedule,
    mut attempt: F,
    mut on_retry: N,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Attempt<E>>>,
    N: FnMut(&E, Duration),
{
    let mut number = 0u32;
    loop {
        number = number.saturating_add(1);
        let error = match attempt(number).await {
            Ok(value) => return Ok(value),
            Err(Attempt::Stop(error)) => return Err(error),
            Err(Attempt::Retry(error)) => error,
        };
        let Some(wait) = schedule.next_delay() else {
            return Err(error);
        };
        on_retry(&error, wait);
        tokio::time::sleep(wait).await;
    }
}

/// tokio's clock for `backoff`'s give-up time (see the module documentation).
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

    fn config(give_up_after: Option<Duration>) -> BackoffConfig {
        BackoffConfig {
            initial: Duration::from_millis(100),
            max_interval: Duration::from_secs(1),
            multiplier: 2.0,
            jitter: 0.2,
            give_up_after,
        }
    }

    #[test]
    fn waits_grow_by_the_multiplier_within_the_jitter_and_stay_capped() {
        let mut schedule = config(None).schedule();
        let first = schedule.next_delay().unwrap();
        assert!(first >= Duration::from_millis(80) && first <= Duration::from_millis(120));
        let second = schedule.next_delay().unwrap();
        assert!(second >= Duration::from_millis(160) && second <= Duration::from_millis(240));
        for _ in 0..30 {
            assert!(schedule.next_delay().unwrap() <= Duration::from_millis(1_200));
        }
        schedule.reset();
        assert!(schedule.next_delay().unwrap() <= Duration::from_millis(120));
    }

    #[test]
    fn a_schedule_of_n_attempts_waits_n_minus_one_times_until_reset() {
        let mut schedule = config(None).schedule().with_max_attempts(4);
        assert_eq!(std::iter::from_fn(|| schedule.next_delay()).count(), 3);
        schedule.reset();
        assert_eq!(std::iter::from_fn(|| schedule.next_delay()).count(), 3);
        let mut none = config(None).schedule().with_max_attempts(0);
        assert_eq!(none.next_delay(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_the_attempt_succeeds() {
        let answer: Result<u32, String> = retry(
            config(None).schedule().with_max_attempts(5),
            |n| async move {
                if n < 3 {
                    Err(Attempt::Retry(format!("attempt {n}")))
                } else {
                    Ok(n)
                }
            },
            |_, _| {},
        )
        .await;
        assert_eq!(answer, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn stops_after_max_attempts_with_the_last_error_and_hears_each_retry() {
        let calls = AtomicU32::new(0);
        let mut heard = Vec::new();
        let answer: Result<(), String> = retry(
            config(None).schedule().with_max_attempts(4),
            |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { Err(Attempt::Retry(format!("attempt {n}"))) }
            },
            |error: &String, _| heard.push(error.clone()),
        )
        .await;
        assert_eq!(answer, Err("attempt 4".to_owned()));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert_eq!(heard, ["attempt 1", "attempt 2", "attempt 3"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_is_answered_at_once() {
        let calls = AtomicU32::new(0);
        let answer: Result<(), String> = retry(
            config(None).schedule().with_max_attempts(10),
            |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Attempt::Stop("declined".to_owned())) }
            },
            |_, _| {},
        )
        .await;
        assert_eq!(answer, Err("declined".to_owned()));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_give_up_time_bounds_the_attempts_on_tokios_clock() {
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let answer: Result<(), String> = retry(
            config(Some(Duration::from_secs(2))).schedule(),
            |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Attempt::Retry("still down".to_owned())) }
            },
            |_, _| {},
        )
        .await;
        assert_eq!(answer, Err("still down".to_owned()));
        let attempts = calls.load(Ordering::SeqCst);
        assert!((2..1000).contains(&attempts), "{attempts} attempts");
        assert!(started.elapsed() <= Duration::from_secs(4));
    }
}
