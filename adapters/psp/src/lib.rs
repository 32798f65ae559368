//! giftgate's external settlement rail: a REST client of a payment network (card and bank
//! payments through a PSP) that implements the core's [`PaymentRail`] port, and a simulator
//! of the same API for tests, demos and carriers' integration teams.
//!
//! The API is in the style of modern PSPs (see [`wire`]): `POST /v1/payments` authorizes,
//! `…/capture`, `…/void` and `…/refunds` act on an authorization, `GET
//! /v1/payments?reference=` looks payments up by the order they pay. Every write carries an
//! `Idempotency-Key` derived from the order, but a provider may refuse a retried key without
//! replaying the first answer (as GSMA CAMARA Carrier Billing does with 409 Conflict), so the
//! client settles every unknown outcome by looking the payment up ([`retry`]), never by
//! trusting a re-send.
//!
//! ```
//! # use giftgate_actors::domain::{Currency, Money, Msisdn, OrderId, Region, Settlement};
//! # use giftgate_actors::ports::{PaymentRail, PaymentRequest, RailStatus};
//! # use giftgate_psp::{PspClient, PspConfig, PspSimulator};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = PspSimulator::start("127.0.0.1:0").await?;
//! let psp = PspClient::new(PspConfig::new(sim.base_url(), "giftgate"))?;
//! let request = PaymentRequest {
//!     order_id: OrderId::parse("ord-1")?,
//!     payer: Msisdn::parse("010-1234-5678", Region::default())?,
//!     settlement: Settlement::Card { token: "tok_ok".into() },
//!     amount: Money::parse("50000", Currency::KRW)?,
//!     description: "Department store 50,000 x1".into(),
//! };
//! let reference = psp.reserve(&request).await?;
//! psp.charge(&request, &reference).await?;
//! assert_eq!(psp.status(&request).await?, RailStatus::Charged { reference });
//! sim.stop().await;
//! # Ok(())
//! # }
//! ```
//!
//! [`PaymentRail`]: giftgate_actors::ports::PaymentRail

// Internal to the workspace (`publish = false`): the docs link private modules on purpose
// and are read with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

pub(crate) mod client;
pub(crate) mod retry;
pub(crate) mod sim;
pub(crate) mod transfer;
pub mod wire;

pub use client::{PspClient, PspConfig, PspError};
pub use sim::{PspSimConfig, PspSimError, PspSimHandle, PspSimulator, SimPayment, run_standalone};
