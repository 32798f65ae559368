//! `giftgate bench --pages`: voucher pages (`/v/{token}`, the HTML a phone opens from its
//! SMS) served per second against the JSON wallet route (`GET
//! /v1/subscribers/{msisdn}/certificates`) in the same run, closed loop, alternating
//! 5-second rounds so drift on a noisy machine hits both alike; then the pages' latency
//! at an offered rate (open loop).
//!
//! The links are the real ones: each subscriber buys through the API, and the `/v/`
//! link is read from the SMS the built-in SMSC simulator received.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;

use super::http::{Target, purchases, register, subscriber};
use super::latency::Latencies;
use crate::cli::BenchArgs;
use crate::config::Settings;
use crate::startup::Gateway;

/// Rounds of each route in the closed-loop comparison.
const ROUNDS: usize = 3;
/// Length of one closed-loop round.
const ROUND: Duration = Duration::from_secs(5);
/// Length of the open-loop run.
const OPEN_LOOP: Duration = Duration::from_secs(10);

/// One request the load sends: a voucher page, or a subscriber's JSON wallet.
#[derive(Debug, Clone)]
enum Request {
    Page(String),
    Wallet(String),
}

/// Runs the pages benchmark and prints its figures.
pub async fn run(mut settings: Settings, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let admin_token = format!("bench-{}", uuid::Uuid::new_v4().simple());
    settings.admin_token = Some(admin_token.clone());
    settings.http_addr = "127.0.0.1:0".to_owned();
    settings.billing_url = None;
    settings.monthly_carrier_cap = 0;
    settings.delivery = true;
    settings.http_workers = args.http_workers;
    settings.public_url = None;
    let database = settings.database_url.clone();
    let gateway = Gateway::start(settings).await?;
    println!(
        "giftgate bench --pages ({} HTTP worker(s)) against {}",
        args.http_workers,
        giftgate_store::redact_url(&database)
    );
    let subscribers = args.purchases.min(1000);
    let target = Arc::new(register(gateway.base_url(), &admin_token).await?);
    let (_, _) = purchases(&target, subscribers, args.concurrency).await?;
    let links = voucher_links(&gateway, subscribers).await?;
    println!(
        "{} subscribers, each with a voucher link from its SMS",
        links.len()
    );

    let pages: Vec<Request> = links
        .iter()
        .map(|(_, l)| Request::Page(l.clone()))
        .collect();
    let wallets: Vec<Request> = links
        .iter()
        .map(|(m, _)| Request::Wallet(m.clone()))
        .collect();
    let concurrency = args.concurrency;
    let rate = args.rate;
    let load_target = Arc::clone(&target);
    // The load runs on its own runtime and threads, not on the gateway's.
    let load = std::thread::spawn(move || -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(measure(load_target, pages, wallets, concurrency, rate))
    });
    let measured = tokio::task::spawn_blocking(move || load.join())
        .await
        .map_err(|e| anyhow::anyhow!("load generator: {e}"))?
        .map_err(|_| anyhow::anyhow!("the load generator panicked"))
        .and_then(|result| result);
    gateway.stop().await;
    measured?;
    Ok(ExitCode::SUCCESS)
}

/// Each subscriber's number and the path of the `/v/` link its purchase SMS carried.
async fn voucher_links(
    gateway: &Gateway,
    subscribers: usize,
) -> anyhow::Result<Vec<(String, String)>> {
    let smsc = gateway
        .smsc_simulator
        .as_ref()
        .context("--pages needs the built-in SMSC (leave GIFTGATE_SMPP_ADDR unset)")?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut links = Vec::with_capacity(subscribers);
    for i in 0..subscribers {
        let msisdn = subscriber(i);
        let e164 = format!("+82{}", &msisdn[1..]);
        loop {
            let found = smsc
                .inbox(&e164)
                .iter()
                .find_map(|m| m.text.find("/v/").map(|at| m.text[at..].to_owned()));
            if let Some(tail) = found {
                let path: String = tail
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
                    .collect();
                links.push((msisdn, path));
                break;
            }
            if Instant::now() > deadline {
                bail!("no voucher link reached {e164} within 2 minutes");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(links)
}

async fn measure(
    target: Arc<Target>,
    pages: Vec<Request>,
    wallets: Vec<Request>,
    concurrency: usize,
    rate: u32,
) -> anyhow::Result<()> {
    let (mut page_count, mut wallet_count) = (0usize, 0usize);
    let (mut page_latency, mut wallet_latency) = (Latencies::default(), Latencies::default());
    for _ in 0..ROUNDS {
        let (count, latency) = closed_loop(&target, &wallets, concurrency, ROUND).await?;
        wallet_count += count;
        wallet_latency.merge(&latency);
        let (count, latency) = closed_loop(&target, &pages, concurrency, ROUND).await?;
        page_count += count;
        page_latency.merge(&latency);
    }
    let seconds = (ROUND * ROUNDS as u32).as_secs_f64();
    let (pages_per_sec, wallets_per_sec) =
        (page_count as f64 / seconds, wallet_count as f64 / seconds);
    println!(
        "JSON wallet route ({concurrency} clients): {wallets_per_sec:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        wallet_latency.percentile_ms(50.0),
        wallet_latency.percentile_ms(99.0)
    );
    println!(
        "voucher pages ({concurrency} clients): {pages_per_sec:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        page_latency.percentile_ms(50.0),
        page_latency.percentile_ms(99.0)
    );
    println!(
        "ratio: voucher pages/s = {:.2} x the JSON wallet route (target >= 0.5)",
        pages_per_sec / wallets_per_sec
    );
    let open = open_loop(&target, &pages, rate, OPEN_LOOP).await?;
    println!(
        "voucher pages at {rate}/s offered for {} s: p50 {:.2} ms, p99 {:.2} ms ({} served)",
        OPEN_LOOP.as_secs(),
        open.percentile_ms(50.0),
        open.percentile_ms(99.0),
        open.count()
    );
    Ok(())
}

/// Sends one request; its latency once answered 200 with a whole body.
async fn send(target: &Target, request: &Request) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let response = match request {
        Request::Page(path) => {
            target
                .client
                .get(format!("{}{path}", target.base))
                .header("Accept-Language", "ko")
                .send()
                .await?
        }
        Request::Wallet(msisdn) => {
            target
                .client
                .get(format!(
                    "{}/v1/subscribers/{msisdn}/certificates",
                    target.base
                ))
                .bearer_auth(&target.channel_key)
                .send()
                .await?
        }
    };
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() || body.is_empty() {
        bail!("{request:?} answered {status}");
    }
    Ok(started.elapsed())
}

/// `concurrency` clients sending `requests` round-robin for `length`: how many were
/// answered, and their latencies.
async fn closed_loop(
    target: &Arc<Target>,
    requests: &[Request],
    concurrency: usize,
    length: Duration,
) -> anyhow::Result<(usize, Latencies)> {
    let deadline = Instant::now() + length;
    let clients: Vec<anyhow::Result<(usize, Latencies)>> = futures::stream::iter(0..concurrency)
        .map(|client| {
            let target = Arc::clone(target);
            let requests = requests.to_vec();
            async move {
                let mut latencies = Latencies::default();
                let mut i = client;
                let mut served = 0;
                while Instant::now() < deadline {
                    latencies.record(send(&target, &requests[i % requests.len()]).await?);
                    served += 1;
                    i += concurrency;
                }
                Ok((served, latencies))
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut total = 0;
    let mut latencies = Latencies::default();
    for client in clients {
        let (served, measured) = client?;
        total += served;
        latencies.merge(&measured);
    }
    Ok((total, latencies))
}

async fn open_loop(
    target: &Arc<Target>,
    requests: &[Request],
    rate: u32,
    length: Duration,
) -> anyhow::Result<Latencies> {
    Ok(super::latency::open_loop(rate, length, |i| {
        let target = Arc::clone(target);
        let request = requests[i % requests.len()].clone();
        async move { send(&target, &request).await }
    })
    .await)
}
