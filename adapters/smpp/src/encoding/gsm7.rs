//! GSM 03.38 default alphabet: detection, septet counting, encoding and decoding.
//!
//! Encoding to unpacked septets (one septet per octet, as SMPP `data_coding` 0 carries
//! them) goes through `rusmpp-extra`'s `Gsm7BitUnpacked`, so the wire bytes are the ones
//! rusmpp's own users produce. `rusmpp-extra` has no decoder, so decoding MO text and the
//! optional septet packing (for SMSCs that want packed GSM) live here. The encodable set is
//! exactly `rusmpp-extra`'s (basic table plus `^{}\[~]|€`); the decoder additionally
//! understands the rarely used form feed escape so MO text never fails to decode.

use rusmpp_extra::encoding::gsm7bit::Gsm7BitUnpacked;

use super::EncodingError;

/// The escape septet that introduces a character of the extension table.
pub const ESCAPE: u8 = 0x1B;

/// Bits in one septet.
const SEPTET_BITS: usize = 7;

/// Mask of the seven significant bits of an unpacked septet.
const SEPTET_MASK: u8 = 0x7F;

/// The basic character set, indexed by septet value. Position 0x1B is the escape; decoded
/// alone (an escape with nothing after it) it reads as a space, as 03.38 recommends.
const BASIC: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// Characters reached through the escape septet that `rusmpp-extra` encodes.
const EXTENSION: [(u8, char); 9] = [
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// Form feed escape: decoded but never produced (rusmpp-extra cannot encode it).
const FORM_FEED: (u8, char) = (0x0A, '\u{0C}');

/// Septets per ASCII character (0: not in GSM 03.38), computed from the tables at compile
/// time so the hot path (detection and splitting of mostly-ASCII text) needs no search.
const ASCII_SEPTETS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut code = 0;
    while code < BASIC.len() {
        let ch = BASIC[code] as u32;
        if code != ESCAPE as usize && ch < 128 {
            table[ch as usize] = 1;
        }
        code += 1;
    }
    let mut index = 0;
    while index < EXTENSION.len() {
        let ch = EXTENSION[index].1 as u32;
        if ch < 128 {
            table[ch as usize] = 2;
        }
        index += 1;
    }
    table
};

/// How many septets `ch` takes (1 basic, 2 escaped), or `None` if it is not GSM 03.38.
pub fn septets_of(ch: char) -> Option<usize> {
    if ch.is_ascii() {
        let septets = ASCII_SEPTETS[ch as usize];
        return (septets > 0).then_some(usize::from(septets));
    }
    if BASIC.contains(&ch) {
        Some(1)
    } else if EXTENSION.iter().any(|(_, c)| *c == ch) {
        Some(2)
    } else {
        None
    }
}

/// Whether every character of `text` can be sent in the GSM default alphabet.
pub fn is_gsm(text: &str) -> bool {
    text.chars().all(|ch| septets_of(ch).is_some())
}

/// The number of septets `text` needs, or `None` if it is not GSM 03.38.
#[cfg(test)]
pub fn septet_len(text: &str) -> Option<usize> {
    text.chars().map(septets_of).sum()
}

/// Encodes `text` as unpacked septets (escape pairs included) with `rusmpp-extra`.
pub fn encode_unpacked(text: &str) -> Result<Vec<u8>, EncodingError> {
    Gsm7BitUnpacked::new()
        .encode_to_vec(text)
        .map_err(|err| EncodingError::NotGsm(err.to_string()))
}

/// Decodes unpacked septets leniently: the high bit is ignored, an unknown escape reads as
/// the basic character of the escaped septet (03.38 §6.2.1.1), a trailing escape as a space.
pub fn decode_unpacked(septets: &[u8]) -> String {
    let mut text = String::with_capacity(septets.len());
    let mut bytes = septets.iter().map(|b| b & SEPTET_MASK);
    while let Some(septet) = bytes.next() {
        if septet == ESCAPE {
            match bytes.next() {
                Some(escaped) => text.push(decode_escaped(escaped)),
                None => text.push(' '),
            }
        } else {
            text.push(BASIC[usize::from(septet)]);
        }
    }
    text
}

fn decode_escaped(septet: u8) -> char {
    EXTENSION
        .iter()
        .chain(std::iter::once(&FORM_FEED))
        .find(|(code, _)| *code == septet)
        .map_or(BASIC[usize::from(septet & SEPTET_MASK)], |(_, c)| *c)
}

/// Carriage return, the padding septet of 03.38 §6.1.2.3.1 when seven spare bits remain.
const CR: u8 = 0x0D;

/// Packs septets into octets (GSM 03.38 §6.1.2.1), after `fill_bits` zero bits that align
/// the first septet to a septet boundary behind a user data header. When seven bits would
/// be left over, they carry a CR so the receiver does not read a trailing `@`.
pub fn pack(septets: &[u8], fill_bits: usize) -> Vec<u8> {
    let total_bits = fill_bits + septets.len() * SEPTET_BITS;
    let octet_count = total_bits.div_ceil(8);
    let needs_cr_padding = octet_count * 8 - total_bits == SEPTET_BITS;
    let padding = needs_cr_padding.then_some(CR);
    let mut octets = vec![0u8; octet_count];
    for (index, septet) in septets.iter().chain(padding.iter()).enumerate() {
        let bit = fill_bits + index * SEPTET_BITS;
        let value = u16::from(septet & SEPTET_MASK) << (bit % 8);
        let [low, high] = value.to_le_bytes();
        octets[bit / 8] |= low;
        if let Some(next) = octets.get_mut(bit / 8 + 1) {
            *next |= high;
        }
    }
    octets
}

/// Unpacks octets into septets, skipping `fill_bits` leading bits. A CR that ends exactly
/// on the last octet boundary is padding (03.38 §6.1.2.3.1) and is dropped.
pub fn unpack(octets: &[u8], fill_bits: usize) -> Vec<u8> {
    let available_bits = (octets.len() * 8).saturating_sub(fill_bits);
    let count = available_bits / SEPTET_BITS;
    let mut septets = Vec::with_capacity(count);
    for index in 0..count {
        let bit = fill_bits + index * SEPTET_BITS;
        let low = u16::from(octets[bit / 8]);
        let high = octets.get(bit / 8 + 1).map_or(0, |b| u16::from(*b));
        let [value, _] = ((high << 8 | low) >> (bit % 8)).to_le_bytes();
        septets.push(value & SEPTET_MASK);
    }
    if available_bits.is_multiple_of(SEPTET_BITS) && septets.last() == Some(&CR) {
        septets.pop();
    }
    septets
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_characters_take_two_septets() {
        for ch in "€[]{}|^~\\".chars() {
            assert_eq!(septets_of(ch), Some(2), "{ch}");
        }
        assert_eq!(septet_len("a€"), Some(3));
    }

    #[test]
    fn the_ascii_table_agrees_with_the_character_tables() {
        for code in 0u8..128 {
            let ch = char::from(code);
            let slow = if BASIC
                .iter()
                .enumerate()
                .any(|(i, c)| *c == ch && i != usize::from(ESCAPE))
            {
                Some(1)
            } else if EXTENSION.iter().any(|(_, c)| *c == ch) {
                Some(2)
            } else {
                None
            };
            assert_eq!(septets_of(ch), slow, "{code:#04x}");
        }
        assert_eq!(septets_of('`'), None);
        assert_eq!(septets_of('\u{1B}'), None);
    }

    #[test]
    fn korean_and_emoji_are_not_gsm() {
        assert!(!is_gsm("안녕"));
        assert!(!is_gsm("hi 😀"));
        assert!(is_gsm("Hello @ £5 Ä"));
    }

    #[test]
    fn the_escape_septet_itself_is_not_a_character() {
        assert!(is_gsm(" "));
        assert_eq!(septets_of('\u{1B}'), None);
    }

    #[test]
    fn my_tables_agree_with_rusmpp_extra_for_every_character() {
        for (code, ch) in BASIC.iter().enumerate() {
            if code == usize::from(ESCAPE) {
                continue;
            }
            assert_eq!(
                encode_unpacked(&ch.to_string()).unwrap(),
                vec![code as u8],
                "{ch}"
            );
        }
        for (code, ch) in EXTENSION {
            assert_eq!(
                encode_unpacked(&ch.to_string()).unwrap(),
                vec![ESCAPE, code]
            );
        }
    }

    #[test]
    fn unknown_escape_and_trailing_escape_decode_leniently() {
        assert_eq!(decode_unpacked(&[ESCAPE, 0x41]), "A");
        assert_eq!(decode_unpacked(&[0x41, ESCAPE]), "A ");
        assert_eq!(decode_unpacked(&[ESCAPE, 0x0A]), "\u{0C}");
        assert_eq!(decode_unpacked(&[0xC1]), "A");
    }

    #[test]
    fn packing_matches_the_03_38_example() {
        // "hellohello" packed, the classic example from 03.38.
        let septets = encode_unpacked("hellohello").unwrap();
        assert_eq!(
            pack(&septets, 0),
            vec![0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]
        );
    }

    fn gsm_text() -> impl Strategy<Value = String> {
        let chars: Vec<char> = BASIC
            .iter()
            .enumerate()
            .filter(|(code, _)| *code != usize::from(ESCAPE))
            .map(|(_, c)| *c)
            .chain(EXTENSION.iter().map(|(_, c)| *c))
            .collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..200)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(text in gsm_text()) {
            let septets = encode_unpacked(&text).unwrap();
            prop_assert_eq!(septets.len(), septet_len(&text).unwrap());
            prop_assert_eq!(decode_unpacked(&septets), text);
        }

        #[test]
        fn unpack_inverts_pack(septets in proptest::collection::vec(0u8..128, 1..200), fill in 0usize..7) {
            prop_assume!(septets.last() != Some(&CR));
            let packed = pack(&septets, fill);
            prop_assert_eq!(unpack(&packed, fill), septets);
        }
    }
}
