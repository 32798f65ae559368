//! giftgate core: the domain model, the ports the core needs, the rules of the ledger,
//! and the actix actors that run orders. Nothing here knows SQL, AMQP, SMPP or HTTP
//! clients; adapters implement the ports in [`ports`].
#![forbid(unsafe_code)]

pub mod actors;
pub mod domain;
pub mod mo;
pub mod ports;
pub mod service;
