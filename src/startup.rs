//! Builds the gateway from settings: store, payment rails (with the built-in simulators
//! where no URL is configured), the core's actors and the HTTP API. `main` and the tests
//! both start the gateway through [`Gateway::start`]; it must run inside an actix system.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix::{Actor, Addr, Arbiter};
use actix_web::dev::ServerHandle;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use giftgate_actors::actors::periodic::PeriodicJob;
use giftgate_actors::actors::{
    CertificateExpiry, ConfirmationExpiry, GiftExpiry, Recovery, RegistryConfig, SessionRegistry,
};
use giftgate_actors::domain::{Currency, Money, Region};
use giftgate_actors::ports::{Clock, PaymentRail, Store, SystemClock};
use giftgate_actors::service::catalog::seed_sample_catalog;
use giftgate_actors::service::{Ledger, PaymentRails, Policy};
use giftgate_billing::{BillingConfig, BillingSimHandle, BillingSimulator, OneApiBilling};
use giftgate_mms::{Mm7Client, Mm7Config, MmscSimConfig, MmscSimHandle, MmscSimulator};
use giftgate_psp::{PspClient, PspConfig, PspSimHandle, PspSimulator};
use giftgate_smpp::{SmppClient, SmppClientConfig, SmscSimConfig, SmscSimHandle, SmscSimulator};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::config::Settings;
use crate::http::keys::KeyRing;
use crate::http::{AppState, ReadinessProbe};
use crate::secret_key::pin_cipher;
use giftgate_delivery::claims::ClaimBook;
use giftgate_delivery::mms::MmsDispatcher;
use giftgate_delivery::relay::EventLogRelay;
use giftgate_delivery::smpp_events::SmppEventsTask;
use giftgate_delivery::sms::SmsDispatcher;

/// A running gateway.
pub struct Gateway {
    /// Where the HTTP API listens.
    pub http_addr: SocketAddr,
    /// The core's services.
    pub ledger: Arc<Ledger>,
    /// The session registry (orders go here).
    pub registry: Addr<SessionRegistry>,
    /// The in-process billing simulator, when no billing URL was configured.
    pub billing_simulator: Option<BillingSimHandle>,
    /// The in-process payment network simulator, when no PSP URL was configured.
    pub psp_simulator: Option<PspSimHandle>,
    /// The in-process MMSC simulator, when no MM7 URL was configured.
    pub mmsc_simulator: Option<MmscSimHandle>,
    /// The in-process SMSC simulator, when no SMSC URL was configured.
    pub smsc_simulator: Option<SmscSimHandle>,
    /// The SMPP binds.
    pub smpp: SmppClient,
    server: ServerHandle,
    arbiters: Vec<Arbiter>,
    amqp: Option<giftgate_amqp::AmqpHandle>,
    workers: Vec<actix::Recipient<giftgate_actors::actors::Stop>>,
    smpp_events: SmppEventsTask,
    claims: ClaimBook,
}

/// The process-wide Prometheus recorder (installed once, shared by every gateway a test
/// process starts).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests); ours still renders.
            drop(metrics::set_global_recorder(recorder));
            handle
        })
        .clone()
}

/// The deployment policy from settings.
pub fn policy(settings: &Settings) -> anyhow::Result<Policy> {
    let region = Region::parse(&settings.country).context("GIFTGATE_COUNTRY")?;
    let monthly_carrier_cap = (settings.monthly_carrier_cap > 0)
        .then(|| Money::from_minor_units(settings.monthly_carrier_cap, Currency::KRW))
        .transpose()
        .context("GIFTGATE_MONTHLY_CARRIER_CAP")?;
    Ok(Policy {
        region,
        language: settings.language,
        monthly_carrier_cap,
        gift_answer_window: chrono::Duration::days(settings.gift_answer_days.max(1)),
        max_extension_months: settings.max_extension_months,
        expiry_notice_days: settings.expiry_notice_days,
        confirm_window: chrono::Duration::seconds(
            i64::try_from(settings.confirm_secs.max(1)).unwrap_or(i64::MAX),
        ),
        refunds: crate::refund_config::refund_rules(settings)?,
        public_url: Some(settings.public_url()),
        ..Policy::default()
    })
}

/// Opens the configured store (running its migrations) and seeds the sample catalog.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let options = giftgate_store::StoreOptions {
        max_connections: Some(settings.database_max_connections),
        ..giftgate_store::StoreOptions::default()
    };
    let store = giftgate_store::connect_with(&settings.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "opening {}",
                giftgate_store::redact_url(&settings.database_url)
            )
        })?;
    seed_sample_catalog(store.as_ref())
        .await
        .context("seeding the sample catalog")?;
    seed_sample_contents(store.as_ref())
        .await
        .context("seeding the sample contents")?;
    Ok(store)
}

/// Adds the generated sample contents (ringtone, background music, theme card,
/// character) that the contents database does not hold yet.
pub async fn seed_sample_contents(store: &dyn Store) -> anyhow::Result<()> {
    for sample in giftgate_mms::sample_contents() {
        let id = giftgate_actors::domain::ContentId::parse(sample.id)?;
        if store.content(&id).await?.is_none() {
            store
                .upsert_content(&giftgate_actors::domain::ContentItem {
                    id,
                    kind: sample.kind.as_str().to_owned(),
                    title: sample.title.to_owned(),
                    mime: sample.mime.to_owned(),
                    bytes: sample.bytes,
                    created_at: chrono::Utc::now(),
                })
                .await?;
        }
    }
    Ok(())
}

impl Gateway {
    /// Starts everything; answers once the HTTP API listens.
    pub async fn start(mut settings: Settings) -> anyhow::Result<Gateway> {
        let metrics = metrics_handle();
        // Bound first, so links in messages name the port really listened on (also with
        // `GIFTGATE_HTTP_ADDR=…:0`) when no `GIFTGATE_PUBLIC_URL` is set.
        let listener =
            std::net::TcpListener::bind(settings.http_socket_addr().context("GIFTGATE_HTTP_ADDR")?)
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
        let store = open_store(&settings).await?;
        let mut pins = pin_cipher(&settings.database_url, settings.secret_key.as_deref())?;
        if let Some(previous) = &settings.previous_secret_key {
            pins = pins
                .with_previous(previous)
                .context("GIFTGATE_PREVIOUS_SECRET_KEY must be 64 hex digits")?;
        }

        let (billing_url, billing_simulator) = match &settings.billing_url {
            Some(url) => (url.clone(), None),
            None => {
                let simulator = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
                    .await
                    .context("starting the built-in billing simulator")?;
                tracing::info!(url = %simulator.base_url(), "built-in carrier billing simulator");
                (simulator.base_url(), Some(simulator))
            }
        };
        let billing_config = BillingConfig {
            request_timeout: Duration::from_millis(settings.billing_timeout_ms.max(100)),
            ..BillingConfig::new(billing_url)
        };
        let billing = Arc::new(OneApiBilling::new(billing_config).context("billing client")?);
        let carrier: Arc<dyn PaymentRail> = billing.clone();
        let (psp_url, psp_simulator) = match &settings.psp_url {
            Some(url) => (url.clone(), None),
            None => {
                let simulator = PspSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
                    .await
                    .context("starting the built-in payment simulator")?;
                tracing::info!(url = %simulator.base_url(), "built-in payment network simulator");
                (simulator.base_url().to_owned(), Some(simulator))
            }
        };
        let psp = Arc::new(
            PspClient::new(PspConfig {
                request_timeout: Duration::from_millis(settings.psp_timeout_ms.max(100)),
                ..PspConfig::new(psp_url, "giftgate")
            })
            .context("payment network client")?,
        );
        let network: Arc<dyn PaymentRail> = psp.clone();
        let rails = PaymentRails {
            carrier,
            network: Some(network),
        };
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let mut ledger = Ledger::new(Arc::clone(&store), rails, clock, pins, policy(&settings)?)
            .with_payout(psp)
            .with_points(billing);
        if let Some(template) = &settings.content_provider_url {
            let source = giftgate_delivery::content_provider::HttpContentSource::new(
                template,
                settings.content_max_bytes,
            )
            .context("GIFTGATE_CONTENT_PROVIDER_URL")?;
            ledger = ledger.with_content_source(Arc::new(source));
        }
        let ledger = Arc::new(ledger);
        let sealed = ledger
            .seal_plain_refund_accounts()
            .await
            .context("sealing refund account numbers stored plain")?;
        if sealed > 0 {
            tracing::info!(sealed, "refund account numbers sealed at rest");
        }

        let threads = match settings.session_threads {
            0 => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            n => n,
        };
        let arbiters: Vec<Arbiter> = (0..threads).map(|_| Arbiter::new()).collect();
        let registry = SessionRegistry::new(
            Arc::clone(&ledger),
            RegistryConfig {
                idle_after: Duration::from_secs(settings.session_idle_secs.max(1)),
                mailbox_capacity: 64,
                arbiters: arbiters.iter().map(|a| a.handle()).collect(),
            },
        )
        .start();
        let mut workers: Vec<actix::Recipient<giftgate_actors::actors::Stop>> = vec![
            GiftExpiry::new(
                Arc::clone(&ledger),
                registry.clone(),
                Duration::from_secs(30),
            )
            .start()
            .recipient(),
            ConfirmationExpiry::new(
                Arc::clone(&ledger),
                registry.clone(),
                ConfirmationExpiry::interval_for(Duration::from_secs(settings.confirm_secs.max(1))),
            )
            .start()
            .recipient(),
            CertificateExpiry::new(
                Arc::clone(&ledger),
                Duration::from_secs(settings.expiry_interval_secs.max(1)),
            )
            .start()
            .recipient(),
            Recovery::new(
                Arc::clone(&ledger),
                registry.clone(),
                Duration::from_secs(30),
                chrono::Duration::seconds(60),
            )
            .start()
            .recipient(),
        ];
        if settings.amqp_url.is_none() && settings.delivery {
            workers.push(
                EventLogRelay::new(Arc::clone(&store), Duration::from_millis(200))
                    .start()
                    .recipient(),
            );
        }

        let claims = ClaimBook::default();
        let (smpp, smsc_simulator, smpp_events) = start_sms(
            &settings,
            &store,
            &registry,
            ledger.policy.region,
            &claims,
            &mut workers,
        )
        .await?;
        let mut probes: Vec<Arc<dyn ReadinessProbe>> = vec![Arc::new(SmscBound(smpp.clone()))];
        let amqp = match &settings.amqp_url {
            Some(url) => {
                let handle = giftgate_amqp::start(
                    giftgate_amqp::AmqpConfig {
                        prefetch: settings.amqp_prefetch.max(1),
                        partitions: settings.amqp_partitions,
                        instance_id: settings.amqp_instance_id.clone(),
                        heartbeat: Duration::from_millis(settings.amqp_heartbeat_ms.max(1)),
                        member_timeout: Duration::from_millis(settings.amqp_member_timeout_ms),
                        delivery_limit: settings.amqp_delivery_limit,
                        ..giftgate_amqp::AmqpConfig::new(url.clone())
                    },
                    Arc::clone(&ledger),
                    registry.clone(),
                )
                .await
                .context("connecting to RabbitMQ")?;
                probes.push(Arc::new(BrokerConnected(handle.status())));
                Some(handle)
            }
            None => None,
        };

        publish_simulated_rails(&settings);
        let state = web::Data::new(AppState {
            ledger: Arc::clone(&ledger),
            registry: registry.clone(),
            keys: KeyRing::new(Arc::clone(&store), settings.admin_token.clone()),
            metrics,
            probes,
            order_wait: Duration::from_secs(10),
            content_max_bytes: settings.content_max_bytes,
            simulated_rails: crate::rails::simulated_rails(&settings)
                .iter()
                .map(|rail| rail.name)
                .collect(),
        });
        let http_workers = match settings.http_workers {
            0 => threads,
            n => n,
        };
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(from_fn(crate::http::request_metrics))
                .configure(crate::http::routes)
        })
        .workers(http_workers)
        .disable_signals()
        .shutdown_timeout(30)
        .listen(listener)
        .with_context(|| format!("listening on {bound}"))?;
        let http_addr = *server
            .addrs()
            .first()
            .context("the HTTP server bound no address")?;
        let mmsc_simulator = start_mms(
            &settings,
            &store,
            http_addr,
            ledger.policy.region,
            &claims,
            &mut workers,
        )
        .await?;
        let server = server.run();
        let handle = server.handle();
        actix::spawn(server);
        tracing::info!(%http_addr, "giftgate HTTP API listening");
        Ok(Gateway {
            http_addr,
            ledger,
            registry,
            billing_simulator,
            psp_simulator,
            mmsc_simulator,
            smsc_simulator,
            smpp,
            server: handle,
            arbiters,
            amqp,
            workers,
            smpp_events,
            claims,
        })
    }

    /// Drains: the HTTP API stops taking requests and finishes those in flight (each
    /// waits for its order), then the session threads stop.
    pub async fn stop(self) {
        self.server.stop(true).await;
        // In-flight AMQP orders need their sessions: drain the broker side first.
        if let Some(amqp) = self.amqp {
            amqp.shutdown().await;
        }
        // Each worker answers once its round in progress has finished: nothing is cut
        // off midway, and what a dispatcher still held is handed back just below.
        let stopping = self
            .workers
            .iter()
            .map(|worker| worker.send(giftgate_actors::actors::Stop));
        for stopped in futures::future::join_all(stopping).await {
            if let Err(error) = stopped {
                tracing::debug!(%error, "a worker had already stopped");
            }
        }
        self.smpp.shutdown().await;
        // The binds are closed: no receipt or MO command comes in any more; those taken
        // are finished before the sessions go.
        self.smpp_events.stop().await;
        // What the dispatchers claimed and did not finish is due again at once, for the
        // instances that stay (not after the claim lease).
        if let Err(error) = self.claims.hand_back_all(self.ledger.store.as_ref()).await {
            tracing::warn!(%error, "claimed outbox entries wait for their lease to run out");
        }
        if let Some(simulator) = self.smsc_simulator {
            simulator.stop().await;
        }
        for arbiter in &self.arbiters {
            arbiter.stop();
        }
        if let Some(simulator) = self.billing_simulator {
            simulator.stop().await;
        }
        if let Some(simulator) = self.psp_simulator {
            simulator.stop().await;
        }
        if let Some(simulator) = self.mmsc_simulator {
            simulator.stop().await;
        }
    }

    /// The API's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.http_addr)
    }
}

/// Starts MMS delivery: the MM7 client (to the configured MMSC, or to an in-process
/// simulator that reports deliveries back to this gateway's HTTP API) and its dispatcher.
async fn start_mms(
    settings: &Settings,
    store: &Arc<dyn Store>,
    http_addr: SocketAddr,
    region: Region,
    claims: &ClaimBook,
    workers: &mut Vec<actix::Recipient<giftgate_actors::actors::Stop>>,
) -> anyhow::Result<Option<MmscSimHandle>> {
    let (url, simulator) = match &settings.mm7_url {
        Some(url) => (url.clone(), None),
        None => {
            let simulator = MmscSimulator::start(MmscSimConfig {
                delivery_report_url: Some(format!("http://{http_addr}/mm7/delivery-reports")),
                delivery_report_delay: Duration::from_millis(500),
                ..MmscSimConfig::default()
            })
            .await
            .context("starting the built-in MMSC simulator")?;
            tracing::info!(url = %simulator.url(), "built-in MMSC simulator");
            (simulator.url(), Some(simulator))
        }
    };
    let client = Mm7Client::new(Mm7Config {
        url,
        username: settings.mm7_username.clone(),
        password: settings.mm7_password.clone(),
        vasp_id: settings.mm7_vasp_id.clone(),
        vas_id: settings.mm7_vas_id.clone(),
        sender_address: settings.short_code.clone(),
        version: settings.mm7_version,
        ..Mm7Config::default()
    })
    .context("MM7 client")?;
    if settings.delivery {
        workers.push(
            MmsDispatcher::new(
                Arc::clone(store),
                client,
                claims.clone(),
                settings.mms_max_bytes,
                Duration::from_millis(200),
                region,
            )
            .start()
            .recipient(),
        );
    }
    Ok(simulator)
}

/// Starts SMS delivery: the SMPP binds (to the configured SMSC, or to an in-process
/// simulator), the dispatcher of the SMS outbox, and the consumer of receipts and MO
/// commands.
async fn start_sms(
    settings: &Settings,
    store: &Arc<dyn Store>,
    registry: &Addr<SessionRegistry>,
    region: Region,
    claims: &ClaimBook,
    workers: &mut Vec<actix::Recipient<giftgate_actors::actors::Stop>>,
) -> anyhow::Result<(SmppClient, Option<SmscSimHandle>, SmppEventsTask)> {
    let (mut config, simulator) = match &settings.smsc_url {
        Some(url) => (
            SmppClientConfig::from_url(url).context("GIFTGATE_SMSC_URL")?,
            None,
        ),
        None => {
            let simulator = SmscSimulator::start(SmscSimConfig {
                system_id: settings.smsc_system_id.clone(),
                password: settings.smsc_password.clone(),
                ..SmscSimConfig::default()
            })
            .await
            .context("starting the built-in SMSC simulator")?;
            let addr = simulator.smpp_addr();
            tracing::info!(smpp = %addr, http = %simulator.http_addr(), "built-in SMSC simulator");
            let config = SmppClientConfig::from_url(&format!("smpp://{addr}"))
                .context("SMSC simulator address")?;
            (config, Some(simulator))
        }
    };
    config.system_id = settings.smsc_system_id.clone();
    config.password = settings.smsc_password.clone();
    config.system_type = settings.smsc_system_type.clone();
    config.binds = settings.smsc_binds.max(1);
    config.window = settings.smsc_window.max(1);
    config.tps = settings.smsc_tps;
    config.source_addr = settings.short_code.clone();
    config.coding.gsm_packed = settings.smsc_gsm_packed;
    config.coding.ksc5601 = settings.smsc_ksc5601;
    config.message_ids = settings.smsc_message_ids;
    let (events_tx, events_rx) = tokio::sync::mpsc::channel(1024);
    let client = SmppClient::start(config, events_tx);
    let events = SmppEventsTask::spawn(
        events_rx,
        Arc::clone(store),
        registry.clone(),
        region,
        settings.mo_in_flight,
    );
    if settings.delivery {
        workers.push(
            SmsDispatcher::new(
                Arc::clone(store),
                client.clone(),
                claims.clone(),
                Duration::from_millis(100),
                500,
            )
            .start()
            .recipient(),
        );
    }
    Ok((client, simulator, events))
}

/// `/readyz`: at least one SMPP bind is up.
struct SmscBound(SmppClient);

#[async_trait::async_trait]
impl ReadinessProbe for SmscBound {
    fn name(&self) -> &'static str {
        "smsc"
    }

    async fn check(&self) -> Result<(), String> {
        match self.0.bound_count() {
            0 => Err("no SMPP bind is up".to_owned()),
            _ => Ok(()),
        }
    }
}

/// `/readyz`: the broker connection is up.
struct BrokerConnected(giftgate_amqp::AmqpStatus);

#[async_trait::async_trait]
impl ReadinessProbe for BrokerConnected {
    fn name(&self) -> &'static str {
        "broker"
    }

    async fn check(&self) -> Result<(), String> {
        self.0.check()
    }
}

/// Sets `giftgate_simulated_rail{rail=…}` to 1 for each rail served by a built-in
/// simulator and 0 for each real one, so an alert can catch pretend rails.
fn publish_simulated_rails(settings: &Settings) {
    let simulated = crate::rails::simulated_rails(settings);
    for rail in crate::rails::RAILS {
        let value = if simulated.contains(&rail) { 1.0 } else { 0.0 };
        metrics::gauge!("giftgate_simulated_rail", "rail" => rail.name).set(value);
    }
}
