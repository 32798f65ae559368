//! How handset texts (SMS, MMS) and subscriber pages write phone numbers, amounts and
//! dates, in one place so every text a subscriber reads agrees.
//!
//! A Korean subscriber reads `010-2345-6789`, `50,000원` and `2031.12.03`; the English
//! texts use the international forms `+82 10-2345-6789`, `KRW 50,000` and `2031-12-03`.
//! Before this module the texts showed `+821023456789`, `50000 KRW` and `~2031-12-03`,
//! which read as machine output (issue 15). Phone numbers are laid out by the
//! `phonenumber` crate (libphonenumber's metadata), so every country's grouping is
//! right; dates are shown in the carrier's local time (Korea, UTC+9, has no daylight
//! saving), since a certificate valid "until 2031-12-03T15:00Z" is valid until the 4th
//! for a subscriber in Seoul.
//!
//! ```
//! use giftgate_actors::domain::format::Format;
//! use giftgate_actors::domain::{Currency, Language, Money};
//!
//! let ko = Format::korean();
//! assert_eq!(ko.phone("+821023456789"), "010-2345-6789");
//! assert_eq!(ko.money(Money::from_minor_units(50_000, Currency::KRW).unwrap()), "50,000원");
//! let en = Format::new(Language::En);
//! assert_eq!(en.phone("+821023456789"), "+82 10-2345-6789");
//! ```

use chrono::{DateTime, FixedOffset, Utc};
use phonenumber::Mode;

use super::money::{Currency, Money};
use super::msisdn::Msisdn;
use super::notice::Language;

/// Seconds east of UTC of the default local time (Asia/Seoul, no daylight saving).
pub const KOREA_UTC_OFFSET_SECS: i32 = 9 * 3600;

/// Writes numbers, amounts and dates for one language and local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// The language of the text.
    pub language: Language,
    /// The carrier's local time, for dates.
    pub local_offset: FixedOffset,
}

impl Default for Format {
    fn default() -> Self {
        Format::korean()
    }
}

impl Format {
    /// Korean texts in Korean time.
    pub fn korean() -> Self {
        Format::new(Language::Ko)
    }

    /// Texts in `language`, dates in Korean time.
    pub fn new(language: Language) -> Self {
        Format {
            language,
            local_offset: korea_offset(),
        }
    }

    /// Dates in another local time.
    pub fn with_offset(self, local_offset: FixedOffset) -> Self {
        Format {
            local_offset,
            ..self
        }
    }

    /// A phone number given in E.164 (`+821023456789`): in Korean texts the national
    /// form of a Korean number (`010-2345-6789`), in English texts and for foreign
    /// numbers the international form (`+82 10-2345-6789`). Text that is not a phone
    /// number is returned unchanged.
    pub fn phone(&self, e164: &str) -> String {
        let Ok(number) = phonenumber::parse(None, e164) else {
            return e164.to_owned();
        };
        let domestic = number.code().value() == 82;
        let mode = match self.language {
            Language::Ko if domestic => Mode::National,
            _ => Mode::International,
        };
        number.format().mode(mode).to_string()
    }

    /// A subscriber's number (see [`Format::phone`]).
    pub fn msisdn(&self, msisdn: &Msisdn) -> String {
        self.phone(msisdn.as_str())
    }

    /// An amount: `50,000원` in Korean for won, `12.50 USD` for other currencies;
    /// `KRW 50,000` / `USD 12.50` in English.
    pub fn money(&self, money: Money) -> String {
        let number = grouped_amount(money);
        match (self.language, money.currency()) {
            (Language::Ko, Currency::KRW) => format!("{number}원"),
            (Language::Ko, currency) => format!("{number} {}", currency.code()),
            (Language::En, currency) => format!("{} {number}", currency.code()),
        }
    }

    /// A calendar date in local time: `2031.12.03` in Korean, `2031-12-03` in English.
    pub fn date(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.local_offset);
        match self.language {
            Language::Ko => local.format("%Y.%m.%d").to_string(),
            Language::En => local.format("%Y-%m-%d").to_string(),
        }
    }

    /// A date and time in local time, to the minute: `2031.12.03 14:05` /
    /// `2031-12-03 14:05`.
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.local_offset);
        match self.language {
            Language::Ko => local.format("%Y.%m.%d %H:%M").to_string(),
            Language::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A count of minutes, for deadlines: `5분` / `5 minutes`.
    pub fn minutes(&self, minutes: i64) -> String {
        match (self.language, minutes) {
            (Language::Ko, n) => format!("{n}분"),
            (Language::En, 1) => "1 minute".to_owned(),
            (Language::En, n) => format!("{n} minutes"),
        }
    }
}

/// Korea's fixed offset from UTC.
fn korea_offset() -> FixedOffset {
    // unwrap: +09:00 lies well within the ±24 h that chrono accepts.
    FixedOffset::east_opt(KOREA_UTC_OFFSET_SECS).expect("+09:00 is a valid offset")
}

/// The amount with thousands separators and the currency's decimals
/// (`50000` → `50,000`, `1234.5 USD` → `1,234.50`).
fn grouped_amount(money: Money) -> String {
    let amount = money.amount();
    let negative = amount.is_sign_negative() && !amount.is_zero();
    let mut fixed = amount.abs();
    fixed.rescale(money.currency().minor_unit_digits());
    let text = fixed.to_string();
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn krw(won: i64) -> Money {
        Money::from_minor_units(won, Currency::KRW).unwrap()
    }

    fn usd(cents: i64) -> Money {
        Money::from_minor_units(cents, Currency::parse("USD").unwrap()).unwrap()
    }

    #[test]
    fn phone_numbers_read_nationally_in_korean_and_internationally_in_english() {
        let ko = Format::korean();
        let en = Format::new(Language::En);
        let table = [
            ("+821023456789", "010-2345-6789", "+82 10-2345-6789"),
            ("+821612345678", "016-1234-5678", "+82 16-1234-5678"),
            ("+12015550123", "+1 201-555-0123", "+1 201-555-0123"),
            ("not a number", "not a number", "not a number"),
        ];
        for (e164, korean, english) in table {
            assert_eq!(ko.phone(e164), korean, "{e164}");
            assert_eq!(en.phone(e164), english, "{e164}");
        }
    }

    #[test]
    fn amounts_are_grouped_with_won_in_korean_and_the_code_first_in_english() {
        let ko = Format::korean();
        let en = Format::new(Language::En);
        let table = [
            (krw(0), "0원", "KRW 0"),
            (krw(500), "500원", "KRW 500"),
            (krw(5_000), "5,000원", "KRW 5,000"),
            (krw(50_000), "50,000원", "KRW 50,000"),
            (krw(1_234_567), "1,234,567원", "KRW 1,234,567"),
            (usd(1250), "12.50 USD", "USD 12.50"),
            (usd(123_456_789), "1,234,567.89 USD", "USD 1,234,567.89"),
        ];
        for (money, korean, english) in table {
            assert_eq!(ko.money(money), korean);
            assert_eq!(en.money(money), english);
        }
    }

    #[test]
    fn dates_are_local_with_dots_in_korean_and_iso_in_english() {
        let ko = Format::korean();
        let en = Format::new(Language::En);
        let table = [
            // 2031-12-03 00:00 UTC is 09:00 in Seoul: same day.
            (
                Utc.with_ymd_and_hms(2031, 12, 3, 0, 0, 0).unwrap(),
                "2031.12.03",
                "2031-12-03",
            ),
            // 15:00 UTC is midnight in Seoul: the next day.
            (
                Utc.with_ymd_and_hms(2031, 12, 3, 15, 0, 0).unwrap(),
                "2031.12.04",
                "2031-12-04",
            ),
            (
                Utc.with_ymd_and_hms(2026, 1, 9, 14, 59, 0).unwrap(),
                "2026.01.09",
                "2026-01-09",
            ),
        ];
        for (at, korean, english) in table {
            assert_eq!(ko.date(at), korean, "{at}");
            assert_eq!(en.date(at), english, "{at}");
        }
        let at = Utc.with_ymd_and_hms(2031, 12, 3, 5, 7, 0).unwrap();
        assert_eq!(ko.date_time(at), "2031.12.03 14:07");
        assert_eq!(en.date_time(at), "2031-12-03 14:07");
        let utc = Format::new(Language::En).with_offset(FixedOffset::east_opt(0).unwrap());
        assert_eq!(
            utc.date(Utc.with_ymd_and_hms(2031, 12, 3, 15, 0, 0).unwrap()),
            "2031-12-03"
        );
    }

    #[test]
    fn minutes_are_counted_in_words() {
        assert_eq!(Format::korean().minutes(5), "5분");
        assert_eq!(Format::new(Language::En).minutes(5), "5 minutes");
        assert_eq!(Format::new(Language::En).minutes(1), "1 minute");
    }
}
