//! Notifications delivered per second from committed outbox entries to an independent
//! SMSC — the npm package `smpp` (0.5.1) running `adapters/smpp/interop/npm_smsc.js` —
//! counting until the SMSC has had every delivery receipt acknowledged by the gateway.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use giftgate_actors::domain::{OutboxMessage, SmsNotice};
use giftgate_actors::ports::Changes;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::cli::BenchArgs;
use crate::config::Settings;
use crate::startup::Gateway;

/// `giftgate bench --smpp-delivery`.
pub async fn run(mut settings: Settings, args: &BenchArgs) -> anyhow::Result<()> {
    let interop = std::env::current_dir()?.join("adapters/smpp/interop");
    anyhow::ensure!(
        interop.join("npm_smsc.js").exists(),
        "run from the repository root (adapters/smpp/interop/npm_smsc.js)"
    );
    if !interop.join("node_modules/smpp/package.json").exists() {
        let status = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&interop)
            .args(["--no-audit", "--no-fund", "--no-save", "smpp@0.5.1"])
            .status()
            .await
            .context("npm")?;
        anyhow::ensure!(status.success(), "npm install smpp@0.5.1 failed");
    }
    let mut smsc = Command::new("node")
        .arg(interop.join("npm_smsc.js"))
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the npm smpp SMSC")?;
    let mut lines = BufReader::new(smsc.stdout.take().context("SMSC stdout")?).lines();
    let port = loop {
        let line = lines.next_line().await?.context("the npm SMSC exited")?;
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if event["event"] == "listening" {
            break event["port"].as_u64().context("port")?;
        }
    };
    let receipts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&receipts);
    actix::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("\"receipt_acked\"") {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    });

    let directory = tempfile::tempdir()?;
    if settings.database_url.starts_with("sqlite") {
        settings.database_url = format!(
            "sqlite://{}/delivery.db?mode=rwc",
            directory.path().display()
        );
    }
    settings.smsc_url = Some(format!("smpp://127.0.0.1:{port}"));
    settings.http_addr = "127.0.0.1:0".to_owned();
    settings.smsc_message_ids = giftgate_smpp::IdNormalization {
        submit_resp: giftgate_smpp::IdFormat::Hex,
        receipt: giftgate_smpp::IdFormat::Hex,
    };
    let gateway = Gateway::start(settings).await?;
    let result = measure(&gateway, &receipts, args.messages.min(50_000)).await;
    gateway.stop().await;
    let _ = smsc.kill().await;
    let (count, elapsed) = result?;
    println!(
        "notifications delivered from the outbox to the npm smpp SMSC, receipts acknowledged: {count} in {:.2} s = {:.0}/s (window {}, 1 bind)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        64
    );
    Ok(())
}

async fn measure(
    gateway: &Gateway,
    receipts: &AtomicUsize,
    count: usize,
) -> anyhow::Result<(usize, Duration)> {
    let store = gateway.ledger.store();
    let started = Instant::now();
    for batch in (0..count).collect::<Vec<_>>().chunks(500) {
        let outbox = batch
            .iter()
            .map(|i| {
                OutboxMessage::Sms(SmsNotice {
                    message_id: format!("bench-{}-{i}", uuid::Uuid::new_v4().simple()),
                    to: format!("+82109{:03}{:04}", (i / 9000) % 1000, 1000 + i % 9000),
                    text: format!("giftgate delivery bench {i}"),
                })
            })
            .collect();
        store
            .commit(Changes {
                outbox,
                ..Changes::default()
            })
            .await?;
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    while receipts.load(Ordering::Relaxed) < count {
        if Instant::now() > deadline {
            bail!(
                "only {} of {count} receipts in 10 minutes",
                receipts.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok((count, started.elapsed()))
}
