//! Carrier points: refunds credited to the subscriber's points (membership) account at
//! the carrier — `POST {base}/{endUserId}/points` with a `clientCorrelator` (a replay
//! answers the first credit), `GET {base}/{endUserId}/points?clientCorrelator=…` to
//! settle an ambiguous answer. Not part of OneAPI Payment; the carrier's own API.

use async_trait::async_trait;
use giftgate_actors::ports::{PaymentError, PointsCredit, PointsRail};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::OneApiBilling;
use crate::correlator::end_user_id;

/// A points credit as sent and as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsCreditWire {
    /// Idempotency key.
    pub client_correlator: String,
    /// Whose account (`tel:+…`).
    #[serde(default)]
    pub end_user_id: String,
    /// Amount, as a decimal string.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// The statement line (certificate code).
    pub reference: String,
}

/// `GET …/points`: the credits found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PointsCreditList {
    /// The credits.
    pub credits: Vec<PointsCreditWire>,
}

#[async_trait]
impl PointsRail for OneApiBilling {
    async fn credit_points(&self, credit: &PointsCredit) -> Result<(), PaymentError> {
        let end_user = end_user_id(&credit.msisdn);
        let url = self.url(&[&end_user, "points"]);
        let body = PointsCreditWire {
            client_correlator: credit.key.clone(),
            end_user_id: end_user.clone(),
            amount: credit.amount.amount(),
            currency: credit.amount.currency().code().to_owned(),
            reference: credit.reference.clone(),
        };
        let cause = match self.http.post(url.clone()).json(&body).send().await {
            Err(error) if error.is_connect() => {
                return Err(PaymentError::Unavailable(format!(
                    "carrier points: {error}"
                )));
            }
            Err(error) => format!("carrier points: {error}"),
            Ok(answer) if answer.status().is_success() => return Ok(()),
            Ok(answer) if answer.status().is_client_error() => {
                let status = answer.status();
                let text = answer.text().await.unwrap_or_default();
                return Err(PaymentError::Declined {
                    reason: "points_refused".to_owned(),
                    detail: format!("carrier points answered {status}: {text}"),
                });
            }
            Ok(answer) => format!("carrier points answered {}", answer.status()),
        };
        tracing::warn!(reference = %credit.reference, %cause, "points credit unknown; looking it up");
        let mut look_up = url;
        look_up
            .query_pairs_mut()
            .append_pair("clientCorrelator", &credit.key);
        let found: PointsCreditList = self
            .http
            .get(look_up)
            .send()
            .await
            .map_err(|e| PaymentError::Unknown(format!("{cause}; look-up failed: {e}")))?
            .json()
            .await
            .map_err(|e| PaymentError::Unknown(format!("{cause}; look-up unreadable: {e}")))?;
        if found
            .credits
            .iter()
            .any(|c| c.client_correlator == credit.key)
        {
            Ok(())
        } else {
            Err(PaymentError::Unknown(format!(
                "{cause}; the look-up shows no credit yet"
            )))
        }
    }
}
