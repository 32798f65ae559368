//! giftgate's [`PaymentRail`] on the PSP: each port call builds its request body and
//! idempotency key, and names what the answer and a look-up must show for it to be settled.

use async_trait::async_trait;
use giftgate_actors::domain::{Money, Settlement};
use giftgate_actors::ports::{PaymentError, PaymentRail, PaymentRequest, RailStatus};

use super::outcome::{
    authorization_outcome, capture_outcome, current_payment, rail_status, void_outcome,
};
use super::write::WriteCall;
use super::{PspClient, PspError, encode_query};
use crate::wire::{
    AuthorizeRequest, CaptureRequest, Payment, PaymentMethod, PaymentToken, Refund, RefundRequest,
};

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
