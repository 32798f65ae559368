//! Builders for the PDUs this crate writes, client and simulator side, on rusmpp's types.

use rusmpp::pdus::{BindTransceiver, DeliverSm, SubmitSm};
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{
    Ansi41Specific, DataCoding, EsmClass, GsmFeatures, InterfaceVersion, IntermediateNotification,
    MCDeliveryReceipt, MessageType, MessagingMode, Npi, RegisteredDelivery,
    SmeOriginatedAcknowledgement, Ton,
};
use rusmpp::{Command, CommandStatus, Pdu};

/// A C-octet string field, or `None` if `value` is too long or not ASCII.
pub fn c_string<const MIN: usize, const MAX: usize>(value: &str) -> Option<COctetString<MIN, MAX>> {
    COctetString::from_string(value.to_owned()).ok()
}

/// An octet string field, or `None` if `value` is longer than `MAX`.
pub fn octets<const MIN: usize, const MAX: usize>(value: &[u8]) -> Option<OctetString<MIN, MAX>> {
    OctetString::from_slice(value).ok()
}

/// A request `Command` (status 0) with `pdu`.
pub fn request(sequence_number: u32, pdu: impl Into<Pdu>) -> Command {
    Command::new(CommandStatus::EsmeRok, sequence_number, pdu)
}

/// The TON/NPI an address is sent with: digits as international ISDN when `international`,
/// short codes as unknown, anything with letters as alphanumeric.
pub fn address_type(address: &str, international: bool) -> (Ton, Npi) {
    if !address.bytes().all(|b| b.is_ascii_digit()) {
        (Ton::Alphanumeric, Npi::Unknown)
    } else if international {
        (Ton::International, Npi::Isdn)
    } else {
        (Ton::Unknown, Npi::Unknown)
    }
}

/// Registered delivery asking for a final receipt, success or failure.
pub fn receipt_requested() -> RegisteredDelivery {
    RegisteredDelivery::new(
        MCDeliveryReceipt::McDeliveryReceiptRequestedWhereFinalDeliveryOutcomeIsSuccessOrFailure,
        SmeOriginatedAcknowledgement::NoReceiptSmeAcknowledgementRequested,
        IntermediateNotification::NoIntermediaryNotificationRequested,
        0,
    )
}

/// An esm_class with default messaging mode and no ANSI-41 bits.
///
/// Not `EsmClass::default()`: rusmpp 0.4's default sets the ANSI-41 "delivery
/// acknowledgement" bit (0x08), which no GSM SMSC expects on a submit or a receipt.
fn plain_esm_class(message_type: MessageType, gsm_features: GsmFeatures) -> EsmClass {
    EsmClass::new(
        MessagingMode::Default,
        message_type,
        Ansi41Specific::Other(0),
        gsm_features,
    )
}

/// esm_class of a message, with the UDHI flag when it carries a UDH.
pub fn esm_class(udhi: bool) -> EsmClass {
    let features = if udhi {
        GsmFeatures::UdhiIndicator
    } else {
        GsmFeatures::NotSelected
    };
    plain_esm_class(MessageType::Default, features)
}

/// esm_class of a delivery receipt.
pub fn receipt_esm_class() -> EsmClass {
    plain_esm_class(
        MessageType::ShortMessageContainsMCDeliveryReceipt,
        GsmFeatures::NotSelected,
    )
}

/// The fields of one part to submit.
#[derive(Debug, Clone, Copy)]
pub struct PartSpec<'a> {
    /// Source address (short code).
    pub source: &'a str,
    /// Destination, digits only.
    pub destination: &'a str,
    /// Data coding of the text.
    pub data_coding: DataCoding,
    /// Whether the part starts with a UDH.
    pub udhi: bool,
    /// `short_message` octets.
    pub short_message: &'a [u8],
}

/// A `submit_sm` requesting a receipt; `None` when a field does not fit its SMPP size.
pub fn submit_sm(spec: &PartSpec<'_>) -> Option<SubmitSm> {
    let (source_ton, source_npi) = address_type(spec.source, false);
    let (dest_ton, dest_npi) = address_type(spec.destination, true);
    Some(
        SubmitSm::builder()
            .source_addr_ton(source_ton)
            .source_addr_npi(source_npi)
            .source_addr(c_string(spec.source)?)
            .dest_addr_ton(dest_ton)
            .dest_addr_npi(dest_npi)
            .destination_addr(c_string(spec.destination)?)
            .esm_class(esm_class(spec.udhi))
            .registered_delivery(receipt_requested())
            .data_coding(spec.data_coding)
            .short_message(octets(spec.short_message)?)
            .build(),
    )
}

/// A `deliver_sm` (MO or receipt) from `source` to `destination`.
pub fn deliver_sm(spec: &PartSpec<'_>, esm_class: EsmClass) -> Option<DeliverSm> {
    let (source_ton, source_npi) = address_type(spec.source, true);
    let (dest_ton, dest_npi) = address_type(spec.destination, false);
    Some(
        DeliverSm::builder()
            .source_addr_ton(source_ton)
            .source_addr_npi(source_npi)
            .source_addr(c_string(spec.source)?)
            .dest_addr_ton(dest_ton)
            .dest_addr_npi(dest_npi)
            .destination_addr(c_string(spec.destination)?)
            .esm_class(esm_class)
            .data_coding(spec.data_coding)
            .short_message(octets(spec.short_message)?)
            .build(),
    )
}

/// A `bind_transceiver` as SMPP 3.4; `None` when a credential is too long.
pub fn bind_transceiver(
    system_id: &str,
    password: &str,
    system_type: &str,
) -> Option<BindTransceiver> {
    Some(
        BindTransceiver::builder()
            .system_id(c_string(system_id)?)
            .password(c_string(password)?)
            .system_type(c_string(system_type)?)
            .interface_version(InterfaceVersion::Smpp3_4)
            .build(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn international_destinations_are_isdn_and_short_codes_unknown() {
        assert_eq!(
            address_type("821012345678", true),
            (Ton::International, Npi::Isdn)
        );
        assert_eq!(address_type("1555", false), (Ton::Unknown, Npi::Unknown));
        assert_eq!(
            address_type("GIFT", false),
            (Ton::Alphanumeric, Npi::Unknown)
        );
    }

    #[test]
    fn esm_classes_carry_only_the_bits_meant() {
        assert_eq!(u8::from(esm_class(false)), 0x00);
        assert_eq!(u8::from(esm_class(true)), 0x40);
        assert_eq!(u8::from(receipt_esm_class()), 0x04);
    }

    #[test]
    fn oversized_fields_are_refused_not_truncated() {
        assert!(bind_transceiver("a-system-id-too-long", "pw", "").is_none());
        assert!(bind_transceiver("giftgate", "secret", "").is_some());
        let spec = PartSpec {
            source: "1555",
            destination: "821012345678",
            data_coding: DataCoding::McSpecific,
            udhi: false,
            short_message: &[0u8; 256],
        };
        assert!(submit_sm(&spec).is_none());
    }
}
