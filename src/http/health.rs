//! Liveness, readiness and Prometheus metrics.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "ok")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Readiness: the database answers (and the broker and SMSC binds, where configured).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, description = "not ready, with the failing checks")))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let mut checks = serde_json::Map::new();
    let mut ready = true;
    match state.ledger.ping_store().await {
        Ok(()) => {
            checks.insert("database".into(), json!("ok"));
        }
        Err(error) => {
            ready = false;
            checks.insert("database".into(), json!(error.to_string()));
        }
    }
    for probe in &state.probes {
        match probe.check().await {
            Ok(()) => {
                checks.insert(probe.name().into(), json!("ok"));
            }
            Err(why) => {
                ready = false;
                checks.insert(probe.name().into(), json!(why));
            }
        }
    }
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "checks": checks,
        "simulated_rails": state.simulated_rails,
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
