//! Drafting: every decision about one document that can fail on its input, made once, while
//! planning.
//!
//! An invoice's draft decides the tax rule and rate (interned in [`Taxes`]: a run has far
//! fewer distinct decisions than documents), the rate each plan-change line keeps and whether
//! its invoice can be adjusted, the published exchange rate of the base-currency statement
//! (Art. 230), and how it is settled. A credit note's draft decides what it credits: the
//! invoice line for line, or a partial refund's lines at the invoice's rates, with their
//! amounts, and that no more is credited than is left.
//!
//! A draft keeps only that: references into the [`DataSet`] it was drafted from, an index into
//! [`Taxes`], and amounts only where planning needed them (see [`Invoice::calculation`]). What
//! a document says is put together from it by `assemble.rs`, which decides nothing and
//! so cannot fail: a 100,000-invoice month is planned without 100,000 documents in memory,
//! and no document is ever drafted twice.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use domain::country::CountryCode;
use domain::document::{Document, TaxCategory, TaxSubtotal, Totals, Treatment};
use domain::numbering::DocumentNumber;
use domain::model::{AmountBasis, Customer, DataSet, ExchangeRate, Line, Transaction};
use domain::money::{Currency, Money};
use tax::calc::{self, CalcLine, Calculation};
use tax::rates::LocalCurrency;
use tax::{Determination, Refusal, conversion};

use crate::payment::{self, Settlement};

/// Why a transaction cannot be drafted: the transactions.csv field at fault and what is wrong.
#[derive(Debug)]
pub(crate) struct DraftError {
    pub field: &'static str,
    pub message: String,
}

impl DraftError {
    fn at(field: &'static str, message: String) -> DraftError {
        DraftError { field, message }
    }
}

/// The distinct tax decisions of a plan: each a rule ([`Determination`]) and the rate it
/// charges on a tax point. Drafts refer to them by index.
#[derive(Debug, Default)]
pub(crate) struct Taxes {
    determinations: Vec<Determination>,
    /// (index into `determinations`, rate).
    taxings: Vec<(usize, Decimal)>,
}

impl Taxes {
    /// The rule and rate of decision `i`.
    pub fn get(&self, i: u32) -> (&Determination, Decimal) {
        let (d, rate) = self.taxings[i as usize];
        (&self.determinations[d], rate)
    }
}

/// [`Taxes`] being collected while planning: the same sale (customer, card and IP country)
/// is determined once, and each (rule, rate) stored once.
#[derive(Default)]
pub(crate) struct TaxDecisions<'d> {
    taxes: Taxes,
    by_sale: HashMap<(&'d str, Option<CountryCode>, Option<CountryCode>), usize>,
    by_rate: HashMap<(usize, Decimal), u32>,
}

impl<'d> TaxDecisions<'d> {
    /// The rule for a sale to `customer` with this evidence; the error says why it cannot be taxed.
    fn determine(&mut self, data: &DataSet, customer: &'d Customer, card: Option<CountryCode>, ip: Option<CountryCode>) -> Result<usize, Refusal> {
        let key = (customer.id.as_str(), card, ip);
        if let Some(&d) = self.by_sale.get(&key) {
            return Ok(d);
        }
        let determination = tax::determine(&data.company, customer, card, ip)?;
        let d = self.taxes.determinations.len();
        self.taxes.determinations.push(determination);
        self.by_sale.insert(key, d);
        Ok(d)
    }

    fn taxing(&mut self, determination: usize, rate: Decimal) -> u32 {
        *self.by_rate.entry((determination, rate)).or_insert_with(|| {
            self.taxes.taxings.push((determination, rate));
            u32::try_from(self.taxes.taxings.len() - 1).expect("fewer than 2^32 tax decisions")
        })
    }

    /// The rule and rate of decision `i`.
    pub fn get(&self, i: u32) -> (&Determination, Decimal) {
        self.taxes.get(i)
    }

    pub fn finish(self) -> Taxes {
        self.taxes
    }
}

/// The invoice a plan-change line adjusts, or a refund credits.
#[derive(Clone, Debug)]
pub(crate) enum Original {
    /// An invoice of this plan, by its index in `Plan::items`.
    Planned(usize),
    /// An invoice of an earlier run, read back from the archive while planning.
    Archived(Arc<Document>),
}

/// What drafting an invoice needs to know of an invoice one of its plan-change lines adjusts.
pub(crate) struct AdjustedFacts {
    pub treatment: Treatment,
    pub jurisdiction: CountryCode,
    /// The (category, rate) at which it billed the adjusted charge's own lines.
    pub charged: (TaxCategory, Decimal),
    /// How messages name it: its number, or that it is issued in this run.
    pub named: String,
}

/// One charge a plan-change line of an invoice adjusts: the invoice that billed it and the
/// (category, rate) the line keeps from it.
#[derive(Clone, Debug)]
pub(crate) struct Adjusted<'d> {
    pub charge: &'d str,
    pub original: Original,
    pub taxed: (TaxCategory, Decimal),
}

/// A published rate an invoice's amounts are also stated in the base currency at.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Restate<'d> {
    /// EU VAT charged in another currency: the Art. 230 statement, printed.
    Art230(&'d ExchangeRate),
    /// Any other foreign-currency invoice: the same restatement, kept for the books.
    Booking(&'d ExchangeRate),
}

/// What drafting decided for the invoice of a charge.
#[derive(Clone, Debug)]
pub(crate) struct Invoice<'d> {
    pub txn: &'d Transaction,
    pub customer: &'d Customer,
    /// Its rule and the rate of its own lines, in the plan's [`Taxes`].
    pub tax: u32,
    pub adjusted: Box<[Adjusted<'d>]>,
    /// The published rate its amounts are stated in the base currency at, and why.
    pub restate_at: Option<Restate<'d>>,
    /// A non-EU tax its law wants also stated in another currency (UK VAT in sterling): that
    /// currency and the published rate to it.
    pub state_locally: Option<(Currency, &'d ExchangeRate)>,
    /// A non-EU tax whose law wants no statement: the currency of its return and the
    /// published rate to it, when the input has one (the figures kept for that return).
    pub for_return: Option<(Currency, &'d ExchangeRate)>,
    pub settlement: Settlement<'d>,
    /// Its amounts, when planning needed them (its plan-change lines are checked against
    /// what is left on the invoices they adjust, or a refund of this run credits it): kept,
    /// so assembly does not calculate again. Otherwise calculated once, when it is assembled.
    pub calculation: Option<Box<Calculation>>,
}

impl Invoice<'_> {
    /// The (category, rate) of `line`: a plan-change line keeps those of the invoice it
    /// adjusts, any other line has `own`, the invoice's.
    pub fn line_rate(&self, line: &Line, own: (TaxCategory, Decimal)) -> (TaxCategory, Decimal) {
        match (&line.refers_to, line.proration) {
            (Some(id), true) => self.adjusted.iter().find(|a| a.charge == id).map_or(own, |a| a.taxed),
            _ => own,
        }
    }

    /// Its amounts, each line at its rate (`own` the invoice's).
    pub fn calculate(&self, own: (TaxCategory, Decimal)) -> Calculation {
        let lines: Vec<CalcLine> = self
            .txn
            .lines
            .iter()
            .map(|l| {
                let (category, rate) = self.line_rate(l, own);
                CalcLine { amount: l.amount, category, rate }
            })
            .collect();
        calc::calculate(&lines, self.txn.amount_basis, self.txn.currency)
    }

    /// The (category, rate) at which it bills its own charge: that of its first line for the
    /// charge that is not a plan change, else of its first line.
    pub fn charged_rate(&self, own: (TaxCategory, Decimal)) -> (TaxCategory, Decimal) {
        let line = self.txn.lines.iter().find(|l| !l.proration).or(self.txn.lines.first());
        line.map_or((TaxCategory::O, Decimal::ZERO), |l| self.line_rate(l, own))
    }

    /// The gross amount by which its plan-change lines adjust `charge` (negative for a
    /// credit), as [`crate::adjustment`] reads it from the document: a tax-inclusive line's
    /// amount as charged, else its net plus its tax.
    pub fn adjustment(&self, calculation: &Calculation, own: (TaxCategory, Decimal), charge: &str) -> Decimal {
        self.txn
            .lines
            .iter()
            .zip(&calculation.line_nets)
            .filter(|(l, _)| l.proration && l.refers_to.as_deref() == Some(charge))
            .map(|(l, net)| match self.txn.amount_basis {
                AmountBasis::Gross => l.amount.amount(),
                AmountBasis::Net => crate::adjusted_gross(net.amount(), self.line_rate(l, own).1, self.txn.currency),
            })
            .sum()
    }
}

/// Drafts the invoice for charge `txn`. `adjusted` are the invoices its plan-change lines
/// adjust, one per charge they refer to; a line whose charge has none (its invoice of this
/// run failed to draft, so the run fails anyway) takes the current rate.
pub(crate) fn invoice<'d>(
    data: &'d DataSet,
    txn: &'d Transaction,
    adjusted: Vec<(&'d str, Original, AdjustedFacts)>,
    taxes: &mut TaxDecisions<'d>,
) -> Result<Invoice<'d>, DraftError> {
    let customer = data.customer(&txn.customer_id).expect("input checked customer ids");
    let tax_point = data.local_date(txn.timestamp);
    let d = taxes.determine(data, customer, txn.card_country, txn.ip_country).map_err(|e| DraftError::at("card_country", e.to_string()))?;
    let determination = &taxes.taxes.determinations[d];
    let rate = determination.rate_on(tax_point).map_err(|e| DraftError::at("timestamp", e.to_string()))?;

    // Each plan-change line keeps the rate its charge was billed at, if that invoice can
    // carry the adjustment.
    for line in txn.lines.iter().filter(|l| l.proration) {
        if let Some((id, _, facts)) = line.refers_to.as_deref().and_then(|id| adjusted.iter().find(|(c, _, _)| *c == id)) {
            check_adjustable(facts, id, determination, customer)?;
        }
    }

    let eu_vat = determination.is_eu_vat_charged() || adjusted.iter().any(|(_, _, f)| matches!(f.treatment, Treatment::Domestic | Treatment::Oss));
    let base = data.company.seller.base_currency;
    let restate_at = if txn.currency == base {
        None
    } else {
        let found = conversion::find_rate(&data.exchange_rates, txn.currency, base, tax_point);
        if eu_vat {
            let rate = found.ok_or_else(|| DraftError::at("currency", Refusal::NoExchangeRate { base, from: txn.currency, date: tax_point }.to_string()))?;
            Some(Restate::Art230(rate))
        } else {
            // Not a statement the law asks of the document: without a rate it is issued
            // all the same, and the run says which documents the books lack it for.
            found.map(Restate::Booking)
        }
    };
    // Its law's statement, which the document cannot go without (as Art. 230's), or the
    // figures its return is made in, which the document goes without where no rate is known.
    let (state_locally, for_return) = match determination.local_currency() {
        Some(LocalCurrency::Stated(to)) if to != txn.currency => {
            let rate = conversion::find_rate(&data.exchange_rates, txn.currency, to, tax_point).ok_or_else(|| {
                let refusal = Refusal::NoStatementRate { tax_name: determination.tax_name.clone(), to, from: txn.currency, date: tax_point };
                DraftError::at("currency", refusal.to_string())
            })?;
            (Some((to, rate)), None)
        }
        Some(LocalCurrency::Declared(to)) if to != txn.currency => (None, conversion::find_rate(&data.exchange_rates, txn.currency, to, tax_point).map(|r| (to, r))),
        _ => (None, None),
    };
    let settlement = payment::settlement(data, txn).map_err(|e| DraftError::at("payment_method", e.to_string()))?;
    let tax = taxes.taxing(d, rate);
    let adjusted = adjusted.into_iter().map(|(charge, original, facts)| Adjusted { charge, original, taxed: facts.charged }).collect();
    Ok(Invoice { txn, customer, tax, adjusted, restate_at, state_locally, for_return, settlement, calculation: None })
}

/// Whether an adjustment of `charge`, billed on the invoice `facts` describes, can sit on an
/// invoice taxed as `now`: one document has one place of supply, an outside-scope (O)
/// document has no other category (EN 16931 BR-O-11..14), and a reverse-charge line needs
/// the customer's VAT ID.
fn check_adjustable(facts: &AdjustedFacts, charge: &str, now: &Determination, customer: &Customer) -> Result<(), DraftError> {
    if facts.jurisdiction != now.jurisdiction {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was taxed in {} ({}), this charge in {}; one invoice has one place of supply: record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)",
            facts.jurisdiction, facts.named, now.jurisdiction
        )));
    }
    let (billed, category) = (facts.charged.0, now.category());
    if billed != category && (billed == TaxCategory::O || category == TaxCategory::O) {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was billed under category {billed:?}, this charge is category {category:?}; an invoice with category O carries no other category (EN 16931 BR-O-11): record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)"
        )));
    }
    if billed == TaxCategory::AE && customer.usable_tax_id().is_none() {
        return Err(DraftError::at("refers_to", format!(
            "'{charge}' was reverse-charged ({}), but the customer has no usable VAT ID now; record the unused time as a refund of '{charge}' (a credit note keeps that invoice's treatment)",
            facts.named
        )));
    }
    Ok(())
}

/// The (category, rate) at which `invoice` billed `charge`'s own lines.
pub(crate) fn charged_rate(invoice: &Document, charge: &str) -> (TaxCategory, Decimal) {
    let line = invoice.lines.iter().find(|l| !l.proration && l.transaction_id == charge).or(invoice.lines.first());
    line.map_or((TaxCategory::O, Decimal::ZERO), |l| (l.tax_category, l.tax_rate))
}

/// What drafting a credit note needs to know of the invoice it credits.
pub(crate) struct CreditedFacts {
    pub number: DocumentNumber,
    pub currency: domain::money::Currency,
    pub totals: Totals,
    pub breakdown: Vec<TaxSubtotal>,
}

/// What a credit note credits.
#[derive(Clone, Debug)]
pub(crate) enum Credited<'d> {
    /// Everything invoiced: the invoice reversed line for line.
    Full,
    /// The refund's lines at the invoice's rates, with their amounts.
    Partial(Box<PartialCredit<'d>>),
}

#[derive(Clone, Debug)]
pub(crate) struct PartialCredit<'d> {
    pub lines: Vec<CalcLine>,
    /// Per line of `lines`: description, quantity and the refund line it comes from.
    pub described: Vec<(String, Decimal, &'d Line)>,
    pub calculation: Calculation,
}

/// What drafting decided for the credit note of a refund.
#[derive(Clone, Debug)]
pub(crate) struct CreditNote<'d> {
    pub refund: &'d Transaction,
    pub original: Original,
    pub credited: Credited<'d>,
}

/// Drafts the credit note for `refund` against `original` (described by `facts`), of which
/// `credited_before` (gross) has already been credited. Returns it with its gross amount.
///
/// A refund of everything invoiced reverses the invoice line for line. A partial refund of
/// a single-rate invoice credits the refund's lines at the invoice's rate; of a multi-rate
/// invoice, it is split over the rates it charged in proportion to each one's share of the
/// invoice (by the refund's price basis), the remainder cent on the largest share. Either
/// way the credit note keeps the original's treatment, jurisdiction, rate, legends and VAT
/// IDs.
pub(crate) fn credit_note<'d>(
    refund: &'d Transaction,
    original: Original,
    facts: &CreditedFacts,
    credited_before: Decimal,
) -> Result<(CreditNote<'d>, Decimal), DraftError> {
    let currency = facts.currency;
    if refund.currency != currency {
        return Err(DraftError::at("currency", format!(
            "'{}' differs from {currency}, the currency of {}; a refund credits the invoice in its own currency",
            refund.currency, facts.number
        )));
    }
    let amount = refund.total();
    let invoice_value = match refund.amount_basis {
        AmountBasis::Gross => facts.totals.gross,
        AmountBasis::Net => facts.totals.net,
    };
    let (credited, gross) = if credited_before.is_zero() && amount.amount() == invoice_value {
        (Credited::Full, facts.totals.gross)
    } else {
        let (lines, described) = partial_refund_lines(&facts.breakdown, refund);
        let calculation = calc::calculate(&lines, refund.amount_basis, currency);
        let gross = calculation.gross.amount();
        (Credited::Partial(Box::new(PartialCredit { lines, described, calculation })), gross)
    };
    let left = facts.totals.gross - credited_before;
    if gross > left {
        return Err(DraftError::at("unit_amount", format!(
            "refund '{}' would credit {gross} {currency}, more than is left on {}: {} invoiced, {credited_before} already credited, {left} left",
            refund.id, facts.number, facts.totals.gross
        )));
    }
    Ok((CreditNote { refund, original, credited }, gross))
}

/// The lines of a partial refund: the refund's own lines at the invoice's rate when it
/// charged one (`rows`, its tax breakdown), otherwise each refund line split over the rates
/// it charged by their share. A rate whose row is negative took no money: its lines are plan
/// changes crediting an earlier charge's unused period (at that charge's rate), and a refund
/// returns money paid for what this invoice charged, so it takes no share of the refund —
/// which would otherwise credit less than nothing at that rate and more than the refund at
/// the others.
fn partial_refund_lines<'t>(rows: &[TaxSubtotal], refund: &'t Transaction) -> (Vec<CalcLine>, Vec<(String, Decimal, &'t Line)>) {
    let mut calc_lines = Vec::new();
    let mut described = Vec::new();
    let value = |r: &TaxSubtotal| match refund.amount_basis {
        AmountBasis::Gross => r.taxable_amount + r.tax_amount,
        AmountBasis::Net => r.taxable_amount,
    };
    let charged: Vec<TaxSubtotal> = rows.iter().filter(|r| value(r) > Decimal::ZERO).cloned().collect();
    // An invoice that charged nothing (its refund is refused as more than is left) is
    // credited at its first rate.
    let rows: &[TaxSubtotal] = match charged.as_slice() {
        [] => &rows[..1],
        charged => charged,
    };
    if let [only] = rows {
        for line in &refund.lines {
            calc_lines.push(CalcLine { amount: line.amount, category: only.tax_category, rate: only.tax_rate });
            described.push((line.description.clone(), line.quantity, line));
        }
        return (calc_lines, described);
    }
    let total: Decimal = rows.iter().map(value).sum();
    let largest = (0..rows.len()).max_by_key(|&i| value(&rows[i]).abs()).unwrap_or(0);
    for line in &refund.lines {
        let currency = line.amount.currency();
        let shares: Vec<Money> = rows.iter().map(|r| Money::round(line.amount.amount() * value(r) / total, currency)).collect();
        let allocated = shares.iter().fold(Money::zero(currency), |s, m| s + *m);
        for (i, (row, share)) in rows.iter().zip(shares).enumerate() {
            let share = if i == largest { share + (line.amount - allocated) } else { share };
            calc_lines.push(CalcLine { amount: share, category: row.tax_category, rate: row.tax_rate });
            described.push((format!("{} (share at {}%)", line.description, row.tax_rate.normalize()), Decimal::ONE, line));
        }
    }
    (calc_lines, described)
}
