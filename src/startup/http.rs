//! The HTTP API's server: its listener, bound before anything else so that links in
//! messages name the port really listened on, and the actix-web server over
//! [`AppState`].

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix::Addr;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use giftgate_actors::actors::SessionRegistry;
use giftgate_actors::service::Ledger;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::config::Settings;
use crate::http::keys::KeyRing;
use crate::http::{AppState, ReadinessProbe};

/// Binds `GIFTGATE_HTTP_ADDR` (also `…:0`); with no `GIFTGATE_PUBLIC_URL` the public URL
/// becomes `http://` + the address bound.
pub(super) fn bind(settings: &mut Settings) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(settings.http_socket_addr().context("GIFTGATE_HTTP_ADDR")?)
        .with_context(|| format!("binding {}", settings.http_addr))?;
    let bound = listener
        .local_addr()
        .context("the HTTP listener's address")?;
    if settings
        .public_url
        .as_deref()
        .is_none_or(|url| url.trim().is_empty())
    {
        settings.public_url = Some(format!("http://{bound}"));
    }
    Ok(listener)
}

/// What the handlers share.
pub(super) fn app_state(
    settings: &Settings,
    ledger: &Arc<Ledger>,
    registry: &Addr<SessionRegistry>,
    metrics: PrometheusHandle,
    probes: Vec<Arc<dyn ReadinessProbe>>,
) -> AppState {
    AppState {
        ledger: Arc::clone(ledger),
        registry: registry.clone(),
        keys: KeyRing::new(Arc::clone(ledger.store()), settings.admin_token.clone()),
        metrics,
        probes,
        order_wait: Duration::from_secs(10),
        content_max_bytes: settings.content_max_bytes,
        simulated_rails: crate::rails::simulated_rails(settings)
            .iter()
            .map(|rail| rail.name)
            .collect(),
    }
}

/// The API server on `listener` and the address it serves; it runs once the returned
/// function is called (after the MMS side, which needs the address, has started).
pub(super) fn server(
    state: AppState,
    listener: TcpListener,
    workers: usize,
) -> anyhow::Result<(impl FnOnce() -> Server, SocketAddr)> {
    let bound = listener
        .local_addr()
        .context("the HTTP listener's address")?;
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(from_fn(crate::http::request_metrics))
            .configure(crate::http::routes)
    })
    .workers(workers)
    .disable_signals()
    .shutdown_timeout(30)
    .listen(listener)
    .with_context(|| format!("listening on {bound}"))?;
    let http_addr = *server
        .addrs()
        .first()
        .context("the HTTP server bound no address")?;
    Ok((move || server.run(), http_addr))
}
