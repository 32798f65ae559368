//! Orders placed from the pages: through the subscriber's session actor, like every
//! other channel's, waiting up to the API's order wait for the outcome.

use actix_web::{HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionReply};
use giftgate_actors::domain::{Order, OrderId, OrderRecord, OrderStatus};
use giftgate_actors::service::orders::OrderMeta;
use maud::html;

use super::signed_in::Visitor;
use crate::http::AppState;
use crate::http::error::ApiError;

/// Places `order`: its record once it finished, `None` while it is still pending.
pub async fn place(state: &AppState, order: Order) -> Option<OrderRecord> {
    let dispatch = Dispatch {
        msisdn: order.msisdn.clone(),
        command: SessionCommand::Order {
            order,
            meta: OrderMeta::default(),
        },
    };
    match tokio::time::timeout(state.order_wait, state.registry.send(dispatch)).await {
        Ok(Ok(Ok(SessionReply::Order(record)))) if record.status != OrderStatus::Pending => {
            Some(*record)
        }
        _ => None,
    }
}

/// A fresh order id for a form, so that posting it twice places one order.
pub fn fresh_order_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::now_v7().simple())
}

/// `GET /orders/{order_id}`: one of the visitor's orders (refreshing itself while it is
/// pending).
pub async fn show(
    visitor: Visitor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let record = match OrderId::parse(&path) {
        Ok(id) => state.ledger.find_order(&id).await?,
        Err(_) => None,
    };
    match record.filter(|r| r.msisdn == visitor.msisdn) {
        Some(record) => Ok(outcome_page(&visitor, &record)),
        None => Ok(super::layout::not_found(visitor.context)),
    }
}

/// The page of an order's outcome: done, refused (with the reason in words), or still
/// being processed.
pub fn outcome_page(visitor: &Visitor, record: &OrderRecord) -> HttpResponse {
    let t = visitor.texts();
    let language = visitor.context.language;
    let body = match record.status {
        OrderStatus::Completed => html! {
            p.notice role="status" { (t.order_done) }
            p { a.button href="/wallet" { (t.wallet) } }
        },
        OrderStatus::Failed => {
            let reason = record.reason.as_deref().unwrap_or("failed");
            html! {
                p.notice role="alert" {
                    (giftgate_actors::domain::refusal_code::refusal_text_or_general(reason, language))
                }
                p { a href="/home" { (t.home) } }
            }
        }
        _ => html! {
            p.notice role="status" { (t.order_pending) }
            p { a.button href={ "/orders/" (record.order_id.as_str()) } { (t.refresh) } }
        },
    };
    visitor.page(t.order_title, body)
}

/// The outcome of an order placed from a form: its page, or the pending page.
pub fn placed_page(visitor: &Visitor, order_id: &str, record: Option<OrderRecord>) -> HttpResponse {
    match record {
        Some(record) => outcome_page(visitor, &record),
        None => super::signed_in::see_other(&format!("/orders/{order_id}")),
    }
}
