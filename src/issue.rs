//! Issue: validated transactions → complete documents, numbered.
//!
//! Two steps, so that a run with any problem changes nothing:
//!
//! 1. [`assess`] applies the tax rules to every transaction that needs a document and
//!    builds a [`Draft`] (everything but number and issue date), or collects why it can't
//!    (location evidence disagrees, a rate or exchange rate is missing). Pure.
//! 2. [`number`] gives drafts their numbers from the archive's counters, in order of tax
//!    point, and returns the finished [`Document`]s. Only what is issued consumes a number.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::diag::Diagnostic;
use crate::document::{
    Document, DocumentKind, DocumentLine, Party, Payment, SCHEMA, Tax, TaxCategory,
};
use crate::input::TRANSACTIONS;
use crate::model::{Customer, DataSet, Status, Transaction, TransactionType};
use crate::numbering::{DocumentNumber, NumberPattern};
use crate::tax::{self, calc, conversion};

/// A document that is ready to be issued but has no number yet.
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: DocumentKind,
    /// Orders drafts: tax point instant, then transaction id.
    pub sort_key: (chrono::DateTime<chrono::Utc>, String),
    /// The document, with a placeholder number and the tax point as issue date.
    pub document: Document,
}

/// A transaction that gets no document in this run, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub transaction_id: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Assessment {
    pub drafts: Vec<Draft>,
    pub skipped: Vec<Skipped>,
}

/// What the archive already holds that matters for issuing.
pub trait Issued {
    /// The number of the document already issued for `transaction_id` as `kind`, if any.
    fn issued_for(&self, kind: DocumentKind, transaction_id: &str) -> Option<DocumentNumber>;
}

/// Builds drafts for every transaction that needs a document and has none yet.
pub fn assess(data: &DataSet, issued: &dyn Issued) -> Result<Assessment, Vec<Diagnostic>> {
    let mut out = Assessment::default();
    let mut diagnostics = Vec::new();
    for txn in &data.transactions {
        let skip = |reason: String| Skipped { transaction_id: txn.id.clone(), reason };
        match (txn.kind, txn.status) {
            (_, Status::Failed) => out.skipped.push(skip("payment failed: no document".into())),
            (_, Status::Pending) => out.skipped.push(skip("payment pending: a document is issued once it succeeds".into())),
            (TransactionType::Refund | TransactionType::Duplicate, Status::Succeeded) => {
                out.skipped.push(skip("refunds and duplicate charges are credited by credit notes (not yet issued by this version)".into()))
            }
            (TransactionType::Charge, Status::Succeeded) => {
                if let Some(number) = issued.issued_for(DocumentKind::Invoice, &txn.id) {
                    out.skipped.push(skip(format!("already invoiced as {number}")));
                    continue;
                }
                match invoice_draft(data, txn) {
                    Ok(draft) => out.drafts.push(draft),
                    Err((field, message)) => {
                        diagnostics.push(Diagnostic::new(TRANSACTIONS, Some(txn.source_line), field, message))
                    }
                }
            }
        }
    }
    if diagnostics.is_empty() {
        out.drafts.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        Ok(out)
    } else {
        diagnostics.sort();
        Err(diagnostics)
    }
}

type DraftError = (&'static str, String);

fn invoice_draft(data: &DataSet, txn: &Transaction) -> Result<Draft, DraftError> {
    let company = &data.company;
    let seller = &company.seller;
    let customer = data.customer(&txn.customer_id).expect("input checked customer ids");
    let tax_point = data.local_date(txn.timestamp);
    let determination = tax::determine(company, customer, txn).map_err(|e| ("card_country", e))?;
    let category = determination.category();
    let rate = determination.rate_on(tax_point).map_err(|e| ("timestamp", e))?;

    // Each line's (category, rate): proration lines keep the rate of the charge they adjust.
    let mut calc_lines = Vec::with_capacity(txn.lines.len());
    for line in &txn.lines {
        let (category, rate) = match (&line.refers_to, line.proration) {
            (Some(original), true) => original_rate(data, original).map_err(|e| ("refers_to", e))?,
            _ => (category, rate),
        };
        calc_lines.push(calc::CalcLine { amount: line.amount, category, rate });
    }
    let calculation = calc::calculate(&calc_lines, txn.amount_basis, txn.currency);

    let base_currency_tax = if determination.is_eu_vat_charged() && txn.currency != seller.base_currency {
        Some(
            conversion::restate(&data.exchange_rates, seller.base_currency, calculation.net, calculation.tax, tax_point)
                .map_err(|e| ("currency", e))?,
        )
    } else {
        None
    };

    let lines = txn
        .lines
        .iter()
        .zip(&calc_lines)
        .zip(&calculation.line_nets)
        .map(|((line, c), net)| DocumentLine {
            description: line.description.clone(),
            quantity: line.quantity,
            unit_price: calc::unit_price(*net, line.quantity),
            net_amount: net.amount(),
            tax_category: c.category,
            tax_rate: c.rate,
            service_start: line.service_start,
            service_end: line.service_end,
            proration: line.proration,
            transaction_id: txn.id.clone(),
            adjusts: line.refers_to.clone(),
        })
        .collect();

    let totals = calculation.totals_paid();
    let document = Document {
        schema: SCHEMA.into(),
        kind: DocumentKind::Invoice,
        number: NumberPattern::parse("DRAFT-{year}-{seq}").expect("valid").format(0, 0),
        issue_date: tax_point,
        tax_point_date: tax_point,
        currency: txn.currency,
        language: customer.language.clone(),
        seller: Party {
            name: seller.legal_name.clone(),
            address: seller.address.clone(),
            tax_id: Some(seller.vat_id.clone()),
            registration_id: Some(seller.registration_id.clone()).filter(|s| !s.is_empty()),
            email: Some(seller.email.clone()),
        },
        customer: customer_party(customer),
        customer_id: customer.id.clone(),
        source_transactions: vec![txn.id.clone()],
        tax: Tax {
            treatment: determination.treatment,
            jurisdiction: determination.jurisdiction,
            tax_name: determination.tax_name.clone(),
            seller_tax_id: determination.seller_tax_id.clone(),
            evidence: determination.evidence.clone(),
        },
        lines,
        tax_breakdown: calculation.breakdown.clone(),
        payment: Payment { method: "card".into(), status: "paid".into(), date: tax_point, amount: totals.gross },
        totals,
        base_currency_tax,
        legends: determination.legends.clone(),
        references: vec![],
    };
    Ok(Draft {
        kind: DocumentKind::Invoice,
        sort_key: (txn.timestamp.to_utc(), txn.id.clone()),
        document,
    })
}

/// The (category, rate) of the charge `original` on its own tax point date.
fn original_rate(data: &DataSet, original: &str) -> Result<(TaxCategory, rust_decimal::Decimal), String> {
    let txn = data.transaction(original).expect("input checked references");
    let customer = data.customer(&txn.customer_id).expect("input checked customer ids");
    let determination = tax::determine(&data.company, customer, txn)
        .map_err(|e| format!("the adjusted charge '{original}' cannot be taxed: {e}"))?;
    let rate = determination.rate_on(data.local_date(txn.timestamp))?;
    Ok((determination.category(), rate))
}

fn customer_party(customer: &Customer) -> Party {
    Party {
        name: customer.name.clone(),
        address: customer.address.clone(),
        tax_id: customer.usable_tax_id().map(str::to_string),
        registration_id: None,
        email: Some(customer.email.clone()).filter(|s| !s.is_empty()),
    }
}

/// The archive's numbering state: the last sequence and issue date per series and year.
pub trait Counters {
    /// The last (sequence, issue date) issued in `pattern`'s series for `year`.
    fn last(&self, pattern: &NumberPattern, year: i32) -> Option<(u64, NaiveDate)>;
    /// The latest issue date in `pattern`'s series (any year).
    fn last_date(&self, pattern: &NumberPattern) -> Option<NaiveDate>;
}

/// A document with its number, and where that number sits in its series.
#[derive(Clone, Debug)]
pub struct Numbered {
    pub document: Document,
    pub series: NumberPattern,
    pub seq: u64,
}

/// Numbers `drafts` (already in tax-point order) gap-free per series and year.
///
/// A document is dated its tax point, except that it is never dated before the last
/// document of its series: numbers and dates then both ascend, as several member states
/// require (e.g. chronological numbering in FR).
pub fn number(data: &DataSet, drafts: Vec<Draft>, counters: &dyn Counters) -> Vec<Numbered> {
    let mut last: BTreeMap<(DocumentKind, i32), u64> = BTreeMap::new();
    let mut last_date: BTreeMap<DocumentKind, NaiveDate> = BTreeMap::new();
    let mut docs = Vec::with_capacity(drafts.len());
    let mut seen = BTreeSet::new();
    for draft in drafts {
        let pattern = match draft.kind {
            DocumentKind::Invoice => &data.company.numbering.invoice,
            DocumentKind::CreditNote => &data.company.numbering.credit_note,
        };
        let mut doc = draft.document;
        let floor = last_date.get(&draft.kind).copied().or_else(|| counters.last_date(pattern));
        if let Some(floor) = floor {
            doc.issue_date = doc.issue_date.max(floor);
        }
        let year = chrono::Datelike::year(&doc.issue_date);
        let seq = last
            .entry((draft.kind, year))
            .or_insert_with(|| counters.last(pattern, year).map_or(0, |(s, _)| s));
        *seq += 1;
        doc.number = pattern.format(year, *seq);
        debug_assert!(seen.insert(doc.number.clone()));
        last_date.insert(draft.kind, doc.issue_date);
        docs.push(Numbered { document: doc, series: pattern.clone(), seq: *seq });
    }
    docs
}
