//! Load generators behind `giftgate bench` and their measurements.

pub mod delivery;
pub mod http;
pub mod latency;
pub mod mo;
pub mod pages;
pub mod protocols;
pub mod reconcile;
pub mod sessions;
