//! Delivery reports from the MMSC (MM7 `DeliveryReportReq`), posted to
//! `POST /mm7/delivery-reports`: the message's state moves and `message.delivered` /
//! `message.failed` is published; the MMSC gets its `DeliveryReportRsp`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use giftgate_actors::domain::{Event, EventType, MessageRecord, MessageState, OutboxMessage};
use giftgate_actors::ports::Changes;
use giftgate_mms::{MmsDeliveryStatus, delivery_report_response, parse_delivery_report};

use crate::http::AppState;
use crate::http::error::ApiError;

/// Accepts one delivery report.
pub async fn delivery_report(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let content_type = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/xml")
        .to_owned();
    let report = parse_delivery_report(&body, &content_type)
        .map_err(|e| ApiError::bad_request("malformed_delivery_report", e.to_string()))?;
    let store = &state.ledger.store;
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
    Ok(HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(delivery_report_response(
            &report.transaction_id,
            report.version,
        )))
}
