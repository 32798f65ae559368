//! The payment network client: giftgate's [`PaymentRail`] for card and bank settlement.
//!
//! Each port call is one write to the PSP, keyed by an idempotency key derived from the
//! order (`{order_id}:authorize`, `{order_id}:capture`, `{order_id}:void`,
//! `{order_id}:refund:{refund_key}`), so the core may repeat a call after a crash without
//! paying twice. What the client does with the PSP's answer:
//!
//! | answer | port result |
//! |---|---|
//! | 2xx with the expected state | `Ok` |
//! | 402 `card_declined` / `insufficient_funds` | [`PaymentError::Declined`] with that reason |
//! | connection refused, 401/403/429, a 3xx/4xx without the API's error body | [`PaymentError::Unavailable`] (the PSP certainly did nothing) |
//! | timeout, 5xx, 409 (retried key refused), malformed JSON | looked up by reference on the [`LookupSchedule`]; still unsettled: [`PaymentError::Unknown`] |
//! | other 4xx (state does not allow it, bad request) | [`PaymentError::Declined`] with the PSP's code |
//!

//! The client is split by what each part decides: `config` where the PSP is, `error` how an
//! answer or a transport failure is classified, `write` one keyed write and the look-ups
//! that settle its unknown outcome, `outcome` what a payment's state means for each port
//! call, and `rail` the [`PaymentRail`] calls themselves. This file holds the client and its
//! one HTTP exchange.
//!
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail
//! [`LookupSchedule`]: crate::retry::LookupSchedule

mod config;
mod error;
mod outcome;
mod rail;
mod write;

use std::fmt;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use config::PspConfig;
pub use error::PspError;
use error::{error_answer, transport_error};

use crate::wire::{IDEMPOTENCY_KEY_HEADER, MERCHANT_ID_HEADER};

/// The payment network client; cheap to clone (one connection pool).
#[derive(Clone)]
pub struct PspClient {
    http: reqwest::Client,
    base_url: reqwest::Url,
    config: PspConfig,
}

impl fmt::Debug for PspClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PspClient")
            .field("config", &self.config)
            .finish()
    }
}

impl PspClient {
    /// Builds a client; refuses a base URL that is not http(s) or an API key that cannot be a
    /// header value.
    pub fn new(config: PspConfig) -> Result<Self, PspError> {
        let mut base = config.base_url.trim().to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        let base_url = reqwest::Url::parse(&base)
            .map_err(|e| PspError::InvalidConfig(format!("base URL {:?}: {e}", config.base_url)))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(PspError::InvalidConfig(format!(
                "base URL {:?} is not http(s)",
                config.base_url
            )));
        }
        if config.merchant_id.trim().is_empty() {
            return Err(PspError::InvalidConfig("merchant id is empty".into()));
        }
        let mut headers = reqwest::header::HeaderMap::new();
        let merchant =
            reqwest::header::HeaderValue::from_str(&config.merchant_id).map_err(|_| {
                PspError::InvalidConfig("merchant id is not a valid header value".into())
            })?;
        headers.insert(MERCHANT_ID_HEADER, merchant);
        if let Some(key) = &config.api_key {
            let mut bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}"))
                .map_err(|_| {
                    PspError::InvalidConfig("API key is not a valid header value".into())
                })?;
            bearer.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, bearer);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            // A payment write must never be re-sent as a GET somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| PspError::InvalidConfig(format!("HTTP client: {e}")))?;
        Ok(PspClient {
            http,
            base_url,
            config,
        })
    }

    /// The configuration the client was built from.
    pub fn config(&self) -> &PspConfig {
        &self.config
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, PspError> {
        self.base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| PspError::InvalidConfig(format!("path {path:?}: {e}")))
    }

    /// One HTTP exchange: sends, reads the whole answer and decodes it or its error body.
    pub(crate) async fn exchange<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        idempotency_key: Option<&str>,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T, PspError> {
        let mut request = self.http.request(method, self.url(path)?);
        if let Some(key) = idempotency_key {
            request = request.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| PspError::Malformed(format!("{status} answer to {path}: {e}")));
        }
        Err(error_answer(status, &bytes))
    }
}

/// Percent-encodes a query value (order ids are `[A-Za-z0-9._:-]`, but be safe).
pub(crate) fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bad_configuration_is_refused() {
        assert!(matches!(
            PspClient::new(PspConfig::new("not a url", "m")),
            Err(PspError::InvalidConfig(_))
        ));
        assert!(matches!(
            PspClient::new(PspConfig::new("ftp://x/", "m")),
            Err(PspError::InvalidConfig(_))
        ));
        assert!(matches!(
            PspClient::new(PspConfig::new("http://x/", " ")),
            Err(PspError::InvalidConfig(_))
        ));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query("ord-1.a_b:c"), "ord-1.a_b%3Ac");
        assert_eq!(encode_query("a b&c"), "a%20b%26c");
    }
}
