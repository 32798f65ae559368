//! End-to-end tests of the billing adapter against the billing simulator over real HTTP on
//! loopback (port 0): the client as the core uses it, the simulator as a carrier would run
//! it. One test binary, modules by theme.
#![allow(clippy::unwrap_used)]

mod faults;
mod helpers;
mod lifecycle;
mod standalone;
mod triggers;
