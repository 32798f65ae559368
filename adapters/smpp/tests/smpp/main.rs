//! The SMPP adapter against real sockets: the SMSC simulator, a scripted fake SMSC, and two
//! independent implementations (npm `smpp`, Python `smpplib`); one test binary, one
//! module per subject.
#![allow(clippy::unwrap_used, missing_docs)]

mod bench;
mod client_sim;
mod common;
mod fake_smsc;
mod interop_npm_smpp;
mod interop_smpplib;
