//! The names of the events the gateway publishes on `giftgate.events`, as one closed list.
//!
//! The name is the event's `type` and its routing key (CONTRACT.md §3): consumers bind
//! queues to these strings, so each is written once, here.

/// An event's `type` (and routing key).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::Display,
)]
pub enum EventType {
    /// An order finished with its effect committed.
    #[strum(serialize = "order.completed")]
    OrderCompleted,
    /// An order was refused; `reason` carries the refusal code.
    #[strum(serialize = "order.failed")]
    OrderFailed,
    /// A certificate was issued to its first holder.
    #[strum(serialize = "certificate.issued")]
    CertificateIssued,
    /// A merchant redeemed part or all of a certificate.
    #[strum(serialize = "certificate.redeemed")]
    CertificateRedeemed,
    /// A redemption was voided and its amount given back.
    #[strum(serialize = "redemption.voided")]
    RedemptionVoided,
    /// A certificate's payment was refunded.
    #[strum(serialize = "certificate.refunded")]
    CertificateRefunded,
    /// A refund the original rail refused waits for its fallback.
    #[strum(serialize = "certificate.refund_queued")]
    CertificateRefundQueued,
    /// A certificate reached its expiry.
    #[strum(serialize = "certificate.expired")]
    CertificateExpired,
    /// A certificate's holder was told of its coming expiry.
    #[strum(serialize = "certificate.expiring")]
    CertificateExpiring,
    /// A certificate's validity was extended.
    #[strum(serialize = "certificate.extended")]
    CertificateExtended,
    /// A certificate was given a new PIN.
    #[strum(serialize = "certificate.rekeyed")]
    CertificateRekeyed,
    /// A certificate was blocked (lost or stolen).
    #[strum(serialize = "certificate.blocked")]
    CertificateBlocked,
    /// A blocked certificate was released.
    #[strum(serialize = "certificate.unblocked")]
    CertificateUnblocked,
    /// A gift was sent and waits for its transferee.
    #[strum(serialize = "gift.sent")]
    GiftSent,
    /// The transferee accepted a gift.
    #[strum(serialize = "gift.accepted")]
    GiftAccepted,
    /// The transferee rejected a gift; it went back to the giver.
    #[strum(serialize = "gift.rejected")]
    GiftRejected,
    /// A gift was not answered in time; it went back to the giver.
    #[strum(serialize = "gift.expired")]
    GiftExpired,
    /// The giver (or the call center) took a pending gift back.
    #[strum(serialize = "gift.cancelled")]
    GiftCancelled,
    /// A message was handed to the SMSC or MMSC.
    #[strum(serialize = "message.submitted")]
    MessageSubmitted,
    /// A message's delivery report said delivered.
    #[strum(serialize = "message.delivered")]
    MessageDelivered,
    /// A message could not be delivered.
    #[strum(serialize = "message.failed")]
    MessageFailed,
    /// A settlement run found the gateway and the rail agreeing.
    #[strum(serialize = "settlement.reconciled")]
    SettlementReconciled,
    /// A settlement run repaired a mismatch.
    #[strum(serialize = "settlement.repaired")]
    SettlementRepaired,
}

impl EventType {
    /// The name as published (`order.completed`, …).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_name_is_a_dotted_lowercase_pair_and_reads_back() {
        for event_type in EventType::iter() {
            let name = event_type.as_str();
            let (noun, verb) = name.split_once('.').expect("noun.verb");
            for part in [noun, verb] {
                assert!(
                    !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{name}"
                );
            }
            assert_eq!(name.parse::<EventType>(), Ok(event_type));
        }
    }
}
