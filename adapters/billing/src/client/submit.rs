//! Sending a write: re-sent while nothing reaches the carrier ([`RetryPolicy::connect`]),
//! and, when the outcome is unknown, settled by looking its correlator up
//! ([`RetryPolicy::lookup`]) and re-sending the same correlator while the carrier has no
//! such transaction.
//!
//! [`RetryPolicy::connect`]: crate::retry::RetryPolicy::connect
//! [`RetryPolicy::lookup`]: crate::retry::RetryPolicy::lookup

use giftgate_actors::ports::PaymentError;
use reqwest::Method;

use super::OneApiBilling;
use super::answer::parse;
use super::submission::{Submission, WriteBody};
use crate::error::CallFailure;
use crate::retry::Attempt;
use crate::wire::{
    AmountEnvelope, AmountTransaction, ReservationEnvelope, TransactionListEnvelope,
};

impl OneApiBilling {
    /// Sends a write, re-sending while nothing reaches the carrier, and settles an unknown
    /// outcome by look-up.
    pub(super) async fn submit(
        &self,
        submission: &Submission<'_>,
    ) -> Result<AmountTransaction, PaymentError> {
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
    pub(super) async fn find(
        &self,
        end_user: &str,
        filter: (&str, &str),
    ) -> Result<Vec<AmountTransaction>, CallFailure> {
        let url = self.url(&[end_user, "transactions", "amount"]);
        let answer = self.exchange(Method::GET, url, None, Some(filter)).await?;
        parse::<TransactionListEnvelope>(&answer, "paymentTransactionList")
            .map(|envelope| envelope.list.transactions)
    }
}
