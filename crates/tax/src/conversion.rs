//! Art. 230 VAT Directive: EU VAT invoiced in a foreign currency is also stated in the
//! seller's base currency, at a published rate.
//!
//! The rate is the latest one published on or before the tax point date (none on weekends
//! and holidays, so "on" is rarely exact); a later rate is never used. Either direction of
//! the pair counts (ECB publishes `1 EUR = x USD`; another source may publish the inverse).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::document::BaseCurrencyTax;
use domain::model::ExchangeRate;
use domain::money::{Currency, Money};

/// The published rate to use for `from` → `to` on `date`.
pub fn find_rate(rates: &[ExchangeRate], from: Currency, to: Currency, date: NaiveDate) -> Option<&ExchangeRate> {
    rates
        .iter()
        .filter(|r| r.date <= date && ((r.base == to && r.quote == from) || (r.base == from && r.quote == to)))
        // Latest date wins; on the same date prefer the pair quoted against the base currency.
        .max_by_key(|r| (r.date, r.base == to))
}

/// States `taxable` and `tax` (in the document currency) in `base` currency.
pub fn restate(
    rates: &[ExchangeRate],
    base: Currency,
    taxable: Money,
    tax: Money,
    date: NaiveDate,
) -> Result<BaseCurrencyTax, crate::Refusal> {
    let from = tax.currency();
    let rate = find_rate(rates, from, base, date).ok_or(crate::Refusal::NoExchangeRate { base, from, date })?;
    Ok(restate_at(rate, base, taxable, tax))
}

/// States `taxable` and `tax` in `base` currency at `rate`, a rate [`find_rate`] found: what
/// [`restate`] does once the rate is known, which cannot fail.
pub fn restate_at(rate: &ExchangeRate, base: Currency, taxable: Money, tax: Money) -> BaseCurrencyTax {
    statement(base, rate.base, rate.quote, rate.rate, rate.date, &rate.source, taxable, tax)
}

/// Restates a correction's amounts at the rate its original invoice used, so the original
/// and its credit note cancel in the base currency too.
pub fn restate_like(original: &BaseCurrencyTax, taxable: Money, tax: Money) -> BaseCurrencyTax {
    let o = original;
    statement(o.currency, o.published_base, o.published_quote, o.published_rate, o.rate_date, &o.source, taxable, tax)
}

#[allow(clippy::too_many_arguments)]
fn statement(
    base: Currency,
    published_base: Currency,
    published_quote: Currency,
    published_rate: Decimal,
    rate_date: NaiveDate,
    source: &str,
    taxable: Money,
    tax: Money,
) -> BaseCurrencyTax {
    // Convert by the published figure directly (divide or multiply), never by a rounded inverse.
    let convert = |m: Money| {
        let value = if published_base == base { m.amount() / published_rate } else { m.amount() * published_rate };
        Money::round(value, base).amount()
    };
    let per_unit = if published_base == base { Decimal::ONE / published_rate } else { published_rate };
    BaseCurrencyTax {
        currency: base,
        exchange_rate: per_unit.round_dp_with_strategy(6, domain::money::ROUNDING).normalize(),
        published_rate,
        published_base,
        published_quote,
        rate_date,
        source: source.to_string(),
        taxable_amount: convert(taxable),
        tax_amount: convert(tax),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }
    fn rate(date: &str, base: &str, quote: &str, r: &str) -> ExchangeRate {
        ExchangeRate {
            date: NaiveDate::from_str(date).unwrap(),
            base: cur(base),
            quote: cur(quote),
            rate: Decimal::from_str(r).unwrap(),
            source: "ECB".into(),
            source_line: 2,
        }
    }
    fn usd(a: &str) -> Money {
        Money::from_exact(Decimal::from_str(a).unwrap(), cur("USD")).unwrap()
    }

    #[test]
    fn uses_the_latest_rate_on_or_before_the_tax_point_never_a_later_one() {
        let rates = vec![
            rate("2026-10-01", "EUR", "USD", "1.1000"),
            rate("2026-10-02", "EUR", "USD", "1.0800"), // Friday
            rate("2026-10-05", "EUR", "USD", "1.2000"), // Monday, after the tax point
        ];
        // Tax point Sunday 2026-10-04 → Friday's rate. 21.60 USD / 1.08 = 20.00 EUR.
        let b = restate(&rates, cur("EUR"), usd("108.00"), usd("21.60"), NaiveDate::from_str("2026-10-04").unwrap()).unwrap();
        assert_eq!(b.rate_date.to_string(), "2026-10-02");
        assert_eq!(b.tax_amount.to_string(), "20.00");
        assert_eq!(b.taxable_amount.to_string(), "100.00");
        assert_eq!(b.exchange_rate.to_string(), "0.925926");
        assert_eq!(b.source, "ECB");
    }

    #[test]
    fn accepts_the_inverse_pair_and_rounds_half_away_from_zero() {
        let rates = vec![rate("2026-10-02", "USD", "EUR", "0.925")];
        // 10.30 USD × 0.925 = 9.5275 → 9.53.
        let b = restate(&rates, cur("EUR"), usd("10.30"), usd("10.30"), NaiveDate::from_str("2026-10-02").unwrap()).unwrap();
        assert_eq!(b.tax_amount.to_string(), "9.53");
    }

    #[test]
    fn only_the_documents_pair_counts_and_the_base_quoted_one_wins_a_tie() {
        // Later EUR/PLN and EUR/GBP rates must not be taken for a USD invoice.
        let rates = vec![
            rate("2026-10-01", "EUR", "USD", "1.0800"),
            rate("2026-10-02", "EUR", "PLN", "4.2710"),
            rate("2026-10-02", "GBP", "USD", "1.2600"),
            rate("2026-10-02", "USD", "GBP", "0.7900"),
        ];
        let day = NaiveDate::from_str("2026-10-02").unwrap();
        let b = restate(&rates, cur("EUR"), usd("108.00"), usd("21.60"), day).unwrap();
        assert_eq!((b.published_base, b.published_quote, b.tax_amount.to_string()), (cur("EUR"), cur("USD"), "20.00".into()));
        // Both directions published the same day: the one quoted against EUR (ECB style).
        let rates = vec![rate("2026-10-02", "USD", "EUR", "0.9250"), rate("2026-10-02", "EUR", "USD", "1.0800")];
        let b = restate(&rates, cur("EUR"), usd("108.00"), usd("21.60"), day).unwrap();
        assert_eq!((b.published_base, b.tax_amount.to_string(), b.taxable_amount.to_string()), (cur("EUR"), "20.00".into(), "100.00".into()));
        let rates = vec![rate("2026-10-02", "EUR", "USD", "1.0800"), rate("2026-10-02", "USD", "EUR", "0.9250")];
        let b = restate(&rates, cur("EUR"), usd("108.00"), usd("21.60"), day).unwrap();
        assert_eq!(b.published_base, cur("EUR"));
        // A credit note restated like its invoice uses the invoice's rate, date and source.
        let c = restate_like(&b, usd("-54.00"), usd("-10.80"));
        assert_eq!((c.tax_amount.to_string(), c.taxable_amount.to_string(), c.rate_date, c.exchange_rate), ("-10.00".into(), "-50.00".into(), b.rate_date, b.exchange_rate));
        // The inverse pair multiplies: 21.60 × 0.925 = 19.98, 1 USD = 0.925 EUR.
        let b = restate(&[rate("2026-10-02", "USD", "EUR", "0.9250")], cur("EUR"), usd("108.00"), usd("21.60"), day).unwrap();
        assert_eq!((b.tax_amount.to_string(), b.taxable_amount.to_string(), b.exchange_rate.to_string()), ("19.98".into(), "99.90".into(), "0.925".into()));
    }

    #[test]
    fn a_missing_rate_is_an_error_naming_the_pair_and_date() {
        let rates = vec![rate("2026-10-06", "EUR", "USD", "1.1")];
        let err = restate(&rates, cur("EUR"), usd("1.00"), usd("1.00"), NaiveDate::from_str("2026-10-05").unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no EUR/USD exchange rate on or before 2026-10-05 in exchange_rates.csv; EU VAT invoiced in USD must also be stated in EUR (Art. 230 Directive 2006/112/EC)"
        );
    }
}
