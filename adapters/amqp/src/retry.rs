//! Every retry policy of the AMQP adapter, in one place.
//!
//! The adapter retries in three situations: reconnecting to the broker after the
//! connection is lost, handing an order to its session again after a transient failure
//! (store down, payment outcome unknown), and publishing an outbox entry again after the
//! broker refused or returned it. The first two are schedules of the shared
//! [`giftgate_edge::retry`]; the outbox keeps its own delay per attempt count, since the
//! attempt count is what the outbox row stores.

use std::time::Duration;

use giftgate_edge::retry::BackoffConfig;

/// A sequence of growing, jittered delays; `None` once the policy gives up.
pub use giftgate_edge::retry::Schedule as RetrySchedule;

/// Growth of every AMQP retry delay per failure.
const MULTIPLIER: f64 = 2.0;
/// Jitter of every AMQP retry delay (±30 %).
const JITTER: f64 = 0.3;

fn schedule(initial: Duration, max: Duration, give_up_after: Option<Duration>) -> RetrySchedule {
    BackoffConfig {
        initial,
        max_interval: max,
        multiplier: MULTIPLIER,
        jitter: JITTER,
        give_up_after,
    }
    .schedule()
}

/// Reconnecting to the broker: from 100 ms up to 5 s between attempts, forever (a
/// gateway without its broker keeps trying; `/readyz` says it is not ready meanwhile).
pub fn reconnect() -> RetrySchedule {
    schedule(Duration::from_millis(100), Duration::from_secs(5), None)
}

/// Handing an order to its session again after a transient failure: 50 ms up to 1 s,
/// for about 3 s; then the delivery is nacked with requeue so the broker keeps it.
pub fn dispatch() -> RetrySchedule {
    schedule(
        Duration::from_millis(50),
        Duration::from_secs(1),
        Some(Duration::from_secs(3)),
    )
}

/// Between attempts at an order held through an outage (store down, payment outcome
/// unknown) once [`dispatch`] gave up: such an order is kept, not given back, so an
/// outage never counts towards the delivery limit.
pub const OUTAGE_RETRY: Duration = Duration::from_secs(2);

/// Pause before a delivery is nacked with requeue (so a persistently failing order is
/// not redelivered in a tight loop).
pub const REQUEUE_PAUSE: Duration = Duration::from_millis(500);

/// Attempts after which an outbox entry the broker keeps refusing (nack or unroutable
/// `reply_to`) is parked instead of retried.
pub const OUTBOX_MAX_ATTEMPTS: u32 = 5;

/// When to publish an outbox entry again after its `attempts`-th failed attempt:
/// 1 s, 2 s, 4 s, … capped at 5 minutes.
pub fn outbox_delay(attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(16);
    let delay = Duration::from_secs(1u64 << exponent);
    delay.min(Duration::from_secs(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_delay_doubles_and_is_capped() {
        assert_eq!(outbox_delay(1), Duration::from_secs(1));
        assert_eq!(outbox_delay(2), Duration::from_secs(2));
        assert_eq!(outbox_delay(4), Duration::from_secs(8));
        assert_eq!(outbox_delay(40), Duration::from_secs(300));
    }

    #[test]
    fn dispatch_and_reconnect_delays_stay_within_their_caps() {
        let mut dispatch = dispatch();
        let first = dispatch.next_delay().expect("a first retry");
        assert!(first <= Duration::from_millis(65), "{first:?}");
        for _ in 0..20 {
            if let Some(delay) = dispatch.next_delay() {
                assert!(delay <= Duration::from_millis(1_300), "{delay:?}");
            }
        }
        let mut reconnect = reconnect();
        for _ in 0..50 {
            let delay = reconnect.next_delay().expect("reconnects never give up");
            assert!(delay <= Duration::from_millis(6_500), "{delay:?}");
        }
    }
}
