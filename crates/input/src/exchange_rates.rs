//! `exchange_rates.csv` (optional): published reference rates, 1 `base` = `rate` `quote`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::diag::{Diagnostic, Sink};
use domain::model::ExchangeRate;
use domain::money::Currency;

use super::EXCHANGE_RATES;
use super::csv_table::{self, field, required_text};

const COLUMNS: &[&str] = &["date", "base", "quote", "rate", "source"];

/// The longest `source` accepted, in characters: who published the rate (`ECB`), printed
/// beside it in the statement of the VAT in the seller's currency. One line of text, as a
/// name in customers.csv.
pub const TEXT_LIMITS: &[(&str, usize)] = &[("source", super::text::limits::LINE)];

/// The rates accepted, either way round: beyond any currency pair's, and small enough that a
/// document's total (at most 10^15) converted at one stays far inside `Decimal`'s range.
const MIN_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 9); // 0.000000001
const MAX_RATE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

pub fn parse(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<ExchangeRate> {
    let mut sink = Sink::new(EXCHANGE_RATES, diagnostics);
    let Some(rows) = csv_table::read(text, COLUMNS, &mut sink) else {
        return Vec::new();
    };
    let mut seen: BTreeMap<(NaiveDate, Currency, Currency), u64> = BTreeMap::new();
    let mut rates = Vec::with_capacity(rows.len());
    for row in &rows {
        csv_table::check_lengths(&mut sink, row, TEXT_LIMITS);
        let date = field(&mut sink, row, "date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| "is not a date; expected YYYY-MM-DD".to_string())
        });
        let currency = |s: &str| Currency::parse(s).map_err(|e| e.to_string());
        let base = field(&mut sink, row, "base", currency);
        let quote = field(&mut sink, row, "quote", currency);
        // Plain decimal notation only, as amounts (`0_8565` is no rate of 8565).
        let rate = field(&mut sink, row, "rate", |s| match super::plain_decimal(s) {
            Some(r) if (MIN_RATE..=MAX_RATE).contains(&r) => Ok(r),
            Some(r) if r > Decimal::ZERO => Err(format!("is outside {MIN_RATE} to {MAX_RATE}, the rates accepted")),
            _ => Err("is not a positive number; expected e.g. 1.0832 (1 base = rate quote)".to_string()),
        });
        let source = required_text(&mut sink, row, "source", "who published the rate, e.g. 'ECB'");
        let (Some(date), Some(base), Some(quote), Some(rate), Some(source)) = (date, base, quote, rate, source) else {
            continue;
        };
        if base == quote {
            sink.push(Some(row.line), "quote", format!("'{quote}' is the same as base; expected another currency"));
            continue;
        }
        if let Some(first) = seen.insert((date, base, quote), row.line) {
            sink.push(Some(row.line), "date", format!("'{date}' has a {base}/{quote} rate already on line {first}"));
            continue;
        }
        rates.push(ExchangeRate { date, base, quote, rate, source, source_line: row.line });
    }
    rates
}
