//! Runs the AMQP bench against an in-process gateway pipeline: a fresh PostgreSQL
//! database, the billing simulator, a session registry on two threads, the AMQP intake
//! and outbox publisher on a fresh vhost of the local RabbitMQ — then
//! [`giftgate_amqp::bench::run`].
//!
//! ```text
//! cargo run --release -p giftgate-amqp --example pipeline_bench -- [orders] [subscribers] [rate]
//! ```
//! Defaults: 20000 orders, 5000 subscribers, unpaced. Needs `rabbitmqctl` (creates and
//! deletes the vhost) and PostgreSQL at `GIFTGATE_TEST_PG_ADMIN_URL`. After the run,
//! `pgbench -c 8 -j 2 -T 15` on the same server is the reference (`BENCH_PGBENCH=<seconds>`;
//! 0 skips it).
//!
//! `BENCH_INSTANCES=2` runs two gateway pipelines (each its own store pool, sessions and
//! AMQP side, as two processes would have) sharing `BENCH_PARTITIONS` partitions (8 by
//! default with more than one instance, else none), and prints each one's share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix::{Actor, Addr, Arbiter};
use giftgate_actors::actors::registry::ActiveSessions;
use giftgate_actors::actors::{RegistryConfig, SessionRegistry};
use giftgate_actors::domain::PinCipher;
use giftgate_actors::ports::{PaymentRail, SystemClock};
use giftgate_actors::service::{Ledger, PaymentRails, Policy};
use giftgate_amqp::{AmqpConfig, AmqpHandle};
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
    let instances = env("BENCH_INSTANCES", 1).max(1);
    let partitions = env("BENCH_PARTITIONS", if instances > 1 { 8 } else { 0 });
    let config = AmqpConfig {
        prefetch: u16::try_from(env("BENCH_PREFETCH", 256)).unwrap_or(u16::MAX),
        partitions: u16::try_from(partitions).unwrap_or(u16::MAX),
        publish_batch: 500,
        poll_interval: Duration::from_millis(10),
        ..AmqpConfig::new(url.clone())
    };
    let mut pipelines = Vec::new();
    for _ in 0..instances {
        let store = giftgate_store::connect_with(&database.url, &options).await?;
        let carrier: Arc<dyn PaymentRail> =
            Arc::new(OneApiBilling::new(BillingConfig::new(billing.base_url()))?);
        let ledger = Arc::new(Ledger::new(
            store,
            PaymentRails {
                carrier,
                network: None,
            },
            Arc::new(SystemClock),
            PinCipher::from_hex(&"0f".repeat(32))?,
            Policy::default(),
        ));
        pipelines
            .push(Pipeline::start(ledger, config.clone(), env("BENCH_SESSION_THREADS", 2)).await?);
    }
    if instances > 1 {
        // Let the membership settle (a heartbeat or two) before the clock starts.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }

    let report = giftgate_amqp::bench::run(&url, orders, subscribers, rate).await;
    // Shares are read before any pipeline drains (a drained one's partitions move).
    let mut shares = Vec::new();
    for pipeline in &pipelines {
        shares.push(pipeline.share().await);
    }
    for pipeline in pipelines {
        pipeline.stop().await;
    }
    let audit = giftgate_actors::service::audit(store.as_ref()).await?;
    // The reference, on the same server right after the run (BENCH_PGBENCH=0 skips it).
    let pgbench_seconds = env("BENCH_PGBENCH", 15);
    let pgbench = if pgbench_seconds > 0 {
        Some(giftgate_store::pgbench::tps(&database.url, pgbench_seconds).await?)
    } else {
        None
    };
    billing.stop().await;
    database.drop().await;
    rabbitmqctl(&["-q", "delete_vhost", &vhost])?;
    let report = report?;
    println!("{report}");
    if instances > 1 {
        for (index, (owned, sessions)) in shares.iter().enumerate() {
            println!(
                "instance {index}            {owned} of {partitions} partitions, {sessions} subscribers served"
            );
        }
    }
    if let Some(tps) = pgbench {
        println!(
            "pgbench -c 8 -j 2 -T {pgbench_seconds}: {tps:.0} tps; completed orders/s = {:.2} x pgbench",
            report.completed_per_sec / tps
        );
    }
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

/// One gateway's order pipeline: sessions on their own threads and the AMQP side.
struct Pipeline {
    amqp: AmqpHandle,
    registry: Addr<SessionRegistry>,
    arbiters: Vec<Arbiter>,
}

impl Pipeline {
    async fn start(ledger: Arc<Ledger>, config: AmqpConfig, threads: u32) -> anyhow::Result<Self> {
        let arbiters: Vec<Arbiter> = (0..threads).map(|_| Arbiter::new()).collect();
        let registry = SessionRegistry::new(
            Arc::clone(&ledger),
            RegistryConfig {
                arbiters: arbiters.iter().map(|a| a.handle()).collect(),
                ..RegistryConfig::default()
            },
        )
        .start();
        let amqp = giftgate_amqp::start(config, ledger, registry.clone()).await?;
        Ok(Pipeline {
            amqp,
            registry,
            arbiters,
        })
    }

    /// (partitions owned now, subscribers whose sessions ran here).
    async fn share(&self) -> (usize, usize) {
        let owned = self
            .amqp
            .assignment()
            .map_or(0, |assignment| assignment.partitions.len());
        let sessions = self.registry.send(ActiveSessions).await.unwrap_or(0);
        (owned, sessions)
    }

    /// Drains the AMQP side and stops the session threads.
    async fn stop(self) {
        self.amqp.shutdown().await;
        for arbiter in &self.arbiters {
            arbiter.stop();
        }
    }
}
