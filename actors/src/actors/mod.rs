//! The actix actors that run the gateway's work: one [`SubscriberSession`] per active
//! subscriber behind a [`SessionRegistry`], and the timers that expire gifts and resume
//! pending orders.

pub mod gift_expiry;
pub mod recovery;
pub mod registry;
pub mod session;

pub use gift_expiry::GiftExpiry;
pub use recovery::Recovery;
pub use registry::{Dispatch, RegistryConfig, SessionRegistry};
pub use session::{SessionCommand, SessionReply, SubscriberSession};
