//! Faults the SMSC simulator can inject, and the per-submit decision they lead to.

use serde::{Deserialize, Serialize};

/// Faults to inject; all off by default. Replaced as a whole by `PUT /faults`, which also
/// restarts the submit count the `*_every` and `drop_after_submits` faults use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// The next this-many binds are refused with ESME_RBINDFAIL.
    pub refuse_binds: u32,
    /// Every Nth submit is answered ESME_RTHROTTLED (0x58); 0 is off.
    pub throttle_every: u32,
    /// Every Nth submit is answered ESME_RMSGQFUL (0x14); 0 is off.
    pub queue_full_every: u32,
    /// Every Nth submit is answered ESME_RSYSERR (a temporary error); 0 is off.
    pub system_error_every: u32,
    /// Destinations (with or without `+`) answered ESME_RINVDSTADR (permanent).
    pub permanent_error_destinations: Vec<String>,
    /// The Nth submit is not answered and its connection is dropped (once); 0 is off.
    pub drop_after_submits: u32,
    /// Delay before every `submit_sm_resp`, in milliseconds (slow SMSC).
    pub response_delay_ms: u64,
}

/// What the simulator does with one `submit_sm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitDecision {
    /// Accept and store it.
    Accept,
    /// Answer ESME_RTHROTTLED.
    Throttle,
    /// Answer ESME_RMSGQFUL.
    QueueFull,
    /// Answer ESME_RSYSERR.
    SystemError,
    /// Answer ESME_RINVDSTADR.
    InvalidDestination,
    /// Close the connection without answering.
    DropConnection,
}

/// Fault configuration plus the counters it needs.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    config: FaultConfig,
    submits: u64,
    dropped: bool,
}

impl FaultState {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Self {
            config,
            submits: 0,
            dropped: false,
        }
    }

    pub(crate) fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Whether the next bind is refused (counts the refusal down).
    pub(crate) fn refuse_bind(&mut self) -> bool {
        if self.config.refuse_binds == 0 {
            return false;
        }
        self.config.refuse_binds -= 1;
        true
    }

    /// Decides the fate of the next submit to `destination`.
    pub(crate) fn decide(&mut self, destination: &str) -> SubmitDecision {
        self.submits += 1;
        let every = |n: u32| n > 0 && self.submits.is_multiple_of(u64::from(n));
        if !self.dropped
            && self.config.drop_after_submits > 0
            && self.submits == u64::from(self.config.drop_after_submits)
        {
            self.dropped = true;
            return SubmitDecision::DropConnection;
        }
        if every(self.config.throttle_every) {
            return SubmitDecision::Throttle;
        }
        if every(self.config.queue_full_every) {
            return SubmitDecision::QueueFull;
        }
        if every(self.config.system_error_every) {
            return SubmitDecision::SystemError;
        }
        let bare = destination.trim_start_matches('+');
        if self
            .config
            .permanent_error_destinations
            .iter()
            .any(|d| d.trim_start_matches('+') == bare)
        {
            return SubmitDecision::InvalidDestination;
        }
        SubmitDecision::Accept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_third_submit_is_throttled() {
        let mut faults = FaultState::new(FaultConfig {
            throttle_every: 3,
            ..FaultConfig::default()
        });
        let decisions: Vec<_> = (0..6).map(|_| faults.decide("1")).collect();
        assert_eq!(decisions[2], SubmitDecision::Throttle);
        assert_eq!(decisions[5], SubmitDecision::Throttle);
        assert_eq!(decisions[0], SubmitDecision::Accept);
    }

    #[test]
    fn the_drop_fires_once_and_binds_are_refused_as_many_times_as_asked() {
        let mut faults = FaultState::new(FaultConfig {
            drop_after_submits: 2,
            refuse_binds: 1,
            permanent_error_destinations: vec!["+8210".to_owned()],
            ..FaultConfig::default()
        });
        assert_eq!(faults.decide("1"), SubmitDecision::Accept);
        assert_eq!(faults.decide("1"), SubmitDecision::DropConnection);
        assert_eq!(faults.decide("8210"), SubmitDecision::InvalidDestination);
        assert!(faults.refuse_bind());
        assert!(!faults.refuse_bind());
    }

    #[test]
    fn faults_read_from_partial_json() {
        let config: FaultConfig =
            serde_json::from_str(r#"{"throttle_every":3}"#).unwrap_or_default();
        assert_eq!(config.throttle_every, 3);
        assert_eq!(config.refuse_binds, 0);
    }
}
