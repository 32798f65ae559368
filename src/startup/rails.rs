//! The payment rails: carrier billing (OneAPI Payment) and the payment network, each at
//! its configured URL or at a built-in simulator started here (see [`crate::rails`] for
//! when that is allowed).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use giftgate_actors::ports::PaymentRail;
use giftgate_actors::service::PaymentRails;
use giftgate_billing::{BillingConfig, BillingSimHandle, BillingSimulator, OneApiBilling};
use giftgate_psp::{PspClient, PspConfig, PspSimHandle, PspSimulator};

use crate::config::Settings;

/// The clients of both rails, and the simulators serving those without a URL.
pub(super) struct Rails {
    pub billing: Arc<OneApiBilling>,
    pub psp: Arc<PspClient>,
    pub billing_simulator: Option<BillingSimHandle>,
    pub psp_simulator: Option<PspSimHandle>,
}

impl Rails {
    /// The rails as the core charges them: the carrier bill, and the payment network.
    pub fn payment_rails(&self) -> PaymentRails {
        let carrier: Arc<dyn PaymentRail> = self.billing.clone();
        let network: Arc<dyn PaymentRail> = self.psp.clone();
        PaymentRails {
            carrier,
            network: Some(network),
        }
    }
}

/// Connects both rails, starting a simulator for each without a URL.
pub(super) async fn start(settings: &Settings) -> anyhow::Result<Rails> {
    let (billing_url, billing_simulator) = match &settings.billing_url {
        Some(url) => (url.clone(), None),
        None => {
            let simulator = BillingSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .context("starting the built-in billing simulator")?;
            tracing::info!(url = %simulator.base_url(), "built-in carrier billing simulator");
            (simulator.base_url(), Some(simulator))
        }
    };
    let billing = Arc::new(
        OneApiBilling::new(billing_config(settings, billing_url)).context("billing client")?,
    );
    let (psp_url, psp_simulator) = match &settings.psp_url {
        Some(url) => (url.clone(), None),
        None => {
            let simulator = PspSimulator::start(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .context("starting the built-in payment simulator")?;
            tracing::info!(url = %simulator.base_url(), "built-in payment network simulator");
            (simulator.base_url().to_owned(), Some(simulator))
        }
    };
    let psp =
        Arc::new(PspClient::new(psp_config(settings, psp_url)).context("payment network client")?);
    Ok(Rails {
        billing,
        psp,
        billing_simulator,
        psp_simulator,
    })
}

/// The carrier billing client's configuration for the API at `url`.
pub fn billing_config(settings: &Settings, url: String) -> BillingConfig {
    BillingConfig {
        request_timeout: Duration::from_millis(settings.billing_timeout_ms.max(100)),
        ..BillingConfig::new(url)
    }
}

/// The payment network client's configuration for the API at `url`.
pub fn psp_config(settings: &Settings, url: String) -> PspConfig {
    PspConfig {
        request_timeout: Duration::from_millis(settings.psp_timeout_ms.max(100)),
        ..PspConfig::new(url, "giftgate")
    }
}
