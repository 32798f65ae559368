//! Settings of the SMPP client: where the SMSC is, how to bind, and the per-SMSC options.

use std::fmt;
use std::time::Duration;

use crate::encoding::CodingOptions;
use crate::message_id::IdNormalization;
use crate::retry::RetryPolicy;

/// The registered SMPP port, used when a URL names none.
pub const DEFAULT_SMPP_PORT: u16 = 2775;
/// URL scheme of an SMSC.
const SCHEME: &str = "smpp://";

/// Why an SMSC URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The URL does not start with `smpp://`.
    #[error("SMSC URL must start with smpp://, got {0:?}")]
    Scheme(String),
    /// No host in the URL.
    #[error("SMSC URL has no host: {0:?}")]
    MissingHost(String),
    /// The port is not a number in 1..=65535.
    #[error("SMSC URL has an invalid port: {0:?}")]
    Port(String),
}

/// Configuration of an [`crate::SmppClient`]. `Debug` never prints the password.
#[derive(Clone)]
pub struct SmppClientConfig {
    /// SMSC host name or address.
    pub host: String,
    /// SMSC port.
    pub port: u16,
    /// Bind `system_id` (at most 15 characters).
    pub system_id: String,
    /// Bind password (at most 8 characters).
    pub password: String,
    /// Bind `system_type` (may be empty).
    pub system_type: String,
    /// Transceiver binds kept open.
    pub binds: usize,
    /// Outstanding `submit_sm` per bind.
    pub window: usize,
    /// Parts per second over all binds; 0 is unlimited.
    pub tps: u32,
    /// Source address of MT messages (the short code).
    pub source_addr: String,
    /// Idle time between `enquire_link`s.
    pub enquire_link_interval: Duration,
    /// How long any response (bind, submit, enquire_link, unbind) may take.
    pub response_timeout: Duration,
    /// Data coding options of this SMSC.
    pub coding: CodingOptions,
    /// How this SMSC writes message ids.
    pub message_ids: IdNormalization,
    /// Reconnect, throttling and temporary-error delays.
    pub retry: RetryPolicy,
    /// How long the parts of a concatenated MO message are awaited.
    pub mo_reassembly_timeout: Duration,
}

impl Default for SmppClientConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: DEFAULT_SMPP_PORT,
            system_id: "giftgate".to_owned(),
            password: "secret".to_owned(),
            system_type: String::new(),
            binds: 1,
            window: 64,
            tps: 0,
            source_addr: "1555".to_owned(),
            enquire_link_interval: Duration::from_secs(30),
            response_timeout: Duration::from_secs(10),
            coding: CodingOptions::default(),
            message_ids: IdNormalization::default(),
            retry: RetryPolicy::default(),
            mo_reassembly_timeout: crate::mo::DEFAULT_MO_REASSEMBLY_TIMEOUT,
        }
    }
}

impl SmppClientConfig {
    /// Reads `smpp://host[:port]`; every other field takes its default.
    pub fn from_url(url: &str) -> Result<Self, ConfigError> {
        let rest = url
            .strip_prefix(SCHEME)
            .ok_or_else(|| ConfigError::Scheme(url.to_owned()))?;
        let authority = rest.split('/').next().unwrap_or_default();
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| ConfigError::Port(url.to_owned()))?;
                (host, port)
            }
            _ => (authority, DEFAULT_SMPP_PORT),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(ConfigError::MissingHost(url.to_owned()));
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            ..Self::default()
        })
    }
}

impl fmt::Debug for SmppClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmppClientConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("system_id", &self.system_id)
            .field("password", &"<redacted>")
            .field("system_type", &self.system_type)
            .field("binds", &self.binds)
            .field("window", &self.window)
            .field("tps", &self.tps)
            .field("source_addr", &self.source_addr)
            .field("enquire_link_interval", &self.enquire_link_interval)
            .field("response_timeout", &self.response_timeout)
            .field("coding", &self.coding)
            .field("message_ids", &self.message_ids)
            .field("retry", &self.retry)
            .field("mo_reassembly_timeout", &self.mo_reassembly_timeout)
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_host_and_port_and_defaults() {
        let config = SmppClientConfig::from_url("smpp://smsc.example.net:2776").unwrap();
        assert_eq!(config.host, "smsc.example.net");
        assert_eq!(config.port, 2776);
        assert_eq!(config.binds, 1);
        assert_eq!(config.window, 64);
        assert_eq!(config.tps, 0);
        assert_eq!(config.source_addr, "1555");
    }

    #[test]
    fn the_port_defaults_to_2775() {
        assert_eq!(
            SmppClientConfig::from_url("smpp://10.0.0.1").unwrap().port,
            2775
        );
        assert_eq!(
            SmppClientConfig::from_url("smpp://[::1]:9000")
                .unwrap()
                .host,
            "::1"
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        assert!(matches!(
            SmppClientConfig::from_url("http://x:1"),
            Err(ConfigError::Scheme(_))
        ));
        assert!(matches!(
            SmppClientConfig::from_url("smpp://:1"),
            Err(ConfigError::MissingHost(_))
        ));
        assert!(matches!(
            SmppClientConfig::from_url("smpp://x:0"),
            Err(ConfigError::Port(_))
        ));
        assert!(matches!(
            SmppClientConfig::from_url("smpp://x:abc"),
            Err(ConfigError::Port(_))
        ));
    }

    #[test]
    fn debug_hides_the_password() {
        let config = SmppClientConfig {
            password: "hunter2".to_owned(),
            ..SmppClientConfig::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
