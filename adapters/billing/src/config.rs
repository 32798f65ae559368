//! [`BillingConfig`]: where the carrier's billing API is, who giftgate is to it, and how
//! long the client waits and keeps trying before it calls an outcome unknown.

use std::fmt;
use std::time::Duration;

/// Settings of [`crate::OneApiBilling`].
///
/// `Debug` redacts the access token.
#[derive(Clone)]
pub struct BillingConfig {
    /// The API root, e.g. `https://billing.carrier.example/payment/v3` (no trailing `/`
    /// needed); requests go to `{base_url}/{endUserId}/transactions/…`.
    pub base_url: String,
    /// The service (merchant) code the carrier registered giftgate under; sent as
    /// `chargingMetaData.serviceID` and `onBehalfOf`.
    pub service_id: String,
    /// OAuth bearer token for the carrier's API, if it asks for one.
    pub access_token: Option<String>,
    /// How long one HTTP request may take before its outcome is unknown.
    pub request_timeout: Duration,
    /// How long establishing a connection may take (nothing is sent before it is up).
    pub connect_timeout: Duration,
    /// Attempts to reach the carrier when connections are refused, before answering
    /// `Unavailable` (the first attempt counts).
    pub connect_attempts: u32,
    /// Status look-ups made to settle an unknown outcome before answering `Unknown`.
    pub max_lookups: u32,
    /// Time after which settling an unknown outcome gives up, whatever `max_lookups` says.
    pub lookup_max_elapsed: Duration,
    /// First wait between attempts; each later wait grows, up to `retry_max_interval`.
    pub retry_initial_interval: Duration,
    /// Longest wait between two attempts.
    pub retry_max_interval: Duration,
}

impl BillingConfig {
    /// Production defaults for the API at `base_url`: 10 s per request, 3 connection
    /// attempts, up to 6 look-ups within 30 s, waits from 200 ms growing to 5 s.
    pub fn new(base_url: impl Into<String>) -> Self {
        BillingConfig {
            base_url: base_url.into(),
            service_id: "giftgate".to_owned(),
            access_token: None,
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            connect_attempts: 3,
            max_lookups: 6,
            lookup_max_elapsed: Duration::from_secs(30),
            retry_initial_interval: Duration::from_millis(200),
            retry_max_interval: Duration::from_secs(5),
        }
    }
}

impl fmt::Debug for BillingConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BillingConfig")
            .field("base_url", &self.base_url)
            .field("service_id", &self.service_id)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("connect_attempts", &self.connect_attempts)
            .field("max_lookups", &self.max_lookups)
            .field("lookup_max_elapsed", &self.lookup_max_elapsed)
            .field("retry_initial_interval", &self.retry_initial_interval)
            .field("retry_max_interval", &self.retry_max_interval)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_access_token() {
        let mut config = BillingConfig::new("http://127.0.0.1:1/payment/v3");
        config.access_token = Some("s3cr3t-token".to_owned());
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cr3t-token"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
    }
}
