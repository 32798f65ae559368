//! The HTTP API (actix-web, CONTRACT.md §4): routes, keys, JSON errors, health and metrics.

pub mod admin;
pub mod admin_keys;
pub mod catalog;
pub mod certificate_keys;
pub mod contents;
pub mod error;
pub mod health;
pub mod keys;
pub mod mm7;
pub mod openapi;
pub mod orders;
pub mod redemptions;
pub mod refund_account;
pub mod scopes;
pub mod site_texts;
pub mod state;
pub mod subscribers;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

pub use state::{AppState, ReadinessProbe};

/// Mounts every route.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .app_data(error::json_config())
        .app_data(error::path_config())
        .app_data(error::query_config())
        .app_data(contents::multipart_config())
        .route(
            "/mm7/delivery-reports",
            web::post().to(mm7::delivery_report),
        )
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/openapi.json", web::get().to(openapi::openapi_json))
        .service(
            web::scope("/v1")
                .route("/orders", web::post().to(orders::submit_order))
                .route("/orders/{order_id}", web::get().to(orders::get_order))
                .route("/products", web::get().to(catalog::products))
                .route("/contents", web::get().to(contents::list))
                .route("/admin/contents", web::post().to(contents::upload))
                .route(
                    "/certificates/{code}/barcode.png",
                    web::get().to(contents::barcode_png),
                )
                .route(
                    "/certificates/{code}/barcode.svg",
                    web::get().to(contents::barcode_svg),
                )
                .route(
                    "/subscribers/{msisdn}/certificates",
                    web::get().to(subscribers::certificates),
                )
                .route(
                    "/subscribers/{msisdn}/gifts",
                    web::get().to(subscribers::gifts),
                )
                .route(
                    "/subscribers/{msisdn}/history",
                    web::get().to(subscribers::history),
                )
                .route(
                    "/subscribers/{msisdn}/refund-account",
                    web::post().to(refund_account::put_refund_account),
                )
                .route("/gifts/{gift_id}", web::get().to(subscribers::gift))
                .route(
                    "/gifts/{gift_id}",
                    web::delete().to(subscribers::cancel_gift),
                )
                .route(
                    "/gifts/{gift_id}/confirm",
                    web::post().to(subscribers::confirm_gift),
                )
                .route("/redemptions", web::post().to(redemptions::redeem))
                .route(
                    "/redemptions/{redemption_id}/void",
                    web::post().to(redemptions::void),
                )
                .route("/certificates/{code}", web::get().to(redemptions::balance))
                .route(
                    "/certificates/{code}/extend",
                    web::post().to(subscribers::extend),
                )
                .route(
                    "/certificates/{code}/pin",
                    web::post().to(certificate_keys::renew_pin),
                )
                .route(
                    "/certificates/{code}/block",
                    web::post().to(certificate_keys::block),
                )
                .route(
                    "/certificates/{code}/unblock",
                    web::post().to(certificate_keys::unblock),
                )
                .route("/admin/merchants", web::post().to(admin::create_merchant))
                .route("/admin/channels", web::post().to(admin::create_channel))
                .route(
                    "/admin/{holders:merchants|channels}/{holder_id}/rotate",
                    web::post().to(admin_keys::rotate),
                )
                .route(
                    "/admin/{holders:merchants|channels}/{holder_id}/revoke",
                    web::post().to(admin_keys::revoke),
                )
                .route(
                    "/admin/products/{product_id}",
                    web::put().to(admin::put_product),
                )
                .route(
                    "/admin/site-texts/{topic}",
                    web::put().to(site_texts::put_site_text),
                )
                .route(
                    "/admin/subscribers/{msisdn}/handset",
                    web::put().to(admin::put_handset),
                ),
        )
        .configure(crate::web::routes)
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(error::ApiError::not_found("no such route"))
        }));
}

/// Counts requests and their latency per route pattern and status.
pub async fn request_metrics(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().to_string();
    let response = next.call(request).await?;
    let status = response.status().as_u16().to_string();
    metrics::counter!("giftgate_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status).increment(1);
    metrics::histogram!("giftgate_http_request_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}
