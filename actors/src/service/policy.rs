//! The deployment's rules: caps, limits and time windows.

use chrono::Duration;

use super::refund_rules::RefundRules;
use crate::domain::{Language, Money, Region};

/// Rules one deployment chooses (configuration fills it; the defaults follow CONTRACT.md).
#[derive(Debug, Clone)]
pub struct Policy {
    /// Region national phone numbers are read in.
    pub region: Region,
    /// Language of handset texts.
    pub language: Language,
    /// Most a subscriber may put on the phone bill per calendar month (UTC); `None` = no cap.
    pub monthly_carrier_cap: Option<Money>,
    /// How long a transferee has to answer a gift.
    pub gift_answer_window: Duration,
    /// Wrong PINs in a row from one merchant that lock the certificate for that merchant.
    pub pin_max_failures: u32,
    /// Wrong PINs from all merchants together that lock the certificate everywhere.
    pub pin_max_failures_all: u32,
    /// How long a lock lasts.
    pub pin_lock: Duration,
    /// Name printed on handset texts for merchants without one.
    pub default_merchant_name: String,
    /// How many months past its original validity a certificate may be extended (3 at a
    /// time); 0 = extension not offered.
    pub max_extension_months: u32,
    /// How many days before its expiry a certificate's owner is told (once per expiry
    /// date); 0 = no notices.
    pub expiry_notice_days: u32,
    /// Who may have a certificate refunded, when, and how much.
    pub refunds: RefundRules,
    /// How long a purchase or gift waits for the subscriber's `YES`
    /// (`GIFTGATE_CONFIRM_SECS`).
    pub confirm_window: Duration,
    /// Base of the subscriber pages (`GIFTGATE_PUBLIC_URL`, no trailing slash): messages
    /// handing over a certificate or a gift carry a link under it; `None` = no links.
    pub public_url: Option<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            region: Region::KR,
            language: Language::Ko,
            monthly_carrier_cap: None,
            gift_answer_window: Duration::days(7),
            pin_max_failures: 5,
            pin_max_failures_all: 20,
            pin_lock: Duration::minutes(30),
            default_merchant_name: "merchant".to_owned(),
            max_extension_months: 0,
            expiry_notice_days: 30,
            refunds: RefundRules::default(),
            confirm_window: Duration::seconds(300),
            public_url: None,
        }
    }
}
