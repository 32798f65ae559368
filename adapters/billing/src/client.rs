//! [`OneApiBilling`]: the carrier billing adapter of the core's [`PaymentRail`] port, a
//! client of the carrier's GSMA OneAPI Payment–style API.
//!
//! Calls and where they go (`{base}` is [`BillingConfig::base_url`], `{endUserId}` the
//! payer as `tel:+8210…`):
//!
//! | port call | HTTP | body |
//! |---|---|---|
//! | `reserve` | `POST {base}/{endUserId}/transactions/amountReservation` | `amountReservationTransaction`, `Reserved` |
//! | `charge` | `POST {base}/{endUserId}/transactions/amountReservation/{reference}` | `Charged` |
//! | `release` | same resource | `Released` |
//! | `refund` | `POST {base}/{endUserId}/transactions/amount` | `amountTransaction`, `Refunded`, `originalServerReferenceCode` |
//! | `status` | `GET {base}/{endUserId}/transactions/amount?referenceCode={order_id}` | — |
//!
//! Every write carries a `clientCorrelator` derived from the order ([`crate::correlator`])
//! and the order id as `referenceCode`. What an answer means:
//! - 2xx with the transaction: done;
//! - 4xx with a `policyException` (or `SVC0270`): declined, `billing_declined`; any other
//!   `serviceException`: `billing_rejected` (the request was wrong; nothing moved);
//! - connection refused: nothing was sent; re-sent with backoff, then `Unavailable`;
//! - timeout, 5xx, 408/429, or an answer that cannot be read: the outcome is unknown, so
//!   the client looks the correlator up (with backoff, [`RetryPolicy::lookup`]): found, it
//!   answers what the carrier recorded; not found, it re-sends the same correlator, which
//!   the carrier treats as the same transaction. Only when the look-ups run out does it
//!   answer [`PaymentError::Unknown`].
//!
//!
//! This file holds the client and its one HTTP exchange; beside it: `submission` (the
//! request body and URL of each write), `submit` (sending a write and settling an unknown
//! outcome by look-up), `answer` (what a non-2xx or unreadable answer means), `status`
//! (where an order stands from its transactions) and `rail` (the [`PaymentRail`] calls).
//!
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail

mod answer;
mod rail;
mod status;
mod submission;
mod submit;

use reqwest::{Method, Url};

use self::answer::{chain, classify_refusal};
use crate::error::CallFailure;
use crate::retry::RetryPolicy;
use crate::{BillingConfig, BillingError};

/// The stable reason of a carrier's decline (CONTRACT.md §7).
pub const REASON_DECLINED: &str = "billing_declined";
/// The stable reason when the carrier refused the request itself (unknown reservation,
/// refund above the charge, a reused correlator); nothing moved.
pub const REASON_REJECTED: &str = "billing_rejected";

/// The carrier billing rail: GSMA OneAPI Payment over HTTP.
#[derive(Debug, Clone)]
pub struct OneApiBilling {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    config: BillingConfig,
    connect_policy: RetryPolicy,
    lookup_policy: RetryPolicy,
}

impl OneApiBilling {
    /// Builds the client; checks the base URL and the limits, opens no connection.
    pub fn new(config: BillingConfig) -> Result<Self, BillingError> {
        let base = parse_base_url(&config.base_url)?;
        if config.request_timeout.is_zero() || config.connect_timeout.is_zero() {
            return Err(BillingError::InvalidConfig(
                "request_timeout and connect_timeout must be greater than zero".to_owned(),
            ));
        }
        if config.connect_attempts == 0 || config.max_lookups == 0 {
            return Err(BillingError::InvalidConfig(
                "connect_attempts and max_lookups must be at least 1".to_owned(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("giftgate-billing/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(BillingError::HttpClient)?;
        Ok(OneApiBilling {
            http,
            base,
            connect_policy: RetryPolicy::connect(&config),
            lookup_policy: RetryPolicy::lookup(&config),
            config,
        })
    }

    /// The configuration the client runs with.
    pub fn config(&self) -> &BillingConfig {
        &self.config
    }

    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // `parse_base_url` refused URLs that cannot take path segments, so this always
        // succeeds; the `if let` keeps the failure silent rather than panicking.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// One HTTP exchange: the 2xx body, or what the failure means.
    async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        query: Option<(&str, &str)>,
    ) -> Result<Vec<u8>, CallFailure> {
        let mut builder = self.http.request(method, url);
        if let Some(query) = query {
            builder = builder.query(&[query]);
        }
        if let Some(body) = body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        if let Some(token) = &self.config.access_token {
            builder = builder.bearer_auth(token);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_failure(e))?;
        if status.is_success() {
            Ok(body.to_vec())
        } else {
            Err(classify_refusal(status, &body))
        }
    }

    /// Classifies a transport error; the URL (which holds the subscriber's number) is
    /// left out of the text, which ends up in logs.
    fn transport_failure(&self, error: reqwest::Error) -> CallFailure {
        let error = error.without_url();
        if error.is_connect() {
            CallFailure::NotSent(format!("cannot connect to billing: {}", chain(&error)))
        } else if error.is_timeout() {
            CallFailure::Uncertain(format!(
                "no answer from billing within {:?}",
                self.config.request_timeout
            ))
        } else {
            CallFailure::Uncertain(format!("billing exchange failed: {}", chain(&error)))
        }
    }
}

fn parse_base_url(text: &str) -> Result<Url, BillingError> {
    let invalid = |reason: &str| BillingError::InvalidBaseUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(invalid("it must be an absolute URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_absolute_http() {
        for bad in [
            "",
            "billing.example",
            "ftp://billing.example/x",
            "mailto:a@b",
            "http://h/x?y=1",
        ] {
            assert!(
                matches!(
                    OneApiBilling::new(BillingConfig::new(bad)),
                    Err(BillingError::InvalidBaseUrl { .. })
                ),
                "{bad:?} was accepted"
            );
        }
        assert!(OneApiBilling::new(BillingConfig::new("http://127.0.0.1:9/payment/v3/")).is_ok());
    }

    #[test]
    fn zero_limits_are_refused() {
        let mut config = BillingConfig::new("http://127.0.0.1:9");
        config.max_lookups = 0;
        assert!(matches!(
            OneApiBilling::new(config),
            Err(BillingError::InvalidConfig(_))
        ));
    }

    #[test]
    fn urls_keep_the_base_path_and_tel_uris() {
        let client =
            OneApiBilling::new(BillingConfig::new("http://127.0.0.1:9/payment/v3/")).unwrap();
        let url = client.url(&["tel:+821012345678", "transactions", "amount"]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/payment/v3/tel:+821012345678/transactions/amount"
        );
    }
}
