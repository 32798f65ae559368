//! MSISDN: a subscriber's phone number, always held in E.164.
//!
//! Input may be national (`010-1234-5678`) or international (`+821012345678`,
//! `821012345678`); the `phonenumber` crate (libphonenumber metadata) decides what is
//! a valid mobile number. Logs only ever see [`Msisdn::masked`].

use std::fmt;

use phonenumber::country::Id as CountryId;
use phonenumber::{Mode, PhoneNumber};
use serde::{Deserialize, Serialize};

/// A valid phone number in E.164 form (`+821012345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msisdn(String);

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MsisdnError {
    /// The text could not be read as a phone number at all.
    #[error("{0:?} is not a phone number")]
    Unparseable(String),
    /// It parses, but no such number exists in the numbering plan.
    #[error("{0:?} is not a valid phone number")]
    Invalid(String),
    /// The configured default region is not a known country code.
    #[error("unknown region {0:?}")]
    UnknownRegion(String),
}

/// The region national numbers are read in (`KR` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(CountryId);

impl Region {
    /// South Korea, the default.
    pub const KR: Region = Region(CountryId::KR);

    /// Parses an ISO 3166 alpha-2 region (`"KR"`).
    pub fn parse(code: &str) -> Result<Self, MsisdnError> {
        code.trim()
            .to_ascii_uppercase()
            .parse::<CountryId>()
            .map(Region)
            .map_err(|_| MsisdnError::UnknownRegion(code.to_owned()))
    }
}

impl Default for Region {
    fn default() -> Self {
        Region::KR
    }
}

impl Msisdn {
    /// Parses a national or international number, reading national numbers in `region`.
    ///
    /// A leading country code without `+` (`821012345678`, as SMSCs send it) is accepted.
    pub fn parse(input: &str, region: Region) -> Result<Self, MsisdnError> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        if cleaned.is_empty() || cleaned.len() > 16 {
            return Err(MsisdnError::Unparseable(input.to_owned()));
        }
        if let Some(number) = Self::parse_valid(&cleaned, region) {
            return Ok(number);
        }
        if !cleaned.starts_with('+')
            && !cleaned.starts_with('0')
            && let Some(number) = Self::parse_valid(&format!("+{cleaned}"), region)
        {
            return Ok(number);
        }
        match phonenumber::parse(Some(region.0), &cleaned) {
            Ok(_) => Err(MsisdnError::Invalid(input.to_owned())),
            Err(_) => Err(MsisdnError::Unparseable(input.to_owned())),
        }
    }

    fn parse_valid(text: &str, region: Region) -> Option<Self> {
        let number: PhoneNumber = phonenumber::parse(Some(region.0), text).ok()?;
        phonenumber::is_valid(&number).then(|| Msisdn(number.format().mode(Mode::E164).to_string()))
    }

    /// Rebuilds a number already stored in E.164 (trusted, from our own database).
    pub fn from_e164_unchecked(e164: impl Into<String>) -> Self {
        Msisdn(e164.into())
    }

    /// The E.164 text, `+821012345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// E.164 digits without `+`, as SMPP addresses carry them.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    /// The number with its last four digits hidden, for logs: `+82101234****`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a phone number (any text, valid or not) for logs: the project's one rule,
/// [`giftgate_edge::mask`].
pub use giftgate_edge::mask_msisdn as mask;

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Msisdn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Msisdn {
    /// Deserializes with the default region (KR); edges with another region parse explicitly.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Msisdn::parse(&text, Region::default()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn national_and_international_forms_agree() {
        for input in [
            "010-1234-5678",
            "01012345678",
            "+821012345678",
            "821012345678",
            "+82 10 1234 5678",
        ] {
            assert_eq!(
                Msisdn::parse(input, Region::KR).unwrap().as_str(),
                "+821012345678",
                "{input}"
            );
        }
    }

    #[test]
    fn overlong_and_garbage_numbers_are_refused() {
        assert!(Msisdn::parse("12345678901234567890", Region::KR).is_err());
        assert!(Msisdn::parse("hello", Region::KR).is_err());
        assert!(Msisdn::parse("", Region::KR).is_err());
        assert!(Msisdn::parse("010-12", Region::KR).is_err());
    }

    #[test]
    fn masking_hides_the_last_four_digits() {
        let msisdn = Msisdn::parse("01012345678", Region::KR).unwrap();
        assert_eq!(msisdn.masked(), "+82101234****");
        assert_eq!(msisdn.digits(), "821012345678");
    }

    #[test]
    fn other_regions_work() {
        let region = Region::parse("us").unwrap();
        assert_eq!(
            Msisdn::parse("(201) 555-0123", region).unwrap().as_str(),
            "+12015550123"
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(input in "\\PC{0,24}") {
            let _ = Msisdn::parse(&input, Region::KR);
        }
    }
}
