//! `giftgate rekey`: re-seals PINs and refund account numbers under a new secret key.
//!
//! While it runs, gateways should hold the new key as `GIFTGATE_SECRET_KEY` and the old one
//! as `GIFTGATE_PREVIOUS_SECRET_KEY` (they seal with the new one, open both). Exit 0 when
//! every value is under the new key; 1 when stopped early by `--max-batches` or when some
//! values could not be opened (run again, or look at them); 2 when it could not work.

use std::process::ExitCode;

use anyhow::Context;
use giftgate_actors::domain::PinCipher;
use giftgate_actors::service::rekey::Rekeyer;

use crate::cli::RekeyArgs;
use crate::config::Settings;
use crate::secret_key::pin_cipher;

/// Runs the re-keying.
pub async fn run(settings: &Settings, args: &RekeyArgs) -> anyhow::Result<ExitCode> {
    let old = pin_cipher(&settings.database_url, settings.secret_key.as_deref())
        .context("the current key (GIFTGATE_SECRET_KEY)")?;
    let new_hex = std::fs::read_to_string(&args.new_key_file)
        .with_context(|| format!("reading {}", args.new_key_file.display()))?;
    let new = PinCipher::from_hex(new_hex.trim())
        .map_err(|_| anyhow::anyhow!("the new key file must hold 64 hex digits"))?;
    let store = crate::startup::open_store(settings).await?;
    let report = Rekeyer::new(store, old, new)
        .run(args.batch_size, args.max_batches)
        .await?;
    println!(
        "rekey: {} re-sealed, {} already under the new key, {} changed meanwhile, {} unreadable{}",
        report.resealed,
        report.current,
        report.moved,
        report.unreadable,
        if report.complete {
            ""
        } else {
            " (stopped by --max-batches: run again to go on)"
        }
    );
    Ok(
        if report.complete && report.unreadable == 0 && report.moved == 0 {
            println!(
                "rekey: done; set GIFTGATE_SECRET_KEY to the new key and unset GIFTGATE_PREVIOUS_SECRET_KEY"
            );
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        },
    )
}
