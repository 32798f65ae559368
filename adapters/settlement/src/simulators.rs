//! The simulators' settlement records over HTTP: the billing simulator's
//! `GET /sim/transactions?date=D` and the payment simulator's `GET /sim/payments?date=D`,
//! turned into [`SettlementRecord`]s of that day.

use chrono::NaiveDate;
use giftgate_actors::domain::{Money, Rail, SettlementKind, SettlementRecord};
use giftgate_billing::SimTransaction;
use giftgate_billing::wire::TransactionOperationStatus;
use giftgate_psp::SimPayment;

use super::csv_file::refund_key;

/// Why a simulator's records could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SimRecordsError {
    /// The rail URL does not parse.
    #[error("rail URL {0:?} is not a URL")]
    Url(String),
    /// The request failed or the answer was not the records.
    #[error("reading {url}: {source}")]
    Http {
        /// The records URL.
        url: String,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// A record holds an amount its currency cannot have.
    #[error("record of {order_id}: {detail}")]
    Amount {
        /// The order.
        order_id: String,
        /// Why.
        detail: String,
    },
}

/// The records route of a simulator whose API is at `rail_url`: `path` on the same host.
fn records_url(rail_url: &str, path: &str, day: NaiveDate) -> Result<String, SimRecordsError> {
    let mut url =
        reqwest::Url::parse(rail_url).map_err(|_| SimRecordsError::Url(rail_url.to_owned()))?;
    url.set_path(path);
    url.set_query(Some(&format!("date={day}")));
    Ok(url.to_string())
}

async fn fetch<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> Result<T, SimRecordsError> {
    let http = |source| SimRecordsError::Http {
        url: url.to_owned(),
        source,
    };
    client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(http)?
        .json()
        .await
        .map_err(http)
}

/// The carrier charges and refunds of `day` at the billing simulator of
/// `GIFTGATE_BILLING_URL`.
pub async fn billing(
    client: &reqwest::Client,
    billing_url: &str,
    day: NaiveDate,
) -> Result<Vec<SettlementRecord>, SimRecordsError> {
    let url = records_url(billing_url, "/sim/transactions", day)?;
    let transactions: Vec<SimTransaction> = fetch(client, &url).await?;
    transactions
        .into_iter()
        .filter(|t| t.created_at.date_naive() == day)
        .filter_map(|t| billing_record(t).transpose())
        .collect()
}

fn billing_record(t: SimTransaction) -> Result<Option<SettlementRecord>, SimRecordsError> {
    let (kind, refund_key, rail_reference) = match t.status {
        TransactionOperationStatus::Charged => (
            SettlementKind::Charge,
            String::new(),
            t.server_reference_code,
        ),
        TransactionOperationStatus::Refunded => (
            SettlementKind::Refund,
            refund_key(&t.reference_code, &t.client_correlator),
            t.original_server_reference_code
                .unwrap_or(t.server_reference_code),
        ),
        _ => return Ok(None),
    };
    Ok(Some(SettlementRecord {
        rail: Rail::Carrier,
        kind,
        amount: money(&t.reference_code, t.amount, &t.currency)?,
        order_id: t.reference_code,
        refund_key,
        rail_reference: Some(rail_reference),
        payer: t.end_user_id.strip_prefix("tel:").map(str::to_owned),
        at: t.created_at,
    }))
}

/// The captures and refunds of `day` at the payment simulator of `GIFTGATE_PSP_URL`.
pub async fn psp(
    client: &reqwest::Client,
    psp_url: &str,
    day: NaiveDate,
) -> Result<Vec<SettlementRecord>, SimRecordsError> {
    #[derive(serde::Deserialize)]
    struct Listed {
        data: Vec<SimPayment>,
    }
    let url = records_url(psp_url, "/sim/payments", day)?;
    let listed: Listed = fetch(client, &url).await?;
    let mut records = Vec::new();
    for payment in listed.data {
        let currency = payment.currency.code();
        if let Some(at) = payment.captured_at.filter(|at| at.date_naive() == day) {
            records.push(SettlementRecord {
                rail: Rail::Psp,
                kind: SettlementKind::Charge,
                order_id: payment.reference.clone(),
                refund_key: String::new(),
                amount: money(&payment.reference, payment.captured_amount, currency)?,
                rail_reference: Some(payment.id.clone()),
                payer: payment.buyer_tel.clone(),
                at,
            });
        }
        for refund in payment
            .refunds
            .iter()
            .filter(|r| r.created_at.date_naive() == day)
        {
            records.push(SettlementRecord {
                rail: Rail::Psp,
                kind: SettlementKind::Refund,
                order_id: payment.reference.clone(),
                refund_key: refund.reference.clone(),
                amount: money(&payment.reference, refund.amount, currency)?,
                rail_reference: Some(payment.id.clone()),
                payer: payment.buyer_tel.clone(),
                at: refund.created_at,
            });
        }
    }
    Ok(records)
}

fn money(
    order_id: &str,
    amount: rust_decimal::Decimal,
    currency: &str,
) -> Result<Money, SimRecordsError> {
    let error = |detail: String| SimRecordsError::Amount {
        order_id: order_id.to_owned(),
        detail,
    };
    let currency =
        giftgate_actors::domain::Currency::parse(currency).map_err(|e| error(e.to_string()))?;
    Money::new(amount, currency).map_err(|e| error(e.to_string()))
}
