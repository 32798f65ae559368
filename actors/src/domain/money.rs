//! Money: an exact decimal amount in an ISO 4217 currency.
//!
//! Amounts never go through floats. A currency's minor unit bounds the scale an amount
//! may have (KRW has none, so `"100.5"` KRW is refused rather than rounded). Storage
//! uses integer minor units ([`Money::to_minor_units`]), which both database backends
//! sum exactly.

use std::fmt;
use std::str::FromStr;

use iso_currency::Currency as IsoCurrency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An ISO 4217 currency, e.g. `KRW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(IsoCurrency);

impl Currency {
    /// South Korean won, the default currency of the sample catalog.
    pub const KRW: Currency = Currency(IsoCurrency::KRW);

    /// Parses an alphabetic ISO 4217 code (`"KRW"`, `"usd"`).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        IsoCurrency::from_code(&code.trim().to_ascii_uppercase())
            .map(Currency)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point the currency allows (0 for KRW, 2 for USD).
    pub fn minor_unit_digits(&self) -> u32 {
        self.0.exponent().map(u32::from).unwrap_or(0)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// Why an amount or currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The code is not an ISO 4217 currency.
    #[error("unknown currency {0:?}")]
    UnknownCurrency(String),
    /// The text is not a decimal number.
    #[error("amount {0:?} is not a decimal number")]
    NotANumber(String),
    /// The amount has more fractional digits than the currency's minor unit.
    #[error("amount {amount} has more decimals than {currency} allows ({allowed})")]
    TooPrecise {
        /// The amount as given.
        amount: Decimal,
        /// The currency it was given in.
        currency: Currency,
        /// Fractional digits the currency allows.
        allowed: u32,
    },
    /// Negative amounts are not money the gateway moves.
    #[error("amount {0} is negative")]
    Negative(Decimal),
    /// The amount is zero where a positive amount is needed.
    #[error("amount must be greater than zero")]
    Zero,
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(Currency, Currency),
    /// The amount does not fit the storage range.
    #[error("amount out of range")]
    OutOfRange,
}

/// A non-negative amount of money in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Builds money from an amount, refusing negatives and a scale finer than the currency's.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative(amount));
        }
        let normalized = amount.normalize();
        let allowed = currency.minor_unit_digits();
        if normalized.scale() > allowed {
            return Err(MoneyError::TooPrecise {
                amount,
                currency,
                allowed,
            });
        }
        let mut amount = normalized;
        amount.rescale(allowed);
        Ok(Money { amount, currency })
    }

    /// Parses a decimal string (`"50000"`) in a currency.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let value = Decimal::from_str_exact(amount.trim())
            .map_err(|_| MoneyError::NotANumber(amount.to_owned()))?;
        Money::new(value, currency)
    }

    /// Like [`Money::new`] but also refuses zero.
    pub fn positive(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let money = Money::new(amount, currency)?;
        if money.is_zero() {
            return Err(MoneyError::Zero);
        }
        Ok(money)
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Self {
        let mut amount = Decimal::ZERO;
        amount.rescale(currency.minor_unit_digits());
        Money { amount, currency }
    }

    /// Rebuilds money from integer minor units as stored.
    pub fn from_minor_units(units: i64, currency: Currency) -> Result<Self, MoneyError> {
        Money::new(Decimal::new(units, currency.minor_unit_digits()), currency)
    }

    /// The amount in integer minor units (won for KRW, cents for USD).
    pub fn to_minor_units(&self) -> i64 {
        let mut scaled = self.amount;
        scaled.rescale(self.currency.minor_unit_digits());
        // unwrap_or: a valid Money is constructed from at most i64 minor units or a
        // smaller decimal; mantissas beyond i64 are refused at the edges by `checked_*`.
        i64::try_from(scaled.mantissa()).unwrap_or(i64::MAX)
    }

    /// The decimal amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Sum of two amounts of one currency.
    pub fn checked_add(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::OutOfRange)?;
        Money::new(sum, self.currency)
    }

    /// Difference of two amounts of one currency; refuses to go below zero.
    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let difference = self
            .amount
            .checked_sub(other.amount)
            .ok_or(MoneyError::OutOfRange)?;
        Money::new(difference, self.currency)
    }

    /// The amount times a count (quantity × face value).
    pub fn times(&self, count: u32) -> Result<Money, MoneyError> {
        let product = self
            .amount
            .checked_mul(Decimal::from(count))
            .ok_or(MoneyError::OutOfRange)?;
        Money::new(product, self.currency)
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        Ok(())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.amount.cmp(&other.amount))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn krw_has_no_minor_unit_so_fractions_are_refused() {
        assert!(matches!(
            Money::parse("100.5", Currency::KRW),
            Err(MoneyError::TooPrecise { allowed: 0, .. })
        ));
        assert_eq!(
            Money::parse("100.0", Currency::KRW)
                .unwrap()
                .to_minor_units(),
            100
        );
    }

    #[test]
    fn usd_keeps_cents() {
        let usd = Currency::parse("usd").unwrap();
        let money = Money::parse("12.34", usd).unwrap();
        assert_eq!(money.to_minor_units(), 1234);
        assert!(Money::parse("12.345", usd).is_err());
    }

    #[test]
    fn negative_and_garbage_amounts_are_refused() {
        assert!(matches!(
            Money::parse("-1", Currency::KRW),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Money::parse("1e3", Currency::KRW),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::positive(dec!(0), Currency::KRW),
            Err(MoneyError::Zero)
        ));
    }

    #[test]
    fn unknown_currency_is_refused() {
        assert!(matches!(
            Currency::parse("ABC"),
            Err(MoneyError::UnknownCurrency(_))
        ));
    }

    #[test]
    fn subtraction_never_goes_below_zero() {
        let a = Money::parse("1000", Currency::KRW).unwrap();
        let b = Money::parse("1001", Currency::KRW).unwrap();
        assert!(a.checked_sub(b).is_err());
        assert_eq!(b.checked_sub(a).unwrap().to_minor_units(), 1);
    }

    #[test]
    fn mixing_currencies_is_refused() {
        let won = Money::parse("1", Currency::KRW).unwrap();
        let dollars = Money::parse("1", Currency::parse("USD").unwrap()).unwrap();
        assert!(matches!(
            won.checked_add(dollars),
            Err(MoneyError::CurrencyMismatch(..))
        ));
    }

    proptest! {
        #[test]
        fn minor_units_round_trip(units in 0i64..1_000_000_000_000) {
            let usd = Currency::parse("USD").unwrap();
            let money = Money::from_minor_units(units, usd).unwrap();
            prop_assert_eq!(money.to_minor_units(), units);
            let reparsed = Money::parse(&money.amount().to_string(), usd).unwrap();
            prop_assert_eq!(reparsed, money);
        }
    }
}
