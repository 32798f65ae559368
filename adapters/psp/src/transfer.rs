//! Bank transfers (payouts) through the payment network: the fallback rail for refunds
//! the carrier will not make. `POST /v1/transfers` with an `Idempotency-Key` pays once per
//! key; an ambiguous answer is settled by `GET /v1/transfers?reference=…` before the
//! port answers.

use async_trait::async_trait;
use giftgate_actors::ports::{PaymentError, Payout, PayoutRail};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::{PspClient, encode_query};

/// `POST /v1/transfers`: pay an amount to a bank account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferRequest {
    /// Amount, as a decimal string.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// Bank name or code.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Account holder.
    pub holder: String,
    /// Our reference (statement line and look-up key).
    pub reference: String,
}

/// A transfer as the PSP records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The PSP's id.
    pub id: String,
    /// Amount paid.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// Bank.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Our reference.
    pub reference: String,
    /// The idempotency key it was made with.
    pub idempotency_key: String,
    /// `paid`.
    pub status: String,
}

/// `GET /v1/transfers?reference=…`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferList {
    /// The transfers found.
    pub data: Vec<Transfer>,
}

#[async_trait]
impl PayoutRail for PspClient {
    async fn pay_out(&self, payout: &Payout) -> Result<(), PaymentError> {
        let body = TransferRequest {
            amount: payout.amount.amount(),
            currency: payout.amount.currency().code().to_owned(),
            bank: payout.account.bank.clone(),
            account: payout.account.account.clone(),
            holder: payout.account.holder.clone(),
            reference: payout.reference.clone(),
        };
        let answer = self
            .exchange::<Transfer>(Method::POST, "v1/transfers", Some(&payout.key), Some(&body))
            .await;
        let cause = match answer {
            Ok(transfer) if transfer.status == "paid" => return Ok(()),
            Ok(transfer) => format!("transfer answered status {:?}", transfer.status),
            Err(error) if error.is_ambiguous() => error.to_string(),
            Err(error) => return Err(error.into_payment_error()),
        };
        tracing::warn!(reference = %payout.reference, %cause, "transfer outcome unknown; looking it up");
        let path = format!("v1/transfers?reference={}", encode_query(&payout.reference));
        let found = self
            .exchange::<TransferList>(Method::GET, &path, None, None::<&()>)
            .await
            .map_err(|e| PaymentError::Unknown(format!("{cause}; look-up failed: {e}")))?;
        if found
            .data
            .iter()
            .any(|t| t.idempotency_key == payout.key && t.status == "paid")
        {
            Ok(())
        } else {
            Err(PaymentError::Unknown(format!(
                "{cause}; the look-up shows no transfer yet"
            )))
        }
    }
}
