//! Mobile-originated messages: decoding `deliver_sm` user data and reassembling
//! concatenated MO parts before the text is handed on.
//!
//! The same reading of user data (UDH, packed or unpacked septets, payload TLV) serves the
//! simulator's inbox, which reassembles `submit_sm` parts the same way.

use std::time::Duration;

use rusmpp::pdus::DeliverSm;
use rusmpp::tlvs::TlvValue;
use rusmpp::values::{DataCoding, EsmClass, GsmFeatures};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::concat::{ConcatInfo, ExpiredMessage, Reassembler, parse_user_data};
use crate::encoding::{CodingOptions, decode_units, gsm7};

/// How long the parts of a concatenated MO message are awaited after the first one.
pub const DEFAULT_MO_REASSEMBLY_TIMEOUT: Duration = Duration::from_secs(120);

/// A text a subscriber sent (to the short code), decoded and reassembled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoMessage {
    /// The sender as the SMSC gave it (`821012345678`, `01012345678`…).
    pub from: String,
    /// The destination (normally the short code).
    pub to: String,
    /// The text.
    pub text: String,
}

/// User data of one short message: where it sits in a concatenated message and its units
/// (septets for GSM, octets otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartUnits {
    /// Concatenation info from the UDH, if the message is a part.
    pub concat: Option<ConcatInfo>,
    /// Data coding of the part.
    pub data_coding: DataCoding,
    /// Septets (GSM, unpacked) or octets.
    pub units: Vec<u8>,
}

/// Reads the user data of a short message. `payload` is the `message_payload` TLV, used
/// when `short_message` is empty.
pub fn part_units(
    esm_class: EsmClass,
    data_coding: DataCoding,
    short_message: &[u8],
    payload: Option<&[u8]>,
    options: &CodingOptions,
) -> PartUnits {
    let udhi = matches!(
        esm_class.gsm_features,
        GsmFeatures::UdhiIndicator | GsmFeatures::SetUdhiAndReplyPath
    );
    let bytes = match payload {
        Some(payload) if short_message.is_empty() => payload,
        _ => short_message,
    };
    let data = parse_user_data(bytes, udhi);
    let units = if data_coding == DataCoding::McSpecific && options.gsm_packed {
        gsm7::unpack(data.body, data.fill_bits)
    } else {
        data.body.to_vec()
    };
    PartUnits {
        concat: data.concat,
        data_coding,
        units,
    }
}

/// The `message_payload` TLV of a `deliver_sm`, if any.
pub fn deliver_sm_payload(deliver_sm: &DeliverSm) -> Option<&[u8]> {
    deliver_sm.tlvs().iter().find_map(|tlv| match tlv.value() {
        Some(TlvValue::MessagePayload(payload)) => Some(payload.value.as_ref()),
        _ => None,
    })
}

/// Decodes MO `deliver_sm`s and reassembles concatenated ones.
#[derive(Debug)]
pub struct MoAssembler {
    reassembler: Reassembler<(String, String), PartUnits>,
    options: CodingOptions,
}

impl MoAssembler {
    /// An assembler that waits `timeout` for missing parts.
    pub fn new(options: CodingOptions, timeout: Duration) -> Self {
        Self {
            reassembler: Reassembler::new(timeout),
            options,
        }
    }

    /// Takes one MO `deliver_sm`; returns the message when it is complete.
    pub fn accept(&mut self, deliver_sm: &DeliverSm, now: Instant) -> Option<MoMessage> {
        let from = deliver_sm.source_addr.as_str().to_owned();
        let to = deliver_sm.destination_addr.as_str().to_owned();
        let part = part_units(
            deliver_sm.esm_class,
            deliver_sm.data_coding,
            deliver_sm.short_message().as_ref(),
            deliver_sm_payload(deliver_sm),
            &self.options,
        );
        let parts = match part.concat {
            Some(info) => self
                .reassembler
                .push((from.clone(), to.clone()), info, part, now)?,
            None => vec![part],
        };
        Some(MoMessage {
            from,
            to,
            text: decode_parts(&parts, &self.options),
        })
    }

    /// Gives up on incomplete messages older than the timeout.
    pub fn expire(&mut self, now: Instant) -> Vec<ExpiredMessage<(String, String)>> {
        self.reassembler.expire(now)
    }
}

/// Decodes the parts of one message, in order, as one text.
pub fn decode_parts(parts: &[PartUnits], options: &CodingOptions) -> String {
    let Some(first) = parts.first() else {
        return String::new();
    };
    let units: Vec<u8> = parts.iter().flat_map(|p| p.units.iter().copied()).collect();
    decode_units(first.data_coding, &units, options)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::concat::encode_message;
    use crate::encoding::Alphabet;
    use rusmpp::types::OctetString;

    fn deliver_sm(text_part: &[u8], data_coding: DataCoding, udhi: bool) -> DeliverSm {
        let esm = if udhi {
            EsmClass::default().with_udhi_indicator()
        } else {
            EsmClass::default()
        };
        DeliverSm::builder()
            .source_addr("821012345678".parse().unwrap())
            .destination_addr("1555".parse().unwrap())
            .esm_class(esm)
            .data_coding(data_coding)
            .short_message(OctetString::from_slice(text_part).unwrap())
            .build()
    }

    #[test]
    fn an_ia5_command_is_read() {
        let mut assembler =
            MoAssembler::new(CodingOptions::default(), DEFAULT_MO_REASSEMBLY_TIMEOUT);
        let message = assembler
            .accept(&deliver_sm(b"BAL", DataCoding::Ia5, false), Instant::now())
            .unwrap();
        assert_eq!(message.text, "BAL");
        assert_eq!(message.from, "821012345678");
        assert_eq!(message.to, "1555");
    }

    #[test]
    fn a_two_part_korean_mo_is_reassembled() {
        let text = format!("선물 {}", "가".repeat(80));
        let encoded = encode_message(&text, Alphabet::Ucs2, 5).unwrap();
        let mut assembler =
            MoAssembler::new(CodingOptions::default(), DEFAULT_MO_REASSEMBLY_TIMEOUT);
        let now = Instant::now();
        assert_eq!(
            assembler.accept(&deliver_sm(&encoded.parts[1], DataCoding::Ucs2, true), now),
            None
        );
        let message = assembler
            .accept(&deliver_sm(&encoded.parts[0], DataCoding::Ucs2, true), now)
            .unwrap();
        assert_eq!(message.text, text);
    }

    #[test]
    fn packed_gsm_mo_is_unpacked_when_the_smsc_packs() {
        let options = CodingOptions {
            gsm_packed: true,
            ..CodingOptions::default()
        };
        let encoded = encode_message("help me", Alphabet::Gsm7 { packed: true }, 1).unwrap();
        let mut assembler = MoAssembler::new(options, DEFAULT_MO_REASSEMBLY_TIMEOUT);
        let message = assembler
            .accept(
                &deliver_sm(&encoded.parts[0], DataCoding::McSpecific, false),
                Instant::now(),
            )
            .unwrap();
        assert_eq!(message.text, "help me");
    }

    #[test]
    fn text_in_message_payload_is_used_when_short_message_is_empty() {
        let part = part_units(
            EsmClass::default(),
            DataCoding::Latin1,
            &[],
            Some(b"REFUND 1"),
            &CodingOptions::default(),
        );
        assert_eq!(decode_parts(&[part], &CodingOptions::default()), "REFUND 1");
    }
}
