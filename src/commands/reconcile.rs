//! `giftgate reconcile --date D`: compares giftgate's charges and refunds of a UTC day
//! with the carrier billing system's and the payment network's (their simulators over
//! HTTP, or their settlement files), prints every mismatch, refunds orphan charges with
//! `--repair`, publishes `settlement.reconciled`, and exits 1 while mismatches remain.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use giftgate_actors::domain::Rail;
use giftgate_actors::ports::PaymentRail;
use giftgate_actors::service::ServiceError;
use giftgate_actors::service::reconcile::{MismatchKind, compare};
use giftgate_actors::service::settlement::{RepairOutcome, publish_reconciled, repair_orphan};
use giftgate_billing::OneApiBilling;
use giftgate_psp::PspClient;
use giftgate_settlement::{Source, day_bounds, rail_records};

use self::report::Report;
use crate::cli::ReconcileArgs;
use crate::config::Settings;
use crate::startup::{billing_config, psp_config};

pub mod report;

/// Runs the reconciliation of one day, prints its report, exits 1 while mismatches
/// remain.
pub async fn run(settings: &Settings, args: ReconcileArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = reconcile_day(settings, &args).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{report}");
    }
    tracing::info!(
        day = %args.date,
        mismatches = report.comparison.mismatches.len(),
        repaired = report.repaired(),
        seconds = started.elapsed().as_secs_f64(),
        "reconciled"
    );
    Ok(if report.remaining() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Reads both sides of the day, compares them, repairs with `--repair`, and publishes
/// `settlement.reconciled`; answers the report.
pub async fn reconcile_day(settings: &Settings, args: &ReconcileArgs) -> anyhow::Result<Report> {
    let carrier = source(
        args.billing_csv.clone(),
        settings.billing_url.clone(),
        "--billing-csv or GIFTGATE_BILLING_URL",
    )?;
    let network = source(
        args.psp_csv.clone(),
        settings.psp_url.clone(),
        "--psp-csv or GIFTGATE_PSP_URL",
    )?;
    let store = giftgate_store::connect(&settings.database_url).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let (from, to) = day_bounds(args.date);
    let (ours, mut theirs, network_records) = tokio::try_join!(
        async {
            store
                .settlement_records(from, to)
                .await
                .context("reading giftgate's settlement")
        },
        async {
            rail_records(&client, Rail::Carrier, &carrier, args.date)
                .await
                .context("reading the carrier's settlement")
        },
        async {
            rail_records(&client, Rail::Psp, &network, args.date)
                .await
                .context("reading the payment network's settlement")
        },
    )?;
    theirs.extend(network_records);
    let comparison = compare(args.date, ours, theirs);
    let mut repairs = Vec::new();
    if args.repair {
        let rails = RepairRails::of(settings)?;
        for mismatch in &comparison.mismatches {
            if mismatch.kind != MismatchKind::ChargedNotIssued {
                repairs.push(None);
                continue;
            }
            let outcome = match rails.of_rail(mismatch.rail) {
                None => RepairOutcome::Skipped(format!(
                    "no {} URL configured to refund through",
                    mismatch.rail.as_str()
                )),
                Some(rail) => {
                    match repair_orphan(store.as_ref(), rail.as_ref(), mismatch, Utc::now()).await {
                        Ok(outcome) => outcome,
                        Err(ServiceError::PaymentUnknown(detail)) => RepairOutcome::Skipped(
                            format!("refund outcome unknown ({detail}); run again"),
                        ),
                        Err(error) => return Err(error.into()),
                    }
                }
            };
            repairs.push(Some(outcome));
        }
    }
    let report = Report {
        comparison,
        repairs,
    };
    publish_reconciled(
        store.as_ref(),
        &report.comparison,
        report.repaired(),
        Utc::now(),
    )
    .await?;
    Ok(report)
}

fn source(
    csv: Option<std::path::PathBuf>,
    url: Option<String>,
    needed: &str,
) -> anyhow::Result<Source> {
    match (csv, url) {
        (Some(path), _) => Ok(Source::Csv(path)),
        (None, Some(url)) => Ok(Source::Simulator(url)),
        (None, None) => anyhow::bail!("no settlement source: {needed} is needed"),
    }
}

/// The rail clients repairs refund through, for the rails whose URL is configured.
struct RepairRails {
    carrier: Option<Arc<dyn PaymentRail>>,
    network: Option<Arc<dyn PaymentRail>>,
}

impl RepairRails {
    fn of(settings: &Settings) -> anyhow::Result<Self> {
        let carrier = match &settings.billing_url {
            None => None,
            Some(url) => {
                let config = billing_config(settings, url.clone());
                let client: Arc<dyn PaymentRail> =
                    Arc::new(OneApiBilling::new(config).context("billing client")?);
                Some(client)
            }
        };
        let network = match &settings.psp_url {
            None => None,
            Some(url) => {
                let client: Arc<dyn PaymentRail> = Arc::new(
                    PspClient::new(psp_config(settings, url.clone()))
                        .context("payment network client")?,
                );
                Some(client)
            }
        };
        Ok(RepairRails { carrier, network })
    }

    fn of_rail(&self, rail: Rail) -> Option<&Arc<dyn PaymentRail>> {
        match rail {
            Rail::Carrier => self.carrier.as_ref(),
            Rail::Psp => self.network.as_ref(),
        }
    }
}
