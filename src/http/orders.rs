//! `POST /v1/orders` and `GET /v1/orders/{order_id}` (CONTRACT.md §2, §4).

use actix_web::{HttpRequest, HttpResponse, web};
use giftgate_actors::actors::{Dispatch, SessionCommand, SessionReply};
use giftgate_actors::domain::{Order, OrderId, OrderKind, OrderRecord};
use giftgate_actors::service::orders::OrderMeta;
use serde_json::{Value, json};

use super::error::ApiError;
use super::scopes::Scope;
use super::state::AppState;

/// The JSON view of an order.
pub fn order_view(record: &OrderRecord) -> Value {
    let mut view = json!({
        "order_id": record.order_id.as_str(),
        "type": record.order_type,
        "msisdn": record.msisdn.as_str(),
        "status": record.status.as_str(),
        "created_at": record.created_at,
    });
    if let Some(reason) = &record.reason {
        view["reason"] = json!(reason);
    }
    if let Some(detail) = &record.detail {
        view["detail"] = json!(detail);
    }
    if let Some(outcome) = &record.outcome {
        view["outcome"] = outcome.clone();
    }
    view
}

/// Submit an order; 202 with its status (the outcome when it finished in time).
#[utoipa::path(post, path = "/v1/orders", tag = "orders",
    request_body(content = Object, description = "An order (CONTRACT.md §2)"),
    responses((status = 202, description = "Accepted: {order_id, status, …}"),
               (status = 400, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn submit_order(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    let order = Order::from_json(&body, state.ledger.region())?;
    // Bad input changes nothing: a purchase of an unknown product, or extras that are not
    // in the contents database, are refused here, before anything is recorded.
    check_references(&state, &order).await?;
    let order_id = order.order_id.clone();
    let dispatch = Dispatch {
        msisdn: order.msisdn.clone(),
        command: SessionCommand::Order {
            order,
            meta: OrderMeta::default(),
        },
    };
    let answer = tokio::time::timeout(state.order_wait, state.registry.send(dispatch)).await;
    let view = match answer {
        Ok(Ok(Ok(SessionReply::Order(record)))) => order_view(record.as_ref()),
        Ok(Ok(Err(error))) => {
            tracing::warn!(%order_id, %error, "order pending");
            json!({ "order_id": order_id.as_str(), "status": "pending" })
        }
        Ok(Ok(Ok(SessionReply::Done(_)))) | Ok(Err(_)) | Err(_) => {
            json!({ "order_id": order_id.as_str(), "status": "pending" })
        }
    };
    metrics::counter!("giftgate_orders_total", "channel" => "http").increment(1);
    Ok(HttpResponse::Accepted().json(view))
}

async fn check_references(state: &AppState, order: &Order) -> Result<(), ApiError> {
    let spec = match &order.kind {
        OrderKind::Purchase(purchase) => {
            let product_id = &purchase.product_id;
            if state.ledger.product(product_id).await?.is_none() {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::NOT_FOUND,
                    "unknown_product",
                    format!("no product {product_id}"),
                ));
            }
            purchase.gift.as_ref()
        }
        OrderKind::Gift(gift) => Some(&gift.spec),
        _ => None,
    };
    for extra in spec.map(|s| s.extras.as_slice()).unwrap_or_default() {
        if state.ledger.resolve_content(extra).await?.is_none() {
            return Err(ApiError::new(
                actix_web::http::StatusCode::NOT_FOUND,
                "unknown_content",
                format!("no content {extra}"),
            ));
        }
    }
    Ok(())
}

/// An order's status and outcome.
#[utoipa::path(get, path = "/v1/orders/{order_id}", tag = "orders",
    params(("order_id" = String, Path)),
    responses((status = 200, description = "pending / completed / failed with outcome and reason"),
              (status = 404, body = super::error::ErrorBody)),
    security(("channel_key" = [])))]
pub async fn get_order(
    request: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.keys.channel(&request, Scope::Orders).await?;
    let order_id = OrderId::parse(&path)
        .map_err(|e| ApiError::bad_request("invalid_order_id", e.to_string()))?;
    let record = state
        .ledger
        .find_order(&order_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no order {order_id}")))?;
    Ok(HttpResponse::Ok().json(order_view(&record)))
}
