//! Mobile-originated commands: parsing ([`command`]), the answers ([`replies`]), the
//! dialogue run in a subscriber's session ([`dialogue`]), requests waiting for `YES`
//! ([`confirm`], kept in the database) and the catalogue by SMS ([`catalog`]).

pub mod catalog;
pub mod command;
pub mod confirm;
pub mod dialogue;
pub mod replies;

pub use command::{HelpReason, MoCommand, parse};
pub use dialogue::handle_mo;
