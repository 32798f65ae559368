//! What a `submit_sm_resp` status means for the message: done, slow down, retry, or give up.

use rusmpp::CommandStatus;

/// The handling class of a `submit_sm_resp` command_status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// ESME_ROK: accepted.
    Accepted,
    /// ESME_RTHROTTLED (0x58) or ESME_RMSGQFUL (0x14): pause the whole bind, then resend.
    SlowDown,
    /// A transient SMSC failure: resend this message after a backoff.
    Temporary,
    /// The message itself is wrong (bad destination, bad coding…): fail it.
    Permanent,
}

/// Classifies a `submit_sm_resp` status.
pub fn classify(status: CommandStatus) -> StatusClass {
    match status {
        CommandStatus::EsmeRok => StatusClass::Accepted,
        CommandStatus::EsmeRthrottled | CommandStatus::EsmeRmsgqful => StatusClass::SlowDown,
        CommandStatus::EsmeRsyserr
        | CommandStatus::EsmeRsubmitfail
        | CommandStatus::EsmeRdeliveryfailure
        | CommandStatus::EsmeRunknownerr
        | CommandStatus::EsmeRxTAppn
        | CommandStatus::EsmeRinvbndsts => StatusClass::Temporary,
        _ => StatusClass::Permanent,
    }
}

/// The numeric value of a status, for errors and logs.
pub fn code(status: CommandStatus) -> u32 {
    u32::from(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_queue_full_slow_down() {
        assert_eq!(
            classify(CommandStatus::EsmeRthrottled),
            StatusClass::SlowDown
        );
        assert_eq!(classify(CommandStatus::EsmeRmsgqful), StatusClass::SlowDown);
    }

    #[test]
    fn an_invalid_destination_is_permanent_and_a_system_error_temporary() {
        assert_eq!(
            classify(CommandStatus::EsmeRinvdstadr),
            StatusClass::Permanent
        );
        assert_eq!(classify(CommandStatus::EsmeRsyserr), StatusClass::Temporary);
        assert_eq!(classify(CommandStatus::EsmeRok), StatusClass::Accepted);
        assert_eq!(code(CommandStatus::EsmeRthrottled), 0x58);
    }
}
