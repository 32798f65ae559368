//! Delivery reports from the MMSC (MM7 `DeliveryReportReq`), posted to
//! `POST /mm7/delivery-reports`: the message's state moves and `message.delivered` /
//! `message.failed` is published; the MMSC gets its `DeliveryReportRsp`. The HTTP route
//! is the composition root's (`giftgate::http::mm7`); what a report does is here.

use chrono::Utc;
use giftgate_actors::domain::{Event, EventType, MessageRecord, MessageState, OutboxMessage};
use giftgate_actors::ports::{Changes, Store, StoreError};
use giftgate_mms::{MmsDeliveryStatus, delivery_report_response, parse_delivery_report};

/// Why a delivery report was not applied. Exhaustive: the HTTP route answers each.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The body is not an MM7 `DeliveryReportReq` (answered 400
    /// `malformed_delivery_report`).
    #[error(transparent)]
    Malformed(giftgate_mms::Mm7Error),
    /// The store failed reading or settling the message.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Applies one delivery report (the body as posted, with its `Content-Type`) and answers
/// the `DeliveryReportRsp` XML for the MMSC.
pub async fn apply_delivery_report(
    store: &dyn Store,
    body: &[u8],
    content_type: &str,
) -> Result<String, ReportError> {
    let report = parse_delivery_report(body, content_type).map_err(ReportError::Malformed)?;
    let message = store
        .message_by_provider_id("mms", &report.message_id)
        .await?;
    if let Some(message) = message.filter(|m| !m.state.is_final()) {
        let settled = match report.status {
            MmsDeliveryStatus::Retrieved | MmsDeliveryStatus::Forwarded => {
                Some((MessageState::Delivered, EventType::MessageDelivered))
            }
            MmsDeliveryStatus::Expired => Some((MessageState::Expired, EventType::MessageFailed)),
            MmsDeliveryStatus::Rejected | MmsDeliveryStatus::Unrecognised => {
                Some((MessageState::Failed, EventType::MessageFailed))
            }
            _ => None,
        };
        if let Some((state_now, event_type)) = settled {
            let now = Utc::now();
            let mut event = Event::new(event_type, now).with_reason(
                &format!("{:?}", report.status).to_lowercase(),
                &message.message_id,
            );
            event.msisdn = Some(message.recipient.clone());
            let changes = Changes {
                messages: vec![MessageRecord {
                    state: state_now,
                    detail: report.status_text.clone(),
                    updated_at: now,
                    ..message
                }],
                outbox: vec![OutboxMessage::event(event)],
                ..Changes::default()
            };
            store.commit(changes).await?;
        }
    } else {
        tracing::info!(mmsc_message_id = %report.message_id, "delivery report for an unknown or settled message");
    }
    Ok(delivery_report_response(
        &report.transaction_id,
        report.version,
    ))
}
