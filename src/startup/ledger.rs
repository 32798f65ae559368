//! The core's services: the deployment policy from settings, the PIN cipher, and the
//! ledger over the store and the rails (with the external content provider if one is
//! configured).

use std::sync::Arc;

use anyhow::Context;
use giftgate_actors::domain::{Currency, Money, PinCipher, Region};
use giftgate_actors::ports::{Clock, Store, SystemClock};
use giftgate_actors::service::{Ledger, Policy};
use giftgate_delivery::content_provider::HttpContentSource;

use super::rails::Rails;
use crate::config::Settings;
use crate::secret_key::pin_cipher;

/// The deployment policy from settings.
pub fn policy(settings: &Settings) -> anyhow::Result<Policy> {
    let region = Region::parse(&settings.country).context("GIFTGATE_COUNTRY")?;
    let monthly_carrier_cap = (settings.monthly_carrier_cap > 0)
        .then(|| Money::from_minor_units(settings.monthly_carrier_cap, Currency::KRW))
        .transpose()
        .context("GIFTGATE_MONTHLY_CARRIER_CAP")?;
    Ok(Policy {
        region,
        language: settings.language,
        monthly_carrier_cap,
        gift_answer_window: chrono::Duration::days(settings.gift_answer_days.max(1)),
        max_extension_months: settings.max_extension_months,
        expiry_notice_days: settings.expiry_notice_days,
        confirm_window: chrono::Duration::seconds(
            i64::try_from(settings.confirm_secs.max(1)).unwrap_or(i64::MAX),
        ),
        refunds: crate::refund_config::refund_rules(settings)?,
        public_url: Some(settings.public_url()),
        ..Policy::default()
    })
}

/// The PIN cipher: the current key, and the previous one while `giftgate rekey` runs.
pub(super) fn pins(settings: &Settings) -> anyhow::Result<PinCipher> {
    let pins = pin_cipher(&settings.database_url, settings.secret_key.as_deref())?;
    match &settings.previous_secret_key {
        Some(previous) => pins
            .with_previous(previous)
            .context("GIFTGATE_PREVIOUS_SECRET_KEY must be 64 hex digits"),
        None => Ok(pins),
    }
}

/// The ledger over `store` and `rails`, with refund account numbers stored plain
/// sealed before it serves.
pub(super) async fn start(
    settings: &Settings,
    store: &Arc<dyn Store>,
    rails: &Rails,
    pins: PinCipher,
) -> anyhow::Result<Arc<Ledger>> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut ledger = Ledger::new(
        Arc::clone(store),
        rails.payment_rails(),
        clock,
        pins,
        policy(settings)?,
    )
    .with_payout(rails.psp.clone())
    .with_points(rails.billing.clone());
    if let Some(template) = &settings.content_provider_url {
        let source = HttpContentSource::new(template, settings.content_max_bytes)
            .context("GIFTGATE_CONTENT_PROVIDER_URL")?;
        ledger = ledger.with_content_source(Arc::new(source));
    }
    let ledger = Arc::new(ledger);
    let sealed = ledger
        .seal_plain_refund_accounts()
        .await
        .context("sealing refund account numbers stored plain")?;
    if sealed > 0 {
        tracing::info!(sealed, "refund account numbers sealed at rest");
    }
    Ok(ledger)
}
