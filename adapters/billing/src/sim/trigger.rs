//! The simulator's test triggers (CONTRACT.md §7): the answer is chosen by the subscriber
//! number's last digits, as card networks' test numbers do, so a test or a carrier's
//! integration team picks the outcome by picking the number.

/// A fault the simulator injects for an end user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `…0001`: every reservation is declined (`POL1000`, insufficient credit).
    Decline,
    /// `…0002`: the first request of each charge is recorded, but its answer comes only
    /// after the simulator's slow-answer delay (beyond the client's timeout); a replay or
    /// a look-up answers at once.
    SlowFirstCharge,
    /// `…0003`: every charge is recorded and then answered with HTTP 500; look-ups tell
    /// the truth (charged).
    ChargeFailsAfterRecording,
    /// `…0004`: charges go through, but every refund is refused with the policy
    /// exception `POL0254` (the billing month has closed, as Korean carriers answer).
    RefundRefused,
}

impl Trigger {
    /// The trigger an end user (`tel:+821012340001`, or bare digits) selects, if any.
    pub fn for_end_user(end_user: &str) -> Option<Trigger> {
        let digits = end_user.trim_start_matches("tel:").trim_start_matches('+');
        if digits.ends_with("0001") {
            Some(Trigger::Decline)
        } else if digits.ends_with("0002") {
            Some(Trigger::SlowFirstCharge)
        } else if digits.ends_with("0003") {
            Some(Trigger::ChargeFailsAfterRecording)
        } else if digits.ends_with("0004") {
            Some(Trigger::RefundRefused)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_digits_choose_the_answer() {
        assert_eq!(
            Trigger::for_end_user("tel:+821012340001"),
            Some(Trigger::Decline)
        );
        assert_eq!(
            Trigger::for_end_user("tel:+821012340002"),
            Some(Trigger::SlowFirstCharge)
        );
        assert_eq!(
            Trigger::for_end_user("821012340003"),
            Some(Trigger::ChargeFailsAfterRecording)
        );
        assert_eq!(
            Trigger::for_end_user("tel:+821012340004"),
            Some(Trigger::RefundRefused)
        );
        assert_eq!(Trigger::for_end_user("tel:+821012345678"), None);
        assert_eq!(Trigger::for_end_user("tel:+821000010000"), None);
    }
}
