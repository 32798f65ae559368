//! `giftgate bench --mo`: MO commands answered per second through one SMPP bind, and
//! whether one subscriber's slow charge holds back other subscribers' answers.
//!
//! An in-process gateway on the configured database binds once to the built-in SMSC
//! simulator, with a billing simulator that answers `…0002` numbers' charges after 2 s.
//! Three runs, `--subscribers` handsets each:
//!
//! 1. **throughput**: every subscriber texts `BAL` `--mo-rounds` times, unpaced; BAL
//!    answered per second from the first text to the last answer;
//! 2. **latency alone** and 3. **latency with slow charges**: `BAL` paced at `--rate`
//!    per second for `--mo-seconds`, in 6-s windows that alternate between alone and
//!    while 10 % of the subscribers (numbers ending `0002`) each run `BUY` + `YES`
//!    against the 2-s carrier, so a passing load on the machine hits both alike.
//!
//! Latency is from the injected `deliver_sm` to the answer's `submit_sm` at the SMSC
//! (its inbox's receive time), matched in order per handset. The figure to hold: BAL p99
//! with slow charges within 2× of BAL p99 alone.
//!
//! With `--api-only` the gateway runs without its delivery workers and only the
//! throughput run is made, counting answers committed to the outbox: MO handling alone,
//! to tell it from the SMS delivery behind it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use giftgate_billing::BillingSimulator;
use giftgate_smpp::SmscSimHandle;

use super::latency::Latencies;
use crate::cli::BenchArgs;
use crate::config::Settings;
use crate::startup::Gateway;

/// How long the carrier takes to answer a slow subscriber's charge.
const SLOW_CHARGE: Duration = Duration::from_secs(2);

/// One handset's BAL texts, by send time.
type Sent = HashMap<String, Vec<DateTime<Utc>>>;

/// `giftgate bench --mo`.
pub async fn run(mut settings: Settings, args: &BenchArgs) -> anyhow::Result<()> {
    let billing = BillingSimulator::new(SocketAddr::from(([127, 0, 0, 1], 0)))
        .slow_answer(SLOW_CHARGE)
        .spawn()
        .await
        .context("billing simulator")?;
    settings.http_addr = "127.0.0.1:0".to_owned();
    settings.billing_url = Some(billing.base_url());
    settings.billing_timeout_ms = 10_000;
    settings.smsc_url = None;
    settings.smsc_binds = 1;
    settings.monthly_carrier_cap = 0;
    settings.language = giftgate_actors::domain::Language::En;
    settings.delivery = !args.api_only;
    let database = giftgate_store::redact_url(&settings.database_url);
    let gateway = Gateway::start(settings).await?;
    let smsc = gateway
        .smsc_simulator
        .as_ref()
        .context("the built-in SMSC simulator")?;
    wait_bound(&gateway).await?;
    let subscribers = args.subscribers.max(10);
    println!(
        "giftgate bench --mo: {subscribers} subscribers, one bind, against {database}; slow charges answer after {SLOW_CHARGE:?}"
    );

    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let phones = |salt: u32, slow: bool| -> Vec<String> {
        (0..subscribers as u32)
            .map(|i| {
                let tail = if slow { 2 } else { 5 };
                format!("+8210{:02}{:05}{tail}", salt % 100, i % 100_000)
            })
            .collect()
    };
    let salt = u32::from_str_radix(&run_id[..4], 16).unwrap_or(0);

    // 1. Throughput.
    let handsets = phones(salt, false);
    let mut sent = Sent::new();
    let started = Instant::now();
    for _ in 0..args.mo_rounds.max(1) {
        for phone in &handsets {
            send(smsc, phone, "BAL", &mut sent).await?;
        }
    }
    let total: usize = sent.values().map(Vec::len).sum();
    if args.api_only {
        let committed = wait_committed(&gateway, total, Duration::from_secs(300)).await?;
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "MO handling alone (delivery off): {committed}/{total} BAL answers committed in {elapsed:.2} s = {:.0} BAL/s",
            committed as f64 / elapsed
        );
        gateway.stop().await;
        billing.stop().await;
        return Ok(());
    }
    let answered = wait_answers(smsc, &sent, Duration::from_secs(300)).await;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "throughput: {answered}/{total} BAL answered in {elapsed:.2} s = {:.0} BAL/s",
        answered as f64 / elapsed
    );

    // 2 and 3. Latency alone and beside slow charges, in alternating windows so that
    // whatever else loads the machine hits both alike.
    let quick = phones(salt + 1, false);
    let buyers: Vec<String> = phones(salt + 2, true)
        .into_iter()
        .take(subscribers / 10)
        .collect();
    let charges_before = charged(&billing);
    let (alone, loaded) = alternating_windows(smsc, &quick, &buyers, args).await?;
    println!(
        "BAL alone at {}/s: p50 {:.1} ms, p99 {:.1} ms ({} answers)",
        args.rate,
        alone.percentile_ms(50.0),
        alone.percentile_ms(99.0),
        alone.count()
    );
    println!(
        "BAL beside {} subscribers buying (2-s charges): p50 {:.1} ms, p99 {:.1} ms ({} answers); {} charges made",
        buyers.len(),
        loaded.percentile_ms(50.0),
        loaded.percentile_ms(99.0),
        loaded.count(),
        charged(&billing) - charges_before
    );
    let ratio = loaded.percentile_ms(99.0) / alone.percentile_ms(99.0).max(0.001);
    println!(
        "p99 with slow charges / p99 alone = {ratio:.2} (target ≤ 2): {}",
        if ratio <= 2.0 { "met" } else { "NOT met" }
    );
    gateway.stop().await;
    billing.stop().await;
    Ok(())
}

/// Waits until the bind is up.
async fn wait_bound(gateway: &Gateway) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while gateway.smpp.bound_count() == 0 {
        anyhow::ensure!(Instant::now() < deadline, "the SMPP bind did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

async fn send(
    smsc: &SmscSimHandle,
    phone: &str,
    text: &str,
    sent: &mut Sent,
) -> anyhow::Result<()> {
    let at = Utc::now();
    smsc.inject_mo(phone, "1555", text)
        .await
        .map_err(|e| anyhow::anyhow!("MO injection: {e}"))?;
    sent.entry(phone.to_owned()).or_default().push(at);
    Ok(())
}

/// Which measurement a BAL belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    /// No purchase under way.
    Alone,
    /// Buyers' 2-s charges under way.
    Loaded,
    /// Waiting for the buyers' last answers: not counted.
    Settling,
}

/// `BAL` from `handsets` in turn at `--rate` per second: `--mo-seconds` in all, in
/// windows of 6 s that alternate between alone and beside the `buyers`, who each text
/// `BUY` then `YES` once per loaded window, spread over its first 3 s (subscribers do
/// not act in step); after a loaded window BAL goes on uncounted until every purchase
/// was answered. Answers the BAL latencies alone and loaded.
async fn alternating_windows(
    smsc: &SmscSimHandle,
    handsets: &[String],
    buyers: &[String],
    args: &BenchArgs,
) -> anyhow::Result<(Latencies, Latencies)> {
    const WINDOW_SECS: u32 = 6;
    let rate = args.rate.max(1);
    let per_window = (rate * WINDOW_SECS) as usize;
    let windows = (args.mo_seconds.max(2 * WINDOW_SECS) / WINDOW_SECS) as usize;
    let mut sent: HashMap<String, Vec<(DateTime<Utc>, Window)>> = HashMap::new();
    let mut bought = Sent::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let spacing = (per_window / 2 / buyers.len().max(1)).max(1);
    let mut next = 0usize;
    let bal = |phone_index: &mut usize, window: Window| {
        let phone = handsets[*phone_index % handsets.len()].clone();
        *phone_index += 1;
        async move {
            let at = Utc::now();
            smsc.inject_mo(&phone, "1555", "BAL")
                .await
                .map_err(|e| anyhow::anyhow!("MO injection: {e}"))?;
            anyhow::Ok((phone, at, window))
        }
    };
    for window in 0..windows {
        let loaded = window % 2 == 1;
        for slot in 0..per_window {
            tick.tick().await;
            if loaded && slot % spacing == 0 && slot / spacing < buyers.len() {
                let phone = &buyers[slot / spacing];
                send(smsc, phone, "BUY book-10000", &mut bought).await?;
                send(smsc, phone, "YES", &mut bought).await?;
            }
            let kind = if loaded {
                Window::Loaded
            } else {
                Window::Alone
            };
            let (phone, at, kind) = bal(&mut next, kind).await?;
            sent.entry(phone).or_default().push((at, kind));
        }
        if loaded {
            while !answered_all(smsc, &bought) {
                tick.tick().await;
                let (phone, at, kind) = bal(&mut next, Window::Settling).await?;
                sent.entry(phone).or_default().push((at, kind));
            }
        }
    }
    let plain: Sent = sent
        .iter()
        .map(|(phone, times)| (phone.clone(), times.iter().map(|(at, _)| *at).collect()))
        .collect();
    wait_answers(smsc, &plain, Duration::from_secs(120)).await;
    let (mut alone, mut loaded) = (Latencies::default(), Latencies::default());
    for (phone, times) in &sent {
        let inbox = smsc.inbox(phone);
        for ((at, window), answer) in times.iter().zip(inbox.iter()) {
            let waited = (answer.received_at - *at).to_std().unwrap_or_default();
            match window {
                Window::Alone => alone.record(waited),
                Window::Loaded => loaded.record(waited),
                Window::Settling => {}
            }
        }
    }
    Ok((alone, loaded))
}

/// Whether every handset of `sent` has as many texts as it sent.
fn answered_all(smsc: &SmscSimHandle, sent: &Sent) -> bool {
    sent.iter()
        .all(|(phone, times)| smsc.inbox(phone).len() >= times.len())
}

/// Waits until every handset has as many texts as it sent (or `limit` passes); answers
/// how many were answered.
async fn wait_answers(smsc: &SmscSimHandle, sent: &Sent, limit: Duration) -> usize {
    let expected: usize = sent.values().map(Vec::len).sum();
    let deadline = Instant::now() + limit;
    loop {
        let answered: usize = sent
            .iter()
            .map(|(phone, times)| smsc.inbox(phone).len().min(times.len()))
            .sum();
        if answered >= expected || Instant::now() >= deadline {
            return answered;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `expected` answers wait in the outbox (delivery off); answers how many.
async fn wait_committed(
    gateway: &Gateway,
    expected: usize,
    limit: Duration,
) -> anyhow::Result<usize> {
    let deadline = Instant::now() + limit;
    loop {
        let limit = u32::try_from(expected + 1).unwrap_or(u32::MAX);
        let committed = gateway
            .ledger
            .pending_outbox(limit)
            .await?
            .iter()
            .filter(|r| matches!(r.message, giftgate_actors::domain::OutboxMessage::Sms(_)))
            .count();
        if committed >= expected || Instant::now() >= deadline {
            return Ok(committed);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Charges the billing simulator recorded.
fn charged(billing: &giftgate_billing::BillingSimHandle) -> usize {
    billing
        .transactions()
        .iter()
        .filter(|t| format!("{:?}", t.status) == "Charged")
        .count()
}
