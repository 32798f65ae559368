//! Delivery reports: after the configured delay, the simulated MMSC posts a
//! `DeliveryReportReq` for each recipient of an accepted message to the VASP's URL.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::state::SimState;
use crate::mm7::{DeliveryReport, Mm7Version, MmsDeliveryStatus, delivery_report_request};
use giftgate_edge::mask_msisdn;

/// Where and how to send reports.
#[derive(Clone)]
pub(crate) struct ReportSender {
    pub http: reqwest::Client,
    pub url: String,
    pub delay: Duration,
    pub status: MmsDeliveryStatus,
    pub version: Mm7Version,
    pub sender: String,
}

impl ReportSender {
    /// Schedules the report of `message_id` to `recipient` on the current runtime.
    pub(crate) fn schedule(&self, state: Arc<SimState>, message_id: String, recipient: String) {
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(this.delay).await;
            let report = DeliveryReport {
                transaction_id: format!("dr-{}", uuid::Uuid::new_v4().simple()),
                message_id,
                recipient,
                sender: this.sender.clone(),
                status: this.status,
                status_text: None,
                date: Utc::now(),
                version: this.version,
            };
            let delivered = this.post(&report).await;
            state.count_report(delivered);
        });
    }

    async fn post(&self, report: &DeliveryReport) -> bool {
        let result = self
            .http
            .post(&self.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(delivery_report_request(report))
            .send()
            .await;
        match result {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(
                    message_id = %report.message_id,
                    recipient = %mask_msisdn(&report.recipient),
                    "delivery report acknowledged"
                );
                true
            }
            Ok(response) => {
                tracing::warn!(status = %response.status(), url = %self.url, "delivery report refused");
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, url = %self.url, "delivery report not delivered");
                false
            }
        }
    }
}
