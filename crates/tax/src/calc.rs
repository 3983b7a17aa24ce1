//! The arithmetic of a document: line nets, tax per rate, totals.
//!
//! One ordered pass, as EN 16931 defines it:
//!
//! - **Net prices**: a line's net is its amount; lines are grouped by (category, rate); each
//!   group's tax is computed once on its summed net (BR-CO-17) and rounded half away from
//!   zero. Per-line rounding would drift by a cent per few lines.
//! - **Gross prices** (tax included, as consumers see them): the card was charged the sum of
//!   the lines, and that must stay the total exactly. Per group, tax =
//!   round(gross × rate / (100 + rate)) and net = gross − tax. Line nets are each rounded
//!   from their gross and the group's remainder cent goes to its largest line, so lines
//!   still sum to the group's net (BR-CO-10).
//!
//! Amounts are [`Money`]; every division result passes through [`Money::round`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use domain::document::{TaxCategory, TaxSubtotal, Totals};
use domain::model::AmountBasis;
use domain::money::{Currency, Money};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// A line to calculate: what was charged for it and the tax it carries.
#[derive(Clone, Debug)]
pub struct CalcLine {
    pub amount: Money,
    pub category: TaxCategory,
    pub rate: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calculation {
    /// Each input line's net amount, in input order.
    pub line_nets: Vec<Money>,
    /// One row per (category, rate), ordered by category then rate.
    pub breakdown: Vec<TaxSubtotal>,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

impl Calculation {
    /// Totals of a document paid in full by card.
    pub fn totals_paid(&self) -> Totals {
        Totals {
            net: self.net.amount(),
            tax: self.tax.amount(),
            gross: self.gross.amount(),
            paid: self.gross.amount(),
            due: Money::zero(self.gross.currency()).amount(),
        }
    }
}

/// Calculates `lines`, all in `currency`, priced on `basis`.
pub fn calculate(lines: &[CalcLine], basis: AmountBasis, currency: Currency) -> Calculation {
    let zero = Money::zero(currency);
    let mut groups: BTreeMap<(TaxCategory, Decimal), Vec<usize>> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        groups.entry((line.category, line.rate.normalize())).or_default().push(i);
    }
    let mut line_nets = vec![zero; lines.len()];
    let mut breakdown = Vec::with_capacity(groups.len());
    for ((category, rate), members) in &groups {
        let sum = members.iter().fold(zero, |s, &i| s + lines[i].amount);
        let (taxable, tax) = match basis {
            AmountBasis::Net => {
                for &i in members {
                    line_nets[i] = lines[i].amount;
                }
                (sum, Money::round(sum.amount() * rate / HUNDRED, currency))
            }
            AmountBasis::Gross => {
                let tax = Money::round(sum.amount() * rate / (HUNDRED + rate), currency);
                let taxable = sum - tax;
                allocate_nets(lines, members, *rate, taxable, &mut line_nets);
                (taxable, tax)
            }
        };
        breakdown.push(TaxSubtotal { tax_category: *category, tax_rate: *rate, taxable_amount: taxable.amount(), tax_amount: tax.amount() });
    }
    let net = line_nets.iter().fold(zero, |s, n| s + *n);
    let tax = breakdown.iter().fold(zero, |s, row| s + Money::from_exact(row.tax_amount, currency).expect("rounded"));
    Calculation { line_nets, breakdown, net, tax, gross: net + tax }
}

/// Splits a group's `taxable` amount over its gross lines: each line's net rounded from its
/// gross, the remainder on the line with the largest amount (the first such).
fn allocate_nets(lines: &[CalcLine], members: &[usize], rate: Decimal, taxable: Money, nets: &mut [Money]) {
    let currency = taxable.currency();
    let mut allocated = Money::zero(currency);
    for &i in members {
        nets[i] = Money::round(lines[i].amount.amount() * HUNDRED / (HUNDRED + rate), currency);
        allocated = allocated + nets[i];
    }
    let largest = *members
        .iter()
        .max_by(|&&a, &&b| lines[a].amount.amount().abs().cmp(&lines[b].amount.amount().abs()).then(b.cmp(&a)))
        .expect("groups are non-empty");
    nets[largest] = nets[largest] + (taxable - allocated);
}

/// The net unit price of a line: exact when it divides evenly, otherwise rounded half away
/// from zero to four decimals beyond the currency (an EN 16931 price may have more decimals
/// than the currency) — or more, as many as it takes for quantity × price to come within
/// 0.01 of the line's net: Peppol's PEPPOL-EN16931-R120 allows 0.02, and 997 credits at a
/// yen price of four decimals can miss by 0.05.
pub fn unit_price(net: Money, quantity: Decimal) -> Decimal {
    let digits = net.currency().minor_units();
    let price = net.amount() / quantity;
    let close = Decimal::new(1, 2);
    let mut places = digits + 4;
    let mut rounded = price.round_dp_with_strategy(places, domain::money::ROUNDING);
    while (rounded * quantity - net.amount()).abs() > close && places < 20 {
        places += 1;
        rounded = price.round_dp_with_strategy(places, domain::money::ROUNDING);
    }
    let mut rounded = rounded.normalize();
    if rounded.scale() < digits {
        rounded.rescale(digits);
    }
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }
    fn line(amount: &str, rate: &str, code: &str) -> CalcLine {
        CalcLine {
            amount: Money::from_exact(d(amount), cur(code)).unwrap(),
            category: if rate == "0" { TaxCategory::AE } else { TaxCategory::S },
            rate: d(rate),
        }
    }
    fn amounts(ms: &[Money]) -> Vec<String> {
        ms.iter().map(|m| m.amount().to_string()).collect()
    }

    #[test]
    fn net_prices_tax_once_per_rate_on_the_sum() {
        // Per line: 3 × round(0.10 × 0.19 = 0.019) = 0.06; on the sum: round(0.057) = 0.06.
        // With 0.05 lines: per line 3 × 0.01 = 0.03, on the sum round(0.0285) = 0.03;
        // this case differs: 7 × 0.05 at 19 % → per line 7 × 0.01 = 0.07, sum round(0.0665) = 0.07.
        // Use amounts where the methods disagree: 3 × 0.13 at 19 %: per line 3 × 0.02 = 0.06,
        // on the sum round(0.39 × 0.19 = 0.0741) = 0.07.
        let lines = vec![line("0.13", "19", "EUR"), line("0.13", "19", "EUR"), line("0.13", "19", "EUR")];
        let c = calculate(&lines, AmountBasis::Net, cur("EUR"));
        assert_eq!(c.breakdown.len(), 1);
        assert_eq!(c.breakdown[0].taxable_amount, d("0.39"));
        assert_eq!(c.tax.amount(), d("0.07"));
        assert_eq!(c.gross.amount(), d("0.46"));
    }

    #[test]
    fn half_cent_rounds_away_from_zero() {
        // 12.50 × 24 % = 3.00 exactly; 10.25 × 22 % = 2.255 → 2.26 (banker's would give 2.26 too);
        // 10.125 can't occur in EUR, so use 0.25 × 22 % = 0.055 → 0.06 (banker's: 0.06);
        // 0.75 × 22 % = 0.165 → 0.17 (banker's: 0.16).
        let c = calculate(&[line("0.75", "22", "EUR")], AmountBasis::Net, cur("EUR"));
        assert_eq!(c.tax.amount(), d("0.17"));
    }

    #[test]
    fn gross_prices_keep_the_charged_total() {
        // 9.99 + 19.99 + 4.99 charged at 24 % (EE): 34.97 total.
        let lines = vec![line("9.99", "24", "EUR"), line("19.99", "24", "EUR"), line("4.99", "24", "EUR")];
        let c = calculate(&lines, AmountBasis::Gross, cur("EUR"));
        // tax = round(34.97 × 24 / 124 = 6.76838…) = 6.77; net = 28.20.
        assert_eq!(c.tax.amount(), d("6.77"));
        assert_eq!(c.net.amount(), d("28.20"));
        assert_eq!(c.gross.amount(), d("34.97"));
        // Line nets: 8.06 (8.0565), 16.12 (16.1210), 4.02 (4.0242) = 28.20 — no remainder here.
        assert_eq!(amounts(&c.line_nets), ["8.06", "16.12", "4.02"]);
    }

    #[test]
    fn gross_remainder_goes_to_the_largest_line() {
        // Three lines of 1.00 at 19 %: group tax = round(3 × 19/119 = 0.4790) = 0.48,
        // net 2.52; each line rounds to 0.84 (0.8403) = 2.52 → no remainder.
        // Two lines 0.05 + 10.00 at 25.5 %: tax = round(10.05 × 25.5/125.5 = 2.04203) = 2.04,
        // net 8.01; lines 0.04 (0.0398) + 7.97 (7.9681) = 8.01.
        // Lines 0.03 ×3 + 1.00 at 21 %: sum 1.09, tax round(0.18917) = 0.19, net 0.90;
        // lines 0.02 (0.0248) ×3 + 0.83 (0.8264) = 0.89 → +0.01 on the 1.00 line.
        let lines = vec![line("0.03", "21", "EUR"), line("1.00", "21", "EUR"), line("0.03", "21", "EUR"), line("0.03", "21", "EUR")];
        let c = calculate(&lines, AmountBasis::Gross, cur("EUR"));
        assert_eq!(c.tax.amount(), d("0.19"));
        assert_eq!(amounts(&c.line_nets), ["0.02", "0.84", "0.02", "0.02"]);
        assert_eq!(c.net.amount() + c.tax.amount(), d("1.09"));
    }

    #[test]
    fn several_rates_get_one_row_each_and_zero_rates_no_tax() {
        // A proration credit at the old EE rate (22 %) beside a new charge at 24 %.
        let lines = vec![line("30.00", "24", "EUR"), line("-10.00", "22", "EUR")];
        let c = calculate(&lines, AmountBasis::Net, cur("EUR"));
        let rows: Vec<_> = c.breakdown.iter().map(|r| (r.tax_rate.to_string(), r.taxable_amount.to_string(), r.tax_amount.to_string())).collect();
        assert_eq!(rows, [("22".into(), "-10.00".into(), "-2.20".into()), ("24".into(), "30.00".into(), "7.20".into())]);
        assert_eq!(c.gross.amount(), d("25.00"));
        let rc = calculate(&[line("100.00", "0", "EUR")], AmountBasis::Gross, cur("EUR"));
        assert_eq!((rc.net.amount(), rc.tax.amount()), (d("100.00"), d("0.00")));
    }

    #[test]
    fn currencies_without_minor_units_round_to_whole_units() {
        let c = calculate(&[line("1980", "10", "JPY")], AmountBasis::Gross, cur("JPY"));
        // 1980 × 10/110 = 180 exactly.
        assert_eq!((c.net.amount(), c.tax.amount()), (d("1800"), d("180")));
        let c = calculate(&[line("1999", "10", "JPY")], AmountBasis::Gross, cur("JPY"));
        // 1999 × 10/110 = 181.727… → 182; net 1817.
        assert_eq!((c.net.amount(), c.tax.amount()), (d("1817"), d("182")));
    }

    #[test]
    fn unit_prices_are_exact_or_rounded_beyond_the_currency() {
        let eur = cur("EUR");
        assert_eq!(unit_price(Money::from_exact(d("8.40"), eur).unwrap(), d("2")).to_string(), "4.20");
        assert_eq!(unit_price(Money::from_exact(d("10.00"), eur).unwrap(), d("3")).to_string(), "3.333333");
        // 10452 yen for 997 credits: 10.4834503…; four decimals (10.4835) × 997 is 10452.0495,
        // five (10.48345) give 10452.00 to 0.0005.
        assert_eq!(unit_price(Money::from_exact(d("10452"), cur("JPY")).unwrap(), d("997")).to_string(), "10.48345");
        // 5882.30 euro for 99,999: 0.0588235882…; six decimals miss by 0.04, seven by 0.002.
        assert_eq!(unit_price(Money::from_exact(d("5882.30"), eur).unwrap(), d("99999")).to_string(), "0.0588236");
        // 2469.13 for 20,000 is 0.1234565: six decimals (0.123457) miss by exactly 0.01, which
        // is close enough.
        assert_eq!(unit_price(Money::from_exact(d("2469.13"), eur).unwrap(), d("20000")).to_string(), "0.123457");
    }
}
