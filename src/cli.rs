//! The command line (CONTRACT.md §1).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// giftgate: sell, gift and redeem electronic gift certificates over a carrier's
/// messaging and billing.
#[derive(Debug, Parser)]
#[command(name = "giftgate", version, about)]
pub struct Cli {
    /// TOML configuration file (environment variables win over it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway until SIGINT/SIGTERM, then drain and exit 0.
    Serve,
    /// Run the embedded default end to end: a scripted purchase → gift → accept →
    /// redemption → reject → refund story on SQLite with the built-in simulators.
    Demo {
        /// Keep the demo's database in this file instead of a temporary one.
        #[arg(long, value_name = "FILE")]
        database: Option<PathBuf>,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Check the ledger invariants; exit 1 if any is violated.
    Audit,
    /// Compare giftgate's charges and refunds of a UTC day with the rails' settlement
    /// (simulators at GIFTGATE_BILLING_URL / GIFTGATE_PSP_URL, or settlement files);
    /// exit 1 while mismatches remain.
    Reconcile(ReconcileArgs),
    /// Re-seal every PIN and refund account number under a new secret key, in batches;
    /// safe to stop and run again. The old key is the configured one
    /// (`GIFTGATE_SECRET_KEY`, or the SQLite key file).
    Rekey(RekeyArgs),
    /// Load generator: drive a gateway over HTTP and print throughput and latency.
    Bench(BenchArgs),
    /// Run one simulator alone.
    Sim {
        /// Which.
        #[command(subcommand)]
        which: Simulator,
    },
}

/// Options of `giftgate rekey`.
#[derive(Debug, clap::Args)]
pub struct RekeyArgs {
    /// File holding the new key (64 hex digits).
    #[arg(long, value_name = "FILE")]
    pub new_key_file: PathBuf,
    /// Rows read and re-sealed per batch.
    #[arg(long, default_value_t = 500)]
    pub batch_size: u32,
    /// Stop after this many batches (run again to go on).
    #[arg(long)]
    pub max_batches: Option<u64>,
}

/// Options of `giftgate bench`. Without a protocol flag it drives the HTTP API.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// SMPP: submit_sm/s on one bind (window 64) against an in-process Rust SMSC, the
    /// independent `smpp34` crate's figure in the same run, and a TPS-limited run.
    #[arg(long, conflicts_with_all = ["mms"])]
    pub smpp: bool,
    /// AMQP: publish a realistic order mix to `GIFTGATE_AMQP_URL` (purchase 60 %, gift
    /// 20 %, accept/reject 10 %, refund 10 %) and measure completed orders/s from
    /// `order.completed` events and end-to-end latency; a gateway must consume there.
    #[arg(long)]
    pub amqp: bool,
    /// MO: BAL answered/s through one SMPP bind, and BAL latency alone and while 10 % of
    /// the subscribers run BUY + YES against a carrier answering after 2 s.
    #[arg(long)]
    pub mo: bool,
    /// BAL texts per subscriber in the `--mo` throughput run.
    #[arg(long, default_value_t = 5)]
    pub mo_rounds: usize,
    /// Seconds of the paced `--mo` latency run (at `--rate` BAL/s), in 6-s windows
    /// alternating alone and beside slow charges.
    #[arg(long, default_value_t = 36)]
    pub mo_seconds: u32,
    /// Subscribers the AMQP mix (or the `--mo` handsets) is spread over.
    #[arg(long, default_value_t = 5000)]
    pub subscribers: usize,
    /// Offered orders/s for the AMQP latency run (unpaced when absent).
    #[arg(long)]
    pub offered_rate: Option<u32>,
    /// SMS delivery: notifications/s from committed outbox entries to the independent npm
    /// `smpp` SMSC, receipts included (run from the repository root; needs node and npm).
    #[arg(long)]
    pub smpp_delivery: bool,
    /// Pages: voucher pages (`/v/{token}`) served per second against the JSON wallet
    /// route in the same run, and the pages' p50/p99 at `--rate` offered per second.
    #[arg(long)]
    pub pages: bool,
    /// Sessions: the RSS of a `giftgate serve` child as `--subscribers` subscribers each
    /// buy once (one live session each), and after the sessions stop.
    #[arg(long)]
    pub sessions: bool,
    /// With `--sessions`: run the simulators as processes of their own.
    #[arg(long)]
    pub external_simulators: bool,
    /// Idle seconds before a session stops, for `--sessions`.
    #[arg(long, default_value_t = 600)]
    pub session_idle_secs: u64,
    /// MMS: packaged and submitted MMS/s (100 KB packages) to the MMSC simulator, and the
    /// barcode rendering cost.
    #[arg(long)]
    pub mms: bool,
    /// Reconciliation: generate one day of `--charges` charges on a scratch PostgreSQL
    /// database of the configured server and the rails' settlement files with planted
    /// mismatches, then time `giftgate reconcile` of that day.
    #[arg(long)]
    pub reconcile: bool,
    /// Charges of the generated day for `--reconcile`.
    #[arg(long, default_value_t = 1_000_000)]
    pub charges: u64,
    /// Messages for the protocol benchmarks.
    #[arg(long, default_value_t = 100_000)]
    pub messages: usize,
    /// Seconds of the TPS-limited SMPP run (0 skips it).
    #[arg(long, default_value_t = 30)]
    pub tps_seconds: u32,
    /// Purchases to complete.
    #[arg(long, default_value_t = 2000)]
    pub purchases: usize,
    /// Redemptions to run.
    #[arg(long, default_value_t = 5000)]
    pub redemptions: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Offered redemption rate for the latency run (per second).
    #[arg(long, default_value_t = 500)]
    pub rate: u32,
    /// Also run `pgbench -c 8 -j 2 -T 15` against the database as the reference.
    #[arg(long)]
    pub pgbench: bool,
    /// HTTP worker threads of the benchmarked gateway (on this 2-core machine the load
    /// generator and PostgreSQL share the cores; one worker contends least).
    #[arg(long, default_value_t = 1)]
    pub http_workers: usize,
    /// Run the benchmarked gateway API-only (no SMS/MMS delivery workers in it; the
    /// notifications stay committed in the outbox for delivery instances).
    #[arg(long)]
    pub api_only: bool,
}

/// Options of `giftgate reconcile`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReconcileArgs {
    /// The UTC day, `YYYY-MM-DD`.
    #[arg(long)]
    pub date: chrono::NaiveDate,
    /// Refund orphan charges (charged at a rail, no giftgate order) through their rail,
    /// once, journaled as `settlement.repaired`.
    #[arg(long)]
    pub repair: bool,
    /// The carrier's settlement file (CSV, see README) instead of its simulator.
    #[arg(long, value_name = "FILE")]
    pub billing_csv: Option<PathBuf>,
    /// The payment network's settlement file (CSV) instead of its simulator.
    #[arg(long, value_name = "FILE")]
    pub psp_csv: Option<PathBuf>,
    /// Print the report as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// The simulators.
#[derive(Debug, Subcommand)]
pub enum Simulator {
    /// Carrier billing (OneAPI Payment style).
    Billing {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9101")]
        addr: String,
    },
    /// SMSC: SMPP 3.4 server with receipts, fault injection, MO injection and inboxes
    /// over HTTP (`GET /handsets/{msisdn}/inbox`, `POST /mo`, `PUT /faults`, `GET /stats`).
    Smsc {
        /// SMPP listen address.
        #[arg(long, default_value = "127.0.0.1:2775")]
        smpp_addr: String,
        /// HTTP listen address.
        #[arg(long, default_value = "127.0.0.1:9103")]
        http_addr: String,
    },
    /// MMSC: MM7 endpoint validating like a strict MMSC, with delivery reports and
    /// inboxes over HTTP.
    Mmsc {
        /// Listen address (MM7 at `/mm7`).
        #[arg(long, default_value = "127.0.0.1:9104")]
        addr: String,
        /// Where to post delivery reports (e.g. `http://127.0.0.1:8080/mm7/delivery-reports`).
        #[arg(long)]
        delivery_report_url: Option<String>,
    },
    /// Payment network for card and bank settlement.
    Psp {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9102")]
        addr: String,
    },
}
