//! One keyed write to the PSP and the look-ups that settle it when its outcome is unknown
//! (timeout, 5xx, 409, an answer that cannot be read): the order's payments are fetched on
//! the [`LookupSchedule`](crate::retry::LookupSchedule) until they show what happened.

use giftgate_actors::ports::{PaymentError, PaymentRequest};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{PspClient, PspError, encode_query};
use crate::retry::{self, Lookup};
use crate::wire::{Payment, PaymentList};

impl PspClient {
    /// `GET /v1/payments?reference=…`: the PSP's payments of an order.
    pub(super) async fn payments_of(&self, order_id: &str) -> Result<Vec<Payment>, PspError> {
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
    pub(super) async fn write<A: DeserializeOwned, T, B: Serialize + Sync>(
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
pub(super) struct WriteCall<'a, B> {
    pub(super) operation: &'static str,
    pub(super) path: String,
    pub(super) idempotency_key: String,
    pub(super) body: &'a B,
}
