//! UCS2 as SMSCs actually read it: UTF-16 big-endian, so characters outside the BMP (emoji)
//! travel as surrogate pairs.
//!
//! `rusmpp-extra`'s `Ucs2` encoder refuses characters outside the BMP, and a gift message
//! may well hold an emoji, so giftgate encodes UTF-16BE itself (`str::encode_utf16`). The
//! splitter in [`crate::concat`] counts UTF-16 code units and never cuts a surrogate pair.

/// Bytes per UTF-16 code unit.
pub const OCTETS_PER_UNIT: usize = 2;

/// Encodes `text` as UTF-16BE.
pub fn encode(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// The UTF-16 code units of `text` (what a UCS2 part is measured in).
#[cfg(test)]
pub fn unit_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Decodes UTF-16BE leniently: a lone surrogate or an odd trailing octet becomes U+FFFD.
pub fn decode(octets: &[u8]) -> String {
    let units = octets.chunks(OCTETS_PER_UNIT).map(|chunk| match chunk {
        [high, low] => u16::from_be_bytes([*high, *low]),
        _ => char::REPLACEMENT_CHARACTER as u16,
    });
    char::decode_utf16(units)
        .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn korean_is_two_octets_per_character() {
        assert_eq!(encode("안녕"), vec![0xC5, 0x48, 0xB1, 0x55]);
    }

    #[test]
    fn emoji_is_a_surrogate_pair() {
        assert_eq!(encode("😀"), vec![0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(unit_len("😀"), 2);
    }

    #[test]
    fn broken_input_decodes_with_replacement_characters() {
        assert_eq!(decode(&[0xD8, 0x3D]), "\u{FFFD}");
        assert_eq!(decode(&[0x00, 0x41, 0x00]), "A\u{FFFD}");
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(text in any::<String>()) {
            prop_assert_eq!(decode(&encode(&text)), text);
        }
    }
}
