//! Issue: validated transactions → complete documents, numbered.
//!
//! A document is built in two steps of different kinds:
//!
//! - **Drafting** (`draft.rs`) makes every decision that can fail on the input — the tax rule
//!   and rate, the rate each plan-change line keeps, the exchange rate of the base-currency
//!   statement, how an invoice is settled, what a refund credits — once per document, while
//!   planning, and keeps only its compact result.
//! - **Assembly** (`assemble.rs`, run by [`Plan::numbered`]) puts the numbered `Document`
//!   together from that result and the data. It decides nothing, so it returns a
//!   `Document`, not a `Result`: a planned document is always issued as planned.
//!
//! [`plan`] decides everything a run will issue before anything is written, so a run with
//! any problem changes nothing:
//!
//! 1. Each succeeded charge without an invoice is drafted as an invoice, in tax-point order
//!    (a plan-change line can adjust an invoice of an earlier charge of the same run). Why a
//!    transaction gets no document is recorded as [`Skipped`]; why it can't be issued
//!    (location evidence disagrees, a rate is missing, an invoiced transaction was edited)
//!    as a diagnostic.
//! 2. Invoices are numbered from the archive's counters in tax-point order.
//! 3. Each succeeded refund is drafted as a credit note against its charge's invoice (issued
//!    now — read from that invoice's draft — or in an earlier run, read back from the archive
//!    via [`History`]), never crediting more than is left; credit notes are then numbered in
//!    their own series.
//!
//! Corrected reissues (a cancelling credit note plus a replacement invoice) are built by
//! [`crate::correct::reissue`].

mod assemble;
mod changed;
pub mod correct;
mod draft;
pub mod payment;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use domain::diag::Diagnostic;
use domain::document::{Document, DocumentKind, Relation, TaxCategory, Totals};
use domain::model::TRANSACTIONS;
use domain::model::{DataSet, PaymentMethod, Status, Transaction, TransactionType};
use domain::money::Money;
use domain::numbering::{DocumentNumber, NumberPattern};

use draft::{AdjustedFacts, CreditedFacts, DraftError, Original};

pub use domain::history::{History, NoHistory, Numbered, Referrer, credited, replacement_chain};

/// A document that is ready to be issued but has no number yet (a corrected reissue's).
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: DocumentKind,
    /// Fingerprints of the transactions it is issued from (see `Transaction::fingerprint`).
    pub fingerprints: Vec<domain::sha256::Sha256Sum>,
    /// Orders drafts: tax point instant, then transaction id.
    pub sort_key: (chrono::DateTime<chrono::Utc>, String),
    /// The document, with a placeholder number and the tax point as issue date.
    pub document: Document,
}

/// How the reason of a transaction skipped because it has its document begins.
pub const ALREADY_ISSUED: &str = "already issued as ";

/// A transaction that gets no document in this run, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub transaction_id: String,
    pub reason: String,
}

/// Everything a run will issue, numbered, and what it won't, with reasons.
///
/// The plan holds each document's draft — the decisions made for it, referring into the
/// data set it was planned from — not the documents: a month of 100,000 invoices would
/// otherwise sit in memory at once. [`Plan::numbered`] assembles any one of them, in any
/// thread, so issuing can build, render and store a batch at a time.
#[derive(Debug)]
pub struct Plan<'d> {
    data: &'d DataSet,
    /// In number order.
    invoices: Vec<Planned<draft::Invoice<'d>>>,
    /// In number order, after the invoices.
    credit_notes: Vec<Planned<draft::CreditNote<'d>>>,
    pub skipped: Vec<Skipped>,
    taxes: draft::Taxes,
}

/// One document of a [`Plan`]: its place in its series, and its draft.
#[derive(Clone, Debug)]
struct Planned<D> {
    issue_date: NaiveDate,
    /// Its place in the series' year.
    seq: u64,
    draft: D,
}

impl<'d> Plan<'d> {
    /// How many documents it issues.
    pub fn len(&self) -> usize {
        self.invoices.len() + self.credit_notes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every document of the plan, built at once: for small runs and tests.
    pub fn documents(&self) -> Vec<Numbered> {
        (0..self.len()).map(|i| self.numbered(i)).collect()
    }

    /// The transaction the `i`-th document is issued for: the charge an invoice bills, the
    /// refund a credit note credits.
    pub fn transaction(&self, i: usize) -> &'d Transaction {
        match i.checked_sub(self.invoices.len()) {
            None => self.invoices[i].draft.txn,
            Some(c) => self.credit_notes[c].draft.refund,
        }
    }

    /// The number of the planned invoice at `i`.
    fn invoice_number(&self, i: usize) -> DocumentNumber {
        let p = &self.invoices[i];
        number_in_series(self.data, DocumentKind::Invoice, p.issue_date, p.seq)
    }

    /// The (category, rate) of invoice draft `d`'s own lines.
    fn own_rate(&self, d: &draft::Invoice) -> (TaxCategory, Decimal) {
        let (determination, rate) = self.taxes.get(d.tax);
        (determination.category(), rate)
    }

    /// The amounts of the planned invoice at `i`, calculated now if not yet and kept: for
    /// planning steps that need them (the invoice is then not calculated again).
    fn keep_calculation(&mut self, i: usize) -> &tax::calc::Calculation {
        let d = &mut self.invoices[i].draft;
        let (determination, rate) = self.taxes.get(d.tax);
        let calculation = match d.calculation.take() {
            Some(kept) => kept,
            None => Box::new(d.calculate((determination.category(), rate))),
        };
        d.calculation.insert(calculation)
    }

    /// What a credit note (or a plan change) drafted now needs of `original`.
    fn credited_facts(&mut self, original: &Original) -> CreditedFacts {
        match original {
            Original::Archived(doc) => CreditedFacts {
                number: doc.number.clone(),
                currency: doc.currency,
                totals: doc.totals.clone(),
                breakdown: doc.tax_breakdown.clone(),
            },
            Original::Planned(i) => {
                let number = self.invoice_number(*i);
                let (currency, settlement) = (self.invoices[*i].draft.txn.currency, self.invoices[*i].draft.settlement);
                let calculation = self.keep_calculation(*i);
                CreditedFacts {
                    number,
                    currency,
                    totals: payment::invoice_totals(calculation, settlement),
                    breakdown: calculation.breakdown.clone(),
                }
            }
        }
    }
}

/// The number of the `seq`-th document of `kind` in its issue date's year.
fn number_in_series(data: &DataSet, kind: DocumentKind, issue_date: NaiveDate, seq: u64) -> DocumentNumber {
    series(data, kind).format(chrono::Datelike::year(&issue_date), seq)
}

fn series(data: &DataSet, kind: DocumentKind) -> &NumberPattern {
    match kind {
        DocumentKind::Invoice => &data.company.numbering.invoice,
        DocumentKind::CreditNote => &data.company.numbering.credit_note,
    }
}

/// An invoice a plan-change line adjusts, as found while classifying the transactions.
enum Found {
    Archived(Arc<Document>),
    /// The invoice this run issues for the charge at this index of `DataSet::transactions`.
    ThisRun(usize),
}

/// The invoices a charge's plan-change lines adjust, by the charge each line refers to.
type Adjusting<'d> = Vec<(&'d str, Found)>;

/// Decides what to issue for `data` given the archive's `history`. Pure: reads the archive
/// only through `history`, writes nothing.
pub fn plan<'d>(data: &'d DataSet, history: &dyn History) -> Result<Plan<'d>, Vec<Diagnostic>> {
    let mut skipped = Vec::new();
    let mut diagnostics = Vec::new();
    // Plan-change problems, merged into `diagnostics` at the end.
    let mut adjustment_errors: Vec<Diagnostic> = Vec::new();
    // Charges to invoice: index, transaction, the invoices its plan-change lines adjust.
    let mut charges: Vec<(usize, &'d Transaction, Adjusting<'d>)> = Vec::new();
    let mut refunds = Vec::new();
    let error = |diagnostics: &mut Vec<Diagnostic>, txn: &Transaction, field: &str, message: String| {
        diagnostics.push(Diagnostic::new(TRANSACTIONS, Some(txn.source_line), field, message))
    };
    for (index, txn) in data.transactions.iter().enumerate() {
        let skip = |reason: String| Skipped { transaction_id: txn.id.clone(), reason };
        let kind = match txn.kind {
            TransactionType::Refund => DocumentKind::CreditNote,
            _ => DocumentKind::Invoice,
        };
        if let Some((number, fingerprint)) = history.issued_for(kind, &txn.id) {
            if !txn.issued_as_is(fingerprint) {
                // What changed, from the issued document (read only on this error).
                let (what, paid_since) = match history.document(&number) {
                    Ok(doc) => {
                        let changes = changed::changes(data, txn, &doc);
                        (changes.explain(), changes.is_transfer_marked_paid())
                    }
                    Err(e) => (format!(" (its record could not be read to say what: {e})"), false),
                };
                // A credit note is corrected by nothing: its refund's row goes back as it was.
                // A bank transfer invoiced while pending is paid by a payment row, not by a
                // new status on its charge: the invoice stated it due, and stays right.
                let remedy = match kind {
                    DocumentKind::Invoice if paid_since => format!(
                        "keep its status pending and record the money received as a row of type payment, status succeeded, refers_to {}, payment_method bank_transfer (README, \"Invoice now, paid later\")",
                        txn.id
                    ),
                    DocumentKind::Invoice => format!("refund it (credit note) or use `invoicesmith reissue {number}`"),
                    DocumentKind::CreditNote => "put the refund's row back as it was issued".to_string(),
                };
                error(&mut diagnostics, txn, "transaction_id", format!(
                    "'{}' has changed since it was issued as {number}{what}; issued documents are never changed: {remedy}",
                    txn.id
                ));
            } else {
                skipped.push(skip(format!("{ALREADY_ISSUED}{number}")));
            }
            continue;
        }
        // A bank-transfer charge is invoiced before it is paid: pending means "invoice now".
        let invoiced_now = txn.status == Status::Succeeded || (txn.status == Status::Pending && txn.payment_method == PaymentMethod::BankTransfer);
        match (txn.kind, txn.status) {
            (TransactionType::Payment, status) => skipped.push(skip(domain::payment::terms::skipped_payment(txn, status))),
            (TransactionType::Charge, _) if invoiced_now => match adjusted_invoices(data, history, txn) {
                Ok(adjusted) => charges.push((index, txn, adjusted)),
                Err(found) => adjustment_errors.extend(found),
            },
            (_, Status::Failed) => skipped.push(skip("payment failed: no document".into())),
            (_, Status::Pending) => skipped.push(skip("payment pending: a document is issued once it succeeds".into())),
            (TransactionType::Charge, Status::Succeeded) => unreachable!("a succeeded charge is invoiced now"),
            (TransactionType::Duplicate, Status::Succeeded) => skipped.push(skip(format!(
                "duplicate of {}: not a second supply, no invoice",
                txn.refers_to.as_deref().unwrap_or("?")
            ))),
            (TransactionType::Refund, Status::Succeeded) => {
                let target = data.transaction(txn.refers_to.as_deref().expect("input checked refund references")).expect("input checked");
                match (target.kind, target.status) {
                    (TransactionType::Duplicate, _) => skipped.push(skip(format!(
                        "refund of duplicate charge {}: returns an overpayment, no credit note",
                        target.id
                    ))),
                    (_, Status::Succeeded) => refunds.push(txn),
                    // An invoiced bank-transfer charge (issued before its payment arrived).
                    (_, Status::Pending) if target.payment_method == PaymentMethod::BankTransfer => refunds.push(txn),
                    (_, status) => error(&mut diagnostics, txn, "refers_to", format!(
                        "'{}' was never invoiced (its payment is {}); only an invoiced charge can be refunded with a credit note",
                        target.id,
                        if status == Status::Failed { "failed" } else { "pending" }
                    )),
                }
            }
        }
    }

    // Invoices, drafted in tax-point order: the invoice of a charge a plan-change line
    // adjusts (always an earlier one) is drafted before the line's.
    charges.sort_by_key(|(_, t, _)| (t.timestamp.to_utc(), t.id.as_str()));
    let mut taxes = draft::TaxDecisions::default();
    let mut invoices: Vec<(NaiveDate, draft::Invoice)> = Vec::new();
    // Plan position of each charge's invoice, by the charge's index.
    let mut position: HashMap<usize, usize> = HashMap::new();
    for (index, txn, found) in charges {
        let adjusted = found
            .into_iter()
            .filter_map(|(charge, found)| match found {
                Found::Archived(doc) => {
                    let facts = AdjustedFacts {
                        treatment: doc.tax.treatment,
                        jurisdiction: doc.tax.jurisdiction,
                        charged: draft::charged_rate(&doc, charge),
                        named: doc.number.to_string(),
                    };
                    Some((charge, Original::Archived(doc), facts))
                }
                // Not drafted when its own draft failed: the run fails with that diagnostic.
                Found::ThisRun(c) => position.get(&c).map(|&i| {
                    let original = &invoices[i].1;
                    let (determination, rate) = taxes.get(original.tax);
                    let own = (determination.category(), rate);
                    let facts = AdjustedFacts {
                        treatment: determination.treatment,
                        jurisdiction: determination.jurisdiction,
                        charged: original.charged_rate(own),
                        named: "its invoice in this run".into(),
                    };
                    (charge, Original::Planned(i), facts)
                }),
            })
            .collect();
        match draft::invoice(data, txn, adjusted, &mut taxes) {
            Ok(d) => {
                position.insert(index, invoices.len());
                invoices.push((data.local_date(txn.timestamp), d));
            }
            Err(DraftError { field, message }) => error(&mut diagnostics, txn, field, message),
        }
    }
    let invoices = number_planned(data, DocumentKind::Invoice, invoices, history);
    let mut plan = Plan { data, invoices, credit_notes: Vec::new(), skipped, taxes: taxes.finish() };

    // Plan-change lines never credit more than is left on the invoice they adjust.
    let mut adjusted_now: BTreeMap<DocumentNumber, Decimal> = BTreeMap::new();
    for i in 0..plan.invoices.len() {
        if plan.invoices[i].draft.adjusted.is_empty() {
            continue;
        }
        let calculation = plan.keep_calculation(i).clone();
        let d = plan.invoices[i].draft.clone();
        let own = plan.own_rate(&d);
        for adjusted in d.adjusted.iter() {
            let charge_id = adjusted.charge;
            let credit = -d.adjustment(&calculation, own, charge_id);
            if credit <= Decimal::ZERO {
                continue;
            }
            let facts = plan.credited_facts(&adjusted.original);
            let (number, currency, gross) = (facts.number, facts.currency, facts.totals.gross);
            let referrers = history.referrers(&number);
            let before = credited(&referrers) + adjusted_before(history, &number, charge_id) + adjusted_now.get(&number).copied().unwrap_or_default();
            let left = gross - before;
            if credit > left {
                let txn = d.txn;
                let line = txn.lines.iter().find(|l| l.proration && l.refers_to.as_deref() == Some(charge_id)).map_or(txn.source_line, |l| l.source_line);
                adjustment_errors.push(Diagnostic::new(TRANSACTIONS, Some(line), "unit_amount", format!(
                    "the plan change would credit {credit} {currency} (gross) of '{charge_id}', more than is left on {number}: {gross} invoiced, {before} already credited or adjusted, {left} left"
                )));
            }
            *adjusted_now.entry(number).or_default() += credit;
        }
    }

    // Credit notes, in order of refund, against invoices of this run or earlier runs.
    refunds.sort_by_key(|t| (t.timestamp.to_utc(), t.id.clone()));
    let mut credited_now: BTreeMap<DocumentNumber, Decimal> = BTreeMap::new();
    // Invoices whose overpayment a refund (in this order) has returned: an overpayment is
    // returned once; a later refund of the same amount credits the supply.
    let mut overpayment_returned_on: BTreeSet<DocumentNumber> = BTreeSet::new();
    let mut credit_notes = Vec::new();
    for refund in refunds {
        let charge_id = refund.refers_to.as_deref().expect("checked above");
        let charge = data.transaction_index(charge_id).expect("input checked references");
        let found = match position.get(&charge) {
            Some(&i) => Ok(Original::Planned(i)),
            None => match history.issued_for(DocumentKind::Invoice, charge_id) {
                Some((number, _)) => history.document(&number).map(|doc| Original::Archived(Arc::new(doc))).map_err(|e| e.to_string()),
                None => Err(format!("'{charge_id}' has no invoice, so the refund has nothing to credit")),
            },
        };
        let original = match found {
            Ok(original) => original,
            Err(e) => {
                error(&mut diagnostics, refund, "refers_to", e);
                continue;
            }
        };
        let kind = match &original {
            Original::Archived(doc) => doc.kind,
            Original::Planned(_) => DocumentKind::Invoice,
        };
        let facts = plan.credited_facts(&original);
        if !overpayment_returned_on.contains(&facts.number)
            && let Some(overpaid) = overpayment_returned(kind, &facts.totals, refund)
        {
            overpayment_returned_on.insert(facts.number.clone());
            let reason = format!("returns the overpayment of {overpaid} {} on {}: no credit note", facts.currency, facts.number);
            plan.skipped.push(Skipped { transaction_id: refund.id.clone(), reason });
            continue;
        }
        let referrers = history.referrers(&facts.number);
        let adjusted = adjusted_before(history, &facts.number, charge_id) + adjusted_now.get(&facts.number).copied().unwrap_or_default();
        let before = credited(&referrers) + adjusted + credited_now.get(&facts.number).copied().unwrap_or_default();
        let number = facts.number.clone();
        match draft::credit_note(refund, original.clone(), &facts, before) {
            Ok((credit_note, gross)) => {
                *credited_now.entry(number).or_default() += gross;
                let tax_point = data.local_date(refund.timestamp);
                credit_notes.push((tax_point, credit_note));
            }
            Err(DraftError { field, message }) => error(&mut diagnostics, refund, field, message),
        }
    }
    diagnostics.extend(adjustment_errors);
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    plan.credit_notes = number_planned(data, DocumentKind::CreditNote, credit_notes, history);
    Ok(plan)
}

/// Numbers `drafts` of `kind` (in tax-point order, each with its tax point) gap-free per
/// series and year.
fn number_planned<D>(data: &DataSet, kind: DocumentKind, drafts: Vec<(NaiveDate, D)>, counters: &dyn History) -> Vec<Planned<D>> {
    let mut numberer = Numberer::new(data, counters);
    drafts
        .into_iter()
        .map(|(tax_point, draft)| {
            let (issue_date, seq) = numberer.next(kind, tax_point);
            Planned { issue_date, seq, draft }
        })
        .collect()
}

/// The invoices `txn`'s plan-change lines adjust, one per charge they refer to: archived, or
/// issued in this run. A line referring to a charge that was never invoiced (failed,
/// pending, a refund, or a charge after `txn`) is an error naming its row.
fn adjusted_invoices<'d>(data: &'d DataSet, history: &dyn History, txn: &'d Transaction) -> Result<Adjusting<'d>, Vec<Diagnostic>> {
    let mut adjusted: Adjusting<'d> = Vec::new();
    let mut errors = Vec::new();
    for line in txn.lines.iter().filter(|l| l.proration) {
        let Some(id) = line.refers_to.as_deref() else { continue };
        if adjusted.iter().any(|(a, _)| *a == id) {
            continue;
        }
        let mut fail = |message: String| errors.push(Diagnostic::new(TRANSACTIONS, Some(line.source_line), "refers_to", message));
        let Some(index) = data.transaction_index(id) else {
            fail(format!("'{id}' is not a transaction_id in transactions.csv"));
            continue;
        };
        let target = &data.transactions[index];
        let status = target.status.name();
        if target.kind != TransactionType::Charge || target.status != Status::Succeeded {
            fail(format!(
                "'{id}' was never invoiced (a {} whose payment {status}); a plan change can only adjust an invoiced charge",
                target.kind.name()
            ));
            continue;
        }
        match history.issued_for(DocumentKind::Invoice, id) {
            Some((number, _)) => match history.document(&number) {
                Ok(doc) => adjusted.push((id, Found::Archived(Arc::new(doc)))),
                Err(e) => fail(e.to_string()),
            },
            None if (target.timestamp.to_utc(), &target.id) < (txn.timestamp.to_utc(), &txn.id) => adjusted.push((id, Found::ThisRun(index))),
            None => fail(format!("'{id}' is charged after '{}', so it has no invoice yet to adjust", txn.id)),
        }
    }
    if errors.is_empty() { Ok(adjusted) } else { Err(errors) }
}

/// The gross of a plan-change line of net `net` at `rate` percent: its net plus its tax,
/// rounded to the minor unit of `currency`.
pub(crate) fn adjusted_gross(net: Decimal, rate: Decimal, currency: domain::money::Currency) -> Decimal {
    net + Money::round(net * rate / Decimal::ONE_HUNDRED, currency).amount()
}

/// The gross amount by which `doc`'s plan-change lines adjust `charge` (negative for a
/// credit): a tax-inclusive line's amount as charged, else its net plus its tax at its rate,
/// rounded to the minor unit. (The first from the net would miss a cent where the tax of
/// the net rounds the other way: −10.00 charged at 24 % is −8.06 net, and −8.06 − 1.93 is
/// −9.99 — and the invoice it adjusts would have a cent more left to refund.)
pub fn adjustment(doc: &Document, charge: &str) -> Decimal {
    doc.lines
        .iter()
        .filter(|l| l.proration && l.adjusts.as_deref() == Some(charge))
        .map(|l| l.gross.as_ref().map_or_else(|| adjusted_gross(l.net_amount, l.tax_rate, doc.currency), |g| g.amount))
        .sum()
}

/// The gross amount earlier invoices' plan-change lines credited on `charge`'s invoice
/// `number`, or on an invoice it replaces (see [`replacement_chain`]).
fn adjusted_before(history: &dyn History, number: &DocumentNumber, charge: &str) -> Decimal {
    replacement_chain(history, number)
        .iter()
        .flat_map(|n| history.referrers(n))
        .filter(|r| r.relation == Relation::Adjusts)
        .filter_map(|r| history.document(&r.number).ok())
        .map(|d| -adjustment(&d, charge))
        .filter(|credit| *credit > Decimal::ZERO)
        .sum()
}

/// The overpayment `refund` returns, if the document of `kind` with `totals` is an invoice
/// the card overpaid (a replacement recomputed under a treatment with less tax) and the
/// refund is exactly that amount: money returned, not a supply credited, so no credit note.
fn overpayment_returned(kind: DocumentKind, totals: &Totals, refund: &Transaction) -> Option<Decimal> {
    let overpaid = -totals.due;
    (kind == DocumentKind::Invoice && overpaid > Decimal::ZERO && refund.total().amount() == overpaid).then_some(overpaid)
}

/// Numbers `drafts` (already in tax-point order) gap-free per series and year.
pub fn number(data: &DataSet, drafts: Vec<Draft>, counters: &dyn History) -> Vec<Numbered> {
    let mut numberer = Numberer::new(data, counters);
    drafts
        .into_iter()
        .map(|draft| {
            let mut document = draft.document;
            let (issue_date, seq) = numberer.next(draft.kind, document.issue_date);
            document.number = number_in_series(data, draft.kind, issue_date, seq);
            document.issue_date = issue_date;
            domain::payment::terms::numbered(&mut document);
            Numbered { document, series: series(data, draft.kind).clone(), seq, fingerprints: draft.fingerprints }
        })
        .collect()
}

/// Hands out the next number of each series, starting after the archive's last.
///
/// A document is dated its tax point, except that it is never dated before the last
/// document of its series: numbers and dates then both ascend, as several member states
/// require (e.g. chronological numbering in FR).
struct Numberer<'a> {
    data: &'a DataSet,
    counters: &'a dyn History,
    last: BTreeMap<(DocumentKind, i32), u64>,
    last_date: BTreeMap<DocumentKind, NaiveDate>,
}

impl<'a> Numberer<'a> {
    fn new(data: &'a DataSet, counters: &'a dyn History) -> Numberer<'a> {
        Numberer { data, counters, last: BTreeMap::new(), last_date: BTreeMap::new() }
    }

    /// Issue date and sequence (in the issue date's year) of the next document of `kind`
    /// with `tax_point`.
    fn next(&mut self, kind: DocumentKind, tax_point: NaiveDate) -> (NaiveDate, u64) {
        let pattern = series(self.data, kind);
        let floor = self.last_date.get(&kind).copied().or_else(|| self.counters.last_date(pattern));
        let issue_date = floor.map_or(tax_point, |floor| tax_point.max(floor));
        let year = chrono::Datelike::year(&issue_date);
        let seq = self
            .last
            .entry((kind, year))
            .or_insert_with(|| self.counters.last(pattern, year).map_or(0, |(s, _)| s));
        *seq += 1;
        self.last_date.insert(kind, issue_date);
        (issue_date, *seq)
    }
}
