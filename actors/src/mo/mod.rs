//! Mobile-originated commands: parsing ([`command`]), the answers ([`replies`]) and the
//! dialogue a subscriber's session holds ([`dialogue`]: BUY → YES within 5 minutes).

pub mod command;
pub mod dialogue;
pub mod replies;

pub use command::{MoCommand, parse};
pub use dialogue::{Pending, PendingAction, handle_mo};
