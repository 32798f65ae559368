//! The MM7 client: posts `SubmitReq` to the MMSC with basic authentication and
//! `SOAPAction: ""`, reads the answer, and retries what may succeed later.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use tracing::Instrument;

use super::response::{SubmitAnswer, parse_submit_answer};
use super::retry::{AttemptError, RetryPolicy, with_retries};
use super::status::StatusClass;
use super::{Mm7Error, Mm7Version, SubmitAccepted, SubmitRequest, encode_submit};
use giftgate_edge::mask_msisdn;

/// How to reach one MMSC.
#[derive(Clone)]
pub struct Mm7Config {
    /// The MMSC's MM7 endpoint URL.
    pub url: String,
    /// Basic-auth user name, if the MMSC asks for one.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// Our VASP id at the carrier.
    pub vasp_id: String,
    /// Our VAS (service) id at the carrier.
    pub vas_id: String,
    /// Sender address of our messages (the short code).
    pub sender_address: String,
    /// MM7 schema version the MMSC speaks.
    pub version: Mm7Version,
    /// Timeout of one HTTP exchange.
    pub timeout: Duration,
    /// Attempts per message in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; it doubles after each failure, up to 30 s.
    pub retry_base_delay: Duration,
}

impl Default for Mm7Config {
    fn default() -> Self {
        Mm7Config {
            url: "http://127.0.0.1:8090/mm7".to_owned(),
            username: None,
            password: None,
            vasp_id: "giftgate".to_owned(),
            vas_id: "gift".to_owned(),
            sender_address: "1555".to_owned(),
            version: Mm7Version::Rel5,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}

impl std::fmt::Debug for Mm7Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mm7Config")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("vasp_id", &self.vasp_id)
            .field("vas_id", &self.vas_id)
            .field("sender_address", &self.sender_address)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base_delay", &self.retry_base_delay)
            .finish()
    }
}

/// A client of one MMSC; cheap to clone (the HTTP connection pool is shared).
#[derive(Debug, Clone)]
pub struct Mm7Client {
    cfg: Mm7Config,
    http: reqwest::Client,
    policy: RetryPolicy,
}

impl Mm7Client {
    /// Builds a client; fails on an unusable URL or settings.
    pub fn new(cfg: Mm7Config) -> Result<Self, Mm7Error> {
        let url = reqwest::Url::parse(&cfg.url)
            .map_err(|e| Mm7Error::Invalid(format!("MM7 URL {:?}: {e}", cfg.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Mm7Error::Invalid(format!(
                "MM7 URL {:?} is not http(s)",
                cfg.url
            )));
        }
        if cfg.sender_address.trim().is_empty() {
            return Err(Mm7Error::Invalid("empty sender address".to_owned()));
        }
        if cfg.password.is_some() && cfg.username.is_none() {
            return Err(Mm7Error::Invalid(
                "a password without a user name".to_owned(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Mm7Error::Invalid(format!("HTTP client: {e}")))?;
        let policy = RetryPolicy {
            max_attempts: cfg.max_attempts.max(1),
            base_delay: cfg.retry_base_delay,
            max_delay: Duration::from_secs(30),
        };
        Ok(Mm7Client { cfg, http, policy })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Mm7Config {
        &self.cfg
    }

    /// Submits one message. 1xxx → accepted; 2xxx → [`Mm7Error::Permanent`] at once;
    /// 3xxx/4xxx, HTTP 5xx and transport errors are retried with backoff and end in
    /// [`Mm7Error::Temporary`] when the attempts are used up.
    pub async fn submit(&self, req: &SubmitRequest) -> Result<SubmitAccepted, Mm7Error> {
        let encoded = encode_submit(&self.cfg, req, chrono::Utc::now())?;
        let content_type = HeaderValue::from_str(&encoded.content_type)
            .map_err(|e| Mm7Error::Invalid(format!("content type: {e}")))?;
        let body = Bytes::from(encoded.body);
        let recipients: Vec<String> = req.recipients.iter().map(|r| mask_msisdn(r)).collect();
        let span = tracing::info_span!(
            "mm7_submit",
            transaction_id = %req.transaction_id,
            recipients = ?recipients,
            bytes = body.len()
        );
        let result = with_retries(self.policy, |attempt| {
            self.post_once(
                content_type.clone(),
                body.clone(),
                &req.transaction_id,
                attempt,
            )
        })
        .instrument(span.clone())
        .await;
        match &result {
            Ok(accepted) => tracing::info!(
                parent: &span,
                message_id = %accepted.message_id,
                status = accepted.status_code,
                "MMSC accepted the message"
            ),
            Err(e) => tracing::warn!(parent: &span, error = %e, "MM7 submission failed"),
        }
        result
    }

    async fn post_once(
        &self,
        content_type: HeaderValue,
        body: Bytes,
        transaction_id: &str,
        attempt: u32,
    ) -> Result<SubmitAccepted, AttemptError> {
        let mut request = self
            .http
            .post(&self.cfg.url)
            .header(CONTENT_TYPE, content_type)
            .header("SOAPAction", "\"\"")
            .body(body);
        if let Some(user) = &self.cfg.username {
            request = request.basic_auth(user, self.cfg.password.as_deref());
        }
        let response = request.send().await.map_err(|e| AttemptError::Retryable {
            status_code: None,
            text: format!("attempt {attempt}: {e}"),
        })?;
        let http_status = response.status();
        if matches!(http_status.as_u16(), 401 | 403) {
            return Err(AttemptError::Fatal(Mm7Error::Unauthorized {
                http_status: http_status.as_u16(),
            }));
        }
        let answer_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let answer = response
            .bytes()
            .await
            .map_err(|e| AttemptError::Retryable {
                status_code: None,
                text: format!("attempt {attempt}: reading the answer: {e}"),
            })?;
        let looks_like_soap = answer_type.contains("xml")
            || answer_type.starts_with("multipart/")
            || answer.trim_ascii_start().starts_with(b"<");
        if !looks_like_soap {
            let text = format!("HTTP {http_status} without a SOAP answer");
            return Err(if http_status.is_server_error() {
                AttemptError::Retryable {
                    status_code: None,
                    text,
                }
            } else {
                AttemptError::Fatal(Mm7Error::InvalidResponse(text))
            });
        }
        match parse_submit_answer(&answer, &answer_type, self.cfg.version, transaction_id) {
            Ok(SubmitAnswer::Accepted(accepted)) => Ok(accepted),
            Ok(SubmitAnswer::Refused { status_code, text }) => {
                tracing::debug!(attempt, status_code, %text, "MMSC refused the submission");
                if StatusClass::of(status_code) == StatusClass::Temporary {
                    Err(AttemptError::Retryable {
                        status_code: Some(status_code),
                        text,
                    })
                } else {
                    Err(AttemptError::Fatal(Mm7Error::Permanent {
                        status_code,
                        text,
                    }))
                }
            }
            Err(e) if http_status.is_server_error() => Err(AttemptError::Retryable {
                status_code: None,
                text: format!("HTTP {http_status}: {e}"),
            }),
            Err(e) => Err(AttemptError::Fatal(e)),
        }
    }
}
