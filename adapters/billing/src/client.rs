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
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail

use std::error::Error as StdError;

use async_trait::async_trait;
use giftgate_actors::domain::{Currency, Money, OrderId, Settlement};
use giftgate_actors::ports::{PaymentError, PaymentRail, PaymentRequest, RailStatus};
use reqwest::{Method, StatusCode, Url};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::correlator::{Operation, end_user_id};
use crate::error::CallFailure;
use crate::retry::{Attempt, RetryPolicy};
use crate::wire::{
    AmountEnvelope, AmountTransaction, ChargingInformation, ChargingMetaData, PaymentAmount,
    RequestErrorEnvelope, ReservationEnvelope, TransactionListEnvelope, TransactionOperationStatus,
};
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

    fn submission<'a>(
        &self,
        request: &PaymentRequest,
        operation: Operation<'a>,
        amount: Money,
        reservation: Option<&str>,
    ) -> Result<Submission<'a>, PaymentError> {
        let end_user = end_user_id(&request.payer);
        let correlator = operation.correlator(&request.order_id);
        let mut transaction = AmountTransaction {
            end_user_id: end_user.clone(),
            payment_amount: PaymentAmount {
                charging_information: ChargingInformation {
                    amount: amount.amount(),
                    currency: amount.currency().code().to_owned(),
                    description: request.description.clone(),
                },
                charging_meta_data: Some(ChargingMetaData {
                    on_behalf_of: Some(self.config.service_id.clone()),
                    service_id: Some(self.config.service_id.clone()),
                    purchase_category_code: Some("gift_certificate".to_owned()),
                }),
            },
            reference_code: request.order_id.as_str().to_owned(),
            client_correlator: correlator.clone(),
            transaction_operation_status: operation.status(),
            reference_sequence: None,
            original_server_reference_code: None,
            server_reference_code: None,
            resource_url: None,
        };
        let (segments, body): (Vec<&str>, WriteBody) = match (operation, reservation) {
            (Operation::Reserve, _) => {
                transaction.reference_sequence = Some(1);
                (
                    vec![&end_user, "transactions", "amountReservation"],
                    WriteBody::Reservation(ReservationEnvelope { transaction }),
                )
            }
            (Operation::Charge | Operation::Release, Some(reference)) => {
                transaction.reference_sequence = Some(2);
                (
                    vec![&end_user, "transactions", "amountReservation", reference],
                    WriteBody::Reservation(ReservationEnvelope { transaction }),
                )
            }
            (Operation::Refund { .. }, Some(reference)) => {
                transaction.original_server_reference_code = Some(reference.to_owned());
                (
                    vec![&end_user, "transactions", "amount"],
                    WriteBody::Amount(AmountEnvelope { transaction }),
                )
            }
            (_, None) => {
                return Err(PaymentError::NotSupported(format!(
                    "billing {} needs the reservation reference",
                    operation.name()
                )));
            }
        };
        Ok(Submission {
            operation,
            url: self.url(&segments),
            body,
            correlator,
            end_user,
        })
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

    /// Sends a write, re-sending while nothing reaches the carrier, and settles an unknown
    /// outcome by look-up.
    async fn submit(&self, submission: &Submission<'_>) -> Result<AmountTransaction, PaymentError> {
        let what = submission.operation.name();
        let first = self
            .connect_policy
            .run(what, |_| async {
                match self.post(submission).await {
                    Ok(transaction) => Ok(transaction),
                    Err(failure @ CallFailure::NotSent(_)) => Err(Attempt::Retry(failure)),
                    Err(failure) => Err(Attempt::Stop(failure)),
                }
            })
            .await;
        match first {
            Ok(transaction) => Ok(transaction),
            Err(CallFailure::NotSent(why)) => {
                tracing::warn!(operation = what, %why, "billing unreachable; nothing was sent");
                Err(PaymentError::Unavailable(why))
            }
            Err(CallFailure::Refused(error)) => {
                tracing::info!(operation = what, %error, "billing refused");
                Err(error)
            }
            Err(CallFailure::Uncertain(why)) => {
                tracing::warn!(operation = what, %why, "billing outcome unknown; looking it up");
                self.settle(submission, &why).await
            }
        }
    }

    /// Looks the submission's correlator up until the carrier tells what became of it.
    async fn settle(
        &self,
        submission: &Submission<'_>,
        first_failure: &str,
    ) -> Result<AmountTransaction, PaymentError> {
        let correlator = submission.correlator.as_str();
        let settled = self
            .lookup_policy
            .run("billing look-up", |attempt| async move {
                let found = match self
                    .find(&submission.end_user, ("clientCorrelator", correlator))
                    .await
                {
                    Ok(list) => list
                        .into_iter()
                        .find(|transaction| transaction.client_correlator == correlator),
                    Err(CallFailure::Refused(error)) => {
                        return Err(Attempt::Stop(PaymentError::Unknown(format!(
                            "the look-up was refused: {error}"
                        ))));
                    }
                    Err(CallFailure::NotSent(why) | CallFailure::Uncertain(why)) => {
                        return Err(Attempt::Retry(PaymentError::Unknown(why)));
                    }
                };
                let outcome = match found {
                    Some(transaction) => {
                        tracing::info!(attempt, status = ?transaction.transaction_operation_status, "billing look-up found the transaction");
                        submission.check(transaction)
                    }
                    None => {
                        tracing::info!(attempt, "billing has no such transaction yet; sending it again");
                        self.post(submission).await
                    }
                };
                outcome.map_err(|failure| match failure {
                    CallFailure::Refused(error) => Attempt::Stop(error),
                    CallFailure::NotSent(why) | CallFailure::Uncertain(why) => {
                        Attempt::Retry(PaymentError::Unknown(why))
                    }
                })
            })
            .await;
        settled.map_err(|error| match error {
            PaymentError::Unknown(last) => {
                tracing::error!(correlator, %first_failure, %last, "billing outcome still unknown after look-ups");
                PaymentError::Unknown(format!(
                    "{} {correlator}: {first_failure}; look-ups did not settle it: {last}",
                    submission.operation.name()
                ))
            }
            other => other,
        })
    }

    /// One POST of a write and its answer.
    async fn post(&self, submission: &Submission<'_>) -> Result<AmountTransaction, CallFailure> {
        let body = match &submission.body {
            WriteBody::Reservation(envelope) => serde_json::to_vec(envelope),
            WriteBody::Amount(envelope) => serde_json::to_vec(envelope),
        }
        .map_err(|e| CallFailure::NotSent(format!("cannot encode the request: {e}")))?;
        let answer = self
            .exchange(Method::POST, submission.url.clone(), Some(body), None)
            .await?;
        let transaction = match &submission.body {
            WriteBody::Reservation(_) => {
                parse::<ReservationEnvelope>(&answer, "amountReservationTransaction")
                    .map(|envelope| envelope.transaction)
            }
            WriteBody::Amount(_) => {
                parse::<AmountEnvelope>(&answer, "amountTransaction").map(|e| e.transaction)
            }
        }?;
        submission.check(transaction)
    }

    /// The end user's transactions matching one query parameter.
    async fn find(
        &self,
        end_user: &str,
        filter: (&str, &str),
    ) -> Result<Vec<AmountTransaction>, CallFailure> {
        let url = self.url(&[end_user, "transactions", "amount"]);
        let answer = self.exchange(Method::GET, url, None, Some(filter)).await?;
        parse::<TransactionListEnvelope>(&answer, "paymentTransactionList")
            .map(|envelope| envelope.list.transactions)
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

#[async_trait]
impl PaymentRail for OneApiBilling {
    async fn reserve(&self, request: &PaymentRequest) -> Result<String, PaymentError> {
        let span = call_span("reserve", request);
        async {
            carrier_only(request)?;
            let submission = self.submission(request, Operation::Reserve, request.amount, None)?;
            let transaction = self.submit(&submission).await?;
            let reference = transaction.server_reference_code.unwrap_or_default();
            tracing::info!(%reference, "billing reserved");
            Ok(reference)
        }
        .instrument(span)
        .await
    }

    async fn charge(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        let span = call_span("charge", request);
        async {
            carrier_only(request)?;
            let submission =
                self.submission(request, Operation::Charge, request.amount, Some(reference))?;
            self.submit(&submission).await?;
            tracing::info!(%reference, "billing charged");
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn release(&self, request: &PaymentRequest, reference: &str) -> Result<(), PaymentError> {
        let span = call_span("release", request);
        async {
            carrier_only(request)?;
            let submission =
                self.submission(request, Operation::Release, request.amount, Some(reference))?;
            self.submit(&submission).await?;
            tracing::info!(%reference, "billing released");
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn refund(
        &self,
        request: &PaymentRequest,
        reference: &str,
        amount: Money,
        refund_key: &str,
    ) -> Result<(), PaymentError> {
        let span = call_span("refund", request);
        async {
            carrier_only(request)?;
            let submission = self.submission(
                request,
                Operation::Refund { refund_key },
                amount,
                Some(reference),
            )?;
            self.submit(&submission).await?;
            tracing::info!(%reference, %amount, refund_key, "billing refunded");
            Ok(())
        }
        .instrument(span)
        .await
    }

    async fn status(&self, request: &PaymentRequest) -> Result<RailStatus, PaymentError> {
        let span = call_span("status", request);
        async {
            carrier_only(request)?;
            let end_user = end_user_id(&request.payer);
            let order = request.order_id.as_str();
            let transactions = self
                .lookup_policy
                .run("billing status", |_| async {
                    self.find(&end_user, ("referenceCode", order))
                        .await
                        .map_err(|failure| match failure {
                            CallFailure::NotSent(why) => {
                                Attempt::Retry(PaymentError::Unavailable(why))
                            }
                            CallFailure::Uncertain(why) => {
                                Attempt::Retry(PaymentError::Unknown(why))
                            }
                            CallFailure::Refused(error) => Attempt::Stop(PaymentError::Unknown(
                                format!("the look-up was refused: {error}"),
                            )),
                        })
                })
                .await?;
            let status =
                summarize(&request.order_id, &transactions).map_err(PaymentError::Unknown)?;
            tracing::info!(?status, "billing status");
            Ok(status)
        }
        .instrument(span)
        .await
    }
}

/// A write call ready to send.
struct Submission<'a> {
    operation: Operation<'a>,
    url: Url,
    body: WriteBody,
    correlator: String,
    end_user: String,
}

/// The envelope a write is sent (and answered) in.
enum WriteBody {
    Reservation(ReservationEnvelope),
    Amount(AmountEnvelope),
}

impl Submission<'_> {
    /// Whether `transaction` (an answer, or a look-up's find) is this call done.
    fn check(&self, transaction: AmountTransaction) -> Result<AmountTransaction, CallFailure> {
        if transaction.client_correlator != self.correlator {
            return Err(CallFailure::Uncertain(format!(
                "billing answered for clientCorrelator {:?}, not {:?}",
                transaction.client_correlator, self.correlator
            )));
        }
        let status = transaction.transaction_operation_status;
        if status == TransactionOperationStatus::Denied {
            return Err(CallFailure::Refused(PaymentError::Declined {
                reason: REASON_DECLINED.to_owned(),
                detail: format!("{} denied by the carrier", self.operation.name()),
            }));
        }
        if status != self.operation.status() {
            return Err(CallFailure::Uncertain(format!(
                "billing answered {status:?} to a {} request",
                self.operation.name()
            )));
        }
        if self.operation == Operation::Reserve && transaction.server_reference_code.is_none() {
            return Err(CallFailure::Uncertain(
                "billing reserved without a serverReferenceCode".to_owned(),
            ));
        }
        Ok(transaction)
    }
}

fn call_span(operation: &'static str, request: &PaymentRequest) -> tracing::Span {
    tracing::info_span!(
        "billing",
        operation,
        order_id = %request.order_id,
        payer = %request.payer.masked(),
        amount = %request.amount,
    )
}

fn carrier_only(request: &PaymentRequest) -> Result<(), PaymentError> {
    match request.settlement {
        Settlement::Carrier => Ok(()),
        ref other => Err(PaymentError::NotSupported(format!(
            "carrier billing cannot settle a {} payment",
            other.method()
        ))),
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

/// What a non-2xx answer means.
fn classify_refusal(status: StatusCode, body: &[u8]) -> CallFailure {
    let oneapi = serde_json::from_slice::<RequestErrorEnvelope>(body).ok();
    let detail = oneapi
        .as_ref()
        .map(|envelope| envelope.error.describe())
        .unwrap_or_else(|| snippet(body));
    if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        return CallFailure::Uncertain(format!("billing answered HTTP {status}: {detail}"));
    }
    match oneapi {
        Some(envelope) if status.is_client_error() && envelope.error.is_refund_not_allowed() => {
            CallFailure::Refused(PaymentError::NotSupported(detail))
        }
        Some(envelope) if status.is_client_error() => {
            let reason = if envelope.error.is_decline() {
                REASON_DECLINED
            } else {
                REASON_REJECTED
            };
            CallFailure::Refused(PaymentError::Declined {
                reason: reason.to_owned(),
                detail,
            })
        }
        _ => CallFailure::Refused(PaymentError::Unavailable(format!(
            "billing answered HTTP {status} without a OneAPI requestError \
             (is the billing base URL right?): {detail}"
        ))),
    }
}

fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, CallFailure> {
    serde_json::from_slice(body).map_err(|e| {
        CallFailure::Uncertain(format!(
            "billing's answer is not a OneAPI {what} ({e}); it starts {}",
            snippet(body)
        ))
    })
}

/// Where an order's payment stands, from all the transactions carrying its reference code.
fn summarize(order: &OrderId, transactions: &[AmountTransaction]) -> Result<RailStatus, String> {
    let ours: Vec<&AmountTransaction> = transactions
        .iter()
        .filter(|t| t.reference_code == order.as_str())
        .collect();
    let with = |status: TransactionOperationStatus| {
        ours.iter()
            .copied()
            .filter(move |t| t.transaction_operation_status == status)
    };
    let refunds: Vec<&AmountTransaction> = with(TransactionOperationStatus::Refunded).collect();
    if let Some(first) = refunds.first() {
        let currency = Currency::parse(&first.payment_amount.charging_information.currency)
            .map_err(|e| format!("refund in an unknown currency: {e}"))?;
        let total = refunds
            .iter()
            .map(|t| t.payment_amount.charging_information.amount)
            .try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount))
            .ok_or_else(|| "refunded total out of range".to_owned())?;
        let amount = Money::new(total, currency).map_err(|e| format!("refunded total: {e}"))?;
        let reference = first
            .original_server_reference_code
            .clone()
            .unwrap_or_default();
        return Ok(RailStatus::Refunded { reference, amount });
    }
    let reference_of = |t: &AmountTransaction| t.server_reference_code.clone().unwrap_or_default();
    if let Some(charge) = with(TransactionOperationStatus::Charged).next() {
        return Ok(RailStatus::Charged {
            reference: reference_of(charge),
        });
    }
    if with(TransactionOperationStatus::Released).next().is_some() {
        return Ok(RailStatus::Released);
    }
    if let Some(reservation) = with(TransactionOperationStatus::Reserved).next() {
        return Ok(RailStatus::Reserved {
            reference: reference_of(reservation),
        });
    }
    if with(TransactionOperationStatus::Denied).next().is_some() {
        return Ok(RailStatus::Declined {
            reason: REASON_DECLINED.to_owned(),
        });
    }
    Ok(RailStatus::NotFound)
}

/// The start of a body, for error messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(120).collect();
    if text.chars().count() > 120 {
        cut.push('…');
    }
    format!("{cut:?}")
}

/// An error and its sources, `a: b: c`.
fn chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
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

    #[test]
    fn policy_exceptions_are_declines_and_5xx_is_uncertain() {
        let decline = br#"{"requestError":{"policyException":{"messageId":"POL1000","text":"User has insufficient credit for transaction"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::BAD_REQUEST, decline),
            CallFailure::Refused(PaymentError::Declined { ref reason, .. }) if reason == REASON_DECLINED
        ));
        let invalid = br#"{"requestError":{"serviceException":{"messageId":"SVC0002","text":"Invalid input"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::BAD_REQUEST, invalid),
            CallFailure::Refused(PaymentError::Declined { ref reason, .. }) if reason == REASON_REJECTED
        ));
        assert!(matches!(
            classify_refusal(StatusCode::INTERNAL_SERVER_ERROR, decline),
            CallFailure::Uncertain(_)
        ));
        assert!(matches!(
            classify_refusal(StatusCode::NOT_FOUND, b"<html>nope</html>"),
            CallFailure::Refused(PaymentError::Unavailable(_))
        ));
    }

    #[test]
    fn a_refund_the_carrier_will_not_make_is_not_supported() {
        let closed = br#"{"requestError":{"policyException":{"messageId":"POL0254","text":"Refund not allowed: the billing month of the charge has closed"}}}"#;
        assert!(matches!(
            classify_refusal(StatusCode::FORBIDDEN, closed),
            CallFailure::Refused(PaymentError::NotSupported(ref detail)) if detail.contains("month")
        ));
    }
}
