//! The actix actors that run the gateway's work: one [`SubscriberSession`] per active
//! subscriber behind a [`SessionRegistry`], and the timers that expire gifts and
//! unconfirmed requests and resume pending orders.

pub mod certificate_expiry;
pub mod confirmation_expiry;
pub mod gift_expiry;
pub mod recovery;
pub mod registry;
pub mod session;

pub use certificate_expiry::CertificateExpiry;
pub use confirmation_expiry::ConfirmationExpiry;
pub use gift_expiry::GiftExpiry;
pub use recovery::Recovery;
pub use registry::{Dispatch, RegistryConfig, SessionRegistry};
pub use session::{SessionCommand, SessionReply, SubscriberSession};

/// Asks a long-running actor (timer, registry) to stop: part of the gateway's drain.
#[derive(actix::Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Stop;

macro_rules! stops_on_request {
    ($($actor:ty),+) => {
        $(
            impl actix::Handler<Stop> for $actor {
                type Result = ();

                fn handle(&mut self, _: Stop, ctx: &mut Self::Context) {
                    use actix::ActorContext;
                    ctx.stop();
                }
            }
        )+
    };
}

stops_on_request!(CertificateExpiry, ConfirmationExpiry, GiftExpiry, Recovery);
