//! When to try an outbox entry again after a failed delivery attempt.

use std::time::Duration;

/// Exponential backoff by attempts so far: 1 s, 2 s, 4 s … capped at 5 minutes.
pub fn next_attempt_after(attempts: u32) -> Duration {
    let seconds = 1u64 << attempts.min(9);
    Duration::from_secs(seconds.min(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(next_attempt_after(0), Duration::from_secs(1));
        assert_eq!(next_attempt_after(3), Duration::from_secs(8));
        assert_eq!(next_attempt_after(40), Duration::from_secs(300));
    }
}
