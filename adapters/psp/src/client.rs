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
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use giftgate_actors::domain::{Money, Settlement};
use giftgate_actors::ports::{PaymentError, PaymentRail, PaymentRequest, RailStatus};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::retry::{self, Lookup, LookupSchedule};
use crate::wire::{
    AuthorizeRequest, CARD_DECLINED, CaptureRequest, ErrorBody, IDEMPOTENCY_KEY_HEADER,
    INSUFFICIENT_FUNDS, MERCHANT_ID_HEADER, Payment, PaymentList, PaymentMethod, PaymentStatus,
    PaymentToken, Refund, RefundRequest,
};

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

    fn lookup_schedule(&self) -> LookupSchedule {
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

/// What went wrong talking to the PSP, before it is translated into a [`PaymentError`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PspError {
    /// The configuration cannot work (bad base URL, unusable API key).
    #[error("invalid PSP configuration: {0}")]
    InvalidConfig(String),
    /// The PSP could not be reached; the request was never delivered.
    #[error("PSP unreachable: {0}")]
    Unreachable(String),
    /// The request may have been delivered but no answer came (timeout, connection lost).
    #[error("no answer from the PSP: {0}")]
    NoAnswer(String),
    /// The PSP failed (5xx); the request may or may not have taken effect.
    #[error("PSP server error {status}: {detail}")]
    ServerError {
        /// The HTTP status.
        status: u16,
        /// The PSP's words.
        detail: String,
    },
    /// The PSP refused a retried idempotency key without replaying the first answer (409).
    #[error("PSP refused the retried idempotency key: {0}")]
    IdempotencyConflict(String),
    /// The issuer or bank declined (402).
    #[error("declined: {code} ({message})")]
    Declined {
        /// The PSP's decline code.
        code: String,
        /// The PSP's words.
        message: String,
    },
    /// The PSP refused the request itself (4xx other than 402 and 409).
    #[error("PSP rejected the request ({status} {code}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The PSP's error code.
        code: String,
        /// The PSP's words.
        message: String,
    },
    /// A refusal that is not the PSP API's (no error body: a proxy, a wrong base URL, a
    /// redirect); the request never reached the payment logic.
    #[error("answer {status} is not the PSP API's: {excerpt:?}")]
    NotTheApi {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The PSP answered something that is not the JSON of its API.
    #[error("PSP answered malformed JSON: {0}")]
    Malformed(String),
}

impl PspError {
    /// True when the call may have taken effect at the PSP: only a look-up can tell.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            PspError::NoAnswer(_)
                | PspError::ServerError { .. }
                | PspError::IdempotencyConflict(_)
                | PspError::Malformed(_)
        )
    }

    /// The port's view of a failure that is not ambiguous.
    pub(crate) fn into_payment_error(self) -> PaymentError {
        match self {
            PspError::Declined { code, message } => declined(&code, message),
            PspError::Rejected {
                status,
                code,
                message,
            } => match status {
                401 | 403 | 429 => PaymentError::Unavailable(format!(
                    "PSP refused us ({status} {code}): {message}"
                )),
                _ => PaymentError::Declined {
                    reason: code,
                    detail: message,
                },
            },
            PspError::InvalidConfig(_) | PspError::Unreachable(_) | PspError::NotTheApi { .. } => {
                PaymentError::Unavailable(self.to_string())
            }
            PspError::NoAnswer(_)
            | PspError::ServerError { .. }
            | PspError::IdempotencyConflict(_)
            | PspError::Malformed(_) => PaymentError::Unknown(self.to_string()),
        }
    }
}

/// A decline with the core's stable reasons: `insufficient_funds` as is, every other issuer
/// or bank refusal as `card_declined` (the PSP's own code stays in the detail).
fn declined(code: &str, message: String) -> PaymentError {
    let reason = if code == INSUFFICIENT_FUNDS {
        INSUFFICIENT_FUNDS
    } else {
        CARD_DECLINED
    };
    let detail = if code == reason {
        message
    } else {
        format!("{code}: {message}")
    };
    PaymentError::Declined {
        reason: reason.to_owned(),
        detail,
    }
}

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

    /// `GET /v1/payments?reference=…`: the PSP's payments of an order.
    async fn payments_of(&self, order_id: &str) -> Result<Vec<Payment>, PspError> {
        let path = format!("v1/payments?reference={}", encode_query(order_id));
        let list: PaymentList = self.exchange(Method::GET, &path, None, None::<&()>).await?;
        Ok(list
            .data
            .into_iter()
            .filter(|p| p.reference == order_id)
            .collect())
    }

    /// Settles an unknown outcome by looking the order's payments up until `judge` can tell.
    async fn settle<T>(
        &self,
        request: &PaymentRequest,
        operation: &str,
        cause: PspError,
        judge: impl Fn(&[Payment]) -> Option<Result<T, PaymentError>>,
    ) -> Result<T, PaymentError> {
        let order_id = request.order_id.as_str();
        tracing::warn!(order_id, operation, cause = %cause, "payment outcome unknown; looking it up");
        let judge = &judge;
        let settled = retry::until_settled(self.config.lookup_schedule(), |attempt| async move {
            match self.payments_of(order_id).await {
                Ok(payments) => match judge(&payments) {
                    Some(outcome) => Lookup::Settled(outcome),
                    None => Lookup::Unsettled(format!(
                        "look-up {attempt} does not show the {operation} yet"
                    )),
                },
                Err(e) => Lookup::Unsettled(format!("look-up {attempt} failed: {e}")),
            }
        })
        .await;
        match settled {
            Ok(outcome) => {
                tracing::info!(order_id, operation, settled = ?outcome.as_ref().err(), "payment outcome settled by look-up");
                outcome
            }
            Err(why) => {
                tracing::error!(order_id, operation, %why, "payment outcome still unknown");
                Err(PaymentError::Unknown(format!(
                    "{operation} of order {order_id}: {cause}; {why}"
                )))
            }
        }
    }

    /// Runs one write and turns its answer into the port's result: `judge` reads a 2xx
    /// answer's payment; ambiguous failures and answers `judge` cannot read are looked up.
    async fn write<A: DeserializeOwned, T, B: Serialize + Sync>(
        &self,
        request: &PaymentRequest,
        call: WriteCall<'_, B>,
        judge_answer: impl Fn(&A) -> Option<Result<T, PaymentError>>,
        judge_lookup: impl Fn(&[Payment]) -> Option<Result<T, PaymentError>>,
    ) -> Result<T, PaymentError> {
        let WriteCall {
            operation,
            path,
            idempotency_key,
            body,
        } = call;
        let answer = self
            .exchange::<A>(Method::POST, &path, Some(&idempotency_key), Some(body))
            .await;
        let cause = match answer {
            Ok(answer) => match judge_answer(&answer) {
                Some(outcome) => return outcome,
                None => PspError::Malformed(format!(
                    "{operation} answered success with an unexpected state"
                )),
            },
            Err(e) if e.is_ambiguous() => e,
            Err(e) => {
                tracing::info!(order_id = request.order_id.as_str(), operation, error = %e, "payment call refused");
                return Err(e.into_payment_error());
            }
        };
        self.settle(request, operation, cause, judge_lookup).await
    }
}

/// One write to the PSP: what it is called in logs, where it goes, its key and its body.
struct WriteCall<'a, B> {
    operation: &'static str,
    path: String,
    idempotency_key: String,
    body: &'a B,
}

/// Classifies a transport failure: a connection never made is certain, anything else not.
fn transport_error(error: reqwest::Error) -> PspError {
    if error.is_connect() {
        PspError::Unreachable(error_chain(&error))
    } else {
        PspError::NoAnswer(error_chain(&error))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Reads a non-2xx answer.
fn error_answer(status: StatusCode, body: &[u8]) -> PspError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let excerpt = || String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    let code = detail.as_ref().map(|d| d.code.clone());
    let message = detail
        .as_ref()
        .map(|d| d.message.clone())
        .unwrap_or_else(excerpt);
    match status {
        s if s.is_server_error() => PspError::ServerError {
            status: s.as_u16(),
            detail: message,
        },
        StatusCode::CONFLICT => PspError::IdempotencyConflict(message),
        StatusCode::PAYMENT_REQUIRED => PspError::Declined {
            code: code.unwrap_or_else(|| CARD_DECLINED.to_owned()),
            message,
        },
        s => match code {
            Some(code) => PspError::Rejected {
                status: s.as_u16(),
                code,
                message,
            },
            None => PspError::NotTheApi {
                status: s.as_u16(),
                excerpt: excerpt(),
            },
        },
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

/// The payment of an order that matters: the newest one not declined, else the newest.
fn current_payment(payments: &[Payment]) -> Option<&Payment> {
    payments
        .iter()
        .rev()
        .find(|p| p.status != PaymentStatus::Declined)
        .or_else(|| payments.last())
}

fn voided() -> PaymentError {
    PaymentError::Declined {
        reason: "authorization_voided".into(),
        detail: "the authorization was voided".into(),
    }
}

/// What an authorization's state says about `reserve`.
fn authorization_outcome(payment: &Payment) -> Result<String, PaymentError> {
    match payment.status {
        PaymentStatus::Authorized | PaymentStatus::Captured | PaymentStatus::Refunded => {
            Ok(payment.id.clone())
        }
        PaymentStatus::Voided => Err(voided()),
        PaymentStatus::Declined => Err(declined(
            payment.decline_code.as_deref().unwrap_or(CARD_DECLINED),
            "authorization declined".into(),
        )),
    }
}

/// What a payment's state says about `charge`; `None` while it is only authorized.
fn capture_outcome(payment: &Payment) -> Option<Result<(), PaymentError>> {
    match payment.status {
        PaymentStatus::Captured | PaymentStatus::Refunded => Some(Ok(())),
        PaymentStatus::Voided => Some(Err(voided())),
        PaymentStatus::Declined => Some(Err(declined(
            payment.decline_code.as_deref().unwrap_or(CARD_DECLINED),
            "authorization declined".into(),
        ))),
        PaymentStatus::Authorized => payment
            .decline_code
            .as_deref()
            .map(|code| Err(declined(code, "capture declined".into()))),
    }
}

/// What a payment's state says about `release`; `None` while it is still authorized.
fn void_outcome(payment: &Payment) -> Option<Result<(), PaymentError>> {
    match payment.status {
        PaymentStatus::Voided | PaymentStatus::Declined => Some(Ok(())),
        PaymentStatus::Captured | PaymentStatus::Refunded => Some(Err(PaymentError::Declined {
            reason: "payment_already_captured".into(),
            detail: "a captured payment cannot be voided; refund it".into(),
        })),
        PaymentStatus::Authorized => None,
    }
}

fn method_and_token(
    settlement: &Settlement,
) -> Result<(PaymentMethod, PaymentToken), PaymentError> {
    match settlement {
        Settlement::Card { token } => Ok((PaymentMethod::Card, PaymentToken::new(token.clone()))),
        Settlement::Bank { token } => Ok((PaymentMethod::Bank, PaymentToken::new(token.clone()))),
        Settlement::Carrier => Err(PaymentError::NotSupported(
            "carrier settlement goes through carrier billing, not the payment network".into(),
        )),
    }
}

#[async_trait]
impl PaymentRail for PspClient {
    async fn reserve(&self, request: &PaymentRequest) -> Result<String, PaymentError> {
        let (method, token) = method_and_token(&request.settlement)?;
        tracing::info!(
            order_id = request.order_id.as_str(),
            payer = %request.payer.masked(),
            method = ?method,
            token = %token.masked(),
            amount = %request.amount,
            "authorizing payment"
        );
        let body = AuthorizeRequest {
            amount: request.amount.amount(),
            currency: request.amount.currency(),
            method,
            token,
            reference: request.order_id.as_str().to_owned(),
            description: Some(request.description.clone()).filter(|d| !d.is_empty()),
            buyer_tel: Some(request.payer.as_str().to_owned()),
        };
        let key = format!("{}:authorize", request.order_id);
        self.write(
            request,
            WriteCall {
                operation: "authorize",
                path: "v1/payments".to_owned(),
                idempotency_key: key,
                body: &body,
            },
            |payment: &Payment| Some(authorization_outcome(payment)),
            |payments| current_payment(payments).map(authorization_outcome),
        )
        .await
    }

    async fn charge(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        tracing::info!(order_id = request.order_id.as_str(), reference, amount = %request.amount, "capturing payment");
        let body = CaptureRequest {
            amount: Some(request.amount.amount()),
        };
        let key = format!("{}:capture", request.order_id);
        let path = format!("v1/payments/{}/capture", encode_query(reference));
        self.write(
            request,
            WriteCall {
                operation: "capture",
                path,
                idempotency_key: key,
                body: &body,
            },
            |payment: &Payment| capture_outcome(payment),
            |payments| {
                payments
                    .iter()
                    .find(|p| p.id == reference)
                    .and_then(capture_outcome)
            },
        )
        .await
    }

    async fn release(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        tracing::info!(
            order_id = request.order_id.as_str(),
            reference,
            "voiding authorization"
        );
        let key = format!("{}:void", request.order_id);
        let path = format!("v1/payments/{}/void", encode_query(reference));
        self.write(
            request,
            WriteCall {
                operation: "void",
                path,
                idempotency_key: key,
                body: &serde_json::json!({}),
            },
            |payment: &Payment| void_outcome(payment),
            |payments| {
                payments
                    .iter()
                    .find(|p| p.id == reference)
                    .and_then(void_outcome)
            },
        )
        .await
    }

    async fn refund(
        &self,
        request: &PaymentRequest,
        reference: &str,
        amount: Money,
        refund_key: &str,
    ) -> Result<(), PaymentError> {
        tracing::info!(order_id = request.order_id.as_str(), reference, refund_key, amount = %amount, "refunding payment");
        let body = RefundRequest {
            amount: amount.amount(),
            currency: amount.currency(),
            reference: refund_key.to_owned(),
        };
        let key = format!("{}:refund:{refund_key}", request.order_id);
        let path = format!("v1/payments/{}/refunds", encode_query(reference));
        let refunded = |payment: &Payment| {
            payment
                .refunds
                .iter()
                .any(|r| r.reference == refund_key)
                .then_some(Ok(()))
        };
        self.write(
            request,
            WriteCall {
                operation: "refund",
                path,
                idempotency_key: key,
                body: &body,
            },
            |answer: &Refund| (answer.reference == refund_key).then_some(Ok(())),
            |payments| {
                payments
                    .iter()
                    .find(|p| p.id == reference)
                    .and_then(refunded)
            },
        )
        .await
    }

    async fn status(&self, request: &PaymentRequest) -> Result<RailStatus, PaymentError> {
        let payments = self
            .payments_of(request.order_id.as_str())
            .await
            .map_err(PspError::into_payment_error)?;
        let Some(payment) = current_payment(&payments) else {
            return Ok(RailStatus::NotFound);
        };
        rail_status(payment)
    }
}

/// The port's view of a payment's state.
fn rail_status(payment: &Payment) -> Result<RailStatus, PaymentError> {
    let reference = payment.id.clone();
    Ok(match payment.status {
        PaymentStatus::Authorized => RailStatus::Reserved { reference },
        PaymentStatus::Captured => RailStatus::Charged { reference },
        PaymentStatus::Voided => RailStatus::Released,
        PaymentStatus::Declined => RailStatus::Declined {
            reason: match payment.decline_code.as_deref() {
                Some(INSUFFICIENT_FUNDS) => INSUFFICIENT_FUNDS.to_owned(),
                _ => CARD_DECLINED.to_owned(),
            },
        },
        PaymentStatus::Refunded => RailStatus::Refunded {
            reference,
            amount: Money::new(payment.refunded_amount, payment.currency)
                .map_err(|e| PaymentError::Unknown(format!("PSP reported refunded amount: {e}")))?,
        },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use giftgate_actors::domain::Currency;
    use rust_decimal::Decimal;

    fn payment(status: PaymentStatus, decline_code: Option<&str>) -> Payment {
        Payment {
            id: "pay_1".into(),
            reference: "ord-1".into(),
            amount: Decimal::new(50000, 0),
            currency: Currency::KRW,
            method: PaymentMethod::Card,
            status,
            captured_amount: Decimal::ZERO,
            refunded_amount: Decimal::new(20000, 0),
            decline_code: decline_code.map(str::to_owned),
            refunds: vec![],
            buyer_tel: None,
            created_at: chrono::Utc::now(),
        }
    }

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
    fn error_answers_are_classified() {
        let body = br#"{"error":{"code":"insufficient_funds","message":"no money"}}"#;
        match error_answer(StatusCode::PAYMENT_REQUIRED, body).into_payment_error() {
            PaymentError::Declined { reason, .. } => assert_eq!(reason, "insufficient_funds"),
            other => panic!("{other:?}"),
        }
        let body = br#"{"error":{"code":"do_not_honor","message":"issuer says no"}}"#;
        match error_answer(StatusCode::PAYMENT_REQUIRED, body).into_payment_error() {
            PaymentError::Declined { reason, detail } => {
                assert_eq!(reason, "card_declined");
                assert!(detail.contains("do_not_honor"));
            }
            other => panic!("{other:?}"),
        }
        assert!(error_answer(StatusCode::CONFLICT, b"").is_ambiguous());
        assert!(error_answer(StatusCode::BAD_GATEWAY, b"<html>").is_ambiguous());
        assert!(matches!(
            error_answer(StatusCode::UNAUTHORIZED, b"").into_payment_error(),
            PaymentError::Unavailable(_)
        ));
        assert!(matches!(
            error_answer(StatusCode::NOT_FOUND, b"<html>Not Found</html>"),
            PspError::NotTheApi { status: 404, .. }
        ));
        assert!(matches!(
            error_answer(StatusCode::UNPROCESSABLE_ENTITY, br#"{"error":{"code":"payment_not_capturable","message":"x"}}"#)
                .into_payment_error(),
            PaymentError::Declined { reason, .. } if reason == "payment_not_capturable"
        ));
    }

    #[test]
    fn a_declined_capture_leaves_a_voidable_authorization() {
        let p = payment(PaymentStatus::Authorized, Some("card_declined"));
        assert!(matches!(
            capture_outcome(&p),
            Some(Err(PaymentError::Declined { .. }))
        ));
        assert_eq!(void_outcome(&p), None);
        assert_eq!(
            capture_outcome(&payment(PaymentStatus::Authorized, None)),
            None
        );
        assert_eq!(
            void_outcome(&payment(PaymentStatus::Voided, None)),
            Some(Ok(()))
        );
    }

    #[test]
    fn payment_states_map_to_rail_statuses() {
        assert_eq!(
            rail_status(&payment(PaymentStatus::Authorized, None)).unwrap(),
            RailStatus::Reserved {
                reference: "pay_1".into()
            }
        );
        assert_eq!(
            rail_status(&payment(
                PaymentStatus::Declined,
                Some("insufficient_funds")
            ))
            .unwrap(),
            RailStatus::Declined {
                reason: "insufficient_funds".into()
            }
        );
        assert_eq!(
            rail_status(&payment(PaymentStatus::Refunded, None)).unwrap(),
            RailStatus::Refunded {
                reference: "pay_1".into(),
                amount: Money::parse("20000", Currency::KRW).unwrap()
            }
        );
    }

    #[test]
    fn the_current_payment_prefers_one_not_declined() {
        let mut declined = payment(PaymentStatus::Declined, Some("card_declined"));
        declined.id = "pay_0".into();
        let list = vec![payment(PaymentStatus::Authorized, None), declined];
        assert_eq!(current_payment(&list).unwrap().id, "pay_1");
        assert!(current_payment(&[]).is_none());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query("ord-1.a_b:c"), "ord-1.a_b%3Ac");
        assert_eq!(encode_query("a b&c"), "a%20b%26c");
    }
}
