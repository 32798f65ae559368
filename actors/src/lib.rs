//! giftgate core
