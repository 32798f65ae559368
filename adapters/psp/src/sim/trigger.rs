//! The simulator's fault triggers: the card or account token picks the outcome, as card
//! networks' test numbers do (CONTRACT.md §7), so a test or a carrier's integration team
//! chooses a scenario by the token it pays with.

/// What the simulator does with a payment, chosen by its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// `tok_ok` and any token not listed: authorized and captured.
    Ok,
    /// `tok_decline`: the authorization is declined with `card_declined`.
    Decline,
    /// `tok_insufficient`: the authorization is declined with `insufficient_funds`.
    InsufficientFunds,
    /// `tok_timeout_then_ok`: the first capture is applied but answered only after the
    /// simulator's slow-answer delay (past the client's timeout); a retry reports captured.
    TimeoutThenOk,
    /// `tok_unknown_then_ok`: the first capture is applied but answered 500; a look-up (or a
    /// retry of the same key) reports captured.
    UnknownThenOk,
    /// `tok_duplicate`: every request is delivered to the books twice (as a duplicating
    /// network would); the second delivery is answered from the idempotency store, and
    /// that identical answer is what the client gets.
    Duplicate,
    /// `tok_conflict_on_retry`: a repeated idempotency key is answered 409
    /// `idempotency_conflict` without the first result (GSMA CAMARA style).
    ConflictOnRetry,
    /// `tok_decline_after_authorize`: authorized, then the capture is declined
    /// (`card_declined`); the authorization stays open and can be voided.
    DeclineAfterAuthorize,
    /// `tok_garbage`: every answer about the payment, look-ups included, is malformed JSON.
    Garbage,
}

impl Trigger {
    /// The trigger a token selects.
    pub(crate) fn from_token(token: &str) -> Self {
        match token {
            "tok_decline" => Trigger::Decline,
            "tok_insufficient" => Trigger::InsufficientFunds,
            "tok_timeout_then_ok" => Trigger::TimeoutThenOk,
            "tok_unknown_then_ok" => Trigger::UnknownThenOk,
            "tok_duplicate" => Trigger::Duplicate,
            "tok_conflict_on_retry" => Trigger::ConflictOnRetry,
            "tok_decline_after_authorize" => Trigger::DeclineAfterAuthorize,
            "tok_garbage" => Trigger::Garbage,
            _ => Trigger::Ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_pick_their_trigger_and_others_succeed() {
        assert_eq!(Trigger::from_token("tok_decline"), Trigger::Decline);
        assert_eq!(
            Trigger::from_token("tok_insufficient"),
            Trigger::InsufficientFunds
        );
        assert_eq!(
            Trigger::from_token("tok_conflict_on_retry"),
            Trigger::ConflictOnRetry
        );
        assert_eq!(Trigger::from_token("tok_ok"), Trigger::Ok);
        assert_eq!(Trigger::from_token("tok_visa_4242"), Trigger::Ok);
    }
}
