//! Where and how to reach the payment network: the client's settings, with the API key kept
//! out of `Debug`, and the look-up schedule they imply.

use std::fmt;
use std::time::Duration;

use crate::retry::LookupSchedule;

/// Where and how to reach the payment network.
#[derive(Clone)]
pub struct PspConfig {
    /// Base URL of the PSP's API, e.g. `https://psp.example/` (`GIFTGATE_PSP_URL`).
    pub base_url: String,
    /// giftgate's merchant id at the PSP; idempotency keys are scoped to it.
    pub merchant_id: String,
    /// Secret API key sent as a bearer token; `Debug` never shows it.
    pub api_key: Option<String>,
    /// Longest wait for one answer; past it the outcome is unknown and is looked up.
    pub request_timeout: Duration,
    /// Look-ups made to settle an unknown outcome before answering `Unknown` (at least one).
    pub max_lookups: u32,
    /// Pause before the second look-up; later pauses double, up to 16 times this.
    pub lookup_interval: Duration,
}

impl PspConfig {
    /// A configuration with the defaults: 5 s per request, 6 look-ups starting 250 ms apart
    /// (about 8 s of looking before an outcome is called unknown), no API key.
    pub fn new(base_url: impl Into<String>, merchant_id: impl Into<String>) -> Self {
        PspConfig {
            base_url: base_url.into(),
            merchant_id: merchant_id.into(),
            api_key: None,
            request_timeout: Duration::from_secs(5),
            max_lookups: 6,
            lookup_interval: Duration::from_millis(250),
        }
    }

    pub(super) fn lookup_schedule(&self) -> LookupSchedule {
        LookupSchedule {
            initial_interval: self.lookup_interval,
            max_interval: self.lookup_interval.saturating_mul(16),
            max_lookups: self.max_lookups,
        }
    }
}

impl fmt::Debug for PspConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PspConfig")
            .field("base_url", &self.base_url)
            .field("merchant_id", &self.merchant_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("request_timeout", &self.request_timeout)
            .field("max_lookups", &self.max_lookups)
            .field("lookup_interval", &self.lookup_interval)
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::client::PspClient;

    #[test]
    fn debug_never_shows_the_api_key() {
        let mut config = PspConfig::new("http://127.0.0.1:1", "m1");
        config.api_key = Some("sk_live_secret".into());
        let text = format!("{config:?}");
        assert!(!text.contains("sk_live_secret"));
        assert!(text.contains("<redacted>"));
        let client = PspClient::new(config).unwrap();
        assert!(!format!("{client:?}").contains("sk_live_secret"));
    }
}
