//! `giftgate bench --sessions`: the memory of many live subscriber sessions. Starts
//! `giftgate serve` as a child process on the configured database (built-in simulators,
//! sessions idle for `--session-idle-secs`), buys once for each of `--subscribers`
//! subscribers over HTTP from `--concurrency` clients, and reads the child's resident
//! memory (`VmRSS`, `/proc/{pid}/status`) and its `giftgate_sessions_active` gauge at
//! every tenth of the way; then waits for the sessions to stop and reads it again.
//!
//! The child is a separate process so that its RSS is the gateway's alone, not the load
//! generator's; with `--external-simulators` the simulators run as processes of their
//! own too, so their books (every charge, every SMS) are not counted as the gateway's.

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;
use serde_json::{Value, json};

use super::http::subscriber;
use crate::cli::BenchArgs;
use crate::config::Settings;

/// Runs the sessions benchmark and prints its RSS curve.
pub async fn run(settings: &Settings, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let admin = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env("GIFTGATE_DATABASE_URL", &settings.database_url)
        .env("GIFTGATE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("GIFTGATE_ADMIN_TOKEN", &admin)
        .env("GIFTGATE_SIMULATORS", "true")
        .env("GIFTGATE_MONTHLY_CARRIER_CAP", "0")
        .env(
            "GIFTGATE_SESSION_IDLE_SECS",
            args.session_idle_secs.to_string(),
        )
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting giftgate serve")?;
    let pid = child.id().context("child pid")?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    wait_ready(&client, &base).await?;
    println!(
        "giftgate bench --sessions: {} subscribers, {} clients, sessions idle after {} s, {} simulators; gateway pid {pid}",
        args.subscribers,
        args.concurrency,
        args.session_idle_secs,
        if args.external_simulators { "external" } else { "built-in" }
    );
    println!(
        "{:>12} {:>10} {:>10} {:>8}",
        "subscribers", "sessions", "RSS MB", "threads"
    );
    println!(
        "{:>12} {:>10} {:>10.1} {:>8}",
        0,
        sessions_active(&client, &base).await?,
        rss_mb(pid)?,
        threads(pid)?
    );
    let channel: Value = client
        .post(format!("{base}/v1/admin/channels"))
        .bearer_auth(&admin)
        .json(&json!({"name": "bench"}))
        .send()
        .await?
        .json()
        .await?;
    let key = channel["api_key"].as_str().context("api key")?.to_owned();
    let run = uuid::Uuid::new_v4().simple().to_string();
    let done = Arc::new(AtomicUsize::new(0));
    let step = (args.subscribers / 10).max(1);
    let started = Instant::now();
    let mut buying = futures::stream::iter(0..args.subscribers)
        .map(|i| {
            let (client, base, key, run) = (client.clone(), base.clone(), key.clone(), run.clone());
            async move {
                let answer: Value = client
                    .post(format!("{base}/v1/orders"))
                    .bearer_auth(&key)
                    .json(
                        &json!({"order_id": format!("mem-{run}-{i}"), "type": "purchase",
                        "msisdn": subscriber(i), "product_id": "book-10000",
                        "settlement": {"method": "carrier"}}),
                    )
                    .send()
                    .await?
                    .json()
                    .await?;
                if answer["status"] == "failed" {
                    bail!("purchase failed: {answer}");
                }
                Ok(())
            }
        })
        .buffer_unordered(args.concurrency);
    while let Some(result) = buying.next().await {
        result?;
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(step) || n == args.subscribers {
            println!(
                "{n:>12} {:>10} {:>10.1} {:>8}",
                sessions_active(&client, &base).await?,
                rss_mb(pid)?,
                threads(pid)?
            );
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "bought {} in {elapsed:.0} s ({:.0}/s)",
        args.subscribers,
        args.subscribers as f64 / elapsed
    );
    let deadline = Instant::now() + Duration::from_secs(args.session_idle_secs + 120);
    while sessions_active(&client, &base).await? > 0 {
        if Instant::now() > deadline {
            bail!("sessions did not stop");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    println!(
        "{:>12} {:>10} {:>10.1} {:>8}  (all sessions stopped)",
        args.subscribers,
        0,
        rss_mb(pid)?,
        threads(pid)?
    );
    child.kill().await?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("giftgate serve did not come up")
}

/// The child's `giftgate_sessions_active` gauge.
async fn sessions_active(client: &reqwest::Client, base: &str) -> anyhow::Result<u64> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .find(|line| line.starts_with("giftgate_sessions_active "))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse::<f64>().ok())
        .map_or(0, |value| value as u64))
}

/// Resident memory of process `pid`, in MB.
fn rss_mb(pid: u32) -> anyhow::Result<f64> {
    Ok(status_field(pid, "VmRSS:")? / 1024.0)
}

/// Threads of process `pid`.
fn threads(pid: u32) -> anyhow::Result<f64> {
    status_field(pid, "Threads:")
}

/// A number from `/proc/{pid}/status`.
fn status_field(pid: u32, field: &str) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
        .with_context(|| format!("{field} of process {pid}"))
}
