//! giftgate-edge: the small habits every protocol and rail adapter of giftgate shares, said
//! once so that each adapter speaks them in the same words.
//!
//! - [`mask`]: the one way a phone number (MSISDN) is shown in a log line;
//! - [`retry`]: jittered exponential back-off schedules and the one retry loop on them.
//!
//! The crate is a leaf: it depends on no other giftgate crate, so the core and every
//! adapter can use it.
#![forbid(unsafe_code)]

pub mod mask;
pub mod retry;

pub use mask::mask_msisdn;
