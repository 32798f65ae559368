//! Runs the AMQP bench against an in-process gateway pipeline: a fresh PostgreSQL
//! database, the billing simulator, a session registry on two threads, the AMQP intake
//! and outbox publisher on a fresh vhost of the local RabbitMQ — then
//! [`giftgate_amqp::bench::run`].
//!
//! ```text
//! cargo run --release -p giftgate-amqp --example bench -- [orders] [subscribers] [rate]
//! ```
//! Defaults: 20000 orders, 5000 subscribers, unpaced. Needs `rabbitmqctl` (creates and
//! deletes the vhost) and PostgreSQL at `GIFTGATE_TEST_PG_ADMIN_URL`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix::{Actor, Arbiter};
use giftgate_actors::actors::{RegistryConfig, SessionRegistry};
use giftgate_actors::domain::PinCipher;
use giftgate_actors::ports::{PaymentRail, SystemClock};
use giftgate_actors::service::{Ledger, PaymentRails, Policy};
use giftgate_amqp::AmqpConfig;
use giftgate_billing::{BillingConfig, BillingSimulator, OneApiBilling};
use giftgate_store::testing::TestDatabase;

fn rabbitmqctl(args: &[&str]) -> anyhow::Result<()> {
    let status = std::process::Command::new("rabbitmqctl")
        .args(args)
        .status()?;
    anyhow::ensure!(status.success(), "rabbitmqctl {args:?} failed");
    Ok(())
}

#[actix_rt::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let orders: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let subscribers: usize = args.next().map_or(Ok(5_000), |a| a.parse())?;
    let rate: Option<u32> = args.next().map(|a| a.parse()).transpose()?;

    let vhost = format!("gg_bench_{}", uuid::Uuid::new_v4().simple());
    rabbitmqctl(&["-q", "add_vhost", &vhost])?;
    rabbitmqctl(&[
        "-q",
        "set_permissions",
        "-p",
        &vhost,
        "guest",
        ".*",
        ".*",
        ".*",
    ])?;
    let url = format!("amqp://guest:guest@127.0.0.1:5672/{vhost}");

    let database = TestDatabase::postgres().await;
    let env = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let options = giftgate_store::StoreOptions {
        max_connections: Some(env("BENCH_DB_CONNECTIONS", 16)),
        ..giftgate_store::StoreOptions::default()
    };
    let store = giftgate_store::connect_with(&database.url, &options).await?;
    giftgate_actors::service::catalog::seed_sample_catalog(store.as_ref()).await?;
    let billing = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let carrier: Arc<dyn PaymentRail> =
        Arc::new(OneApiBilling::new(BillingConfig::new(billing.base_url()))?);
    let ledger = Arc::new(Ledger::new(
        Arc::clone(&store),
        PaymentRails {
            carrier,
            network: None,
        },
        Arc::new(SystemClock),
        PinCipher::from_hex(&"0f".repeat(32))?,
        Policy::default(),
    ));
    let arbiters: Vec<Arbiter> = (0..env("BENCH_SESSION_THREADS", 2))
        .map(|_| Arbiter::new())
        .collect();
    let registry = SessionRegistry::new(
        Arc::clone(&ledger),
        RegistryConfig {
            arbiters: arbiters.iter().map(|a| a.handle()).collect(),
            ..RegistryConfig::default()
        },
    )
    .start();
    let config = AmqpConfig {
        prefetch: u16::try_from(env("BENCH_PREFETCH", 256)).unwrap_or(u16::MAX),
        publish_batch: 500,
        poll_interval: Duration::from_millis(10),
        ..AmqpConfig::new(url.clone())
    };
    let amqp = giftgate_amqp::start(config, Arc::clone(&ledger), registry).await?;

    let report = giftgate_amqp::bench::run(&url, orders, subscribers, rate).await;
    amqp.shutdown().await;
    let audit = giftgate_actors::service::audit(store.as_ref()).await?;
    billing.stop().await;
    database.drop().await;
    rabbitmqctl(&["-q", "delete_vhost", &vhost])?;
    for arbiter in &arbiters {
        arbiter.stop();
    }
    let report = report?;
    println!("{report}");
    println!(
        "audit                 {}",
        if audit.is_clean() {
            "clean"
        } else {
            "VIOLATIONS"
        }
    );
    Ok(())
}
