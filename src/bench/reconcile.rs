//! `giftgate bench --reconcile --charges N`: one day of N charges (and a refund of every
//! hundredth) generated in bulk on a scratch PostgreSQL database of the configured server
//! (`generate_series`), the rails' settlement files of the same day with seven planted
//! mismatches, then `giftgate reconcile` of that day timed end to end (reading both
//! sides, comparing, publishing `settlement.reconciled`).
//!
//! Order `bench-{i}` (KRW 10,000) is paid by card when `i` is a multiple of 5, else on
//! the phone bill; every hundredth is refunded a minute later. Planted: order 17's
//! charge is 9,000 at the carrier (`amount_differs`), order 42's charge is missing from
//! the carrier's file (`issued_not_charged`), order 100's refund is in the network's file
//! twice (`refunded_twice`), order 200's refund is missing (`refund_missing`), and three
//! carrier charges have no order (`charged_not_issued`).

use std::io::BufWriter;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{Duration, NaiveDate};
use giftgate_actors::domain::{Currency, Money, Rail, SettlementKind, SettlementRecord};

use crate::cli::ReconcileArgs;
use crate::config::Settings;
use giftgate_settlement::{csv_file, day_bounds};
use giftgate_store::pgbench::{run, with_database};

/// Seconds of the day the generated charges are spread over (refunds follow a minute
/// later, still the same day).
const SPREAD_SECONDS: f64 = 86_000.0;

/// The mismatches planted in the settlement files.
pub const PLANTED: usize = 7;

/// Generates the day, reconciles it, prints the time and the mismatches found.
pub async fn run_bench(settings: &Settings, charges: u64) -> anyhow::Result<()> {
    if charges < 1_000 {
        bail!("--charges must be at least 1000");
    }
    if !settings.database_url.starts_with("postgres") {
        bail!("--reconcile needs GIFTGATE_DATABASE_URL on a PostgreSQL server");
    }
    let admin_url = with_database(&settings.database_url, "postgres");
    let scratch = format!("gg_reconcile_{}", uuid::Uuid::new_v4().simple());
    run(
        "psql",
        &[&admin_url, "-qc", &format!("CREATE DATABASE {scratch}")],
    )
    .await?;
    let scratch_url = with_database(&settings.database_url, &scratch);
    let outcome = measure(settings, &scratch_url, charges).await;
    run(
        "psql",
        &[
            &admin_url,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"),
        ],
    )
    .await?;
    outcome
}

async fn measure(settings: &Settings, url: &str, charges: u64) -> anyhow::Result<()> {
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).context("bench day")?;
    // The schema, by the store's own migrations.
    drop(giftgate_store::connect(url).await?);
    let started = Instant::now();
    run(
        "psql",
        &[
            url,
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            &generate_sql(day, charges),
        ],
    )
    .await
    .context("generating the day")?;
    let generated = started.elapsed();

    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let billing_csv = dir.path().join("carrier.csv");
    let psp_csv = dir.path().join("psp.csv");
    write_files(day, charges, &billing_csv, &psp_csv)?;
    let written = started.elapsed();

    let args = ReconcileArgs {
        date: day,
        repair: false,
        billing_csv: Some(billing_csv),
        psp_csv: Some(psp_csv),
        json: false,
    };
    let settings = Settings {
        database_url: url.to_owned(),
        ..settings.clone()
    };
    let started = Instant::now();
    let report = crate::commands::reconcile::reconcile_day(&settings, &args).await?;
    let seconds = started.elapsed().as_secs_f64();

    print!("{report}");
    println!(
        "generated {charges} charges + {} refunds on PostgreSQL in {:.1} s; settlement files in {:.1} s",
        charges / 100,
        generated.as_secs_f64(),
        written.as_secs_f64()
    );
    println!(
        "reconcile {day}: {seconds:.2} s for {} giftgate and {} rail records; {} mismatches found ({PLANTED} planted); peak memory {}",
        report.comparison.ours.charges + report.comparison.ours.refunds,
        report.comparison.theirs.charges + report.comparison.theirs.refunds,
        report.comparison.mismatches.len(),
        peak_memory().unwrap_or_else(|| "unknown".to_owned()),
    );
    if report.comparison.mismatches.len() != PLANTED {
        bail!("expected the {PLANTED} planted mismatches");
    }
    Ok(())
}

/// The SQL that generates the day: a product, N payments, the refunded hundredth's
/// certificates and refund journal rows.
fn generate_sql(day: NaiveDate, charges: u64) -> String {
    let at = format!(
        "(TIMESTAMPTZ '{day} 00:00:00+00' + ((i - 1) * {SPREAD_SECONDS:.1} / {charges}) * INTERVAL '1 second')"
    );
    let msisdn = "'+8210' || lpad((i % 100000000)::text, 8, '0')";
    // The rail a refund went back through is its payment's method (the journal's
    // `reference`), as the reconciliation matches them.
    let method = "CASE WHEN i % 5 = 0 THEN 'card' ELSE 'carrier' END";
    format!(
        "BEGIN;
         INSERT INTO products (id, issuer, category, name, face_minor, currency, validity_days, active)
              VALUES ('bench-10000', 'bench', 'culture', 'bench 10,000', 10000, 'KRW', 365, TRUE);
         INSERT INTO payments (order_id, msisdn, method, reference, amount_minor, refunded_minor,
                               currency, state, created_at, updated_at)
              SELECT 'bench-' || i, {msisdn}, {method},
                     'ref-' || i, 10000, CASE WHEN i % 100 = 0 THEN 10000 ELSE 0 END, 'KRW',
                     CASE WHEN i % 100 = 0 THEN 'refunded' ELSE 'charged' END, {at}, {at}
                FROM generate_series(1, {charges}) AS i;
         INSERT INTO certificates (code, product_id, order_id, purchaser, owner, face_minor,
                                   balance_minor, currency, status, expires_at, pin_sealed,
                                   issued_at, version)
              SELECT lpad(i::text, 16, '0'), 'bench-10000', 'bench-' || i, {msisdn}, {msisdn},
                     10000, 0, 'KRW', 'refunded', NULL, 'bench', {at}, 1
                FROM generate_series(100, {charges}, 100) AS i;
         INSERT INTO journal (kind, certificate_code, amount_minor, currency, msisdn, order_id,
                              reference, at)
              SELECT 'refund', lpad(i::text, 16, '0'), 10000, 'KRW', {msisdn},
                     'bench-refund-' || i, {method}, {at} + INTERVAL '1 minute'
                FROM generate_series(100, {charges}, 100) AS i;
         COMMIT;
         ANALYZE;"
    )
}

/// Writes the carrier's and the network's settlement files of the day, with the planted
/// mismatches.
fn write_files(
    day: NaiveDate,
    charges: u64,
    billing: &std::path::Path,
    psp: &std::path::Path,
) -> anyhow::Result<()> {
    let (start, _) = day_bounds(day);
    let won = |amount: i64| Money::from_minor_units(amount, Currency::KRW);
    let ten_thousand = won(10_000)?;
    let mut carrier = Vec::new();
    let mut network = Vec::new();
    let record = |i: u64, rail: Rail, kind: SettlementKind, amount: Money| {
        let offset = (i - 1) as f64 * SPREAD_SECONDS / charges as f64;
        let mut at = start + Duration::microseconds((offset * 1e6) as i64);
        let mut refund_key = String::new();
        if kind == SettlementKind::Refund {
            at += Duration::minutes(1);
            refund_key = format!("{i:016}");
        }
        SettlementRecord {
            rail,
            kind,
            order_id: format!("bench-{i}"),
            refund_key,
            amount,
            rail_reference: Some(format!("ref-{i}")),
            payer: Some(format!("+8210{:08}", i % 100_000_000)),
            at,
        }
    };
    for i in 1..=charges {
        let rail = if i % 5 == 0 { Rail::Psp } else { Rail::Carrier };
        let side = match rail {
            Rail::Carrier => &mut carrier,
            Rail::Psp => &mut network,
        };
        match i {
            17 => side.push(record(i, rail, SettlementKind::Charge, won(9_000)?)),
            42 => {}
            _ => side.push(record(i, rail, SettlementKind::Charge, ten_thousand)),
        }
        if i % 100 == 0 && i != 200 {
            side.push(record(i, rail, SettlementKind::Refund, ten_thousand));
            if i == 100 {
                side.push(record(i, rail, SettlementKind::Refund, ten_thousand));
            }
        }
    }
    for n in 1..=3 {
        let mut orphan = record(n, Rail::Carrier, SettlementKind::Charge, ten_thousand);
        orphan.order_id = format!("bench-orphan-{n}");
        carrier.push(orphan);
    }
    for (path, records) in [(billing, &carrier), (psp, &network)] {
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        csv_file::write(BufWriter::new(file), records.iter())?;
    }
    Ok(())
}

/// The process's peak resident memory (Linux `VmHWM`).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_owned())
}
