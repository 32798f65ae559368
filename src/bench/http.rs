//! HTTP load: purchases completed per second, redemptions per second (closed loop), and
//! redemption latency at an offered rate (open loop), against an in-process gateway on
//! the configured database.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::latency::Latencies;
use crate::cli::BenchArgs;
use crate::config::Settings;
use crate::startup::Gateway;

/// The gateway under load and the keys the load uses.
pub(super) struct Target {
    /// The HTTP client (connections pooled).
    pub(super) client: reqwest::Client,
    /// The gateway's base URL.
    pub(super) base: String,
    /// A channel key.
    pub(super) channel_key: String,
    /// A merchant key.
    pub(super) merchant_key: String,
}

/// Runs the HTTP benchmark and prints its figures.
pub async fn run(mut settings: Settings, args: BenchArgs) -> anyhow::Result<ExitCode> {
    let admin_token = format!("bench-{}", uuid::Uuid::new_v4().simple());
    settings.admin_token = Some(admin_token.clone());
    settings.http_addr = "127.0.0.1:0".to_owned();
    settings.billing_url = None;
    settings.monthly_carrier_cap = 0;
    settings.delivery = !args.api_only;
    settings.http_workers = args.http_workers;
    let database = settings.database_url.clone();
    let gateway = Gateway::start(settings).await?;
    println!(
        "giftgate bench (HTTP, {} worker(s)) against {}{}",
        args.http_workers,
        giftgate_store::redact_url(&database),
        if args.api_only {
            ", API-only instance (delivery workers off)"
        } else {
            ", delivery workers on (SMS via SMPP to the built-in SMSC)"
        }
    );
    let base = gateway.base_url();
    let client_args = args.clone();
    // The load generator runs on its own runtime and threads, not on the gateway's
    // actix threads it is measuring.
    let client = std::thread::spawn(move || -> anyhow::Result<(f64, f64)> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(measure(base, admin_token, client_args))
    });
    let measured = tokio::task::spawn_blocking(move || client.join())
        .await
        .map_err(|e| anyhow::anyhow!("load generator: {e}"))?
        .map_err(|_| anyhow::anyhow!("the load generator panicked"))
        .and_then(|result| result);
    gateway.stop().await;
    let (purchases_per_sec, redemptions_per_sec) = measured?;

    if args.pgbench {
        if !database.starts_with("postgres") {
            bail!("--pgbench needs a PostgreSQL GIFTGATE_DATABASE_URL");
        }
        let tps = giftgate_store::pgbench::tps(&database, 15).await?;
        println!("pgbench -c 8 -j 2 -T 15: {tps:.0} tps");
        println!(
            "ratios: purchases/s = {:.2} x pgbench (target >= 0.3); redemptions/s = {:.2} x pgbench (target >= 0.6)",
            purchases_per_sec / tps,
            redemptions_per_sec / tps
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the three measurements; answers purchases/s and redemptions/s.
async fn measure(base: String, admin_token: String, args: BenchArgs) -> anyhow::Result<(f64, f64)> {
    let target = Arc::new(register(base, &admin_token).await?);

    let (purchases_per_sec, certificates) =
        purchases(&target, args.purchases, args.concurrency).await?;
    println!(
        "purchases: {} completed, {purchases_per_sec:.0}/s",
        certificates.len()
    );

    let (redemptions_per_sec, closed) =
        redemptions_closed(&target, &certificates, args.redemptions, args.concurrency).await?;
    println!(
        "redemptions (closed loop, {} clients): {redemptions_per_sec:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        args.concurrency,
        closed.percentile_ms(50.0),
        closed.percentile_ms(99.0)
    );
    let open = redemptions_open(&target, &certificates, args.rate, Duration::from_secs(10)).await?;
    println!(
        "redemptions at {}/s offered for 10 s: p50 {:.2} ms, p99 {:.2} ms ({} samples)",
        args.rate,
        open.percentile_ms(50.0),
        open.percentile_ms(99.0),
        open.count()
    );

    Ok((purchases_per_sec, redemptions_per_sec))
}

/// Registers a channel and a merchant through the admin API.
pub(super) async fn register(base: String, admin_token: &str) -> anyhow::Result<Target> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let create = |path: &'static str| {
        let client = client.clone();
        let url = format!("{base}{path}");
        let token = admin_token.to_owned();
        async move {
            let answer: Value = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"name": "bench"}))
                .send()
                .await?
                .json()
                .await?;
            answer["api_key"]
                .as_str()
                .map(str::to_owned)
                .context("no api_key in answer")
        }
    };
    Ok(Target {
        channel_key: create("/v1/admin/channels").await?,
        merchant_key: create("/v1/admin/merchants").await?,
        client,
        base,
    })
}

/// Subscriber `i` of the run: a valid Korean mobile number whose last four digits are
/// never the simulators' test triggers (`0001`–`0003`).
pub(super) fn subscriber(i: usize) -> String {
    format!("0109{:03}{:04}", (i / 9000) % 1000, 1000 + i % 9000)
}

/// Buys `count` certificates for as many subscribers, `concurrency` at a time: the rate
/// and each (code, PIN).
pub(super) async fn purchases(
    target: &Arc<Target>,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<(f64, Vec<(String, String)>)> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let started = Instant::now();
    let results: Vec<anyhow::Result<(String, String)>> = futures::stream::iter(0..count)
        .map(|i| {
            let target = Arc::clone(target);
            let run = run.clone();
            async move {
                let msisdn = subscriber(i);
                let answer: Value = target
                    .client
                    .post(format!("{}/v1/orders", target.base))
                    .bearer_auth(&target.channel_key)
                    .json(&json!({"order_id": format!("bench-{run}-{i}"), "type": "purchase", "msisdn": msisdn,
                        "product_id": "dept-100000", "settlement": {"method": "carrier"}}))
                    .send()
                    .await?
                    .json()
                    .await?;
                if answer["status"] != "completed" {
                    bail!("purchase not completed: {answer}");
                }
                let code = answer["outcome"]["certificate_codes"][0].as_str().context("code")?.to_owned();
                Ok((msisdn, code))
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let bought: Vec<(String, String)> = results.into_iter().collect::<anyhow::Result<_>>()?;
    let rate = bought.len() as f64 / elapsed;
    let mut certificates = Vec::with_capacity(bought.len());
    for (msisdn, code) in bought {
        let wallet: Value = target
            .client
            .get(format!(
                "{}/v1/subscribers/{msisdn}/certificates",
                target.base
            ))
            .bearer_auth(&target.channel_key)
            .send()
            .await?
            .json()
            .await?;
        let pin = wallet["certificates"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["code"] == code.as_str()))
            .and_then(|c| c["pin"].as_str())
            .context("pin of a bought certificate")?
            .to_owned();
        certificates.push((code, pin));
    }
    Ok((rate, certificates))
}

async fn redeem_once(target: &Target, code: &str, pin: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let response = target
        .client
        .post(format!("{}/v1/redemptions", target.base))
        .bearer_auth(&target.merchant_key)
        .header("Idempotency-Key", uuid::Uuid::new_v4().simple().to_string())
        .json(&json!({"certificate_code": code, "pin": pin, "amount": "10", "currency": "KRW"}))
        .send()
        .await?;
    let status = response.status();
    let body = response.bytes().await?;
    if status.as_u16() != 200 {
        bail!(
            "redemption refused {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(started.elapsed())
}

async fn redemptions_closed(
    target: &Arc<Target>,
    certificates: &[(String, String)],
    count: usize,
    concurrency: usize,
) -> anyhow::Result<(f64, Latencies)> {
    if certificates.is_empty() {
        bail!("no certificates to redeem");
    }
    let latencies = Arc::new(Mutex::new(Latencies::default()));
    let started = Instant::now();
    let results: Vec<anyhow::Result<()>> = futures::stream::iter(0..count)
        .map(|i| {
            let target = Arc::clone(target);
            let (code, pin) = certificates[i % certificates.len()].clone();
            let latencies = Arc::clone(&latencies);
            async move {
                let latency = redeem_once(&target, &code, &pin).await?;
                latencies.lock().await.record(latency);
                Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let latencies = Arc::try_unwrap(latencies)
        .map(Mutex::into_inner)
        .unwrap_or_default();
    Ok((count as f64 / elapsed, latencies))
}

async fn redemptions_open(
    target: &Arc<Target>,
    certificates: &[(String, String)],
    rate: u32,
    duration: Duration,
) -> anyhow::Result<Latencies> {
    Ok(super::latency::open_loop(rate, duration, |i| {
        let target = Arc::clone(target);
        let (code, pin) = certificates[i % certificates.len()].clone();
        async move { redeem_once(&target, &code, &pin).await }
    })
    .await)
}
