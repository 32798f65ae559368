//! The simulator's HTTP side (actix-web): handset inboxes, MO injection, faults, stats.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Deserialize;

use super::{FaultConfig, SimError, SimState};

/// Body of `POST /mo`.
#[derive(Debug, Deserialize)]
struct MoRequest {
    from: String,
    to: String,
    text: String,
}

async fn inbox(state: web::Data<Arc<SimState>>, msisdn: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().json(state.inbox().messages(&msisdn))
}

async fn inject_mo(state: web::Data<Arc<SimState>>, body: web::Json<MoRequest>) -> HttpResponse {
    match state.inject_mo(&body.from, &body.to, &body.text).await {
        Ok(()) => HttpResponse::Accepted().finish(),
        Err(err) => HttpResponse::BadRequest()
            .json(serde_json::json!({"error": "invalid_mo", "detail": err.to_string()})),
    }
}

async fn set_faults(state: web::Data<Arc<SimState>>, body: web::Json<FaultConfig>) -> HttpResponse {
    state.set_faults(body.into_inner());
    HttpResponse::NoContent().finish()
}

async fn stats(state: web::Data<Arc<SimState>>) -> HttpResponse {
    HttpResponse::Ok().json(state.stats())
}

/// Binds `addr` and spawns the server; returns the bound address and a stop handle.
pub(super) fn start(
    state: Arc<SimState>,
    addr: SocketAddr,
) -> Result<(SocketAddr, ServerHandle), SimError> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/handsets/{msisdn}/inbox", web::get().to(inbox))
            .route("/mo", web::post().to(inject_mo))
            .route("/faults", web::put().to(set_faults))
            .route("/stats", web::get().to(stats))
    })
    .workers(1)
    .disable_signals()
    .bind(addr)?;
    let bound = server.addrs().first().copied().unwrap_or(addr);
    let running = server.run();
    let handle = running.handle();
    tokio::spawn(running);
    Ok((bound, handle))
}
