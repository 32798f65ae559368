//! The MMS adapter: barcode rendering, content packaging and the MM7 client against the
//! MMSC simulator over HTTP; one test binary, one module per subject.
#![allow(clippy::unwrap_used, missing_docs)]

mod barcodes;
mod common;
mod contents;
mod mm7_simulator;
