//! `giftgate bench --sessions`: the memory of many live subscriber sessions. Starts
//! `giftgate serve` as a child process on the configured database (built-in simulators,
//! sessions idle for `--session-idle-secs`), buys once for each of `--subscribers`
//! subscribers over HTTP from `--concurrency` clients, and reads the child's resident
//! memory (`VmRSS`, `/proc/{pid}/status`) and its `giftgate_sessions_active` gauge at
//! every tenth of the way; then waits for the sessions to stop and reads it again.
//!
//! The child is a separate process so that its RSS is the gateway's alone, not the load
//! generator's; with `--external-simulators` the simulators run as processes of their
//! own too (`giftgate sim …`), so their books (every charge, every SMS) are not counted
//! as the gateway's.
//!
//! To see where the memory goes, run the child under a heap profiler:
//! `GIFTGATE_BENCH_SERVE_WRAPPER=heaptrack giftgate bench --sessions …` starts
//! `heaptrack giftgate serve`; RSS is still read from the gateway process itself.

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
    let exe = std::env::current_exe()?;
    let (mut simulators, rails) = if args.external_simulators {
        start_simulators(&exe).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let mut serve = match std::env::var("GIFTGATE_BENCH_SERVE_WRAPPER") {
        Ok(wrapper) if !wrapper.is_empty() => {
            let mut command = tokio::process::Command::new(wrapper);
            command.arg(&exe);
            command
        }
        _ => tokio::process::Command::new(&exe),
    };
    serve
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
        .envs(rails)
        .stdout(Stdio::null())
        .kill_on_drop(true);
    let mut child = serve.spawn().context("starting giftgate serve")?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    wait_ready(&client, &base).await?;
    let pid = gateway_pid(child.id().context("child pid")?, &exe)?;
    let stop_gateway = StopOnDrop(pid);
    println!(
        "giftgate bench --sessions: {} subscribers, {} clients, sessions idle after {} s, {} simulators; gateway pid {pid}",
        args.subscribers,
        args.concurrency,
        args.session_idle_secs,
        if args.external_simulators {
            "external"
        } else {
            "built-in"
        }
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
    drop(stop_gateway);
    child.wait().await?;
    for simulator in &mut simulators {
        simulator.kill().await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts the four simulators as `giftgate sim …` children on free loopback ports and
/// returns them with the environment that points `serve` at them.
async fn start_simulators(
    exe: &std::path::Path,
) -> anyhow::Result<(Vec<tokio::process::Child>, Vec<(&'static str, String)>)> {
    let billing = free_port()?;
    let psp = free_port()?;
    let (smpp, smsc_http) = (free_port()?, free_port()?);
    let mmsc = free_port()?;
    let commands: [(&str, Vec<String>); 4] = [
        (
            "billing",
            vec!["--addr".into(), format!("127.0.0.1:{billing}")],
        ),
        ("psp", vec!["--addr".into(), format!("127.0.0.1:{psp}")]),
        (
            "smsc",
            vec![
                "--smpp-addr".into(),
                format!("127.0.0.1:{smpp}"),
                "--http-addr".into(),
                format!("127.0.0.1:{smsc_http}"),
            ],
        ),
        ("mmsc", vec!["--addr".into(), format!("127.0.0.1:{mmsc}")]),
    ];
    let mut children = Vec::new();
    for (simulator, simulator_args) in commands {
        children.push(
            tokio::process::Command::new(exe)
                .args(["sim", simulator])
                .args(simulator_args)
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("starting giftgate sim {simulator}"))?,
        );
    }
    for port in [billing, psp, smpp, smsc_http, mmsc] {
        wait_listening(port).await?;
    }
    let rails = vec![
        (
            "GIFTGATE_BILLING_URL",
            format!("http://127.0.0.1:{billing}/payment/v3"),
        ),
        ("GIFTGATE_PSP_URL", format!("http://127.0.0.1:{psp}")),
        ("GIFTGATE_SMSC_URL", format!("smpp://127.0.0.1:{smpp}")),
        ("GIFTGATE_MM7_URL", format!("http://127.0.0.1:{mmsc}/mm7")),
    ];
    Ok((children, rails))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_listening(port: u16) -> anyhow::Result<()> {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("a simulator did not listen on port {port}")
}

/// Sends the gateway SIGTERM when dropped, also on an early return: under a wrapper
/// the gateway is a grandchild that `kill_on_drop` would not reach, and a profiler
/// writes its report only when the gateway exits cleanly.
struct StopOnDrop(u32);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg(self.0.to_string())
            .status();
    }
}

/// The gateway's own pid: `child` itself, or, when `serve` runs under a wrapper (a
/// profiler), the descendant of `child` that runs this executable.
fn gateway_pid(child: u32, exe: &std::path::Path) -> anyhow::Result<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let parent = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let after_name = &stat[stat.rfind(')')? + 1..];
                after_name.split_whitespace().nth(1)?.parse::<u32>().ok()
            });
        if let Some(parent) = parent {
            parents.push((pid, parent));
        }
    }
    let mut family = vec![child];
    let mut index = 0;
    while index < family.len() {
        let pid = family[index];
        if std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|path| path == exe) {
            return Ok(pid);
        }
        family.extend(parents.iter().filter(|(_, p)| *p == pid).map(|(c, _)| *c));
        index += 1;
    }
    bail!("no process of {} under pid {child}", exe.display())
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
