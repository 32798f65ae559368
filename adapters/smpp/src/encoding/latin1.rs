//! ISO-8859-1 (SMPP `data_coding` 3) and IA5/ASCII (`data_coding` 1) decoding for MO text.
//!
//! Every octet maps to the code point of the same value in Latin-1, so decoding cannot fail.
//! IA5 is 7-bit ASCII; some ESMEs (the npm `smpp` package among them) put GSM text there, so
//! an IA5 octet above 0x7F is read as Latin-1 rather than rejected.

/// Decodes Latin-1 octets.
pub fn decode(octets: &[u8]) -> String {
    octets.iter().map(|b| char::from(*b)).collect()
}

/// Decodes IA5 (ASCII) octets; octets above 0x7F are read as Latin-1.
pub fn decode_ia5(octets: &[u8]) -> String {
    decode(octets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_maps_octets_to_code_points() {
        assert_eq!(decode(&[0x48, 0xE9, 0xFF]), "Hé\u{FF}");
    }

    #[test]
    fn ia5_reads_ascii() {
        assert_eq!(decode_ia5(b"BAL"), "BAL");
    }
}
