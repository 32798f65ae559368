//! Certificate codes: 16 digits, the last a Luhn check digit, drawn from a CSPRNG.
//!
//! The code is also the barcode number. It is written `1234-5678-9012-3456` in messages
//! and accepted with or without separators.

use std::fmt;

use rand::{Rng, TryRngCore};
use serde::{Deserialize, Serialize};

/// A certificate's 16-digit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateCode(String);

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// Not 16 digits after removing separators.
    #[error("a certificate code has 16 digits")]
    WrongLength,
    /// The check digit does not match.
    #[error("the certificate code's check digit is wrong")]
    BadCheckDigit,
}

impl CertificateCode {
    /// Draws a fresh code from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng.unwrap_err();
        let mut digits: Vec<u8> = (0..15).map(|_| rng.random_range(0..10u8)).collect();
        // The first digit is never 0 so the code never loses a digit as a number.
        if digits[0] == 0 {
            digits[0] = rng.random_range(1..10u8);
        }
        let check = luhn_check_digit(&digits);
        digits.push(check);
        CertificateCode(digits.iter().map(|d| char::from(b'0' + d)).collect())
    }

    /// Parses a code, ignoring spaces and dashes, and verifies its check digit.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let digits: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::WrongLength);
        }
        let values: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        if luhn_check_digit(&values[..15]) != values[15] {
            return Err(CodeError::BadCheckDigit);
        }
        Ok(CertificateCode(digits))
    }

    /// The bare 16 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for people: `1234-5678-9012-3456`.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Rebuilds a code read from our own database.
    pub fn from_stored(digits: impl Into<String>) -> Self {
        CertificateCode(digits.into())
    }
}

/// The Luhn check digit for a payload of decimal digits.
pub fn luhn_check_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - (sum % 10)) % 10) as u8
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CertificateCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CertificateCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        CertificateCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_luhn_numbers_check() {
        // 4111 1111 1111 1111 is the classic Luhn-valid test card number.
        assert!(CertificateCode::parse("4111-1111-1111-1111").is_ok());
        assert_eq!(
            CertificateCode::parse("4111111111111112"),
            Err(CodeError::BadCheckDigit)
        );
        assert_eq!(
            CertificateCode::parse("411111111111111"),
            Err(CodeError::WrongLength)
        );
    }

    #[test]
    fn grouping_is_four_by_four() {
        let code = CertificateCode::parse("4111111111111111").unwrap();
        assert_eq!(code.grouped(), "4111-1111-1111-1111");
    }

    #[test]
    fn generated_codes_are_distinct() {
        let codes: std::collections::HashSet<_> =
            (0..1000).map(|_| CertificateCode::generate()).collect();
        assert_eq!(codes.len(), 1000);
    }

    proptest! {
        #[test]
        fn generated_codes_parse_back(_seed in 0u8..255) {
            let code = CertificateCode::generate();
            prop_assert_eq!(CertificateCode::parse(&code.grouped()).unwrap(), code);
        }

        #[test]
        fn any_single_digit_error_is_caught(position in 0usize..16, delta in 1u8..10) {
            let code = CertificateCode::generate();
            let mut bytes = code.as_str().as_bytes().to_vec();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(CertificateCode::parse(&altered).is_err());
        }
    }
}
