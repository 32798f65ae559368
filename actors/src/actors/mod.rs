//! The actix actors that run the gateway's work: one [`SubscriberSession`] per active
//! subscriber behind a [`SessionRegistry`], and the timers that expire gifts and
//! unconfirmed requests and resume pending orders, each a [`PeriodicJob`] run by the one
//! [`Periodic`] actor.

pub mod certificate_expiry;
pub mod confirmation_expiry;
pub mod gift_expiry;
pub mod periodic;
pub mod recovery;
pub mod registry;
pub mod session;

pub use certificate_expiry::CertificateExpiry;
pub use confirmation_expiry::ConfirmationExpiry;
pub use gift_expiry::GiftExpiry;
pub use periodic::{Periodic, PeriodicJob, StopSignal, TickContext};
pub use recovery::Recovery;
pub use registry::{Dispatch, RegistryConfig, SessionRegistry};
pub use session::{SessionCommand, SessionReply, SubscriberSession};

/// Asks a long-running actor (a [`Periodic`] worker) to stop: part of the gateway's
/// drain. A worker answers once its round in progress has finished.
#[derive(actix::Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Stop;
