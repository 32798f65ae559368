//! Text codings of SMPP short messages: which `data_coding` a text goes out in, and how MO
//! user data of each `data_coding` is read back.
//!
//! Pure functions only; splitting into concatenated parts is [`crate::concat`]'s job.
//! The choice for outbound text: GSM 03.38 when every character fits (data_coding 0,
//! unpacked unless the SMSC wants packed septets), else KS C 5601 (0x0E) when the SMSC
//! option is on and the text is representable, else UCS2 (data_coding 8, UTF-16BE).

pub mod gsm7;
pub mod ksc5601;
pub mod latin1;
pub mod ucs2;

use rusmpp::values::DataCoding;
use serde::{Deserialize, Serialize};

/// Per-SMSC coding options (carriers differ in what they accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CodingOptions {
    /// Send (and read) `data_coding` 0 as packed septets instead of one septet per octet.
    #[serde(default)]
    pub gsm_packed: bool,
    /// Send non-GSM text as KS C 5601 (`data_coding` 0x0E) when representable, and decode
    /// MO text in 0x0E.
    #[serde(default)]
    pub ksc5601: bool,
}

/// Why a text could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// The GSM encoder met a character outside GSM 03.38 (a bug in detection if it happens).
    #[error("text is not GSM 03.38: {0}")]
    NotGsm(String),
    /// KS C 5601 was asked for a text it cannot represent.
    #[error("text is not representable in KS C 5601")]
    NotKsc5601,
    /// The text needs more than 255 concatenated parts.
    #[error("text needs {parts} parts, more than the 255 a concatenated message can have")]
    TooLong {
        /// How many parts it would need.
        parts: usize,
    },
}

/// The alphabet an outbound text is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// GSM 03.38 default alphabet (`data_coding` 0).
    Gsm7 {
        /// Septets packed 8-in-7 instead of one per octet.
        packed: bool,
    },
    /// KS C 5601 (`data_coding` 0x0E).
    Ksc5601,
    /// UCS2 / UTF-16BE (`data_coding` 8).
    Ucs2,
}

impl Alphabet {
    /// Picks the alphabet for `text` under `options`.
    pub fn for_text(text: &str, options: &CodingOptions) -> Self {
        if gsm7::is_gsm(text) {
            Self::Gsm7 {
                packed: options.gsm_packed,
            }
        } else if options.ksc5601 && ksc5601::encode(text).is_some() {
            Self::Ksc5601
        } else {
            Self::Ucs2
        }
    }

    /// The `data_coding` value this alphabet is announced with.
    pub fn data_coding(&self) -> DataCoding {
        match self {
            Self::Gsm7 { .. } => DataCoding::McSpecific,
            Self::Ksc5601 => DataCoding::Ksc5601,
            Self::Ucs2 => DataCoding::Ucs2,
        }
    }
}

/// Reads MO / receipt user data (UDH already removed) as text.
///
/// `units` are septets for GSM (already unpacked when the SMSC packs), octets otherwise.
/// Unknown codings are read as Latin-1 so nothing is ever lost silently.
pub fn decode_units(data_coding: DataCoding, units: &[u8], options: &CodingOptions) -> String {
    match data_coding {
        DataCoding::McSpecific => gsm7::decode_unpacked(units),
        DataCoding::Ia5 => latin1::decode_ia5(units),
        DataCoding::Ucs2 => ucs2::decode(units),
        DataCoding::Ksc5601 if options.ksc5601 => ksc5601::decode(units),
        _ => latin1::decode(units),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_text_goes_as_data_coding_zero() {
        let alphabet = Alphabet::for_text("Hello {name} €5", &CodingOptions::default());
        assert_eq!(alphabet, Alphabet::Gsm7 { packed: false });
        assert_eq!(alphabet.data_coding(), DataCoding::McSpecific);
    }

    #[test]
    fn korean_goes_as_ucs2_unless_ksc5601_is_enabled() {
        assert_eq!(
            Alphabet::for_text("선물", &CodingOptions::default()),
            Alphabet::Ucs2
        );
        let ksc = CodingOptions {
            ksc5601: true,
            ..CodingOptions::default()
        };
        assert_eq!(Alphabet::for_text("선물", &ksc), Alphabet::Ksc5601);
        assert_eq!(Alphabet::for_text("선물 😀", &ksc), Alphabet::Ucs2);
    }

    #[test]
    fn mo_user_data_is_decoded_per_data_coding() {
        let options = CodingOptions {
            ksc5601: true,
            ..CodingOptions::default()
        };
        assert_eq!(
            decode_units(DataCoding::McSpecific, &[0x00, 0x41], &options),
            "@A"
        );
        assert_eq!(decode_units(DataCoding::Ia5, b"BAL", &options), "BAL");
        assert_eq!(decode_units(DataCoding::Latin1, &[0xE9], &options), "é");
        assert_eq!(
            decode_units(DataCoding::Ucs2, &[0xC5, 0x48], &options),
            "안"
        );
        assert_eq!(
            decode_units(DataCoding::Ksc5601, &[0xBE, 0xC8], &options),
            "안"
        );
        assert_eq!(
            decode_units(DataCoding::Ksc5601, &[0xBE], &CodingOptions::default()),
            "\u{BE}"
        );
    }
}
