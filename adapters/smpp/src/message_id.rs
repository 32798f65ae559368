//! SMSC message ids as the SMSC wrote them and in a normalised form for matching.
//!
//! SMSCs disagree with themselves: an id may come back hex in `submit_sm_resp` and decimal
//! in the receipt text, upper- or lower-case, with or without leading zeros. Each SMSC
//! connection gets an [`IdFormat`] per place the id appears; ids are normalised to one
//! canonical form so the caller matches receipts by plain string equality.

use serde::{Deserialize, Serialize};

/// How an SMSC writes its message ids in one place (response or receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdFormat {
    /// An opaque string: compared case-insensitively without leading zeros.
    #[default]
    Opaque,
    /// A hexadecimal number.
    Hex,
    /// A decimal number.
    Decimal,
}

/// Which [`IdFormat`] the SMSC uses in `submit_sm_resp` and in receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IdNormalization {
    /// Format of `message_id` in `submit_sm_resp`.
    #[serde(default)]
    pub submit_resp: IdFormat,
    /// Format of the id in delivery receipts (`receipted_message_id` or text `id:`).
    #[serde(default)]
    pub receipt: IdFormat,
}

/// A message id given by the SMSC: the raw text and the form used for matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SmscMessageId {
    /// Exactly as the SMSC sent it.
    pub raw: String,
    /// Canonical form: numeric ids as decimal without leading zeros, other ids lower-case
    /// without leading zeros.
    pub normalized: String,
}

impl SmscMessageId {
    /// Normalises `raw` read in `format`.
    ///
    /// ```
    /// use giftgate_smpp::{IdFormat, SmscMessageId};
    /// // The same message: hex in submit_sm_resp, decimal in the receipt.
    /// assert_eq!(
    ///     SmscMessageId::new("0A1B", IdFormat::Hex).normalized,
    ///     SmscMessageId::new("2587", IdFormat::Decimal).normalized,
    /// );
    /// ```
    /// A numeric format that does not parse falls back
    /// to the opaque rule rather than failing: a receipt is never dropped over its id.
    pub fn new(raw: &str, format: IdFormat) -> Self {
        let trimmed = raw.trim();
        let numeric = match format {
            IdFormat::Opaque => None,
            IdFormat::Hex => u128::from_str_radix(trimmed, 16).ok(),
            IdFormat::Decimal => trimmed.parse::<u128>().ok(),
        };
        let normalized = numeric.map_or_else(|| opaque(trimmed), |value| value.to_string());
        Self {
            raw: raw.to_owned(),
            normalized,
        }
    }
}

fn opaque(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    let stripped = lower.trim_start_matches('0');
    if stripped.is_empty() && !lower.is_empty() {
        "0".to_owned()
    } else {
        stripped.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_ignore_case_and_leading_zeros() {
        assert_eq!(
            SmscMessageId::new("00AbC", IdFormat::Opaque).normalized,
            "abc"
        );
        assert_eq!(SmscMessageId::new("000", IdFormat::Opaque).normalized, "0");
        assert_eq!(SmscMessageId::new("00AbC", IdFormat::Opaque).raw, "00AbC");
    }

    #[test]
    fn hex_in_response_matches_decimal_in_receipt() {
        let resp = SmscMessageId::new("0000FF", IdFormat::Hex);
        let receipt = SmscMessageId::new("255", IdFormat::Decimal);
        assert_eq!(resp.normalized, receipt.normalized);
    }

    #[test]
    fn an_unparsable_numeric_id_falls_back_to_opaque() {
        assert_eq!(
            SmscMessageId::new("xyz-1", IdFormat::Hex).normalized,
            "xyz-1"
        );
    }
}
