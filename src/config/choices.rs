//! Settings with a fixed set of values, held as the types the core and the adapters use
//! and parsed when the configuration is loaded: a bad value fails `Settings::load`
//! naming its variable, not the start of the adapter that reads it minutes later. They
//! are written back as the text an operator gives (`ko`, `bank`, `5.3.0`, `hex,decimal`),
//! so a setting's text layer (see [`config_sources`](crate::config_sources)) keeps
//! reading them verbatim.

use giftgate_actors::domain::Language;
use giftgate_actors::service::refund_rules::RefundFallback;
use giftgate_mms::Mm7Version;
use giftgate_smpp::{IdFormat, IdNormalization};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// A setting read from one of a few words.
pub trait Choice: Sized {
    /// The value from its text; the error names the variable and the accepted words.
    fn parse(text: &str) -> Result<Self, String>;

    /// The text that [`Choice::parse`] reads back as this value.
    fn text(&self) -> String;
}

/// `#[serde(with = "as_text")]` for a [`Choice`] field.
pub mod as_text {
    use super::*;

    /// Writes the value's text.
    pub fn serialize<T: Choice, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.text())
    }

    /// Reads the value from its text.
    pub fn deserialize<'de, T: Choice, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(deserializer)?;
        T::parse(&text).map_err(D::Error::custom)
    }
}

/// `GIFTGATE_LANGUAGE`: `ko` or `en`.
impl Choice for Language {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "en" => Ok(Language::En),
            "ko" => Ok(Language::Ko),
            other => Err(format!("GIFTGATE_LANGUAGE must be ko or en, not {other:?}")),
        }
    }

    fn text(&self) -> String {
        match self {
            Language::En => "en",
            Language::Ko => "ko",
        }
        .to_owned()
    }
}

/// `GIFTGATE_REFUND_FALLBACK`: `bank`, `points` or `none`.
impl Choice for RefundFallback {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "bank" => Ok(RefundFallback::Bank),
            "points" => Ok(RefundFallback::Points),
            "none" => Ok(RefundFallback::Off),
            other => Err(format!(
                "GIFTGATE_REFUND_FALLBACK must be bank, points or none, not {other:?}"
            )),
        }
    }

    fn text(&self) -> String {
        match self {
            RefundFallback::Bank => "bank",
            RefundFallback::Points => "points",
            RefundFallback::Off => "none",
        }
        .to_owned()
    }
}

/// `GIFTGATE_MM7_VERSION`: `5.3.0` or `6.8.0` (or another name [`Mm7Version`] knows).
impl Choice for Mm7Version {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|_| "GIFTGATE_MM7_VERSION must be 5.3.0 or 6.8.0".to_owned())
    }

    fn text(&self) -> String {
        self.version_string().to_owned()
    }
}

/// `GIFTGATE_SMSC_MESSAGE_IDS`: `opaque`, `hex`, `decimal`, or `submit,receipt`.
impl Choice for IdNormalization {
    fn parse(text: &str) -> Result<Self, String> {
        let format = |name: &str| match name.trim() {
            "opaque" => Ok(IdFormat::Opaque),
            "hex" => Ok(IdFormat::Hex),
            "decimal" => Ok(IdFormat::Decimal),
            other => Err(format!(
                "GIFTGATE_SMSC_MESSAGE_IDS: {other:?} is not opaque, hex or decimal"
            )),
        };
        let (submit, receipt) = text.split_once(',').unwrap_or((text, text));
        Ok(IdNormalization {
            submit_resp: format(submit)?,
            receipt: format(receipt)?,
        })
    }

    fn text(&self) -> String {
        let name = |format: IdFormat| match format {
            IdFormat::Opaque => "opaque",
            IdFormat::Hex => "hex",
            IdFormat::Decimal => "decimal",
        };
        if self.submit_resp == self.receipt {
            name(self.receipt).to_owned()
        } else {
            format!("{},{}", name(self.submit_resp), name(self.receipt))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn round_trips<T: Choice + PartialEq + std::fmt::Debug>(values: &[T]) {
        for value in values {
            assert_eq!(&T::parse(&value.text()).unwrap(), value);
        }
    }

    #[test]
    fn every_value_reads_back_from_its_text() {
        round_trips(&[Language::Ko, Language::En]);
        round_trips(&[
            RefundFallback::Bank,
            RefundFallback::Points,
            RefundFallback::Off,
        ]);
        round_trips(&[Mm7Version::Rel5, Mm7Version::Rel6]);
        let formats = [IdFormat::Opaque, IdFormat::Hex, IdFormat::Decimal];
        for submit_resp in formats {
            round_trips(&formats.map(|receipt| IdNormalization {
                submit_resp,
                receipt,
            }));
        }
    }

    #[test]
    fn message_ids_take_one_format_or_submit_then_receipt() {
        assert_eq!(
            IdNormalization::parse("hex").unwrap(),
            IdNormalization {
                submit_resp: IdFormat::Hex,
                receipt: IdFormat::Hex
            }
        );
        assert_eq!(
            IdNormalization::parse("decimal, hex").unwrap(),
            IdNormalization {
                submit_resp: IdFormat::Decimal,
                receipt: IdFormat::Hex
            }
        );
        let error = IdNormalization::parse("hex,octal").unwrap_err();
        assert!(error.contains("GIFTGATE_SMSC_MESSAGE_IDS"), "{error}");
    }

    #[test]
    fn the_mm7_version_takes_its_common_names() {
        assert_eq!(Mm7Version::parse("6.8.0").unwrap(), Mm7Version::Rel6);
        assert_eq!(Mm7Version::parse("rel5").unwrap(), Mm7Version::Rel5);
        assert!(Mm7Version::parse("7").is_err());
    }
}
