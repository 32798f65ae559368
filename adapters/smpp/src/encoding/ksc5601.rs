//! KS C 5601 (SMPP `data_coding` 0x0E), an option for Korean SMSCs that want Korean text in
//! the national two-octet code instead of UCS2.
//!
//! `encoding_rs`'s EUC-KR (the WHATWG definition, a superset of KS X 1001 / KS C 5601) does
//! the work; it is the same crate `rusmpp-extra` uses for Latin-1. Characters outside the set
//! (emoji) make the encoder report failure so the caller can fall back to UCS2.

use encoding_rs::EUC_KR;

/// Encodes `text` in KS C 5601, or `None` if some character is not representable.
pub fn encode(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, had_errors) = EUC_KR.encode(text);
    (!had_errors).then(|| bytes.into_owned())
}

/// Decodes KS C 5601 leniently (undecodable sequences become U+FFFD).
pub fn decode(octets: &[u8]) -> String {
    let (text, _, _) = EUC_KR.decode(octets);
    text.into_owned()
}

/// Whether a character takes two octets in KS C 5601 (everything but ASCII).
pub fn octets_of(ch: char) -> usize {
    if ch.is_ascii() { 1 } else { 2 }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn korean_round_trips() {
        let bytes = encode("안녕 BAL").unwrap();
        assert_eq!(bytes.len(), 8);
        assert_eq!(decode(&bytes), "안녕 BAL");
    }

    #[test]
    fn emoji_is_not_representable() {
        assert_eq!(encode("😀"), None);
    }
}
