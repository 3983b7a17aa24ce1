//! The revenue schedule (`revenue.csv`) and the line-level journal (`journal-lines.csv`).
//!
//! A yearly plan of 149 EUR sold in October is mostly next year's revenue: the schedule
//! spreads each document line's net amount over the months of its service period, so
//! deferred revenue at a month's end is the sum of the rows of later months.
//!
//! **The rule** (named, so anyone can recompute it): a line's net amount is shared between
//! the months of its service period (both ends included) in proportion to the days of the
//! period in each month, in the currency's minor units, by the *largest remainder method*:
//! each month gets the whole units of its exact share, and the units left over go one each
//! to the months with the largest remainders, the earlier month first on a tie. The shares
//! therefore sum exactly to the line. Months before the document's own month are not
//! reopened: their days count in the document's month (a credit note for a period partly
//! past is recognised when it is issued). A line without a service period is recognised
//! in the document's month. Credit notes are negative, as in the journal.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::accounts::Accounts;
use super::xero::line_account;
use super::{amt, row_treatment};
use crate::csv_out::{Column, Rows, number, text};
use domain::document::{Document, DocumentKind, TaxSubtotal};

pub const REVENUE_COLUMNS: &[Column] = &[
    text("number"), text("type"), number("line"), text("transaction_id"), text("customer_id"), text("currency"),
    number("line_net"), text("service_start"), text("service_end"), text("month"), number("recognised"),
];

pub const LINE_COLUMNS: &[Column] = &[
    text("number"), text("type"), text("issue_date"), text("tax_point_date"), number("line"), text("transaction_id"),
    text("payment_id"), text("customer_id"), text("description"), text("service_start"), text("service_end"),
    text("currency"), number("quantity"), number("net"), text("tax_category"), number("tax_rate"), text("treatment"),
    text("account"),
];

fn sign(d: &Document) -> Decimal {
    if d.kind == DocumentKind::CreditNote { -Decimal::ONE } else { Decimal::ONE }
}

/// Appends `d`'s lines to the line-level journal.
pub fn write_lines(w: &mut Rows, d: &Document, accounts: &Accounts) {
    let date = |x: Option<NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
    for (i, line) in d.lines.iter().enumerate() {
        let row = TaxSubtotal { tax_category: line.tax_category, tax_rate: line.tax_rate, taxable_amount: Decimal::ZERO, tax_amount: Decimal::ZERO };
        let (account, _) = line_account(d, line, accounts);
        w.row([
            d.number.as_str(),
            d.kind.code(),
            &d.issue_date.to_string(),
            &d.tax_point_date.to_string(),
            &(i + 1).to_string(),
            &line.transaction_id,
            d.payment.payment_id.as_deref().unwrap_or(""),
            &d.customer_id,
            &line.description,
            &date(line.service_start),
            &date(line.service_end),
            d.currency.code(),
            &line.quantity.normalize().to_string(),
            &amt(line.net_amount * sign(d), d.minor_units()),
            &format!("{:?}", line.tax_category),
            &line.tax_rate.normalize().to_string(),
            row_treatment(d, &row).code(),
            &account,
        ]);
    }
}

/// Appends `d`'s revenue schedule: a row per line and month.
pub fn write_schedule(w: &mut Rows, d: &Document) {
    let digits = d.minor_units();
    let date = |x: Option<NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
    for (i, line) in d.lines.iter().enumerate() {
        let net = line.net_amount * sign(d);
        for (month, amount) in schedule(net, digits, line.service_start, line.service_end, d.issue_date) {
            w.row([
                d.number.as_str(),
                d.kind.code(),
                &(i + 1).to_string(),
                &line.transaction_id,
                &d.customer_id,
                d.currency.code(),
                &amt(net, digits),
                &date(line.service_start),
                &date(line.service_end),
                &format!("{:04}-{:02}", month.year(), month.month()),
                &amt(amount, digits),
            ]);
        }
    }
}

/// `net` (at `digits` decimals) over the months of `start..=end`, by the rule in the module
/// documentation; months as their first day, in order. `issued`: the document's date.
pub fn schedule(net: Decimal, digits: u32, start: Option<NaiveDate>, end: Option<NaiveDate>, issued: NaiveDate) -> Vec<(NaiveDate, Decimal)> {
    let own_month = first_of_month(issued);
    let (Some(start), Some(end)) = (start, end.filter(|e| Some(*e) >= start)) else {
        return vec![(own_month, net)];
    };
    // Days of the period in each month, months before the document's own counted in it.
    let mut days: Vec<(NaiveDate, i128)> = Vec::new();
    let mut day = start;
    while day <= end {
        let month = first_of_month(day).max(own_month);
        let next_month = first_of_month(day).checked_add_months(chrono::Months::new(1)).expect("in range");
        let until = end.min(next_month.pred_opt().expect("in range"));
        let n = (until - day).num_days() as i128 + 1;
        match days.last_mut() {
            Some((m, d)) if *m == month => *d += n,
            _ => days.push((month, n)),
        }
        day = next_month;
    }
    let total_days: i128 = days.iter().map(|(_, d)| d).sum();
    // Whole minor units, sign apart: the method shares a non-negative count.
    let scale = Decimal::from(10i64.pow(digits));
    let units = rust_decimal::prelude::ToPrimitive::to_i128(&(net.abs() * scale).trunc()).expect("an amount fits 128 bits");
    let mut shares: Vec<(i128, i128)> = days.iter().map(|(_, d)| (units * d / total_days, units * d % total_days)).collect();
    let left = units - shares.iter().map(|(s, _)| s).sum::<i128>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Largest remainder first; on a tie the earlier month (a stable sort keeps month order).
    order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1));
    for &i in order.iter().take(left as usize) {
        shares[i].0 += 1;
    }
    let negative = net.is_sign_negative();
    days.iter()
        .zip(shares)
        .map(|((month, _), (share, _))| {
            let amount = Decimal::from_i128_with_scale(share, digits);
            (*month, if negative { -amount } else { amount })
        })
        .collect()
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn months(net: &str, digits: u32, start: &str, end: &str, issued: &str) -> Vec<(String, String)> {
        schedule(net.parse().unwrap(), digits, Some(date(start)), Some(date(end)), date(issued))
            .into_iter()
            .map(|(m, a)| (m.format("%Y-%m").to_string(), a.to_string()))
            .collect()
    }

    #[test]
    fn a_yearly_plan_sold_in_october_is_shared_by_days_and_sums_to_the_line() {
        // 365 days: 17 in Oct 2026 (15th–31st) … 14 in Oct 2027.
        let s = months("149.00", 2, "2026-10-15", "2027-10-14", "2026-10-15");
        assert_eq!(s.len(), 13);
        assert_eq!(s[0], ("2026-10".into(), "6.94".into())); // 14900 × 17 / 365 = 693.97 → 693 + 1 (largest remainder)
        assert_eq!(s[2], ("2026-12".into(), "12.66".into())); // 1265.47 → 1265 + 1: the earliest of the 31-day months
        assert_eq!(s[1], ("2026-11".into(), "12.25".into())); // 14900 × 30 / 365 = 1224.65 → 1224 + 1
        assert_eq!(s[12], ("2027-10".into(), "5.72".into())); // 14900 × 14 / 365 = 571.51 → 571 + 1
        let total: Decimal = s.iter().map(|(_, a)| a.parse::<Decimal>().unwrap()).sum();
        assert_eq!(total, Decimal::new(14900, 2));
    }

    #[test]
    fn remainder_cents_go_to_the_largest_remainders_and_ties_to_the_earlier_month() {
        // 0.05 over two 30-day months: 2 each and one left; the remainders tie, April gets it.
        assert_eq!(months("0.05", 2, "2026-04-01", "2026-05-30", "2026-04-01"), [("2026-04".to_string(), "0.03".to_string()), ("2026-05".into(), "0.02".into())]);
        // Credit notes are negative, by the same shares.
        assert_eq!(
            months("-0.05", 2, "2026-04-01", "2026-05-30", "2026-04-01").iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>(),
            ["-0.03", "-0.02"]
        );
        // Zero-decimal currencies share whole yen.
        assert_eq!(months("1000", 0, "2026-10-16", "2026-11-15", "2026-10-16").iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>(), ["516", "484"]);
    }

    #[test]
    fn months_before_the_documents_own_are_not_reopened() {
        // A credit note issued in December for October–January: Oct and Nov count in Dec.
        assert_eq!(
            months("-120.00", 2, "2026-10-01", "2027-01-31", "2026-12-10"),
            [("2026-12".to_string(), "-89.76".to_string()), ("2027-01".into(), "-30.24".into())]
        );
        assert_eq!(schedule(Decimal::new(500, 2), 2, None, None, date("2026-10-31")), [(date("2026-10-01"), Decimal::new(500, 2))]);
    }
}
