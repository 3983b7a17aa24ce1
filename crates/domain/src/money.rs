//! Exact money.
//!
//! Every amount on a document is a [`Money`]: a decimal that is a whole number of the
//! currency's minor unit (cents for EUR, yen for JPY), tagged with its currency. Arithmetic
//! that can produce sub-minor-unit values (percentages, exchange rates, gross-to-net) works on
//! plain [`Decimal`]s, and the only way back to `Money` is [`Money::round`], whose one strategy
//! is named: half away from zero, as EN 16931 and most tax administrations expect.
//! Floats never appear.

use std::fmt;
use std::ops::{Add, Neg, Sub};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The one rounding used for money: half away from zero (2.345 → 2.35, −2.345 → −2.35).
/// `rust_decimal`'s default `round_dp` is banker's rounding, which tax authorities do not use.
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// An ISO 4217 currency with a minor unit (funds and metals without one are rejected).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    iso: iso_currency::Currency,
    minor_units: u32,
}

/// Why a text is not a currency this program invoices in; the text completes `'<code>' …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CurrencyError {
    #[error("is not an ISO 4217 code")]
    NotIso,
    /// An ISO 4217 code in lower or mixed case (`eur`): the code is upper case.
    #[error("is not an ISO 4217 code; use upper case: '{0}'")]
    LowerCase(&'static str),
    /// A fund or metal (XAU, XDR, ...).
    #[error("is an ISO 4217 code without a minor unit, which cannot be invoiced")]
    NoMinorUnit,
}

impl Currency {
    /// Parses an upper-case ISO 4217 alphabetic code.
    pub fn parse(code: &str) -> Result<Currency, CurrencyError> {
        let Some(iso) = iso_currency::Currency::from_code(code) else {
            let upper = iso_currency::Currency::from_code(&code.to_ascii_uppercase());
            return Err(upper.map_or(CurrencyError::NotIso, |c| CurrencyError::LowerCase(c.code())));
        };
        match iso.exponent() {
            Some(exp) => Ok(Currency { iso, minor_units: u32::from(exp) }),
            None => Err(CurrencyError::NoMinorUnit),
        }
    }

    pub fn code(self) -> &'static str {
        self.iso.code()
    }

    /// Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_units(self) -> u32 {
        self.minor_units
    }

    /// Whether `amount` is a whole number of this currency's minor unit.
    pub fn is_exact(self, amount: Decimal) -> bool {
        amount.normalize().scale() <= self.minor_units
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(|e| serde::de::Error::custom(format!("'{code}' {e}")))
    }
}

/// An amount that is a whole number of minor units of its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn zero(currency: Currency) -> Money {
        Money::from_exact(Decimal::ZERO, currency).expect("zero is exact")
    }

    /// `amount` as money, if it has no digits below the minor unit; `None` otherwise.
    /// This is how input amounts enter: `10.005` EUR is an error, never a rounding.
    pub fn from_exact(amount: Decimal, currency: Currency) -> Option<Money> {
        if !currency.is_exact(amount) {
            return None;
        }
        let mut amount = amount;
        amount.rescale(currency.minor_units());
        Some(Money { amount, currency })
    }

    /// Rounds a computed amount to the minor unit, half away from zero ([`ROUNDING`]).
    pub fn round(amount: Decimal, currency: Currency) -> Money {
        let mut amount = amount.round_dp_with_strategy(currency.minor_units(), ROUNDING);
        amount.rescale(currency.minor_units());
        Money { amount, currency }
    }

    /// The amount, always at the currency's scale (`119.00`, `1200`).
    pub fn amount(self) -> Decimal {
        self.amount
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_zero(self) -> bool {
        self.amount.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(self, other: Money) {
        assert_eq!(self.currency, other.currency, "money of different currencies combined");
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        self.same_currency(rhs);
        Money { amount: self.amount + rhs.amount, currency: self.currency }
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        self.same_currency(rhs);
        Money { amount: self.amount - rhs.amount, currency: self.currency }
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money { amount: -self.amount, currency: self.currency }
    }
}

impl fmt::Display for Money {
    /// `1234.50 EUR`: plain, locale-free; renderers format for people.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(eur().minor_units(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("EURO").unwrap_err().to_string(), "is not an ISO 4217 code");
        assert_eq!(Currency::parse("XAU"), Err(CurrencyError::NoMinorUnit));
    }

    #[test]
    fn input_amounts_must_be_exact() {
        assert_eq!(Money::from_exact(d("10.5"), eur()).unwrap().amount().to_string(), "10.50");
        assert_eq!(Money::from_exact(d("10.000"), eur()).unwrap().amount().to_string(), "10.00");
        assert!(Money::from_exact(d("10.005"), eur()).is_none());
        assert!(Money::from_exact(d("1200.5"), Currency::parse("JPY").unwrap()).is_none());
    }

    #[test]
    fn sign_sums_and_display() {
        let m = |a: &str| Money::from_exact(d(a), eur()).unwrap();
        assert!(m("-0.01").is_negative());
        assert!(!m("0.01").is_negative());
        assert!(!m("0").is_negative());
        // A negative zero (e.g. 0 × −1) is zero, not negative.
        assert!(!Money::round(d("-0.001"), eur()).is_negative());
        assert!(Money::round(d("-0.001"), eur()).is_zero() && Money::zero(eur()).is_zero() && !m("0.01").is_zero());
        assert_eq!((m("1.25") + m("2.50")).amount(), d("3.75"));
        assert_eq!((m("1.25") - m("2.50")).amount(), d("-1.25"));
        assert_eq!((-m("1.25")).amount(), d("-1.25"));
        assert_eq!(Money::zero(eur()).amount().to_string(), "0.00");
        assert_eq!(m("1.5").to_string(), "1.50 EUR");
        assert_eq!(m("1.5").currency(), eur());
        assert_eq!(eur().code(), "EUR");
        assert_eq!(format!("{}", eur()), "EUR");
    }

    #[test]
    #[should_panic(expected = "money of different currencies combined")]
    fn currencies_never_mix() {
        let usd = Money::zero(Currency::parse("USD").unwrap());
        let _ = Money::zero(eur()) + usd;
    }

    #[test]
    #[should_panic(expected = "money of different currencies combined")]
    fn currencies_never_mix_in_a_difference() {
        let usd = Money::zero(Currency::parse("USD").unwrap());
        let _ = Money::zero(eur()) - usd;
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(Money::round(d("2.345"), eur()).amount(), d("2.35"));
        assert_eq!(Money::round(d("-2.345"), eur()).amount(), d("-2.35"));
        assert_eq!(Money::round(d("2.344999"), eur()).amount(), d("2.34"));
        assert_eq!(Money::round(d("0.5"), Currency::parse("JPY").unwrap()).amount(), d("1"));
    }
}
