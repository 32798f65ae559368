//! The core's [`PaymentRail`] on carrier billing: each call checks the order is carrier
//! settled, builds its submission, sends it, and logs what became of it in the order's span.

use async_trait::async_trait;
use giftgate_actors::domain::{Money, Settlement};
use giftgate_actors::ports::{PaymentError, PaymentRail, PaymentRequest, RailStatus};
use tracing::Instrument;

use super::OneApiBilling;
use super::status::summarize;
use crate::correlator::{Operation, end_user_id};
use crate::error::CallFailure;
use crate::retry::Attempt;

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
